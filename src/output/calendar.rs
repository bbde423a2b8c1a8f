//! iCalendar files (RFC 5545) for sessions and meetings: CRLF line endings,
//! lines folded at 75 octets, text escaped, times in UTC, and a `UID` and
//! `DTSTAMP` derived from the content so that two builds are byte-identical.

use jiff::Timestamp;

/// One event of a calendar.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Stable across builds: derived from the page's URL.
    pub uid: String,
    pub summary: &'a str,
    pub description: String,
    pub location: Option<&'a str>,
    pub url: Option<String>,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
}

/// A whole `.ics` file holding `events`.
pub fn calendar(name: &str, events: &[Event<'_>]) -> String {
    let mut out = String::new();
    let mut line = |text: &str| fold_into(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:-//GBIF//{}//EN", crate::render::GENERATOR));
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape(name)));
    for event in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", event.uid));
        // The time the event was described; the content has no such time,
        // and a build clock would make every build differ, so the event's
        // own start stands in for it.
        line(&format!("DTSTAMP:{}", utc(event.start)));
        line(&format!("DTSTART:{}", utc(event.start)));
        if let Some(end) = event.end {
            line(&format!("DTEND:{}", utc(end)));
        }
        line(&format!("SUMMARY:{}", escape(event.summary)));
        if !event.description.is_empty() {
            line(&format!("DESCRIPTION:{}", escape(&event.description)));
        }
        if let Some(location) = event.location {
            line(&format!("LOCATION:{}", escape(location)));
        }
        if let Some(url) = &event.url {
            line(&format!("URL:{url}"));
        }
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

/// `20210623T120000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT values: backslash, semicolon, comma and line breaks are escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded so that no line is longer than 75
/// octets (continuations start with a space), never inside a character.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_escapes_and_uses_crlf() {
        let event = Event {
            uid: "session-a@example.org".into(),
            summary: "Speed dating, networking; and more",
            description: "Facilitators: Mélianie Raymond, Maheva Bagard Laursen\nFormat: breakout rooms in Zoom and some prepared questions to prompt discussions".into(),
            location: None,
            url: Some("https://example.org/a/".into()),
            start: "2021-06-23T12:00:00Z".parse().unwrap(),
            end: Some("2021-06-23T13:30:00Z".parse().unwrap()),
        };
        let ics = calendar("Test", &[event]);
        assert!(ics.contains("SUMMARY:Speed dating\\, networking\\; and more\r\n"));
        assert!(ics.contains("DTSTART:20210623T120000Z\r\nDTEND:20210623T133000Z\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
            assert!(!line.contains('\n'));
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded
            .contains("DESCRIPTION:Facilitators: Mélianie Raymond\\, Maheva Bagard Laursen\\nFormat: breakout rooms"));
    }
}
