//! Real GBIF Jekyll sites move over: the 2021 Global Nodes Meeting site
//! (read from ../shared/realsites, copied to a temporary folder) imports
//! and builds with zero errors, every page at its old URL; and small
//! Jekyll sites of our own, one per thing Jekyll tolerated or evaluated:
//! links without `.html`, two files on one URL, a key set twice, data
//! files it could not read, Liquid over data with includes, Liquid in
//! front matter, links that were already broken, two languages.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use scraper::Html;

use common::{attr, jekyll_site, select, stderr, stdout, text};
use common::{build_imported as build, folio_in as folio, import_jekyll_site as import, imported_html as html};

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
            let mut permissions = fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            permissions.set_readonly(false);
            fs::set_permissions(&target, permissions).unwrap();
        }
    }
}

/// The counts the import report ends with.
fn counts(report: &str) -> ((usize, usize), (usize, usize)) {
    let pair = |prefix: &str| {
        let line = report.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} in {report}"));
        let (a, b) = line[prefix.len()..].split_once(" of ").unwrap();
        (a.trim().parse().unwrap(), b.trim().parse().unwrap())
    };
    let lines: Vec<&str> = report.lines().collect();
    assert!(lines[lines.len() - 2].starts_with("Pages at their Jekyll URL: "), "the report ends with the counts");
    (pair("Pages at their Jekyll URL: "), pair("Words of their Markdown on the page: "))
}

#[test]
fn the_2021_meeting_site_imports_and_builds_with_every_url_and_anchor() {
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realsites/globalnodes-2021");
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&real, copy.path());
    let (root, report) = import(copy.path());
    let ((pages_found, pages), (words_found, words)) = counts(&report);
    assert_eq!((pages_found, pages), (19, 19), "{report}");
    assert_eq!(words_found, words, "{report}");
    assert!(words > 2000, "{report}");

    let (out, err) = build(root.path());
    assert!(out.contains("Built 18 pages"), "{out}");
    assert!(!err.contains("error"), "{err}");

    // The session pages and the schedule at the URLs Jekyll gave them.
    let public = root.path().join("site/public");
    let sessions: Vec<String> = fs::read_dir(copy.path().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().replace(".md", ".html"))
        .collect();
    assert_eq!(sessions.len(), 13);
    for file in &sessions {
        assert!(public.join("sessions").join(file).is_file(), "/sessions/{file}");
    }
    let icebreaker = html(root.path(), "sessions/monday-icebreaker.html");
    assert!(text(&select(&icebreaker, "h1")[0]).contains("Icebreaker"), "{}", text(&select(&icebreaker, "h1")[0]));
    assert!(public.join("schedule.html").is_file());

    // Every internal link of every page resolves the way the old host
    // answered it (`/schedule`, `sessions/monday-icebreaker`), anchors too,
    // except those the old site already had broken, which are listed.
    let site_yaml = fs::read_to_string(root.path().join("site/site.yaml")).unwrap();
    assert!(site_yaml.contains("implicit_html: true"), "{site_yaml}");
    let listed = fs::read_to_string(root.path().join("site/known-broken-links.yml")).unwrap();
    let listed: Vec<serde_yaml::Value> = serde_yaml::from_str(&listed).unwrap();
    let broken: BTreeSet<String> = listed.iter().map(|e| e["link"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        broken,
        BTreeSet::from([
            "/sessions#gbiforg-functionality--nodes-vs-helpdesk".to_string(),
            "/sessions#regional-nodes-sessions".to_string(),
        ]),
        "the anchors sessions.md lost when its parts moved to pages of their own"
    );
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut links: Vec<(String, String)> = Vec::new();
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = entry.path().strip_prefix(&public).unwrap().to_string_lossy().replace('\\', "/");
        let page = Html::parse_document(&fs::read_to_string(entry.path()).unwrap());
        ids.insert(rel.clone(), select(&page, "[id]").iter().map(|e| attr(e, "id")).collect());
        for a in select(&page, "main a[href]") {
            links.push((rel.clone(), attr(&a, "href")));
        }
    }
    let resolve = |from: &str, href: &str| -> Option<String> {
        let path = href.split(['#', '?']).next().unwrap();
        let base = format!("/{}", &from[..from.rfind('/').map_or(0, |i| i + 1)]);
        let full = if path.starts_with('/') { path.to_string() } else { format!("{base}{path}") };
        let full = percent_encoding::percent_decode_str(&full).decode_utf8().unwrap().to_string();
        let trimmed = full.trim_start_matches('/').trim_end_matches('/');
        let candidates = [
            trimmed.to_string(),
            format!("{trimmed}/index.html").trim_start_matches('/').to_string(),
            format!("{trimmed}.html"),
        ];
        candidates.into_iter().find(|c| public.join(c).is_file() && (c.contains('.') || c.is_empty()))
    };
    let mut checked = 0;
    for (from, href) in &links {
        if href.contains("://") || href.starts_with("mailto:") || href.is_empty() {
            continue;
        }
        let target = if href.starts_with('#') { Some(from.clone()) } else { resolve(from, href) };
        let target = target.unwrap_or_else(|| panic!("{from}: `{href}` leads nowhere"));
        if let Some(anchor) = href.split_once('#').map(|(_, a)| a).filter(|a| !a.is_empty()) {
            if !broken.contains(href.as_str()) {
                assert!(ids[&target].contains(anchor), "{from}: `{href}`: {target} has no id {anchor}");
            }
        }
        checked += 1;
    }
    assert!(checked > 60, "{checked} links checked");
    let regional = html(root.path(), "sessions/wednesday-regional.html");
    let hrefs: Vec<String> = select(&regional, "main a").iter().map(|a| attr(a, "href")).collect();
    assert!(hrefs.contains(&"/sessions#regional-nodes-sessions".to_string()), "the old link is kept: {hrefs:?}");

    // `folio check` lists what was already broken, as warnings.
    let out = folio(&root.path().join("site"), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let shown = format!("{}{}", stdout(&out), stderr(&out));
    assert!(shown.contains("already broken when the site was imported"), "{shown}");
}

#[test]
fn links_without_html_resolve_as_the_host_answered_them() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Meeting\n"),
        ("index.md", "---\ntitle: Home\n---\nSee the [schedule](/schedule), [sessions](/sessions/), [a part](/sessions#regional-nodes-sessions) and [Monday](sessions/monday).\n"),
        ("schedule.md", "---\ntitle: Schedule\n---\nThe [regional sessions](/sessions.html#regional-nodes-sessions).\n"),
        ("sessions.md", "---\ntitle: Sessions\n---\n## Regional nodes sessions\n\nText.\n"),
        ("sessions/monday.md", "---\ntitle: Monday\n---\nBack to [all sessions](/sessions).\n"),
        ("_data/navigation.yml", "- title: Sessions\n  url: /sessions\n"),
    ]);
    let (root, report) = import(site.path());
    assert!(!report.contains("Already broken"), "{report}");
    build(root.path());
    let home = html(root.path(), "index.html");
    let hrefs: Vec<String> = select(&home, ".prose a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(hrefs, ["/schedule", "/sessions/", "/sessions#regional-nodes-sessions", "sessions/monday"]);
    assert!(root.path().join("site/public/sessions.html").is_file());

    // Without the setting, the same links are errors.
    let yaml = root.path().join("site/site.yaml");
    fs::write(&yaml, fs::read_to_string(&yaml).unwrap().replace("implicit_html: true\n", "")).unwrap();
    let out = folio(&root.path().join("site"), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("broken link `/schedule`: nothing in the site is at /schedule"), "{err}");
    assert!(err.contains("menu entry `Sessions` links to /sessions"), "{err}");
}

#[test]
fn a_key_set_twice_keeps_its_last_value() {
    let site = jekyll_site(&[
        ("_config.yml", "title: First\nemail: a@example.org\ntitle: Kept title\nprivacy:\n  mail: a\n  mail: b\n"),
        (
            "index.md",
            "---\ntitle: Home\nheight: 50vh\nbackground: /assets/a.jpg\nheight: 70vh # the last\n---\nHello.\n",
        ),
        ("_data/team.yml", "lead: Ana\nlead: Bo\n"),
        ("assets/a.jpg", "jpg"),
    ]);
    let (root, report) = import(site.path());
    assert!(
        report.contains("_config.yml:1:1: `title` is set twice: the last value is kept, as Jekyll kept it"),
        "{report}"
    );
    assert!(report.contains("_config.yml:4:1: `privacy.mail` is set twice"), "{report}");
    assert!(report.contains("index.md:3:1: `height` is set twice in the front matter"), "{report}");
    assert!(report.contains("_data/team.yml:1:1: `lead` is set twice"), "{report}");
    let site_yaml = fs::read_to_string(root.path().join("site/site.yaml")).unwrap();
    assert!(site_yaml.contains("title: Kept title"), "{site_yaml}");
    let page = fs::read_to_string(root.path().join("site/content/_index.md")).unwrap();
    assert!(page.contains("height: 70vh # the last\n") && !page.contains("50vh"), "{page}");
    let team = fs::read_to_string(root.path().join("site/data/team.yml")).unwrap();
    assert!(team.contains("lead: Bo") && !team.contains("Ana"), "{team}");
    build(root.path());
    let home = fs::read_to_string(root.path().join("site/public/index.html")).unwrap();
    assert!(home.contains("70vh"), "the kept height is the one shown");
}

#[test]
fn data_files_jekyll_could_not_read_are_skipped_with_a_warning() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Data\n"),
        ("index.md", "---\ntitle: Home\n---\n{% for r in site.data.regions %}{{ r.name }} {% endfor %}\n"),
        ("_data/regions.json", "[{\"name\": \"Africa\"}, {\"name\": \"Asia\"}]"),
        ("_data/map.json", "var map = {\"not\": \"json\"};\n"),
        ("_data/broken.yml", "a: [1, 2\nb: 3\n"),
        ("_data/two.yml", "first: 1\n---\nsecond: 2\n"),
        ("_data/table.csv", "a,b\n1,2\n"),
    ]);
    let (root, report) = import(site.path());
    assert!(report.contains("_data/map.json:1:1: data file skipped: it is not valid JSON"), "{report}");
    assert!(report.contains("_data/broken.yml:"), "{report}");
    assert!(report.contains("data file skipped: invalid YAML"), "{report}");
    assert!(report.contains("_data/two.yml: only the first of its 2 YAML documents is kept"), "{report}");
    assert!(report.contains("_data/table.csv: data file skipped"), "{report}");
    assert!(!root.path().join("site/data/map.yml").exists());
    let two = fs::read_to_string(root.path().join("site/data/two.yml")).unwrap();
    assert!(two.contains("first: 1") && !two.contains("second"), "{two}");
    build(root.path());
    let home = html(root.path(), "index.html");
    assert_eq!(text(&select(&home, ".prose p")[0]), "Africa Asia");
}

#[test]
fn liquid_loops_over_data_with_includes_and_liquid_in_front_matter() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Gallery site\nbaseurl: /portal\n"),
        (
            "_data/gallery.yml",
            "- title: Moss\n  link: https://example.org/moss\n- title: Fern\n",
        ),
        ("_data/images.yml", "form:\n  src: /assets/form.jpg\n  caption: \"*Form* by GBIF\"\n"),
        (
            "_includes/card.html",
            "<div class=\"card\">\n\n    <p class=\"card-title\">{{ include.title }}</p>\n    {% if include.link %}\n    <a href=\"{{ include.link }}\">More</a>\n    {% endif %}\n\n</div>\n",
        ),
        (
            "gallery.md",
            "---\ntitle: Gallery\nbackground: \"{{ site.data.images.form.src }}\"\nimageLicense: \"{{ site.data.images.form.caption }}\"\n---\n\
             {% assign count = site.data.gallery | size %}\nWe have {{ count }} pictures on {{ site.title }}.\n\n\
             <div class=\"gallery\">\n  {% for item in site.data.gallery %}\n    {% include card.html title=item.title link=item.link %}\n  {% endfor %}\n</div>\n\n\
             {% capture last %}{{ site.data.gallery.last.title | upcase }}{% endcapture %}\nLast: {{ last }}, [home]({{ '/' | relative_url }}).\n\n\
             {% thumbor x.jpg %}\n\nMissing: [{{ page.nothing }}]\n",
        ),
        ("assets/form.jpg", "jpg"),
    ]);
    let (root, report) = import(site.path());
    assert!(report.contains("Includes: 1 copied from _includes/ to includes/"), "{report}");
    let (_, err) = build(root.path());
    // What folio cannot evaluate is a warning at its line, left out.
    assert!(err.contains("warning: Liquid tag `thumbor` is not something folio can evaluate"), "{err}");
    assert!(err.contains("--> content/gallery.md:19:1\n   |\n19 | {% thumbor x.jpg %}"), "{err}");
    let page = html(root.path(), "gallery.html");
    let prose = select(&page, ".prose")[0];
    assert_eq!(text(&select(&page, ".prose p")[0]), "We have 2 pictures on Gallery site.");
    let titles: Vec<String> = select(&page, ".gallery .card .card-title").iter().map(text).collect();
    assert_eq!(titles, ["Moss", "Fern"], "one card per data item, through the include");
    let more: Vec<String> = select(&page, ".gallery .card a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(more, ["https://example.org/moss"], "the `if` inside the include");
    assert!(text(&prose).contains("Last: FERN, home."), "{}", text(&prose));
    assert!(text(&prose).contains("Missing: []"), "an unset value prints nothing, as in Jekyll");
    let raw = fs::read_to_string(root.path().join("site/public/gallery.html")).unwrap();
    assert!(!raw.contains("{{") && !raw.contains("{%"), "nothing raw reaches the page");
    // Liquid in front matter: the hero's image and its caption.
    assert!(raw.contains("/portal/assets/form.jpg"), "background from site.data");
    assert_eq!(text(&select(&page, ".hero figcaption em, .hero em")[0]), "Form");
}

#[test]
fn links_broken_before_the_import_stay_warnings_and_new_breakage_is_an_error() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Old typos\n"),
        ("index.md", "---\ntitle: Home\n---\nMaps on [WKT map](wktmap.com), write to [us](helpdesk@gbif.org), see [about](/about).\n"),
        ("about.md", "---\ntitle: About\n---\n## Who we are\n\nUs.\n"),
    ]);
    let (root, report) = import(site.path());
    assert!(
        report.contains("Already broken on the Jekyll site: 2 links, listed in known-broken-links.yml"),
        "{report}"
    );
    assert!(report.contains("  content/_index.md: wktmap.com\n"), "{report}");
    assert!(report.contains("  content/_index.md: helpdesk@gbif.org\n"), "{report}");
    let (out, err) = build(root.path());
    assert!(out.contains("2 warnings"), "{out}");
    assert!(
        err.contains("broken link `wktmap.com`") && err.contains("(already broken when the site was imported)"),
        "{err}"
    );

    let out = folio(&root.path().join("site"), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let known: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "known-broken-link")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(known, ["content/_index.md", "content/_index.md"]);

    // An edit that breaks another link: an error, as always.
    let page = root.path().join("site/content/_index.md");
    let text = fs::read_to_string(&page).unwrap().replace("(/about)", "(/abuot)");
    fs::write(&page, text).unwrap();
    let out = folio(&root.path().join("site"), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error: broken link `/abuot`"), "{}", stderr(&out));
    assert!(stderr(&out).contains("Build failed: 1 error, 2 warnings"), "{}", stderr(&out));
}

#[test]
fn two_languages_keep_every_version_at_its_url() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Redbioma\npermalink: pretty\ndefaults:\n  - scope: {path: \"\"}\n    values: {lang: es}\n  - scope: {path: \"_posts/en\"}\n    values: {lang: en, permalink: \"/en/post/:year/:slug/\"}\n  - scope: {path: \"_posts/es\"}\n    values: {permalink: \"/post/:year/:slug/\"}\n"),
        ("index.md", "---\ntitle: Inicio\nlang-ref: home\n---\n{% for item in site.data.es.navigation %}[{{ item.title }}]({{ item.url }}) {% endfor %}\n"),
        ("en/index.md", "---\ntitle: Home\nlang: en\nlang-ref: home\n---\n{% for item in site.data.en.navigation %}[{{ item.title }}]({{ item.url }}) {% endfor %}\n"),
        ("_data/es/navigation.yml", "- title: Noticias\n  url: /post/2024/taller/\n"),
        ("_data/en/navigation.yml", "- title: News\n  url: /en/post/2024/taller/\n"),
        ("_data/languages.yml", "es:\n  label: Español\nen:\n  label: English\n"),
        ("_data/translations.yml", "tocTitle:\n  en: \"On this page\"\n  es: \"Contenido\"\nrelatedPosts:\n  es: Relacionados\n"),
        ("_posts/es/2024-05-01-taller.md", "---\ntitle: Taller de datos\nlang-ref: workshop\ntoc: true\n---\nUn taller sobre datos.\n\n## Detalles\n\nMás.\n"),
        ("_posts/en/2024-05-01-taller.md", "---\ntitle: Data workshop\nlang-ref: workshop\n---\nA workshop about data.\n"),
    ]);
    let (root, report) = import(site.path());
    assert_eq!(counts(&report).0, (4, 4), "{report}");
    build(root.path());
    let es = html(root.path(), "post/2024/taller/index.html");
    let en = html(root.path(), "en/post/2024/taller/index.html");
    assert_eq!(text(&select(&es, ".prose p")[0]), "Un taller sobre datos.");
    assert_eq!(text(&select(&en, ".prose p")[0]), "A workshop about data.");
    let written = fs::read_to_string(root.path().join("site/content/posts/en/2024-05-01-taller.md")).unwrap();
    assert!(written.contains("lang: en") && written.contains("lang-ref: workshop"), "{written}");
    let home_es = html(root.path(), "index.html");
    let home_en = html(root.path(), "en/index.html");
    assert_eq!(attr(&select(&home_es, ".prose a")[0], "href"), "/post/2024/taller/");
    assert_eq!(text(&select(&home_en, ".prose a")[0]), "News", "site.data per language");

    // Both languages in site.yaml, Spanish (the home page's) the default.
    let config = fs::read_to_string(root.path().join("site/site.yaml")).unwrap();
    assert!(
        config.contains("language: es\nlanguages:\n  es:\n    label: Español\n  en:\n    label: English\n"),
        "{config}"
    );
    // Each page's translations, by `lang-ref`, both ways; the menu of its language.
    let switch = |html: &Html| -> Vec<(String, String)> {
        select(html, ".language-switcher li")
            .iter()
            .map(|li| {
                (
                    text(li),
                    li.select(&scraper::Selector::parse("a").unwrap())
                        .next()
                        .map(|a| attr(&a, "href"))
                        .unwrap_or_default(),
                )
            })
            .collect()
    };
    assert_eq!(switch(&home_en), [("Español".to_string(), "/".to_string()), ("English".to_string(), String::new())]);
    assert_eq!(switch(&home_es)[1], ("English".to_string(), "/en/".to_string()));
    assert_eq!(switch(&en)[0], ("Español".to_string(), "/post/2024/taller/".to_string()));
    assert_eq!(switch(&es)[1], ("English".to_string(), "/en/post/2024/taller/".to_string()));
    assert_eq!(attr(&select(&en, "html")[0], "lang"), "en");
    // The hosted-portal theme's words the gbif theme shows too.
    let strings = fs::read_to_string(root.path().join("site/i18n/es.yaml")).unwrap();
    assert!(strings.contains("on_this_page: Contenido\n") && !strings.contains("Relacionados"), "{strings}");
    assert_eq!(text(&select(&es, ".toc__title")[0]), "Contenido");
    let menu = |html: &Html| select(html, ".site-nav a").iter().map(text).collect::<Vec<_>>();
    assert_eq!((menu(&en), menu(&es)), (vec!["News".to_string()], vec!["Noticias".to_string()]));
}

#[test]
fn bad_input_gets_a_message_and_nothing_half_written() {
    // Not a Jekyll site.
    let plain = jekyll_site(&[("notes.txt", "hello\n")]);
    let root = tempfile::tempdir().unwrap();
    let out = folio(root.path(), &["import", "jekyll", plain.path().to_str().unwrap(), "--into", "site"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a Jekyll site: it has no _config.yml"), "{}", stderr(&out));
    assert!(!root.path().join("site").exists());

    // A binary file with a Markdown name: reported, not imported.
    let site = jekyll_site(&[("_config.yml", "title: Binary\n"), ("index.md", "---\ntitle: Home\n---\nHi.\n")]);
    fs::write(site.path().join("scan.md"), b"---\n\xff\xfe\x00binary\x00\n---\n").unwrap();
    let (root, report) = import(site.path());
    assert!(report.contains("scan.md: not imported: it is not UTF-8 text"), "{report}");
    assert!(!root.path().join("site/content/scan.md").exists());
    build(root.path());

    // An --into folder that holds an authored site: nothing overwritten.
    let authored = root.path().join("site/content/_index.md");
    fs::write(&authored, "---\ntitle: Edited by hand\n---\n").unwrap();
    let out = folio(root.path(), &["import", "jekyll", site.path().to_str().unwrap(), "--into", "site"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("content/_index.md already exists in site"), "{err}");
    assert!(err.contains("run again with --force"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(fs::read_to_string(&authored).unwrap(), "---\ntitle: Edited by hand\n---\n");
}

/// The `.md` file under `content/` of `root/site` whose front matter has
/// `title: <title>`: (its path from the site's folder, its text).
fn imported_page(root: &Path, title: &str) -> (String, String) {
    let site = root.join("site");
    walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| (p.strip_prefix(&site).unwrap().to_string_lossy().replace('\\', "/"), fs::read_to_string(&p).unwrap()))
        .find(|(_, text)| text.lines().any(|l| l == format!("title: {title}")))
        .unwrap_or_else(|| panic!("no imported page has the title {title}"))
}

/// The `src` of the hero image of the published page titled `title`.
fn hero_src(public: &Path, title: &str) -> String {
    for entry in walkdir::WalkDir::new(public) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = Html::parse_document(&fs::read_to_string(&path).unwrap());
        if select(&html, ".hero__title").first().is_some_and(|h| text(h) == title) {
            let img = select(&html, ".hero img");
            assert!(!img.is_empty(), "{} has a hero image", path.display());
            return attr(&img[0], "src");
        }
    }
    panic!("no published page has the hero title {title}");
}

#[test]
fn hero_and_card_images_read_from_the_root_as_jekyll_did_and_missing_ones_stay_warnings() {
    let site = jekyll_site(&[
        ("_config.yml", "title: Heroes\npermalink: pretty\n"),
        ("_posts/2025-08-20-sound.md", "---\ntitle: Sound\nbackground: assets/images/hero.png\n---\nListening.\n"),
        ("about/team.md", "---\ntitle: Team\nbackground: assets/images/Our%20team.png\n---\nUs.\n"),
        ("gone.md", "---\ntitle: Gone\nimage: assets/images/gone.jpg\n---\nA lost image.\n"),
        ("course.md", "---\ntitle: Course\nbackground: Basic R knowledge required\n---\nA course.\n"),
    ]);
    let png = "tests/fixtures/jekyll-site/assets/images/gbif-logo.png";
    fs::create_dir_all(site.path().join("assets/images")).unwrap();
    fs::copy(png, site.path().join("assets/images/hero.png")).unwrap();
    fs::copy(png, site.path().join("assets/images/Our team.png")).unwrap();
    let (root, report) = import(site.path());

    // The hosted-portal theme read `background` through `absolute_url`:
    // from the site's root, wherever the page is.
    let (sound_file, sound) = imported_page(root.path(), "Sound");
    assert!(sound.contains("background: /assets/images/hero.png\n"), "{sound}");
    let (_, team) = imported_page(root.path(), "Team");
    assert!(team.contains("background: /assets/images/Our%20team.png\n"), "{team}");
    // Not a file of the site: left as written, for the site's own layouts.
    let (course_file, course) = imported_page(root.path(), "Course");
    assert!(course.contains("background: Basic R knowledge required\n"), "{course}");
    let (gone_file, gone) = imported_page(root.path(), "Gone");
    assert!(gone.contains("image: assets/images/gone.jpg\n"), "{gone}");

    // What was already broken is listed, card images included, so the
    // first build succeeds.
    assert!(report.contains(&format!("  {gone_file}: assets/images/gone.jpg\n")), "{report}");
    assert!(report.contains(&format!("  {course_file}: Basic R knowledge required\n")), "{report}");
    let (_, err) = build(root.path());
    assert!(
        err.contains("`image` names `assets/images/gone.jpg`, which the site does not publish")
            && err.contains("(already broken when the site was imported)"),
        "{err}"
    );
    assert!(!err.contains("`background` names `/assets"), "rooted heroes resolve: {err}");

    // Each hero shows a file the site published (`%20` is a space).
    let public = root.path().join("site/public");
    for title in ["Sound", "Team"] {
        let src = hero_src(&public, title);
        let file = percent_encoding::percent_decode_str(src.trim_start_matches('/')).decode_utf8().unwrap();
        assert!(public.join(file.as_ref()).is_file(), "{title}: hero {src} is published");
    }

    // An edit that breaks a hero that worked: an error, as always.
    let sound_path = root.path().join("site").join(&sound_file);
    fs::write(&sound_path, sound.replace("/assets/images/hero.png", "/assets/images/hreo.png")).unwrap();
    let out = folio(&root.path().join("site"), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error: `background` names `/assets/images/hreo.png`, which the site does not publish"),
        "{}",
        stderr(&out)
    );
}
