//! What GBIF's hosted-portal sites need beyond the 2021 meeting site,
//! each with a small Jekyll site of its own: navigation data written
//! without leading slashes (the theme wrote it through `relative_url`),
//! URLs the portal's application answered on the same host
//! (`/dataset/<key>`), collections published as pages, and link checks
//! that suggest a fix only for what they report.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use scraper::Html;

use common::{attr, jekyll_site, select, stderr, stdout, text};

fn folio(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("folio").expect("binary").current_dir(dir).args(args).output().expect("runs")
}

/// Imports `source` into `site/` of a new folder, which must work; (folder, report).
fn import(source: &Path) -> (tempfile::TempDir, String) {
    let root = tempfile::tempdir().unwrap();
    let out = folio(root.path(), &["import", "jekyll", source.to_str().unwrap(), "--into", "site"]);
    assert!(out.status.success(), "import failed:\n{}{}", stdout(&out), stderr(&out));
    (root, stdout(&out))
}

/// Builds the imported site, which must give no error; (stdout, stderr).
fn build(root: &Path) -> (String, String) {
    let out = folio(&root.join("site"), &["build"]);
    assert!(out.status.success(), "build failed:\n{}{}", stdout(&out), stderr(&out));
    (stdout(&out), stderr(&out))
}

fn html(root: &Path, rel: &str) -> Html {
    let path = root.join("site/public").join(rel);
    Html::parse_document(&fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

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
