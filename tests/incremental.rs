//! The incremental rebuilder of `folio serve`, driven directly (no HTTP)
//! through a sequence of edits to a copy of the bundled site. After every
//! step its result must be the one a full build of the same files gives:
//! every output file byte for byte, the warnings, the external links, or
//! the same errors.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::Site;
use folio::diagnostics::Diagnostics;
use folio::output::OutputContent;
use folio::serve::{EarlyPages, IncrementalRebuild, Rebuild, RebuildReport, Stages};
use folio::theme::FileSource;
use folio::{BuildOptions, BuiltSite, Error};

/// The site, its rebuilder, and how it is built.
struct Session {
    site: Site,
    options: BuildOptions,
    rebuilder: IncrementalRebuild,
}

/// Every output file with its bytes.
fn files(site: &BuiltSite) -> BTreeMap<PathBuf, Vec<u8>> {
    assert!(site.output.written.is_empty());
    site.output
        .files
        .iter()
        .map(|(path, file)| {
            let bytes = match &file.content {
                OutputContent::Rendered(bytes) => bytes.to_vec(),
                OutputContent::Copied(FileSource::Embedded(bytes)) => bytes.to_vec(),
                OutputContent::Copied(FileSource::Disk(source)) => fs::read(source).unwrap(),
            };
            (path.clone(), bytes)
        })
        .collect()
}

/// Both results are the same site, or the same failure (then `true`).
fn assert_same(step: &str, got: Result<BuiltSite, Error>, want: Result<BuiltSite, Error>) -> bool {
    match (got, want) {
        (Ok(got), Ok(want)) => {
            let (got_files, want_files) = (files(&got), files(&want));
            let got_paths: Vec<&PathBuf> = got_files.keys().collect();
            let want_paths: Vec<&PathBuf> = want_files.keys().collect();
            assert_eq!(got_paths, want_paths, "{step}: the same files");
            for (path, bytes) in &want_files {
                assert!(got_files[path] == *bytes, "{step}: {} differs from a full build", path.display());
            }
            let origins = |s: &BuiltSite| s.output.files.iter().map(|(p, f)| (p.clone(), f.origin.clone())).collect();
            let (got_origins, want_origins): (Vec<_>, Vec<_>) = (origins(&got), origins(&want));
            assert_eq!(got_origins, want_origins, "{step}: the same origins");
            same_diagnostics(step, &got.diagnostics, &want.diagnostics);
            assert_eq!(got.external_links(), want.external_links(), "{step}: the same external links");
            assert_eq!(got.scans.keys().collect::<Vec<_>>(), want.scans.keys().collect::<Vec<_>>(), "{step}");
            for (path, scan) in &want.scans {
                assert!(got.scans[path].ids().eq(scan.ids()), "{step}: ids of {}", path.display());
            }
            assert_eq!((got.pages, got.sections, got.assets), (want.pages, want.sections, want.assets), "{step}");
            assert_eq!(got.output_dir, want.output_dir, "{step}");
            false
        }
        (Err(Error::Failed(got)), Err(Error::Failed(want))) => {
            assert!(want.has_errors(), "{step}");
            same_diagnostics(step, &got, &want);
            true
        }
        (got, want) => {
            panic!("{step}: got {:?}, a full build gives {:?}", got.map(|_| "a site"), want.map(|_| "a site"))
        }
    }
}

/// The same problems, in the same order; the first difference otherwise.
fn same_diagnostics(step: &str, got: &Diagnostics, want: &Diagnostics) {
    let differs = got.items.iter().zip(&want.items).find(|(g, w)| g != w);
    if let Some((got, want)) = differs {
        panic!("{step}: the diagnostics differ:\n{got}\nwhere a full build has\n{want}");
    }
    assert_eq!(got.items.len(), want.items.len(), "{step}: the number of diagnostics:\n{got}\n----\n{want}");
}

impl Session {
    fn new(site: Site) -> Session {
        let mut options = BuildOptions::new(site.root());
        // As `folio serve` builds it.
        options.base_url = Some("http://127.0.0.1:1111/".into());
        let mut session = Session { rebuilder: IncrementalRebuild::new(options.clone()), site, options };
        let report = session.check("first build", &[]);
        assert!(report.full.is_some());
        session
    }

    fn write(&self, rel: &str, text: &str) -> &Session {
        self.site.write(rel, text);
        self
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.site.root().join(rel)).unwrap()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} holds {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    /// Rebuilds after `changed` and compares with a full build, which
    /// must succeed.
    fn check(&mut self, step: &str, changed: &[&str]) -> RebuildReport {
        let (report, failed) = self.rebuild(step, changed);
        assert!(!failed, "{step}: the build fails");
        report
    }

    /// [`Session::check`] for a change that breaks the build.
    fn fails(&mut self, step: &str, changed: &[&str]) -> RebuildReport {
        let (report, failed) = self.rebuild(step, changed);
        assert!(failed, "{step}: the build succeeds");
        report
    }

    fn rebuild(&mut self, step: &str, changed: &[&str]) -> (RebuildReport, bool) {
        let mut changed: Vec<PathBuf> = changed.iter().map(|rel| self.site.root().join(rel)).collect();
        changed.sort();
        let got = self.rebuilder.rebuild(&changed);
        let want = folio::render_site(&self.options);
        let failed = assert_same(step, got, want);
        let report = self.rebuilder.report().expect("a report");
        assert_eq!(Some(&report), self.rebuilder.last_report());
        (report, failed)
    }

    /// [`Session::check`] for a change the rebuilder follows incrementally.
    fn incremental(&mut self, step: &str, changed: &[&str]) -> RebuildReport {
        let report = self.check(step, changed);
        assert_eq!(report.full, None, "{step}: {report}");
        report
    }

    fn full(&mut self, step: &str, changed: &[&str]) -> RebuildReport {
        let report = self.check(step, changed);
        assert!(report.full.is_some(), "{step}: {report}");
        report
    }
}

/// The bundled site, with a page that links into the programme (with
/// anchors) and a page that links to the node page.
fn bundled() -> Session {
    Session::new(bundled_site())
}

fn bundled_site() -> Site {
    let site = Site::bundled();
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\n---\n\
         See [the tasks of 1.1](@/programme/2024/priority-area-1/1-1.md#indicative-tasks-for-2024) \
         and [the node](@/nodes/gbif-cas.md), and Activity 1.2 in \
         [the programme](/programme/2024/all/#activities-1-1-projected-outcomes-for-2027).\n\n\
         ## Links\n\nBack to [the meeting](@/meetings/_index.md).\n",
    );
    site.write("content/drafts/idea.md", "---\ntitle: Idea\ndraft: true\n---\nNot yet.\n");
    site.write("content/untitled.md", "# A title from the heading\n\nText under it.\n");
    site
}

#[test]
fn body_edits_rerender_a_handful_of_pages() {
    let mut s = bundled();
    s.edit("content/nodes/gbif-cas.md", "massive biodiversity information services.", "massive services. More text.");
    let report = s.incremental("a body edit", &["content/nodes/gbif-cas.md"]);
    assert_eq!((report.pages_rendered, report.pages_changed, report.documents_read), (1, 1, 1), "{report}");
    assert_eq!(report.to_string(), "1 page re-rendered");

    // A new link: the page it points to lists a new backlink (activities show them).
    let link = ", see [Activity 2.1](@/programme/2024/priority-area-2/2-1.md).";
    s.edit("content/nodes/gbif-cas.md", "More text.", &format!("More text{link}"));
    let report = s.incremental("a new link", &["content/nodes/gbif-cas.md"]);
    assert_eq!((report.pages_rendered, report.pages_changed), (2, 2), "{report}");
    // And it goes again.
    s.edit("content/nodes/gbif-cas.md", link, ".");
    let report = s.incremental("a link removed", &["content/nodes/gbif-cas.md"]);
    assert_eq!((report.pages_rendered, report.pages_changed), (2, 2), "{report}");

    // A section's text.
    s.edit("content/nodes/_index.md", "\n---\n", "\n---\nAll the nodes, one by one.\n\n");
    assert!(s.incremental("a section's body", &["content/nodes/_index.md"]).pages_rendered <= 3);

    // The heading the title came from, unchanged, while the text under it changes.
    s.edit("content/untitled.md", "Text under it.", "Other text under it.");
    assert_eq!(s.incremental("a page titled by its heading", &["content/untitled.md"]).pages_rendered, 1);

    // Saving without a change, and a draft: nothing to render.
    let report = s.incremental("a save without a change", &["content/nodes/gbif-cas.md"]);
    assert_eq!(report.pages_rendered, 0);
    assert_eq!(report.to_string(), "nothing to redo");
    s.edit("content/drafts/idea.md", "Not yet.", "Still not.");
    assert_eq!(s.incremental("a draft's body", &["content/drafts/idea.md"]).pages_rendered, 0);

    // A folder reported whole, holding the same files.
    let report = s.incremental("a folder", &["content/nodes"]);
    assert_eq!((report.pages_rendered, report.documents_read), (0, 4), "{report}");
}

#[test]
fn programme_pages_see_the_text_of_every_part() {
    let mut s = bundled();
    s.edit(
        "content/programme/2024/priority-area-1/1-1.md",
        "## Indicative tasks for 2024",
        "An added sentence, with \
         [a link to 1.2](@/programme/2024/priority-area-1/1-2.md#projected-outcomes-for-2027).\n\n\
         ## Indicative tasks for 2024",
    );
    let report = s.incremental("an activity's body", &["content/programme/2024/priority-area-1/1-1.md"]);
    // Every page of the programme shows the programme's view.
    assert!(report.pages_rendered > 20 && report.pages_rendered < 40, "{report}");
    assert!(report.pages_changed < report.pages_rendered, "{report}");

    s.edit("content/programme/2024/_index.md", "This is the second annual", "This is, again, the second annual");
    s.incremental("the programme's introduction", &["content/programme/2024/_index.md"]);
}

#[test]
fn front_matter_and_structure_changes_rebuild_everything_and_reuse_the_rest() {
    let mut s = bundled();
    s.edit("content/nodes/gbif-cas.md", "title: GBIF-CAS Node", "title: The GBIF-CAS Node");
    let report = s.full("a new title", &["content/nodes/gbif-cas.md"]);
    assert_eq!((report.documents_read, report.links_passes), (1, 1), "the rest is reused: {report:?}");

    s.edit("content/untitled.md", "# A title from the heading", "# Another title from the heading");
    s.full("the heading a title comes from", &["content/untitled.md"]);

    s.edit("content/drafts/idea.md", "draft: true\n", "");
    s.full("a draft published", &["content/drafts/idea.md"]);

    s.write("content/nodes/new-node.md", "---\ntitle: A new node\n---\nLinks to [notes](@/notes.md#links).\n");
    let report = s.full("a page added", &["content/nodes/new-node.md"]);
    assert_eq!(report.documents_read, 1, "{report:?}");
    // Every page but the programme's one-page view and funding overview and
    // the theme's 404 and search pages (no Markdown of their own).
    assert_eq!(report.links_passes, report.pages_rendered - 4, "every links pass runs: the index changed");

    let root = s.site.root().to_path_buf();
    fs::rename(root.join("content/nodes/new-node.md"), root.join("content/nodes/renamed-node.md")).unwrap();
    s.full("a page renamed", &["content/nodes/new-node.md", "content/nodes/renamed-node.md"]);

    fs::remove_file(root.join("content/nodes/renamed-node.md")).unwrap();
    s.full("a page deleted", &["content/nodes/renamed-node.md"]);

    fs::create_dir_all(root.join("content/news")).unwrap();
    s.write("content/news/_index.md", "---\ntitle: News\n---\n").write("content/news/one.md", "# One\n\nFirst.\n");
    s.full("a folder added", &["content/news"]);

    s.edit("site.yaml", "title: GBIF Nodes & Work Programme", "title: GBIF Nodes and Work Programme");
    s.full("site.yaml", &["site.yaml"]);

    s.write("data/navigation.yml", "- title: Home\n  url: /\n");
    s.full("a data file", &["data/navigation.yml"]);

    // Unrelated files change nothing.
    s.write("README.txt", "not part of the site");
    let report = s.incremental("a file outside the site's folders", &["README.txt", "content/.notes.md.swp"]);
    assert_eq!(report.pages_rendered, 0);
}

#[test]
fn template_edits_rerender_the_pages_that_use_them() {
    let mut s = bundled();
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates");
    let page = fs::read_to_string(theme.join("page.html")).unwrap();
    let node = fs::read_to_string(theme.join("node.html")).unwrap();
    s.write("templates/page.html", &page).write("templates/node.html", &node);
    s.full("site templates added", &["templates"]);

    s.write("templates/node.html", &node.replacen("{% block", "{# a comment #}{% block", 1));
    let report = s.incremental("a template used by the node page and its translation", &["templates/node.html"]);
    assert_eq!(report.pages_rendered, 2, "{report}");

    // A comment: every page using it is rendered again, and none changes.
    s.write("templates/page.html", &format!("{page}{{# a comment #}}"));
    let report = s.incremental("page.html, a comment", &["templates/page.html"]);
    let page_users = report.pages_rendered;
    assert!((3..60).contains(&page_users) && report.pages_changed == 0, "{report}");

    s.write(
        "templates/page.html",
        &format!("{page}{{% block after_content %}}<p>Edited.</p>{{% endblock after_content %}}"),
    );
    let report = s.incremental("page.html", &["templates/page.html"]);
    assert_eq!((report.pages_rendered, report.pages_changed), (page_users, page_users), "{report}");

    // A partial that every page includes through base.html.
    s.write("templates/partials/footer.html", "<footer>Our footer</footer>");
    s.full("a new partial", &["templates/partials/footer.html"]);
    s.write("templates/partials/footer.html", "<footer>Our own footer</footer>");
    let report = s.incremental("a partial", &["templates/partials/footer.html"]);
    assert!(report.pages_rendered > page_users, "{report}");

    // A template that does not compile, then fixed.
    s.write("templates/page.html", "{% block content %}unclosed");
    assert!(s.fails("a broken template", &["templates/page.html"]).full.is_some());
    s.write("templates/page.html", &page);
    s.incremental("the template fixed", &["templates/page.html"]);

    // A template that fails on some pages only when rendered, then fixed.
    s.write(
        "templates/page.html",
        &format!("{page}{{% block after_content %}}{{{{ page.no_such_thing.at_all }}}}{{% endblock after_content %}}"),
    );
    assert_eq!(s.fails("a template that fails to render", &["templates/page.html"]).full, None);
    s.write("templates/page.html", &page);
    s.incremental("fixed again", &["templates/page.html"]);

    // Components are global: a page can use one without naming its file.
    let badge = |text: &str| {
        format!("{{% component badge(text) %}}<span class=\"{text}\">{{{{ text }}}}</span>{{% endcomponent badge %}}")
    };
    s.write("templates/widgets.html", &badge("badge"));
    s.write(
        "templates/page.html",
        &format!("{page}{{% block after_content %}}{{{{<badge text=\"new\"/>}}}}{{% endblock after_content %}}"),
    );
    s.full("a component", &["templates/page.html", "templates/widgets.html"]);
    s.write("templates/widgets.html", &badge("label"));
    let report = s.incremental("a component edited", &["templates/widgets.html"]);
    assert_eq!(report.pages_changed, page_users, "{report}");

    fs::remove_file(s.site.root().join("templates/node.html")).unwrap();
    s.full("a template removed", &["templates/node.html"]);
}

/// Stages that ask for `first` and record what the rebuild hands over;
/// they say stop at look number `stop_at` (counted from 0).
struct Recorder {
    first: Vec<PathBuf>,
    early: Vec<EarlyPages>,
    looks: usize,
    stop_at: Option<usize>,
}

impl Recorder {
    fn new(first: &[&Path], stop_at: Option<usize>) -> Recorder {
        Recorder { first: first.iter().map(|p| p.to_path_buf()).collect(), early: Vec::new(), looks: 0, stop_at }
    }
}

impl Stages for Recorder {
    fn first(&mut self, _to_render: usize) -> Vec<PathBuf> {
        self.first.clone()
    }
    fn early(&mut self, pages: EarlyPages) {
        self.early.push(pages);
    }
    fn cancelled(&mut self) -> bool {
        self.looks += 1;
        self.stop_at == Some(self.looks - 1)
    }
}

impl Session {
    /// A rebuild in `stages` after `changed`, compared with a full build;
    /// returns the full build's files.
    fn staged(&mut self, step: &str, changed: &[&str], stages: &mut Recorder) -> BTreeMap<PathBuf, Vec<u8>> {
        let changed: Vec<PathBuf> = changed.iter().map(|rel| self.site.root().join(rel)).collect();
        let got = self.rebuilder.rebuild_in_stages(&changed, stages).map(|site| site.expect("not stopped"));
        assert_same(step, got, folio::render_site(&self.options));
        assert_eq!(self.rebuilder.report().unwrap().full, None, "{step}");
        files(&folio::render_site(&self.options).unwrap())
    }
}

/// What a staged rebuild hands over early is final, and every other file
/// that changes is among those it says are pending.
fn assert_early_is_final(
    step: &str,
    early: &EarlyPages,
    viewed: &Path,
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) {
    let ready: Vec<&Path> = early.ready.iter().map(|(path, _)| path.as_path()).collect();
    assert_eq!(ready, [viewed], "{step}");
    assert!(*early.ready[0].1 == *after[viewed], "{step}: {} as a full build has it", viewed.display());
    let changed: Vec<&PathBuf> =
        after.iter().filter(|(path, bytes)| before.get(*path) != Some(bytes)).map(|(p, _)| p).collect();
    assert!(changed.iter().any(|p| p.as_path() == viewed), "{step}: the viewed page changed");
    for path in changed.iter().filter(|p| p.as_path() != viewed) {
        assert!(early.pending.contains(path), "{step}: {} changed but was not pending", path.display());
    }
    assert!(!early.pending.iter().any(|p| p == viewed), "{step}");
    assert!(
        !early.pending.iter().any(|p| p.starts_with("css") || p.starts_with("js")),
        "{step}: copied files wait for nothing"
    );
}

#[test]
fn staged_rebuilds_hand_over_the_viewed_pages_first_and_stop_cleanly() {
    let mut s = bundled();
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates");
    let page = fs::read_to_string(theme.join("page.html")).unwrap();
    s.write("templates/page.html", &page);
    s.full("site template added", &["templates"]);
    let viewed = Path::new("notes/index.html");
    let edited = |text: &str| format!("{page}{{% block after_content %}}<p>{text}</p>{{% endblock after_content %}}");

    // A template edit: the viewed page first, final, then every page.
    let before = files(&folio::render_site(&s.options).unwrap());
    s.write("templates/page.html", &edited("Staged edit."));
    let mut stages = Recorder::new(&[viewed, Path::new("no/such/page/index.html")], None);
    let after = s.staged("a template edit", &["templates/page.html"], &mut stages);
    assert_eq!(stages.early.len(), 1);
    assert!(String::from_utf8_lossy(&stages.early[0].ready[0].1).contains("<p>Staged edit.</p>"));
    assert_early_is_final("a template edit", &stages.early[0], viewed, &before, &after);
    assert!(stages.looks >= 1, "the rest was rendered in batches, with a look before each");
    let users = s.rebuilder.report().unwrap().pages_changed;

    // A body edit of the viewed page goes the same way.
    let before = after;
    s.edit("content/notes.md", "Back to", "Now back to");
    let mut stages = Recorder::new(&[viewed], None);
    let after = s.staged("a body edit", &["content/notes.md"], &mut stages);
    assert_early_is_final("a body edit", &stages.early[0], viewed, &before, &after);

    // Stopped before the rest: nothing is kept, and the next rebuild (after
    // a second save of the same template) does it all.
    s.write("templates/page.html", &edited("First save."));
    let mut stages = Recorder::new(&[viewed], Some(0));
    let template = [s.site.root().join("templates/page.html")];
    assert!(s.rebuilder.rebuild_in_stages(&template, &mut stages).unwrap().is_none(), "stopped");
    assert_eq!((stages.early.len(), stages.looks), (1, 1));
    s.write("templates/page.html", &edited("Second save."));
    let report = s.incremental("the save after a stopped rebuild", &["templates/page.html"]);
    assert_eq!(report.pages_changed, users, "{report}");

    // Stopped, then a save that puts the template back and edits a page:
    // the stopped change is not half kept.
    s.write("templates/page.html", &edited("Third save."));
    let mut stages = Recorder::new(&[viewed], Some(0));
    assert!(s.rebuilder.rebuild_in_stages(&template, &mut stages).unwrap().is_none());
    s.write("templates/page.html", &edited("Second save."));
    s.edit("content/notes.md", "Now back to", "Back to");
    s.incremental("a stopped change undone, with a page edit", &["templates/page.html", "content/notes.md"]);

    // The viewed page fails to render: nothing is handed over early, and
    // the rebuild fails as a full build does.
    s.write(
        "templates/page.html",
        &format!("{page}{{% block after_content %}}{{{{ page.no_such_thing.at_all }}}}{{% endblock after_content %}}"),
    );
    let mut stages = Recorder::new(&[viewed], None);
    let got = s.rebuilder.rebuild_in_stages(&template, &mut stages).map(|site| site.expect("not stopped"));
    assert!(assert_same("a template that fails to render", got, folio::render_site(&s.options)));
    assert!(stages.early.is_empty());
    s.write("templates/page.html", &page);
    s.incremental("fixed", &["templates/page.html"]);
}

/// A JPEG of `width` x `height` in one colour.
fn jpeg(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let pixels: Vec<u8> = (0..width * height).flat_map(|i| [shade, (i % 251) as u8, 90]).collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&pixels, width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

#[test]
fn image_edits_match_full_builds() {
    let site = bundled_site();
    site.write(
        "site.yaml",
        &format!("{}images:\n  widths: [100, 200]\n", fs::read_to_string(site.root().join("site.yaml")).unwrap()),
    );
    site.write_bytes("content/nodes/map.jpg", &jpeg(300, 150, 40));
    site.write_bytes("assets/images/team.jpg", &jpeg(260, 200, 200));
    site.write(
        "content/nodes/gbif-cas.md",
        &format!(
            "{}\n![The node's map](map.jpg)\n",
            fs::read_to_string(site.root().join("content/nodes/gbif-cas.md")).unwrap()
        ),
    );
    let mut s = Session::new(site);

    // A page starts showing another picture: its copies join the site.
    s.edit(
        "content/nodes/gbif-cas.md",
        "![The node's map](map.jpg)",
        "![The node's map](map.jpg)\n\n![The team](/assets/images/team.jpg)",
    );
    s.incremental("a picture added to a page", &["content/nodes/gbif-cas.md"]);
    // And stops: they leave it.
    s.edit("content/nodes/gbif-cas.md", "\n\n![The team](/assets/images/team.jpg)", "");
    s.incremental("a picture removed from a page", &["content/nodes/gbif-cas.md"]);

    // The picture itself changes: new copies, new names in the page.
    s.site.write_bytes("content/nodes/map.jpg", &jpeg(320, 160, 160));
    let report = s.full("a picture edited", &["content/nodes/map.jpg"]);
    assert!(report.to_string().contains("map.jpg"), "{report}");

    // A picture that breaks (a warning: the page shows the original), then is mended.
    let good = jpeg(320, 160, 160);
    s.site.write_bytes("content/nodes/map.jpg", &good[..good.len() / 2]);
    s.check("a picture cut short", &["content/nodes/map.jpg"]);
    s.site.write_bytes("content/nodes/map.jpg", &good);
    s.check("the picture mended", &["content/nodes/map.jpg"]);

    // The hero's picture changes.
    s.site.write_bytes("assets/images/Limenitis reducta Staudinger,.jpg", &jpeg(640, 360, 10));
    s.full("the hero edited", &["assets/images/Limenitis reducta Staudinger,.jpg"]);
}

#[test]
fn asset_edits_copy_the_asset_only() {
    let mut s = bundled();
    // (An image that pages show resized is another matter: image_edits_match_full_builds.)
    s.site.write_bytes("assets/images/Press Kit.pdf", b"%PDF-1.4 press kit");
    s.full("an asset added", &["assets/images/Press Kit.pdf"]);
    s.site.write_bytes("assets/images/Press Kit.pdf", b"%PDF-1.4 press kit, second edition");
    let report = s.incremental("an asset", &["assets/images/Press Kit.pdf"]);
    assert_eq!((report.pages_rendered, report.assets_copied), (0, 1), "{report}");
    assert_eq!(report.to_string(), "1 asset copied");

    s.write("content/nodes/report.txt", "a file beside the content");
    s.full("a file beside the content added", &["content/nodes/report.txt"]);
    s.write("content/nodes/report.txt", "a file beside the content, edited");
    assert_eq!(s.incremental("a file beside the content", &["content/nodes/report.txt"]).assets_copied, 1);

    s.write("assets/site.css", "body { color: navy }");
    s.full("an asset added", &["assets/site.css"]);
    fs::remove_file(s.site.root().join("assets/site.css")).unwrap();
    s.full("an asset removed", &["assets/site.css"]);
}

#[test]
fn broken_edits_fail_like_a_full_build_and_their_fix_is_incremental() {
    let mut s = bundled();
    let node = "content/nodes/gbif-cas.md";
    let good = s.read(node);

    // Front matter that does not parse: a full build reports it.
    s.write(node, &good.replacen("---\nThe Global", "The Global", 1));
    s.fails("broken front matter", &[node]);
    s.write(node, &good.replacen("funded by governments", "funded by many governments", 1));
    s.incremental("fixed: only the body differs from the last good build", &[node]);

    // A broken link (an error under strict links), then fixed.
    s.edit(node, "many governments", "[governments](@/no/such/page.md)");
    assert_eq!(s.fails("a broken link", &[node]).full, None);
    s.edit(node, "[governments](@/no/such/page.md)", "governments");
    s.incremental("the link fixed", &[node]);

    // A broken anchor moves down a line: the HTML is the same, the error's place is not.
    s.edit(node, "by governments", "by [governments](@/notes.md#no-such-heading)");
    let report = s.fails("a broken anchor", &[node]);
    assert_eq!(report.pages_changed, 1, "{report}");
    s.edit(node, "\n---\n", "\n---\n\n\n");
    let report = s.fails("the broken anchor a line down", &[node]);
    assert_eq!((report.pages_rendered, report.pages_changed), (1, 0), "{report}");
    s.edit(node, "[governments](@/notes.md#no-such-heading)", "governments");
    s.incremental("the anchor fixed", &[node]);

    // A heading another page links to goes: the other page's anchor breaks.
    let activity = "content/programme/2024/priority-area-1/1-1.md";
    s.edit(activity, "## Indicative tasks for 2024", "## Tasks for 2024");
    let report = s.fails("a linked heading renamed", &[activity]);
    assert_eq!(report.full, None, "{report}");
    s.edit(activity, "## Tasks for 2024", "## Indicative tasks for 2024");
    s.incremental("the heading back", &[activity]);

    // A heading of the one-page view that another page links to.
    s.edit(activity, "---\n## Projected outcomes for 2027", "---\n## Outcomes for 2027");
    assert_eq!(s.fails("an anchor of the one-page view renamed", &[activity]).full, None);
    s.edit(activity, "---\n## Outcomes for 2027", "---\n## Projected outcomes for 2027");
    s.incremental("and back", &[activity]);

    // Two edits, the first of them broken, in one batch after another failed one.
    s.write(node, "---\ntitle: [unclosed\n---\nText.\n");
    s.fails("broken again", &[node]);
    s.write(node, &good);
    s.edit("content/nodes/_index.md", "\n---\n", "\n---\nThe nodes.\n\n");
    s.incremental("both fixed", &[node, "content/nodes/_index.md"]);
}

/// Many body edits at random (a fixed sequence): text, links to other
/// pages with and without anchors (some broken), renamed headings, and
/// files put back, one to three files at a time. Broken links are warnings
/// here, so that every step is a whole site to compare.
#[test]
fn random_body_edits_match_full_builds() {
    let site = bundled_site();
    let config = std::fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}strict_links: false\n"));
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates");
    let page_template = fs::read_to_string(theme.join("page.html")).unwrap();
    site.write("templates/page.html", &page_template);
    let mut s = Session::new(site);
    let root = s.site.root().to_path_buf();
    let docs: Vec<String> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(&root).unwrap().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".md") && !p.contains("drafts"))
        .collect();
    let originals: Vec<String> = docs.iter().map(|d| s.read(d)).collect();
    let anchors = ["", "#indicative-tasks-for-2024", "#projected-outcomes-for-2027", "#links", "#no-such-id"];
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let (mut incremental, mut steps) = (0, 0);
    for step in 0..40 {
        let mut changed = Vec::new();
        if next(8) == 0 {
            let block =
                format!("{{% block after_content %}}<p id=\"t{}\">{step}</p>{{% endblock after_content %}}", next(3));
            s.write("templates/page.html", &format!("{page_template}{block}"));
            changed.push("templates/page.html");
        }
        for _ in 0..1 + next(3) {
            let i = next(docs.len());
            let text = s.read(&docs[i]);
            let edited = match next(12) {
                // Front matter: a full build, reusing the other documents.
                11 => text.replacen("title: ", "title: Re-", 1),
                0..=2 => format!("{text}\nRandom text {step}.\n"),
                3..=6 => {
                    let target = &docs[next(docs.len())];
                    let target = target.trim_start_matches("content/");
                    format!("{text}\nSee [another page](@/{target}{}).\n", anchors[next(anchors.len())])
                }
                7 | 8 => text.replacen("\n## ", &format!("\n## Renamed {step} "), 1),
                _ => originals[i].clone(),
            };
            s.write(&docs[i], &edited);
            changed.push(docs[i].as_str());
        }
        let report = s.check(&format!("random step {step} ({changed:?})"), &changed);
        steps += 1;
        incremental += usize::from(report.full.is_none());
    }
    assert!(incremental * 2 > steps, "most steps are incremental: {incremental} of {steps}");
}

/// Times edits of a large site through the rebuilder:
///
/// ```text
/// python3 scripts/bench-corpus.py 10000 folio /tmp/inc10k
/// FOLIO_BENCH_SITE=/tmp/inc10k cargo test --release --test incremental -- --ignored --nocapture
/// ```
///
/// It adds `templates/page.html` (the theme's own) to the site, edits one
/// page's text 20 times, then that template 20 times, and puts both back.
#[test]
#[ignore = "a benchmark: needs FOLIO_BENCH_SITE"]
fn bench_edits_of_a_large_site() {
    use std::time::{Duration, Instant};
    let Some(root) = std::env::var_os("FOLIO_BENCH_SITE").map(PathBuf::from) else {
        eprintln!("set FOLIO_BENCH_SITE to a site made by scripts/bench-corpus.py");
        return;
    };
    let runs: usize = std::env::var("FOLIO_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates/page.html");
    let template = root.join("templates/page.html");
    fs::create_dir_all(template.parent().unwrap()).unwrap();
    let template_text = fs::read_to_string(&theme).unwrap();
    fs::write(&template, &template_text).unwrap();
    let page = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .find(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .expect("a page");
    let page_text = fs::read_to_string(&page).unwrap();

    let mut options = BuildOptions::new(&root);
    options.base_url = Some("http://127.0.0.1:1111/".into());
    let mut rebuilder = IncrementalRebuild::new(options);
    let started = Instant::now();
    let site = rebuilder.rebuild(&[]).expect("the site builds");
    println!("first build: {} pages in {} ms", site.pages, started.elapsed().as_millis());
    drop(site);

    let summary = |what: &str, mut times: Vec<Duration>, report: &RebuildReport| {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let p95 = times[(times.len() * 95).div_ceil(100) - 1];
        println!(
            "{what}: median {:.1} ms, p95 {:.1} ms, min {:.1} ms, max {:.1} ms over {} edits ({report})",
            ms(times[times.len() / 2]),
            ms(p95),
            ms(times[0]),
            ms(times[times.len() - 1]),
            times.len()
        );
    };
    let mut times = Vec::new();
    let mut stages = Vec::new();
    for i in 0..runs {
        fs::write(&page, page_text.replacen("\n\n", &format!("\n\nEdit number {i}.\n\n"), 1)).unwrap();
        let started = Instant::now();
        let site = rebuilder.rebuild(std::slice::from_ref(&page)).expect("the site builds");
        times.push(started.elapsed());
        stages =
            site.timings.stages.iter().map(|s| format!("{} {:.2} ms", s.name, s.took.as_secs_f64() * 1000.0)).collect();
        drop(site);
    }
    println!("stages of the last page edit: {}", stages.join(", "));
    let report = rebuilder.report().unwrap();
    assert_eq!(report.full, None);
    summary("page edit", times, &report);

    let mut times = Vec::new();
    for i in 0..runs {
        let edited = format!("{template_text}{{% block after_content %}}<p>Edit {i}</p>{{% endblock after_content %}}");
        fs::write(&template, edited).unwrap();
        let started = Instant::now();
        let site = rebuilder.rebuild(std::slice::from_ref(&template)).expect("the site builds");
        times.push(started.elapsed());
        drop(site);
    }
    let report = rebuilder.report().unwrap();
    assert_eq!(report.full, None);
    summary("template edit", times, &report);

    fs::write(&page, page_text).unwrap();
    fs::remove_file(&template).unwrap();
}

/// `folio serve` keeps highlighted blocks across rebuilds; whatever it
/// takes from there must be what a fresh build highlights.
#[test]
fn code_blocks_remembered_across_rebuilds_match_full_builds() {
    let site = bundled_site();
    let rust = "```rust\nfn main() {\n    let greeting = \"hello\"; // a comment\n}\n```\n";
    let yaml = "```yaml\ntitle: \"Work Programme\"\nyear: 2024\n```\n";
    site.write("content/code.md", &format!("---\ntitle: Code\n---\n{rust}\nSome text.\n\n{yaml}"));
    site.write("content/more-code.md", &format!("---\ntitle: More code\n---\n{rust}"));
    let mut s = Session::new(site);

    s.edit("content/code.md", "\"hello\"", "\"hello, world\"");
    s.incremental("a code block edited", &["content/code.md"]);
    s.edit("content/code.md", "\"hello, world\"", "\"hello\"");
    s.incremental("the edit undone: the block as it was before", &["content/code.md"]);
    s.edit("content/code.md", "year: 2024", "year: 2025\ndraft: false");
    s.incremental("the second block edited", &["content/code.md"]);

    // A template every page uses: every block comes from what was kept.
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates");
    let page = fs::read_to_string(theme.join("page.html")).unwrap();
    s.write("templates/page.html", &format!("{page}{{# edited #}}"));
    s.full("a site template added", &["templates"]);
    s.write("templates/page.html", &format!("{page}{{# edited again #}}"));
    s.incremental("page.html edited", &["templates/page.html"]);

    // A full build forgets blocks no page has; the next edit brings one back.
    s.write("site.yaml", &s.read("site.yaml").replacen("title:", "title: Code |", 1));
    s.full("site.yaml edited", &["site.yaml"]);
    s.edit("content/code.md", "year: 2025\ndraft: false", "year: 2024");
    s.incremental("a forgotten block again", &["content/code.md"]);
    s.write("content/more-code.md", "---\ntitle: More code\n---\n```python\nprint('no more rust')\n```\n");
    s.incremental("a block replaced by one in another language", &["content/more-code.md"]);
}

#[test]
fn translations_rebuild_like_any_page() {
    let mut s = bundled();
    // A translation's text: that page alone.
    s.edit("content/nodes/gbif-cas.es.md", "El nodo GBIF-CAS seguirá", "El nodo GBIF-CAS también seguirá");
    let report = s.incremental("a translation's body", &["content/nodes/gbif-cas.es.md"]);
    assert_eq!((report.pages_rendered, report.pages_changed), (1, 1), "{report}");

    // A link from a Spanish page goes to the Spanish version: the same
    // rebuild as any new link.
    s.edit("content/_index.es.md", "Por ahora,", "Por ahora (vea el [nodo](@/nodes/gbif-cas.md)),");
    let report = s.incremental("a link on the Spanish home", &["content/_index.es.md"]);
    assert!(report.pages_rendered <= 2, "{report}");

    // A translation added or removed changes the switcher of every version.
    s.write("content/meetings/_index.es.md", "---\ntitle: Reuniones\n---\nLas reuniones de los nodos.\n");
    s.full("a new translation", &["content/meetings/_index.es.md"]);
    s.edit("content/meetings/_index.es.md", "Las reuniones", "Todas las reuniones");
    s.incremental("the new translation's body", &["content/meetings/_index.es.md"]);
    fs::remove_file(s.site.root().join("content/meetings/_index.es.md")).unwrap();
    s.full("a translation removed", &["content/meetings/_index.es.md"]);

    // Interface strings are on every page.
    s.write("i18n/es.yaml", "on_this_page: Contenido de la página\n");
    s.full("the site's interface strings", &["i18n/es.yaml"]);
    s.write("i18n/es.yaml", "on_this_page: [not, text]\n");
    s.fails("interface strings that are not text", &["i18n/es.yaml"]);
    fs::remove_file(s.site.root().join("i18n/es.yaml")).unwrap();
    s.full("the site's strings removed", &["i18n/es.yaml"]);
}

/// The files of the site a full build of the session's files makes.
fn full_build_paths(s: &Session) -> Vec<String> {
    let site = folio::render_site(&s.options).expect("builds");
    site.output.files.keys().map(|p| p.to_string_lossy().into_owned()).collect()
}

#[test]
fn search_index_sitemap_feeds_and_redirects_follow_every_rebuild() {
    let site = bundled_site();
    site.write("content/news/_index.md", "---\ntitle: News\nfeed: true\n---\nWhat is new.\n");
    site.write("content/news/first.md", "---\ntitle: First news\ndate: 2024-03-01\n---\nThe first words.\n");
    site.write("content/news/second.md", "---\ntitle: Second news\ndate: 2024-04-01\n---\nMore words.\n");
    let mut s = Session::new(site);
    assert!(full_build_paths(&s).iter().any(|p| p == "news/atom.xml" || p == "sitemap.xml"));

    // A word no page had: its shard appears, and only the shards of the
    // changed words are written again.
    s.edit("content/news/first.md", "The first words.", "The first words, about zanzibarite.");
    s.incremental("a new word", &["content/news/first.md"]);
    assert!(full_build_paths(&s).contains(&"search-index/en/za.json".to_string()));
    s.edit("content/news/first.md", ", about zanzibarite.", ".");
    s.incremental("the word gone, and its shard with it", &["content/news/first.md"]);
    assert!(!full_build_paths(&s).contains(&"search-index/en/za.json".to_string()));
    // A word that many pages have, once more on one page: its weight changes.
    s.edit("content/nodes/gbif-cas.md", "massive biodiversity", "massive biodiversity data");
    s.incremental("a common word more often", &["content/nodes/gbif-cas.md"]);

    // Front matter: the feed's dates and the sitemap's lastmod, aliases.
    s.edit("content/news/second.md", "date: 2024-04-01", "date: 2024-04-01\nupdated: 2024-05-02");
    s.full("updated in a feed", &["content/news/second.md"]);
    s.edit("content/news/first.md", "date: 2024-03-01", "date: 2024-03-01\naliases: [/old-news/]");
    s.full("an alias added", &["content/news/first.md"]);
    assert!(full_build_paths(&s).contains(&"old-news/index.html".to_string()));
    s.edit("content/news/first.md", "date: 2024-03-01", "date: 2024-03-01\nsearch: false");
    s.full("a page left out of the search index", &["content/news/first.md"]);

    // A template edit that changes no text leaves the index as it is; one
    // that adds text to every page changes every shard of its words.
    let theme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/gbif/templates");
    let page = fs::read_to_string(theme.join("page.html")).unwrap();
    s.write("templates/page.html", &page);
    s.full("a site template added", &["templates"]);
    s.write("templates/page.html", &format!("{page}{{# edited #}}"));
    s.incremental("page.html edited, no text changed", &["templates/page.html"]);
    s.write(
        "templates/page.html",
        &page.replacen("{% block content %}", "{% block content %}<p>Quokkas everywhere.</p>", 1),
    );
    s.incremental("page.html edited with new words", &["templates/page.html"]);
    assert!(full_build_paths(&s).contains(&"search-index/en/qu.json".to_string()));
}
