//! Markdown -> HTML. pulldown-cmark's events pass through small adaptors:
//! headings get ids and anchors and feed the table of contents, fenced code
//! is highlighted, and link targets are made site URLs.

mod highlight;
pub mod toc;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use highlight::Highlighter;
pub use toc::TocEntry;

use crate::slug::{slugify, UniqueIds};
use crate::urls;

/// What every page's Markdown is rendered with.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// The path every internal URL starts with (`/` or `/2021/`).
    pub base_path: &'a str,
    pub highlighter: &'a Highlighter,
}

/// One heading as written on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    pub toc: Vec<TocEntry>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a page body.
pub fn render(markdown: &str, opts: RenderOptions<'_>) -> Rendered {
    let mut ids = UniqueIds::default();
    let mut headings = Vec::new();
    let mut out = Vec::new();
    let mut events = Parser::new_ext(markdown, options());
    while let Some(event) = events.next() {
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let inner: Vec<Event> =
                    events.by_ref().take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_)))).collect();
                let title = plain_text(&inner);
                let id = match id {
                    Some(explicit) => ids.reserve(&explicit),
                    None => ids.claim(&slugify(&title)),
                };
                out.push(Event::Html(heading_open(level, &id, &classes, &attrs).into()));
                out.extend(inner.into_iter().map(|e| local_links(e, opts.base_path)));
                out.push(Event::Html(heading_close(level, &id).into()));
                headings.push(Heading { level: level as u8, id, title });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut code = String::new();
                for e in events.by_ref() {
                    match e {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                let lang = match &kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or(""),
                    pulldown_cmark::CodeBlockKind::Indented => "",
                };
                out.push(Event::Html(opts.highlighter.highlight(lang, &code).into()));
            }
            e => out.push(local_links(e, opts.base_path)),
        }
    }
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    Rendered { html: html_out, toc: toc::build(&headings), headings }
}

/// Renders a short Markdown text (a caption) without its `<p>` wrapper.
pub fn render_inline(markdown: &str, base_path: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|e| local_links(e, base_path));
    let mut out = String::new();
    html::push_html(&mut out, events);
    let trimmed = out.trim();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn heading_open(level: HeadingLevel, id: &str, classes: &[CowStr], attrs: &[(CowStr, Option<CowStr>)]) -> String {
    let mut tag = format!("<{level} id=\"{}\"", escape(id));
    if !classes.is_empty() {
        let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
        tag.push_str(&format!(" class=\"{}\"", escape(&classes.join(" "))));
    }
    for (name, value) in attrs {
        tag.push_str(&format!(" {}=\"{}\"", escape(name), escape(value.as_deref().unwrap_or(""))));
    }
    tag.push('>');
    tag
}

/// The anchor after the heading text lets readers copy a link to it.
fn heading_close(level: HeadingLevel, id: &str) -> String {
    format!(
        " <a class=\"heading-anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a></{level}>\n",
        escape(id)
    )
}

/// Root-relative targets get the base path; local targets are percent-encoded
/// so that file names with spaces or accents work.
fn local_links<'a>(event: Event<'a>, base_path: &str) -> Event<'a> {
    match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: urls::site_url(base_path, &dest_url).into(), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: urls::site_url(base_path, &dest_url).into(), title, id })
        }
        e => e,
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape_html(&mut out, text);
    out
}

fn pulldown_cmark_escape_html(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render_plain(md: &str) -> Rendered {
        let highlighter = Highlighter::new(true);
        render(md, RenderOptions { base_path: "/", highlighter: &highlighter })
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render_plain("## Notes\n\n## Notes\n\n### Théme 1: “Quotes”\n\n## Custom {#mine}\n");
        let ids: Vec<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-1", "théme-1-quotes", "mine"]);
        assert!(
            r.html.contains("<h2 id=\"notes-1\">Notes <a class=\"heading-anchor\" href=\"#notes-1\""),
            "{}",
            r.html
        );
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[1].children[0].id, "théme-1-quotes");
    }

    #[test]
    fn plus_lists_tables_footnotes_and_tasks() {
        let r = render_plain(
            "+ a\n+ b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note\n\n- [x] done\n\n~~old~~\n",
        );
        for needle in ["<li>a</li>", "<table>", "footnote-definition", "type=\"checkbox\"", "<del>old</del>"] {
            assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
        }
    }

    #[test]
    fn inline_caption_links_keep_their_targets() {
        let html = render_inline("[*Limenitis reducta*](https://www.gbif.org/occurrence/2840552819) by X\n", "/");
        assert_eq!(html, "<a href=\"https://www.gbif.org/occurrence/2840552819\"><em>Limenitis reducta</em></a> by X");
    }

    #[test]
    fn local_image_paths_are_encoded_and_based() {
        let highlighter = Highlighter::new(true);
        let r = render("![b](</assets/a b,é.jpg>)", RenderOptions { base_path: "/2021/", highlighter: &highlighter });
        assert!(r.html.contains("src=\"/2021/assets/a%20b%2C%C3%A9.jpg\""), "{}", r.html);
    }
}
