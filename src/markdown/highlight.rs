//! Fenced code -> highlighted HTML with CSS classes (`hl-…`); the theme's
//! stylesheet holds the colours, so one highlighted block suits any theme.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

pub struct Highlighter {
    enabled: bool,
    // Loaded on the first code block: a site without code never pays for it.
    syntaxes: OnceLock<SyntaxSet>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter").field("enabled", &self.enabled).finish()
    }
}

impl Highlighter {
    pub fn new(enabled: bool) -> Highlighter {
        Highlighter { enabled, syntaxes: OnceLock::new() }
    }

    /// `<pre class="code" data-lang="rust"><code>…</code></pre>`; a language
    /// syntect does not know, or no language, is escaped text.
    pub fn highlight(&self, lang: &str, code: &str) -> String {
        let lang_attr = if lang.is_empty() { String::new() } else { format!(" data-lang=\"{}\"", super::escape(lang)) };
        let body = self.highlighted_lines(lang, code).unwrap_or_else(|| super::escape(code));
        format!("<pre class=\"code\"{lang_attr}><code>{body}</code></pre>\n")
    }

    fn highlighted_lines(&self, lang: &str, code: &str) -> Option<String> {
        if !self.enabled || lang.is_empty() {
            return None;
        }
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = syntaxes.find_syntax_by_token(lang)?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, ClassStyle::SpacedPrefixed { prefix: "hl-" });
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(generator.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes_and_unknown_are_escaped() {
        let h = Highlighter::new(true);
        let rust = h.highlight("rust", "fn main() { let x = 1; }\n");
        assert!(rust.contains("class=\"hl-"), "{rust}");
        assert!(rust.starts_with("<pre class=\"code\" data-lang=\"rust\">"));
        let plain = h.highlight("no-such-lang", "<b>\n");
        assert!(plain.contains("&lt;b&gt;"));
        assert!(Highlighter::new(false).highlight("rust", "fn x() {}\n").contains("fn x() {}"));
    }
}
