//! The bundled 2021 Global Nodes Meeting as node members meet it: every
//! session of the published schedule at its real time, each with a page
//! written from the sessions page's own text, calendars per occurrence,
//! related sessions both ways.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{attr, select, spaced_text, text, Site};

const MEETING: &str = "meetings/2021-global-nodes-meeting/";

/// The meeting's published schedule (28 June – 2 July 2021, CEST), as
/// (date, start, end, title): 17 timed lines, the last of which holds the
/// one-hour helpdesk battle and the half-hour final evaluation.
const SLOTS: [(&str, &str, &str, &str); 18] = [
    ("2021-06-28", "09:00", "10:30", "Icebreaker virtual networking activity"),
    ("2021-06-28", "14:00", "15:30", "Theme 1: The role of nodes in GBIF’s next strategic period"),
    (
        "2021-06-28",
        "16:00",
        "17:30",
        "Group 1 – data mobilization training and guidance on sequence-derived data mobilization",
    ),
    ("2021-06-29", "14:00", "15:30", "Group 2 – tools to support nodes with data mobilization strategies"),
    ("2021-06-29", "16:00", "17:30", "Theme 2: Exploring future directions for GBIF"),
    ("2021-06-29", "19:00", "20:30", "Icebreaker virtual networking activity"),
    ("2021-06-30", "07:00", "08:30", "Regional nodes sessions — Oceania"),
    ("2021-06-30", "10:00", "11:30", "Regional nodes sessions — Europe and Central Asia"),
    ("2021-06-30", "10:00", "11:30", "Regional nodes sessions — Asia"),
    ("2021-06-30", "11:00", "12:30", "Regional nodes sessions — Africa"),
    ("2021-06-30", "17:00", "18:30", "Regional nodes sessions — Latin America and the Caribbean"),
    ("2021-06-30", "18:00", "19:30", "Regional nodes sessions — North America"),
    ("2021-07-01", "14:00", "15:30", "Speed dating networking activity"),
    ("2021-07-01", "16:00", "17:30", "Live Q&A session based on pre-recorded presentations"),
    ("2021-07-01", "19:00", "20:30", "Marine data mobilization session"),
    ("2021-07-02", "14:00", "15:30", "Group 3 – additional node updates and demos"),
    ("2021-07-02", "16:00", "17:00", "GBIF.org functionality – NODES Vs. HELPDESK"),
    ("2021-07-02", "17:00", "17:30", "Evaluation activities"),
];

fn built() -> Site {
    let site = Site::bundled();
    site.build(&[]);
    site
}

fn page(site: &Site, url: &str) -> scraper::Html {
    site.html(&format!("{}index.html", url.trim_start_matches('/')))
}

/// The seed the sessions page was written from, as the tests keep it.
fn seed() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sessions-2021.md")).unwrap()
}

#[test]
fn the_meeting_page_lists_every_slot_of_the_real_schedule_by_day() {
    let site = built();
    let html = site.html(&format!("{MEETING}index.html"));
    let days: Vec<String> = select(&html, ".schedule h3").iter().map(text).collect();
    assert_eq!(
        days,
        [
            "Monday, 28 June 2021",
            "Tuesday, 29 June 2021",
            "Wednesday, 30 June 2021",
            "Thursday, 1 July 2021",
            "Friday, 2 July 2021"
        ]
    );
    let items = select(&html, ".schedule .schedule-item");
    let slots: Vec<(String, String, String)> = items
        .iter()
        .map(|item| {
            let time = text(&select_in(item, ".schedule-item__time time")[0]);
            (attr(item, "data-day"), time, text(&select_in(item, ".schedule-item__title")[0]))
        })
        .collect();
    let expected: Vec<(String, String, String)> = SLOTS
        .iter()
        .map(|(date, start, end, title)| (date.to_string(), format!("{start}–{end} CEST"), title.to_string()))
        .collect();
    assert_eq!(slots, expected);
    // The reader's own time is added by a local script from these instants.
    let first = &select(&html, ".schedule-item time[data-local-time]")[0];
    assert_eq!(attr(first, "datetime"), "2021-06-28T09:00:00+02:00");
    assert_eq!(attr(first, "data-end"), "2021-06-28T10:30:00+02:00");
    // Days as jump links, each to its day's heading.
    let jumps: Vec<String> = select(&html, "nav.schedule-days a").iter().map(|a| attr(a, "href")).collect();
    let ids: Vec<String> = select(&html, ".schedule h3").iter().map(|h| format!("#{}", attr(h, "id"))).collect();
    assert_eq!(jumps, ids);
}

#[test]
fn every_entry_links_to_a_session_page_with_the_seeds_goal_format_and_facilitators() {
    let site = built();
    let html = site.html(&format!("{MEETING}index.html"));
    let seed = seed();
    let mut seen = HashSet::new();
    for item in select(&html, ".schedule .schedule-item") {
        let link = &select_in(&item, "a.schedule-item__title")[0];
        let url = attr(link, "href");
        assert!(url.starts_with(&format!("/{MEETING}sessions/")), "{url}");
        seen.insert(url.clone());
        let session = page(&site, &url);
        let facts: Vec<(String, String)> = select(&session, ".session-facts > div")
            .iter()
            .map(|d| (text(&select_in(d, "dt")[0]), text(&select_in(d, "dd")[0])))
            .collect();
        let fact = |name: &str| facts.iter().find(|(dt, _)| dt == name).map(|(_, dd)| dd.clone());
        for name in ["Goal", "Format"] {
            let value = fact(name).unwrap_or_else(|| panic!("{url} shows no {name}: {facts:?}"));
            assert!(seed.contains(&value), "{url}: the {name} is not the seed's text: {value}");
        }
        let people = fact("Facilitators").or(fact("Facilitator")).or(fact("Moderator"));
        // The seed names no one for the marine session; every other session has someone, or its occurrences do.
        if !url.ends_with("/marine-data-mobilization/") && !url.ends_with("/regional-nodes-sessions/") {
            assert!(people.is_some(), "{url} names no facilitator: {facts:?}");
        }
        // The entry names the same people as the page, or as its occurrence there.
        let listed = select_in(&item, ".schedule-item__people").first().map(text);
        match (listed.as_deref(), people) {
            (Some(listed), Some(people)) => {
                assert_eq!(listed.trim_start_matches("Moderator: "), people, "{url}");
            }
            (Some(listed), None) => {
                let own: Vec<String> = select(&session, ".occurrence__people").iter().map(text).collect();
                assert!(own.iter().any(|o| o == listed), "{url}: {listed} is not one of {own:?}");
            }
            (None, people) => assert_eq!(people, None, "{url}: the entry names no one"),
        }
    }
    assert_eq!(seen.len(), 12, "twelve sessions, two of them held more than once");
    let icebreaker = page(&site, &format!("/{MEETING}sessions/icebreaker/"));
    let facts = select(&icebreaker, ".session-facts > div").iter().map(spaced_text).collect::<Vec<_>>();
    assert!(facts.contains(&"Facilitators Mélianie Raymond, Maheva Bagard Laursen".to_string()), "{facts:?}");
}

#[test]
fn a_session_held_several_times_shows_each_occurrence_with_its_own_calendar() {
    let site = built();
    let url = format!("/{MEETING}sessions/regional-nodes-sessions/");
    let html = page(&site, &url);
    let occurrences = select(&html, ".occurrences > li");
    let rows: Vec<String> = occurrences.iter().map(text).collect();
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows[0].starts_with("Oceania Wednesday, 30 June 2021, 07:00–08:30 CEST Aaron Wilton Add to calendar"),
        "{}",
        rows[0]
    );
    assert!(rows[5].starts_with("North America Wednesday, 30 June 2021, 18:00–19:30 CEST David Jennings, Carole Sinou"));
    let mut uids = HashSet::new();
    for (i, occurrence) in occurrences.iter().enumerate() {
        let href = attr(&select_in(occurrence, "a.calendar-link")[0], "href");
        assert_eq!(href, format!("{url}calendar-{}.ics", i + 1));
        let ics = site.read(href.trim_start_matches('/'));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        let uid = ics.lines().find(|l| l.starts_with("UID:")).unwrap().to_string();
        assert!(uids.insert(uid), "UIDs differ per occurrence");
        if i == 0 {
            // 07:00 CEST is 05:00 UTC.
            assert!(ics.contains("DTSTART:20210630T050000Z\r\nDTEND:20210630T063000Z\r\n"), "{ics}");
            assert!(ics.replace("\r\n ", "").contains("SUMMARY:Regional nodes sessions: Oceania\r\n"), "{ics}");
            assert!(ics.replace("\r\n ", "").contains("Facilitators: Aaron Wilton"), "{ics}");
        }
        // The reader's time comes from the same instant.
        assert!(!select_in(occurrence, "time[data-local-time]").is_empty());
    }
    let icebreaker = page(&site, &format!("/{MEETING}sessions/icebreaker/"));
    let times: Vec<String> = select(&icebreaker, ".occurrences time").iter().map(|t| attr(t, "datetime")).collect();
    assert_eq!(times, ["2021-06-28T09:00:00+02:00", "2021-06-29T19:00:00+02:00"]);
}

#[test]
fn the_meeting_calendar_holds_every_occurrence_and_a_single_session_keeps_one_file() {
    let site = built();
    let ics = site.read(&format!("{MEETING}calendar.ics"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), SLOTS.len());
    let uids: HashSet<&str> = ics.lines().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(uids.len(), SLOTS.len(), "one UID per event");
    let starts: Vec<&str> = ics.lines().filter_map(|l| l.strip_prefix("DTSTART:")).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "events in time order");
    assert_eq!(starts[0], "20210628T070000Z");
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
    }
    let panel = page(&site, &format!("/{MEETING}sessions/theme-1-panel/"));
    let link = attr(&select(&panel, "a.calendar-link")[0], "href");
    assert_eq!(link, format!("/{MEETING}sessions/theme-1-panel/calendar.ics"));
    assert!(site.read(link.trim_start_matches('/')).contains("DTSTART:20210628T120000Z\r\nDTEND:20210628T133000Z"));
}

#[test]
fn sessions_page_through_the_meeting_in_schedule_order() {
    let site = built();
    let mut url = format!("/{MEETING}sessions/icebreaker/");
    let html = page(&site, &url);
    assert!(select(&html, ".pager__prev").is_empty(), "the first session has no previous one");
    let mut titles = Vec::new();
    loop {
        let html = page(&site, &url);
        titles.push(text(&select(&html, "h1")[0]));
        match select(&html, ".pager__next").first() {
            Some(next) => url = attr(next, "href"),
            None => break,
        }
        assert!(titles.len() <= 12, "the chain loops");
    }
    // In order of each session's first time; a session held twice appears once.
    let mut expected: Vec<&str> = Vec::new();
    for (_, _, _, title) in SLOTS {
        let title = title.split(" — ").next().unwrap();
        if !expected.contains(&title) {
            expected.push(title);
        }
    }
    assert_eq!(titles, expected);
}

#[test]
fn related_sessions_are_linked_both_ways() {
    let site = built();
    let related = |name: &str| -> Vec<String> {
        let html = page(&site, &format!("/{MEETING}sessions/{name}/"));
        select(&html, ".related-sessions a")
            .iter()
            .map(|a| attr(a, "href").trim_end_matches('/').rsplit('/').next().unwrap().to_string())
            .collect()
    };
    // theme-1-panel.md names theme 2 and the Q&A; theme-2-panel.md names the Q&A only.
    assert_eq!(related("theme-1-panel"), ["theme-2-panel", "live-qa-themes-3-and-4"]);
    assert_eq!(related("theme-2-panel"), ["theme-1-panel", "live-qa-themes-3-and-4"]);
    assert_eq!(related("live-qa-themes-3-and-4"), ["theme-1-panel", "theme-2-panel"]);
    assert_eq!(related("speed-dating"), ["icebreaker"], "named by the icebreaker only");
    assert!(related("regional-nodes-sessions").is_empty());
}

#[test]
fn presentations_are_video_links_by_theme_and_nothing_loads_from_vimeo() {
    let site = built();
    let html = page(&site, &format!("/{MEETING}sessions/live-qa-themes-3-and-4/"));
    let themes: Vec<String> = select(&html, ".presentations h3").iter().map(text).collect();
    assert_eq!(themes, ["Theme 3: Product development and tools", "Theme 4: Content and use"]);
    let videos: Vec<String> = select(&html, ".presentations a.video-link").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(
        videos,
        [
            "https://vimeo.com/565518171/1f3018b8de",
            "https://vimeo.com/564594528",
            "https://vimeo.com/565517676/6daab44f1b",
            "https://vimeo.com/564610096/5da158d4ff"
        ]
    );
    assert_eq!(select(&html, ".presentations li").len(), 10, "every presentation the seed lists");
    assert!(select(&html, "iframe, [src*='vimeo']").is_empty());
    // The seed's videos are all on the session pages.
    let seed = seed();
    let mut on_pages = HashSet::new();
    for entry in std::fs::read_dir(site.public().join(MEETING).join("sessions")).unwrap() {
        let path = entry.unwrap().path().join("index.html");
        if path.is_file() {
            let html = scraper::Html::parse_document(&std::fs::read_to_string(path).unwrap());
            on_pages.extend(select(&html, "a.video-link").iter().map(|a| attr(a, "href")));
        }
    }
    for video in seed.split("](").skip(1).filter_map(|s| s.split(')').next()).filter(|u| u.contains("vimeo")) {
        assert!(on_pages.contains(video), "{video} is on no session page");
    }
}

#[test]
fn the_sessions_page_stays_and_its_headings_link_to_the_session_pages() {
    let site = built();
    let html = site.html(&format!("{MEETING}sessions/index.html"));
    let linked: Vec<(String, String)> = select(&html, ".prose h2, .prose h3")
        .iter()
        .filter_map(|h| select_in(h, "a:not(.heading-anchor)").first().map(|a| (attr(h, "id"), attr(a, "href"))))
        .collect();
    let target = |id: &str| linked.iter().find(|(i, _)| i == id).map(|(_, href)| href.as_str());
    assert_eq!(
        target("icebreaker-virtual-networking-activity"),
        Some("/meetings/2021-global-nodes-meeting/sessions/icebreaker/")
    );
    assert_eq!(
        target("regional-nodes-sessions"),
        Some("/meetings/2021-global-nodes-meeting/sessions/regional-nodes-sessions/")
    );
    assert_eq!(
        target("gbiforg-functionality--nodes-vs-helpdesk"),
        Some("/meetings/2021-global-nodes-meeting/sessions/nodes-vs-helpdesk/")
    );
    assert_eq!(
        target("theme-3-product-development-and-tools"),
        Some("/meetings/2021-global-nodes-meeting/sessions/live-qa-themes-3-and-4/#presentations-theme-3-product-development-and-tools")
    );
    assert_eq!(linked.len(), 14, "every heading that has a session page: {linked:?}");
    assert_eq!(target("live-demos"), None, "a heading over several sessions links nowhere");
}

#[test]
fn the_programme_filter_is_hidden_without_scripts_and_names_every_day_and_format() {
    let site = built();
    let html = site.html(&format!("{MEETING}index.html"));
    let form = &select(&html, "form[data-schedule-filter]")[0];
    assert!(form.value().attr("hidden").is_some(), "shown by its script only");
    let values = |name: &str| -> Vec<String> {
        select_in(form, &format!("input[name={name}]")).iter().map(|i| attr(i, "value")).collect()
    };
    assert_eq!(values("day"), ["", "2021-06-28", "2021-06-29", "2021-06-30", "2021-07-01", "2021-07-02"]);
    let formats = values("format");
    assert_eq!(formats, ["", "networking", "panel-discussion", "live-demos", "regional", "live-qa"]);
    let categories: HashSet<String> =
        select(&html, ".schedule-item").iter().map(|i| attr(i, "data-category")).collect();
    assert_eq!(categories, formats[1..].iter().cloned().collect::<HashSet<_>>(), "every entry has a listed format");
    assert_eq!(select(&html, ".schedule-item[data-category=regional]").len(), 6);
    assert_eq!(select(&html, "script[src='/js/schedule-filter.js']").len(), 1);
}

fn select_in<'a>(el: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    el.select(&scraper::Selector::parse(css).unwrap()).collect()
}
