//! Every YAML call goes through this module (front matter, `site.yaml`, data
//! files). serde_yaml is archived upstream: keeping it behind these few
//! functions lets a maintained fork replace it in one commit.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location};

pub use serde_yaml::{Mapping, Value};

/// Where a YAML document sits inside its file, so that errors point at the
/// file's own lines (front matter starts after the opening `---`).
#[derive(Debug, Clone, Copy)]
pub struct Embedded<'a> {
    pub file: &'a Path,
    /// The whole file, for quoting lines.
    pub file_source: &'a str,
    /// Lines of the file that come before the YAML text.
    pub lines_before: usize,
    /// What the document is, for messages: "front matter", "site.yaml".
    pub what: &'a str,
}

/// Deserialises `yaml` into `T`; a failure becomes a diagnostic at the file's
/// own line and column.
pub fn parse<T: DeserializeOwned>(yaml: &str, at: Embedded<'_>) -> Result<T, Diagnostic> {
    // An empty document is an empty mapping, not a null: `---\n---` is valid.
    let text = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, yaml, at))
}

/// A YAML document parsed once, that several typed views are then read
/// from (the common keys, the kind's keys, the rest). Reading from the
/// parsed value is quick; when a view does not fit, the text is parsed
/// again for that view, which is what knows the line and column to report.
pub struct Document<'a> {
    value: Value,
    text: &'a str,
    at: Embedded<'a>,
}

impl<'a> Document<'a> {
    pub fn parse(text: &'a str, at: Embedded<'a>) -> Result<Document<'a>, Diagnostic> {
        let value = parse::<Value>(text, at)?;
        Ok(Document { value, text, at })
    }

    pub fn get<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        T::deserialize(&self.value).or_else(|_| parse::<T>(self.text, self.at))
    }

    /// The document as a mapping (empty when it is not one).
    pub fn into_mapping(self) -> Mapping {
        match self.value {
            Value::Mapping(m) => m,
            _ => Mapping::new(),
        }
    }
}

fn to_diagnostic(error: &serde_yaml::Error, yaml: &str, at: Embedded<'_>) -> Diagnostic {
    let message = strip_position(&error.to_string());
    let (help, kind) = explain(&message, at.what);
    let diagnostic = Diagnostic::error(format!("{kind} in {}: {message}", at.what)).help(help);
    // A wrong value of a top-level key ("title: invalid type: …") is shown
    // on the key's line, which says more than the value's first line.
    let key_line = message
        .split_once(": ")
        .filter(|(key, _)| key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
        .and_then(|(key, _)| key_position(yaml, key));
    let position = key_line.or_else(|| error.location().map(|l| (l.line(), l.column())));
    match position {
        Some((line, column)) => {
            diagnostic.at(Location::at_line(at.file, at.file_source, line + at.lines_before, column))
        }
        None => diagnostic.at(Location::file(at.file)),
    }
}

/// serde_yaml writes positions into its messages ("… at line 3 column 7,
/// while parsing a flow sequence at line 2 column 8"); they count from the
/// YAML, not the file, so they are taken out: folio prints the file's own.
fn strip_position(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        let after = &rest[i + " at line ".len()..];
        let line_digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let tail = &after[line_digits..];
        let column = tail.strip_prefix(" column ").filter(|_| line_digits > 0);
        match column {
            Some(column) => {
                let column_digits = column.bytes().take_while(u8::is_ascii_digit).count();
                out.push_str(&rest[..i]);
                rest = &column[column_digits..];
            }
            None => {
                out.push_str(&rest[..i + 1]);
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A sentence that says how to fix the usual mistakes.
fn explain(message: &str, what: &str) -> (String, &'static str) {
    if message.contains("unknown field") {
        let help = format!("remove the key or correct its spelling; {what} accepts only the keys listed above");
        (help, "unknown key")
    } else if message.contains("invalid type") || message.contains("invalid value") {
        ("give this key a value of the type named above, e.g. `title: Sessions` for text".into(), "wrong type")
    } else if message.contains("unknown variant") {
        ("use one of the values listed above".into(), "unknown value")
    } else if message.contains("duplicate") {
        ("each key may appear once; remove the repeated one".into(), "repeated key")
    } else {
        (
            "YAML is `key: value` lines; check this line's indentation, colons and quotes (quote values that contain `: ` or start with `[`, `{`, `*`, `&` or `#`)".into(),
            "invalid YAML",
        )
    }
}

/// Serialises `value` as YAML (no `---` line; ends with a newline). Plain
/// data such as front matter structs cannot fail; should serde_yaml refuse
/// a value anyway, the result is empty.
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// The line (1-based, within `yaml`) and column of a top-level `key:`, for
/// errors about a value that parsed but means something wrong.
pub fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
    }

    fn at<'a>(src: &'a str) -> Embedded<'a> {
        Embedded { file: Path::new("x.md"), file_source: src, lines_before: 1, what: "front matter" }
    }

    #[test]
    fn type_errors_point_at_the_files_own_line() {
        let src = "---\ntitle:\n  - a\n  - b\n---\n";
        let err = parse::<Doc>("title:\n  - a\n  - b\n", at(src)).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!(loc.line, 2, "{}", err.message);
        assert!(err.message.contains("invalid type"), "{}", err.message);
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn unknown_keys_are_named() {
        let src = "---\ntitel: x\n---\n";
        let err = parse::<Doc>("titel: x\n", at(src)).unwrap_err();
        assert!(err.message.contains("titel"), "{}", err.message);
        assert_eq!(err.location.unwrap().line, 2);
    }

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(
            strip_position(
                "did not find expected ',' or ']' at line 3 column 7, while parsing a flow sequence at line 2 column 8"
            ),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
        assert_eq!(strip_position("a value at line of text"), "a value at line of text");
    }

    #[test]
    fn finds_top_level_keys() {
        assert_eq!(key_position("a: 1\nlayout: post\n", "layout"), Some((2, 1)));
        assert_eq!(key_position("layouts: x\n", "layout"), None);
    }
}
