//! Dates as front matter writes them, read once into jiff values: the
//! build compares, sorts and formats dates, never their text.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A date as written in front matter: `2021-06-23`, perhaps followed by a
/// time (`2021-06-23 10:00`, Jekyll's `2021-06-23 10:00:00 +0200`). The
/// calendar date is read; the text is kept as written for templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenDate {
    date: Date,
    written: String,
}

impl WrittenDate {
    /// `None` unless `text` starts with a real calendar date as YYYY-MM-DD.
    pub fn parse(text: &str) -> Option<WrittenDate> {
        let b = text.as_bytes();
        let digits = [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| b.get(i).is_some_and(u8::is_ascii_digit));
        if !digits || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let date = text[..10].parse().ok()?;
        Some(WrittenDate { date, written: text.to_string() })
    }

    pub fn date(&self) -> Date {
        self.date
    }

    pub fn as_written(&self) -> &str {
        &self.written
    }
}

impl fmt::Display for WrittenDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written)
    }
}

/// Templates see the date as it was written.
impl Serialize for WrittenDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.written)
    }
}

impl<'de> Deserialize<'de> for WrittenDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<WrittenDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        WrittenDate::parse(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"a date written YYYY-MM-DD")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_date_and_keeps_the_text() {
        let d = WrittenDate::parse("2021-06-23 10:00:00 +0200").unwrap();
        assert_eq!(d.date(), jiff::civil::date(2021, 6, 23));
        assert_eq!(d.as_written(), "2021-06-23 10:00:00 +0200");
        for bad in ["June 2021", "2021-6-23", "2021-02-30", "2021-13-01", "21-06-23", ""] {
            assert!(WrittenDate::parse(bad).is_none(), "{bad}");
        }
    }
}
