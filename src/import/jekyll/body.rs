//! Page bodies: Liquid that only builds URLs (`{{ site.baseurl }}`,
//! `relative_url`, `{% link %}`, `{% post_url %}`) becomes plain paths, so
//! that folio resolves and checks them; every other Liquid tag stays as
//! written, for folio to evaluate at build time (`liquid: true`). kramdown's `{:toc}` becomes `toc: true`, and
//! what kramdown reads differently from CommonMark is reported. HTML bodies
//! are kept as one raw HTML block.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag as MdTag};

use super::{Rewrite, NOT_CARRIED_OVER};
use crate::diagnostics::{Diagnostic, Location};

/// What URL-building Liquid can be resolved against.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// Path in the Jekyll site (`about/team.md`) -> URL, for `{% link %}`.
    pub by_path: &'a HashMap<String, String>,
    /// `2021-06-01-welcome` (and `news/2021-06-01-welcome`) -> URL, for `{% post_url %}`.
    pub posts: &'a HashMap<String, String>,
    /// The old site's base path: `/` or `/2021/`.
    pub base_path: &'a str,
}

/// A body, converted.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub text: String,
    pub rewrites: Vec<Rewrite>,
    pub not_carried_over: Vec<Diagnostic>,
    /// kramdown's `{:toc}` was found (and removed).
    pub toc: bool,
    /// Video includes folio renders as they are.
    pub videos: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tag {
    BaseUrl,
    SiteUrl,
    /// `{{ "/path" | relative_url }}` (or `absolute_url`).
    Filtered(String),
    Link(String),
    PostUrl(String),
    Video(String, &'static str),
    Open(&'static str),
    Close(&'static str),
    Other,
}

fn classify(tag: &str) -> Tag {
    let output = tag.starts_with("{{");
    let inner = tag.get(2..tag.len().saturating_sub(2)).unwrap_or("").trim_matches('-').trim();
    if output {
        let parts: Vec<&str> = inner.split('|').map(str::trim).collect();
        return match parts.as_slice() {
            ["site.baseurl"] => Tag::BaseUrl,
            ["site.url"] => Tag::SiteUrl,
            [literal, "relative_url" | "absolute_url"] => match unquote(literal) {
                Some(path) => Tag::Filtered(path.to_string()),
                None => Tag::Other,
            },
            _ => Tag::Other,
        };
    }
    let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let rest = rest.trim();
    match name {
        "link" if !rest.is_empty() => Tag::Link(unquote(rest).unwrap_or(rest).to_string()),
        "post_url" if !rest.is_empty() => Tag::PostUrl(rest.to_string()),
        "raw" => Tag::Open("raw"),
        "comment" => Tag::Open("comment"),
        "endraw" => Tag::Close("raw"),
        "endcomment" => Tag::Close("comment"),
        "include" => video_include(rest).map_or(Tag::Other, |(url, host)| Tag::Video(url, host)),
        _ => Tag::Other,
    }
}

/// `vimeo.html id="…"` / `youtube.html id=…`, the includes folio renders
/// as video links: the video's URL and host.
fn video_include(args: &str) -> Option<(String, &'static str)> {
    let mut words = args.split_whitespace();
    let file = words.next()?;
    let id = words.find_map(|w| w.strip_prefix("id="))?.trim_matches(['"', '\'', '“', '”', '‘', '’']);
    match (file, id.is_empty()) {
        ("vimeo.html", false) => Some((format!("https://vimeo.com/{id}"), "Vimeo")),
        ("youtube.html", false) => Some((format!("https://www.youtube.com/watch?v={id}"), "YouTube")),
        _ => None,
    }
}

fn unquote(s: &str) -> Option<&str> {
    let s = s.trim();
    ['"', '\''].iter().find_map(|q| s.strip_prefix(*q)?.strip_suffix(*q))
}

/// A tag's replacement and what it was (`URL`, `video include`).
type Replacement = Option<(String, &'static str)>;

/// Converts the body of the page `file` (`text` is the whole file, the
/// body starts at `body_start`); `html` for a page written in HTML.
pub fn convert(file: &Path, text: &str, body_start: usize, html: bool, links: Links<'_>) -> Body {
    let body = &text[body_start..];
    let locate = |offset: usize| Location::at_offset(file, text, body_start + offset);
    let mut out = Body::default();
    let tags: Vec<(Range<usize>, Tag)> = crate::markdown::jekyll::find_liquid(body)
        .into_iter()
        .map(|(range, _)| (range.clone(), classify(&body[range])))
        .collect();
    let replacements = replacements(body, &tags, html, links, &locate, &mut out);
    let mut edits = rewrite_runs(file, body, &tags, replacements, &locate, &mut out);
    if !html {
        markdown_checks(body, &locate, &mut edits, &mut out);
    }
    let converted = apply_edits(body, edits);
    out.text = if html { one_html_block(&converted) } else { converted };
    out
}

/// What each URL-building tag becomes (`None`: it stays for the build to
/// evaluate); problems with `{% link %}` and `{% post_url %}` go to `out`.
fn replacements(
    body: &str,
    tags: &[(Range<usize>, Tag)],
    html: bool,
    links: Links<'_>,
    locate: &dyn Fn(usize) -> Location,
    out: &mut Body,
) -> Vec<Replacement> {
    let base_no_slash = links.base_path.trim_end_matches('/');
    let mut replacements: Vec<Replacement> = vec![None; tags.len()];
    let mut block: Option<&'static str> = None;
    let mut chain_start = 0;
    for (i, (range, tag)) in tags.iter().enumerate() {
        let written = &body[range.clone()];
        if let Some(open) = block {
            if *tag == Tag::Close(open) {
                block = None;
            }
            continue;
        }
        // Adjacent tags build one URL: the first one's place decides.
        if i == 0 || tags[i - 1].0.end != range.start {
            chain_start = range.start;
        }
        let line_start = body[..chain_start].rfind('\n').map_or(0, |i| i + 1);
        let markdown_target = !html && is_markdown_target(&body[line_start..chain_start]);
        let before = body[..range.start].chars().next_back();
        let after = body[range.end..].chars().next();
        let next = tags.get(i + 1).filter(|(r, _)| r.start == range.end).map(|(_, t)| t);
        let resolve = |tag: &Tag| match tag {
            Tag::Link(path) => links.by_path.get(path.trim_start_matches('/')).cloned(),
            Tag::PostUrl(name) => links.posts.get(name.trim_start_matches('/')).cloned(),
            _ => None,
        };
        let next_is_url = next.is_some_and(|t| resolve(t).is_some());
        let root_relative = |path: &str| {
            let path = path.trim_start_matches('/');
            if markdown_target {
                format!("/{path}")
            } else {
                format!("{}{path}", links.base_path)
            }
        };
        let replacement = match tag {
            Tag::BaseUrl if next_is_url => Some(String::new()),
            Tag::BaseUrl if after == Some('/') => {
                Some(if markdown_target { String::new() } else { base_no_slash.into() })
            }
            Tag::BaseUrl if matches!(before, Some('(' | '"' | '\'')) && matches!(after, Some(')' | '"' | '\'')) => {
                Some(root_relative(""))
            }
            Tag::SiteUrl if after == Some('/') || next == Some(&Tag::BaseUrl) || next_is_url => Some(String::new()),
            Tag::Filtered(path) if crate::urls::is_external(path) => Some(path.clone()),
            Tag::Filtered(path) => Some(root_relative(path.as_str())),
            Tag::Link(_) | Tag::PostUrl(_) => resolve(tag).map(|url| root_relative(&url)),
            Tag::Video(url, host) if html => Some(video_link(url.as_str(), host)),
            Tag::Open(name) => {
                // folio evaluates `raw` and `comment` as Jekyll did.
                block = Some(name);
                continue;
            }
            _ => None,
        };
        match (&replacement, tag) {
            (Some(_), _) => {}
            (None, Tag::Video(..)) => out.videos += 1,
            (None, Tag::Link(path)) => out.not_carried_over.push(
                Diagnostic::warning(format!("`{written}`: the site has no page or file `{path}`"))
                    .code(NOT_CARRIED_OVER)
                    .at(locate(range.start))
                    .help("link to the page's URL instead, or to its file with `@/path.md`"),
            ),
            (None, Tag::PostUrl(name)) => out.not_carried_over.push(
                Diagnostic::warning(format!("`{written}`: the site has no post `{name}`"))
                    .code(NOT_CARRIED_OVER)
                    .at(locate(range.start))
                    .help("link to the post's URL instead"),
            ),
            // Other Liquid stays: folio evaluates it at build time.
            (None, _) => {}
        }
        let what = if matches!(tag, Tag::Video(..)) { "video include" } else { "URL" };
        replacements[i] = replacement.map(|r| (r, what));
    }

    replacements
}

/// One rewrite per run of adjacent rewritten tags, shown with the path
/// that follows (`{{ site.baseurl }}/about/` -> `/about/`); the text edits
/// that make them.
fn rewrite_runs(
    file: &Path,
    body: &str,
    tags: &[(Range<usize>, Tag)],
    mut replacements: Vec<Replacement>,
    locate: &dyn Fn(usize) -> Location,
    out: &mut Body,
) -> Vec<(Range<usize>, String)> {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if replacements[i].is_none() {
            i += 1;
            continue;
        }
        let start = tags[i].0.start;
        let (mut from, mut to) = (String::new(), String::new());
        let mut end = start;
        let what = replacements[i].as_ref().map_or("URL", |(_, w)| *w);
        while i < tags.len() && tags[i].0.start == end && replacements[i].is_some() {
            let (replacement, _) = replacements[i].take().unwrap_or_default();
            from.push_str(&body[tags[i].0.clone()]);
            to.push_str(&replacement);
            edits.push((tags[i].0.clone(), replacement));
            end = tags[i].0.end;
            i += 1;
        }
        let tail: String = body[end..]
            .chars()
            .take_while(|c| !matches!(c, ')' | '"' | '\'' | '>' | '{' | '<') && !c.is_whitespace())
            .take(80)
            .collect();
        let location = locate(start);
        out.rewrites.push(Rewrite {
            file: file.to_path_buf(),
            line: location.line,
            column: location.column,
            from: format!("{from}{tail}"),
            to: format!("{to}{tail}"),
            what,
        });
    }

    edits
}

/// `body` with `edits` (ranges of it, each replaced); an edit overlapping
/// an earlier one is dropped.
fn apply_edits(body: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| r.start);
    let mut converted = String::with_capacity(body.len());
    let mut done = 0;
    for (range, replacement) in edits {
        if range.start < done {
            continue;
        }
        converted.push_str(&body[done..range.start]);
        converted.push_str(&replacement);
        done = range.end;
    }
    converted.push_str(&body[done..]);
    converted
}

/// Whether the text before a tag on its line makes the tag the start of a
/// Markdown link target: `[text](`, `![alt](` or a reference `[id]: `.
fn is_markdown_target(before: &str) -> bool {
    if before.ends_with("](") || before.ends_with("](<") {
        return true;
    }
    let trimmed = before.trim_start();
    let indent = before.len() - trimmed.len();
    indent <= 3
        && trimmed.starts_with('[')
        && trimmed.find("]:").is_some_and(|i| trimmed[i + 2..].trim().is_empty() && !trimmed[1..i].contains(']'))
}

/// What the Markdown of the body shows differently in folio: kramdown's
/// `{:toc}` (replaced by `toc: true`), extensions (`{::…}`),
/// `markdown="1"` on HTML, and indented HTML after a blank line.
fn markdown_checks(
    body: &str,
    locate: &dyn Fn(usize) -> Location,
    edits: &mut Vec<(Range<usize>, String)>,
    out: &mut Body,
) {
    let mut offset = 0;
    let mut previous: Option<(usize, &str)> = None;
    for line in body.split_inclusive('\n') {
        let bare = line.trim();
        let ial = bare.strip_prefix("{:").and_then(|s| s.strip_suffix('}')).map(str::trim);
        if ial == Some("toc") {
            if let Some((prev_start, prev)) = previous.filter(|(_, p)| is_list_item(p)) {
                edits.push((prev_start..offset + line.len(), String::new()));
                out.toc = true;
                let location = locate(prev_start);
                out.rewrites.push(Rewrite {
                    file: location.file.clone(),
                    line: location.line,
                    column: location.column,
                    from: format!("{} {{:toc}}", prev.trim()),
                    to: "toc: true".into(),
                    what: "table of contents",
                });
            } else {
                out.not_carried_over.push(
                    Diagnostic::warning("kramdown `{:toc}` without the list it replaces is not carried over")
                        .code(NOT_CARRIED_OVER)
                        .at(locate(offset + line.find('{').unwrap_or(0)))
                        .help("set `toc: true` in the front matter: the gbif theme shows the table of contents beside the text"),
                );
            }
        } else if let Some(col) = line.find("{::") {
            out.not_carried_over.push(
                Diagnostic::warning(format!("kramdown extension `{}` is not carried over", bare))
                    .code(NOT_CARRIED_OVER)
                    .at(locate(offset + col))
                    .help("folio reads CommonMark: remove it, or write the content as plain Markdown or HTML"),
            );
        } else if let Some(col) = markdown_attribute(line) {
            out.not_carried_over.push(
                Diagnostic::warning("kramdown's `markdown=\"1\"` is not carried over: the Markdown inside this HTML is not rendered")
                    .code(NOT_CARRIED_OVER)
                    .at(locate(offset + col))
                    .help("leave a blank line after the opening HTML tag and before the closing one: CommonMark then renders the Markdown between them"),
            );
        }
        if !bare.is_empty() {
            previous = Some((offset, line));
        }
        offset += line.len();
    }
    // An indented block right after an HTML block: kramdown kept reading
    // the HTML element, CommonMark ends it at the blank line.
    let mut depth = 0usize;
    let mut after_html = false;
    for (event, range) in Parser::new_ext(body, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let indented = matches!(tag, MdTag::CodeBlock(CodeBlockKind::Indented));
                    if indented && after_html && body[range.clone()].trim_start().starts_with('<') {
                        out.not_carried_over.push(
                            Diagnostic::warning(
                                "indented HTML after a blank line is shown as code by CommonMark (kramdown read it as HTML)",
                            )
                            .code(NOT_CARRIED_OVER)
                            .at(locate(range.start))
                            .help("remove the indentation of these lines, or the blank line before them"),
                        );
                    }
                    after_html = matches!(tag, MdTag::HtmlBlock);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("* ") || t.starts_with("- ") || t.starts_with("+ ") || {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && t[digits..].starts_with(". ")
    }
}

/// The column of `markdown="1"` (or `block`/`span`) inside an HTML tag.
fn markdown_attribute(line: &str) -> Option<usize> {
    if !line.contains('<') {
        return None;
    }
    ["markdown=\"1\"", "markdown='1'", "markdown=\"block\"", "markdown=\"span\"", "markdown=1"]
        .iter()
        .find_map(|a| line.find(a))
}

/// The link folio writes for a video, for video includes in HTML pages
/// (whose HTML folio does not read).
fn video_link(url: &str, host: &str) -> String {
    format!(
        "<a class=\"video-link\" data-video=\"{url}\" href=\"{url}\">Watch the video on {host}<span class=\"video-host\"> (video on {host})</span></a>"
    )
}

/// CommonMark's HTML block type 6: a block tag at the start of a line
/// makes everything up to the next blank line raw HTML.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

fn starts_block(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('<') else { return false };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let name = rest[..name_len].to_ascii_lowercase();
    let after = &rest[name_len..];
    BLOCK_TAGS.contains(&name.as_str())
        && (after.is_empty() || after.starts_with(['>', ' ', '\t', '\n', '\r']) || after.starts_with("/>"))
}

/// An HTML page's body as one raw HTML block, so that folio's Markdown
/// passes it through untouched (Jekyll did not read `.html` pages as
/// Markdown): blank lines are dropped (inside `<pre>` and `<textarea>` an
/// empty comment keeps the line), and a body that does not open with a
/// block tag is wrapped in `<div class="jekyll-html">`.
fn one_html_block(body: &str) -> String {
    let mut out = crate::markdown::liquid::compact_html(body.trim_start());
    if !out.ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
    if out.is_empty() || starts_block(&out) {
        out
    } else {
        format!("<div class=\"jekyll-html\">\n{out}</div>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str, html: bool, base: &str) -> Body {
        let mut by_path = HashMap::new();
        by_path.insert("about/team.md".to_string(), "/about/team/".to_string());
        let mut posts = HashMap::new();
        posts.insert("2021-06-01-welcome".to_string(), "/news/2021/06/01/welcome/".to_string());
        let text = format!("---\ntitle: x\n---\n{body}");
        let start = text.len() - body.len();
        convert(Path::new("page.md"), &text, start, html, Links { by_path: &by_path, posts: &posts, base_path: base })
    }

    #[test]
    fn url_liquid_becomes_paths() {
        let body = "See [team]({{ site.baseurl }}/about/team/), [home]({{ site.baseurl }}), \
                    [w]({{ site.baseurl }}{% post_url 2021-06-01-welcome %}), [t]({% link about/team.md %}) \
                    and ![logo]({{ \"/assets/logo.png\" | relative_url }}).\n\
                    <a href=\"{{ site.url }}{{ site.baseurl }}/about/\">About</a>\n";
        let out = run(body, false, "/2021/");
        assert_eq!(
            out.text,
            "See [team](/about/team/), [home](/), [w](/news/2021/06/01/welcome/), [t](/about/team/) \
             and ![logo](/assets/logo.png).\n<a href=\"/2021/about/\">About</a>\n"
        );
        assert!(out.not_carried_over.is_empty(), "{:?}", out.not_carried_over);
        assert_eq!(out.rewrites.len(), 6);
        assert_eq!(out.rewrites[0].from, "{{ site.baseurl }}/about/team/");
        assert_eq!(out.rewrites[0].to, "/about/team/");
        assert_eq!((out.rewrites[0].line, out.rewrites[0].column), (4, 12));
        assert_eq!(out.rewrites[5].to, "/2021/about/");
    }

    #[test]
    fn other_liquid_stays_for_the_build_to_evaluate() {
        let body = "Intro\n\n{% include vimeo.html id=\"566560669\" %}\n\n{% if site.x %}Shown{% endif %}\n\
                    {% raw %}{{ site.baseurl }}{% endraw %} {{ page.title }} {% comment %}{{ site.baseurl }}/x{% endcomment %}\n";
        let out = run(body, false, "/");
        assert_eq!(out.text, body, "left as written, raw and comment blocks too");
        assert_eq!(out.videos, 1);
        assert!(out.not_carried_over.is_empty(), "{:?}", out.not_carried_over);
        assert!(out.rewrites.is_empty(), "nothing inside raw or comment is rewritten");
    }

    #[test]
    fn kramdown_toc_and_differences() {
        let body = "* TOC\n{:toc}\n\n## One\n\n<div markdown=\"1\">\n*x*\n</div>\n\n{::comment}\nx\n{:/comment}\n";
        let out = run(body, false, "/");
        assert!(out.toc);
        assert!(out.text.starts_with("\n## One"), "{}", out.text);
        assert_eq!(out.not_carried_over.len(), 2, "{:?}", out.not_carried_over);
        let out = run("<div>\n\n    <p>Indented</p>\n</div>\n", false, "/");
        assert!(out.not_carried_over[0].message.contains("indented HTML"));
        let out = run("An example:\n\n    <p>Code</p>\n", false, "/");
        assert!(out.not_carried_over.is_empty(), "an indented code block after text is code in kramdown too");
    }

    #[test]
    fn html_bodies_become_one_raw_block() {
        let out = run("\n<section class=\"x\">\n\n    <p>One</p>\n\n<pre>a\n\nb</pre>\n</section>\n", true, "/");
        assert_eq!(out.text, "<section class=\"x\">\n    <p>One</p>\n<pre>a\n<!---->\nb</pre>\n</section>\n");
        let out = run("<script>x()</script>\n{% include vimeo.html id=\"1\" %}\n", true, "/");
        assert!(out.text.starts_with("<div class=\"jekyll-html\">\n<script>"), "{}", out.text);
        assert!(out.text.contains("href=\"https://vimeo.com/1\""), "{}", out.text);
        assert_eq!(out.rewrites[0].what, "video include");
    }
}
