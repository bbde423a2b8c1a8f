//! What one Markdown line is, as far as the importer needs to know: an ATX
//! heading, a list item, a fence, and the text of a heading or emphasised
//! line without its markers.

use super::source::Line;

/// The text of an ATX heading (`## Title ##` -> `Title`), any level.
pub(crate) fn atx_heading(text: &str) -> Option<&str> {
    let indent = text.len() - text.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &text[indent..];
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let after = &rest[hashes..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let content = after.trim();
    let closed = content.trim_end_matches('#');
    if closed.len() < content.len() && (closed.is_empty() || closed.ends_with([' ', '\t'])) {
        return Some(closed.trim_end());
    }
    Some(content)
}

/// The inner text of a line that is bold and nothing else: `**Joe Miller**`.
pub(crate) fn bold_only(text: &str) -> Option<&str> {
    let t = text.trim();
    for marker in ["**", "__"] {
        if let Some(inner) = t.strip_prefix(marker).and_then(|r| r.strip_suffix(marker)) {
            if !inner.trim().is_empty() && !inner.contains(marker) {
                return Some(inner.trim());
            }
        }
    }
    None
}

/// Whether a paragraph is wrapped in emphasis: `*Improving…*`, `***A\nB***`.
pub(crate) fn emphasised(lines: &[&str]) -> bool {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else { return false };
    let (first, last) = (first.trim(), last.trim());
    if list_item(first).is_some() {
        return false;
    }
    ['*', '_'].iter().any(|&m| first.starts_with(m) && last.ends_with(m) && (lines.len() > 1 || first.len() > 2))
}

/// Heading or emphasis text without its markers: `**A** b` -> `A b`,
/// `*Tag*` -> `Tag`; inner spaces collapsed.
pub(crate) fn plain(text: &str) -> String {
    let unbolded = text.replace("**", "").replace("__", "");
    let mut t = unbolded.trim();
    for m in ['*', '_'] {
        if let Some(inner) = t.strip_prefix(m).and_then(|r| r.strip_suffix(m)) {
            t = inner.trim();
        }
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lines of one paragraph as one line: hard breaks (two trailing spaces or
/// a backslash) and line ends become single spaces.
pub(crate) fn join_paragraph(lines: &[&str]) -> String {
    let parts: Vec<&str> = lines.iter().map(|l| l.trim().trim_end_matches('\\').trim_end()).collect();
    parts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A list item: its indent in columns and the byte offset of its content.
pub(crate) fn list_item(text: &str) -> Option<(usize, usize)> {
    let mut indent = 0;
    let mut start = None;
    for (i, c) in text.char_indices() {
        match c {
            ' ' => indent += 1,
            '\t' => indent += 4 - indent % 4,
            _ => {
                start = Some(i);
                break;
            }
        }
    }
    let start = start?;
    let rest = &text[start..];
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !matches!(rest.as_bytes().get(digits), Some(b'.' | b')')) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some((indent, start + marker + (after.len() - after.trim_start().len())))
}

/// The content of a list item, or the trimmed line.
pub(crate) fn item_content(text: &str) -> &str {
    match list_item(text) {
        Some((_, offset)) => &text[offset..],
        None => text.trim(),
    }
}

pub(crate) fn is_fence(text: &str) -> bool {
    let t = text.trim_start_matches(' ');
    text.len() - t.len() <= 3 && (t.starts_with("```") || t.starts_with("~~~"))
}

/// For each line, whether it is a fence line or inside a fenced block (where
/// nothing is repaired).
pub(crate) fn fenced(lines: &[Line]) -> Vec<bool> {
    let mut inside = false;
    lines
        .iter()
        .map(|l| {
            if is_fence(&l.text) {
                inside = !inside;
                true
            } else {
                inside
            }
        })
        .collect()
}

/// Whether a line ends a sentence (`.`, `!`, `?`, `:`, `…`), looking past
/// closing brackets, quotes and emphasis.
pub(crate) fn ends_sentence(text: &str) -> bool {
    let t =
        text.trim_end().trim_end_matches([')', ']', '"', '\'', '\u{201d}', '\u{2019}', '\u{bb}', '*', '_']).trim_end();
    t.ends_with(['.', '!', '?', ':', '\u{2026}'])
}

/// The first word of a list item for comparing siblings: lower-case, `’`
/// read as `'`, emphasis and trailing punctuation removed.
pub(crate) fn first_word(content: &str) -> String {
    let word = content.split_whitespace().next().unwrap_or("");
    word.replace('\u{2019}', "'")
        .replace("**", "")
        .trim_matches(|c: char| !(c.is_alphanumeric() || c == '\''))
        .to_lowercase()
}

/// `s` shortened to `n` characters from the start (`…` added).
pub(crate) fn head(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        return s.to_string();
    }
    format!("{}\u{2026}", s.chars().take(n).collect::<String>().trim_end())
}

/// `s` shortened to its last `n` characters (`…` added).
pub(crate) fn tail(s: &str, n: usize) -> String {
    let s = s.trim();
    let count = s.chars().count();
    if count <= n {
        return s.to_string();
    }
    format!("\u{2026}{}", s.chars().skip(count - n).collect::<String>().trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(atx_heading("## **Activity 1.1: X**"), Some("**Activity 1.1: X**"));
        assert_eq!(atx_heading("# Title #"), Some("Title"));
        assert_eq!(atx_heading("#hashtag"), None);
        assert_eq!(atx_heading("    # code"), None);
        assert_eq!(atx_heading("#"), Some(""));
    }

    #[test]
    fn list_items() {
        assert_eq!(list_item("- a"), Some((0, 2)));
        assert_eq!(list_item("  - **Expected"), Some((2, 4)));
        assert_eq!(list_item("12. x"), Some((0, 4)));
        assert_eq!(list_item("**Joe Miller**"), None);
        assert_eq!(list_item("*Improving*"), None);
        assert_eq!(list_item("---"), None);
        assert_eq!(list_item("   "), None);
    }

    #[test]
    fn markers_and_sentences() {
        assert_eq!(plain("***Annual  Update***"), "Annual Update");
        assert_eq!(plain("**Priority Area 1:** Science"), "Priority Area 1: Science");
        assert_eq!(bold_only(" **Joe Miller** "), Some("Joe Miller"));
        assert_eq!(bold_only("**a** and **b**"), None);
        assert!(!ends_sentence("[establishing a task group on invasive](#)"));
        assert!(ends_sentence("(see also 4.4)."));
        assert!(!ends_sentence("external contract to"));
        assert_eq!(first_word("GBIF\u{2019}s position"), "gbif's");
        assert_eq!(first_word("**GBIF's** value"), "gbif's");
        assert_eq!(tail("abcdef", 3), "\u{2026}def");
        assert_eq!(head("abcdef", 3), "abc\u{2026}");
    }
}
