//! One diagnostics type for every stage. A [`Diagnostic`] knows the file,
//! line and column it is about, quotes the offending line and says how to fix
//! it; a build collects them all (one run reports every broken file) and the
//! caller renders them for the terminal.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file. `line` and `column` are 1-based; column counts
/// characters, not bytes, so that the caret lines up under accented text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The source line quoted under the message, without its line ending.
    pub line_text: String,
}

impl Location {
    /// The location of byte `offset` in `source` (which is the whole file).
    pub fn at_offset(file: &Path, source: &str, offset: usize) -> Location {
        let offset = floor_char_boundary(source, offset.min(source.len()));
        let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
        Location {
            file: file.to_path_buf(),
            line: source[..line_start].matches('\n').count() + 1,
            column: source[line_start..offset].chars().count() + 1,
            line_text: source[line_start..line_end].trim_end_matches('\r').to_string(),
        }
    }

    /// The location of 1-based `line` and `column` in `source`.
    pub fn at_line(file: &Path, source: &str, line: usize, column: usize) -> Location {
        let line_text = source.lines().nth(line.saturating_sub(1)).unwrap_or("").trim_end_matches('\r').to_string();
        Location { file: file.to_path_buf(), line: line.max(1), column: column.max(1), line_text }
    }

    /// A whole file, when no line in it is to blame.
    pub fn file(file: &Path) -> Location {
        Location { file: file.to_path_buf(), line: 0, column: 0, line_text: String::new() }
    }
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
                let pad: String = loc
                    .line_text
                    .chars()
                    .take(loc.column.saturating_sub(1))
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
        self.items.len() - self.error_count()
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

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.items {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
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
}
