//! When sessions happen: a session's `date`, `start` and `end` in its time
//! zone (its own `timezone`, else its meeting's), resolved to instants so
//! that pages can show the meeting's time and the reader's, and calendars
//! can be written in UTC.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;

use super::{Document, Kind, SectionId, SiteTree};
use crate::diagnostics::{Diagnostic, Diagnostics};

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

/// The meeting (a `kind: meeting` section) that `section` is in or is.
pub fn meeting_of(tree: &SiteTree, mut section: SectionId) -> Option<SectionId> {
    loop {
        if tree.sections[section].doc.front.kind == Kind::Meeting {
            return Some(section);
        }
        section = tree.sections[section].parent?;
    }
}

/// Resolves every session's time; problems are errors at the key to fix.
pub fn resolve(tree: &mut SiteTree, diagnostics: &mut Diagnostics) {
    for id in 0..tree.sections.len() {
        if let Some(zone) = tree.sections[id].doc.fields.meeting().and_then(|m| m.timezone.clone()) {
            if let Err(d) = time_zone(&zone, &tree.sections[id].doc) {
                diagnostics.push(d);
            }
        }
    }
    for id in 0..tree.pages.len() {
        let page = &tree.pages[id];
        let Some(session) = page.doc.fields.session() else { continue };
        if session.start.is_none() && session.end.is_none() {
            continue;
        }
        let meeting = meeting_of(tree, page.section).map(|m| &tree.sections[m].doc);
        let meeting_zone = meeting.and_then(|m| Some((m.fields.meeting()?.timezone.clone()?, m)));
        let zone_source = match (&session.timezone, &meeting_zone) {
            (Some(zone), _) => Some((zone.clone(), &page.doc)),
            (None, Some((zone, doc))) => Some((zone.clone(), *doc)),
            (None, None) => None,
        };
        // Shown in the meeting's zone, so that a day's sessions line up.
        let display = meeting_zone.and_then(|(zone, _)| TimeZone::get(&zone).ok().map(|tz| (zone, tz)));
        match when(&page.doc, session, zone_source, display) {
            Ok(w) => tree.pages[id].when = Some(w),
            Err(d) => diagnostics.push(d),
        }
    }
}

fn time_zone(name: &str, doc: &Document) -> Result<TimeZone, Diagnostic> {
    TimeZone::get(name).map_err(|_| {
        Diagnostic::error(format!("unknown time zone `{name}`"))
            .at(doc.key_location("timezone"))
            .help("use an IANA time zone name such as `Europe/Copenhagen`, `America/Bogota` or `UTC`")
    })
}

fn when(
    doc: &Document,
    session: &super::kinds::SessionFields,
    zone: Option<(String, &Document)>,
    display: Option<(String, TimeZone)>,
) -> Result<When, Diagnostic> {
    let Some(date_text) = &doc.front.date else {
        return Err(Diagnostic::error("a session with a `start` or `end` time needs a `date`")
            .at(doc.key_location("start"))
            .help("add `date: YYYY-MM-DD` to the front matter"));
    };
    let Some((zone_name, zone_doc)) = zone else {
        return Err(Diagnostic::error("a session with times needs a time zone")
            .at(doc.key_location("start"))
            .help("add `timezone: Europe/Copenhagen` (an IANA name) to the session or to its meeting's _index.md"));
    };
    let tz = time_zone(&zone_name, zone_doc)?;
    let date: Date = date_text.get(..10).and_then(|d| d.parse().ok()).ok_or_else(|| {
        Diagnostic::error(format!("`date` is not a calendar date: `{date_text}`"))
            .at(doc.key_location("date"))
            .help("write `date: YYYY-MM-DD`")
    })?;
    let parse_time = |key: &str, value: &Option<String>| -> Result<Option<Time>, Diagnostic> {
        let Some(text) = value else { return Ok(None) };
        let ok = text.len() == 5 && text.as_bytes()[2] == b':';
        let time = ok.then(|| text.parse::<Time>().ok()).flatten();
        time.map(Some).ok_or_else(|| {
            Diagnostic::error(format!("`{key}` is not a time: `{text}`"))
                .at(doc.key_location(key))
                .help(format!("write the time as HH:MM in 24 hours, quoted: `{key}: \"14:30\"`"))
        })
    };
    let start = parse_time("start", &session.start)?.ok_or_else(|| {
        Diagnostic::error("a session with an `end` needs a `start`")
            .at(doc.key_location("end"))
            .help("add `start: \"HH:MM\"`")
    })?;
    let end = parse_time("end", &session.end)?;
    let zoned = |t: Time| {
        date.to_datetime(t).to_zoned(tz.clone()).map_err(|e| {
            Diagnostic::error(format!("{date} {t} does not exist in {zone_name}: {e}")).at(doc.key_location("start"))
        })
    };
    let start_z = zoned(start)?;
    let end_z = end.map(zoned).transpose()?;
    if let Some(end_z) = &end_z {
        if end_z.timestamp() <= start_z.timestamp() {
            return Err(Diagnostic::error("the session ends before it starts")
                .at(doc.key_location("end"))
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
                display_name,
                start_z.with_time_zone(tz.clone()),
                end_z.as_ref().map(|z| z.with_time_zone(tz.clone())),
                Some(written),
            )
        }
        _ => (zone_name, start_z.clone(), end_z.clone(), None),
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
