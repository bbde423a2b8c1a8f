//! One site in several languages: the fixture site `multilingual-site`
//! (English, Spanish, French and Arabic) and the bundled GBIF site's
//! Spanish pages, checked on the HTML folio writes.

mod common;

use std::path::Path;

use common::{attr, select, spaced_text, stderr, stdout, text, Site};

/// A copy of `tests/fixtures/multilingual-site`, with `extra` files written over it.
fn multilingual(extra: &[(&str, &str)]) -> Site {
    let site = Site::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multilingual-site");
    for entry in walkdir::WalkDir::new(&fixture).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&fixture).unwrap().to_string_lossy().into_owned();
            site.write(&rel, &std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    for (rel, text) in extra {
        site.write(rel, text);
    }
    site
}

/// Templates that show what the theme's own do not: a page's backlinks and
/// a data file, in the page's language.
const NODE_TEMPLATE: (&str, &str) = (
    "templates/node.html",
    r#"{% extends "base.html" %}{% block content %}
<h2 class="referred">{{ t.referred_to_by }}</h2><ul class="backlinks">{% for b in page.backlinks %}<li><a href="{{ b.url }}">{{ b.title }}</a></li>{% endfor %}</ul>
<p class="contact">{{ site.data.contact.label }} {{ site.data.contact.email }}</p>
<div class="prose">{{ page.content | safe }}</div>{% endblock content %}"#,
);

fn switcher(html: &scraper::Html) -> Vec<(String, String, String)> {
    select(html, ".language-switcher li")
        .iter()
        .map(|li| {
            let link = select_in(li, "a");
            let href = link.first().map(|a| attr(a, "href")).unwrap_or_default();
            let current = select_in(li, "[aria-current]").first().map(text).unwrap_or_default();
            (text(li), href, current)
        })
        .collect()
}

fn select_in<'a>(el: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    el.select(&scraper::Selector::parse(css).unwrap()).collect()
}

fn alternates(html: &scraper::Html) -> Vec<(String, String)> {
    select(html, r#"link[rel="alternate"][hreflang]"#).iter().map(|l| (attr(l, "hreflang"), attr(l, "href"))).collect()
}

#[test]
fn each_language_at_its_url_with_alternates_and_a_switcher() {
    let site = multilingual(&[]);
    site.build(&[]);
    let es = site.html("es/nodes/gbif-cas/index.html");
    let html = select(&es, "html");
    assert_eq!((attr(&html[0], "lang"), attr(&html[0], "dir")), ("es".into(), "ltr".into()));
    assert_eq!(text(&select(&es, "h1")[0]), "Nodo GBIF-CAS");
    assert_eq!(
        alternates(&es),
        [
            ("en".into(), "https://nodes.example.org/nodes/gbif-cas/".into()),
            ("es".into(), "https://nodes.example.org/es/nodes/gbif-cas/".into()),
            ("ar".into(), "https://nodes.example.org/ar/nodes/gbif-cas/".into()),
            ("x-default".into(), "https://nodes.example.org/nodes/gbif-cas/".into()),
        ]
    );
    // The switcher: the page in each language, or that language's home,
    // saying so in that language.
    assert_eq!(
        switcher(&es),
        [
            ("English".into(), "/nodes/gbif-cas/".into(), String::new()),
            ("Español".into(), String::new(), "Español".into()),
            ("Français Page d’accueil : cette page n’est pas traduite".into(), "/fr/".into(), String::new()),
            ("العربية".into(), "/ar/nodes/gbif-cas/".into(), String::new()),
        ]
    );
    let french = select(&es, r#".language-switcher a[hreflang="fr"]"#);
    assert_eq!(attr(&french[0], "lang"), "fr");
    assert_eq!(attr(&select(&es, ".language-switcher summary")[0], "aria-label"), "Idioma: Español");

    // Both ways: the English page leads to the Spanish one.
    let en = site.html("nodes/gbif-cas/index.html");
    assert_eq!(switcher(&en)[1], ("Español".into(), "/es/nodes/gbif-cas/".into(), String::new()));
    assert_eq!(attr(&select(&en, "html")[0], "lang"), "en");

    // Right to left.
    let ar = site.html("ar/nodes/gbif-cas/index.html");
    let html = select(&ar, "html");
    assert_eq!((attr(&html[0], "lang"), attr(&html[0], "dir")), ("ar".into(), "rtl".into()));

    // A page with no translation names no alternates; its switcher leads home.
    let france = site.html("nodes/gbif-france/index.html");
    assert!(alternates(&france).is_empty());
    assert_eq!(switcher(&france)[1].1, "/es/");
    assert_eq!(switcher(&france)[1].0, "Español Página de inicio: esta página no está traducida");
}

#[test]
fn lang_ref_ties_pages_of_any_name_together() {
    let site = multilingual(&[]);
    site.build(&[]);
    let about = site.html("about/index.html");
    assert_eq!(switcher(&about)[1].1, "/es/acerca/");
    let acerca = site.html("es/acerca/index.html");
    assert_eq!(attr(&select(&acerca, "html")[0], "lang"), "es");
    assert_eq!(switcher(&acerca)[0].1, "/about/");
    assert_eq!(alternates(&acerca).iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["en", "es", "x-default"]);
}

#[test]
fn listings_programmes_and_neighbours_stay_in_their_language() {
    let site = multilingual(&[]);
    site.build(&[]);
    let nodes_es = site.html("es/nodes/index.html");
    let listed: Vec<String> = select(&nodes_es, ".node-list a").iter().map(text).collect();
    assert_eq!(listed, ["Nodo GBIF-CAS"]);
    let nodes_en = site.html("nodes/index.html");
    let listed: Vec<String> = select(&nodes_en, ".node-list a").iter().map(text).collect();
    assert_eq!(listed, ["GBIF-CAS Node", "GBIF France"]);

    // The meeting's programme, in Spanish: Spanish sessions only, Spanish dates.
    let meeting = site.html("es/meetings/2021/index.html");
    let sessions: Vec<String> = select(&meeting, ".schedule-item__title").iter().map(text).collect();
    assert_eq!(sessions, ["Apertura", "Sesión regional"]);
    let days: Vec<String> = select(&meeting, ".schedule-day h3").iter().map(text).collect();
    assert_eq!(days, ["lunes, 28 de junio de 2021", "martes, 29 de junio de 2021"]);
    assert_eq!(text(&select(&meeting, ".schedule h2")[0]), "Programa");
    let english = site.html("meetings/2021/index.html");
    let sessions: Vec<String> = select(&english, ".schedule-item__title").iter().map(text).collect();
    assert_eq!(sessions, ["Opening", "Regional", "Closing"]);

    // Previous and next, in schedule order, in one language.
    let opening = site.html("es/meetings/2021/opening/index.html");
    let next = select(&opening, ".pager__next");
    assert_eq!(attr(&next[0], "href"), "/meetings/2021/regional-es/");
    assert!(text(&next[0]).starts_with("Sesión siguiente"), "{}", text(&next[0]));
    assert!(select(&opening, ".pager__prev").is_empty());

    // Breadcrumbs lead to the Spanish home.
    let crumbs: Vec<String> = select(&opening, ".breadcrumbs a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(crumbs, ["/es/", "/es/meetings/2021/"]);
    assert_eq!(text(&select(&opening, ".breadcrumbs a")[0]), "Inicio");
}

#[test]
fn a_site_may_ask_listings_to_fall_back_to_the_default_language() {
    let site = multilingual(&[]);
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}translation_fallback: true\n"));
    site.build(&[]);
    let nodes_es = site.html("es/nodes/index.html");
    let listed: Vec<String> = select(&nodes_es, ".node-list a").iter().map(text).collect();
    assert_eq!(listed, ["Nodo GBIF-CAS", "GBIF France"], "untranslated pages after the Spanish ones");
}

#[test]
fn strings_dates_and_data_in_the_pages_language() {
    let site = multilingual(&[NODE_TEMPLATE]);
    site.build(&[]);
    let es = site.html("es/nodes/gbif-cas/index.html");
    assert_eq!(text(&select(&es, ".skip-link")[0]), "Ir al contenido");
    assert_eq!(text(&select(&es, ".article-header time")[0]), "28 de junio de 2021");
    // The site's own i18n/es.yaml overrides one string of the theme.
    assert_eq!(text(&select(&es, ".referred")[0]), "Páginas que la mencionan");
    // data/es/contact.yml over data/contact.yml, key by key.
    assert_eq!(text(&select(&es, ".contact")[0]), "Escríbanos nodes@example.org");
    // The menu of data/es/navigation.yml.
    let menu: Vec<String> = select(&es, ".site-nav a").iter().map(text).collect();
    assert_eq!(menu, ["Inicio", "Nodos", "Reunión"]);

    let en = site.html("nodes/gbif-cas/index.html");
    assert_eq!(text(&select(&en, ".article-header time")[0]), "28 June 2021");
    assert_eq!(text(&select(&en, ".referred")[0]), "Referred to by");
    assert_eq!(text(&select(&en, ".contact")[0]), "Write to us nodes@example.org");
    let menu: Vec<String> = select(&en, ".site-nav a").iter().map(text).collect();
    assert_eq!(menu, ["Home", "Nodes", "Meeting"]);

    // French: its menu from site.yaml; Arabic: the site's strings, the
    // default language's menu and strings where it has none.
    let fr = site.html("fr/index.html");
    assert_eq!(select(&fr, ".site-nav a").iter().map(text).collect::<Vec<_>>(), ["Accueil"]);
    assert_eq!(text(&select(&fr, ".to-top")[0]), "Haut de page");
    let ar = site.html("ar/index.html");
    assert_eq!(text(&select(&ar, ".toc__title")[0]), "في هذه الصفحة");
    assert_eq!(text(&select(&ar, ".to-top")[0]), "Back to top");
    assert_eq!(select(&ar, ".site-nav a").iter().map(text).collect::<Vec<_>>(), ["Home", "Nodes", "Meeting"]);
    let ar_node = site.html("ar/nodes/gbif-cas/index.html");
    assert_eq!(text(&select(&ar_node, ".article-header time")[0]), "28 يونيو 2021");

    // "Referred to by" lists referrers in the page's language only.
    let referrers = |html: &scraper::Html| select(html, ".backlinks a").iter().map(text).collect::<Vec<_>>();
    assert_eq!(referrers(&en), ["Welcome", "GBIF France"]);
    assert_eq!(referrers(&es), ["Bienvenida"]);
}

#[test]
fn links_go_to_the_same_language_unless_told_otherwise() {
    let site = multilingual(&[]);
    site.build(&[]);
    let home = site.html("es/index.html");
    let links: Vec<String> = select(&home, ".prose a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(links, ["/es/nodes/gbif-cas/", "/nodes/gbif-cas/", "/es/meetings/2021/"]);
    // No Spanish version: the page itself.
    let acerca = site.html("es/acerca/index.html");
    assert_eq!(attr(&select(&acerca, ".prose a")[0], "href"), "/nodes/gbif-france/");
    // A relative link from a Spanish page, to a file that has a Spanish version.
    let regional = site.html("meetings/2021/regional-es/index.html");
    assert_eq!(attr(&select(&regional, ".prose a")[0], "href"), "/es/meetings/2021/opening/");
    let ar = site.html("ar/index.html");
    assert_eq!(attr(&select(&ar, ".prose p a")[0], "href"), "/ar/nodes/gbif-cas/");
}

#[test]
fn check_lists_the_strings_a_language_lacks() {
    let site = multilingual(&[]);
    let out = site.folio(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", stderr(&out)));
    let missing: Vec<&serde_json::Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "missing-translation").collect();
    assert_eq!(missing.len(), 1, "Arabic only: the theme has es and fr: {missing:?}");
    let message = missing[0]["message"].as_str().unwrap();
    assert!(message.contains("no `ar` translation (English is shown)"), "{message}");
    assert!(message.contains("back_to_top") && !message.contains("on_this_page"), "{message}");
    assert_eq!(missing[0]["file"], "i18n/ar.yaml");
    assert_eq!(missing[0]["severity"], "warning");
}

/// Builds `site`, which must fail, and returns what it printed.
fn failing(site: &Site) -> String {
    let out = site.folio(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(!site.public().exists(), "nothing is written");
    stderr(&out)
}

#[test]
fn bad_input_is_an_error_at_its_file_and_line() {
    // Two files that are one page in one language.
    let err = failing(&multilingual(&[("content/nodes/gbif-france.en.md", "---\ntitle: Also GBIF France\n---\n")]));
    assert!(
        err.contains("content/nodes/gbif-france.en.md and content/nodes/gbif-france.md are both the English (`en`) version of one page"),
        "{err}"
    );
    assert!(err.contains("--> content/nodes/gbif-france.md"), "{err}");

    // A `lang` site.yaml does not list.
    let err = failing(&multilingual(&[("content/neu.md", "---\ntitle: Neu\nlang: de\n---\nText.\n")]));
    assert!(err.contains("`lang: de` is not one of the site's languages (`en`, `es`, `fr`, `ar`)"), "{err}");
    assert!(err.contains("--> content/neu.md:3:1"), "{err}");
    assert!(err.contains("3 | lang: de"), "{err}");

    // A file named for a language the site does not have.
    let err = failing(&multilingual(&[("content/about.de.md", "---\ntitle: Über\n---\n")]));
    assert!(err.contains("content/about.de.md is named for language `de`, which site.yaml does not list"), "{err}");

    // A `lang-ref` shared by two pages of one language.
    let err = failing(&multilingual(&[("content/otra.md", "---\ntitle: Otra\nlang: es\nlang-ref: about\n---\n")]));
    assert!(err.contains("share `lang-ref: about` and are both in Español (`es`)"), "{err}");
    assert!(err.contains("--> content/otra.md:4:1"), "{err}");

    // A translations file with a key of the wrong type.
    let err = failing(&multilingual(&[("i18n/es.yaml", "home: Inicio\non_this_page:\n  - En esta\n  - página\n")]));
    assert!(err.contains("interface string `on_this_page` is a list, not text"), "{err}");
    assert!(err.contains("--> i18n/es.yaml:2:1"), "{err}");

    // A link to a language the site does not have, or to a missing version.
    let err = failing(&multilingual(&[(
        "content/x.md",
        "---\ntitle: X\n---\n[a](@/about.md?lang=de) [b](@/nodes/gbif-france.md?lang=es)\n",
    )]));
    assert!(err.contains("broken link `@/about.md?lang=de`: the site has no language `de`"), "{err}");
    assert!(
        err.contains("broken link `@/nodes/gbif-france.md?lang=es`: content/nodes/gbif-france.md has no `es` version"),
        "{err}"
    );
    assert!(err.contains("--> content/x.md:4:1"), "{err}");
}

#[test]
fn the_bundled_site_has_a_spanish_home_and_node_page_linked_both_ways() {
    let site = Site::bundled();
    site.build(&[]);
    let home_es = site.html("es/index.html");
    assert_eq!(attr(&select(&home_es, "html")[0], "lang"), "es");
    assert_eq!(text(&select(&home_es, "h1")[0]), "Nodos y Programa de Trabajo de GBIF");
    assert_eq!(switcher(&home_es)[0].1, "/");
    let home_en = site.html("index.html");
    assert_eq!(switcher(&home_en)[1].1, "/es/");

    let node_es = site.html("es/nodes/gbif-cas/index.html");
    assert_eq!(text(&select(&node_es, "h1")[0]), "Nodo GBIF-CAS");
    let facts: Vec<String> = select(&node_es, ".facts > div").iter().map(spaced_text).collect();
    assert!(facts.contains(&"Organización Academia China de Ciencias".to_string()), "{facts:?}");
    assert!(facts.contains(&"Registros en esos conjuntos de datos más de 1,6 millones".to_string()), "{facts:?}");
    assert_eq!(switcher(&node_es)[0].1, "/nodes/gbif-cas/");
    let node_en = site.html("nodes/gbif-cas/index.html");
    assert_eq!(switcher(&node_en)[1].1, "/es/nodes/gbif-cas/");
    // The Spanish home links to the Spanish node directory and profile.
    let links: Vec<String> = select(&home_es, ".prose a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(links, ["/es/nodes/", "/es/nodes/gbif-cas/"]);
}
