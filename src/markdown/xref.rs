//! Cross-references in programme text: "Activity 3.1", "activities 4.3 and
//! 4.4", "(see also activities 1.2 and 4.4)" name activities of the same
//! year; each named id becomes a link.

/// One activity named in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range in the text that becomes the link: "Activity 3.1" when a
    /// single activity is named, else just the id ("4.3", "4.4").
    pub start: usize,
    pub end: usize,
    pub id: String,
}

/// Every activity mention in `text`, in order.
pub fn find(text: &str) -> Vec<Mention> {
    let lower = text.to_ascii_lowercase();
    let mut mentions = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("activit") {
        let word_start = from + found;
        from = word_start + "activit".len();
        if lower[..word_start].chars().next_back().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let rest = &lower[from..];
        let word_end = if rest.starts_with("ies") {
            from + 3
        } else if rest.starts_with('y') {
            from + 1
        } else {
            continue;
        };
        let mut ids = Vec::new();
        let mut at = skip_spaces(text, word_end);
        if at == word_end {
            continue;
        }
        while let Some(end) = id_at(text, at) {
            ids.push((at, end));
            match separator_after(text, end) {
                Some(next) if id_at(text, next).is_some() => at = next,
                _ => break,
            }
        }
        match ids.as_slice() {
            [] => {}
            [(start, end)] => {
                mentions.push(Mention { start: word_start, end: *end, id: text[*start..*end].to_string() })
            }
            many => {
                mentions.extend(many.iter().map(|&(s, e)| Mention { start: s, end: e, id: text[s..e].to_string() }))
            }
        }
        from = ids.last().map_or(from, |&(_, e)| e);
    }
    mentions
}

fn skip_spaces(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start_matches([' ', '\u{a0}', '\t', '\n']).len()
}

/// `3.1` at `at` (digits, a dot, digits, not followed by more of them).
fn id_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let digits = |from: usize| bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let major = digits(at);
    if major == 0 || bytes.get(at + major) != Some(&b'.') {
        return None;
    }
    let minor = digits(at + major + 1);
    if minor == 0 {
        return None;
    }
    let end = at + major + 1 + minor;
    let continues = bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
    (!continues).then_some(end)
}

/// Where the next id of a list starts: after ", ", " and ", ", and ", " & " or " or ".
fn separator_after(text: &str, end: usize) -> Option<usize> {
    let rest = &text[end..];
    for sep in [", and ", ", ", " and ", " & ", " or "] {
        if rest.len() >= sep.len() && rest[..sep.len()].eq_ignore_ascii_case(sep) {
            return Some(skip_spaces(text, end + sep.len()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(String, String)> {
        find(text).into_iter().map(|m| (text[m.start..m.end].to_string(), m.id)).collect()
    }

    #[test]
    fn single_mentions_link_the_whole_phrase() {
        assert_eq!(ids("identified under Activity 1.1"), [("Activity 1.1".into(), "1.1".into())]);
        assert_eq!(ids("The proposed change to Activity 3.1 (previously"), [("Activity 3.1".into(), "3.1".into())]);
    }

    #[test]
    fn lists_link_each_id() {
        let found = ids("(see also activities 4.3 and 4.4)");
        assert_eq!(found, [("4.3".into(), "4.3".into()), ("4.4".into(), "4.4".into())]);
        assert_eq!(ids("activities 1.2, 3.1, and 4.10.").len(), 3);
        assert_eq!(ids("Activities 3.1 & 3.2")[1].1, "3.2");
    }

    #[test]
    fn ignores_other_words_and_numbers() {
        assert!(ids("ongoing activities to support").is_empty());
        assert!(ids("reactivity 1.1").is_empty());
        assert!(ids("Activity 1").is_empty());
        assert!(ids("activity 1.2.3").is_empty());
        assert!(ids("activities 2023").is_empty());
    }
}
