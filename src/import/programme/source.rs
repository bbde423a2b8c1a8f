//! Reading the document: bytes to text with LF line endings, or an error for
//! a file that is empty or not text (NUL bytes, invalid UTF-8).

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location};
use crate::text;

/// One input line, with its 1-based number in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub no: usize,
    pub text: String,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The document as text: a BOM removed, CRLF (and lone CR) turned into LF.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub file: PathBuf,
    pub text: String,
}

impl Source {
    pub fn lines(&self) -> Vec<Line> {
        self.text.split('\n').enumerate().map(|(i, t)| Line { no: i + 1, text: t.to_string() }).collect()
    }

    /// The location of 1-based `line`, `column`, quoting the line.
    pub fn at(&self, line: usize, column: usize) -> Location {
        Location::at_line(&self.file, &self.text, line, column)
    }
}

const NOT_TEXT_HELP: &str = "folio imports the Work Programme's Markdown text (UTF-8); export the document as Markdown, or re-save this file as UTF-8 text";

pub(crate) fn decode(file: &Path, bytes: &[u8]) -> Result<Source, Diagnostic> {
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(not_text(file, Location::at_byte(file, bytes, offset), "a NUL byte"));
    }
    let text = text::decode_utf8(file, bytes.to_vec()).map_err(|not_utf8| {
        let location = not_utf8.location.map_or_else(|| Location::file(file), |l| *l);
        not_text(file, location, "bytes that are not UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if text.trim().is_empty() {
        let what = if bytes.is_empty() { "is empty" } else { "holds only blank lines" };
        return Err(Diagnostic::error(format!("{} {what}: there is nothing to import", file.display()))
            .at(Location::at_line(file, &text, 1, 1))
            .help("import the Markdown export of the Work Programme; it starts with the title, e.g. `# GBIF Work Programme 2024`"));
    }
    Ok(Source { file: file.to_path_buf(), text })
}

/// An error at the first byte that makes the file not text.
fn not_text(file: &Path, location: Location, what: &str) -> Diagnostic {
    let (line, column) = (location.line, location.column);
    Diagnostic::error(format!("{} is not a text file: it holds {what} at line {line}, column {column}", file.display()))
        .at(location)
        .help(NOT_TEXT_HELP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bom_become_plain_lf() {
        let s = decode(Path::new("a.md"), "\u{feff}# A\r\nb\r\n".as_bytes()).unwrap();
        assert_eq!(s.text, "# A\nb\n");
        assert_eq!(s.lines()[1], Line { no: 2, text: "b".into() });
    }

    #[test]
    fn nul_and_invalid_utf8_point_at_their_place() {
        let d = decode(Path::new("a.md"), b"# A\nab\0c\n").unwrap_err();
        let loc = d.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 3));
        assert_eq!(loc.line_text, "ab\u{2400}c");
        let d = decode(Path::new("a.md"), b"ok\n\xffx").unwrap_err();
        assert_eq!(d.location.unwrap().line, 2);
        assert!(d.message.contains("not UTF-8"));
    }

    #[test]
    fn empty_files_are_refused() {
        assert!(decode(Path::new("a.md"), b"").unwrap_err().message.contains("empty"));
        assert!(decode(Path::new("a.md"), b"\n \r\n").unwrap_err().message.contains("blank"));
    }
}
