//! Front matter edits that keep the author's text: a key is added at the
//! end, replaced where it stands or removed with its block; everything
//! else (comments, quoting, block scalars) stays as written. The result is
//! parsed back and compared with the intended mapping; should a text edit
//! not give it, the whole front matter is written out from the mapping.

use crate::yaml::{self, Mapping, Value};

/// One change to a page's front matter.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Set(String, Value),
    Remove(String),
}

/// Applies `edits` to the front matter `yaml` (the text between the `---`
/// lines; "" when the file had none), whose parsed value is `original`.
pub fn apply(yaml: &str, original: &Mapping, edits: &[Edit]) -> String {
    let mut expected = original.clone();
    for edit in edits {
        match edit {
            Edit::Set(key, value) => {
                expected.insert(Value::String(key.clone()), value.clone());
            }
            Edit::Remove(key) => {
                expected.remove(key.as_str());
            }
        }
    }
    let edited = edit_text(yaml, edits);
    if parse_mapping(&edited).as_ref() == Some(&expected) {
        edited
    } else {
        serialise(&expected)
    }
}

/// `yaml` with the earlier of repeated top-level keys taken out, so that
/// it reads as `kept` (the last of each, as Ruby's YAML keeps them). When
/// a repeat is nested, the mapping is written out instead.
pub fn without_repeats(yaml: &str, kept: &Mapping) -> String {
    let mut lines: Vec<String> = yaml.split_inclusive('\n').map(str::to_string).collect();
    for key in kept.keys().filter_map(Value::as_str) {
        while lines.iter().filter(|l| starts_key(l, key)).count() > 1 {
            let Some((start, end)) = block_of(&lines, key) else { break };
            lines.drain(start..end);
        }
    }
    let text = lines.concat();
    if parse_mapping(&text).as_ref() == Some(kept) {
        text
    } else {
        serialise(kept)
    }
}

/// The YAML text as a mapping (an empty text is an empty mapping).
pub fn parse_mapping(text: &str) -> Option<Mapping> {
    let at =
        yaml::Embedded { file: std::path::Path::new(""), file_source: text, lines_before: 0, what: "front matter" };
    match yaml::parse::<Value>(text, at).ok()? {
        Value::Mapping(m) => Some(m),
        Value::Null => Some(Mapping::new()),
        _ => None,
    }
}

/// The mapping as YAML, one top-level key after the other.
pub fn serialise(map: &Mapping) -> String {
    if map.is_empty() {
        String::new()
    } else {
        yaml::to_string(map)
    }
}

fn edit_text(yaml: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = yaml.split_inclusive('\n').map(str::to_string).collect();
    if lines.last().is_some_and(|l| !l.ends_with('\n')) {
        let last = lines.len() - 1;
        lines[last].push('\n');
    }
    let mut appended = String::new();
    for edit in edits {
        let key = match edit {
            Edit::Set(k, _) | Edit::Remove(k) => k,
        };
        let replacement = match edit {
            Edit::Set(k, v) => {
                let mut one = Mapping::new();
                one.insert(Value::String(k.clone()), v.clone());
                yaml::to_string(&one)
            }
            Edit::Remove(_) => String::new(),
        };
        match block_of(&lines, key) {
            Some((start, end)) => {
                lines.splice(start..end, std::iter::once(replacement));
                // Splitting the replacement back into lines keeps later
                // searches line-based.
                lines = lines.concat().split_inclusive('\n').map(str::to_string).collect();
            }
            None => appended.push_str(&replacement),
        }
    }
    // New keys go after the last key, before trailing blank lines.
    let keep_blank = lines.iter().rev().take_while(|l| l.trim().is_empty()).count();
    let split = lines.len() - keep_blank;
    let mut out = lines[..split].concat();
    out.push_str(&appended);
    out.push_str(&lines[split..].concat());
    out
}

/// The lines of a top-level `key:` and its value: the key's line and the
/// indented (or `- ` sequence) lines after it, without trailing blank lines.
fn block_of(lines: &[String], key: &str) -> Option<(usize, usize)> {
    let start = lines.iter().position(|line| starts_key(line, key))?;
    let mut end = start + 1;
    let mut last_content = start + 1;
    while end < lines.len() {
        let line = &lines[end];
        if line.trim().is_empty() {
            end += 1;
            continue;
        }
        let continues = line.starts_with([' ', '\t']) || line.starts_with("- ") || line.trim_end() == "-";
        if !continues {
            break;
        }
        end += 1;
        last_content = end;
    }
    Some((start, last_content))
}

/// Whether `line` is the top-level `key:` line.
fn starts_key(line: &str, key: &str) -> bool {
    let rest = line
        .strip_prefix(key)
        .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
        .or_else(|| line.strip_prefix(&format!("'{key}'")));
    rest.is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(yaml: &str) -> Mapping {
        parse_mapping(yaml).unwrap()
    }

    #[test]
    fn adds_replaces_and_removes_keeping_the_rest() {
        let yaml = "title: Sessions # the page\nimageLicense: |\n  [*L*](https://x.org) licensed\npermalink: /sessions\npublished: false\nredirect_from:\n- /old/\n- /older/\n\n";
        let edits = [
            Edit::Set("permalink".into(), Value::String("/sessions/".into())),
            Edit::Remove("published".into()),
            Edit::Set("draft".into(), Value::Bool(true)),
            Edit::Remove("redirect_from".into()),
        ];
        let out = apply(yaml, &map(yaml), &edits);
        assert_eq!(
            out,
            "title: Sessions # the page\nimageLicense: |\n  [*L*](https://x.org) licensed\npermalink: /sessions/\ndraft: true\n\n"
        );
    }

    #[test]
    fn repeated_keys_keep_the_last() {
        let yaml = "title: A\nheight: 50vh # first\nbackground: x.jpg\nheight: 70vh\n";
        let (kept, _) = crate::yaml::parse_tolerant(
            yaml,
            crate::yaml::Embedded {
                file: std::path::Path::new(""),
                file_source: yaml,
                lines_before: 0,
                what: "front matter",
            },
        )
        .unwrap();
        let kept = kept.as_mapping().unwrap().clone();
        assert_eq!(without_repeats(yaml, &kept), "title: A\nbackground: x.jpg\nheight: 70vh\n");
    }

    #[test]
    fn an_empty_front_matter_gets_its_keys() {
        let out = apply("", &Mapping::new(), &[Edit::Set("date".into(), Value::String("2021-06-01".into()))]);
        assert_eq!(map(&out)["date"].as_str(), Some("2021-06-01"));
    }

    #[test]
    fn falls_back_to_writing_the_mapping() {
        // A complex key cannot be found line by line: appending a second
        // `permalink` would repeat the key, so the mapping is written out.
        let yaml = "? permalink\n: /a\ntitle: T\n";
        let out = apply(yaml, &map(yaml), &[Edit::Set("permalink".into(), Value::String("/b/".into()))]);
        assert_eq!(map(&out)["permalink"].as_str(), Some("/b/"));
        assert_eq!(map(&out)["title"].as_str(), Some("T"));
    }

    #[test]
    fn multi_line_values_are_replaced_whole() {
        let yaml = "cta: {text: Go,\n  href: /x/}\n";
        let edits = [Edit::Set("cta".into(), Value::String("none".into()))];
        let out = apply(yaml, &map(yaml), &edits);
        assert_eq!(map(&out)["cta"].as_str(), Some("none"));
    }
}
