//! One diagnostics type for every stage. A [`Diagnostic`] knows the file,
//! line and column it is about, quotes the offending line and says how to fix
//! it; a build collects them all (one run reports every broken file) and the
//! caller renders them for the terminal.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Something the author should know that is not wrong (what a site
    /// without an absolute base URL leaves out): said once, never counted.
    Note,
}

/// A place in a source file. `line` and `column` are 1-based; column counts
/// characters, not bytes, so that the caret lines up under accented text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The source line quoted under the message, without its line ending;
    /// a long line is quoted as a window of [`QUOTE_CHARS`] around the column.
    pub line_text: String,
    /// The column of the line shown first in `line_text` (after the `…`
    /// that marks a cut; 1 unless the line was cut to a window).
    pub quote_start: usize,
}

/// The most characters of a line a diagnostic quotes: a diagnostic of a
/// 140 KB line must not carry the line, or many of them fill the memory.
pub const QUOTE_CHARS: usize = 160;

/// The most diagnostics of one severity printed for one file; the rest are counted.
pub const SHOWN_PER_FILE: usize = 25;

impl Location {
    /// The location of `column` on `line`, whose text is `line_text` (a
    /// long one is cut to a window around the column).
    pub fn new(file: &Path, line: usize, column: usize, line_text: &str) -> Location {
        let at = line_text.char_indices().nth(column.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
        let (quote_start, line_text) = quote(line_text, at, column);
        Location { file: file.to_path_buf(), line, column, line_text, quote_start }
    }

    /// The location of byte `offset` in `source` (which is the whole file).
    pub fn at_offset(file: &Path, source: &str, offset: usize) -> Location {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
        let line = memchr::memchr_iter(b'\n', &source.as_bytes()[..line_start]).count() + 1;
        let column = source[line_start..offset].chars().count() + 1;
        // The window is found from the offset, so that many places on one
        // long line cost the window each, not the line.
        let (quote_start, line_text) = quote(&source[line_start..line_end], offset - line_start, column);
        Location { file: file.to_path_buf(), line, column, line_text, quote_start }
    }

    /// The location of byte `offset` in `bytes`, which may not be text
    /// (a file that is not UTF-8): the quoted line shows control characters
    /// as visible symbols.
    pub fn at_byte(file: &Path, bytes: &[u8], offset: usize) -> Location {
        let line_start = bytes[..offset].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line_end = bytes[offset..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| offset + i);
        let line = bytes[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&bytes[line_start..offset]).chars().count() + 1;
        let line_text: String = String::from_utf8_lossy(&bytes[line_start..line_end])
            .trim_end_matches('\r')
            .chars()
            .map(|c| match c {
                '\0' => '\u{2400}',
                '\t' => '\t',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect();
        Location::new(file, line, column, &line_text)
    }

    /// The location of 1-based `line` and `column` in `source`.
    pub fn at_line(file: &Path, source: &str, line: usize, column: usize) -> Location {
        let line_text = source.split('\n').nth(line.saturating_sub(1)).unwrap_or("");
        Location::new(file, line.max(1), column.max(1), line_text)
    }

    /// A whole file, when no line in it is to blame.
    pub fn file(file: &Path) -> Location {
        Location { file: file.to_path_buf(), line: 0, column: 0, line_text: String::new(), quote_start: 1 }
    }
}

/// The part of `line` to quote for the place at byte `at` (column
/// `column`): the whole line when it is short, else [`QUOTE_CHARS`]
/// characters with the place a third of the way in, and `…` where the line
/// goes on. Returns the column shown first (after a leading `…`), and the
/// quote. Costs the window, not the line.
fn quote(line: &str, at: usize, column: usize) -> (usize, String) {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.len() <= QUOTE_CHARS {
        return (1, line.to_string());
    }
    let previous = |i: usize| (0..i).rev().find(|&j| line.is_char_boundary(j)).unwrap_or(0);
    let next = |i: usize| (i + 1..=line.len()).find(|&j| line.is_char_boundary(j)).unwrap_or(line.len());
    let at = floor_char_boundary(line, at.min(line.len()));
    let (mut start, mut end, mut before, mut taken) = (at, at, 0, 0);
    while start > 0 && before < QUOTE_CHARS / 3 {
        start = previous(start);
        before += 1;
    }
    taken += before;
    while end < line.len() && taken < QUOTE_CHARS {
        end = next(end);
        taken += 1;
    }
    // Near the end of the line, the window reaches further back instead.
    while start > 0 && taken < QUOTE_CHARS {
        start = previous(start);
        before += 1;
        taken += 1;
    }
    let mut quoted = String::with_capacity(end - start + 6);
    if start > 0 {
        quoted.push('…');
    }
    quoted.push_str(&line[start..end]);
    if end < line.len() {
        quoted.push('…');
    }
    (column.saturating_sub(before).max(1), quoted)
}

/// Where something was written, kept cheap until it has to be shown: most
/// places are a byte offset in their file, turned into line, column and
/// quoted line only for the few that are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Offset(usize),
    /// A place already worked out (front matter values, for instance).
    At(Box<Location>),
}

impl Place {
    pub fn resolve(&self, file: &Path, text: &str) -> Location {
        match self {
            Place::Offset(offset) => Location::at_offset(file, text, *offset),
            Place::At(location) => (**location).clone(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable name for the kind of problem (`broken-link`), for JSON
    /// output and counting; empty when there is none.
    pub code: &'static str,
    pub message: String,
    /// Boxed: diagnostics travel in `Result`s, which should stay small.
    pub location: Option<Box<Location>>,
    /// What would fix it, in a sentence.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code: "", message: message.into(), location: None, help: None }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, code: "", message: message.into(), location: None, help: None }
    }

    pub fn note(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(message) }
    }

    pub fn with_severity(severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity, ..Diagnostic::error(message) }
    }

    pub fn code(mut self, code: &'static str) -> Diagnostic {
        self.code = code;
        self
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(Box::new(location));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Renders like rustc: the message, an arrow to `file:line:column`, the
/// quoted line with a caret under the column, and the help.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        writeln!(f, "{label}: {}", self.message)?;
        if let Some(loc) = &self.location {
            if loc.line == 0 {
                writeln!(f, "  --> {}", loc.file.display())?;
            } else {
                let gutter = " ".repeat(loc.line.to_string().len());
                writeln!(f, "{gutter}--> {}:{}:{}", loc.file.display(), loc.line, loc.column)?;
                writeln!(f, "{gutter} |")?;
                writeln!(f, "{} | {}", loc.line, loc.line_text)?;
                let cut_before = usize::from(loc.quote_start > 1);
                let pad: String = loc
                    .line_text
                    .chars()
                    .take(loc.column.saturating_sub(loc.quote_start) + cut_before)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{gutter} | {pad}^")?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one run, in a stable order (by file, then line), so
/// that two runs over the same input print the same report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn count_code(&self, code: &str) -> usize {
        self.items.iter().filter(|d| d.code == code).count()
    }

    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            let key = |d: &Diagnostic| d.location.as_deref().map(|l| (l.file.clone(), l.line, l.column));
            key(a).cmp(&key(b)).then_with(|| a.severity.cmp(&b.severity)).then_with(|| a.message.cmp(&b.message))
        });
        self.items.dedup();
    }
}

/// Prints at most [`SHOWN_PER_FILE`] errors and as many warnings of each
/// file, then how many more there are: 20,000 placeholders on one page are
/// one problem to read about, not 20,000 screens.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown: std::collections::HashMap<(Option<&Path>, Severity), usize> = Default::default();
        let mut hidden: Vec<(Option<&Path>, Severity, usize)> = Vec::new();
        for d in &self.items {
            let file = d.location.as_deref().map(|l| l.file.as_path());
            let count = shown.entry((file, d.severity)).or_default();
            *count += 1;
            if *count <= SHOWN_PER_FILE || file.is_none() {
                writeln!(f, "{d}")?;
                continue;
            }
            match hidden.iter_mut().find(|(p, s, _)| *p == file && *s == d.severity) {
                Some((_, _, n)) => *n += 1,
                None => hidden.push((file, d.severity, 1)),
            }
        }
        for (file, severity, n) in hidden {
            let what = match (severity, n) {
                (Severity::Error, 1) => "error",
                (Severity::Error, _) => "errors",
                (Severity::Warning, 1) => "warning",
                (Severity::Warning, _) => "warnings",
                (Severity::Note, 1) => "note",
                (Severity::Note, _) => "notes",
            };
            let file = file.map(|p| p.display().to_string()).unwrap_or_default();
            writeln!(f, "note: {n} more {what} in {file} not shown; `folio check --format json` lists them all\n")?;
        }
        Ok(())
    }
}

/// Library errors. Problems with the site's files are [`Diagnostic`]s,
/// collected over the whole run; `Failed` carries them all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the build failed with {} error(s)", .0.error_count())]
    Failed(Diagnostics),
    #[error("cannot write the site to {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let src = "---\ntitle: Mélianie\n---\n";
        let loc = Location::at_offset(Path::new("a.md"), src, src.find("ianie").unwrap());
        assert_eq!((loc.line, loc.column), (2, 11));
        assert_eq!(loc.line_text, "title: Mélianie");
    }

    #[test]
    fn renders_file_line_column_quote_and_help() {
        let src = "one\ntitle: [a, b]\n";
        let d = Diagnostic::error("`title` must be text")
            .at(Location::at_line(Path::new("content/x.md"), src, 2, 8))
            .help("write `title: Some title`");
        let text = d.to_string();
        assert!(text.contains("--> content/x.md:2:8"), "{text}");
        assert!(text.contains("2 | title: [a, b]"), "{text}");
        assert!(text.contains("  |        ^"), "{text}");
        assert!(text.contains("help: write"), "{text}");
    }

    #[test]
    fn long_lines_are_quoted_as_a_window_around_the_column() {
        let line = "[a](#) ".repeat(20_000);
        let offset = 7 * 10_000;
        let loc = Location::at_offset(Path::new("a.md"), &line, offset);
        assert_eq!((loc.line, loc.column), (1, offset + 1));
        assert_eq!(loc.line_text.chars().count(), QUOTE_CHARS + 2, "with a … at each end");
        let text = Diagnostic::warning("placeholder").at(loc).to_string();
        let quoted = text.lines().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = text.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
        // The caret stands under the `[` of the 10,001st placeholder.
        assert_eq!(quoted.chars().nth(caret.chars().count() - 1), Some('['), "{text}");
        assert!(quoted.starts_with("1 | …") && quoted.ends_with('…'), "{text}");
        let end = Location::at_offset(Path::new("a.md"), &line, line.len() - 3);
        assert!(end.line_text.starts_with('…') && !end.line_text.ends_with('…'), "{}", end.line_text);
    }

    #[test]
    fn each_file_prints_a_bounded_number_of_diagnostics() {
        let src = "[a](#)\n".repeat(100);
        let items = (0..100)
            .map(|i| Diagnostic::warning("placeholder link").at(Location::at_line(Path::new("a.md"), &src, i + 1, 1)))
            .chain([Diagnostic::error("broken").at(Location::at_line(Path::new("b.md"), "x", 1, 1))])
            .collect();
        let text = Diagnostics { items }.to_string();
        assert_eq!(text.matches("warning: placeholder link").count(), SHOWN_PER_FILE);
        assert!(text.contains(&format!("note: {} more warnings in a.md not shown", 100 - SHOWN_PER_FILE)), "{text}");
        assert!(text.contains("error: broken"), "{text}");
    }
}
