//! Programme pages built from a small hand-written programme
//! (tests/fixtures/programme-site): contents, activity pages, cross-
//! references, backlinks, the one-page view and the funding overview.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{attr, select, stderr, text, Site};

fn programme_site() -> Site {
    let site = Site::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/programme-site");
    for entry in walkdir::WalkDir::new(&fixture).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file())
    {
        let rel = entry.path().strip_prefix(&fixture).unwrap().to_string_lossy().into_owned();
        site.write(&rel, &std::fs::read_to_string(entry.path()).unwrap());
    }
    site
}

fn hrefs(html: &scraper::Html, css: &str) -> Vec<String> {
    select(html, css).iter().map(|a| attr(a, "href")).collect()
}

#[test]
fn contents_link_every_part_of_the_programme() {
    let site = programme_site();
    site.build(&[]);
    let html = site.html("programme/2024/index.html");
    let toc = hrefs(&html, ".programme-toc a");
    assert_eq!(
        toc,
        [
            "/programme/2024/priority-area-1/",
            "/programme/2024/activities/1-1/",
            "/programme/2024/activities/1-2/",
            "/programme/2024/priority-area-1/ongoing/",
            "/programme/2024/priority-area-2/",
            "/programme/2024/activities/2-1/",
            "/programme/2024/colophon/",
        ]
    );
    assert_eq!(text(&select(&html, "h1")[0]), "GBIF Work Programme 2024");
    assert!(text(&select(&html, ".programme-meta")[0]).contains("Version 1.0, 19 October 2023"));
    assert!(hrefs(&html, "a").contains(&"https://doi.org/10.35035/doc-b226-sb32".to_string()), "the DOI is a link");
    let signature: Vec<String> =
        select(&html, ".signature").iter().map(|e| e.text().collect::<Vec<_>>().join("|")).collect();
    assert_eq!(signature, ["Joe Miller|Executive Secretary, GBIF"]);
}

#[test]
fn activity_page_shows_note_tasks_funding_apart_and_pages_through_the_programme() {
    let site = programme_site();
    site.build(&[]);
    let html = site.html("programme/2024/activities/1-1/index.html");
    let crumbs: Vec<String> = select(&html, ".breadcrumbs li").iter().map(text).collect();
    assert_eq!(
        crumbs[2..],
        ["GBIF Work Programme 2024", "Science and Research", "Drive mobilization and use of biodiversity data"]
    );
    assert_eq!(text(&select(&html, ".eyebrow")[0]), "Activity 1.1");
    assert!(text(&select(&html, ".note")[0]).starts_with("The proposed change to Activity 1.1"));
    assert_eq!(select(&html, ".prose li li").len(), 1, "nested task lists stay nested");
    let prose = text(&select(&html, ".prose")[0]);
    assert!(!prose.contains("Salaried staff"), "funding is not among the tasks");
    let funding = text(&select(&html, ".funding")[0]);
    assert!(funding.contains("Expected funding mechanisms and sources") && funding.contains("€20,000"), "{funding}");

    let next = select(&site.html("programme/2024/activities/1-2/index.html"), "a[rel=next]")
        .iter()
        .map(|a| attr(a, "href"))
        .collect::<Vec<_>>();
    assert_eq!(next, ["/programme/2024/activities/2-1/"], "the next activity is in the next priority area");
    let last = site.html("programme/2024/activities/2-1/index.html");
    assert!(select(&last, "a[rel=next]").is_empty());
    assert_eq!(hrefs(&last, "a[rel=prev]"), ["/programme/2024/activities/1-2/"]);
}

#[test]
fn cross_references_link_to_activities_of_the_same_year_and_count_as_backlinks() {
    let site = programme_site();
    let out = site.build(&[]);
    let html = site.html("programme/2024/activities/1-1/index.html");
    let links = select(&html, ".prose a:not(.heading-anchor)");
    let xrefs: Vec<(String, String)> = links.iter().map(|a| (text(a), attr(a, "href"))).collect();
    assert_eq!(
        xrefs,
        [
            ("1.2".into(), "/programme/2024/activities/1-2/".into()),
            ("2.1".into(), "/programme/2024/activities/2-1/".into())
        ]
    );
    let err = stderr(&out);
    assert!(err.contains("reference to Activity 9.9, which this programme does not have"), "{err}");
    assert!(err.contains("--> content/programme/2024/priority-area-2/2-1.md:17:27"), "{err}");
    let backlinks: Vec<String> =
        select(&site.html("programme/2024/activities/1-2/index.html"), ".backlinks a").iter().map(text).collect();
    assert_eq!(backlinks, ["Drive mobilization and use of biodiversity data"]);
}

#[test]
fn one_page_view_holds_every_part_with_unique_ids_and_in_page_links() {
    let site = programme_site();
    site.build(&[]);
    let html = site.html("programme/2024/all/index.html");
    for anchor in [
        "introduction",
        "priority-area-1",
        "activities-1-1",
        "activities-1-2",
        "priority-area-1-ongoing",
        "activities-2-1",
        "colophon",
    ] {
        assert_eq!(select(&html, &format!("#{anchor}")).len(), 1, "#{anchor}");
    }
    let ids: Vec<String> = select(&html, "[id]").iter().map(|e| attr(e, "id")).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "ids are unique on the one-page view");
    let in_activity = hrefs(&html, "#activities-1-1 .prose a:not(.heading-anchor)");
    assert_eq!(in_activity, ["#activities-1-2", "#activities-2-1"], "cross-references stay within the page");
    assert!(select(&html, "#activities-1-1 h4").len() >= 2, "its headings sit below the activity's h3");
    let out = site.folio(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
}

#[test]
fn funding_overview_lists_amounts_sources_and_the_core_total() {
    let site = programme_site();
    site.build(&[]);
    let html = site.html("programme/2024/funding/index.html");
    let rows = select(&html, "tbody tr");
    assert_eq!(rows.len(), 3);
    assert!(text(&rows[0]).contains("€20,000 · external contract"));
    assert!(text(&rows[0]).contains("Bill & Melinda Gates Foundation through the Vector Atlas project"));
    assert!(text(&rows[1]).contains("No funding line"));
    assert_eq!(text(&select(&html, "tfoot td")[0]), "€30,000");
}

#[test]
fn programmes_are_listed_newest_first_and_urls_survive_a_reworded_title() {
    let site = programme_site();
    site.write(
        "content/programme/2023/_index.md",
        "---\ntitle: GBIF Work Programme 2023\nkind: programme\nyear: 2023\n---\n",
    )
    .write(
        "content/programme/2025/_index.md",
        "---\ntitle: GBIF Work Programme 2025\nkind: programme\nyear: 2025\n---\n",
    );
    site.build(&[]);
    let list: Vec<String> = select(&site.html("programme/index.html"), ".programme-list a").iter().map(text).collect();
    assert_eq!(list, ["GBIF Work Programme 2025", "GBIF Work Programme 2024", "GBIF Work Programme 2023"]);

    let path = "content/programme/2024/priority-area-1/1-2.md";
    let reworded = std::fs::read_to_string(site.root().join(path))
        .unwrap()
        .replace("Advance modelling", "Advance biodiversity modelling");
    site.write(path, &reworded);
    site.build(&[]);
    assert_eq!(
        text(&select(&site.html("programme/2024/activities/1-2/index.html"), "h1")[0]),
        "Advance biodiversity modelling"
    );
}

#[test]
fn priority_area_page_lists_its_activities_and_ongoing_block() {
    let site = programme_site();
    site.build(&[]);
    let html = site.html("programme/2024/priority-area-1/index.html");
    assert_eq!(
        text(&select(&html, ".tagline")[0]),
        "Improving biodiversity evidence for scientific research and understanding"
    );
    let activities: Vec<String> =
        select(&html, ".activity-list:not(.activity-list--plain) a").iter().map(text).collect();
    assert_eq!(activities, ["1.1 Drive mobilization and use of biodiversity data", "1.2 Advance modelling"]);
    assert_eq!(hrefs(&html, ".activity-list--plain a"), ["/programme/2024/priority-area-1/ongoing/"]);
}
