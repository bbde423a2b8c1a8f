//! Front matter: the YAML between the opening and closing `---` lines,
//! split off the Markdown body and turned into typed fields. Keys the
//! generator does not know are kept as `extra` for templates.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::dates::WrittenDate;
use super::kinds::{Kind, KindFields};
use crate::diagnostics::{Diagnostic, Location};
use crate::yaml::{self, Embedded};

/// The keys every content file may set. Jekyll's keys (`layout`,
/// `background`, `imageLicense`, `height`, ...) are understood so that pages
/// of GBIF's earlier meeting sites work unchanged.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Kind,
    /// A template file name (`post.html`); wins over `layout`.
    pub template: Option<String>,
    /// Jekyll's name for the template, without `.html`: `layout: post`.
    pub layout: Option<String>,
    /// An absolute URL path that replaces the one derived from the file's place.
    pub permalink: Option<String>,
    pub draft: bool,
    /// `YYYY-MM-DD`, optionally followed by a time.
    pub date: Option<WrittenDate>,
    pub weight: Option<i64>,
    /// Ask the theme to show the table of contents.
    pub toc: bool,
    #[serde(rename = "tocMaxDepth")]
    pub toc_max_depth: Option<u8>,
    /// A hero image behind the title.
    pub background: Option<String>,
    /// Markdown credit line for `background`.
    #[serde(rename = "imageLicense")]
    pub image_license: Option<String>,
    /// Where the hero's subject is, as CSS `object-position` reads it
    /// (`70% 45%`, `right`): what its crops and band keep in view.
    pub background_focus: Option<String>,
    /// CSS height of the hero band, e.g. `70vh`.
    pub height: Option<String>,
    pub lang: Option<String>,
    // ---- What the published site carries besides the page ----
    /// When the page last changed (`YYYY-MM-DD`): the sitemap's and the
    /// feed's date, else `date`.
    pub updated: Option<WrittenDate>,
    /// Old addresses of the page (site paths): each gets a redirect page.
    pub aliases: Vec<String>,
    /// On a section's `_index.md`: write an Atom feed of its pages.
    pub feed: bool,
    /// `false` leaves the page out of the search index.
    pub search: Option<bool>,
    /// The image a shared link to the page previews with (a site path or
    /// an absolute URL); else its hero, else the site's `social_image`.
    pub image: Option<String>,
}

/// A content file cut in two: its front matter and its body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The YAML text, without the `---` lines; `None` when there is none.
    pub yaml: Option<&'a str>,
    /// Byte offset of the Markdown body in the file.
    pub body_start: usize,
}

/// Finds the front matter of `text`. A file whose first line is `---` must
/// close it with a later `---` (or `...`) line.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let Some(after_open) = strip_fence_line(text) else {
        return Ok(Split { yaml: None, body_start: 0 });
    };
    let yaml_start = text.len() - after_open.len();
    let mut offset = yaml_start;
    for line in after_open.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim_end() == "---" || bare.trim_end() == "..." {
            return Ok(Split { yaml: Some(&text[yaml_start..offset]), body_start: offset + line.len() });
        }
        offset += line.len();
    }
    Err(Diagnostic::error("front matter is opened but never closed")
        .at(Location::at_line(file, text, 1, 1))
        .help("add a line with `---` after the last front matter key, before the Markdown text"))
}

fn strip_fence_line(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))
}

/// The typed front matter of one file, with the keys no struct knows.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub front: FrontMatter,
    pub fields: KindFields,
    pub extra: yaml::Mapping,
}

pub fn parse(file: &Path, text: &str, yaml_text: &str) -> Result<Parsed, Diagnostic> {
    let at = Embedded { file, file_source: text, lines_before: 1, what: "front matter" };
    let document = yaml::Document::parse(yaml_text, at)?;
    for key in ["date", "updated"] {
        if let Some(date) = document.text_of(key).filter(|d| WrittenDate::parse(d).is_none()) {
            let (line, column) = yaml::key_position(yaml_text, key).unwrap_or((0, 1));
            return Err(Diagnostic::error(format!("`{key}` is not a date: `{date}`"))
                .at(Location::at_line(file, text, line + 1, column))
                .help(format!("write the date as YYYY-MM-DD, e.g. `{key}: 2021-06-23`")));
        }
    }
    let front: FrontMatter = document.get()?;
    let (fields, kind_keys) = KindFields::parse(front.kind, &document)?;
    let mut extra = document.into_mapping();
    let common = yaml::field_names::<FrontMatter>();
    extra.retain(|key, _| !key.as_str().is_some_and(|k| common.contains(&k) || kind_keys.contains(&k)));
    let parsed = Parsed { front, fields, extra };
    validate(&parsed.front, file, text, yaml_text)?;
    Ok(parsed)
}

/// Checks of values that parsed as YAML but cannot be right.
fn validate(front: &FrontMatter, file: &Path, text: &str, yaml_text: &str) -> Result<(), Diagnostic> {
    let at_key = |key: &str| {
        let (line, column) = yaml::key_position(yaml_text, key).unwrap_or((0, 1));
        Location::at_line(file, text, line + 1, column)
    };
    if let Some(permalink) = &front.permalink {
        if !permalink.starts_with('/') || permalink.split('/').any(|s| s == "..") {
            return Err(Diagnostic::error(format!("`permalink` must be a path from the site root: `{permalink}`"))
                .at(at_key("permalink"))
                .help("start it with `/`, e.g. `permalink: /sessions/`"));
        }
    }
    if let Some(height) = &front.height {
        if !is_css_length(height) {
            return Err(Diagnostic::error(format!("`height` is not a CSS length: `{height}`"))
                .at(at_key("height"))
                .help("write a number with a unit: `70vh`, `400px` or `30rem`"));
        }
    }
    Ok(())
}

fn is_css_length(s: &str) -> bool {
    let unit_at = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, unit) = s.split_at(unit_at);
    !number.is_empty()
        && number.parse::<f64>().is_ok()
        && matches!(unit, "px" | "vh" | "vw" | "rem" | "em" | "%" | "svh" | "dvh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: A\n\n---\n\n## Body\n";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.yaml, Some("title: A\n\n"));
        assert_eq!(&text[s.body_start..], "\n## Body\n");
    }

    #[test]
    fn crlf_front_matter() {
        let text = "---\r\ntitle: A\r\n---\r\nBody";
        let s = split(Path::new("a.md"), text).unwrap();
        assert_eq!(s.yaml, Some("title: A\r\n"));
        assert_eq!(&text[s.body_start..], "Body");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_on_line_one() {
        let err = split(Path::new("a.md"), "---\ntitle: A\n# Heading\n").unwrap_err();
        assert!(err.message.contains("never closed"));
        assert_eq!(err.location.unwrap().line, 1);
    }

    #[test]
    fn unknown_keys_become_extra() {
        let text = "---\ntitle: T\nklass: wide\nkind: node\nwebsite: https://x.org\n---\n";
        let yaml = split(Path::new("a.md"), text).unwrap().yaml.unwrap();
        let parsed = parse(Path::new("a.md"), text, yaml).unwrap();
        assert_eq!(parsed.extra.len(), 1);
        assert!(parsed.extra.contains_key("klass"));
        assert_eq!(parsed.fields.node().unwrap().website.as_deref(), Some("https://x.org"));
    }

    #[test]
    fn field_names_come_from_serde() {
        let names = yaml::field_names::<FrontMatter>();
        assert!(names.contains(&"imageLicense") && names.contains(&"title"));
    }

    #[test]
    fn bad_dates_and_heights_point_at_their_key() {
        let text = "---\ntitle: T\ndate: June 2021\n---\n";
        let yaml = split(Path::new("a.md"), text).unwrap().yaml.unwrap();
        let err = parse(Path::new("a.md"), text, yaml).unwrap_err();
        assert_eq!(err.location.unwrap().line, 3);
        assert!(is_css_length("70vh") && is_css_length("12.5rem") && !is_css_length("70 vh"));
    }
}
