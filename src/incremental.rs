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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::{self, Document, SectionId, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Highlighter, RenderOptions};
use crate::output::OutputContent;
use crate::render::{RenderInputs, SiteValues, Templates};
use crate::serve::Rebuild;
use crate::theme::{FileSource, TemplateFile, Theme};
use crate::{links, Backlinks, Build, BuildOptions, BuiltSite, Checker, Error, LinksPass, MarkdownStage, Renderer};
use crate::{Out, Unit};
use crate::{Reuse, Timings};

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
        let plural = |n: usize, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
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
        let built = Build::full(&self.options, false, &reuse, Arc::clone(&self.highlighter));
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
            true => build.markdown_files.iter().filter(|rel| changed(&content_dir.join(rel))).count(),
            false => build.markdown_files.len(),
        };
        self.report = Some(RebuildReport {
            full: Some(reason),
            pages_rendered: build.outs.len(),
            pages_changed: build.outs.len(),
            assets_copied: build.output.count_copied(),
            documents_read: read,
            links_passes: build.links_passes_run,
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
        self.dirty.extend(changed.iter().cloned());
        let Some(state) = &self.state else {
            let reason = if changed.is_empty() { "first build" } else { "no good build to start from" };
            return self.full(reason.into());
        };
        if changed.is_empty() {
            return self.full("everything asked for".into());
        }
        let mut timings = Timings::default();
        let plan = state.plan(&self.options.root, &self.dirty);
        timings.mark("load");
        let changes = match plan {
            Plan::Full(reason) => return self.full(reason),
            Plan::Incremental(changes) => changes,
        };
        // Taken out while it changes: should a bug panic half way, the next
        // rebuild starts afresh rather than from a state half changed.
        let mut state = self.state.take().expect("checked above");
        let result = match state.apply(*changes, timings) {
            Ok(report) => {
                self.report = Some(report);
                self.dirty.clear();
                state.build.site()
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
    Page(usize),
    Section(SectionId),
    /// Left out of the tree (a draft): its place in `Build::excluded`.
    Excluded(usize),
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
    /// For each document (pages, then sections): the pages whose ids its
    /// link check looks at.
    anchors: Vec<Vec<String>>,
    /// Output path -> the documents whose link check looks at its ids.
    anchor_referrers: HashMap<String, BTreeSet<usize>>,
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
    bodies: Vec<(DocRef, Document)>,
    /// Drafts that stay drafts.
    drafts: Vec<(usize, Document)>,
    templates: Option<NewTemplates>,
    assets: usize,
    read: usize,
}

struct NewTemplates {
    theme: Theme,
    site_templates: BTreeMap<String, TemplateFile>,
    templates: Templates,
    /// Names whose source changed.
    changed: BTreeSet<String>,
}

/// A changed path, sorted out.
enum Kind {
    Ignore,
    Full(String),
    Files(Vec<(PathBuf, Input)>),
}

impl State {
    fn new(build: Build, root: &Path) -> State {
        let tree = &*build.tree;
        let mut docs = HashMap::new();
        for (id, page) in tree.pages.iter().enumerate() {
            docs.insert(page.doc.rel.clone(), DocRef::Page(id));
        }
        for (id, section) in tree.sections.iter().enumerate() {
            if build.markdown_files.contains(&section.doc.rel) {
                docs.insert(section.doc.rel.clone(), DocRef::Section(id));
            }
        }
        for (i, doc) in build.excluded.iter().enumerate() {
            docs.insert(doc.rel.clone(), DocRef::Excluded(i));
        }

        let mut inputs = BTreeMap::new();
        let content_dir = root.join(CONTENT_DIR);
        for rel in &build.markdown_files {
            inputs.insert(content_dir.join(rel), Input::Document);
        }
        for file in build.output.files.values() {
            if let OutputContent::Copied(FileSource::Disk(path)) = &file.content {
                inputs.insert(path.clone(), Input::Copied);
            }
        }
        for name in build.site_templates.keys() {
            inputs.insert(root.join("templates").join(name), Input::Template);
        }
        let theme_dir = root.join("themes").join(&build.theme.name);
        let theme_on_disk = theme_dir.is_dir();
        if theme_on_disk {
            for name in build.theme.templates.keys() {
                inputs.insert(theme_dir.join("templates").join(name), Input::Template);
            }
        }

        let mut by_url: HashMap<String, Vec<Unit>> = HashMap::new();
        for &unit in build.outs.keys() {
            by_url.entry(url_of(&build, unit).to_string()).or_default().push(unit);
        }

        let paths = links::OutputPaths::new(&build.output);
        let checker = checker(&build);
        let base = build.config.base_path();
        let count = tree.pages.len() + tree.sections.len();
        let anchors: Vec<Vec<String>> =
            (0..count).into_par_iter().map(|o| checker.anchor_targets(o, &paths, base)).collect();
        let mut anchor_referrers: HashMap<String, BTreeSet<usize>> = HashMap::new();
        for (ordinal, targets) in anchors.iter().enumerate() {
            for target in targets {
                anchor_referrers.entry(target.clone()).or_default().insert(ordinal);
            }
        }
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
                    let old = self.document(place);
                    if old.text == doc.text {
                        continue;
                    }
                    if self.build.config.liquid && markdown::liquid::has_liquid(&doc.text) {
                        // What its Liquid prints is worked out with the whole site.
                        return Plan::Full(format!("{} uses Liquid", shown.display()));
                    }
                    let same_front = old.text[..old.body_start] == doc.text[..doc.body_start];
                    match place {
                        DocRef::Excluded(i) if same_front => changes.drafts.push((i, doc)),
                        DocRef::Page(_) | DocRef::Section(_)
                            if same_front && content::title_of(&doc).0 == self.title(place) =>
                        {
                            changes.bodies.push((place, doc))
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

    fn document(&self, place: DocRef) -> &Document {
        match place {
            DocRef::Page(id) => &self.build.tree.pages[id].doc,
            DocRef::Section(id) => &self.build.tree.sections[id].doc,
            DocRef::Excluded(i) => &self.build.excluded[i],
        }
    }

    fn title(&self, place: DocRef) -> &str {
        match place {
            DocRef::Page(id) => &self.build.tree.pages[id].title,
            DocRef::Section(id) => &self.build.tree.sections[id].title,
            DocRef::Excluded(_) => "",
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
        if rel.components().any(|c| content::is_ignored(c.as_os_str())) {
            return Kind::Ignore;
        }
        let theme_dir = root.join("themes").join(&self.build.theme.name);
        match first.as_str() {
            "site.yaml" if rel == Path::new("site.yaml") => return Kind::Full("site.yaml changed".into()),
            "data" | markdown::liquid::INCLUDES_DIR => return Kind::Full(format!("{shown} changed")),
            "content" | "assets" | "templates" => {}
            "themes" if theme_dir.starts_with(path) || path.starts_with(&theme_dir) => {
                if theme_dir.is_dir() != self.theme_on_disk {
                    return Kind::Full(format!("{shown} changed which theme is used"));
                }
                if !self.theme_on_disk {
                    return Kind::Ignore;
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
                let listed: BTreeSet<PathBuf> = crate::files::list(path, root)
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
        let theme_dir = root.join("themes").join(&self.build.theme.name);
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
        let (theme, site_templates, templates) =
            crate::load_templates(root, &build.config).map_err(|_| "a template does not compile".to_string())?;
        let old = merged(&build.theme, &build.site_templates);
        let new = merged(&theme, &site_templates);
        if !old.keys().eq(new.keys()) || !build.theme.static_files.keys().eq(theme.static_files.keys()) {
            return Err("the set of templates changed".into());
        }
        let changed: BTreeSet<String> =
            new.iter().filter(|(name, file)| old[*name].source != file.source).map(|(n, _)| n.to_string()).collect();
        Ok((!changed.is_empty()).then_some(NewTemplates { theme, site_templates, templates, changed }))
    }

    /// Makes the changes. On an error nothing is kept and the diagnostics
    /// are those a full build of the same files reports.
    fn apply(&mut self, changes: Changes, mut timings: Timings) -> Result<RebuildReport, (Diagnostics, RebuildReport)> {
        let Changes { bodies, drafts, templates: new_templates, assets, read } = changes;
        for (i, doc) in drafts {
            self.build.excluded[i] = doc;
        }

        // The documents, then their links passes and the backlinks.
        let build = &mut self.build;
        let mut undo = Vec::new();
        if !bodies.is_empty() {
            let tree = Arc::make_mut(&mut build.tree);
            for (place, doc) in bodies {
                match place {
                    DocRef::Page(id) => {
                        let page = &mut tree.pages[id];
                        let heading = content::title_of(&doc).1;
                        let old_heading = std::mem::replace(&mut page.title_heading, heading);
                        undo.push((place, std::mem::replace(&mut page.doc, doc), old_heading));
                    }
                    DocRef::Section(id) => {
                        undo.push((place, std::mem::replace(&mut tree.sections[id].doc, doc), None));
                    }
                    DocRef::Excluded(_) => unreachable!("drafts are not bodies"),
                }
            }
        }
        let tree = Arc::clone(&build.tree);
        let pages = tree.pages.len();
        let options =
            RenderOptions { base_path: build.config.base_path(), highlighter: &build.highlighter, html: true };
        let markdown = MarkdownStage { tree: &tree, index: &build.index, options, broken: build.broken };
        let passes: Vec<(DocRef, LinksPass)> = undo
            .par_iter()
            .map(|(place, _, _)| match *place {
                DocRef::Page(id) => (*place, markdown.page_links(id)),
                DocRef::Section(id) => (*place, markdown.section_links(id)),
                DocRef::Excluded(_) => unreachable!("drafts are not bodies"),
            })
            .collect();
        timings.mark("markdown");
        let mut render: BTreeSet<Unit> = BTreeSet::new();
        let mut moved = Vec::new();
        let mut programmes: BTreeSet<SectionId> = BTreeSet::new();
        for (place, pass) in &passes {
            let (unit, ordinal, old, programme) = match *place {
                DocRef::Page(id) => (
                    Unit::Page(id),
                    Backlinks::ordinal(&tree, None, id),
                    &build.page_links[id],
                    tree.programme_of(tree.pages[id].section),
                ),
                DocRef::Section(id) => (
                    Unit::Section(id),
                    Backlinks::ordinal(&tree, Some(id), 0),
                    &build.section_links[id],
                    tree.programme_of(id),
                ),
                DocRef::Excluded(_) => unreachable!("drafts are not bodies"),
            };
            render.insert(unit);
            programmes.extend(programme);
            for target in build.backlinks.update(&tree, ordinal, &old.targets, &pass.targets) {
                render.extend(self.by_url.get(&target).into_iter().flatten().copied());
            }
            moved.push((ordinal, old.targets.clone(), pass.targets.clone()));
        }

        // A programme's view holds the text of its pages: every page of the
        // programme sees it.
        let inputs = RenderInputs {
            config: &build.config,
            data: &build.data,
            tree: &tree,
            backlinks: &build.backlinks.map,
            calendars: &build.calendars,
        };
        let new_values = (!programmes.is_empty()).then(|| SiteValues::new(&inputs, &markdown));
        let values = new_values.as_ref().unwrap_or(&build.values);
        if !programmes.is_empty() {
            render.extend(build.outs.keys().filter(|&&unit| {
                let programme = match unit {
                    Unit::Page(id) => tree.programme_of(tree.pages[id].section),
                    Unit::Section(id) => tree.programme_of(id),
                    Unit::Generated(i) => Some(values.programmes.generated[i].programme),
                };
                programme.is_some_and(|p| programmes.contains(&p))
            }));
        }

        let templates = new_templates.as_ref().map_or(&build.templates, |t| &t.templates);
        let renderer = Renderer { inputs, values, markdown: &markdown, templates };
        if let Some(new) = &new_templates {
            let sources = merged(&new.theme, &new.site_templates);
            let old_sources = merged(&build.theme, &build.site_templates);
            let global = new.changed.iter().any(|name| {
                sources[name.as_str()].source.contains("component")
                    || old_sources[name.as_str()].source.contains("component")
            });
            let affected = users_of(&sources, &new.changed);
            render.extend(
                build
                    .outs
                    .keys()
                    .filter(|&&unit| global || renderer.template(unit).is_ok_and(|name| affected.contains(&name))),
            );
        }

        let units: Vec<Unit> = render.into_iter().collect();
        let results: Vec<Result<Out, Diagnostic>> = units.par_iter().map(|&u| renderer.render_out(u, None)).collect();
        timings.mark("templates");
        if results.iter().any(Result::is_err) {
            // What a full build reports: its problems so far, then the pages that failed.
            let mut diagnostics = Diagnostics { items: build.early.clone() };
            let pass_of = |place: DocRef| passes.iter().find(|(p, _)| *p == place).map(|(_, pass)| pass);
            for id in 0..pages {
                let pass = pass_of(DocRef::Page(id)).unwrap_or(&build.page_links[id]);
                diagnostics.extend(pass.diagnostics.iter().cloned());
            }
            for id in 0..tree.sections.len() {
                let pass = pass_of(DocRef::Section(id)).unwrap_or(&build.section_links[id]);
                diagnostics.extend(pass.diagnostics.iter().cloned());
            }
            diagnostics.extend(results.into_iter().filter_map(Result::err));
            diagnostics.sort();
            drop(tree);
            self.undo(undo, moved);
            let tried = RebuildReport {
                pages_rendered: units.len(),
                assets_copied: assets,
                documents_read: read,
                links_passes: passes.len(),
                ..RebuildReport::default()
            };
            return Err((diagnostics, tried));
        }

        // Keep it all.
        let rendered = units.len();
        let links_passes = passes.len();
        for (place, pass) in passes {
            match place {
                DocRef::Page(id) => build.page_links[id] = Arc::new(pass),
                DocRef::Section(id) => build.section_links[id] = Arc::new(pass),
                DocRef::Excluded(_) => unreachable!("drafts are not bodies"),
            }
        }
        if let Some(values) = new_values {
            build.values = values;
        }
        if let Some(new) = new_templates {
            build.theme = new.theme;
            build.site_templates = new.site_templates;
            build.templates = new.templates;
        }
        let mut recheck: BTreeSet<usize> = undo
            .iter()
            .map(|(place, _, _)| match *place {
                DocRef::Page(id) => id,
                DocRef::Section(id) => pages + id,
                DocRef::Excluded(_) => unreachable!("drafts are not bodies"),
            })
            .collect();
        let mut ids_changed = Vec::new();
        let mut changed_units = Vec::new();
        for (unit, out) in units.into_iter().zip(results.into_iter().map(|r| r.expect("no errors"))) {
            let old = &build.outs[&unit];
            if old.bytes == out.bytes {
                continue;
            }
            let path = output_path(build, unit).to_path_buf();
            if !old.scan.ids().eq(out.scan.ids()) {
                ids_changed.push(path.to_string_lossy().into_owned());
            }
            let bytes = Arc::clone(out.bytes.as_ref().expect("kept in memory"));
            build.output.files.get_mut(&path).expect("the page is in the output").content =
                OutputContent::Rendered(bytes);
            build.scans.insert(path, Arc::clone(&out.scan));
            build.outs.insert(unit, out);
            changed_units.push(unit);
        }
        let changed_pages = changed_units.len();

        // The link checks that can have changed.
        let paths = links::OutputPaths::new(&build.output);
        let base = build.config.base_path();
        let checker = checker(build);
        for &unit in &changed_units {
            let ordinal = match unit {
                Unit::Page(id) => id,
                Unit::Section(id) => pages + id,
                Unit::Generated(_) => continue,
            };
            recheck.insert(ordinal);
            let targets = checker.anchor_targets(ordinal, &paths, base);
            let old = std::mem::replace(&mut self.anchors[ordinal], targets);
            for target in &old {
                if let Some(set) = self.anchor_referrers.get_mut(target) {
                    set.remove(&ordinal);
                }
            }
            for target in &self.anchors[ordinal] {
                self.anchor_referrers.entry(target.clone()).or_default().insert(ordinal);
            }
        }
        for path in &ids_changed {
            recheck.extend(self.anchor_referrers.get(path).into_iter().flatten());
        }
        let which: Vec<usize> = recheck.into_iter().collect();
        let mut looked_at: HashSet<&str> = HashSet::new();
        for &ordinal in &which {
            looked_at.insert(crate::doc_at(&tree, ordinal).0.to_str().unwrap_or_default());
            looked_at.extend(self.anchors[ordinal].iter().map(String::as_str));
        }
        let ids = crate::ids_of(&build.scans, Some(&looked_at));
        let checks = checker.check(&which, &paths, &ids, base, build.broken);
        drop((ids, looked_at, paths));
        for (ordinal, problems) in which.into_iter().zip(checks) {
            build.checks[ordinal] = problems;
        }
        timings.mark("links");
        build.timings = timings;
        Ok(RebuildReport {
            full: None,
            pages_rendered: rendered,
            pages_changed: changed_pages,
            assets_copied: assets,
            documents_read: read,
            links_passes,
        })
    }

    /// Puts back the documents and backlinks of a failed rebuild.
    fn undo(
        &mut self,
        undo: Vec<(DocRef, Document, Option<std::ops::Range<usize>>)>,
        moved: Vec<(usize, Vec<String>, Vec<String>)>,
    ) {
        let build = &mut self.build;
        let tree = Arc::make_mut(&mut build.tree);
        for (place, doc, heading) in undo {
            match place {
                DocRef::Page(id) => {
                    tree.pages[id].doc = doc;
                    tree.pages[id].title_heading = heading;
                }
                DocRef::Section(id) => tree.sections[id].doc = doc,
                DocRef::Excluded(_) => unreachable!("drafts are not bodies"),
            }
        }
        for (ordinal, old, new) in moved.into_iter().rev() {
            build.backlinks.update(&build.tree, ordinal, &new, &old);
        }
    }
}

fn checker(build: &Build) -> Checker<'_> {
    Checker {
        tree: &build.tree,
        page_links: &build.page_links,
        section_links: &build.section_links,
        scans: &build.scans,
    }
}

/// The URL path a unit is shown at.
fn url_of(build: &Build, unit: Unit) -> &str {
    match unit {
        Unit::Section(id) => &build.tree.sections[id].url,
        Unit::Page(id) => &build.tree.pages[id].url,
        Unit::Generated(i) => &build.values.programmes.generated[i].path,
    }
}

fn output_path(build: &Build, unit: Unit) -> &Path {
    match unit {
        Unit::Section(id) => &build.tree.sections[id].output,
        Unit::Page(id) => &build.tree.pages[id].output,
        Unit::Generated(i) => &build.values.programmes.generated[i].output,
    }
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
