//! The repository's own GBIF site, built as a new user would build it.

mod common;

use std::collections::HashSet;

use common::{attr, select, text, Site};

const SESSIONS: &str = "meetings/2021-global-nodes-meeting/sessions/index.html";

#[test]
fn builds_home_meeting_sessions_and_node_pages() {
    let site = Site::bundled();
    let out = site.build(&[]);
    let summary = common::stdout(&out);
    assert!(summary.contains("pages") && summary.contains("sections") && summary.contains("copied"), "{summary}");
    for page in ["index.html", SESSIONS, "meetings/2021-global-nodes-meeting/index.html", "nodes/gbif-cas/index.html"] {
        assert!(site.public().join(page).is_file(), "{page} missing");
    }
}

#[test]
fn sessions_page_has_an_encoded_hero_that_resolves_to_a_file() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html(SESSIONS);
    let hero = select(&html, ".hero");
    assert_eq!(hero.len(), 1);
    let style = attr(&hero[0], "style");
    assert!(style.contains("min-height: 70vh"), "{style}");
    // The original stays published at its encoded address ...
    assert!(site.public().join("assets/images/Limenitis reducta Staudinger,.jpg").is_file());
    // ... and the hero shows resized copies of it, each a file of the width it claims.
    let img = &select(&html, ".hero picture img.hero__image")[0];
    assert_eq!((attr(img, "width"), attr(img, "height")), ("1600".to_string(), "900".to_string()));
    let mut srcsets = vec![attr(img, "srcset")];
    srcsets.extend(select(&html, ".hero picture source").iter().map(|s| attr(s, "srcset")));
    for candidate in srcsets.iter().flat_map(|s| s.split(", ")) {
        let (url, width) = candidate.rsplit_once(' ').expect("url and width");
        assert!(url.starts_with("/assets/images/limenitis-reducta-staudinger-"), "{url}");
        let file = site.public().join(folio::urls::decode_path(url.trim_start_matches('/')));
        let (w, _) = image::image_dimensions(&file).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(format!("{w}w"), width, "{url}");
    }
}

#[test]
fn sessions_page_caption_links_to_the_occurrence() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html(SESSIONS);
    let links = select(&html, ".hero__credit a");
    let hrefs: Vec<String> = links.iter().map(|a| attr(a, "href")).collect();
    assert!(hrefs.contains(&"https://www.gbif.org/occurrence/2840552819".to_string()), "{hrefs:?}");
    assert_eq!(text(&links[0]), "Limenitis reducta");
    assert_eq!(select(&html, ".hero__credit em").len(), 1, "the Markdown emphasis is rendered");
}

#[test]
fn sessions_toc_points_at_ids_that_exist_and_match_kramdown() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html(SESSIONS);
    let headings = select(&html, ".prose h2, .prose h3, .prose h4");
    assert_eq!(headings.len(), 16, "the sessions page has 16 headings below its title");
    let ids: HashSet<String> = select(&html, "[id]").iter().map(|e| attr(e, "id")).collect();
    let toc_links = select(&html, "nav.toc a");
    assert_eq!(toc_links.len(), 16);
    for link in &toc_links {
        let href = attr(link, "href");
        let id = href.strip_prefix('#').expect("in-page link");
        assert!(ids.contains(id), "TOC entry {href} has no target");
    }
    for expected in [
        "gbiforg-functionality--nodes-vs-helpdesk",
        "theme-1-the-role-of-nodes-in-gbifs-next-strategic-period",
        "regional-nodes-sessions",
        "live-qa-session-based-on-pre-recorded-presentations",
        "group-1--data-mobilization-training-and-guidance-on-sequence-derived-data-mobilization",
    ] {
        assert!(ids.contains(expected), "{expected} missing");
    }
    // Theme 1 nests under the panel discussion it belongs to.
    let nested = select(&html, "nav.toc li > ol > li > a");
    assert!(nested.iter().any(|a| attr(a, "href") == "#theme-1-the-role-of-nodes-in-gbifs-next-strategic-period"));
}

#[test]
fn sessions_page_keeps_accents_plus_lists_and_mailto() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html(SESSIONS);
    let prose = text(&select(&html, ".prose")[0]);
    assert!(prose.contains("Mélianie Raymond"));
    assert!(prose.contains("GBIF’s next strategic period"));
    let items = select(&html, ".prose ul li");
    assert!(items.len() >= 20, "the `+` lists render as lists");
    assert!(select(&html, ".prose a[href='mailto:nodes@gbif.org']").len() == 1);
    assert!(select(&html, ".prose a[href='https://vimeo.com/565570188/37bd1d694a']").len() == 1);
}

#[test]
fn node_page_shows_its_website_as_a_link_and_no_dangling_label() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html("nodes/gbif-cas/index.html");
    assert_eq!(text(&select(&html, "h1")[0]), "GBIF-CAS Node");
    let website = select(&html, ".facts a");
    assert_eq!(attr(&website[0], "href"), "https://www.gbifchina.org");
    let page = text(&select(&html, "main")[0]);
    assert!(page.contains("58 countries") && page.contains("1.37 billion"));
    assert!(!page.contains("Download:"));
}

#[test]
fn every_internal_link_and_asset_of_the_bundled_site_exists() {
    let site = Site::bundled();
    site.build(&[]);
    let public = site.public();
    for (path, bytes) in common::snapshot(&public) {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = scraper::Html::parse_document(&String::from_utf8(bytes).unwrap());
        for el in select(&html, "[href], [src]") {
            let target = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if !target.starts_with('/') || target.starts_with("//") {
                continue;
            }
            let file = folio::urls::decode_path(target.split('#').next().unwrap().trim_start_matches('/'));
            let on_disk = public.join(&file);
            let exists = on_disk.is_file() || on_disk.join("index.html").is_file();
            assert!(exists, "{} links to {target}, which is not in public/", path.display());
        }
    }
}
