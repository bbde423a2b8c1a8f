//! What `folio import jekyll` checks once the site is written: it builds
//! the new site in memory, lists the links that were already broken on
//! the Jekyll site (`known-broken-links.yml`, so they stay warnings), and
//! proves that nothing was lost: every page Jekyll published answers at
//! its old URL, and every word of its Markdown is on that page.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use pulldown_cmark::{Event, Parser};

use crate::build::{self, BuildOptions};
use crate::diagnostics::Error;
use crate::import::jekyll::{JekyllReport, PageKind};
use crate::known_broken::{self, Entry, KnownBroken};
use crate::links;
use crate::output::OutputContent;

/// What the check of an imported site found.
#[derive(Debug, Clone, Default)]
pub struct ImportCheck {
    /// Links already broken on the Jekyll site, as written to the list.
    pub known_broken: KnownBroken,
    /// Pages Jekyll published, and of those the ones at their old URL.
    pub pages: usize,
    pub pages_at_url: usize,
    /// Old URLs nothing answers at.
    pub missing_pages: Vec<String>,
    /// Words of the pages' Markdown, and of those the ones on the page.
    pub words: usize,
    pub words_found: usize,
    /// Pages with words missing: (URL, the first few missing words).
    pub missing_words: Vec<(String, Vec<String>)>,
    /// The folio site's folder.
    pub root: std::path::PathBuf,
}

impl ImportCheck {
    /// The closing lines of the import's report.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let listed = self.known_broken.entries.len();
        if listed > 0 {
            let _ = writeln!(
                out,
                "Already broken on the Jekyll site: {}, listed in {} (warnings, not errors; `folio check` shows them)",
                crate::text::plural(listed, "link"),
                known_broken::FILE
            );
            for e in &self.known_broken.entries {
                let _ = writeln!(out, "  {}: {}", e.file.display(), e.link);
            }
        }
        for url in &self.missing_pages {
            let _ = writeln!(out, "  MISSING: nothing answers at {url}");
        }
        for (url, words) in &self.missing_words {
            let _ = writeln!(out, "  WORDS MISSING on {url}: {}", words.join(", "));
        }
        let _ = writeln!(out, "Next: folio --root {} build", self.root.display());
        let _ = writeln!(out, "Pages at their Jekyll URL: {} of {}", self.pages_at_url, self.pages);
        let _ = writeln!(out, "Words of their Markdown on the page: {} of {}", self.words_found, self.words);
        out
    }

    pub fn complete(&self) -> bool {
        self.pages_at_url == self.pages && self.words_found == self.words
    }
}

/// Builds the imported site in memory, writes the list of links it found
/// broken, and counts pages and words. An error when the site does not
/// build for another reason.
pub fn after_jekyll_import(report: &JekyllReport) -> Result<ImportCheck, Error> {
    let root = &report.import.root;
    let mut options = BuildOptions::new(root);
    options.strict_links = Some(false);
    options.highlight = false;
    // Counting words needs no resized copies, and the new site no cache yet.
    options.images = false;
    // A list from an earlier import must not hide what this one finds.
    let list = root.join(known_broken::FILE);
    let _ = std::fs::remove_file(&list);
    let site = build::render_site(&options)?;
    let mut check = ImportCheck { root: root.clone(), ..ImportCheck::default() };
    let mut seen = BTreeSet::new();
    for d in &site.diagnostics.items {
        if !known_broken::is_listable(d.code) {
            continue;
        }
        let (Some(location), Some(link)) = (d.location.as_deref(), known_broken::written_link(&d.message)) else {
            continue;
        };
        if seen.insert((location.file.clone(), link.to_string())) {
            let why =
                d.message.split_once("`: ").or_else(|| d.message.split_once("`, which ")).map_or("", |(_, why)| why);
            let why = why.to_string();
            check.known_broken.entries.push(Entry { file: location.file.clone(), link: link.to_string(), why });
        }
    }
    if !check.known_broken.entries.is_empty() {
        crate::import::write_file(&list, check.known_broken.to_yaml().as_bytes())
            .map_err(|source| Error::Write { path: list.clone(), source })?;
    }

    let paths: HashSet<&str> = site.output.paths().filter_map(Path::to_str).collect();
    let served = |url: &str| {
        links::served_file(url, |p| paths.contains(p), &site.output.host).and_then(|s| s.file().map(str::to_string))
    };
    for page in report.import.pages.iter().filter(|p| !p.draft) {
        check.pages += 1;
        match served(&page.jekyll_url) {
            Some(_) => check.pages_at_url += 1,
            None => check.missing_pages.push(page.jekyll_url.clone()),
        }
        let Some(output) = served(&page.url) else { continue };
        let Some(html) = site.output.files.get(Path::new(&output)).and_then(|f| match &f.content {
            OutputContent::Rendered(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            OutputContent::Copied(_) => None,
        }) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(report.import.source.join(&page.source)) else { continue };
        let body = match crate::content::front_matter::split(Path::new(&page.source), &text) {
            Ok(split) => text[split.body_start..].to_string(),
            Err(_) => text.clone(),
        };
        let on_page: HashSet<String> = words(&html_text(&html)).collect();
        let wanted: Vec<String> = words(&markdown_text(&body, page.kind == PageKind::Html)).collect();
        let missing: Vec<String> = wanted.iter().filter(|w| !on_page.contains(*w)).cloned().collect();
        check.words += wanted.len();
        check.words_found += wanted.len() - missing.len();
        if !missing.is_empty() {
            let mut first: Vec<String> = Vec::new();
            for w in missing {
                if !first.contains(&w) && first.len() < 8 {
                    first.push(w);
                }
            }
            check.missing_words.push((page.url.clone(), first));
        }
    }
    Ok(check)
}

/// The words an author wrote in a page's Markdown: its text, without
/// Liquid (its output is counted on the page, not here), kramdown's
/// attribute lines, link targets or HTML tags.
fn markdown_text(body: &str, html: bool) -> String {
    // Text inside Liquid (a branch not taken, a comment) may never have
    // been shown: only the words outside it count. A line that held only
    // Liquid goes too (the Liquid stage leaves such lines out of HTML).
    let mut plain = String::with_capacity(body.len());
    let mut done = 0;
    for range in crate::markdown::liquid::liquid_ranges(body) {
        let line_start = body[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = body[range.end..].find('\n').map_or(body.len(), |i| range.end + i);
        let alone = body[line_start..range.start].trim().is_empty() && body[range.end..line_end].trim().is_empty();
        if alone && line_start >= done {
            plain.push_str(&body[done..line_start]);
            done = (line_end + 1).min(body.len());
        } else {
            plain.push_str(&body[done..range.start.max(done)]);
            plain.push(' ');
            done = range.end.max(done);
        }
    }
    plain.push_str(&body[done..]);
    let plain: String = plain
        .lines()
        .filter(|l| crate::markdown::jekyll::parse_ial(l).is_none() && l.trim() != "* TOC")
        .map(|l| format!("{l}\n"))
        .collect();
    if html {
        return html_text(&plain);
    }
    // Tags split over several events (`<iframe` on a line of its own) are
    // put back together before they are taken out.
    let mut html_and_text = String::new();
    for event in Parser::new_ext(&plain, crate::markdown::options()) {
        match event {
            Event::Text(t) | Event::Code(t) => html_and_text.push_str(&t.replace('&', "&amp;").replace('<', "&lt;")),
            Event::Html(h) | Event::InlineHtml(h) => html_and_text.push_str(&h),
            _ => {}
        }
        html_and_text.push(' ');
    }
    html_text(&html_and_text)
}

/// The text of HTML as a reader meets it: tags left out but for their
/// `alt` and `title` (an image's alt text is written as Markdown text),
/// the common entities read.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = &rest[open..];
            break;
        };
        let tag = &rest[open..open + close];
        for attribute in [" alt=\"", " title=\""] {
            if let Some(value) = tag.split(attribute).nth(1).and_then(|v| v.split('"').next()) {
                out.push(' ');
                out.push_str(value);
            }
        }
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Words: runs of letters and digits, lower-cased.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_markdown_leave_out_liquid_targets_and_attributes() {
        let body = "# Title\n\nSee [the *schedule*](/schedule) {{ site.x }} now.\n{: .notification}\n\n<div class=\"x\">Raw <b>HTML</b></div>\n";
        let found: Vec<String> = words(&markdown_text(body, false)).collect();
        assert_eq!(found, ["title", "see", "the", "schedule", "now", "raw", "html"]);
        let page: Vec<String> =
            words(&html_text("<p>See <a href=\"/s\">the</a> R&amp;D <img alt=\"A map\" src=\"m.png\"></p>")).collect();
        assert_eq!(page, ["see", "the", "r", "d", "a", "map"]);
    }
}
