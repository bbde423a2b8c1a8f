//! `folio import jekyll`: a GBIF meeting site written for Jekyll 4
//! (tests/fixtures/jekyll-site) is imported, the files written are
//! checked, and a folio build of them must publish every page at the URL
//! Jekyll gave it. Then what the report says, the errors that write
//! nothing, and `--force`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use folio::import::jekyll::{import_jekyll, JekyllOptions, JekyllReport, PageKind, PermalinkAction};
use scraper::Html;
use serde_yaml::Value;

use common::{attr, jekyll_site, select, snapshot, stderr, stdout, text};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jekyll-site")
}

fn folio(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("folio").expect("binary").current_dir(dir).args(args).output().expect("runs")
}

fn import_into(root: &Path) -> JekyllReport {
    import_jekyll(&JekyllOptions::new(fixture(), root)).unwrap_or_else(|e| panic!("import failed: {e}\n{e:?}"))
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A written page's front matter and body.
fn page(root: &Path, rel: &str) -> (Value, String) {
    let text = read(root, rel);
    let rest = text.strip_prefix("---\n").unwrap_or_else(|| panic!("{rel} has no front matter:\n{text}"));
    let end = rest.find("---\n").unwrap_or_else(|| panic!("{rel}: front matter not closed"));
    let front: Value = serde_yaml::from_str(&rest[..end]).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (front, rest[end + 4..].to_string())
}

fn s<'a>(front: &'a Value, key: &str) -> &'a str {
    front[key].as_str().unwrap_or_else(|| panic!("`{key}` is not text in {front:?}"))
}

fn files_under(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(p, _)| p.to_string_lossy().replace('\\', "/")).collect()
}

/// Every page of the fixture with the URL Jekyll 4 (`permalink: pretty`)
/// gave it, and the file that URL is served from.
const PAGE_URLS: &[(&str, &str, &str)] = &[
    ("index.md", "/", "index.html"),
    ("about/index.md", "/about/", "about/index.html"),
    ("about/team.md", "/about/team/", "about/team/index.html"),
    ("sessions.md", "/sessions/", "sessions/index.html"),
    ("registration.md", "/registration/", "registration/index.html"),
    ("contact.html", "/contact/", "contact/index.html"),
    ("404.html", "/404.html", "404.html"),
    ("_posts/2021-06-01-welcome.md", "/news/2021/06/01/welcome/", "news/2021/06/01/welcome/index.html"),
];

/// The other files, at the URL Jekyll copied them to.
const FILE_URLS: &[(&str, &str)] = &[
    ("/assets/images/gbif-logo.png", "assets/images/gbif-logo.png"),
    ("/assets/images/Limenitis reducta Staudinger,.jpg", "assets/images/Limenitis reducta Staudinger,.jpg"),
    ("/documents/agenda-2021.pdf", "documents/agenda-2021.pdf"),
];

#[test]
fn the_meeting_site_is_imported_with_every_url_kept() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = folio(root, &["--root", ".", "import", "jekyll", fixture().to_str().unwrap()]);
    assert!(out.status.success(), "import failed:\n{}{}", stdout(&out), stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("Found 7 pages (2 in HTML), 1 post, 3 data files, 4 files to copy (permalink style: pretty)"),
        "{report}"
    );
    assert!(
        report.contains("URLs kept: 8 of 8 pages and posts (3 with an explicit permalink: 1 added, 1 rewritten, 1 as written); 3 of 4 files"),
        "{report}"
    );
    assert!(report.contains("Wrote 18 files into ."), "{report}");
    assert!(report.contains("Includes: 2 copied from _includes/ to includes/"), "{report}");
    assert!(report.contains("\nPages at their Jekyll URL: 8 of 8\nWords of their Markdown on the page: "), "{report}");
    let words = report.rsplit("on the page: ").next().unwrap().trim();
    let (found, of) = words.split_once(" of ").unwrap();
    assert_eq!(found, of, "every word: {report}");
    assert!(found.parse::<usize>().unwrap() > 100, "{report}");

    // The tree: nothing from _layouts/, _sass/, README.md (excluded), the
    // Gemfile, the Sass stylesheet or hidden files; _includes/ for Liquid.
    assert_eq!(
        files_under(root),
        [
            "assets/images/Limenitis reducta Staudinger,.jpg",
            "assets/images/gbif-logo.png",
            "content/404.md",
            "content/Press Kit/gbif-mark.svg",
            "content/_index.md",
            "content/about/index.md",
            "content/about/team.md",
            "content/contact.md",
            "content/documents/agenda-2021.pdf",
            "content/posts/2021-06-01-welcome.md",
            "content/registration.md",
            "content/sessions.md",
            "data/navigation.yml",
            "data/regions.yml",
            "data/sideNavigation.yml",
            "includes/header.html",
            "includes/vimeo.html",
            "site.yaml",
        ]
    );

    // site.yaml: only keys folio knows; the theme's own settings as extra.
    let site: Value = serde_yaml::from_str(&read(root, "site.yaml")).unwrap();
    assert_eq!(s(&site, "title"), "Global Nodes Meeting 2021");
    assert_eq!(s(&site, "description"), "The first virtual Global Nodes Meeting of the GBIF network, 22–24 June 2021.");
    assert_eq!(s(&site, "base_url"), "https://nodesmeeting.gbif.org/");
    assert_eq!(s(&site, "language"), "en");
    assert_eq!(s(&site["extra"]["gbif"], "siteFooter"), "Global Biodiversity Information Facility");
    assert_eq!(s(&site["extra"], "meetingDates"), "22–24 June 2021");
    let keys: Vec<&str> = site.as_mapping().unwrap().keys().filter_map(Value::as_str).collect();
    assert_eq!(keys, ["title", "description", "base_url", "language", "liquid", "extra"]);
    assert!(site.get("implicit_html").is_none(), "pretty URLs: no page was published as .html but 404.html");

    // The home page is the root section; its own keys stay as written.
    let (home, body) = page(root, "content/_index.md");
    assert_eq!(s(&home, "layout"), "home");
    assert_eq!(s(&home["cta"][1], "href"), "/registration");
    assert!(home.get("permalink").is_none());
    assert!(body.contains("[Register now](/registration)."), "{body}");
    assert!(body.contains("[latest news](/news/2021/06/01/welcome/)"), "post_url: {body}");
    assert!(body.contains("[agenda](/documents/agenda-2021.pdf)"), "relative_url: {body}");
    assert!(body.contains("{% include vimeo.html id=\"566560669\" %}"), "video includes stay: {body}");
    assert!(body.contains("{% if site.show_agenda %}"), "other Liquid stays in place: {body}");
    assert!(!body.contains("site.baseurl"), "{body}");

    // The sessions page: its front matter is the author's text, unchanged.
    let source = fs::read_to_string(fixture().join("sessions.md")).unwrap();
    let written = read(root, "content/sessions.md");
    let front_end = source.find("\n---\n").unwrap() + 5;
    assert_eq!(written[..front_end], source[..front_end]);
    let (sessions, body) = page(root, "content/sessions.md");
    assert_eq!(s(&sessions, "background"), "/assets/images/Limenitis reducta Staudinger,.jpg");
    assert!(
        s(&sessions, "imageLicense").starts_with("[*Limenitis reducta*](https://www.gbif.org/occurrence/2840552819)")
    );
    assert_eq!(sessions["toc"].as_bool(), Some(true));
    assert!(body.contains("([the organising team](/about/team/#organisers))"), "{body}");

    // `defaults` written out, explicit where folio's URL would differ.
    let (registration, _) = page(root, "content/registration.md");
    assert_eq!(s(&registration, "permalink"), "/registration/");
    assert_eq!(s(&registration, "layout"), "page", "from `defaults`");
    let (team, _) = page(root, "content/about/team.md");
    assert_eq!(s(&team, "layout"), "documentation", "the page's own layout wins over `defaults`");
    assert_eq!(s(&team, "sideNavigation"), "about");
    assert_eq!(s(&team, "klass"), "wide-page");
    assert!(team.get("permalink").is_none(), "folio derives /about/team/ itself");
    let (about, _) = page(root, "content/about/index.md");
    assert_eq!(s(&about, "layout"), "page");
    let (not_found, _) = page(root, "content/404.md");
    assert_eq!(s(&not_found, "permalink"), "/404.html");

    // The post: date, layout and URL written out; its keys kept.
    let (post, body) = page(root, "content/posts/2021-06-01-welcome.md");
    assert_eq!(s(&post, "date"), "2021-06-01");
    assert_eq!(s(&post, "layout"), "post");
    assert_eq!(s(&post, "preTitle"), "News");
    assert_eq!(s(&post, "permalink"), "/news/2021/06/01/welcome/");
    assert_eq!(post["categories"][0].as_str(), Some("news"));
    assert!(body.contains("[register](/registration/)"), "link tag: {body}");

    // The HTML page: one raw HTML block, no blank line to end it early.
    let (contact, body) = page(root, "content/contact.md");
    assert_eq!(s(&contact, "layout"), "page");
    assert!(body.starts_with("<section class=\"contact\">\n"), "{body}");
    assert!(!body.contains("\n\n"), "{body}");
    assert!(body.contains("<a href=\"/about/team/\">organising team</a>"), "{body}");

    // Data and files.
    assert_eq!(read(root, "data/navigation.yml"), fs::read_to_string(fixture().join("_data/navigation.yml")).unwrap());
    let regions: Value = serde_yaml::from_str(&read(root, "data/regions.yml")).unwrap();
    assert_eq!(regions["regions"][2]["name"].as_str(), Some("Europe and Central Asia"));
    assert_eq!(regions["regions"][2]["nodes"].as_u64(), Some(31));
    for (_, rel) in FILE_URLS.iter().filter(|(_, rel)| rel.starts_with("assets/")) {
        assert_eq!(fs::read(root.join(rel)).unwrap(), fs::read(fixture().join(rel)).unwrap(), "{rel}");
    }

    // folio builds it, and every page is where Jekyll had it.
    let built = folio(root, &["build"]);
    assert!(built.status.success(), "build failed:\n{}", stderr(&built));
    assert!(stdout(&built).contains(", 0 warnings"), "Liquid is evaluated: {}{}", stdout(&built), stderr(&built));
    let public = root.join("public");
    for (source, url, file) in PAGE_URLS {
        assert!(public.join(file).is_file(), "{source}: nothing at {url} ({file})");
    }
    for (url, file) in FILE_URLS {
        assert!(public.join(file).is_file(), "nothing at {url}");
    }
    // The theme's search page is folio's, not the Jekyll site's.
    let mut html_pages: Vec<String> =
        files_under(&public).into_iter().filter(|p| p.ends_with(".html") && p != "search/index.html").collect();
    html_pages.sort();
    let mut expected: Vec<String> = PAGE_URLS.iter().map(|(_, _, f)| f.to_string()).collect();
    expected.sort();
    assert_eq!(html_pages, expected, "exactly the pages of the Jekyll site");

    // And they look like the Jekyll pages did.
    let html = |rel: &str| Html::parse_document(&fs::read_to_string(public.join(rel)).unwrap());
    let home = html("index.html");
    assert_eq!(text(&select(&home, "p.notification.is-info")[0]), "Registration is open until 16 June. Register now.");
    assert_eq!(attr(&select(&home, ".prose a.video-link")[0], "href"), "https://vimeo.com/566560669");
    // `{% if site.show_agenda %}`: not set, so not shown, as in Jekyll.
    assert!(!text(&select(&home, ".prose")[0]).contains("agenda"), "{}", text(&select(&home, ".prose")[0]));
    let dropdown: Vec<String> = select(&home, ".site-nav__group a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(dropdown, ["/about/", "/about/team/"], "the menu comes from _data/navigation.yml");
    // The hero is the imported picture, resized (the original is published too: FILE_URLS).
    let sessions = html("sessions/index.html");
    let hero = attr(&select(&sessions, ".hero__image")[0], "src");
    assert!(hero.starts_with("/assets/images/limenitis-reducta-staudinger-"), "hero image: {hero}");
    assert!(public.join(hero.trim_start_matches('/')).is_file(), "{hero}");
    let contact = html("contact/index.html");
    assert_eq!(select(&contact, ".prose section.contact > p").len(), 2, "raw HTML passes through");
    let team = html("about/team/index.html");
    let current: Vec<String> = select(&team, ".side-nav a[aria-current=page]").iter().map(text).collect();
    assert_eq!(current, ["Organising team"]);
    let post = html("news/2021/06/01/welcome/index.html");
    assert_eq!(text(&select(&post, "h1")[0]), "Welcome to the meeting site");
}

#[test]
fn the_report_lists_urls_rewrites_and_what_is_not_carried_over() {
    let dir = tempfile::tempdir().unwrap();
    let report = import_into(dir.path());
    let import = &report.import;

    let urls: Vec<(&str, &str)> = import.pages.iter().map(|p| (p.source.as_str(), p.url.as_str())).collect();
    for (source, url, _) in PAGE_URLS {
        assert!(urls.contains(&(source, url)), "{source} -> {url} in {urls:?}");
    }
    assert!(import.pages.iter().all(|p| p.url_kept));
    assert_eq!(import.count(PageKind::Html), 2);
    assert_eq!(import.count(PageKind::Post), 1);
    assert_eq!(import.page("registration.md").unwrap().permalink, PermalinkAction::Rewritten("/registration".into()));
    assert_eq!(import.page("404.html").unwrap().permalink, PermalinkAction::Kept);
    assert_eq!(import.page("_posts/2021-06-01-welcome.md").unwrap().permalink, PermalinkAction::Added);
    assert_eq!(import.page("index.md").unwrap().target, "content/_index.md");
    assert_eq!(import.page("about/index.md").unwrap().target, "content/about/index.md");
    let press = import.files.iter().find(|f| f.source == "Press Kit/gbif-mark.svg").unwrap();
    assert_eq!((press.url.as_str(), press.url_kept), ("/press-kit/gbif-mark.svg", false));

    // Every item not carried over has its file (and line where there is one).
    let items: Vec<(String, usize, String)> = import
        .not_carried_over
        .items
        .iter()
        .map(|d| {
            let l = d.location.as_deref().expect("every item has a place");
            (l.file.to_string_lossy().into_owned(), l.line, d.message.clone())
        })
        .collect();
    let has = |file: &str, line: usize, words: &str| {
        assert!(
            items.iter().any(|(f, l, m)| f == file && *l == line && m.contains(words)),
            "no `{words}` at {file}:{line} in {items:#?}"
        )
    };
    has("_config.yml", 16, "`theme` `jekyll-theme-gbif-hosted-portal`");
    has("_config.yml", 17, "`plugins` (jekyll-feed, jekyll-seo-tag, jekyll-sitemap)");
    has("_config.yml", 22, "`exclude`");
    has("_layouts/", 0, "Jekyll layouts (3 files)");
    has("_sass/", 0, "Sass partials");
    has("assets/css/style.scss", 0, "Sass stylesheet");
    has("Press Kit/gbif-mark.svg", 0, "/press-kit/gbif-mark.svg instead of /Press Kit/gbif-mark.svg");
    assert!(!items.iter().any(|(_, _, m)| m.contains("Liquid")), "folio evaluates Liquid: {items:#?}");
    assert_eq!(items.len(), 10, "{items:#?}");
    assert_eq!(import.skipped.len(), 1, "README.md, excluded");

    let rewrite = import.rewrites.iter().find(|r| r.file == Path::new("sessions.md") && r.line == 17).unwrap();
    assert_eq!(rewrite.from, "{{ site.baseurl }}/about/team/#organisers");
    assert_eq!(rewrite.to, "/about/team/#organisers");
    assert_eq!(import.rewrites.len(), 13);

    let human = report.human();
    for line in [
        "  _config.yml:17:1: `plugins` (jekyll-feed, jekyll-seo-tag, jekyll-sitemap) is not carried over: folio does not run Jekyll plugins",
        "  _layouts/: Jekyll layouts (3 files) are not carried over",
        "  index.md:23:24: {% post_url 2021-06-01-welcome %} -> /news/2021/06/01/welcome/",
        "  /registration/",
        "registration.md -> content/registration.md  (permalink rewritten from /registration)",
        "Press Kit/gbif-mark.svg -> content/Press Kit/gbif-mark.svg  URL CHANGED, was /Press Kit/gbif-mark.svg",
        "  _data/regions.json -> data/regions.yml (JSON converted to YAML)",
        "  README.md: excluded by `exclude` in _config.yml",
    ] {
        assert!(human.contains(line), "missing `{line}` in:\n{human}");
    }
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["import"]["pages"].as_array().unwrap().len(), 8);
}

/// Imports `site` into a fresh folder; must fail, writing nothing.
fn fails(site: &Path) -> String {
    let root = tempfile::tempdir().unwrap();
    let out = folio(root.path(), &["import", "jekyll", site.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "should fail:\n{}", stdout(&out));
    assert!(snapshot(root.path()).is_empty(), "nothing is written");
    let err = stderr(&out);
    assert!(err.contains("Import failed") && err.contains("nothing was written"), "{err}");
    err
}

#[test]
fn a_folder_without_config_is_refused_with_the_folder_that_has_one() {
    let site = jekyll_site(&[
        ("README.md", "# Site\n"),
        ("docs/_config.yml", "title: Docs\n"),
        ("docs/index.md", "---\n---\nHi\n"),
    ]);
    let err = fails(site.path());
    assert!(err.contains("is not a Jekyll site: it has no _config.yml"), "{err}");
    assert!(err.contains(&format!("did you mean {}?", site.path().join("docs").display())), "{err}");

    let err = fails(&site.path().join("missing"));
    assert!(err.contains("it does not exist"), "{err}");
}

#[test]
fn invalid_config_yaml_is_an_error_and_invalid_front_matter_a_warning() {
    let site =
        jekyll_site(&[("_config.yml", "title: Meeting\nplugins: [jekyll-feed\nurl: x\n"), ("index.md", "---\n---\n")]);
    let err = fails(site.path());
    assert!(err.contains("invalid YAML in _config.yml"), "{err}");
    assert!(err.contains(&format!("{}:", site.path().join("_config.yml").display())), "{err}");

    // Jekyll warned and published such a page without its front matter.
    let site = jekyll_site(&[
        ("_config.yml", "title: Meeting\n"),
        ("index.md", "---\ntitle: Home\n---\n"),
        ("about.md", "---\ntitle: About\ncta: [a\nlayout: page\n---\nText about us\n"),
    ]);
    let root = tempfile::tempdir().unwrap();
    let out = folio(root.path(), &["import", "jekyll", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("about.md:4:7: invalid YAML in front matter"), "{report}");
    assert!(report.contains("the page is imported without its front matter"), "{report}");
    let text = read(root.path(), "content/about.md");
    assert!(text.contains("# cta: [a\n"), "kept as a comment: {text}");
    assert!(text.ends_with("---\nText about us\n"), "{text}");
    assert!(folio(root.path(), &["build"]).status.success());
}

#[test]
fn two_pages_on_one_url_resolve_as_jekyll_wrote_them() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Meeting\npermalink: pretty\n"),
        ("index.md", "---\ntitle: Home\n---\n[About](/about/), [team](/team/)\n"),
        ("about.md", "---\ntitle: About\n---\nThe first about\n"),
        ("about/index.md", "---\ntitle: About too\n---\nThe second about\n"),
        ("team.md", "---\ntitle: Team\n---\nOur team\n"),
        ("people.html", "---\npermalink: /team/\n---\n<p>People</p>\n"),
    ]);
    let root = tempfile::tempdir().unwrap();
    let out = folio(root.path(), &["import", "jekyll", site.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let report = stdout(&out);
    // Jekyll writes pages in the order of their file names: the last wins.
    assert!(
        report.contains("about.md: not imported: about.md and about/index.md are both published at /about/; about/index.md is kept, as Jekyll wrote it last"),
        "{report}"
    );
    assert!(
        report.contains(
            "people.html: not imported: people.html and team.md are both published at /team/; team.md is kept"
        ),
        "{report}"
    );
    assert!(!root.path().join("content/about.md").exists());
    let built = folio(root.path(), &["build"]);
    assert!(built.status.success(), "{}", stderr(&built));
    let about = Html::parse_document(&fs::read_to_string(root.path().join("public/about/index.html")).unwrap());
    assert_eq!(text(&select(&about, "main p")[0]), "The second about");
    let team = Html::parse_document(&fs::read_to_string(root.path().join("public/team/index.html")).unwrap());
    assert_eq!(text(&select(&team, "main p")[0]), "Our team");
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    import_into(root);
    fs::write(root.join("content/sessions.md"), "edited by hand\n").unwrap();
    fs::write(root.join("content/notes.md"), "---\ntitle: Notes\n---\n").unwrap();
    let before = snapshot(root);

    let out = folio(root, &["import", "jekyll", fixture().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/sessions.md already exists in ."), "{err}");
    assert!(err.contains("site.yaml already exists in ."), "{err}");
    assert!(err.contains("run again with --force"), "{err}");
    assert!(err.contains("Import failed: 18 errors, 0 warnings; nothing was written"), "{err}");
    assert_eq!(snapshot(root), before, "nothing changed");

    let out = folio(root, &["import", "jekyll", fixture().to_str().unwrap(), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Wrote 18 files into . (18 overwritten with --force)"), "{}", stdout(&out));
    assert!(read(root, "content/sessions.md").starts_with("---\ntitle: Sessions\n"));
    assert!(root.join("content/notes.md").is_file(), "files the import does not write are left alone");
}

#[test]
fn into_names_another_folder_than_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let out = folio(dir.path(), &["import", "jekyll", fixture().to_str().unwrap(), "--into", "new-site"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("new-site/site.yaml").is_file());
    assert!(dir.path().join("new-site/content/_index.md").is_file());
    assert!(!dir.path().join("site.yaml").exists());

    // The Jekyll folder itself is never the target.
    let out = folio(&fixture(), &["import", "jekyll", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("into itself"), "{}", stderr(&out));
}

#[test]
fn jekyll_default_permalinks_a_base_url_and_front_matter_quirks() {
    let site = jekyll_site(&[
        (
            "_config.yml",
            "title: Quirks\nurl: https://example.org\nbaseurl: /2021\ndefaults:\n  - scope:\n      path: docs\n    values:\n      layout: documentation\n      sideNavigation: docs\ncollections:\n  sessions:\n    output: true\nexclude: [notes]\n",
        ),
        (
            "index.md",
            "---\nlayout: default\ntitle: Home\n---\nSee [about]({{ site.baseurl }}/about.html) and <a href=\"{{ site.baseurl }}/docs/guide.html\">the guide</a>.\n",
        ),
        ("about.md", "---\ntitle: About\nredirect_from:\n  - /about-us/\n---\n* TOC\n{:toc}\n\n## Who\n\nUs.\n"),
        ("docs/guide.md", "---\ntitle: Guide\n---\nGuide.\n"),
        ("draft.md", "---\ntitle: Draft\npublished: false\n---\nNot yet.\n"),
        ("_posts/2020-1-5-Hello-World.md", "Hello.\n"),
        ("_sessions/a.md", "---\ntitle: A\n---\n"),
        ("notes/x.md", "---\ntitle: Notes\n---\n"),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let report = import_jekyll(&JekyllOptions::new(site.path(), root)).unwrap();
    let import = &report.import;
    let urls: Vec<(&str, &str)> = import.pages.iter().map(|p| (p.source.as_str(), p.url.as_str())).collect();
    assert_eq!(
        urls,
        [
            ("index.md", "/"),
            ("_posts/2020-1-5-Hello-World.md", "/2020/01/05/Hello-World.html"),
            ("about.md", "/about.html"),
            ("docs/guide.md", "/docs/guide.html"),
            ("draft.md", "/draft.html"),
            ("_sessions/a.md", "/sessions/a.html"),
        ],
        "Jekyll's default style is `date`: pages end in .html, a collection's documents too"
    );

    let (index, body) = page(root, "content/_index.md");
    assert!(index.get("layout").is_none(), "the gbif theme has no `default` template");
    assert!(body.contains("[about](/about.html)"), "Markdown links get the base path from folio: {body}");
    assert!(body.contains("<a href=\"/2021/docs/guide.html\">"), "raw HTML keeps it: {body}");
    let (about, body) = page(root, "content/about.md");
    assert_eq!(s(&about, "permalink"), "/about.html");
    assert_eq!(about["toc"].as_bool(), Some(true), "kramdown's {{:toc}}");
    assert!(body.starts_with("\n## Who"), "{body}");
    assert!(about.get("redirect_from").is_none(), "jekyll-redirect-from's key becomes folio's");
    assert_eq!(about["aliases"][0].as_str(), Some("/about-us/"));
    let (guide, _) = page(root, "content/docs/guide.md");
    assert_eq!((s(&guide, "layout"), s(&guide, "sideNavigation")), ("documentation", "docs"));
    let (draft, _) = page(root, "content/draft.md");
    assert_eq!(draft["draft"].as_bool(), Some(true));
    assert!(draft.get("published").is_none());
    let (post, body) = page(root, "content/posts/2020-1-5-Hello-World.md");
    assert_eq!((s(&post, "title"), s(&post, "date")), ("Hello World", "2020-01-05"));
    assert_eq!(body, "Hello.\n");
    assert!(!root.join("content/notes").exists() && !root.join("content/_sessions").exists());
    assert!(root.join("content/sessions/a.md").is_file(), "a published collection's document is a page");

    let items: Vec<String> = import
        .not_carried_over
        .items
        .iter()
        .map(|d| {
            let l = d.location.as_deref().unwrap();
            format!("{}:{}: {}", l.file.display(), l.line, d.message)
        })
        .collect();
    let expected = "index.md:2: `layout: default` is not carried over";
    assert!(items.iter().any(|i| i.starts_with(expected)), "no `{expected}` in {items:#?}");
    assert!(!items.iter().any(|i| i.contains("redirect_from")), "redirect_from is carried over: {items:#?}");
    assert!(import.skipped.iter().any(|s| s.path == "notes/"), "{:?}", import.skipped);

    let built = folio(root, &["build"]);
    assert!(built.status.success(), "build failed:\n{}", stderr(&built));
    let public = root.join("public");
    for file in ["index.html", "about.html", "docs/guide.html", "2020/01/05/Hello-World.html"] {
        assert!(public.join(file).is_file(), "{file}");
    }
    assert!(!public.join("draft.html").exists(), "drafts are left out");
    let redirect = fs::read_to_string(public.join("about-us/index.html")).unwrap();
    assert!(redirect.contains("url=/2021/about.html"), "the old address sends on to the page: {redirect}");
    let home = fs::read_to_string(public.join("index.html")).unwrap();
    assert!(home.contains("href=\"/2021/about.html\"") && home.contains("href=\"/2021/docs/guide.html\""));
}
