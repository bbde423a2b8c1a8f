//! Small helpers for text that every stage uses: counted nouns for
//! messages, amounts in euros, and reading a file's bytes as UTF-8 with an error that points
//! at the first bad byte.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Location};

/// "1 page", "2 pages", "14 activities".
pub fn plural(n: usize, noun: &str) -> String {
    let consonant_y = noun.strip_suffix('y').filter(|stem| stem.chars().last().is_some_and(|c| !"aeiou".contains(c)));
    match (n, consonant_y) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// 20000 -> "€20,000"; cents only when there are any.
pub fn euros(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i64;
    let (whole, frac) = (cents.abs() / 100, cents.abs() % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}€{grouped}")
    } else {
        format!("{sign}€{grouped}.{frac:02}")
    }
}

/// Text files must be UTF-8; the error points at the first bad byte.
pub fn decode_utf8(source: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        Diagnostic::error(format!("file is not valid UTF-8 (byte 0x{:02x})", bytes[bad]))
            .at(Location::at_byte(source, bytes, bad))
            .help("save the file as UTF-8; files converted from Word or PDF are often Latin-1 or Windows-1252")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(plural(1, "page"), "1 page");
        assert_eq!(plural(2, "file"), "2 files");
        assert_eq!(plural(1, "activity"), "1 activity");
        assert_eq!(plural(14, "activity"), "14 activities");
        assert_eq!(plural(4, "priority area"), "4 priority areas");
        assert_eq!(plural(2, "key"), "2 keys");
        assert_eq!(plural(3, "other file"), "3 other files");
    }

    #[test]
    fn euros_are_grouped() {
        assert_eq!(euros(20000.0), "€20,000");
        assert_eq!(euros(287000.0), "€287,000");
        assert_eq!(euros(1234567.5), "€1,234,567.50");
        assert_eq!(euros(0.0), "€0");
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let err = decode_utf8(Path::new("a.md"), b"ok\nbad \xe9 here\n".to_vec()).unwrap_err();
        let loc = err.location.unwrap();
        assert_eq!((loc.line, loc.column), (2, 5));
        assert!(loc.line_text.starts_with("bad "));
    }
}
