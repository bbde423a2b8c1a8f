//! Incremental rebuilds for `folio serve`: the rebuilder keeps everything the
//! last build worked out (`Build`) and, told which files changed, redoes
//! only what those files can touch. The result is always the site a full
//! build of the same files makes, byte for byte; whatever cannot be traced
//! that precisely falls back to a full build, which still reuses the
//! documents and links passes of the files that did not change.
//!
//! What a change redoes:
//! - `site.yaml`, `data/`, a file added, removed or renamed, a folder
//!   whose files are not the ones the last build read, a Markdown file that
//!   does not load, a template that does not compile: a full build.
//! - A Markdown file whose front matter text and title stay the same: its
//!   links pass; the backlinks; its page, every page whose backlinks list
//!   changed, and, in a programme, every page of the programme (they all
//!   see the programme's view, which holds its text); then the link checks
//!   of the pages re-rendered and of the pages whose anchors point into a
//!   page whose ids changed.
//! - A Markdown file whose front matter (or title) changed: a full build
//!   (titles, URLs, order, listings and calendars can all change).
//! - A template: the pages whose template uses it, directly or through
//!   `extends` and `include` (any quoted template name counts); every page
//!   when it defines or defined a component (components are global).
//! - An asset (`assets/`, the theme's `static/`, files beside the content):
//!   nothing to render; the server reads the file again.
//!
//! Told through [`Stages`] (as `folio serve` does), a rebuild with many pages
//! to render renders the pages browsers are viewing first and hands them
//! over before the rest, and stops between batches of pages when a newer
//! change comes, leaving the last build as it was.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::build::{self, Build, BuildOptions, BuiltSite, NewTemplates, PageBytes, Reuse, ReverseIndex, Timings, Unit};
use crate::content::{self, DocId, Document, PerDoc, SectionId, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics, Error};
use crate::files;
use crate::links;
use crate::markdown::{self, Highlighter};
use crate::output::OutputContent;
use crate::render::SiteValues;
use crate::text::plural;
use crate::theme::{FileSource, TemplateFile, Theme};

/// Makes a new site from the files on disk. [`FullRebuild`] runs the whole
/// build; [`IncrementalRebuild`] (what `folio serve` uses) uses `changed`
/// to redo only what those files touch. Called from one thread, one build
/// at a time.
pub trait Rebuild: Send {
    /// `changed` holds the absolute paths the watcher reported (created,
    /// modified, removed or renamed), sorted; it is empty for the first
    /// build, which must build everything. A path may be a folder that was
    /// created, moved or removed whole: then anything under it may have
    /// changed (files written into a brand-new folder before the watcher
    /// saw it are not reported one by one).
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuiltSite, Error>;

    /// [`Rebuild::rebuild`], told by `stages` which pages to render first,
    /// where to hand them, and when to stop; `Ok(None)` when it stopped
    /// (the next rebuild redoes `changed`). By default it renders in one go.
    fn rebuild_in_stages(&mut self, changed: &[PathBuf], stages: &mut dyn Stages) -> Result<Option<BuiltSite>, Error> {
        let _ = stages;
        self.rebuild(changed).map(Some)
    }

    /// What the last rebuild did, for the log line; `None` when the
    /// rebuilder does not tell.
    fn report(&self) -> Option<RebuildReport> {
        None
    }
}

/// What a rebuild is told while it renders (by `folio serve`).
pub trait Stages {
    /// The output paths (`nodes/gbif-cas/index.html`) of the pages to render
    /// before the others, when `to_render` pages are to be rendered; none to
    /// render them all at once.
    fn first(&mut self, to_render: usize) -> Vec<PathBuf>;
    /// The first pages, as the finished rebuild will have them, while the
    /// rest are rendered. Not called when one of them failed to render.
    fn early(&mut self, pages: EarlyPages);
    /// Whether to stop (a newer change came). Asked between batches of pages.
    fn cancelled(&mut self) -> bool;
}

/// Renders everything in one go and never stops.
pub struct AllAtOnce;

impl Stages for AllAtOnce {
    fn first(&mut self, _to_render: usize) -> Vec<PathBuf> {
        Vec::new()
    }
    fn early(&mut self, _pages: EarlyPages) {}
    fn cancelled(&mut self) -> bool {
        false
    }
}

/// Pages rendered ahead of the rest of a rebuild.
#[derive(Debug, Clone, Default)]
pub struct EarlyPages {
    /// Their output paths and bytes, final.
    pub ready: Vec<(PathBuf, Arc<[u8]>)>,
    /// Output files the rebuild may still change: the other pages it
    /// renders, and every file made from pages (search index, sitemap,
    /// feeds, redirects); files copied as they are are not among them.
    pub pending: Vec<PathBuf>,
}

/// Pages rendered between two looks at [`Stages::cancelled`]: at 10,000
/// pages a batch takes a few tens of milliseconds on two cores.
const BATCH: usize = 512;

/// Rebuilds the whole site with [`build::render_site`] on every change.
pub struct FullRebuild {
    pub options: BuildOptions,
}

impl FullRebuild {
    pub fn new(options: BuildOptions) -> FullRebuild {
        FullRebuild { options }
    }
}

impl Rebuild for FullRebuild {
    fn rebuild(&mut self, _changed: &[PathBuf]) -> Result<BuiltSite, Error> {
        build::render_site(&self.options)
    }
}

/// What one rebuild did, for the server's log line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RebuildReport {
    /// Why everything was built again; `None` for an incremental rebuild.
    pub full: Option<String>,
    /// Pages rendered from a template (pages, sections and the pages folio
    /// makes for a programme).
    pub pages_rendered: usize,
    /// Of those, the pages whose HTML changed.
    pub pages_changed: usize,
    /// Copied files the server reads again.
    pub assets_copied: usize,
    /// Markdown files read again.
    pub documents_read: usize,
    /// Documents whose links pass ran again (the others were reused).
    pub links_passes: usize,
}

impl fmt::Display for RebuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.full, self.pages_rendered) {
            (Some(reason), 0) => return write!(f, "full rebuild, {reason}"),
            (Some(reason), n) => return write!(f, "full rebuild, {reason}: {} rendered", plural(n, "page")),
            (None, _) => {}
        }
        let mut parts = Vec::new();
        if self.pages_rendered > 0 {
            parts.push(format!("{} re-rendered", plural(self.pages_rendered, "page")));
        }
        if self.assets_copied > 0 {
            parts.push(format!("{} copied", plural(self.assets_copied, "asset")));
        }
        match parts.is_empty() {
            true => write!(f, "nothing to redo"),
            false => write!(f, "{}", parts.join(", ")),
        }
    }
}

/// The rebuilder `folio serve` uses: see the module's documentation.
pub struct IncrementalRebuild {
    options: BuildOptions,
    highlighter: Arc<Highlighter>,
    /// The last build that got as far as the link checks, with its indexes.
    state: Option<State>,
    /// Paths reported since `state` was built: what may differ from it.
    dirty: BTreeSet<PathBuf>,
    report: Option<RebuildReport>,
}

impl IncrementalRebuild {
    pub fn new(options: BuildOptions) -> IncrementalRebuild {
        IncrementalRebuild {
            highlighter: Arc::new(Highlighter::cached(options.highlight)),
            options,
            state: None,
            dirty: BTreeSet::new(),
            report: None,
        }
    }

    /// What the last rebuild did.
    pub fn last_report(&self) -> Option<&RebuildReport> {
        self.report.as_ref()
    }

    fn full(&mut self, reason: String) -> Result<BuiltSite, Error> {
        let dirty = &self.dirty;
        let changed = |path: &Path| dirty.iter().any(|d| path.starts_with(d));
        let reuse = Reuse { previous: self.state.as_ref().map(|s| &s.build), changed: &changed };
        let built = Build::full(&self.options, PageBytes::Kept, &reuse, Arc::clone(&self.highlighter));
        let build = match built {
            Ok(build) => build,
            Err(e) => {
                // The last good build stays, with everything since in `dirty`.
                self.report = Some(RebuildReport { full: Some(reason), ..RebuildReport::default() });
                return Err(e);
            }
        };
        let content_dir = self.options.root.join(CONTENT_DIR);
        let read = match self.state.is_some() {
            true => build.markdown_files().iter().filter(|rel| changed(&content_dir.join(rel))).count(),
            false => build.markdown_files().len(),
        };
        self.report = Some(RebuildReport {
            full: Some(reason),
            pages_rendered: build.pages_rendered(),
            pages_changed: build.pages_rendered(),
            assets_copied: build.output().count_copied(),
            documents_read: read,
            links_passes: build.links_passes_run(),
        });
        self.dirty.clear();
        // Every page was rendered: a block not highlighted now is on no page.
        self.highlighter.forget_unused();
        let state = self.state.insert(State::new(build, &self.options.root));
        state.build.site()
    }
}

impl Rebuild for IncrementalRebuild {
    fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuiltSite, Error> {
        let built = self.rebuild_in_stages(changed, &mut AllAtOnce)?;
        Ok(built.expect("AllAtOnce never stops"))
    }

    fn rebuild_in_stages(&mut self, changed: &[PathBuf], stages: &mut dyn Stages) -> Result<Option<BuiltSite>, Error> {
        self.dirty.extend(changed.iter().cloned());
        let Some(state) = &self.state else {
            let reason = if changed.is_empty() { "first build" } else { "no good build to start from" };
            return self.full(reason.into()).map(Some);
        };
        if changed.is_empty() {
            return self.full("everything asked for".into()).map(Some);
        }
        let mut timings = Timings::default();
        let plan = state.plan(&self.options.root, &self.dirty);
        timings.mark("load");
        let changes = match plan {
            Plan::Full(reason) => return self.full(reason).map(Some),
            Plan::Incremental(changes) => changes,
        };
        // Taken out while it changes: should a bug panic half way, the next
        // rebuild starts afresh rather than from a state half changed.
        let mut state = self.state.take().expect("checked above");
        let result = match state.apply(*changes, timings, stages) {
            Ok(Some(report)) => {
                self.report = Some(report);
                self.dirty.clear();
                state.build.site().map(Some)
            }
            // Nothing was kept: the files stay in `dirty` for the next rebuild.
            Ok(None) => {
                self.report = None;
                Ok(None)
            }
            Err((diagnostics, tried)) => {
                // Nothing was kept: the files stay in `dirty` for the next rebuild.
                self.report = Some(tried);
                Err(Error::Failed(diagnostics))
            }
        };
        self.state = Some(state);
        result
    }

    fn report(&self) -> Option<RebuildReport> {
        self.report.clone()
    }
}

/// Where a document sits in the last build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocRef {
    Doc(DocId),
    /// Left out of the tree (a draft).
    Draft,
}

/// What kind of input a file the last build read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    /// A Markdown file in `content/`.
    Document,
    /// A template of the site or of the theme.
    Template,
    /// A file copied as it is.
    Copied,
    /// An image pages show resized: its copies' names hold its hash.
    Image,
}

/// The last build and what the rebuilder looks things up by.
struct State {
    build: Build,
    /// Documents by their path inside `content/`.
    docs: HashMap<PathBuf, DocRef>,
    /// Every file the build read, by full path.
    inputs: BTreeMap<PathBuf, Input>,
    /// Whether the theme came from `themes/<name>/` rather than the binary.
    theme_on_disk: bool,
    /// Rendered units by their URL path (for backlinks).
    by_url: HashMap<String, Vec<Unit>>,
    /// For each document: the pages (output paths) whose ids its link
    /// check looks at.
    anchors: PerDoc<Vec<String>>,
    /// Output path -> the documents whose link check looks at its ids.
    anchor_referrers: ReverseIndex,
}

/// What a rebuild has to do.
enum Plan {
    Full(String),
    Incremental(Box<Changes>),
}

/// Changes an incremental rebuild can follow, read and checked; nothing in
/// the state is touched until they are applied.
#[derive(Default)]
struct Changes {
    /// Documents whose body changed (front matter text and title the same).
    bodies: Vec<(DocId, Document)>,
    /// Drafts that stay drafts.
    drafts: Vec<Document>,
    templates: Option<NewTemplates>,
    assets: usize,
    read: usize,
}

/// A changed path, sorted out.
enum Kind {
    Ignore,
    Full(String),
    Files(Vec<(PathBuf, Input)>),
}

/// What rendering the affected pages gave: every page, or the problems
/// a full build of the same files reports.
type Rendered = Result<Vec<(Unit, build::Out)>, Diagnostics>;

impl State {
    fn new(build: Build, root: &Path) -> State {
        let tree = build.tree();
        let mut docs = HashMap::new();
        for id in tree.doc_ids() {
            let rel = &tree.document(id).rel;
            // The root's stand-in `_index.md` is not a file.
            if build.markdown_files().contains(rel) {
                docs.insert(rel.clone(), DocRef::Doc(id));
            }
        }
        for doc in build.drafts() {
            docs.insert(doc.rel.clone(), DocRef::Draft);
        }

        let mut inputs = BTreeMap::new();
        let content_dir = root.join(CONTENT_DIR);
        for rel in build.markdown_files() {
            inputs.insert(content_dir.join(rel), Input::Document);
        }
        for file in build.output().files.values() {
            if let OutputContent::Copied(FileSource::Disk(path)) = &file.content {
                inputs.insert(path.clone(), Input::Copied);
            }
        }
        for source in build.image_sources() {
            inputs.insert(source.to_path_buf(), Input::Image);
        }
        for name in build.site_templates().keys() {
            inputs.insert(root.join("templates").join(name), Input::Template);
        }
        let theme_dir = root.join("themes").join(&build.theme().name);
        let theme_on_disk = theme_dir.is_dir();
        if theme_on_disk {
            for name in build.theme().templates.keys() {
                inputs.insert(theme_dir.join("templates").join(name), Input::Template);
            }
        }

        let by_url = build.units_by_url();
        let paths = links::OutputPaths::new(build.output().paths(), &build.output().host);
        let checker = build.checker();
        let anchors = tree.per_doc(|id| checker.anchor_targets(id, &paths, build.config().base_path()));
        let anchor_referrers = ReverseIndex::new(anchors.iter().map(|(id, targets)| (id, targets.as_slice())));
        drop(paths);
        State { build, docs, inputs, theme_on_disk, by_url, anchors, anchor_referrers }
    }

    /// Sorts out every path that may have changed, reads the documents and
    /// templates among them, and decides whether an incremental rebuild can
    /// follow.
    fn plan(&self, root: &Path, dirty: &BTreeSet<PathBuf>) -> Plan {
        let mut files: BTreeMap<PathBuf, Input> = BTreeMap::new();
        for path in dirty {
            match self.classify(root, path) {
                Kind::Ignore => {}
                Kind::Full(reason) => return Plan::Full(reason),
                Kind::Files(found) => files.extend(found),
            }
        }
        let mut changes = Changes::default();
        let content_dir = root.join(CONTENT_DIR);
        let mut templates_changed = false;
        for (path, input) in files {
            match input {
                Input::Copied => changes.assets += 1,
                Input::Image => {
                    let shown = content::display_path(root, &path);
                    return Plan::Full(format!("the image {} changed", shown.display()));
                }
                Input::Template => templates_changed = true,
                Input::Document => {
                    let rel = path.strip_prefix(&content_dir).unwrap_or(&path).to_path_buf();
                    let shown = content::display_path(root, &path);
                    changes.read += 1;
                    let doc = match content::read_document(&path, shown.clone(), rel.clone()) {
                        Ok(doc) => doc,
                        Err(_) => return Plan::Full(format!("{} does not load", shown.display())),
                    };
                    let Some(&place) = self.docs.get(&rel) else {
                        return Plan::Full(format!("{} is new", shown.display()));
                    };
                    let Some(old) = self.document(place, &rel) else {
                        return Plan::Full(format!("{} is new", shown.display()));
                    };
                    if old.text == doc.text {
                        continue;
                    }
                    if self.build.config().liquid && markdown::liquid::has_liquid(&doc.text) {
                        // What its Liquid prints is worked out with the whole site.
                        return Plan::Full(format!("{} uses Liquid", shown.display()));
                    }
                    let same_front = old.text[..old.body_start] == doc.text[..doc.body_start];
                    match place {
                        DocRef::Draft if same_front => changes.drafts.push(doc),
                        DocRef::Doc(id) if same_front && content::title_of(&doc).0 == self.build.tree().title(id) => {
                            changes.bodies.push((id, doc))
                        }
                        _ => return Plan::Full(format!("the front matter or title of {} changed", shown.display())),
                    }
                }
            }
        }
        if templates_changed {
            match self.new_templates(root) {
                Ok(new) => changes.templates = new,
                Err(reason) => return Plan::Full(reason),
            }
        }
        Plan::Incremental(Box::new(changes))
    }

    fn document(&self, place: DocRef, rel: &Path) -> Option<&Document> {
        match place {
            DocRef::Doc(id) => Some(self.build.tree().document(id)),
            DocRef::Draft => self.build.draft(rel),
        }
    }

    /// What a changed path is to the last build.
    fn classify(&self, root: &Path, path: &Path) -> Kind {
        let Ok(rel) = path.strip_prefix(root) else { return Kind::Ignore };
        let shown = rel.display();
        let mut parts = rel.components();
        let first = match parts.next() {
            Some(Component::Normal(first)) => first.to_string_lossy().into_owned(),
            None => return Kind::Full("the site's folder changed".into()),
            Some(_) => return Kind::Ignore,
        };
        if rel.components().any(|c| files::is_ignored(c.as_os_str())) {
            return Kind::Ignore;
        }
        let theme_dir = root.join("themes").join(&self.build.theme().name);
        match first.as_str() {
            "site.yaml" if rel == Path::new("site.yaml") => return Kind::Full("site.yaml changed".into()),
            // Interface strings are on every page.
            "data" | markdown::liquid::INCLUDES_DIR | crate::i18n::I18N_DIR => {
                return Kind::Full(format!("{shown} changed"))
            }
            "content" | "assets" | "templates" => {}
            "themes" if theme_dir.starts_with(path) || path.starts_with(&theme_dir) => {
                if theme_dir.is_dir() != self.theme_on_disk {
                    return Kind::Full(format!("{shown} changed which theme is used"));
                }
                if !self.theme_on_disk {
                    return Kind::Ignore;
                }
                if path.starts_with(theme_dir.join(crate::i18n::I18N_DIR)) {
                    return Kind::Full(format!("{shown} changed"));
                }
            }
            _ => return Kind::Ignore,
        }
        let known_under: Vec<(&PathBuf, &Input)> =
            self.inputs.range(path.to_path_buf()..).take_while(|(p, _)| p.starts_with(path)).collect();
        let meta = std::fs::metadata(path);
        match meta {
            Err(_) if known_under.is_empty() => Kind::Ignore,
            Err(_) => Kind::Full(format!("{shown} was removed or renamed")),
            Ok(meta) if meta.is_file() => match self.inputs.get(path) {
                Some(&input) => Kind::Files(vec![(path.to_path_buf(), input)]),
                None if self.is_read(root, path) => Kind::Full(format!("{shown} is new")),
                None => Kind::Ignore,
            },
            Ok(_) => {
                // A folder: unchanged if it holds the files the build read.
                let listed: BTreeSet<PathBuf> = files::list(path, root)
                    .files
                    .into_iter()
                    .map(|(_, full)| full)
                    .filter(|full| self.inputs.contains_key(full) || self.is_read(root, full))
                    .collect();
                let known: BTreeSet<PathBuf> = known_under.iter().map(|(p, _)| (*p).clone()).collect();
                if listed != known {
                    return Kind::Full(format!("files were added to or removed from {shown}"));
                }
                Kind::Files(known_under.into_iter().map(|(p, &input)| (p.clone(), input)).collect())
            }
        }
    }

    /// Whether a build reads a file at `path` (one it did not read before).
    fn is_read(&self, root: &Path, path: &Path) -> bool {
        let theme_dir = root.join("themes").join(&self.build.theme().name);
        let inside = |dir: &Path| path.strip_prefix(dir).is_ok_and(|r| !r.as_os_str().is_empty());
        inside(&root.join(CONTENT_DIR))
            || inside(&root.join("assets"))
            || inside(&root.join("templates"))
            || (self.theme_on_disk && (inside(&theme_dir.join("templates")) || inside(&theme_dir.join("static"))))
    }

    /// The templates as they are now, when only their sources changed;
    /// `Err` (why) when a full build must follow.
    fn new_templates(&self, root: &Path) -> Result<Option<NewTemplates>, String> {
        let build = &self.build;
        let (theme, site_templates, templates) = build::load_templates(root, build.config(), build.images())
            .map_err(|_| "a template does not compile".to_string())?;
        let old = merged(build.theme(), build.site_templates());
        let new = merged(&theme, &site_templates);
        if !old.keys().eq(new.keys()) || !build.theme().static_files.keys().eq(theme.static_files.keys()) {
            return Err("the set of templates changed".into());
        }
        let changed: BTreeSet<String> =
            new.iter().filter(|(name, file)| old[*name].source != file.source).map(|(n, _)| n.to_string()).collect();
        Ok((!changed.is_empty()).then_some(NewTemplates { theme, site_templates, templates, changed }))
    }

    /// Makes the changes, step by step: swap the bodies, relink them, find
    /// the pages affected, render those (in the stages `stages` asks for),
    /// then commit or roll back, and check again the links that can have
    /// changed. On an error nothing is kept and the diagnostics are those a
    /// full build of the same files reports; stopped, nothing is kept
    /// either (`Ok(None)`).
    fn apply(
        &mut self,
        changes: Changes,
        mut timings: Timings,
        stages: &mut dyn Stages,
    ) -> Result<Option<RebuildReport>, (Diagnostics, RebuildReport)> {
        let Changes { bodies, drafts, templates, assets, read } = changes;
        for draft in drafts {
            self.build.replace_draft(draft);
        }
        let edited: Vec<DocId> = bodies.iter().map(|(id, _)| *id).collect();
        let old_documents = self.build.replace_documents(bodies);
        let (old_passes, backlinks_changed) = self.relink(&edited);
        timings.mark("markdown");

        let values = self.programme_values(&edited);
        let units = self.affected(&edited, &backlinks_changed, values.as_ref(), templates.as_ref());
        let rendered = self.render(&units, values.as_ref(), templates.as_ref(), stages);
        timings.mark("templates");
        let tried = RebuildReport {
            full: None,
            pages_rendered: units.len(),
            pages_changed: 0,
            assets_copied: assets,
            documents_read: read,
            links_passes: edited.len(),
        };
        let pages = match rendered {
            Some(Ok(pages)) => pages,
            failed_or_stopped => {
                self.build.replace_links_passes(old_passes);
                self.build.replace_documents(old_documents);
                return match failed_or_stopped {
                    Some(Err(diagnostics)) => Err((diagnostics, tried)),
                    _ => Ok(None),
                };
            }
        };
        let changed = self.commit(pages, values, templates);
        self.recheck(&edited, &changed);
        timings.mark("links");
        self.build.set_timings(timings);
        Ok(Some(RebuildReport { pages_changed: changed.units.len(), ..tried }))
    }

    /// Runs the links passes of the edited documents again and takes them
    /// into the build (with the backlinks); returns the passes they
    /// replaced and the URL paths whose backlinks changed.
    fn relink(&mut self, edited: &[DocId]) -> (Vec<(DocId, Arc<build::LinksPass>)>, BTreeSet<String>) {
        let passes = self.build.links_passes(edited);
        self.build.replace_links_passes(passes)
    }

    /// A programme's view holds the text of its pages: when one of them was
    /// edited, the site's values are made again.
    fn programme_values(&self, edited: &[DocId]) -> Option<SiteValues> {
        let tree = self.build.tree();
        let in_programme = edited.iter().any(|&id| tree.programme_of(tree.section_of(id)).is_some());
        in_programme.then(|| SiteValues::new(&self.build.render_inputs(), &self.build.markdown()))
    }

    /// The pages to render again: the edited documents, the pages whose
    /// backlinks changed, every page of a programme an edited document is
    /// in, and the pages whose template uses a changed template.
    fn affected(
        &self,
        edited: &[DocId],
        backlinks_changed: &BTreeSet<String>,
        values: Option<&SiteValues>,
        templates: Option<&NewTemplates>,
    ) -> Vec<Unit> {
        let build = &self.build;
        let tree = build.tree();
        let mut units: BTreeSet<Unit> = edited.iter().map(|&id| Unit::Doc(id)).collect();
        for target in backlinks_changed {
            units.extend(self.by_url.get(target).into_iter().flatten().copied());
        }
        if let Some(values) = values {
            let programmes: BTreeSet<SectionId> =
                edited.iter().filter_map(|&id| tree.programme_of(tree.section_of(id))).collect();
            units.extend(build.units().filter(|&&unit| {
                let programme = match unit {
                    Unit::Doc(id) => tree.programme_of(tree.section_of(id)),
                    Unit::Generated(part) => Some(values.programmes.generated[part].programme),
                    Unit::Theme(_) => None,
                };
                programme.is_some_and(|p| programmes.contains(&p))
            }));
        }
        if let Some(new) = templates {
            let sources = merged(&new.theme, &new.site_templates);
            let old_sources = merged(build.theme(), build.site_templates());
            // Components are global: a change to a file that defines one
            // can reach every page.
            let global = new.changed.iter().any(|name| {
                defines_component(&sources[name.as_str()].source)
                    || defines_component(&old_sources[name.as_str()].source)
            });
            let users = users_of(&sources, &new.changed);
            let markdown = build.markdown();
            let renderer = build::Renderer {
                inputs: build.render_inputs(),
                values: values.unwrap_or(build.values()),
                markdown: &markdown,
                held: None,
                templates: &new.templates,
            };
            units.extend(
                build.units().filter(|&&unit| global || renderer.template(unit).is_ok_and(|n| users.contains(&n))),
            );
        }
        units.into_iter().collect()
    }

    /// Renders `units` (sorted): first those `stages` asks for, handed to
    /// it, then the rest in batches, until it says stop (then `None`). On
    /// any failure, what a full build reports: its problems before the
    /// templates, then the pages that failed.
    fn render(
        &self,
        units: &[Unit],
        values: Option<&SiteValues>,
        templates: Option<&NewTemplates>,
        stages: &mut dyn Stages,
    ) -> Option<Rendered> {
        let templates = templates.map(|t| &t.templates);
        let first: HashSet<PathBuf> = stages.first(units.len()).into_iter().collect();
        let (first, rest): (Vec<Unit>, Vec<Unit>) =
            units.iter().partition(|&&unit| first.contains(self.build.output_path(unit)));
        let mut results: Vec<(Unit, Result<build::Out, _>)> = Vec::with_capacity(units.len());
        if !first.is_empty() {
            let outs = self.build.render(&first, values, templates);
            if let Some(early) = self.early_pages(&first, &outs, &rest) {
                stages.early(early);
            }
            results.extend(first.into_iter().zip(outs));
        }
        for batch in rest.chunks(BATCH) {
            if stages.cancelled() {
                return None;
            }
            results.extend(batch.iter().copied().zip(self.build.render(batch, values, templates)));
        }
        results.sort_by_key(|(unit, _)| *unit);
        if results.iter().all(|(_, out)| out.is_ok()) {
            return Some(Ok(results.into_iter().map(|(unit, out)| (unit, out.expect("checked"))).collect()));
        }
        let mut diagnostics = self.build.problems_before_templates();
        diagnostics.extend(results.into_iter().filter_map(|(_, out)| out.err()));
        diagnostics.sort();
        Some(Err(diagnostics))
    }

    /// The pages of `first`, rendered, for [`Stages::early`]; `None` when
    /// one failed (the finished rebuild reports it) or shows an image copy
    /// the site does not have yet (it is added once every page is rendered).
    fn early_pages(
        &self,
        first: &[Unit],
        outs: &[Result<build::Out, Diagnostic>],
        rest: &[Unit],
    ) -> Option<EarlyPages> {
        let output = self.build.output();
        let mut ready = Vec::with_capacity(first.len());
        for (&unit, out) in first.iter().zip(outs) {
            let out = out.as_ref().ok()?;
            if out.images.iter().any(|used| !output.files.contains_key(&used.output)) {
                return None;
            }
            let bytes = Arc::clone(out.bytes.as_ref().expect("pages rendered anew are kept in memory"));
            ready.push((self.build.output_path(unit).to_path_buf(), bytes));
        }
        let ready_paths: HashSet<&Path> = ready.iter().map(|(path, _)| path.as_path()).collect();
        let rest_paths: HashSet<&Path> = rest.iter().map(|&unit| self.build.output_path(unit)).collect();
        let pages: HashSet<&Path> = self.build.units().map(|&unit| self.build.output_path(unit)).collect();
        let pending = output
            .files
            .iter()
            .filter(|(path, file)| {
                matches!(file.content, OutputContent::Rendered(_))
                    && !ready_paths.contains(path.as_path())
                    && (rest_paths.contains(path.as_path()) || !pages.contains(path.as_path()))
            })
            .map(|(path, _)| path.clone())
            .collect();
        Some(EarlyPages { ready, pending })
    }

    /// Keeps the rendered pages, the values and the templates; returns the
    /// pages whose HTML changed.
    fn commit(
        &mut self,
        pages: Vec<(Unit, build::Out)>,
        values: Option<SiteValues>,
        templates: Option<NewTemplates>,
    ) -> ChangedPages {
        self.build.replace_values_and_templates(values, templates);
        let mut changed = ChangedPages::default();
        for (unit, out) in pages {
            let Some(ids_changed) = self.build.replace_page(unit, out) else { continue };
            if ids_changed {
                changed.ids.push(self.build.output_path(unit).to_string_lossy().into_owned());
            }
            changed.units.push(unit);
        }
        // Copies are named by their content: two pages cannot claim one path.
        let problems = self.build.sync_image_outputs();
        debug_assert!(problems.is_empty(), "{problems:?}");
        self.build.update_search(&changed.units);
        changed
    }

    /// Checks again the links of the edited documents, of the pages whose
    /// HTML changed, and of the pages whose anchors point into a page whose
    /// ids changed.
    fn recheck(&mut self, edited: &[DocId], changed: &ChangedPages) {
        let build = &self.build;
        let paths = links::OutputPaths::new(build.output().paths(), &build.output().host);
        let checker = build.checker();
        let mut recheck: BTreeSet<DocId> = edited.iter().copied().collect();
        for &unit in &changed.units {
            let Unit::Doc(id) = unit else { continue };
            recheck.insert(id);
            let targets = checker.anchor_targets(id, &paths, build.config().base_path());
            let old = std::mem::replace(&mut self.anchors[id], targets);
            self.anchor_referrers.update(id, &old, &self.anchors[id]);
        }
        for path in &changed.ids {
            recheck.extend(self.anchor_referrers.get(path));
        }
        let which: Vec<DocId> = recheck.into_iter().collect();
        let checks = build.link_checks(&which, &self.anchors, &paths);
        drop(paths);
        self.build.replace_link_checks(&which, checks);
    }
}

/// The pages a rebuild changed.
#[derive(Default)]
struct ChangedPages {
    units: Vec<Unit>,
    /// Output paths of the pages whose ids changed.
    ids: Vec<String>,
}

/// Whether a template defines a component (`{% component name(…) %}`),
/// which any template can use without naming its file.
fn defines_component(source: &str) -> bool {
    source.match_indices("{%").any(|(at, _)| {
        let tag = source[at + 2..].trim_start_matches('-').trim_start();
        tag.strip_prefix("component").is_some_and(|rest| rest.starts_with(char::is_whitespace))
    })
}

/// The templates Tera sees: the theme's, with the site's on top.
fn merged<'a>(theme: &'a Theme, site: &'a BTreeMap<String, TemplateFile>) -> BTreeMap<&'a str, &'a TemplateFile> {
    let mut all: BTreeMap<&str, &TemplateFile> = theme.templates.iter().map(|(n, f)| (n.as_str(), f)).collect();
    all.extend(site.iter().map(|(n, f)| (n.as_str(), f)));
    all
}

/// `changed` and every template that names one of them in quotes (as
/// `extends` and `include` do), over and over.
fn users_of(sources: &BTreeMap<&str, &TemplateFile>, changed: &BTreeSet<String>) -> BTreeSet<String> {
    let names: Vec<&str> = sources.keys().copied().collect();
    let uses: HashMap<&str, Vec<&str>> = sources
        .iter()
        .map(|(name, file)| {
            let quoted =
                |n: &&&str| file.source.contains(&format!("\"{n}\"")) || file.source.contains(&format!("'{n}'"));
            (*name, names.iter().filter(quoted).copied().collect())
        })
        .collect();
    let mut affected = changed.clone();
    loop {
        let more: Vec<String> = uses
            .iter()
            .filter(|(name, used)| !affected.contains(**name) && used.iter().any(|u| affected.contains(*u)))
            .map(|(name, _)| name.to_string())
            .collect();
        if more.is_empty() {
            return affected;
        }
        affected.extend(more);
    }
}
