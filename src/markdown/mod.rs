//! Markdown -> HTML. pulldown-cmark's events pass through small adaptors:
//! headings get ids and anchors and feed the table of contents, fenced code
//! is highlighted, and link targets are made site URLs.

mod highlight;
pub mod toc;
pub mod xref;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use highlight::Highlighter;
pub use toc::TocEntry;

use std::ops::Range;

use crate::diagnostics::Location;
use crate::links::LinkResolver;
use crate::slug::{slugify, UniqueIds};

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
    /// The front matter's `imageLicense`, rendered.
    pub caption: Option<String>,
    /// Other Markdown front matter fields, rendered: `note`, `funding`.
    pub inline: std::collections::BTreeMap<&'static str, String>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a page body. `links` resolves and records every link target;
/// `locate` turns a byte offset in `markdown` into a place in the file.
pub fn render(
    markdown: &str,
    opts: RenderOptions<'_>,
    links: &mut LinkResolver<'_>,
    locate: &dyn Fn(usize) -> Location,
) -> Rendered {
    let mut ids = UniqueIds::default();
    let mut headings = Vec::new();
    let mut out = Vec::new();
    let mut text = PendingText::default();
    let mut link_depth = 0usize;
    let mut events = Parser::new_ext(markdown, options()).into_offset_iter();
    while let Some((event, range)) = events.next() {
        // Text is gathered until the next other event, so that a mention
        // split over several text events ("activities 3.1 & 3.2") is seen whole.
        if let (Event::Text(t), 0) = (&event, link_depth) {
            text.push(t, range.start);
            continue;
        }
        text.flush(&mut out, links, locate);
        match &event {
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let inner: Vec<(Event, Range<usize>)> =
                    events.by_ref().take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Heading(_)))).collect();
                let title = plain_text(inner.iter().map(|(e, _)| e));
                let id = match id {
                    Some(explicit) => ids.reserve(&explicit),
                    None => ids.claim(&slugify(&title)),
                };
                out.push(Event::Html(heading_open(level, &id, &classes, &attrs).into()));
                out.extend(inner.into_iter().map(|(e, r)| resolve_links(e, links, || locate(r.start))));
                out.push(Event::Html(heading_close(level, &id).into()));
                headings.push(Heading { level: level as u8, id, title });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut code = String::new();
                for (e, _) in events.by_ref() {
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
            e => out.push(resolve_links(e, links, || locate(range.start))),
        }
    }
    text.flush(&mut out, links, locate);
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    Rendered { html: html_out, toc: toc::build(&headings), headings, caption: None, inline: Default::default() }
}

/// Renders a short Markdown text (a caption) without its `<p>` wrapper.
pub fn render_inline(markdown: &str, links: &mut LinkResolver<'_>, location: &Location) -> String {
    let locate = |_: usize| location.clone();
    let mut events = Vec::new();
    let mut text = PendingText::default();
    let mut link_depth = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        if let (Event::Text(t), 0) = (&event, link_depth) {
            text.push(t, 0);
            continue;
        }
        text.flush(&mut events, links, &locate);
        match &event {
            Event::Start(Tag::Link { .. }) => link_depth += 1,
            Event::End(TagEnd::Link) => link_depth = link_depth.saturating_sub(1),
            _ => {}
        }
        events.push(resolve_links(event, links, || location.clone()));
    }
    text.flush(&mut events, links, &locate);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    let trimmed = out.trim();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    }
}

/// The words of a short Markdown text, without its markup or link targets.
pub fn plain_text_of(markdown: &str) -> String {
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    plain_text(events.iter())
}

fn plain_text<'e>(events: impl Iterator<Item = &'e Event<'e>>) -> String {
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

/// Text outside links, gathered so that cross-references can be found in it.
#[derive(Default)]
struct PendingText {
    text: String,
    /// Offset of the first gathered text in the Markdown.
    start: Option<usize>,
}

impl PendingText {
    fn push(&mut self, text: &str, offset: usize) {
        self.start.get_or_insert(offset);
        self.text.push_str(text);
    }

    /// Emits the gathered text, with each activity it mentions made a link
    /// (in programme pages; elsewhere the text is left as it is).
    fn flush<'a>(
        &mut self,
        out: &mut Vec<Event<'a>>,
        links: &mut LinkResolver<'_>,
        locate: &dyn Fn(usize) -> Location,
    ) {
        let Some(start) = self.start.take() else { return };
        let text = std::mem::take(&mut self.text);
        let mut done = 0;
        if links.has_activities() {
            for mention in xref::find(&text) {
                let Some(url) = links.activity(&mention.id, || locate(start + mention.start)) else { continue };
                if mention.start > done {
                    out.push(Event::Text(text[done..mention.start].to_string().into()));
                }
                let link = Tag::Link {
                    link_type: pulldown_cmark::LinkType::Inline,
                    dest_url: url.into(),
                    title: "".into(),
                    id: "".into(),
                };
                out.push(Event::Start(link));
                out.push(Event::Text(text[mention.start..mention.end].to_string().into()));
                out.push(Event::End(TagEnd::Link));
                done = mention.end;
            }
        }
        if done < text.len() {
            out.push(Event::Text(text[done..].to_string().into()));
        }
    }
}

/// Link and image targets become the URLs the site has (see `links`).
fn resolve_links<'a>(event: Event<'a>, links: &mut LinkResolver<'_>, location: impl FnOnce() -> Location) -> Event<'a> {
    match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = links.resolve(&dest_url, location).into();
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            let dest_url = links.resolve(&dest_url, location).into();
            Event::Start(Tag::Image { link_type, dest_url, title, id })
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
    use crate::diagnostics::Severity;
    use crate::index::SiteIndex;
    use std::path::Path;

    fn render_at(md: &str, base_path: &str) -> Rendered {
        let highlighter = Highlighter::new(true);
        let index = SiteIndex::default();
        let mut links = LinkResolver::new(&index, Path::new("page.md"), "/page/", base_path, Severity::Error);
        let locate = |offset: usize| Location::at_offset(Path::new("page.md"), md, offset);
        render(md, RenderOptions { base_path, highlighter: &highlighter }, &mut links, &locate)
    }

    #[test]
    fn headings_get_unique_ids_and_anchors() {
        let r = render_at("## Notes\n\n## Notes\n\n### Théme 1: “Quotes”\n\n## Custom {#mine}\n", "/");
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
        let r = render_at(
            "+ a\n+ b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\nText[^1]\n\n[^1]: Note\n\n- [x] done\n\n~~old~~\n",
            "/",
        );
        for needle in ["<li>a</li>", "<table>", "footnote-definition", "type=\"checkbox\"", "<del>old</del>"] {
            assert!(r.html.contains(needle), "{needle} missing in {}", r.html);
        }
    }

    #[test]
    fn inline_caption_links_keep_their_targets() {
        let index = SiteIndex::default();
        let mut links = LinkResolver::new(&index, Path::new("page.md"), "/page/", "/", Severity::Error);
        let html = render_inline(
            "[*Limenitis reducta*](https://www.gbif.org/occurrence/2840552819) by X\n",
            &mut links,
            &Location::file(Path::new("page.md")),
        );
        assert_eq!(html, "<a href=\"https://www.gbif.org/occurrence/2840552819\"><em>Limenitis reducta</em></a> by X");
    }

    #[test]
    fn local_image_paths_are_encoded_and_based() {
        let r = render_at("![b](</assets/a b,é.jpg>)", "/2021/");
        assert!(r.html.contains("src=\"/2021/assets/a%20b%2C%C3%A9.jpg\""), "{}", r.html);
    }
}
