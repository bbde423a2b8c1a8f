//! Meetings, sessions, node profiles and the pages of GBIF's earlier Jekyll
//! sites, checked on the HTML and calendar files folio writes.

mod common;

use std::path::Path;

use common::{attr, select, spaced_text, stderr, text, Site};

/// A copy of one of the fixture sites under tests/fixtures.
fn fixture(name: &str) -> Site {
    let site = Site::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    for entry in walkdir::WalkDir::new(&dir).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        site.write_bytes(&rel, &std::fs::read(entry.path()).unwrap());
    }
    site
}

#[test]
fn meeting_page_lists_sessions_by_day_in_time_order_in_the_meeting_zone() {
    let site = fixture("meeting-site");
    site.build(&[]);
    let html = site.html("meetings/test-meeting/index.html");
    let days: Vec<String> = select(&html, ".schedule h3").iter().map(text).collect();
    assert_eq!(days, ["Tuesday, 22 June 2021", "Wednesday, 23 June 2021", "Not yet scheduled"]);
    let rows: Vec<String> = select(&html, ".schedule-item").iter().map(text).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[0].starts_with("14:00–15:00 CEST Icebreaker virtual networking activity"), "{}", rows[0]);
    assert!(rows[0].contains("Mélianie Raymond, Maheva Bagard Laursen"));
    // 08:00 in Bogotá is 15:00 in Copenhagen: shown in the meeting's zone, in time order.
    assert!(rows[1].starts_with("15:00–16:00 CEST Early morning session in Bogotá time"), "{}", rows[1]);
    assert!(rows[2].starts_with("09:30–11:00 CEST Panel on the role of nodes"), "{}", rows[2]);
    assert!(rows[3].starts_with("Time to be announced Session to be announced"), "{}", rows[3]);
    let times = select(&html, ".schedule-item time[data-local-time]");
    assert_eq!(attr(&times[1], "datetime"), "2021-06-22T15:00:00+02:00");
    assert_eq!(
        select(&html, "script[src='/js/local-time.js']").len(),
        1,
        "the reader's time comes from a local script"
    );
    assert!(text(&select(&html, ".meeting-meta")[0]).contains("Virtual meeting"));
}

#[test]
fn session_page_shows_everything_and_offers_a_calendar() {
    let site = fixture("meeting-site");
    site.build(&[]);
    let html = site.html("meetings/test-meeting/panel/index.html");
    let facts: Vec<String> = select(&html, ".session-facts > div").iter().map(spaced_text).collect();
    assert!(facts[0].starts_with("When Wednesday, 23 June 2021, 09:30–11:00 CEST"), "{facts:?}");
    assert!(facts.contains(&"Moderator Mélianie Raymond".to_string()), "{facts:?}");
    assert!(facts.contains(&"Themes strategy, regional capacity".to_string()), "{facts:?}");
    assert_eq!(attr(&select(&html, "a.calendar-link")[0], "href"), "/meetings/test-meeting/panel/calendar.ics");
    let video = select(&html, ".presentations a.video-link");
    assert_eq!(attr(&video[0], "href"), "https://vimeo.com/565570188/37bd1d694a");
    assert_eq!(text(&video[0]), "The Role of the Nodes in Next GBIF Strategic Plan (video on Vimeo)");
    assert!(select(&html, "iframe").is_empty(), "no player loads from another host by default");
    let early = site.html("meetings/test-meeting/early/index.html");
    assert!(text(&select(&early, ".session-facts")[0]).contains("(written as 08:00–09:00 UTC-05 (America/Bogota))"));
}

#[test]
fn calendars_follow_rfc_5545_and_are_byte_identical_across_builds() {
    let site = fixture("meeting-site");
    site.build(&[]);
    let ics = site.read("meetings/test-meeting/panel/calendar.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(ics.contains("UID:meetings-test-meeting-panel@nodes.example.org\r\n"));
    assert!(ics.contains("DTSTART:20210623T073000Z\r\nDTEND:20210623T090000Z\r\n"), "{ics}");
    assert!(ics.contains("DTSTAMP:20210623T073000Z\r\n"));
    assert!(ics.contains("URL:https://nodes.example.org/meetings/test-meeting/panel/\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line:?}");
        assert!(!line.contains('\n'), "bare LF in {line:?}");
    }
    let meeting = site.read("meetings/test-meeting/calendar.ics");
    assert_eq!(meeting.matches("BEGIN:VEVENT").count(), 3, "the unscheduled session has no event");
    let unfolded = site.read("meetings/test-meeting/icebreaker/calendar.ics").replace("\r\n ", "");
    assert!(unfolded.contains("Facilitators: Mélianie Raymond\\, Maheva Bagard Laursen"), "{unfolded}");
    let first = common::snapshot(&site.public());
    site.build(&[]);
    assert_eq!(first, common::snapshot(&site.public()));
}

#[test]
fn bad_times_and_zones_are_errors_at_their_key() {
    let err = errors_of(
        "content/meetings/test-meeting/bad.md",
        "---\ntitle: Bad\nkind: session\ndate: 2021-06-22\nstart: \"25:00\"\n---\n",
    );
    assert!(err.contains("`start` is not a time: `25:00`"), "{err}");
    assert!(err.contains("--> content/meetings/test-meeting/bad.md:5:1"), "{err}");

    let err = errors_of(
        "content/meetings/test-meeting/_index.md",
        "---\ntitle: M\nkind: meeting\ntimezone: Europe/Copenhagn\n---\n",
    );
    assert!(err.contains("unknown time zone `Europe/Copenhagn`"), "{err}");
    assert!(err.contains("--> content/meetings/test-meeting/_index.md:4:1"), "{err}");
}

#[test]
fn nodes_directory_groups_nodes_by_region_with_a_summary() {
    let site = Site::bundled();
    site.write("content/nodes/colombia.md", "---\ntitle: SiB Colombia\nkind: node\nname: SiB Colombia\nregion: Latin America and the Caribbean\nsummary: Colombia's biodiversity information system.\nwebsite: https://biodiversidad.co\n---\n");
    site.build(&[]);
    let html = site.html("nodes/index.html");
    let regions: Vec<String> = select(&html, ".listing h2").iter().map(text).collect();
    assert_eq!(regions, ["Asia", "Latin America and the Caribbean"]);
    let asia = text(&select(&html, ".node-list")[0]);
    assert!(asia.starts_with("GBIF-CAS Node — Publishes Chinese biodiversity datasets"), "{asia}");
    let node = site.html("nodes/gbif-cas/index.html");
    let facts: Vec<String> = select(&node, ".facts > div").iter().map(spaced_text).collect();
    assert!(facts.contains(&"Datasets published 14".to_string()), "{facts:?}");
}

#[test]
fn jekyll_pages_keep_their_attributes_videos_layouts_and_navigation() {
    let site = fixture("jekyll-pages");
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("warning: Liquid tag `{% if site.show %}` is not carried over"), "{err}");
    assert!(err.contains("--> content/_index.md:17:1"), "{err}");

    let home = site.html("index.html");
    assert_eq!(text(&select(&home, "p.notification.is-info")[0]), "Registration is open until 16 June.");
    assert_eq!(attr(&select(&home, ".prose a.video-link")[0], "href"), "https://vimeo.com/566560669");
    assert_eq!(select(&home, ".prose .raw-block strong").len(), 1, "raw HTML passes through");
    let prose = text(&select(&home, ".prose")[0]);
    assert!(!prose.contains("{%") && !prose.contains("{:"), "{prose}");
    assert_eq!(text(&select(&home, ".eyebrow")[0]), "Global Nodes Meeting", "preTitle");
    assert_eq!(attr(&select(&home, ".cta a")[0], "href"), "/about/team/", "cta buttons");
    let dropdown: Vec<String> = select(&home, ".site-nav__group a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(dropdown, ["/about/team/", "/about/governance/"], "the menu comes from data/navigation.yml");

    let team = site.html("about/team/index.html");
    assert_eq!(attr(&select(&team, "body")[0], "class"), "kind-page wide-page", "klass");
    let current: Vec<String> = select(&team, ".side-nav a[aria-current=page]").iter().map(text).collect();
    assert_eq!(current, ["Team"], "the documentation layout marks the current page");
    assert_eq!(select(&team, ".site-nav__group summary.is-ancestor").len(), 1);
    assert_eq!(select(&team, "h2#people").len(), 1, "{{#id}} on a heading");
}

#[test]
fn video_embeds_load_only_on_request_when_the_site_enables_them() {
    let site = fixture("meeting-site");
    site.write(
        "site.yaml",
        "title: Meeting test site\nbase_url: https://nodes.example.org/\nextra:\n  video_embeds: true\n",
    );
    site.build(&[]);
    let html = site.html("meetings/test-meeting/panel/index.html");
    assert_eq!(select(&html, "script[src='/js/video-embeds.js']").len(), 1);
    assert!(select(&html, "iframe").is_empty(), "the player is only created when the reader presses Play");
    assert!(site.public().join("js/video-embeds.js").is_file());
}

#[test]
fn a_session_held_several_times_is_one_page_with_one_entry_per_occurrence() {
    let site = fixture("meeting-site");
    site.write(
        "content/meetings/test-meeting/regional.md",
        "---\ntitle: Regional breakout\nkind: session\ncategory: Regional\nfacilitators: Secretariat\noccurrences:\n  - label: Oceania\n    date: 2021-06-23\n    start: \"07:00\"\n    end: \"08:30\"\n    facilitators: [Aaron Wilton]\n  - label: Americas\n    date: 2021-06-22\n    start: \"11:00\"\n    end: \"12:30\"\n    timezone: America/Bogota\n---\n",
    );
    site.build(&[]);
    let html = site.html("meetings/test-meeting/index.html");
    let rows: Vec<String> = select(&html, ".schedule-item").iter().map(text).collect();
    // 11:00 in Bogotá is 18:00 in Copenhagen: the Americas occurrence is on the first day, last.
    assert!(rows[2].starts_with("18:00–19:30 CEST Regional breakout — Americas Regional Secretariat"), "{rows:?}");
    assert!(rows[3].starts_with("07:00–08:30 CEST Regional breakout — Oceania Regional Aaron Wilton"), "{rows:?}");
    let page = site.html("meetings/test-meeting/regional/index.html");
    let links: Vec<String> = select(&page, ".occurrences a.calendar-link").iter().map(|a| attr(a, "href")).collect();
    // Numbered in time order, whatever order the front matter lists them in.
    assert_eq!(
        links,
        ["/meetings/test-meeting/regional/calendar-1.ics", "/meetings/test-meeting/regional/calendar-2.ics"]
    );
    let first = site.read("meetings/test-meeting/regional/calendar-1.ics");
    assert!(first.contains("DTSTART:20210622T160000Z\r\n"), "{first}");
    assert!(first.contains("UID:meetings-test-meeting-regional-1@nodes.example.org\r\n"), "{first}");
    assert!(text(&select(&page, ".occurrences")[0]).contains("(written as 11:00–12:30 UTC-05 (America/Bogota))"));
    assert_eq!(site.read("meetings/test-meeting/calendar.ics").matches("BEGIN:VEVENT").count(), 5);
}

#[test]
fn bad_occurrences_and_related_sessions_are_errors_at_their_line() {
    let err = errors_of(
        "content/meetings/test-meeting/twice.md",
        "---\ntitle: Twice\nkind: session\noccurrences:\n  - date: 2021-06-22\n    start: \"09:00\"\n  - date: 2021-06-23\n    label: second\n    start: \"9am\"\nrelated:\n  - panel.md\n  - no-such-session.md\n---\n",
    );
    assert!(err.contains("`start` is not a time: `9am`"), "{err}");
    assert!(err.contains("--> content/meetings/test-meeting/twice.md:9:5"), "{err}");
    assert!(err.contains("related session `no-such-session.md`: there is no such page"), "{err}");
    assert!(err.contains("--> content/meetings/test-meeting/twice.md:12:3"), "{err}");

    let err = errors_of(
        "content/meetings/test-meeting/both.md",
        "---\ntitle: Both\nkind: session\ndate: 2021-06-22\nstart: \"09:00\"\noccurrences:\n  - start: \"10:00\"\n---\n",
    );
    assert!(err.contains("a session has either `start` or `occurrences`, not both"), "{err}");
    assert!(err.contains("--> content/meetings/test-meeting/both.md:5:1"), "{err}");
}

/// The errors of a build of the meeting fixture with `rel` written as `text`; the build must fail.
fn errors_of(rel: &str, text: &str) -> String {
    let site = fixture("meeting-site");
    site.write(rel, text);
    let out = site.folio(&["build"]);
    assert!(!out.status.success(), "the build should fail");
    stderr(&out)
}
