//! The one slug function: heading ids, TOC entries, URL path segments and the
//! link checker all agree because they all call [`slugify`].
//!
//! The rules are GitHub's and kramdown's (GFM input), so that links written
//! against GBIF's earlier Jekyll sites (`/sessions#regional-nodes-sessions`)
//! keep working: lower-case the text, drop every character that is not a
//! letter, digit, `_`, `-` or space (letters with accents stay), and turn each
//! space into `-` without collapsing runs.

use std::collections::HashMap;

/// Slugs `text` the way GitHub and kramdown compute heading ids.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' || c == '\t' {
            slug.push('-');
        } else if c == '-' || c == '_' || c.is_alphanumeric() || is_combining_mark(c) {
            slug.extend(c.to_lowercase());
        }
    }
    slug
}

/// Combining accents written as separate code points (`e` + U+0301) belong to
/// the letter before them, as `\p{Word}` in kramdown's pattern says.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Hands out ids unique within one page: the first `intro` stays `intro`,
/// repeats become `intro-1`, `intro-2`, and an id that an author already used
/// explicitly is never handed out again.
#[derive(Debug, Default)]
pub struct UniqueIds {
    seen: HashMap<String, usize>,
}

impl UniqueIds {
    /// Reserves an id chosen by the author (`{#id}`); returns it unchanged.
    pub fn reserve(&mut self, id: &str) -> String {
        self.seen.entry(id.to_string()).or_insert(0);
        id.to_string()
    }

    /// Returns `base`, or `base-N` with the smallest N that is still free.
    pub fn claim(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        match self.seen.get(base).copied() {
            None => {
                self.seen.insert(base.to_string(), 0);
                base.to_string()
            }
            Some(mut n) => loop {
                n += 1;
                let candidate = format!("{base}-{n}");
                if !self.seen.contains_key(&candidate) {
                    self.seen.insert(base.to_string(), n);
                    self.seen.insert(candidate.clone(), 0);
                    return candidate;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kramdown_on_the_sessions_page() {
        assert_eq!(slugify("GBIF.org functionality – NODES Vs. HELPDESK"), "gbiforg-functionality--nodes-vs-helpdesk");
        assert_eq!(
            slugify("Theme 1: The role of nodes in GBIF’s next strategic period"),
            "theme-1-the-role-of-nodes-in-gbifs-next-strategic-period"
        );
        assert_eq!(
            slugify("Live Q&A session based on pre-recorded presentations"),
            "live-qa-session-based-on-pre-recorded-presentations"
        );
        assert_eq!(slugify("Group 1 – data mobilization training"), "group-1--data-mobilization-training");
    }

    #[test]
    fn keeps_accented_letters_and_underscores() {
        assert_eq!(slugify("Mélianie’s snake_case Ünïcode"), "mélianies-snake_case-ünïcode");
        assert_eq!(slugify("Cafe\u{301} 2"), "cafe\u{301}-2");
    }

    #[test]
    fn does_not_collapse_runs_of_spaces() {
        assert_eq!(slugify("a  b"), "a--b");
        assert_eq!(slugify(" lead"), "-lead");
    }

    #[test]
    fn repeats_get_numbered_suffixes_and_skip_taken_ids() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("notes"), "notes");
        assert_eq!(ids.claim("notes"), "notes-1");
        ids.reserve("notes-2");
        assert_eq!(ids.claim("notes"), "notes-3");
        assert_eq!(ids.claim(""), "section");
    }
}
