//! When sessions happen: each occurrence of a session (its `occurrences`, or
//! the one time its `date`, `start` and `end` give) in its time zone (the
//! occurrence's own `timezone`, else the session's, else its meeting's),
//! resolved to instants so that pages can show the meeting's time and the
//! reader's, and calendars can be written in UTC; and how sessions link:
//! previous and next in schedule order, related sessions both ways.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;
use typed_index_collections::TiVec;

use super::kinds::SessionFields;
use super::{Document, Kind, PageId, SectionId, SiteTree};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// A session's time, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct When {
    /// `2021-06-23`.
    pub date: String,
    /// `14:00`, in `timezone`.
    pub start: String,
    pub end: Option<String>,
    /// IANA name.
    pub timezone: String,
    /// `CEST`, or `UTC-05` where the zone has no abbreviation.
    pub zone_abbreviation: String,
    /// When the session keeps its own zone, other than its meeting's: the
    /// time as written, e.g. `08:00–09:00 UTC-05 (America/Bogota)`.
    pub as_written: Option<String>,
    /// RFC 3339 with the zone's offset, for `<time datetime>` and the
    /// reader's-time script: `2021-06-23T14:00:00+02:00`.
    pub start_iso: String,
    pub end_iso: Option<String>,
    /// The instants, for calendars.
    #[serde(skip)]
    pub start_utc: Timestamp,
    #[serde(skip)]
    pub end_utc: Option<Timestamp>,
}

/// One time a session is held, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub when: When,
    /// What sets it apart from the session's other occurrences (a region).
    pub label: Option<String>,
    /// Who runs this occurrence, when the front matter names them for it.
    pub facilitators: Vec<String>,
    /// URL path of its calendar file: `<page>calendar.ics`, or
    /// `<page>calendar-2.ics` for the second of several.
    pub calendar: String,
}

/// The meeting (a `kind: meeting` section) that `section` is in or is.
pub fn meeting_of(tree: &SiteTree, mut section: SectionId) -> Option<SectionId> {
    loop {
        if tree.sections[section].doc.front.kind == Kind::Meeting {
            return Some(section);
        }
        section = tree.sections[section].parent?;
    }
}

/// The session pages of `meeting` (in its subsections too), in schedule
/// order: by first occurrence, those without a time last, then by title.
pub fn sessions_of(tree: &SiteTree, meeting: SectionId) -> Vec<PageId> {
    let mut sessions = Vec::new();
    let mut stack = vec![meeting];
    while let Some(section) = stack.pop() {
        let pages = &tree.sections[section].pages;
        sessions.extend(pages.iter().copied().filter(|&p| tree.pages[p].doc.fields.session().is_some()));
        stack.extend(&tree.sections[section].subsections);
    }
    sessions.sort_by_cached_key(|&p| {
        let page = &tree.pages[p];
        let start = page.occurrences.first().map(|o| o.when.start_utc);
        (start.is_none(), start, page.title.to_lowercase(), page.url.clone())
    });
    sessions
}

/// Resolves every session's occurrences; problems are errors at the key to fix.
pub fn resolve(tree: &mut SiteTree, diagnostics: &mut Diagnostics) {
    for id in tree.sections.keys() {
        let doc = &tree.sections[id].doc;
        if let Some(zone) = doc.fields.meeting().and_then(|m| m.timezone.as_deref()) {
            if let Err(d) = time_zone(zone, || doc.key_location("timezone")) {
                diagnostics.push(d);
            }
        }
    }
    for id in tree.pages.keys() {
        let page = &tree.pages[id];
        let Some(session) = page.doc.fields.session() else { continue };
        let meeting = meeting_of(tree, page.section).map(|m| &tree.sections[m].doc);
        let meeting_zone = meeting.and_then(|m| Some((m.fields.meeting()?.timezone.clone()?, m)));
        // Shown in the meeting's zone, so that a day's sessions line up.
        let display = meeting_zone.as_ref().and_then(|(zone, _)| TimeZone::get(zone).ok().map(|tz| (zone.clone(), tz)));
        match occurrences(&page.doc, session, meeting_zone.as_ref(), display.as_ref(), &page.url) {
            Ok(found) => tree.pages[id].occurrences = found,
            Err(d) => diagnostics.push(d),
        }
    }
}

/// The times a session is held: its `occurrences`, or the one time its
/// `date`, `start` and `end` give.
fn occurrences<'a>(
    doc: &'a Document,
    session: &'a SessionFields,
    meeting_zone: Option<&'a (String, &'a Document)>,
    display: Option<&(String, TimeZone)>,
    url: &str,
) -> Result<Vec<Occurrence>, Diagnostic> {
    let page_date = doc.front.date.as_ref().map(|d| (d.as_written(), doc.key_location("date")));
    let zone_of = |own: Option<(&'a str, Location)>| -> Option<(&'a str, Location)> {
        own.or_else(|| session.timezone.as_deref().map(|z| (z, doc.key_location("timezone"))))
            .or_else(|| meeting_zone.map(|(z, m)| (z.as_str(), m.key_location("timezone"))))
    };
    let mut resolved: Vec<(When, Option<String>, Vec<String>)> = Vec::new();
    if session.occurrences.is_empty() {
        if session.start.is_none() && session.end.is_none() {
            return Ok(Vec::new());
        }
        let written = Written {
            date: page_date,
            start: session.start.as_deref(),
            end: session.end.as_deref(),
            zone: zone_of(None),
            at: &|key| doc.key_location(key),
            fix: "to the front matter",
        };
        resolved.push((when(written, display)?, None, Vec::new()));
    } else {
        let single = [("start", &session.start), ("end", &session.end)].into_iter().find(|(_, v)| v.is_some());
        if let Some((key, _)) = single {
            return Err(Diagnostic::error(format!("a session has either `{key}` or `occurrences`, not both"))
                .at(doc.key_location(key))
                .help("give each time the session is held as an item of `occurrences` (date, start, end) and remove the top-level `start` and `end`"));
        }
        for (i, occurrence) in session.occurrences.iter().enumerate() {
            let at = |key: &str| doc.item_key_location("occurrences", i, key);
            let date = match &occurrence.date {
                Some(d) => Some((d.as_str(), at("date"))),
                None => page_date.clone(),
            };
            let written = Written {
                date,
                start: occurrence.start.as_deref(),
                end: occurrence.end.as_deref(),
                zone: zone_of(occurrence.timezone.as_deref().map(|z| (z, at("timezone")))),
                at: &at,
                fix: "to this occurrence",
            };
            resolved.push((when(written, display)?, occurrence.label.clone(), occurrence.facilitators.clone()));
        }
    }
    // In time order, as the page lists them; written order breaks ties.
    resolved.sort_by_key(|(w, _, _)| w.start_utc);
    let several = resolved.len() > 1;
    Ok(resolved
        .into_iter()
        .enumerate()
        .map(|(i, (when, label, facilitators))| Occurrence {
            when,
            label,
            facilitators,
            calendar: match several {
                true => format!("{url}calendar-{}.ics", i + 1),
                false => format!("{url}calendar.ics"),
            },
        })
        .collect())
}

/// Session pages page through their meeting in schedule order, and each
/// lists its related sessions: those its `related` names and those that
/// name it.
pub fn link_sessions(tree: &mut SiteTree, diagnostics: &mut Diagnostics) {
    let by_file: HashMap<&Path, PageId> = tree.pages.iter_enumerated().map(|(i, p)| (p.doc.rel.as_path(), i)).collect();
    let by_url: HashMap<&str, PageId> = tree.pages.iter_enumerated().map(|(i, p)| (p.url.as_str(), i)).collect();
    let mut related: TiVec<PageId, Vec<PageId>> = vec![Vec::new(); tree.pages.len()].into();
    for (id, page) in tree.pages.iter_enumerated() {
        let Some(session) = page.doc.fields.session() else { continue };
        for (i, written) in session.related.iter().enumerate() {
            let target = related_target(written, &page.doc.rel);
            let found = match &target {
                Target::File(rel) => by_file.get(rel.as_path()),
                Target::Url(url) => by_url.get(url.as_str()),
            };
            match found {
                Some(&other) if other != id => {
                    related[id].push(other);
                    related[other].push(id);
                }
                Some(_) => {}
                None => diagnostics.push(
                    Diagnostic::error(format!("related session `{written}`: there is no such page"))
                        // An item's own line: a list item has no key to point at.
                        .at(page.doc.item_key_location("related", i, ""))
                        .help(match target {
                            Target::File(_) => "name the session's file inside content/, e.g. `@/meetings/2021-global-nodes-meeting/sessions/icebreaker.md`, or a path relative to this file",
                            Target::Url(_) => "give the page's URL as the site has it, e.g. `/meetings/2021-global-nodes-meeting/sessions/icebreaker/`, or its file as `@/…md`",
                        }),
                ),
            }
        }
    }
    let meetings: Vec<SectionId> =
        tree.sections.keys().filter(|&s| tree.sections[s].doc.front.kind == Kind::Meeting).collect();
    let mut rank: TiVec<PageId, usize> = vec![usize::MAX; tree.pages.len()].into();
    for meeting in meetings {
        let sessions = sessions_of(tree, meeting);
        for (i, &id) in sessions.iter().enumerate() {
            rank[id] = i;
            tree.pages[id].previous = i.checked_sub(1).map(|j| sessions[j]);
            tree.pages[id].next = sessions.get(i + 1).copied();
        }
    }
    for (id, mut others) in related.into_iter_enumerated() {
        others.sort_by_key(|&p| (rank[p], tree.pages[p].title.to_lowercase()));
        others.dedup();
        tree.pages[id].related = others;
    }
}

enum Target {
    /// A content file, inside `content/`.
    File(PathBuf),
    /// A site URL path.
    Url(String),
}

/// `@/a/b.md`, `../b.md` (from the file's folder) or `/a/b/`.
fn related_target(written: &str, from: &Path) -> Target {
    let written = written.trim();
    if let Some(file) = written.strip_prefix("@/") {
        return Target::File(PathBuf::from(file));
    }
    if written.starts_with('/') {
        let mut url = written.to_string();
        if !url.ends_with('/') && !url.rsplit('/').next().is_some_and(|last| last.contains('.')) {
            url.push('/');
        }
        return Target::Url(url);
    }
    let dir = from.parent().unwrap_or(Path::new(""));
    let mut parts: Vec<&std::ffi::OsStr> = dir.iter().collect();
    for part in Path::new(written).iter() {
        match part.to_str() {
            Some(".") => {}
            Some("..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    Target::File(parts.iter().collect())
}

fn time_zone(name: &str, at: impl FnOnce() -> Location) -> Result<TimeZone, Diagnostic> {
    TimeZone::get(name).map_err(|_| {
        Diagnostic::error(format!("unknown time zone `{name}`"))
            .at(at())
            .help("use an IANA time zone name such as `Europe/Copenhagen`, `America/Bogota` or `UTC`")
    })
}

/// One time as the front matter writes it, with where each part is written.
struct Written<'a> {
    date: Option<(&'a str, Location)>,
    start: Option<&'a str>,
    end: Option<&'a str>,
    /// The zone's name and where it is written.
    zone: Option<(&'a str, Location)>,
    /// Where a key of this time is written.
    at: &'a dyn Fn(&str) -> Location,
    /// Where a missing key goes, for the help text: "to this occurrence".
    fix: &'static str,
}

fn when(written: Written<'_>, display: Option<&(String, TimeZone)>) -> Result<When, Diagnostic> {
    let at = written.at;
    let fix = written.fix;
    let Some((date_text, date_at)) = written.date else {
        return Err(Diagnostic::error("a session with a `start` or `end` time needs a `date`")
            .at(at("start"))
            .help(format!("add `date: YYYY-MM-DD` {fix}")));
    };
    let Some((zone_name, zone_at)) = written.zone else {
        return Err(Diagnostic::error("a session with times needs a time zone")
            .at(at("start"))
            .help("add `timezone: Europe/Copenhagen` (an IANA name) to the session or to its meeting's _index.md"));
    };
    let tz = time_zone(zone_name, || zone_at)?;
    let date: Date = date_text.get(..10).and_then(|d| d.parse().ok()).ok_or_else(|| {
        Diagnostic::error(format!("`date` is not a calendar date: `{date_text}`"))
            .at(date_at)
            .help("write `date: YYYY-MM-DD`")
    })?;
    let parse_time = |key: &str, value: Option<&str>| -> Result<Option<Time>, Diagnostic> {
        let Some(text) = value else { return Ok(None) };
        let ok = text.len() == 5 && text.as_bytes()[2] == b':';
        let time = ok.then(|| text.parse::<Time>().ok()).flatten();
        time.map(Some).ok_or_else(|| {
            Diagnostic::error(format!("`{key}` is not a time: `{text}`"))
                .at(at(key))
                .help(format!("write the time as HH:MM in 24 hours, quoted: `{key}: \"14:30\"`"))
        })
    };
    let start = parse_time("start", written.start)?.ok_or_else(|| {
        Diagnostic::error("a session held at a time needs a `start`")
            .at(at("end"))
            .help(format!("add `start: \"HH:MM\"` {fix}"))
    })?;
    let end = parse_time("end", written.end)?;
    let zoned = |t: Time| {
        date.to_datetime(t)
            .to_zoned(tz.clone())
            .map_err(|e| Diagnostic::error(format!("{date} {t} does not exist in {zone_name}: {e}")).at(at("start")))
    };
    let start_z = zoned(start)?;
    let end_z = end.map(zoned).transpose()?;
    if let Some(end_z) = &end_z {
        if end_z.timestamp() <= start_z.timestamp() {
            return Err(Diagnostic::error("the session ends before it starts")
                .at(at("end"))
                .help("`end` is a time on the same day after `start`"));
        }
    }
    let iso = |z: &jiff::Zoned| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let hm = |z: &jiff::Zoned| z.strftime("%H:%M").to_string();
    let span = |start: &jiff::Zoned, end: &Option<jiff::Zoned>| match end {
        Some(end) => format!("{}–{} {}", hm(start), hm(end), abbreviation(start)),
        None => format!("{} {}", hm(start), abbreviation(start)),
    };
    let (shown_zone, shown_start, shown_end, as_written) = match display {
        Some((display_name, tz)) if display_name != zone_name => {
            let written = format!("{} ({zone_name})", span(&start_z, &end_z));
            (
                display_name.clone(),
                start_z.with_time_zone(tz.clone()),
                end_z.as_ref().map(|z| z.with_time_zone(tz.clone())),
                Some(written),
            )
        }
        _ => (zone_name.to_string(), start_z.clone(), end_z.clone(), None),
    };
    Ok(When {
        date: shown_start.date().to_string(),
        start: hm(&shown_start),
        end: shown_end.as_ref().map(hm),
        timezone: shown_zone,
        zone_abbreviation: abbreviation(&shown_start),
        as_written,
        start_iso: iso(&shown_start),
        end_iso: shown_end.as_ref().map(iso),
        start_utc: start_z.timestamp(),
        end_utc: end_z.as_ref().map(|z| z.timestamp()),
    })
}

/// `CEST`; zones without a name of their own (`-05`) read as `UTC-05`.
fn abbreviation(z: &jiff::Zoned) -> String {
    let abbr = z.strftime("%Z").to_string();
    if abbr.starts_with(['+', '-']) {
        format!("UTC{abbr}")
    } else {
        abbr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_and_summer_time() {
        let tz = TimeZone::get("Europe/Copenhagen").unwrap();
        let date: Date = "2021-06-23".parse().unwrap();
        let z = date.to_datetime("14:00".parse().unwrap()).to_zoned(tz).unwrap();
        assert_eq!(z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(), "2021-06-23T14:00:00+02:00");
        assert_eq!(z.strftime("%Z").to_string(), "CEST");
        assert_eq!(z.timestamp().to_string(), "2021-06-23T12:00:00Z");
    }
}
