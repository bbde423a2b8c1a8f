//! Every kind of bad input gets an error naming file, line and column,
//! quoting the line and saying how to fix it; the exit code is non-zero and
//! the previous `public/` is left exactly as it was.

mod common;

use std::fs;

use common::{stderr, Site};

/// A site that built once, so `public/` holds a previous good build.
fn site_with_previous_build() -> (Site, Vec<(std::path::PathBuf, Vec<u8>)>) {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    site.write("content/good.md", "---\ntitle: Good\n---\nFine.\n");
    site.build(&[]);
    let before = common::snapshot(&site.public());
    assert!(!before.is_empty());
    (site, before)
}

/// Runs a failing build and returns its error output, after checking the
/// exit code, that nothing panicked and that `public/` did not change.
fn failing_build(site: &Site, before: &[(std::path::PathBuf, Vec<u8>)]) -> String {
    let out = site.folio(&["build"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "the build should fail:\n{err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(common::snapshot(&site.public()), before, "public/ changed:\n{err}");
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "a staging folder was left behind");
    err
}

fn assert_points_at(err: &str, file_line_col: &str, quoted: &str) {
    assert!(err.contains(&format!("--> {file_line_col}")), "expected --> {file_line_col} in:\n{err}");
    assert!(err.contains(&format!("| {quoted}")), "expected the line `{quoted}` quoted in:\n{err}");
    assert!(err.contains("help:"), "expected a help line in:\n{err}");
}

#[test]
fn invalid_yaml_in_front_matter() {
    let (site, before) = site_with_previous_build();
    site.write("content/bad.md", "---\ntitle: Sessions\ndescription: Nodes: a: meeting\nlayout: post\n---\nText\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("invalid YAML in front matter: mapping values are not allowed in this context"), "{err}");
    // The position counts the opening `---` line (an off-by-one here is a classic bug).
    assert_points_at(&err, "content/bad.md:3:19", "description: Nodes: a: meeting");
}

#[test]
fn front_matter_never_closed() {
    let (site, before) = site_with_previous_build();
    site.write("content/open.md", "---\ntitle: Open\n\n# Heading\n\nText\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("front matter is opened but never closed"), "{err}");
    assert_points_at(&err, "content/open.md:1:1", "---");
}

#[test]
fn title_given_a_list() {
    let (site, before) = site_with_previous_build();
    site.write("content/list.md", "---\ndescription: ok\ntitle:\n  - one\n  - two\n---\nText\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("wrong type in front matter"), "{err}");
    assert!(err.contains("title: invalid type: sequence, expected a string"), "{err}");
    assert_points_at(&err, "content/list.md:3:1", "title:");
}

#[test]
fn file_that_is_not_utf8() {
    let (site, before) = site_with_previous_build();
    site.write_bytes("content/latin1.md", b"---\ntitle: Caf\xe9\n---\nText\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert_points_at(&err, "content/latin1.md:2:11", "title: Caf");
}

#[test]
fn unknown_template() {
    let (site, before) = site_with_previous_build();
    site.write("content/post.md", "---\ntitle: Post\nlayout: postt\n---\nText\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("unknown template `postt.html`"), "{err}");
    assert_points_at(&err, "content/post.md:3:1", "layout: postt");
    assert!(err.contains("post.html"), "the help lists the templates there are:\n{err}");
}

#[test]
fn syntax_error_in_a_template() {
    let (site, before) = site_with_previous_build();
    site.write("templates/page.html", "<html>\n<body>\n{% if page.title %}\n{{ page.title }\n</body>\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("syntax error in template `page.html`"), "{err}");
    assert!(err.contains("--> templates/page.html:4:"), "{err}");
    assert!(err.contains("| {{ page.title }"), "{err}");
}

#[test]
fn error_while_rendering_a_template_names_the_page() {
    let (site, before) = site_with_previous_build();
    site.write("templates/page.html", "<p>\n{{ page.no_such_field }}\n</p>\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("while rendering content/good.md"), "{err}");
    assert!(err.contains("--> templates/page.html:2:"), "{err}");
}

#[test]
fn two_pages_claim_one_url() {
    let (site, before) = site_with_previous_build();
    site.write("content/other.md", "---\ntitle: Other\npermalink: /good/\n---\nText\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("content/good.md and content/other.md both claim the URL /good/index.html"), "{err}");
    assert_points_at(&err, "content/other.md:3:1", "permalink: /good/");
}

#[test]
fn a_file_of_the_site_where_a_page_is_written() {
    let (site, before) = site_with_previous_build();
    site.write("content/good/index.html", "<p>a file of its own</p>\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("content/good.md and") && err.contains("both write good/index.html"), "{err}");
}

#[test]
fn unknown_key_in_site_yaml() {
    let (site, before) = site_with_previous_build();
    site.write("site.yaml", "title: Test site\nbase_ulr: https://example.org/\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("unknown field `base_ulr`"), "{err}");
    assert_points_at(&err, "site.yaml:2:1", "base_ulr: https://example.org/");
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let (site, before) = site_with_previous_build();
    site.write("content/a.md", "---\ntitle: [\n---\n");
    site.write("content/b.md", "---\ntitle: B\n");
    let err = failing_build(&site, &before);
    assert!(err.contains("content/a.md") && err.contains("content/b.md"), "{err}");
    assert!(err.contains("2 errors"), "{err}");
}

#[test]
fn output_folder_that_would_replace_the_site_is_refused() {
    let (site, before) = site_with_previous_build();
    let out = site.folio(&["build", "--output", "."]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("refusing to write the site"), "{}", stderr(&out));
    assert!(site.root().join("content/good.md").is_file());
    assert_eq!(common::snapshot(&site.public()), before);
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content_does_not_hang() {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\n");
    site.write("content/a/page.md", "---\ntitle: Page\n---\n");
    std::os::unix::fs::symlink("..", site.root().join("content/a/loop")).unwrap();
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("symbolic link loop at content/a/loop"), "{err}");
    assert!(site.public().join("a/page/index.html").is_file());
}
