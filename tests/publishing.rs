//! What a published site carries besides its pages: the sitemap and
//! robots.txt, Atom feeds, social cards and canonical URLs, redirect pages
//! for old addresses, the 404 page and the search index, checked on the
//! files `folio build` writes.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{attr, select, stderr, text, Site};

const BASE: &str = "https://nodes.example.org/sub";

fn home(site: &Site) -> &Site {
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")
}

fn xml(source: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(source).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{source}"))
}

/// The `<meta property|name=KEY>` content of a page, if it has one.
fn meta(html: &scraper::Html, key: &str) -> Option<String> {
    select(html, &format!("meta[property='{key}'], meta[name='{key}']")).first().map(|m| attr(m, "content"))
}

// ---- sitemap.xml and robots.txt ------------------------------------------

#[test]
fn the_sitemap_lists_every_published_page_once_with_its_date_and_no_draft() {
    let site = Site::new();
    home(&site)
        .write("content/news/_index.md", "---\ntitle: News\ndate: 2024-01-05\n---\n")
        .write("content/news/first.md", "---\ntitle: First\ndate: 2024-02-01\nupdated: 2024-03-10\n---\n")
        .write("content/news/second.md", "---\ntitle: Second\ndate: 2024-02-02\n---\n")
        .write("content/undated.md", "---\ntitle: Undated\n---\n")
        .write("content/draft.md", "---\ntitle: Draft\ndraft: true\n---\n")
        .write("content/moved.md", "---\ntitle: Moved\naliases: [/old-moved/]\n---\n");
    site.build(&["--base-url", BASE]);
    let source = site.read("sitemap.xml");
    let doc = xml(&source);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some("http://www.sitemaps.org/schemas/sitemap/0.9"));
    let entries: Vec<(String, Option<String>)> = root
        .children()
        .filter(|n| n.has_tag_name("url"))
        .map(|url| {
            let child =
                |name: &str| url.children().find(|c| c.has_tag_name(name)).and_then(|c| c.text()).map(String::from);
            (child("loc").expect("every url has a loc"), child("lastmod"))
        })
        .collect();
    let locs: Vec<&str> = entries.iter().map(|(loc, _)| loc.as_str()).collect();
    let unique: BTreeSet<&str> = locs.iter().copied().collect();
    assert_eq!(unique.len(), locs.len(), "every page once: {locs:?}");
    let want: BTreeSet<String> = ["/", "/news/", "/news/first/", "/news/second/", "/undated/", "/moved/"]
        .iter()
        .map(|p| format!("{BASE}{p}"))
        .collect();
    assert_eq!(unique, want.iter().map(String::as_str).collect(), "pages and sections, no draft, alias or 404");
    let lastmod = |path: &str| entries.iter().find(|(loc, _)| *loc == format!("{BASE}{path}")).unwrap().1.clone();
    assert_eq!(lastmod("/news/first/").as_deref(), Some("2024-03-10"), "`updated` wins over `date`");
    assert_eq!(lastmod("/news/second/").as_deref(), Some("2024-02-02"));
    assert_eq!(lastmod("/news/").as_deref(), Some("2024-01-05"));
    assert_eq!(lastmod("/undated/"), None, "never the clock");
    let robots = site.read("robots.txt");
    assert!(robots.lines().any(|l| l == format!("Sitemap: {BASE}/sitemap.xml")), "{robots}");
    assert!(robots.contains("User-agent: *"), "{robots}");
}

#[test]
fn the_sitemap_names_each_translation_of_a_page_as_its_head_does() {
    let site = Site::new();
    site.write("site.yaml", "title: Test site\nlanguage: en\nlanguages:\n  en: {}\n  es: {}\n  fr: {}\n");
    home(&site)
        .write("content/_index.es.md", "---\ntitle: Inicio\n---\nBienvenidos.\n")
        .write("content/nodes/_index.md", "---\ntitle: Nodes\n---\n")
        .write("content/nodes/cas.md", "---\ntitle: CAS\n---\nThe node.\n")
        .write("content/nodes/cas.es.md", "---\ntitle: CAS\n---\nEl nodo.\n")
        .write("content/nodes/cas.fr.md", "---\ntitle: CAS\ndraft: true\n---\nLe nœud.\n")
        .write("content/nodes/alone.md", "---\ntitle: Alone\n---\nIn English only.\n");
    site.build(&["--base-url", BASE]);
    let source = site.read("sitemap.xml");
    let doc = xml(&source);
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    let alternates = |loc: &str| -> Vec<(String, String)> {
        let url = doc
            .root_element()
            .children()
            .find(|u| u.children().any(|c| c.has_tag_name("loc") && c.text() == Some(&format!("{BASE}{loc}"))))
            .unwrap_or_else(|| panic!("{loc} is in the sitemap:\n{source}"));
        url.children()
            .filter(|c| c.has_tag_name((XHTML, "link")))
            .map(|l| {
                assert_eq!(l.attribute("rel"), Some("alternate"));
                (l.attribute("hreflang").unwrap().to_string(), l.attribute("href").unwrap().to_string())
            })
            .collect()
    };
    let cas = vec![
        ("en".to_string(), format!("{BASE}/nodes/cas/")),
        ("es".to_string(), format!("{BASE}/es/nodes/cas/")),
        ("x-default".to_string(), format!("{BASE}/nodes/cas/")),
    ];
    assert_eq!(alternates("/nodes/cas/"), cas, "every published version, the draft in French left out");
    assert_eq!(alternates("/es/nodes/cas/"), cas, "each version names them all, itself included");
    assert_eq!(alternates("/es/")[1], ("es".to_string(), format!("{BASE}/es/")));
    assert!(alternates("/nodes/alone/").is_empty(), "a page in one language has none");
    // The same links as the page's own head.
    let head: Vec<(String, String)> = select(&site.html("es/nodes/cas/index.html"), "link[rel=alternate][hreflang]")
        .iter()
        .map(|l| (attr(l, "hreflang"), attr(l, "href")))
        .collect();
    assert_eq!(head, cas);
}

#[test]
fn without_an_absolute_base_url_there_is_no_sitemap_and_folio_says_so_once() {
    let site = Site::new();
    home(&site).write("content/a.md", "---\ntitle: A\n---\n").write("content/b.md", "---\ntitle: B\n---\n");
    let out = site.build(&[]);
    assert!(!site.public().join("sitemap.xml").exists());
    assert!(!site.public().join("robots.txt").exists());
    let err = stderr(&out);
    assert_eq!(err.matches("absolute base_url").count(), 1, "said once: {err}");
    assert!(err.contains("sitemap.xml"), "{err}");
    // Pages still build, and name no wrong absolute URL.
    let html = site.html("a/index.html");
    assert!(select(&html, "link[rel=canonical], meta[property='og:url']").is_empty());
}

// ---- Atom feeds ------------------------------------------------------------

fn news_site() -> Site {
    let site = Site::new();
    home(&site)
        .write(
            "content/news/_index.md",
            "---\ntitle: Meeting news\ndescription: What changed before the meeting\nfeed: true\n---\n",
        )
        .write(
            "content/news/agenda.md",
            "---\ntitle: Agenda & rooms\ndate: 2024-05-02\ndescription: The agenda is out\n---\nText.\n",
        )
        .write("content/news/venue.md", "---\ntitle: Venue\ndate: 2024-04-01\nupdated: 2024-06-01\n---\nText.\n")
        .write("content/news/old.md", "---\ntitle: Old\ndate: 2023-12-24\n---\n")
        .write("content/news/draft.md", "---\ntitle: Draft\ndate: 2024-07-01\ndraft: true\n---\n");
    site
}

#[test]
fn a_section_with_feed_true_has_a_valid_atom_feed_linked_from_its_head() {
    let site = news_site();
    site.build(&["--base-url", BASE]);
    let source = site.read("news/atom.xml");
    let doc = xml(&source);
    let feed = doc.root_element();
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    assert_eq!((feed.tag_name().name(), feed.tag_name().namespace()), ("feed", Some(ATOM)));
    let child = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children().find(|c| c.has_tag_name((ATOM, name))).and_then(|c| c.text()).map(String::from)
    };
    // Atom 1.0's required elements of a feed: id, title, updated, and an
    // author (here on the feed, for every entry); a self link is advised.
    assert_eq!(child(feed, "id").as_deref(), Some(format!("{BASE}/news/").as_str()));
    assert_eq!(child(feed, "title").as_deref(), Some("Meeting news"));
    assert_eq!(child(feed, "updated").as_deref(), Some("2024-06-01T00:00:00Z"), "the newest entry's date");
    let author = feed.children().find(|c| c.has_tag_name((ATOM, "author"))).expect("an author");
    assert_eq!(child(author, "name").as_deref(), Some("Test site"));
    let links: Vec<(String, String)> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "link")))
        .map(|l| (l.attribute("rel").unwrap_or("alternate").to_string(), l.attribute("href").unwrap().to_string()))
        .collect();
    assert!(links.contains(&("self".into(), format!("{BASE}/news/atom.xml"))), "{links:?}");
    assert!(links.contains(&("alternate".into(), format!("{BASE}/news/"))), "{links:?}");
    // Entries: id, title, updated, link; newest first; no draft.
    let entries: Vec<_> = feed.children().filter(|c| c.has_tag_name((ATOM, "entry"))).collect();
    let titles: Vec<String> = entries.iter().map(|e| child(*e, "title").unwrap()).collect();
    assert_eq!(titles, ["Venue", "Agenda & rooms", "Old"], "by `updated`, else `date`, newest first");
    for entry in &entries {
        let id = child(*entry, "id").expect("every entry has an id");
        assert!(id.starts_with(&format!("{BASE}/news/")), "{id}");
        let updated = child(*entry, "updated").expect("every entry has updated");
        assert!(updated.len() == 20 && updated.ends_with("T00:00:00Z"), "RFC 3339: {updated}");
        let link = entry.children().find(|c| c.has_tag_name((ATOM, "link"))).unwrap();
        assert_eq!(link.attribute("href"), Some(id.as_str()));
    }
    assert_eq!(child(entries[1], "summary").as_deref(), Some("The agenda is out"));
    assert_eq!(child(entries[0], "published").as_deref(), Some("2024-04-01T00:00:00Z"));
    // The section's page names its feed in its head.
    let page = site.html("news/index.html");
    let alternate = select(&page, "head link[rel=alternate][type='application/atom+xml']");
    assert_eq!(alternate.len(), 1);
    assert_eq!(attr(&alternate[0], "href"), format!("{BASE}/news/atom.xml"));
    assert_eq!(attr(&alternate[0], "title"), "Meeting news");
    // Stable: the same ids and bytes from a second build.
    site.build(&["--base-url", BASE]);
    assert_eq!(site.read("news/atom.xml"), source);
}

#[test]
fn feed_true_on_a_page_is_an_error_at_its_line() {
    let site = Site::new();
    home(&site).write("content/news.md", "---\ntitle: News\nfeed: true\n---\n");
    let out = site.folio(&["build", "--base-url", BASE]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/news.md:3:1"), "{err}");
    assert!(err.contains("feed"), "{err}");
    assert!(err.contains("_index.md"), "says where it belongs: {err}");
}

#[test]
fn a_feed_leaves_out_undated_pages_with_a_warning() {
    let site = news_site();
    site.write("content/news/undated.md", "---\ntitle: Undated\n---\n");
    let out = site.build(&["--base-url", BASE]);
    let err = stderr(&out);
    assert!(err.contains("content/news/undated.md"), "{err}");
    assert!(err.contains("date"), "{err}");
    assert!(!site.read("news/atom.xml").contains("Undated"));
}

// ---- Social cards, canonical URLs, citation --------------------------------

#[test]
fn every_page_kind_has_social_cards_and_a_canonical_url() {
    let site = Site::bundled();
    site.build(&["--base-url", BASE]);
    let pages = [
        ("index.html", "/", "website"),
        ("programme/2024/index.html", "/programme/2024/", "website"),
        ("programme/2024/priority-area-3/index.html", "/programme/2024/priority-area-3/", "website"),
        ("programme/2024/activities/3-1/index.html", "/programme/2024/activities/3-1/", "article"),
        ("programme/2024/all/index.html", "/programme/2024/all/", "article"),
        ("meetings/2021-global-nodes-meeting/index.html", "/meetings/2021-global-nodes-meeting/", "website"),
        (
            "meetings/2021-global-nodes-meeting/sessions/regional-nodes-sessions/index.html",
            "/meetings/2021-global-nodes-meeting/sessions/regional-nodes-sessions/",
            "article",
        ),
        ("nodes/gbif-cas/index.html", "/nodes/gbif-cas/", "article"),
    ];
    for (file, path, kind) in pages {
        let html = site.html(file);
        let url = format!("{BASE}{path}");
        let canonical = select(&html, "head link[rel=canonical]");
        assert_eq!(canonical.len(), 1, "{file}");
        assert_eq!(attr(&canonical[0], "href"), url, "{file}");
        assert_eq!(meta(&html, "og:url").as_deref(), Some(url.as_str()), "{file}");
        let title = text(&select(&html, "title")[0]);
        let og_title = meta(&html, "og:title").unwrap_or_default();
        assert!(!og_title.is_empty() && title.starts_with(&og_title), "{file}: og:title {og_title:?} vs {title:?}");
        assert_eq!(meta(&html, "og:type").as_deref(), Some(kind), "{file}");
        assert!(meta(&html, "og:description").is_some_and(|d| !d.is_empty()), "{file}");
        assert_eq!(meta(&html, "og:site_name").as_deref(), Some("GBIF Nodes & Work Programme"), "{file}");
        let image = meta(&html, "og:image").unwrap_or_else(|| panic!("{file} has an og:image"));
        assert!(image.starts_with("https://nodes.example.org/sub/"), "{file}: absolute: {image}");
        let local = image.strip_prefix(BASE).unwrap();
        let on_disk = percent_decode(local.trim_start_matches('/'));
        assert!(site.public().join(&on_disk).is_file(), "{file}: og:image {image} is published");
        assert_eq!(meta(&html, "twitter:card").as_deref(), Some("summary_large_image"), "{file}");
    }
    // The sessions page's card shows its own hero image.
    let sessions = site.html("meetings/2021-global-nodes-meeting/sessions/index.html");
    assert_eq!(
        meta(&sessions, "og:image").as_deref(),
        Some("https://nodes.example.org/sub/assets/images/Limenitis%20reducta%20Staudinger%2C.jpg")
    );
}

#[test]
fn a_page_without_a_description_is_described_by_its_first_paragraph() {
    let site = Site::new();
    site.write("site.yaml", "title: Test site\ndescription: The site as a whole\n");
    home(&site)
        .write(
            "content/activity.md",
            "---\ntitle: Activity\n---\n# Goal\n\n- a list first\n\nThe first **paragraph**, with [a link](/)\nand `code`.\n\nThe second paragraph.\n",
        )
        .write("content/long.md", &format!("---\ntitle: Long\n---\n{}\n", "lengthy ".repeat(60)))
        .write("content/described.md", "---\ntitle: Described\ndescription: Said in front matter\n---\nBody text.\n")
        .write("content/empty.md", "---\ntitle: Empty\n---\n# Only a heading\n");
    let out = site.build(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let described = |file: &str| {
        let html = site.html(file);
        let (og, name) = (meta(&html, "og:description"), meta(&html, "description"));
        assert_eq!(og, name, "{file}: og:description and description agree");
        og.unwrap_or_default()
    };
    assert_eq!(described("activity/index.html"), "The first paragraph, with a link and code.");
    let long = described("long/index.html");
    assert!(long.ends_with("lengthy…") && long.chars().count() <= 201, "{long}");
    assert_eq!(described("described/index.html"), "Said in front matter");
    assert_eq!(described("empty/index.html"), "The site as a whole");

    // The bundled site: an activity opens with its outcomes as a list, a
    // session's text is its front matter's goal.
    let bundled = Site::bundled();
    let out = bundled.build(&[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let activity = bundled.html("programme/2024/activities/3-1/index.html");
    assert_eq!(
        meta(&activity, "description").as_deref(),
        Some("The Secretariat, nodes and Heads of Delegation are equipped with robust materials to demonstrate GBIF\u{2019}s value for money")
    );
    let session = bundled.html("meetings/2021-global-nodes-meeting/sessions/icebreaker/index.html");
    let goal = meta(&session, "og:description").unwrap_or_default();
    assert!(goal.starts_with("To encourage informal conversation between nodes"), "{goal}");
}

fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&path[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn the_programme_carries_citation_meta_with_its_doi_and_date() {
    let site = Site::bundled();
    site.build(&["--base-url", BASE]);
    for file in ["programme/2024/index.html", "programme/2024/all/index.html"] {
        let html = site.html(file);
        assert_eq!(meta(&html, "citation_title").as_deref(), Some("GBIF Work Programme 2024"), "{file}");
        assert_eq!(meta(&html, "citation_doi").as_deref(), Some("10.35035/doc-b226-sb32"), "{file}");
        let date = meta(&html, "citation_publication_date").unwrap_or_default();
        assert!(date.len() == 10 && date.starts_with("2023/"), "{file}: {date}");
    }
    let session = site.html("nodes/gbif-cas/index.html");
    assert!(meta(&session, "citation_title").is_none(), "only the programme is cited");
}

#[test]
fn a_card_image_that_is_not_published_is_an_error_at_its_line_like_a_broken_link() {
    let site = Site::new();
    home(&site).write("content/card.md", "---\ntitle: Card\nimage: /images/missing.png\n---\n");
    let out = site.folio(&["build", "--base-url", BASE]);
    assert!(!out.status.success(), "no page goes out with an image that would not load");
    let err = stderr(&out);
    assert!(err.contains("content/card.md:3:1"), "{err}");
    assert!(err.contains("/images/missing.png"), "{err}");
    // As with broken links, --no-strict makes it a warning.
    let out = site.build(&["--base-url", BASE, "--no-strict"]);
    assert!(stderr(&out).contains("warning") && stderr(&out).contains("content/card.md:3:1"), "{}", stderr(&out));
}

#[test]
fn a_site_default_card_image_is_used_where_a_page_has_none() {
    let site = Site::new();
    site.write("site.yaml", "title: Test site\nsocial_image: /assets/images/card.png\n")
        .write("assets/images/card.png", "png");
    home(&site)
        .write("content/plain.md", "---\ntitle: Plain\n---\n")
        .write("assets/images/own.png", "png")
        .write("content/own.md", "---\ntitle: Own\nimage: /assets/images/own.png\n---\n");
    site.build(&["--base-url", BASE]);
    assert_eq!(
        meta(&site.html("plain/index.html"), "og:image").as_deref(),
        Some("https://nodes.example.org/sub/assets/images/card.png")
    );
    assert_eq!(
        meta(&site.html("own/index.html"), "og:image").as_deref(),
        Some("https://nodes.example.org/sub/assets/images/own.png")
    );
}

// ---- Redirects -------------------------------------------------------------

#[test]
fn aliases_write_redirect_pages_to_the_page() {
    let site = Site::new();
    home(&site).write(
        "content/sessions/theme-1.md",
        "---\ntitle: Theme 1\naliases: [/old/path/, /old/page.html, /older]\n---\nText.\n",
    );
    site.build(&[]);
    for file in ["old/path/index.html", "old/page.html", "older/index.html"] {
        let html = site.html(file);
        let refresh = select(&html, "meta[http-equiv=refresh]");
        assert_eq!(refresh.len(), 1, "{file}");
        assert_eq!(attr(&refresh[0], "content"), "0; url=/sessions/theme-1/", "{file}");
        assert_eq!(attr(&select(&html, "link[rel=canonical]")[0], "href"), "/sessions/theme-1/", "{file}");
        let link = select(&html, "body a");
        assert_eq!(attr(&link[0], "href"), "/sessions/theme-1/", "{file}: a visible link");
        assert_eq!(text(&link[0]), "Theme 1", "{file}");
        assert_eq!(attr(&select(&html, "meta[name=robots]")[0], "content"), "noindex", "{file}");
    }
    // With an absolute base URL the redirect names the absolute URL.
    site.build(&["--base-url", BASE]);
    let html = site.html("old/path/index.html");
    assert_eq!(attr(&select(&html, "link[rel=canonical]")[0], "href"), format!("{BASE}/sessions/theme-1/"));
    assert_eq!(attr(&select(&html, "body a")[0], "href"), "/sub/sessions/theme-1/");
}

#[test]
fn an_alias_on_a_page_or_claimed_twice_or_not_site_relative_is_an_error_at_its_line() {
    let site = Site::new();
    home(&site)
        .write("content/taken.md", "---\ntitle: Taken\n---\n")
        .write("content/a.md", "---\ntitle: A\naliases:\n  - /taken/\n  - /shared/\n---\n")
        .write(
            "content/b.md",
            "---\ntitle: B\naliases:\n  - /shared/\n  - old/relative\n  - https://elsewhere.org/x\n---\n",
        );
    let out = site.folio(&["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/a.md:4:"), "the alias onto a page: {err}");
    assert!(err.contains("/taken/"), "{err}");
    assert!(err.contains("content/b.md:4:") && err.contains("content/a.md"), "claimed twice, naming the first: {err}");
    assert!(err.contains("content/b.md:5:") && err.contains("old/relative"), "{err}");
    assert!(err.contains("content/b.md:6:") && err.contains("https://elsewhere.org/x"), "{err}");
    assert!(!site.public().exists(), "nothing written");
}

#[test]
fn the_jekyll_importer_turns_redirect_from_into_aliases() {
    let source = common::jekyll_site(&[
        ("_config.yml", "title: Old site\n"),
        ("index.md", "---\ntitle: Home\n---\nHello.\n"),
        ("agenda.md", "---\ntitle: Agenda\nredirect_from:\n  - /programme/\n  - /old-agenda.html\n---\nThe agenda.\n"),
    ]);
    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("site");
    let out = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args(["import", "jekyll", source.path().to_str().unwrap(), "--into", into.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(into.join("content/agenda.md")).unwrap();
    assert!(!page.contains("redirect_from"), "{page}");
    assert!(page.contains("aliases"), "{page}");
    let built = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .args(["--root", into.to_str().unwrap(), "build"])
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let redirect = std::fs::read_to_string(into.join("public/programme/index.html")).unwrap();
    let html = scraper::Html::parse_document(&redirect);
    assert!(attr(&select(&html, "meta[http-equiv=refresh]")[0], "content").contains("/agenda"), "{redirect}");
    assert!(into.join("public/old-agenda.html").is_file());
}

// ---- 404 ---------------------------------------------------------------------

#[test]
fn the_theme_writes_a_404_page_with_search_and_the_main_sections() {
    let site = Site::bundled();
    site.build(&[]);
    let html = site.html("404.html");
    assert!(text(&select(&html, "h1")[0]).contains("not found"), "{}", site.read("404.html"));
    assert_eq!(select(&html, "main form[role=search] input[type=search]").len(), 1);
    let links: Vec<String> = select(&html, "main .not-found__sections a").iter().map(|a| attr(a, "href")).collect();
    for want in ["/", "/programme/2024/", "/meetings/2021-global-nodes-meeting/", "/nodes/"] {
        assert!(links.iter().any(|l| l == want), "{want} in {links:?}");
    }
    // Root-relative links, since the page answers at any depth.
    assert_eq!(attr(&select(&html, "link[rel=stylesheet]")[0], "href"), "/css/folio.css");
}

// ---- Search --------------------------------------------------------------------

fn json(site: &Site, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The URLs of the pages the index lists for `term` in `lang`.
fn pages_for(site: &Site, lang: &str, term: &str) -> Vec<String> {
    let shard_name: String = term.chars().take(2).collect();
    let Ok(shard) = std::fs::read_to_string(site.public().join(format!("search-index/{lang}/{shard_name}.json")))
    else {
        return Vec::new();
    };
    let shard: serde_json::Value = serde_json::from_str(&shard).unwrap();
    let summary = json(site, &format!("search-index/{lang}/index.json"));
    let chunk = summary["chunk"].as_u64().unwrap();
    let Some(entry) = shard.as_array().unwrap().iter().find(|e| e[0] == term) else { return Vec::new() };
    let mut page = 0;
    entry[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|delta| {
            page += delta.as_u64().unwrap();
            let rows = json(site, &format!("search-index/{lang}/pages-{}.json", page / chunk));
            rows[(page % chunk) as usize][0].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn the_search_index_finds_words_of_pages_per_language_and_leaves_out_what_is_asked() {
    let site = Site::new();
    site.write("site.yaml", "title: Test site\nlanguage: en\nlanguages:\n  en: {}\n  es: {}\n");
    home(&site)
        .write("content/sessions/_index.md", "---\ntitle: Sessions\n---\n")
        .write(
            "content/sessions/dna.md",
            "---\ntitle: Sequence data session\n---\nHow nodes mobilize sequence-derived data; the Sesión plenaria.\n",
        )
        .write("content/hidden.md", "---\ntitle: Hidden\nsearch: false\n---\nA sequence nobody finds.\n")
        .write("content/es/sesion.md", "---\ntitle: Sesión de datos\nlang: es\n---\nDatos de secuencias genéticas.\n")
        .write(
            "content/sessions/dna.es.md",
            "---\ntitle: Sesión sobre ADN\n---\nCómo los nodos movilizan datos de ADN.\n",
        );
    site.build(&[]);
    assert_eq!(pages_for(&site, "en", "sequence"), ["/sessions/dna/"]);
    assert_eq!(pages_for(&site, "en", "sesion"), ["/sessions/dna/"], "accents folded");
    assert_eq!(pages_for(&site, "en", "hidden"), Vec::<String>::new(), "search: false leaves the page out");
    assert_eq!(pages_for(&site, "es", "secuencias"), ["/es/sesion/"]);
    assert_eq!(pages_for(&site, "en", "secuencias"), Vec::<String>::new(), "each language apart");
    assert!(pages_for(&site, "es", "sequence").is_empty());
    // A translation named for its language (`dna.es.md`) is a Spanish page.
    assert_eq!(pages_for(&site, "es", "movilizan"), ["/es/sessions/dna/"]);
    assert!(pages_for(&site, "en", "movilizan").is_empty());
    let rows = json(&site, "search-index/en/pages-0.json");
    let dna = rows.as_array().unwrap().iter().find(|r| r[0] == "/sessions/dna/").unwrap();
    assert_eq!(dna[1], "Sequence data session");
    assert_eq!(dna[2], "Sessions", "the section a result is shown under");
    // The theme's search box and script are on every page.
    let html = site.html("index.html");
    assert_eq!(select(&html, "header form[role=search] input[type=search]").len(), 1);
    assert_eq!(attr(&select(&html, "html")[0], "data-search-index"), "/search-index/");
    assert!(site.public().join("search/index.html").is_file(), "the search page");
    assert!(
        select(&html, "header form[role=search] input[name=lang]").is_empty(),
        "the default language needs no `lang`"
    );
    // A Spanish page's box speaks Spanish and tells the search page its language.
    let spanish = site.html("es/sessions/dna/index.html");
    let form = &select(&spanish, "header form[role=search]")[0];
    assert_eq!(attr(form, "aria-label"), "Buscar en este sitio");
    assert_eq!(attr(form, "data-matches"), "{count} páginas contienen «{query}».");
    assert_eq!(attr(&select(&spanish, "header form[role=search] input[name=lang]")[0], "value"), "es");
    assert_eq!(text(&select(&spanish, "header form[role=search] button")[0]), "Buscar");
}

#[test]
fn search_false_in_site_yaml_turns_search_off() {
    let site = Site::new();
    site.write("site.yaml", "title: Test site\nsearch: false\n");
    home(&site).write("content/a.md", "---\ntitle: A\n---\nWords.\n");
    site.build(&[]);
    assert!(!site.public().join("search-index").exists());
    assert!(!site.public().join("search").exists());
    let html = site.html("a/index.html");
    assert!(select(&html, "form[role=search]").is_empty());
    assert!(select(&html, "script[src$='search.js']").is_empty());
}

#[test]
fn folio_build_writes_the_search_index_that_a_kept_index_makes() {
    // `folio build` writes each file of its index as soon as it is made and
    // lets it go; `folio serve` keeps the index and its files in memory.
    let site = Site::bundled();
    let outs = tempfile::tempdir().unwrap();
    let out = outs.path().join("public");
    let options = folio::BuildOptions { output: Some(out.clone()), ..folio::BuildOptions::new(site.root()) };
    folio::build(&options).expect("the bundled site builds");
    let kept = folio::render_site(&folio::BuildOptions::new(site.root())).expect("the bundled site renders");
    let kept: Vec<(PathBuf, Vec<u8>)> = kept
        .output
        .files
        .iter()
        .filter(|(path, _)| path.starts_with(folio::output::search::DIR))
        .map(|(path, file)| match &file.content {
            folio::output::OutputContent::Rendered(bytes) => (path.clone(), bytes.to_vec()),
            other => panic!("{} is copied: {other:?}", path.display()),
        })
        .collect();
    let written = common::snapshot(&out.join(folio::output::search::DIR));
    let written: Vec<(PathBuf, Vec<u8>)> =
        written.into_iter().map(|(path, bytes)| (Path::new(folio::output::search::DIR).join(path), bytes)).collect();
    assert!(kept.len() > 3, "the bundled site's index has its files: {kept:?}");
    assert_eq!(written.iter().map(|(p, _)| p).collect::<Vec<_>>(), kept.iter().map(|(p, _)| p).collect::<Vec<_>>());
    for ((path, bytes), (_, kept_bytes)) in written.iter().zip(&kept) {
        assert!(bytes == kept_bytes, "{} differs from the kept index's", path.display());
        serde_json::from_slice::<serde_json::Value>(bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}
