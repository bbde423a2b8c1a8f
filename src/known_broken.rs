//! Links that were already broken when a site was imported
//! (`known-broken-links.yml`, written by `folio import jekyll`). A broken
//! link, anchor or card image listed there (same file, same link as written) is a
//! warning with code `known-broken-link` instead of an error, so an old
//! site with an old typo builds; a link an edit breaks later is an error
//! as always. Fixing a link and removing its entry is all it takes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use crate::links::{BROKEN_ANCHOR, BROKEN_LINK, CARD_IMAGE_MISSING};
use crate::yaml::{self, Embedded};

pub const FILE: &str = "known-broken-links.yml";
pub const KNOWN_BROKEN: &str = "known-broken-link";

/// One link, as its page writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, from the site's folder: `content/schedule.md`, `site.yaml`.
    pub file: PathBuf,
    /// The link as written there: `/sessions#regional-nodes-sessions`.
    pub link: String,
    /// Why it was broken, as the import found it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownBroken {
    pub entries: Vec<Entry>,
}

impl KnownBroken {
    /// Reads the site's list; a site without one has none.
    pub fn load(root: &Path) -> Result<KnownBroken, Diagnostic> {
        let shown = Path::new(FILE);
        crate::files::Boundary::new(root).check_file(&root.join(FILE))?;
        let text = match std::fs::read(root.join(FILE)) {
            Ok(bytes) => crate::text::decode_utf8(shown, bytes)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(KnownBroken::default()),
            Err(e) => return Err(Diagnostic::error(format!("cannot read {FILE}: {e}")).at(Location::file(shown))),
        };
        let at = Embedded { file: shown, file_source: &text, lines_before: 0, what: FILE };
        let entries: Option<Vec<Entry>> = yaml::parse(&text, at)?;
        Ok(KnownBroken { entries: entries.unwrap_or_default() })
    }

    /// The list as the import writes it.
    pub fn to_yaml(&self) -> String {
        format!(
            "# Links that were already broken on the site when it was imported into folio.\n\
             # folio reports each one as a warning (known-broken-link), not an error, while\n\
             # it stays as it is here; `folio check` lists them. Fix a link, then remove its\n\
             # entry. A link broken by a later edit is an error, as always.\n{}",
            if self.entries.is_empty() { "[]\n".to_string() } else { yaml::to_string(&self.entries) }
        )
    }

    /// The entries, for a lookup per broken link.
    pub fn listed(&self) -> Listed<'_> {
        Listed(self.entries.iter().map(|e| (e.file.as_path(), e.link.as_str())).collect())
    }

    /// Listed broken links and anchors become warnings that say so.
    pub fn apply(&self, diagnostics: &mut Diagnostics) {
        if self.entries.is_empty() {
            return;
        }
        let listed = self.listed();
        for d in &mut diagnostics.items {
            if listed.lists(d) {
                d.severity = Severity::Warning;
                d.code = KNOWN_BROKEN;
                d.message = format!("{} (already broken when the site was imported)", d.message);
                d.help = Some(format!("fix it, then remove its entry from {FILE}"));
            }
        }
    }
}

/// The (file, link) pairs of a list.
pub struct Listed<'a>(HashSet<(&'a Path, &'a str)>);

impl Listed<'_> {
    pub fn contains(&self, file: &Path, link: &str) -> bool {
        self.0.contains(&(file, link))
    }

    fn lists(&self, d: &Diagnostic) -> bool {
        if d.severity != Severity::Error || !is_listable(d.code) {
            return false;
        }
        let (Some(location), Some(link)) = (d.location.as_deref(), written_link(&d.message)) else { return false };
        self.contains(&location.file, link)
    }
}

/// The problems a list may hold: links, anchors and card images that do
/// not lead anywhere.
pub fn is_listable(code: &str) -> bool {
    matches!(code, BROKEN_LINK | BROKEN_ANCHOR | CARD_IMAGE_MISSING)
}

/// The link of a broken-link message: "broken link `x`: …" -> `x`; a menu
/// entry's: "menu entry `T` links to /x, which …" -> `/x`; a card image's:
/// "`image` names `x.jpg`, which the site does not publish …" -> `x.jpg`.
pub fn written_link(message: &str) -> Option<&str> {
    if let Some(rest) = message.strip_prefix("menu entry `") {
        let after = rest.split_once("` links to ")?.1;
        return after.split_once(", which").map(|(url, _)| url);
    }
    if let Some((_, named)) = message.strip_prefix('`').and_then(|rest| rest.split_once("` names `")) {
        return named.split_once("`, which the site does not publish").map(|(image, _)| image);
    }
    let rest = message.strip_prefix("broken link `").or_else(|| message.strip_prefix("broken anchor `"))?;
    rest.split_once("`: ").map(|(link, _)| link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_links_become_warnings_and_others_stay_errors() {
        let known = KnownBroken {
            entries: vec![Entry { file: "content/a.md".into(), link: "/x#y".into(), why: String::new() }],
        };
        let at = |file: &str| Location::at_line(Path::new(file), "line\n", 1, 1);
        let mut diagnostics = Diagnostics {
            items: vec![
                Diagnostic::error("broken anchor `/x#y`: /x has no id `y`").code(BROKEN_ANCHOR).at(at("content/a.md")),
                Diagnostic::error("broken anchor `/x#y`: /x has no id `y`").code(BROKEN_ANCHOR).at(at("content/b.md")),
                Diagnostic::error("broken link `/z`: nothing in the site is at /z")
                    .code(BROKEN_LINK)
                    .at(at("content/a.md")),
                Diagnostic::error(
                    "`image` names `x.jpg`, which the site does not publish: shared links would show no image",
                )
                .code(CARD_IMAGE_MISSING)
                .at(at("content/a.md")),
            ],
        };
        let known = KnownBroken {
            entries: [
                known.entries,
                vec![Entry { file: "content/a.md".into(), link: "x.jpg".into(), why: String::new() }],
            ]
            .concat(),
        };
        known.apply(&mut diagnostics);
        let severities: Vec<Severity> = diagnostics.items.iter().map(|d| d.severity).collect();
        assert_eq!(severities, [Severity::Warning, Severity::Error, Severity::Error, Severity::Warning]);
        assert_eq!(diagnostics.items[0].code, KNOWN_BROKEN);
        assert_eq!(written_link("menu entry `S` links to /sessions, which is not in the site"), Some("/sessions"));
        assert_eq!(
            written_link(
                "`background` names `a b.jpg`, which the site does not publish: shared links would show no image"
            ),
            Some("a b.jpg")
        );
    }

    #[test]
    fn the_list_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let list = KnownBroken {
            entries: vec![Entry { file: "content/a.md".into(), link: "wktmap.com".into(), why: "no page".into() }],
        };
        std::fs::write(dir.path().join(FILE), list.to_yaml()).unwrap();
        assert_eq!(KnownBroken::load(dir.path()).unwrap(), list);
        std::fs::write(dir.path().join(FILE), "- file: a\n  lnk: b\n").unwrap();
        let err = KnownBroken::load(dir.path()).unwrap_err();
        assert_eq!(err.location.unwrap().line, 2, "{}", err.message);
    }
}
