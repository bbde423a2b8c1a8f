//! How `folio check` reports: grouped by file for people, JSON for CI.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::{CheckReport, EXIT_CLEAN, EXIT_ERRORS, EXIT_WARNINGS};
use crate::diagnostics::{Diagnostic, Severity};
use crate::links::PLACEHOLDER;
use crate::text::plural;

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.error_count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.warning_count()
    }

    /// 0 when clean, 1 with errors, 2 with warnings only when they are denied.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        if self.errors() > 0 {
            EXIT_ERRORS
        } else if deny_warnings && self.warnings() > 0 {
            EXIT_WARNINGS
        } else {
            EXIT_CLEAN
        }
    }

    /// One block per file, one line per problem (`line:column  severity  message`)
    /// with its help under it, then the external links, then a summary line.
    pub fn human(&self) -> String {
        let mut by_file: BTreeMap<&Path, Vec<&Diagnostic>> = BTreeMap::new();
        let mut unplaced = Vec::new();
        for d in &self.diagnostics.items {
            match d.location.as_deref() {
                Some(l) => by_file.entry(l.file.as_path()).or_default().push(d),
                None => unplaced.push(d),
            }
        }
        let mut out = String::new();
        for d in unplaced {
            let _ = writeln!(out, "{d}");
        }
        for (file, items) in by_file {
            let _ = writeln!(out, "{}", file.display());
            for d in items {
                let l = d.location.as_deref().expect("grouped by location");
                let place = if l.line == 0 { "-".to_string() } else { format!("{}:{}", l.line, l.column) };
                let _ = writeln!(out, "  {place:>7}  {:<7}  {}", severity(d.severity), d.message);
                if let Some(help) = &d.help {
                    let _ = writeln!(out, "  {:>7}  {:<7}  help: {help}", "", "");
                }
            }
            out.push('\n');
        }
        if !self.external.is_empty() {
            let _ = writeln!(out, "External links:");
            for result in &self.external {
                let _ = writeln!(out, "  {}", result.line());
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "Checked {}{}: {}, {} ({}) in {} ms",
            plural(self.pages, "page"),
            if self.external.is_empty() {
                String::new()
            } else {
                format!(" and {}", plural(self.external.len(), "external link"))
            },
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
            plural(self.diagnostics.count_code(PLACEHOLDER), "placeholder link"),
            self.elapsed.as_millis()
        );
        out
    }

    pub fn json(&self) -> String {
        let diagnostics: Vec<_> = self
            .diagnostics
            .items
            .iter()
            .map(|d| {
                let l = d.location.as_deref();
                json!({
                    "severity": severity(d.severity),
                    "code": d.code,
                    "message": d.message,
                    "file": l.map(|l| l.file.to_string_lossy().replace('\\', "/")),
                    "line": l.map(|l| l.line).filter(|&n| n > 0),
                    "column": l.map(|l| l.column).filter(|&n| n > 0),
                    "line_text": l.map(|l| l.line_text.as_str()).filter(|t| !t.is_empty()),
                    "help": d.help,
                })
            })
            .collect();
        let value = json!({
            "summary": {
                "pages": self.pages,
                "errors": self.errors(),
                "warnings": self.warnings(),
                "placeholder_links": self.diagnostics.count_code(PLACEHOLDER),
                "external_links": self.external.len(),
                "elapsed_ms": self.elapsed.as_millis() as u64,
            },
            "diagnostics": diagnostics,
            "external": self.external,
        });
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}
