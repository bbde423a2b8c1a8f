//! Markdown -> HTML. pulldown-cmark's events pass through small adaptors:
//! headings get ids and anchors and feed the table of contents, fenced code
//! is highlighted, and link targets are made site URLs.

mod highlight;
pub mod images;
pub mod jekyll;
mod lead;
pub mod liquid;
pub mod toc;
pub mod xref;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

pub use highlight::Highlighter;
pub use lead::shorten;
pub use toc::TocEntry;

use std::ops::Range;

use crate::diagnostics::Place;
use crate::links::LinkResolver;
use crate::slug::{slugify, UniqueIds};

/// What every page's Markdown is rendered with.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// The path every internal URL starts with (`/` or `/2021/`).
    pub base_path: &'a str,
    pub highlighter: &'a Highlighter,
    /// `false` for a pass that only resolves links: no HTML is written and
    /// no code is highlighted.
    pub html: bool,
    /// Report problems with images (the links pass does; the HTML pass of
    /// a page whose links pass reported them does not).
    pub report: bool,
    /// The site's images; without it, images are plain `<img>`s.
    pub images: Option<&'a crate::images::Library>,
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
    /// The front matter's `background` as resized copies (HTML pass only).
    pub hero: Option<crate::images::Picture>,
    /// Other Markdown front matter fields, rendered: `note`, `funding`.
    pub inline: std::collections::BTreeMap<&'static str, String>,
    /// The first paragraph's words, shortened (HTML pass only): the page's
    /// description where front matter gives none.
    pub lead: String,
}

impl Rendered {
    /// About what this body holds on the heap: its text and headings (a
    /// hero's copies and the inline fields are small beside a page's HTML).
    pub fn heap_bytes(&self) -> usize {
        fn entries(toc: &[TocEntry]) -> usize {
            toc.iter()
                .map(|e| std::mem::size_of::<TocEntry>() + e.id.capacity() + e.title.capacity() + entries(&e.children))
                .sum()
        }
        let headings: usize =
            self.headings.iter().map(|h| std::mem::size_of::<Heading>() + h.id.capacity() + h.title.capacity()).sum();
        self.html.capacity() + self.lead.capacity() + headings + entries(&self.toc)
    }
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
    locate: &dyn Fn(usize) -> Place,
) -> Rendered {
    let mut ids = UniqueIds::default();
    let mut headings = Vec::new();
    // About one event per 30 bytes of Markdown (the benchmark's pages): sized
    // once instead of doubling as the page streams past.
    let list = if opts.html { Vec::with_capacity(markdown.len() / 24) } else { Vec::new() };
    let mut out = Events { list, keep: opts.html };
    let mut text = PendingText::default();
    let mut lead = lead::Lead::default();
    let mut events = Parser::new_ext(markdown, options()).into_offset_iter();
    while let Some((event, range)) = events.next() {
        if opts.html {
            lead.observe(&event);
        }
        if text.gathers(&event, range.start, &mut out, links, locate) {
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                let inner: Vec<(Event, Range<usize>)> =
                    events.by_ref().take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Heading(_)))).collect();
                // A pass for links only needs no ids and no table of contents.
                let heading = opts.html.then(|| {
                    let title = plain_text(inner.iter().map(|(e, _)| e));
                    let id = match id {
                        Some(explicit) => ids.reserve(&explicit),
                        None => ids.claim(&slugify(&title)),
                    };
                    Heading { level: level as u8, id, title }
                });
                if let Some(heading) = &heading {
                    out.push(Event::Html(heading_open(level, &heading.id, &classes, &attrs).into()));
                }
                for (event, range) in inner {
                    out.push(resolve_links(event, links, || locate(range.start)));
                }
                if let Some(heading) = heading {
                    out.push(Event::Html(heading_close(level, &heading.id).into()));
                    headings.push(heading);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if jekyll::video_host(&dest_url).is_some() => {
                let inner: Vec<Event> =
                    events.by_ref().map(|(e, _)| e).take_while(|e| !matches!(e, Event::End(TagEnd::Image))).collect();
                let title = plain_text(inner.iter());
                out.push_with(|| Event::Html(video_link(&dest_url, &title).into()));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let inner: Vec<Event> =
                    events.by_ref().map(|(e, _)| e).take_while(|e| !matches!(e, Event::End(TagEnd::Image))).collect();
                let alt = plain_text(inner.iter());
                let image = images::MarkdownImage {
                    dest: &dest_url,
                    title: &title,
                    alt: &alt,
                    inside_link: text.link_depth > 0,
                    place: locate(range.start),
                };
                match images::picture(&image, opts, links) {
                    Ok(html) => out.push_with(|| Event::Html(html.into())),
                    Err(url) => {
                        out.push(Event::Start(Tag::Image { link_type, dest_url: url.into(), title, id }));
                        for e in inner {
                            out.push(e);
                        }
                        out.push(Event::End(TagEnd::Image));
                    }
                }
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
                out.push_with(|| Event::Html(opts.highlighter.highlight(lang, &code).into()));
            }
            e => out.push(resolve_links(e, links, || locate(range.start))),
        }
    }
    text.flush(&mut out, links, locate);
    let mut html_out = String::new();
    if opts.html {
        html_out.reserve(markdown.len() * 3 / 2);
        html::push_html(&mut html_out, apply_block_attributes(out.list).into_iter());
    }
    Rendered {
        html: html_out,
        toc: toc::build(&headings),
        headings,
        caption: None,
        hero: None,
        inline: Default::default(),
        lead: lead.finish(),
    }
}

/// Renders a short Markdown text (a caption, a note) without its `<p>`
/// wrapper; `locate` places a byte offset of `markdown` in its file.
pub fn render_inline(markdown: &str, links: &mut LinkResolver<'_>, locate: &dyn Fn(usize) -> Place) -> String {
    let mut events = Events { list: Vec::new(), keep: true };
    let mut text = PendingText::default();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if text.gathers(&event, range.start, &mut events, links, locate) {
            continue;
        }
        events.push(resolve_links(event, links, || locate(range.start)));
    }
    text.flush(&mut events, links, locate);
    let mut out = String::new();
    html::push_html(&mut out, events.list.into_iter());
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

// Every heading of every page gets these two tags: written straight into
// one buffer each, as `format!` with `escape` made three or four strings
// and grew them piece by piece.
fn heading_open(level: HeadingLevel, id: &str, classes: &[CowStr], attrs: &[(CowStr, Option<CowStr>)]) -> String {
    let mut tag = String::with_capacity(id.len() + 12);
    tag.push('<');
    tag.push_str(heading_name(level));
    tag.push_str(" id=\"");
    escape_into(&mut tag, id);
    tag.push('"');
    for (at, class) in classes.iter().enumerate() {
        tag.push_str(if at == 0 { " class=\"" } else { " " });
        escape_into(&mut tag, class);
    }
    if !classes.is_empty() {
        tag.push('"');
    }
    for (name, value) in attrs {
        tag.push(' ');
        escape_into(&mut tag, name);
        tag.push_str("=\"");
        escape_into(&mut tag, value.as_deref().unwrap_or(""));
        tag.push('"');
    }
    tag.push('>');
    tag
}

/// The anchor after the heading text lets readers copy a link to it.
fn heading_close(level: HeadingLevel, id: &str) -> String {
    const ANCHOR: &str = " <a class=\"heading-anchor\" href=\"#";
    const LABEL: &str = "\" aria-label=\"Link to this section\">#</a></";
    let mut tag = String::with_capacity(ANCHOR.len() + id.len() + LABEL.len() + 4);
    tag.push_str(ANCHOR);
    escape_into(&mut tag, id);
    tag.push_str(LABEL);
    tag.push_str(heading_name(level));
    tag.push_str(">\n");
    tag
}

/// `h1` … `h6`, as `HeadingLevel`'s `Display` writes it.
fn heading_name(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// Text outside links, gathered until the next other event so that a
/// mention split over several text events ("activities 3.1 & 3.2") is seen
/// whole.
#[derive(Default)]
struct PendingText<'a> {
    /// The run's text: the event's own while the run is one event (nearly
    /// every run), which is then passed on without a copy.
    text: Option<CowStr<'a>>,
    /// The run's text once a second event joins the first.
    joined: Option<String>,
    /// Offset of the first gathered text in the Markdown.
    start: Option<usize>,
    /// How many links the events so far are inside.
    link_depth: usize,
}

impl<'a> PendingText<'a> {
    /// Takes `event` if it is text outside a link (`true`); otherwise emits
    /// what was gathered, notes links opening and closing, and leaves the
    /// event to the caller.
    fn gathers(
        &mut self,
        event: &Event<'a>,
        offset: usize,
        out: &mut Events<'a>,
        links: &mut LinkResolver<'_>,
        locate: &dyn Fn(usize) -> Place,
    ) -> bool {
        if let (Event::Text(text), 0) = (event, self.link_depth) {
            match self.start {
                None => {
                    self.start = Some(offset);
                    self.text = Some(text.clone());
                }
                Some(_) => {
                    let first = self.text.as_deref().unwrap_or_default();
                    self.joined.get_or_insert_with(|| first.to_string()).push_str(text);
                }
            }
            return true;
        }
        self.flush(out, links, locate);
        match event {
            Event::Start(Tag::Link { .. }) => self.link_depth += 1,
            Event::End(TagEnd::Link) => self.link_depth = self.link_depth.saturating_sub(1),
            _ => {}
        }
        false
    }

    /// Emits the gathered text: Liquid tags from Jekyll pages become video
    /// links or are dropped with a warning, and in programme pages each
    /// activity mentioned becomes a link.
    fn flush(&mut self, out: &mut Events<'a>, links: &mut LinkResolver<'_>, locate: &dyn Fn(usize) -> Place) {
        let Some(start) = self.start.take() else { return };
        let text = match (self.joined.take(), self.text.take()) {
            (Some(joined), _) => CowStr::from(joined),
            (None, Some(text)) => text,
            (None, None) => return,
        };
        let tags = jekyll::find_liquid(&text);
        if tags.is_empty() && !links.has_activities() {
            if !text.is_empty() {
                out.push(Event::Text(text));
            }
            return;
        }
        let mut done = 0;
        for (range, tag) in tags {
            emit_mentions(&text[done..range.start], start + done, out, links, locate);
            match tag {
                jekyll::Liquid::Video { url, host } => {
                    out.push_with(|| Event::Html(video_link(&url, &format!("Watch the video on {host}")).into()));
                }
                jekyll::Liquid::Other(tag) => links.diagnostics.push(
                    crate::diagnostics::Diagnostic::warning(format!("Liquid tag `{tag}` is not carried over"))
                        .code(LIQUID_TAG)
                        .at(links.location_of(locate(start + range.start)))
                        .help("folio does not run Liquid; write the content in Markdown, or use `![title](https://vimeo.com/ID)` for a video"),
                ),
            }
            done = range.end;
        }
        emit_mentions(&text[done..], start + done, out, links, locate);
    }
}

pub const LIQUID_TAG: &str = "liquid-tag";

/// Text, with each activity it mentions made a link (in programme pages).
fn emit_mentions(
    text: &str,
    start: usize,
    out: &mut Events<'_>,
    links: &mut LinkResolver<'_>,
    locate: &dyn Fn(usize) -> Place,
) {
    let mut done = 0;
    if links.has_activities() {
        for mention in xref::find(text) {
            let Some(url) = links.activity(&mention.id, || locate(start + mention.start)) else { continue };
            if mention.start > done {
                out.push_with(|| Event::Text(text[done..mention.start].to_string().into()));
            }
            let link = Tag::Link {
                link_type: pulldown_cmark::LinkType::Inline,
                dest_url: url.into(),
                title: "".into(),
                id: "".into(),
            };
            out.push(Event::Start(link));
            out.push_with(|| Event::Text(text[mention.start..mention.end].to_string().into()));
            out.push(Event::End(TagEnd::Link));
            done = mention.end;
        }
    }
    if done < text.len() {
        out.push_with(|| Event::Text(text[done..].to_string().into()));
    }
}

/// Where rendering puts its events. A pass that only gathers links keeps
/// none, and does not build the ones made of new text.
struct Events<'a> {
    list: Vec<Event<'a>>,
    keep: bool,
}

impl<'a> Events<'a> {
    fn push(&mut self, event: Event<'a>) {
        if self.keep {
            self.list.push(event);
        }
    }

    fn push_with(&mut self, event: impl FnOnce() -> Event<'a>) {
        if self.keep {
            self.list.push(event());
        }
    }
}

/// A video on another host, as a link that says where it goes: nothing
/// loads from that host unless the reader follows it (a theme may offer a
/// click-to-load player through `data-video`).
fn video_link(url: &str, title: &str) -> String {
    let host = jekyll::video_host(url).unwrap_or("the video host");
    let title = if title.is_empty() { format!("Watch the video on {host}") } else { title.to_string() };
    format!(
        "<a class=\"video-link\" data-video=\"{}\" href=\"{}\">{}<span class=\"video-host\"> (video on {host})</span></a>",
        escape(url),
        escape(url),
        escape(&title)
    )
}

/// kramdown block attribute lists: a paragraph that is only `{: .a #b}`
/// gives those attributes to the next block; one written on the first or
/// last line of a paragraph gives them to that paragraph.
fn apply_block_attributes(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut pending: Option<jekyll::Attributes> = None;
    let mut i = 0;
    while i < events.len() {
        let starts_block =
            matches!(&events[i], Event::Start(Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_)));
        if let (true, Event::Start(Tag::Paragraph)) = (starts_block, &events[i]) {
            let end = (i..events.len())
                .find(|&j| matches!(events[j], Event::End(TagEnd::Paragraph)))
                .unwrap_or(events.len() - 1);
            let body = &events[i + 1..end];
            // The paragraph is only attribute lists, one a line: they are
            // the next block's.
            let only_lists: Option<Vec<_>> = body
                .iter()
                .enumerate()
                .map(|(k, e)| match e {
                    Event::Text(t) if k % 2 == 0 => jekyll::parse_ial(t).map(Some),
                    Event::SoftBreak if k % 2 == 1 => Some(None),
                    _ => None,
                })
                .collect();
            if let Some(lists) = only_lists.filter(|_| !body.is_empty()) {
                for attrs in lists.into_iter().flatten() {
                    pending.get_or_insert_with(Default::default).merge(attrs);
                }
                i = end + 1;
                continue;
            }
            let mut attrs = pending.take().unwrap_or_default();
            let mut from = i + 1;
            let mut to = end;
            if let [Event::Text(t), Event::SoftBreak, ..] = body {
                if let Some(a) = jekyll::parse_ial(t) {
                    attrs.merge(a);
                    from += 2;
                }
            }
            if let [.., Event::SoftBreak, Event::Text(t)] = body {
                // Not the list the paragraph starts with, taken already.
                if let Some(a) = jekyll::parse_ial(t).filter(|_| to - 2 >= from) {
                    attrs.merge(a);
                    to -= 2;
                }
            }
            if attrs == Default::default() {
                out.extend(take(&mut events[i..=end]));
            } else {
                out.push(Event::Html(format!("<p{}>", attrs.html()).into()));
                out.extend(take(&mut events[from..to]));
                out.push(Event::Html("</p>\n".into()));
            }
            i = end + 1;
            continue;
        }
        if let (true, Some(attrs)) = (starts_block, pending.take()) {
            // The block's own tag gets the attributes, as kramdown does; a
            // table, whose tags pulldown-cmark writes itself, is wrapped.
            let end = block_end(&events, i);
            let (open, close) = match &events[i] {
                Event::Start(Tag::List(None)) => (format!("<ul{}>\n", attrs.html()), "</ul>\n".to_string()),
                Event::Start(Tag::List(Some(1))) => (format!("<ol{}>\n", attrs.html()), "</ol>\n".to_string()),
                Event::Start(Tag::List(Some(n))) => {
                    (format!("<ol start=\"{n}\"{}>\n", attrs.html()), "</ol>\n".to_string())
                }
                Event::Start(Tag::BlockQuote(_)) => {
                    (format!("<blockquote{}>\n", attrs.html()), "</blockquote>\n".to_string())
                }
                _ => {
                    out.push(Event::Html(format!("<div{}>\n", attrs.html()).into()));
                    out.extend(take(&mut events[i..=end]));
                    out.push(Event::Html("</div>\n".into()));
                    i = end + 1;
                    continue;
                }
            };
            out.push(Event::Html(open.into()));
            out.extend(take(&mut events[i + 1..end]));
            out.push(Event::Html(close.into()));
            i = end + 1;
            continue;
        }
        out.push(std::mem::replace(&mut events[i], Event::SoftBreak));
        i += 1;
    }
    out
}

/// Moves events out of the list (each is passed on once, and never read
/// again), leaving a stand-in that costs nothing, instead of copying them.
fn take<'e, 'a>(events: &'e mut [Event<'a>]) -> impl Iterator<Item = Event<'a>> + 'e {
    events.iter_mut().map(|event| std::mem::replace(event, Event::SoftBreak))
}

/// Index of the event that ends the block starting at `start`.
fn block_end(events: &[Event<'_>], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// Link and image targets become the URLs the site has (see `links`).
fn resolve_links<'a>(event: Event<'a>, links: &mut LinkResolver<'_>, location: impl FnOnce() -> Place) -> Event<'a> {
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
    escape_into(&mut out, text);
    out
}

pub(crate) fn escape_into(out: &mut String, text: &str) {
    // Copies the runs between special characters whole: most text has none.
    let mut run = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[run..at]);
        out.push_str(entity);
        run = at + 1;
    }
    out.push_str(&text[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Location, Severity};
    use crate::index::SiteIndex;
    use crate::links::SourceText;
    use std::path::Path;

    fn render_at(md: &str, base_path: &str) -> Rendered {
        let highlighter = Highlighter::new(true);
        let index = SiteIndex::default();
        let source = SourceText { file: Path::new("page.md"), text: md };
        let mut links = LinkResolver::new(&index, Path::new("page.md"), source, "/page/", base_path, Severity::Error);
        let locate = |offset: usize| Place::Offset(offset);
        render(
            md,
            RenderOptions { base_path, highlighter: &highlighter, html: true, report: false, images: None },
            &mut links,
            &locate,
        )
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
    fn heading_tags_escape_ids_classes_and_attributes() {
        let classes = [CowStr::from("c"), CowStr::from("d<")];
        let attrs = [(CowStr::from("data-k"), Some(CowStr::from("v\""))), (CowStr::from("hidden"), None)];
        assert_eq!(
            heading_open(HeadingLevel::H3, "a&b", &classes, &attrs),
            "<h3 id=\"a&amp;b\" class=\"c d&lt;\" data-k=\"v&quot;\" hidden=\"\">"
        );
        assert_eq!(heading_open(HeadingLevel::H6, "x", &[], &[]), "<h6 id=\"x\">");
        assert_eq!(
            heading_close(HeadingLevel::H3, "a&b"),
            " <a class=\"heading-anchor\" href=\"#a&amp;b\" aria-label=\"Link to this section\">#</a></h3>\n"
        );
        for level in [HeadingLevel::H1, HeadingLevel::H2, HeadingLevel::H4, HeadingLevel::H5] {
            assert_eq!(heading_name(level), level.to_string());
        }
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
        let source = SourceText { file: Path::new("page.md"), text: "" };
        let mut links = LinkResolver::new(&index, Path::new("page.md"), source, "/page/", "/", Severity::Error);
        let html = render_inline(
            "[*Limenitis reducta*](https://www.gbif.org/occurrence/2840552819) by X\n",
            &mut links,
            &|_| Place::At(Box::new(Location::file(Path::new("page.md")))),
        );
        assert_eq!(html, "<a href=\"https://www.gbif.org/occurrence/2840552819\"><em>Limenitis reducta</em></a> by X");
    }

    #[test]
    fn kramdown_attributes_apply_to_their_block() {
        let r = render_at("{: .notification .is-info}\nWelcome to the meeting.\n\nA plain one.\n\n{: #intro}\n\n- a\n- b\n\nLast line\n{: .note}\n", "/");
        assert!(r.html.contains("<p class=\"notification is-info\">Welcome to the meeting.</p>"), "{}", r.html);
        assert!(r.html.contains("<p>A plain one.</p>"), "{}", r.html);
        assert!(r.html.contains("<ul id=\"intro\">\n<li>a</li>"), "{}", r.html);
        assert!(r.html.contains("<p class=\"note\">Last line</p>"), "{}", r.html);
        assert!(!r.html.contains("{:"), "{}", r.html);
    }

    #[test]
    fn attribute_lists_on_consecutive_lines_belong_to_the_next_block() {
        // Found by the Markdown fuzz target: this panicked.
        let r = render_at("{: #intro}\n{: .notification .is-info}\n\nWelcome.\n\n{: .a}\nText\n{: .b}\n", "/");
        assert!(r.html.contains("<p id=\"intro\" class=\"notification is-info\">Welcome.</p>"), "{}", r.html);
        assert!(r.html.contains("<p class=\"a b\">Text</p>"), "{}", r.html);
    }

    #[test]
    fn videos_are_links_and_liquid_is_not_shown() {
        let r = render_at(
            "![The Role of the Nodes](https://vimeo.com/565570188/37bd1d694a)\n\n{% include vimeo.html id=\"566560669\" %}\n\nText {{ site.title }} here.\n\n`{{ kept }}`\n",
            "/",
        );
        assert!(r.html.contains("<a class=\"video-link\" data-video=\"https://vimeo.com/565570188/37bd1d694a\" href=\"https://vimeo.com/565570188/37bd1d694a\">The Role of the Nodes<span class=\"video-host\"> (video on Vimeo)</span></a>"), "{}", r.html);
        assert!(r.html.contains("href=\"https://vimeo.com/566560669\">Watch the video on Vimeo"), "{}", r.html);
        assert!(!r.html.contains("<iframe") && !r.html.contains("{%") && !r.html.contains("site.title"), "{}", r.html);
        assert!(r.html.contains("<code>{{ kept }}</code>"), "code keeps its braces: {}", r.html);
    }

    #[test]
    fn local_image_paths_are_encoded_and_based() {
        let r = render_at("![b](</assets/a b,é.jpg>)", "/2021/");
        assert!(r.html.contains("src=\"/2021/assets/a%20b%2C%C3%A9.jpg\""), "{}", r.html);
    }
}
