//! `folio check`: what it finds, how it reports (people and JSON), its exit
//! codes, and that it writes nothing.

mod common;

use common::{stdout, Site};
use serde_json::Value;

fn clean_site() -> Site {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\n[About](@/about.md)\n")
        .write("content/about.md", "---\ntitle: About\n---\n## Contact\n\nWrite to [us](mailto:nodes@gbif.org).\n");
    site
}

fn json(site: &Site, args: &[&str]) -> (Value, Option<i32>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = site.folio(&all);
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    (value, out.status.code())
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_clean_site_exits_zero_and_writes_nothing() {
    let site = clean_site();
    let out = site.folio(&["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("Checked 2 pages: 0 errors, 0 warnings (0 placeholder links)"), "{}", stdout(&out));
    assert!(!site.public().exists(), "check writes nothing");
    let entries: Vec<_> = std::fs::read_dir(site.root()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries.len(), 2, "only site.yaml and content/: {entries:?}");
}

#[test]
fn warnings_only_exit_zero_or_two_with_deny_warnings() {
    let site = clean_site();
    site.write("content/about.md", "---\ntitle: About\n---\nA [placeholder](#).\n");
    let (report, code) = json(&site, &[]);
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(report["summary"]["placeholder_links"], 1);
    let (_, code) = json(&site, &["--deny-warnings"]);
    assert_eq!(code, Some(2));
}

#[test]
fn errors_exit_one_and_json_carries_positions() {
    let site = clean_site();
    site.write("content/about.md", "---\ntitle: About\n---\n\nSee [about](@/abuot.md).\n");
    let (report, code) = json(&site, &[]);
    assert_eq!(code, Some(1));
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["code"], "broken-link");
    assert_eq!(d["file"], "content/about.md");
    assert_eq!(d["line"], 5);
    assert_eq!(d["column"], 5);
    assert_eq!(d["line_text"], "See [about](@/abuot.md).");
    assert_eq!(d["help"], "did you mean `@/about.md`? Paths are relative to content/");
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn human_output_is_grouped_by_file() {
    let site = clean_site();
    site.write("content/about.md", "---\ntitle: About\n---\n[a](#)\n\n[b](#)\n")
        .write("content/other.md", "---\ntitle: Other\n---\n[c](#)\n");
    let out = stdout(&site.folio(&["check"]));
    let about = out.find("content/about.md\n").expect(&out);
    let other = out.find("content/other.md\n").expect(&out);
    assert!(about < other);
    assert!(out[about..other].contains("4:1  warning  placeholder link `(#)`"), "{out}");
    assert!(out[about..other].contains("6:1  warning  placeholder link `(#)`"), "{out}");
}

#[test]
fn finds_duplicate_ids_unreachable_pages_bad_mailto_and_missing_fields() {
    let site = clean_site();
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n## One {#same}\n\n## Two {#same}\n\nMail [us](mailto:nodes@gbif).\n",
    )
    // Section pages that list nothing, so a page can go unlinked.
    .write("templates/section.html", "{% extends \"base.html\" %}")
    .write("content/lonely.md", "---\ntitle: Lonely\n---\nNobody links here.\n")
    .write("content/nodes/_index.md", "---\ntitle: Nodes\n---\n")
    .write("content/nodes/x.md", "---\ntitle: X\nkind: node\n---\n");
    let (report, code) = json(&site, &[]);
    assert_eq!(code, Some(1));
    let codes = codes(&report);
    for expected in ["duplicate-id", "unreachable-page", "bad-mailto", "missing-field"] {
        assert!(codes.contains(&expected.to_string()), "{expected} missing from {codes:?}");
    }
    let dup = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "duplicate-id").unwrap();
    assert_eq!(dup["file"], "content/about.md");
    assert_eq!(dup["line"], 4, "points at the first {{#same}}");
    let lonely = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unreachable-page").unwrap();
    assert_eq!(lonely["file"], "content/lonely.md");
    let missing: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "missing-field")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["`kind: node` needs `name`", "`kind: node` needs `website`"]);
}

#[test]
fn the_bundled_site_checks_clean() {
    let site = Site::bundled();
    let (report, code) = json(&site, &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["summary"]["errors"], 0);
}

/// `folio check` keeps no page's HTML, and lets go of a large site's
/// texts once their links are known (as `folio build` does): every
/// finding must still be the same, at the same line, quoting the same text.
#[test]
fn a_site_whose_sources_are_let_go_checks_the_same_as_one_whose_sources_are_held() {
    let site = clean_site();
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n## One {#same}\n\n## Two {#same}\n\nMail [us](mailto:nodes@gbif).\n\n![](kite.png)\n\nSee [the plan](/no-such-page/).\n",
    )
    .write_bytes("content/kite.png", &std::fs::read("tests/fixtures/jekyll-site/assets/images/gbif-logo.png").unwrap())
    .write("templates/section.html", "{% extends \"base.html\" %}")
    .write("content/lonely.md", "---\ntitle: Lonely\n---\nNobody links here. Write to [x](mailto:a@@c.org).\n")
    .write("content/nodes/_index.md", "---\ntitle: Nodes\n---\n")
    .write("content/nodes/x.md", "---\ntitle: X\nkind: node\n---\n");
    let check = |held: usize| {
        let build = folio::BuildOptions {
            sources_held_up_to: held,
            strict_links: Some(false),
            // Only its alt text matters here.
            images: false,
            ..folio::BuildOptions::new(site.root())
        };
        folio::check::check(&folio::check::CheckOptions::new(build, false))
    };
    let (held, let_go) = (check(usize::MAX), check(0));
    let found = |code: &str| held.diagnostics.items.iter().filter(|d| d.code == code).count();
    let expected = [
        ("duplicate-id", 1),
        ("unreachable-page", 2),
        ("image-without-alt", 1),
        ("missing-field", 2),
        ("broken-link", 1),
    ];
    for (code, count) in expected.into_iter().chain([("bad-mailto", 2)]) {
        assert_eq!(found(code), count, "{code}: {:#?}", held.diagnostics);
    }
    let dup = held.diagnostics.items.iter().find(|d| d.code == "duplicate-id").unwrap();
    let dup = dup.location.as_deref().unwrap();
    assert_eq!((dup.line, dup.line_text.as_str()), (4, "## One {#same}"));
    let mailto = held.diagnostics.items.iter().find(|d| d.message.contains("mailto:a@@c.org")).unwrap();
    let mailto = mailto.location.as_deref().unwrap();
    assert_eq!((mailto.file.to_str(), mailto.line, mailto.column), (Some("content/lonely.md"), 4, 29));
    assert_eq!(held.pages, let_go.pages);
    assert_eq!(held.diagnostics, let_go.diagnostics);
}
