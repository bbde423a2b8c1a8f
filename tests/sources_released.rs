//! `folio build` of a site whose sources are too large to hold through the
//! build lets go of each content file's text once its links are known, and
//! reads the file again for its page and for a diagnostic's quote. That may
//! change neither what is written nor what a diagnostic says.

mod common;

use std::fs;
use std::path::Path;

use common::{snapshot, Site};
use folio::content::{read_document, SOURCE_CHANGED};
use folio::diagnostics::Severity;
use folio::BuildOptions;

/// `folio build` of `site` into `out`, holding sources up to `held` bytes.
fn build_holding(site: &Site, out: &Path, held: usize) -> folio::BuildReport {
    let options = BuildOptions {
        output: Some(out.to_path_buf()),
        sources_held_up_to: held,
        strict_links: Some(false),
        ..BuildOptions::new(site.root())
    };
    folio::build(&options).expect("the site builds")
}

#[test]
fn the_bundled_site_read_again_is_written_byte_for_byte_as_when_held() {
    let site = Site::bundled();
    let outs = tempfile::tempdir().unwrap();
    let (held, read_again) = (outs.path().join("held"), outs.path().join("read-again"));
    build_holding(&site, &held, usize::MAX);
    build_holding(&site, &read_again, 0);
    let (held, read_again) = (snapshot(&held), snapshot(&read_again));
    let pages = held.iter().filter(|(path, _)| path.ends_with("index.html")).count();
    assert!(pages > 20, "the bundled site has its pages: {pages}");
    assert_eq!(held.len(), read_again.len());
    for ((path, bytes), (other_path, other_bytes)) in held.iter().zip(&read_again) {
        assert_eq!(path, other_path);
        assert!(bytes == other_bytes, "{} differs when its source is read again", path.display());
    }
}

#[test]
fn a_broken_link_is_quoted_at_its_line_whether_its_source_was_held_or_read_again() {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\n---\nFirst paragraph.\n\nSee [the plan](/no-such-page/) for more.\n",
    );
    let outs = tempfile::tempdir().unwrap();
    for held in [usize::MAX, 0] {
        let report = build_holding(&site, &outs.path().join(held.to_string()), held);
        let broken: Vec<_> = report
            .site
            .diagnostics
            .items
            .iter()
            .filter(|d| d.severity == Severity::Warning && d.message.contains("/no-such-page/"))
            .collect();
        assert_eq!(broken.len(), 1, "one broken link, holding {held} bytes: {broken:?}");
        let location = broken[0].location.as_deref().expect("it has a place");
        assert_eq!(location.file, Path::new("content/notes.md"));
        assert_eq!((location.line, location.column), (6, 5), "holding {held} bytes");
        assert_eq!(location.line_text, "See [the plan](/no-such-page/) for more.");
    }
}

#[test]
fn a_source_read_again_must_be_the_one_read_first() {
    let site = Site::new();
    site.write("content/notes.md", "---\ntitle: Notes\n---\nThe body.\n");
    let file = site.root().join("content/notes.md");
    let mut doc = read_document(&file, "content/notes.md".into(), "notes.md".into()).expect("reads");
    doc.release_text(site.root());
    assert!(doc.text.is_empty(), "the text is let go");
    assert_eq!(doc.text().expect("the same file").as_ref(), "---\ntitle: Notes\n---\nThe body.\n");

    fs::write(&file, "---\ntitle: Notes\n---\nAnother body.\n").unwrap();
    let changed = doc.text().expect_err("the file changed");
    assert_eq!(changed.code, SOURCE_CHANGED);
    assert_eq!(changed.location.as_deref().map(|l| l.file.as_path()), Some(Path::new("content/notes.md")));
    assert!(changed.help.as_deref().is_some_and(|h| h.contains("build again")));

    fs::remove_file(&file).unwrap();
    assert_eq!(doc.text().expect_err("the file is gone").code, SOURCE_CHANGED);
}
