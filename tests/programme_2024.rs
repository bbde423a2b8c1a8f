//! The bundled 2024 Work Programme (imported from the seed with
//! `folio import programme`), as readers get it.

mod common;

use std::collections::HashSet;

use common::{attr, select, stdout, text, Site};
use scraper::{ElementRef, Node};

const IDS: [&str; 14] =
    ["1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3", "4.4"];

fn activity_url(id: &str) -> String {
    format!("/programme/2024/activities/{}/", id.replace('.', "-"))
}

#[test]
fn every_activity_is_reachable_from_the_programme_contents() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html("programme/2024/index.html");
    let toc: HashSet<String> = select(&html, ".programme-toc a").iter().map(|a| attr(a, "href")).collect();
    for id in IDS {
        assert!(toc.contains(&activity_url(id)), "Activity {id} is missing from the contents");
    }
    for area in 1..=4 {
        assert!(toc.contains(&format!("/programme/2024/priority-area-{area}/")));
        assert!(toc.contains(&format!("/programme/2024/priority-area-{area}/ongoing/")));
    }
    assert!(toc.contains("/programme/2024/colophon/"));
    assert_eq!(toc.len(), 14 + 8 + 1);
    assert!(select(&html, "a").iter().any(|a| attr(a, "href") == "https://doi.org/10.35035/doc-b226-sb32"));
}

#[test]
fn the_citing_section_links_to_the_doi_and_to_the_colophon() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html("programme/2024/index.html");
    let paragraphs = select(&html, ".colophon-summary p");
    let citing = paragraphs.first().expect("the citing section has its paragraph");
    let links = scraper::Selector::parse("a").unwrap();
    let hrefs: Vec<String> = citing.select(&links).map(|a| attr(&a, "href")).collect();
    assert_eq!(hrefs, ["https://doi.org/10.35035/doc-b226-sb32", "/programme/2024/colophon/"]);
    let words = text(citing);
    assert!(!words.contains('<'), "no markup shown as text: {words}");
    assert!(words.contains("See the colophon for the suggested citation"), "{words}");
}

#[test]
fn previous_and_next_walk_through_all_fourteen_activities() {
    let site = Site::bundled();
    site.build(&[]);
    let mut visited = Vec::new();
    let mut url = Some(activity_url("1.1"));
    while let Some(current) = url {
        let html = site.html(&format!("{}index.html", current.trim_start_matches('/')));
        visited.push(text(&select(&html, ".eyebrow")[0]));
        url = select(&html, "a[rel=next]").first().map(|a| attr(a, "href"));
        assert!(visited.len() <= 14, "the chain does not end");
    }
    let expected: Vec<String> = IDS.iter().map(|id| format!("Activity {id}")).collect();
    assert_eq!(visited, expected);
    let first = site.html("programme/2024/activities/1-1/index.html");
    assert!(select(&first, "a[rel=prev]").is_empty());
}

/// Text outside links that still names an activity ("activities 4.3 and
/// 4.4") would be a cross-reference left unlinked.
fn unlinked_mentions(el: ElementRef<'_>, found: &mut Vec<String>) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                for m in folio::markdown::xref::find(t) {
                    found.push(t[m.start..m.end].to_string());
                }
            }
            Node::Element(e) if e.name() == "a" => {}
            Node::Element(_) => unlinked_mentions(ElementRef::wrap(child).expect("an element"), found),
            _ => {}
        }
    }
}

#[test]
fn every_cross_reference_is_a_link_to_that_activity() {
    let site = Site::bundled();
    site.build(&[]);
    let mut links = HashSet::new();
    for page in common::snapshot(&site.public().join("programme/2024")) {
        let path = page.0.to_string_lossy().into_owned();
        if !path.ends_with("index.html") || path.starts_with("all/") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8(page.1).unwrap());
        for prose in select(&html, ".prose, .note, .funding") {
            let mut found = Vec::new();
            unlinked_mentions(prose, &mut found);
            assert!(found.is_empty(), "{path}: unlinked {found:?}");
            for a in prose.select(&scraper::Selector::parse("a").unwrap()) {
                if attr(&a, "href").starts_with("/programme/2024/activities/") {
                    links.insert((path.clone(), attr(&a, "href")));
                }
            }
        }
    }
    // "(see also activities 4.3 and 4.4)" in 1.2; "activities 1.2 and 4.4" in 4.3; "Activity 1.1" in 3.1.
    for (page, target) in [
        ("activities/1-2/", "4-3"),
        ("activities/1-2/", "4-4"),
        ("activities/4-3/", "1-2"),
        ("activities/4-3/", "4-4"),
        ("activities/4-4/", "4-3"),
        ("activities/3-1/", "1-1"),
        ("activities/2-1/", "3-2"),
    ] {
        let key = (format!("{page}index.html"), format!("/programme/2024/activities/{target}/"));
        assert!(links.contains(&key), "{key:?} missing");
    }
    let html = site.html("programme/2024/activities/4-4/index.html");
    let referrers: Vec<String> = select(&html, ".backlinks a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(referrers, [activity_url("1.2"), activity_url("4.3")]);
}

#[test]
fn the_one_page_view_holds_every_activity() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html("programme/2024/all/index.html");
    for id in IDS {
        let anchor = format!("activities-{}", id.replace('.', "-"));
        let part = select(&html, &format!("article#{anchor}"));
        assert_eq!(part.len(), 1, "Activity {id} is missing from the one-page view");
        assert!(text(&part[0]).contains(&format!("Activity {id}")));
    }
    assert_eq!(select(&html, "section.programme-part--area").len(), 4);
    let ids: Vec<String> = select(&html, "[id]").iter().map(|e| attr(e, "id")).collect();
    assert_eq!(ids.len(), ids.iter().collect::<HashSet<_>>().len(), "ids are unique");
}

#[test]
fn funding_overview_totals_the_core_funds() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html("programme/2024/funding/index.html");
    assert_eq!(select(&html, "tbody tr").len(), 14);
    // 20+20 + 20 + 10+30 + 45+40 + 100+25 + 40 + 80 + 20+100 + 20 thousand euros.
    assert_eq!(text(&select(&html, "tfoot td")[0]), "€570,000");
}

#[test]
fn check_lists_all_47_placeholders_with_file_and_line() {
    let site = Site::bundled();
    let out = site.folio(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["placeholder_links"], 47);
    let placeholders: Vec<&serde_json::Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "placeholder-link").collect();
    let places: HashSet<(String, u64, u64)> = placeholders
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(places.len(), 47, "each placeholder has its own place");
    assert!(placeholders.iter().all(|d| d["line_text"].as_str().unwrap().contains("](#)")));
}
