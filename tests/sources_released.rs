//! `folio build` of a site whose sources are too large to hold through the
//! build lets go of each content file's text once its links are known, and
//! reads the file again for its page and for a diagnostic's quote. That may
//! change neither what is written nor what a diagnostic says.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

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
    let held = snapshot(&held);
    let pages = held.iter().filter(|(path, _)| path.ends_with("index.html")).count();
    assert!(pages > 20, "the bundled site has its pages: {pages}");
    assert_same_files(&held, &snapshot(&read_again), "its source is read again");
}

/// Every file of `held` is in `other`, with the same bytes, and no more.
fn assert_same_files(held: &[(PathBuf, Vec<u8>)], other: &[(PathBuf, Vec<u8>)], when: &str) {
    assert_eq!(held.len(), other.len(), "as many files when {when}");
    for ((path, bytes), (other_path, other_bytes)) in held.iter().zip(other) {
        assert_eq!(path, other_path);
        assert!(bytes == other_bytes, "{} differs when {when}", path.display());
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

/// A site without Liquid whose pages take their titles from their first
/// heading, so that the tree reads released texts again.
fn site_titled_by_headings() -> Site {
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Home\n---\nSee [the first note](/notes/first/).\n");
    site.write("content/notes/_index.md", "# Notes of the year\n\nEvery note.\n");
    for (name, heading) in [("first", "The first note"), ("second", "Second thoughts"), ("third", "A third one")] {
        site.write(
            &format!("content/notes/{name}.md"),
            &format!("# {heading}\n\nIts body, with [a link home](/).\n\n## Details {{#details}}\n\nMore.\n"),
        );
    }
    site
}

#[test]
fn texts_released_as_they_are_read_give_the_titles_and_pages_of_texts_held() {
    let site = site_titled_by_headings();
    let outs = tempfile::tempdir().unwrap();
    let held = outs.path().join("held");
    build_holding(&site, &held, usize::MAX);
    let held = snapshot(&held);
    let html = |files: &[(PathBuf, Vec<u8>)], page: &str| {
        let (_, bytes) = files.iter().find(|(path, _)| path == Path::new(page)).expect("the page is written");
        scraper::Html::parse_document(std::str::from_utf8(bytes).unwrap())
    };
    let title = scraper::Selector::parse("h1").unwrap();
    let page = html(&held, "notes/second/index.html");
    let heading: String = page.select(&title).next().expect("a title").text().collect();
    assert_eq!(heading.trim(), "Second thoughts");
    // 0: every text released as it is read; 60: the first file or two held
    // until the load ends, the others released at once.
    for bound in [0, 60] {
        let out = outs.path().join(bound.to_string());
        build_holding(&site, &out, bound);
        assert_same_files(&held, &snapshot(&out), &format!("texts beyond {bound} bytes are released"));
    }
}

#[test]
fn a_load_past_its_bound_releases_every_text_and_counts_them_all() {
    let site = site_titled_by_headings();
    let mut diagnostics = folio::diagnostics::Diagnostics::default();
    let held = folio::content::load_reusing(site.root(), &mut diagnostics, &|_, _| None, None);
    let lengths: usize = held.documents.iter().map(|d| d.text.len()).sum();
    assert_eq!(held.documents.len(), 5);
    assert_eq!(held.source_bytes, lengths);

    let released = folio::content::load_reusing(site.root(), &mut diagnostics, &|_, _| None, Some(60));
    assert!(diagnostics.items.is_empty(), "{:?}", diagnostics.items);
    assert_eq!(released.source_bytes, lengths);
    for (doc, held) in released.documents.iter().zip(&held.documents) {
        assert!(doc.text.is_empty(), "{} still holds its text", doc.rel.display());
        assert_eq!(doc.text().expect("read again").as_ref(), held.text, "{}", doc.rel.display());
    }

    let under = folio::content::load_reusing(site.root(), &mut diagnostics, &|_, _| None, Some(lengths));
    assert!(under.documents.iter().all(|d| !d.text.is_empty()), "a site within its bound holds its texts");
}

#[test]
fn a_liquid_site_lets_its_texts_go_after_liquid_ran_and_writes_the_same_pages() {
    let site = site_titled_by_headings();
    site.write("site.yaml", "title: Liquid notes\nliquid: true\n");
    site.write("content/about.md", "---\ntitle: About\n---\nThis is {{ site.title }}, see [home](/).\n");
    let outs = tempfile::tempdir().unwrap();
    let (held, released) = (outs.path().join("held"), outs.path().join("released"));
    build_holding(&site, &held, usize::MAX);
    build_holding(&site, &released, 0);
    let held = snapshot(&held);
    let (_, about) = held.iter().find(|(path, _)| path == Path::new("about/index.html")).expect("about is written");
    let about = scraper::Html::parse_document(std::str::from_utf8(about).unwrap());
    let body: String = about.select(&scraper::Selector::parse("main p").unwrap()).flat_map(|p| p.text()).collect();
    assert!(body.contains("This is Liquid notes, see home."), "Liquid ran: {body:?}");
    assert_same_files(&held, &snapshot(&released), "a Liquid site's texts are released");
}
