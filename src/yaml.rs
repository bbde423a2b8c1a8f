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
    if let Some(offset) = too_deep(text) {
        let (line, column) = line_and_column(yaml, offset);
        return Err(Diagnostic::error(format!(
            "invalid YAML in {}: brackets nested more than {MAX_FLOW_DEPTH} levels deep",
            at.what
        ))
        .at(Location::at_line(at.file, at.file_source, line + at.lines_before, column))
        .help(
            "no page needs data nested this deep; close the `[` and `{` brackets, or write the value as plain text",
        ));
    }
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, yaml, at))
}

/// Deeper flow collections (`{a: {a: …`) are refused before parsing: the
/// parser takes time growing with the square of the depth (100,000 levels
/// took 41 s) before its own limit of 128 stops it.
pub const MAX_FLOW_DEPTH: usize = 100;

/// The byte offset of the first `[` or `{` that opens a collection deeper
/// than [`MAX_FLOW_DEPTH`], outside quotes and comments. Brackets inside a
/// plain value count too, so a value with 100 of them open is refused:
/// none is written that way.
fn too_deep(text: &str) -> Option<usize> {
    #[derive(PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
        Comment,
    }
    let bytes = text.as_bytes();
    let mut state = In::Plain;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match state {
            In::Plain => match b {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'\'' => state = In::Single,
                b'"' => state = In::Double,
                b'#' if i == 0 || bytes[i - 1].is_ascii_whitespace() => state = In::Comment,
                _ => {}
            },
            In::Single if b == b'\'' => state = In::Plain,
            In::Double if b == b'\\' => i += 1,
            In::Double if b == b'"' => state = In::Plain,
            In::Comment if b == b'\n' => state = In::Plain,
            _ => {}
        }
        i += 1;
    }
    None
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
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

    /// The text of a top-level key, when it is text.
    pub fn text_of(&self, key: &str) -> Option<&str> {
        self.value.get(key)?.as_str()
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
    // serde_yaml gives no place for an alias bomb (anchors whose aliases
    // expand to too many values): the line using the most aliases is it.
    let expansion = message.contains("repetition limit").then(|| most_aliases(yaml)).flatten();
    let position = key_line.or_else(|| error.location().map(|l| (l.line(), l.column()))).or(expansion);
    match position {
        Some((line, column)) => {
            diagnostic.at(Location::at_line(at.file, at.file_source, line + at.lines_before, column))
        }
        None => diagnostic.at(Location::file(at.file)),
    }
}

/// The line (1-based) with the most aliases (`*name`), and the column of
/// its first one.
fn most_aliases(yaml: &str) -> Option<(usize, usize)> {
    let is_alias = |line: &str, i: usize| {
        line.as_bytes()[i] == b'*'
            && line.as_bytes().get(i + 1).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            && (i == 0 || matches!(line.as_bytes()[i - 1], b' ' | b'[' | b'{' | b',' | b'\t'))
    };
    yaml.split('\n')
        .enumerate()
        .map(|(n, line)| {
            let aliases: Vec<usize> = (0..line.len()).filter(|&i| is_alias(line, i)).collect();
            (aliases.len(), n + 1, aliases.first().map_or(1, |&c| line[..c].chars().count() + 1))
        })
        .filter(|(count, _, _)| *count > 0)
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, line, column)| (line, column))
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
    } else if message.contains("repetition limit") {
        (
            "aliases (`*name`) of anchors (`&name`) that are themselves made of aliases multiply: write the values out, or use fewer levels of aliases".into(),
            "invalid YAML",
        )
    } else if message.contains("duplicate") {
        ("each key may appear once; remove the repeated one".into(), "repeated key")
    } else {
        (
            "YAML is `key: value` lines; check this line's indentation, colons and quotes (quote values that contain `: ` or start with `[`, `{`, `*`, `&` or `#`)".into(),
            "invalid YAML",
        )
    }
}

/// What Ruby's YAML (and so Jekyll) let pass that [`parse`] refuses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tolerated {
    /// Keys written twice in one mapping, as `a.b`: the last value was kept.
    pub duplicate_keys: Vec<String>,
    /// Documents after the first (`---` again): only the first was read.
    pub extra_documents: usize,
}

/// Parses `yaml` as Jekyll's YAML reader did: a key written twice keeps
/// its last value and only the first document counts; both are reported
/// in [`Tolerated`] for the caller to warn about. Anything else invalid is
/// an error at its line, as with [`parse`].
pub fn parse_tolerant(yaml: &str, at: Embedded<'_>) -> Result<(Value, Tolerated), Diagnostic> {
    use serde::de::DeserializeSeed;
    let text = if yaml.trim().is_empty() { "{}" } else { yaml };
    let found = std::cell::RefCell::new(Tolerated::default());
    let mut documents = serde_yaml::Deserializer::from_str(text);
    let value = match documents.next() {
        Some(first) => LastKeyWins { path: String::new(), found: &found }
            .deserialize(first)
            .map_err(|e| to_diagnostic(&e, yaml, at))?,
        None => Value::Null,
    };
    let mut tolerated = found.into_inner();
    // After a document that fails to parse, serde_yaml's iterator repeats
    // the failure forever: count a bounded number.
    tolerated.extra_documents = documents.take(1000).count();
    Ok((value, tolerated))
}

/// Builds a [`Value`] whose mappings keep the last of repeated keys.
struct LastKeyWins<'a> {
    path: String,
    found: &'a std::cell::RefCell<Tolerated>,
}

impl<'de> serde::de::DeserializeSeed<'de> for LastKeyWins<'_> {
    type Value = Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for LastKeyWins<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::de::DeserializeSeed::deserialize(self, d)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(LastKeyWins { path: self.path.clone(), found: self.found })? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::new();
        while let Some(key) = map.next_key_seed(LastKeyWins { path: self.path.clone(), found: self.found })? {
            let name = match &key {
                Value::String(s) => s.clone(),
                other => to_string(other).trim_end().to_string(),
            };
            let path = if self.path.is_empty() { name } else { format!("{}.{name}", self.path) };
            let value = map.next_value_seed(LastKeyWins { path: path.clone(), found: self.found })?;
            if mapping.insert(key, value).is_some() {
                self.found.borrow_mut().duplicate_keys.push(path);
            }
        }
        Ok(Value::Mapping(mapping))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!foo bar`): Jekyll's safe reader drops the tag.
        use serde::de::VariantAccess;
        let (_, variant) = data.variant::<Value>()?;
        variant.newtype_variant_seed(self)
    }
}

/// Serialises `value` as YAML (no `---` line; ends with a newline). Plain
/// data such as front matter structs cannot fail; should serde_yaml refuse
/// a value anyway, the result is empty.
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// `value` as a YAML value (plain data cannot fail; should serde_yaml
/// refuse a value anyway, the result is null).
pub fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_yaml::to_value(value).unwrap_or(Value::Null)
}

/// The line (1-based, within `yaml`) and column of a top-level `key:`, for
/// errors about a value that parsed but means something wrong.
pub fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

/// The keys a serde struct reads, asked of serde itself so that the list of
/// known keys can never drift from the struct.
pub fn field_names<'de, T: serde::Deserialize<'de>>() -> &'static [&'static str] {
    struct Recorder<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Recorder<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only struct field names are recorded"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("recorded"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Recorder(&mut fields));
    fields
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
    fn tolerant_parsing_keeps_the_last_key_and_the_first_document() {
        let text = "a: 1\nb:\n  c: x\n  c: y\na: 2\n---\nz: 1\n";
        let (value, tolerated) = parse_tolerant(text, at(text)).unwrap();
        assert_eq!(value["a"].as_i64(), Some(2));
        assert_eq!(value["b"]["c"].as_str(), Some("y"));
        assert!(value.get("z").is_none());
        assert_eq!(tolerated.duplicate_keys, ["b.c", "a"]);
        assert_eq!(tolerated.extra_documents, 1);
        assert!(parse_tolerant("a: [\n", at("a: [\n")).is_err());
    }

    #[test]
    fn finds_top_level_keys() {
        assert_eq!(key_position("a: 1\nlayout: post\n", "layout"), Some((2, 1)));
        assert_eq!(key_position("layouts: x\n", "layout"), None);
    }

    #[test]
    fn deep_flow_nesting_is_refused_early_at_its_place() {
        let yaml = format!("title: x\nx: {}1{}\n", "{a: ".repeat(100_000), "}".repeat(100_000));
        let src = format!("---\n{yaml}---\n");
        let err = parse::<Value>(&yaml, at(&src)).unwrap_err();
        assert!(err.message.contains("nested more than 100 levels"), "{}", err.message);
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (3, 4 + 4 * 100), "the 101st `{{`");
        // Brackets in quotes and comments are text.
        let quoted = format!("title: \"{}\" # {}\n", "[".repeat(200), "{".repeat(200));
        assert!(parse::<Value>(&quoted, at(&quoted)).is_ok());
    }

    #[test]
    fn alias_bombs_are_placed_on_a_line() {
        let mut yaml = String::from("title: x\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 9].join(",");
            yaml.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
        }
        let src = format!("---\n{yaml}---\n");
        let err = parse::<Value>(&yaml, at(&src)).unwrap_err();
        assert!(err.message.contains("repetition limit"), "{}", err.message);
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (4, 8), "the first line of aliases, in the file: {}", loc.line_text);
    }
}
