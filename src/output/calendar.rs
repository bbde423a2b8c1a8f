//! iCalendar files (RFC 5545) for sessions and meetings: CRLF line endings,
//! lines folded at 75 octets, text escaped, times in UTC, and a `UID` and
//! `DTSTAMP` derived from the content so that two builds are byte-identical.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use jiff::Timestamp;

use super::{OutputContent, SiteOutput};
use crate::config::SiteConfig;
use crate::content::schedule::{meeting_of, Occurrence};
use crate::content::{Page, SectionId, SiteTree};
use crate::diagnostics::Diagnostic;
use crate::{slug, urls};

/// Page URL path -> URL path of its calendar file: each meeting with a
/// timed session, and each session held once. (A session held several
/// times has one file per occurrence, named in its occurrences.)
pub fn paths(tree: &SiteTree) -> HashMap<String, String> {
    let mut paths = HashMap::new();
    for page in tree.pages.iter().filter(|p| !p.occurrences.is_empty()) {
        if let [only] = page.occurrences.as_slice() {
            paths.insert(page.url.clone(), only.calendar.clone());
        }
        if let Some(meeting) = meeting_of(tree, page.section) {
            let url = &tree.sections[meeting].url;
            paths.insert(url.clone(), format!("{url}calendar.ics"));
        }
    }
    paths
}

/// Every calendar file: one per occurrence of a session, one per meeting
/// with all of its sessions' occurrences.
pub fn add_all(output: &mut SiteOutput, tree: &SiteTree, config: &SiteConfig) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut add = |url: &str, ics: String, origin| {
        let path = PathBuf::from(url.trim_start_matches('/'));
        problems.extend(output.add(path, OutputContent::Rendered(ics.into_bytes().into()), origin).err());
    };
    let mut meetings: BTreeMap<SectionId, Vec<Event>> = BTreeMap::new();
    for page in &tree.pages {
        let numbered = page.occurrences.len() > 1;
        for (i, occurrence) in page.occurrences.iter().enumerate() {
            let event = occurrence_event(page, occurrence, numbered.then_some(i + 1), tree, config);
            add(&occurrence.calendar, calendar(&event.summary, std::slice::from_ref(&event)), &page.doc.source);
            if let Some(meeting) = meeting_of(tree, page.section) {
                meetings.entry(meeting).or_default().push(event);
            }
        }
    }
    for (meeting, mut events) in meetings {
        events.sort_by(|a, b| (a.start, &a.summary).cmp(&(b.start, &b.summary)));
        let section = &tree.sections[meeting];
        add(&format!("{}calendar.ics", section.url), calendar(&section.title, &events), &section.doc.source);
    }
    problems
}

/// The event of one occurrence of a session; `number` tells it from the
/// session's other occurrences.
fn occurrence_event<'a>(
    page: &'a Page,
    occurrence: &'a Occurrence,
    number: Option<usize>,
    tree: &'a SiteTree,
    config: &SiteConfig,
) -> Event<'a> {
    let session = page.doc.fields.session();
    let meeting = meeting_of(tree, page.section).map(|m| &tree.sections[m]);
    let mut description = Vec::new();
    if let Some(goal) = session.and_then(|s| s.goal.as_ref()) {
        description.push(format!("Goal: {goal}"));
    }
    if let Some(format) = session.and_then(|s| s.format.as_ref()) {
        description.push(format!("Format: {format}"));
    }
    let facilitators = match occurrence.facilitators.is_empty() {
        true => session.map(|s| s.facilitators.as_slice()).unwrap_or_default(),
        false => &occurrence.facilitators,
    };
    if !facilitators.is_empty() {
        description.push(format!("Facilitators: {}", facilitators.join(", ")));
    }
    let host = config.base_url.split("://").nth(1).and_then(|r| r.split('/').next()).filter(|h| !h.is_empty());
    let url = urls::site_url(config.base_path(), &page.url);
    let mut uid = slug::slugify(&page.url.trim_matches('/').replace('/', "-"));
    if let Some(n) = number {
        uid.push_str(&format!("-{n}"));
    }
    Event {
        uid: format!("{uid}@{}", host.unwrap_or("folio")),
        summary: match &occurrence.label {
            Some(label) => format!("{}: {label}", page.title),
            None => page.title.clone(),
        },
        description: description.join("\n"),
        location: meeting.and_then(|m| m.doc.fields.meeting()?.place.as_deref()),
        url: config.base_url.contains("://").then(|| crate::render::filters::absolute_url(&config.base_url, &url)),
        start: occurrence.when.start_utc,
        end: occurrence.when.end_utc,
    }
}

/// One event of a calendar.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Stable across builds: derived from the page's URL.
    pub uid: String,
    pub summary: String,
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
        line(&format!("SUMMARY:{}", escape(&event.summary)));
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
            summary: "Speed dating, networking; and more".into(),
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
