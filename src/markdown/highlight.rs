//! Fenced code -> highlighted HTML with CSS classes (`hl-…`); the theme's
//! stylesheet holds the colours, so one highlighted block suits any theme.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, OnceLock};

use syntect::parsing::{BasicScopeStackOp, ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

pub struct Highlighter {
    enabled: bool,
    // Loaded on the first code block: a site without code never pays for it.
    syntaxes: OnceLock<SyntaxSet>,
    /// Blocks highlighted before, for a highlighter that outlives one build
    /// (`folio serve`): highlighting is most of a build's work, and most
    /// blocks are the same from one rebuild to the next.
    cache: Option<Mutex<BlockCache>>,
}

/// Highlighted code by language, then by the code itself (the full text is
/// the key: a hash collision must never show one block's code in another).
#[derive(Default)]
struct BlockCache {
    blocks: HashMap<String, HashMap<String, CachedBlock>>,
    /// Counts [`Highlighter::forget_unused`] calls.
    generation: u64,
}

struct CachedBlock {
    /// `None`: syntect does not know the language.
    html: Option<String>,
    /// The generation that last asked for it.
    used: u64,
}

impl BlockCache {
    fn get(&mut self, lang: &str, code: &str) -> Option<Option<String>> {
        let generation = self.generation;
        let block = self.blocks.get_mut(lang)?.get_mut(code)?;
        block.used = generation;
        Some(block.html.clone())
    }

    fn insert(&mut self, lang: &str, code: &str, html: Option<String>) {
        let block = CachedBlock { html, used: self.generation };
        self.blocks.entry(lang.to_string()).or_default().insert(code.to_string(), block);
    }
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Highlighter").field("enabled", &self.enabled).field("cached", &self.cache.is_some()).finish()
    }
}

impl Highlighter {
    pub fn new(enabled: bool) -> Highlighter {
        Highlighter { enabled, syntaxes: OnceLock::new(), cache: None }
    }

    /// A highlighter that remembers every block it highlights, for use
    /// across rebuilds; [`Highlighter::forget_unused`] bounds what it keeps.
    pub fn cached(enabled: bool) -> Highlighter {
        Highlighter { cache: Some(Mutex::default()), ..Highlighter::new(enabled) }
    }

    /// `<pre class="code" data-lang="rust"><code>…</code></pre>`; a language
    /// syntect does not know, or no language, is escaped text.
    pub fn highlight(&self, lang: &str, code: &str) -> String {
        let lang_attr = if lang.is_empty() { String::new() } else { format!(" data-lang=\"{}\"", super::escape(lang)) };
        let highlighted = if self.enabled && !lang.is_empty() { self.highlighted(lang, code) } else { None };
        let body = highlighted.unwrap_or_else(|| super::escape(code));
        format!("<pre class=\"code\"{lang_attr}><code>{body}</code></pre>\n")
    }

    /// Drops the blocks not asked for since the last call: after a build
    /// that rendered every page, those are blocks no page has any more.
    pub fn forget_unused(&self) {
        let Some(cache) = &self.cache else { return };
        let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let current = cache.generation;
        for blocks in cache.blocks.values_mut() {
            blocks.retain(|_, block| block.used == current);
        }
        cache.blocks.retain(|_, blocks| !blocks.is_empty());
        cache.generation += 1;
    }

    /// The block's highlighted lines, remembered when there is a cache.
    fn highlighted(&self, lang: &str, code: &str) -> Option<String> {
        let Some(cache) = &self.cache else { return self.highlighted_lines(lang, code) };
        let lock = || cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(html) = lock().get(lang, code) {
            return html;
        }
        // Highlighted outside the lock, so that the other threads go on.
        let html = self.highlighted_lines(lang, code);
        lock().insert(lang, code, html.clone());
        html
    }

    /// The code as HTML, with a `<span>` for each scope of a family a
    /// stylesheet colours (see [`STYLED`]), whose classes are the scope's
    /// atoms without the language's own (`storage.type.rust` ->
    /// `hl-storage hl-type`).
    fn highlighted_lines(&self, lang: &str, code: &str) -> Option<String> {
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = syntaxes.find_syntax_by_token(lang)?;
        let own_atom = syntax.scope.build_string().rsplit('.').next().unwrap_or_default().to_string();
        let mut classes: HashMap<Scope, Option<String>, BuildHasherDefault<ScopeHasher>> = HashMap::default();
        let mut state = ParseState::new(syntax);
        let mut scopes = ScopeStack::new();
        // For each scope on `scopes`: whether it opened a span.
        let mut spans: Vec<bool> = Vec::new();
        // Where the last span opened, while nothing has been written in it.
        let mut empty_span_at: Option<usize> = None;
        let mut html = String::with_capacity(code.len() * 4);
        for line in LinesWithEndings::from(code) {
            let mut written = 0;
            for (at, op) in state.parse_line(line, syntaxes).ok()? {
                if at > written {
                    super::escape_into(&mut html, &line[written..at]);
                    written = at;
                    empty_span_at = None;
                }
                let hook = |op: BasicScopeStackOp, _: &[Scope]| match op {
                    BasicScopeStackOp::Push(scope) => {
                        let class = classes.entry(scope).or_insert_with(|| classes_of(scope, &own_atom));
                        spans.push(class.is_some());
                        if let Some(class) = class {
                            empty_span_at = Some(html.len());
                            html.push_str("<span class=\"");
                            html.push_str(class);
                            html.push_str("\">");
                        }
                    }
                    BasicScopeStackOp::Pop => {
                        if spans.pop() == Some(true) {
                            match empty_span_at.take() {
                                Some(start) => html.truncate(start),
                                None => html.push_str("</span>"),
                            }
                        }
                    }
                };
                scopes.apply_with_hook(&op, hook).ok()?;
            }
            super::escape_into(&mut html, &line[written..]);
            empty_span_at = None;
        }
        for _ in spans.iter().filter(|&&span| span) {
            html.push_str("</span>");
        }
        Some(html)
    }
}

/// The scope families that themes colour, after TextMate's naming
/// conventions. `meta.*`, `source.*` and `text.*` scopes only group others:
/// a span for each would double a code block's HTML.
const STYLED: [&str; 11] = [
    "comment",
    "constant",
    "entity",
    "invalid",
    "keyword",
    "markup",
    "punctuation",
    "storage",
    "string",
    "support",
    "variable",
];

/// Hashes a [`Scope`] (two integers) in a few instructions: there is one
/// lookup for every token of every block.
#[derive(Default)]
struct ScopeHasher(u64);

impl Hasher for ScopeHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `hl-storage hl-type` for `storage.type.rust` in Rust; `None` for a
/// scope outside [`STYLED`].
fn classes_of(scope: Scope, own_atom: &str) -> Option<String> {
    let name = scope.build_string();
    let mut atoms: Vec<&str> = name.split('.').collect();
    if !STYLED.contains(&atoms[0]) {
        return None;
    }
    if atoms.len() > 1 && atoms.last() == Some(&own_atom) {
        atoms.pop();
    }
    Some(atoms.iter().map(|atom| format!("hl-{atom}")).collect::<Vec<_>>().join(" "))
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

    /// The text of highlighted HTML: tags removed, entities decoded.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            text.push_str(&rest[..lt]);
            rest = &rest[rest[lt..].find('>').unwrap() + lt + 1..];
        }
        text.push_str(rest);
        let entities = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")];
        entities.iter().fold(text, |t, (entity, c)| t.replace(entity, c))
    }

    #[test]
    fn spans_only_for_styled_scopes_and_every_character_kept() {
        let h = Highlighter::new(true);
        let blocks = [
            ("rust", "/// Doc & <more>\npub fn main() -> Result<(), String> {\n    let s = \"a\\\"b\n c\";\n}\n"),
            ("python", "def f(x):\n    '''multi\n    line'''\n    return x < 2 # done\n"),
            ("html", "<p class=\"x\">Hi &amp; <script>let a = '<';</script></p>\n"),
            ("yaml", "title: \"Work Programme\"\nyear: 2024\n# comment\n"),
            ("bash", "for f in *.md; do echo \"$f\" > /dev/null; done\n"),
        ];
        for (lang, code) in blocks {
            let html = h.highlight(lang, code);
            let inner = html.strip_prefix(&format!("<pre class=\"code\" data-lang=\"{lang}\"><code>")).unwrap();
            let inner = inner.strip_suffix("</code></pre>\n").unwrap();
            assert_eq!(text_of(inner), code, "{lang}: {inner}");
            assert_eq!(inner.matches("<span").count(), inner.matches("</span>").count(), "{lang}: {inner}");
            assert!(inner.contains("<span class=\"hl-"), "{lang}: {inner}");
            for unstyled in ["hl-meta", "hl-source", "hl-text", "hl-rust", "hl-python", "hl-yaml", "class=\"\""] {
                assert!(!inner.contains(unstyled), "{lang}: {unstyled} in {inner}");
            }
        }
        let rust = h.highlight("rust", "pub fn main() {}\n");
        assert!(rust.contains("<span class=\"hl-storage hl-type hl-function\">fn</span>"), "{rust}");
    }

    impl Highlighter {
        fn cached_blocks(&self) -> usize {
            self.cache.as_ref().map_or(0, |c| c.lock().unwrap().blocks.values().map(HashMap::len).sum())
        }
    }

    #[test]
    fn a_cached_highlighter_gives_the_same_html_and_forgets_blocks_no_longer_asked_for() {
        let (plain, cached) = (Highlighter::new(true), Highlighter::cached(true));
        let blocks = [("rust", "fn a() {}\n"), ("rust", "fn b() {}\n"), ("python", "fn a() {}\n"), ("nope", "<i>\n")];
        for _ in 0..2 {
            for (lang, code) in blocks {
                assert_eq!(cached.highlight(lang, code), plain.highlight(lang, code), "{lang} {code}");
            }
        }
        assert_eq!(cached.cached_blocks(), 4);
        cached.forget_unused();
        assert_eq!(cached.cached_blocks(), 4, "all were asked for in the generation just ended");
        cached.highlight("rust", "fn b() {}\n");
        cached.forget_unused();
        assert_eq!(cached.cached_blocks(), 1);
        assert_eq!(cached.highlight("rust", "fn a() {}\n"), plain.highlight("rust", "fn a() {}\n"));
        assert_eq!(Highlighter::cached(false).highlight("rust", "<x>\n"), plain_escaped("<x>\n"));
        assert_eq!(plain.cached_blocks(), 0);
    }

    fn plain_escaped(code: &str) -> String {
        format!("<pre class=\"code\" data-lang=\"rust\"><code>{}</code></pre>\n", super::super::escape(code))
    }
}
