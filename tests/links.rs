//! Link resolution and checking in every build: each link form resolving
//! and failing, anchors checked against the ids pages really have, the
//! suggestion text, placeholders and --no-strict.

mod common;

use common::{attr, select, stderr, stdout, Site};

/// A small site with a section, pages, an anchor target and a PDF.
fn site() -> Site {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\n[Nodes](@/nodes/_index.md)\n")
        .write("content/nodes/_index.md", "---\ntitle: Nodes\n---\n")
        .write("content/nodes/gbif-cas.md", "---\ntitle: GBIF-CAS\n---\n## Data use cases\n\nText.\n")
        .write("content/nodes/report.pdf", "%PDF-1.4")
        .write("content/meetings/_index.md", "---\ntitle: Meetings\n---\n")
        .write("content/meetings/sessions.md", "---\ntitle: Sessions\n---\n## Regional nodes sessions\n");
    site
}

fn hrefs(site: &Site, page: &str) -> Vec<String> {
    select(&site.html(page), ".prose a").iter().map(|a| attr(a, "href")).collect()
}

#[test]
fn every_link_form_resolves_to_the_final_url() {
    let site = site();
    site.write(
        "content/nodes/links.md",
        "---\ntitle: Links\n---\n\
         [a](@/nodes/gbif-cas.md) [b](@/nodes/gbif-cas.md#data-use-cases) [c](gbif-cas.md)\n\
         [d](../meetings/sessions.md#regional-nodes-sessions) [e](@/meetings/_index.md) [f](report.pdf)\n\
         [g](/meetings/sessions/) [h](#top-part) [i](https://www.gbif.org/) [j](mailto:nodes@gbif.org)\n\n## Top part\n",
    );
    site.build(&[]);
    assert_eq!(
        hrefs(&site, "nodes/links/index.html")[..10],
        [
            "/nodes/gbif-cas/",
            "/nodes/gbif-cas/#data-use-cases",
            "/nodes/gbif-cas/",
            "/meetings/sessions/#regional-nodes-sessions",
            "/meetings/",
            "/nodes/report.pdf",
            "/meetings/sessions/",
            "#top-part",
            "https://www.gbif.org/",
            "mailto:nodes@gbif.org",
        ]
    );
}

#[test]
fn links_follow_permalinks_and_the_base_url() {
    let site = site();
    site.write("content/moved.md", "---\ntitle: Moved\npermalink: /elsewhere/\n---\n")
        .write("content/links.md", "---\ntitle: Links\n---\n[m](@/moved.md) [n](@/nodes/gbif-cas.md#data-use-cases)\n");
    site.build(&["--base-url", "https://example.org/2021/"]);
    assert_eq!(hrefs(&site, "links/index.html")[..2], ["/2021/elsewhere/", "/2021/nodes/gbif-cas/#data-use-cases"]);
}

fn failing(site: &Site) -> String {
    let out = site.folio(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!site.public().exists(), "nothing is written");
    stderr(&out)
}

#[test]
fn a_missing_page_is_an_error_with_position_and_suggestion() {
    let site = site();
    site.write("content/bad.md", "---\ntitle: Bad\n---\nSee [the node](@/nodes/gbif-ca.md) for more.\n");
    let err = failing(&site);
    assert!(err.contains("broken link `@/nodes/gbif-ca.md`: there is no content/nodes/gbif-ca.md"), "{err}");
    assert!(err.contains("--> content/bad.md:4:5"), "{err}");
    assert!(err.contains("| See [the node](@/nodes/gbif-ca.md) for more."), "{err}");
    assert!(err.contains("did you mean `@/nodes/gbif-cas.md`?"), "{err}");
}

#[test]
fn a_missing_anchor_is_an_error_with_the_closest_id() {
    let site = site();
    site.write("content/bad.md", "---\ntitle: Bad\n---\n\n[x](@/meetings/sessions.md#regional-node-sessions)\n");
    let err = failing(&site);
    assert!(
        err.contains("broken anchor `@/meetings/sessions.md#regional-node-sessions`: /meetings/sessions/ has no id `regional-node-sessions`"),
        "{err}"
    );
    assert!(err.contains("--> content/bad.md:5:1"), "{err}");
    assert!(err.contains("did you mean `#regional-nodes-sessions`?"), "{err}");
}

#[test]
fn relative_markdown_site_absolute_and_same_page_links_fail_too() {
    let site = site();
    site.write(
        "content/bad.md",
        "---\ntitle: Bad\n---\n[a](missing.md)\n\n[b](/meetings/session/)\n\n[c](#nowhere)\n\n## Somewhere\n",
    );
    let err = failing(&site);
    assert!(err.contains("broken link `missing.md`: there is no content/missing.md"), "{err}");
    assert!(err.contains("broken link `/meetings/session/`: nothing in the site is at /meetings/session/"), "{err}");
    assert!(err.contains("did you mean `/meetings/sessions/`?"), "{err}");
    assert!(err.contains("broken anchor `#nowhere`: this page has no id `nowhere`"), "{err}");
    assert!(err.contains("Build failed: 3 errors"), "{err}");
}

#[test]
fn anchors_added_by_templates_count() {
    let site = site();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block after_content %}<div id=\"template-added\"></div>{% endblock after_content %}",
    )
    .write("content/links.md", "---\ntitle: Links\n---\n[a](#main) [b](@/nodes/gbif-cas.md#template-added) [c](#template-added)\n");
    site.build(&[]);
    assert_eq!(hrefs(&site, "links/index.html")[..3], ["#main", "/nodes/gbif-cas/#template-added", "#template-added"]);
}

#[test]
fn broken_links_in_templates_are_caught() {
    let site = site();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block after_content %}<a href=\"{{ '/no-such-page/' | url }}\">x</a>{% endblock after_content %}");
    let err = failing(&site);
    assert!(err.contains("broken link `/no-such-page/`"), "{err}");
    assert!(err.contains("from its template"), "{err}");
}

#[test]
fn no_strict_turns_broken_links_into_warnings() {
    let site = site();
    site.write("content/wip.md", "---\ntitle: WIP\n---\n[later](@/not-yet.md)\n");
    let out = site.build(&["--no-strict"]);
    assert!(stderr(&out).contains("warning: broken link `@/not-yet.md`"), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 warning"), "{}", stdout(&out));
    site.write("site.yaml", "title: Test site\nstrict_links: false\n");
    let out = site.build(&[]);
    assert!(stderr(&out).contains("warning: broken link"), "{}", stderr(&out));
}

#[test]
fn placeholders_are_warned_per_occurrence_and_counted() {
    let site = site();
    site.write("content/draft.md", "---\ntitle: Draft\n---\nA [task group](#) and\n\n- [another](#)\n- [empty]()\n");
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("warning: placeholder link `(#)`\n --> content/draft.md:4:3"), "{err}");
    assert!(err.contains("--> content/draft.md:6:3"), "{err}");
    assert!(err.contains("placeholder link `()`\n --> content/draft.md:7:3"), "{err}");
    assert!(stdout(&out).contains("3 warnings (3 placeholder links)"), "{}", stdout(&out));
}

#[test]
fn menu_entries_must_lead_somewhere() {
    let site = site();
    site.write(
        "site.yaml",
        "title: Test site\nmenu:\n  - title: Nodes\n    url: /nodes/\n  - title: Gone\n    url: /gone/\n",
    );
    let err = failing(&site);
    assert!(err.contains("menu entry `Gone` links to /gone/, which is not in the site"), "{err}");
    assert!(err.contains("--> site.yaml:6:10"), "{err}");
}
