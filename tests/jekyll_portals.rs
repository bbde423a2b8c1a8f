//! What GBIF's hosted-portal sites need beyond the 2021 meeting site,
//! each with a small Jekyll site of its own: navigation data written
//! without leading slashes (the theme wrote it through `relative_url`),
//! URLs the portal's application answered on the same host
//! (`/dataset/<key>`), collections published as pages, and link checks
//! that suggest a fix only for what they report.

mod common;

use std::fs;

use scraper::Html;

use common::{attr, jekyll_site, select, stderr, text};
use common::{build_imported as build, folio_in as folio, import_jekyll_site as import, imported_html as html};

fn hrefs(page: &Html, css: &str) -> Vec<String> {
    select(page, css).iter().map(|a| attr(a, "href")).collect()
}

#[test]
fn navigation_urls_without_a_leading_slash_lead_to_the_site_root() {
    let site = jekyll_site(&[
        ("_config.yml", "title: GBIF France\npermalink: pretty\n"),
        ("index.md", "---\ntitle: Accueil\n---\nBienvenue.\n"),
        ("a_propos/team.md", "---\ntitle: Équipe\nlayout: documentation\nsideNavigation: about\n---\nNous.\n"),
        ("ressources/glossaire.md", "---\ntitle: Glossaire\n---\nMots.\n"),
        (
            "_data/navigation.yml",
            "- text: À propos\n  menu:\n  - text: Équipe\n    href: a_propos/team\n- text: Glossaire\n  href: ressources/glossaire\n",
        ),
        ("_data/sideNavigation.yml", "about:\n  - name: Équipe\n    href: a_propos/team\n  - name: Glossaire\n    href: ressources/glossaire/\n"),
    ]);
    let (root, report) = import(site.path());
    assert!(!report.contains("Already broken"), "nothing was broken on the Jekyll site:\n{report}");
    let (out, _) = build(root.path());
    assert!(out.contains(" 0 warnings"), "{out}");
    // On a page two folders down, the menu still leads to the site root.
    let team = html(root.path(), "a_propos/team/index.html");
    assert_eq!(hrefs(&team, ".site-nav a"), ["/a_propos/team", "/ressources/glossaire"]);
    assert_eq!(hrefs(&team, ".side-nav a"), ["/a_propos/team", "/ressources/glossaire/"]);
    let current: Vec<String> = select(&team, ".side-nav a[aria-current=page]").iter().map(text).collect();
    assert_eq!(current, ["Équipe"], "the page is marked as the theme marked it");
    let glossary = html(root.path(), "ressources/glossaire/index.html");
    assert_eq!(hrefs(&glossary, ".site-nav a"), ["/a_propos/team", "/ressources/glossaire"]);
}

#[test]
fn urls_the_portal_application_answered_are_routes_not_broken_links() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Legumes\npermalink: pretty\n"),
        (
            "index.md",
            "---\ntitle: Home\n---\nSee [a dataset](/dataset/b7700738-3e8b/project), [the search](/dataset/search), \
             [Afzelia](/taxonomy/taxon/2624953), [a specimen](/specimen/abc-1) and [an old typo](/datasets/b7700738).\n",
        ),
        ("datasetKey.md", "---\ntitle: Dataset\nlayout: dataset-key\npermalink: /dataset/_key_\n---\n"),
        ("dataset.md", "---\ntitle: Datasets\nlayout: dataset\npermalink: /dataset/search\n---\n"),
        (
            "taxonomy/taxon.md",
            "---\ntitle: Taxon\npermalink: /taxonomy/taxon\n---\n<div id=\"taxon\"></div>\n<script>\nconst config = { pathToTaxon: '/taxonomy/taxon/', pathToTree: '/taxonomy/browse' };\n</script>\n",
        ),
        ("specimen/view.md", "---\ntitle: Specimen\n---\nThe specimen widget.\n"),
        ("serve.json", "{\"rewrites\": [{\"source\": \"/specimen/*-*\", \"destination\": \"/specimen/view/index.html\"}]}\n"),
    ]);
    let (root, report) = import(site.path());
    assert!(
        report.contains(
            "Application routes (the portal's application answered these URLs; links below them are not checked): 3\n\
             \x20 /dataset/* -> /dataset/_key_/  (declared by datasetKey.md (its permalink))\n\
             \x20 /specimen/* -> /specimen/view/  (declared by serve.json)\n\
             \x20 /taxonomy/taxon/* -> /taxonomy/taxon/  (declared by taxonomy/taxon.md (its script routes the URLs below it))\n"
        ),
        "{report}"
    );
    // Only the link that was broken on the old site is listed as such.
    assert!(report.contains("Already broken on the Jekyll site: 1 link,"), "{report}");
    assert!(report.contains("  content/_index.md: /datasets/b7700738\n"), "{report}");
    let yaml: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(root.path().join("site/site.yaml")).unwrap()).unwrap();
    assert_eq!(yaml["app_routes"][0]["prefix"], "/dataset/");
    assert_eq!(yaml["app_routes"][0]["page"], "/dataset/_key_/");
    let (out, err) = build(root.path());
    assert!(out.contains(" 1 warning "), "{out}\n{err}");
    let home = html(root.path(), "index.html");
    assert_eq!(
        hrefs(&home, ".prose a"),
        [
            "/dataset/b7700738-3e8b/project",
            "/dataset/search",
            "/taxonomy/taxon/2624953",
            "/specimen/abc-1",
            "/datasets/b7700738"
        ]
    );

    // Without the routes the application's URLs would be broken links.
    let site_yaml = root.path().join("site/site.yaml");
    let text = fs::read_to_string(&site_yaml).unwrap();
    fs::write(&site_yaml, &text[..text.find("app_routes:").unwrap()]).unwrap();
    let out = folio(&root.path().join("site"), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for link in ["/dataset/b7700738-3e8b/project", "/taxonomy/taxon/2624953", "/specimen/abc-1"] {
        assert!(err.contains(&format!("error: broken link `{link}`")), "{link}: {err}");
    }
}

#[test]
fn documents_of_published_collections_are_pages_at_their_jekyll_urls() {
    let site = jekyll_site(&[
        (
            "_config.yml",
            "title: SBDI\npermalink: pretty\ncollections:\n  news:\n    output: true\n    permalink: /:collection/:year/:slug/\n  \
             events:\n    output: true\n  courses:\n    output: true\n    permalink: /support/courses/:slug/\n  team:\n    output: false\n\
             defaults:\n  - scope: {path: \"\", type: news}\n    values: {layout: post}\n",
        ),
        ("index.md", "---\ntitle: Home\n---\nRead [the news](/news/2026/tools-in-the-ocean/) and [the course](/support/courses/basic-python/).\n"),
        ("_news/2026-05-22-Tools in the ocean.md", "---\ntitle: Tools in the ocean\n---\nThe digital twin of the ocean now has our tools.\n"),
        ("_events/2025-10-17-open-data.md", "---\ntitle: Open data\n---\nA day about open data for academia.\n"),
        ("_events/2026/holiday.html", "---\ntitle: Holiday\n---\n<p>The office is closed.</p>\n"),
        ("_courses/Basic Python.md", "---\ntitle: Basic Python for biologists\nslug: basic-python\n---\nLearn Python in a week.\n"),
        ("_courses/notes.txt", "Not a page.\n"),
        ("_team/ana.md", "---\nname: Ana\n---\nAna runs the node.\n"),
    ]);
    let (root, report) = import(site.path());
    assert!(report.contains("Found 1 page, 0 posts, 4 documents of collections, "), "{report}");
    // Jekyll published 5 pages; the team was not published (output: false).
    assert!(report.contains("\nPages at their Jekyll URL: 5 of 5\n"), "{report}");
    let words = report.rsplit("on the page: ").next().unwrap().trim();
    let (found, of) = words.split_once(" of ").unwrap();
    assert_eq!(found, of, "{report}");
    assert!(of.parse::<usize>().unwrap() >= 30, "the documents' words are counted: {report}");
    assert!(report.contains("_team/: the documents of the collection `team` (1 file)"), "{report}");
    assert!(report.contains("_courses/notes.txt: not imported: a file without front matter"), "{report}");
    assert!(!report.contains("Already broken"), "{report}");
    build(root.path());
    for (file, text_on_page) in [
        ("news/2026/tools-in-the-ocean/index.html", "The digital twin of the ocean now has our tools."),
        ("events/2025-10-17-open-data/index.html", "A day about open data for academia."),
        ("events/2026/holiday/index.html", "The office is closed."),
        ("support/courses/basic-python/index.html", "Learn Python in a week."),
    ] {
        let page = html(root.path(), file);
        let prose: Vec<String> = select(&page, ".prose").iter().map(text).collect();
        assert!(prose.concat().contains(text_on_page), "{file}: {prose:?}");
    }
    // Posts-like documents, in a folder per collection, with their date.
    let news = fs::read_to_string(root.path().join("site/content/news/2026-05-22-Tools in the ocean.md")).unwrap();
    assert!(news.contains("date: 2026-05-22") && news.contains("layout: post"), "{news}");
    assert!(!root.path().join("site/content/team").exists());
}

#[test]
fn links_a_browser_follows_are_not_taken_for_broken_ones() {
    let site = jekyll_site(&[
        ("_config.yml", "title: GBIF France\npermalink: pretty\n"),
        ("a_propos/patrinat.md", "---\ntitle: PatriNat\n---\n## Suzanne Koptur (1955--) <a name=\"1.3\"></a>\n\nL'unité.\n"),
        (
            "a_propos/gbif-france.md",
            "---\ntitle: GBIF France\n---\nIl a rejoint [PatriNat](/../../a_propos/patrinat) ([Suzanne](/a_propos/patrinat/#1.3)).\n\n\
             <a href=\"\n    https://data.canadensys.net/ipt/resource?r=fish\">Fish</a> and <a href=\" /a_propos/patrinat/ \">again</a>\n",
        ),
        ("index.md", "---\ntitle: Accueil\n---\nVoir [l'équipe](/a_propos/equipe).\n"),
    ]);
    let (root, report) = import(site.path());
    // Only the link that really led nowhere is listed.
    assert!(report.contains("Already broken on the Jekyll site: 1 link,"), "{report}");
    assert!(report.contains("  content/_index.md: /a_propos/equipe\n"), "{report}");
    build(root.path());
    let page = html(root.path(), "a_propos/gbif-france/index.html");
    assert_eq!(hrefs(&page, ".prose a")[0], "/../../a_propos/patrinat", "written as the author wrote it");
}

#[test]
fn a_lang_ref_two_pages_of_one_language_share_stays_with_the_first() {
    // hp-asean's dashfactsv1.md is a copy of dashfacts.md, `lang-ref` and all;
    // Jekyll published both, and so does folio.
    let site = jekyll_site(&[
        ("_config.yml", "title: ASEAN\nlang: en\npermalink: pretty\n"),
        ("_data/languages.yml", "en:\n  label: English\nid:\n  label: Bahasa\n"),
        ("index.md", "---\ntitle: Home\nlang-ref: home\n---\nWelcome.\n"),
        ("id/index.md", "---\ntitle: Beranda\nlang: id\nlang-ref: home\npermalink: /id/\n---\nSelamat datang.\n"),
        ("dashfacts.md", "---\ntitle: Facts\nlang-ref: dashfacts\n---\nThe facts of today.\n"),
        ("dashfactsv1.md", "---\ntitle: Facts, first version\nlang-ref: dashfacts\n---\nThe facts of last year.\n"),
        (
            "id/dashfacts.md",
            "---\ntitle: Fakta\nlang: id\nlang-ref: dashfacts\npermalink: /id/dashfacts/\n---\nFakta hari ini.\n",
        ),
    ]);
    let (root, report) = import(site.path());
    assert!(report.contains("\nPages at their Jekyll URL: 5 of 5\n"), "{report}");
    assert!(
        report.contains("  dashfactsv1.md:3:1: `lang-ref: dashfacts` is left out"),
        "the second page says why: {report}"
    );
    let (out, err) = build(root.path());
    assert!(out.contains(" 0 warnings"), "{out}{err}");
    let first = fs::read_to_string(root.path().join("site/content/dashfacts.md")).unwrap();
    let second = fs::read_to_string(root.path().join("site/content/dashfactsv1.md")).unwrap();
    assert!(first.contains("lang-ref: dashfacts") && !second.contains("lang-ref"), "{second}");
    // Both pages at their URL; the first is the Indonesian page's English version.
    let facts = html(root.path(), "dashfacts/index.html");
    let v1 = html(root.path(), "dashfactsv1/index.html");
    let fakta = html(root.path(), "id/dashfacts/index.html");
    assert_eq!(text(&select(&v1, ".prose p")[0]), "The facts of last year.");
    assert_eq!(hrefs(&facts, ".language-switcher a"), ["/id/dashfacts/"]);
    assert_eq!(hrefs(&fakta, ".language-switcher a"), ["/dashfacts/"]);
}
