//! Changing a kept build in place, for `folio serve`. Each method keeps
//! the parts of the build that depend on each other in agreement: a
//! document and its page's title heading; a links pass and the
//! backlinks; a page's bytes, its file in the output and its scan; a
//! document's link check and the ids it looked at. Replacing documents
//! and links passes returns what was there, so that putting it back (the
//! same call) undoes it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{ids_of, Build, Checker, LinksPass, MarkdownStage, Out, Renderer, Unit};
use crate::config::SiteConfig;
use crate::content::{self, DocId, Document, PerDoc, SiteTree};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::links;
use crate::markdown::RenderOptions;
use crate::output::search::{self, SearchIndex};
use crate::output::SiteOutput;
use crate::render::{RenderInputs, SiteValues, Templates};
use crate::theme::{TemplateFile, Theme};

impl Build {
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }

    pub fn tree(&self) -> &SiteTree {
        &self.tree
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The site's own `templates/`.
    pub fn site_templates(&self) -> &BTreeMap<String, TemplateFile> {
        &self.site_templates
    }

    pub fn values(&self) -> &SiteValues {
        &self.values
    }

    pub fn output(&self) -> &SiteOutput {
        &self.output
    }

    /// Markdown files the build read (or reused), inside `content/`.
    pub fn markdown_files(&self) -> &HashSet<PathBuf> {
        &self.markdown_files
    }

    /// Documents left out of the tree (drafts).
    pub fn drafts(&self) -> &[Document] {
        &self.excluded
    }

    /// The draft at `rel` inside `content/`.
    pub fn draft(&self, rel: &Path) -> Option<&Document> {
        self.excluded.iter().find(|d| d.rel == rel)
    }

    /// Every unit rendered from a template, in order.
    pub fn units(&self) -> impl Iterator<Item = &Unit> {
        self.pages.by_unit.keys()
    }

    /// How many pages were rendered from a template.
    pub fn pages_rendered(&self) -> usize {
        self.pages.by_unit.len()
    }

    /// How many links passes this build ran (the others it reused).
    pub fn links_passes_run(&self) -> usize {
        self.links_passes_run
    }

    /// How long the stages of the last change took.
    pub fn set_timings(&mut self, timings: super::Timings) {
        self.timings = timings;
    }

    /// The Markdown stage over this build's tree.
    pub fn markdown(&self) -> MarkdownStage<'_> {
        let options = RenderOptions {
            base_path: self.config.base_path(),
            highlighter: &self.highlighter,
            html: true,
            report: false,
            images: Some(&self.images),
        };
        MarkdownStage { tree: &self.tree, index: &self.index, options, broken: self.broken }
    }

    /// What this build's templates are rendered from.
    pub fn render_inputs(&self) -> RenderInputs<'_> {
        RenderInputs {
            config: &self.config,
            data: &self.data,
            tree: &self.tree,
            backlinks: &self.backlinks.map,
            calendars: &self.calendars,
            languages: &self.languages,
            strings: &self.strings,
        }
    }

    /// The link checks over this build's pages.
    pub fn checker(&self) -> Checker<'_> {
        Checker { tree: &self.tree, links: &self.links, scans: &self.pages.scans, known: &self.known_broken }
    }

    /// Puts `docs` in place of the tree's documents of the same ids (whose
    /// front matter and title stay the same); returns the documents they
    /// replaced.
    pub fn replace_documents(&mut self, docs: Vec<(DocId, Document)>) -> Vec<(DocId, Document)> {
        if docs.is_empty() {
            return docs;
        }
        let tree = Arc::make_mut(&mut self.tree);
        let mut replaced = Vec::with_capacity(docs.len());
        for (id, doc) in docs {
            let old = match id {
                DocId::Page(page) => {
                    let page = &mut tree.pages[page];
                    page.title_heading = content::title_of(&doc).1;
                    std::mem::replace(&mut page.doc, doc)
                }
                DocId::Section(section) => std::mem::replace(&mut tree.sections[section].doc, doc),
            };
            replaced.push((id, old));
        }
        replaced
    }

    /// Puts a draft (a document left out of the tree) in place of the one
    /// at the same path.
    pub fn replace_draft(&mut self, doc: Document) {
        if let Some(old) = self.excluded.iter_mut().find(|d| d.rel == doc.rel) {
            *old = doc;
        }
    }

    /// The links passes of `ids`, run again on the tree as it is now.
    pub fn links_passes(&self, ids: &[DocId]) -> Vec<(DocId, Arc<LinksPass>)> {
        let markdown = self.markdown();
        ids.par_iter().map(|&id| (id, Arc::new(markdown.links_pass(id)))).collect()
    }

    /// Takes new links passes and updates the backlinks with them; returns
    /// the passes they replaced and the URL paths whose backlinks changed.
    pub fn replace_links_passes(
        &mut self,
        passes: Vec<(DocId, Arc<LinksPass>)>,
    ) -> (Vec<(DocId, Arc<LinksPass>)>, BTreeSet<String>) {
        let mut replaced = Vec::with_capacity(passes.len());
        let mut changed = BTreeSet::new();
        for (id, pass) in passes {
            let old = std::mem::replace(&mut self.links[id], pass);
            changed.extend(self.backlinks.update(&self.tree, id, &old.targets, &self.links[id].targets));
            replaced.push((id, old));
        }
        (replaced, changed)
    }

    /// Renders `units` with the build's values and templates, or with the
    /// new ones given; nothing of the build changes.
    pub fn render(
        &self,
        units: &[Unit],
        values: Option<&SiteValues>,
        templates: Option<&Templates>,
    ) -> Vec<Result<Out, Diagnostic>> {
        let markdown = self.markdown();
        let renderer = Renderer {
            inputs: self.render_inputs(),
            values: values.unwrap_or(&self.values),
            markdown: &markdown,
            held: None,
            templates: templates.unwrap_or(&self.templates),
        };
        units.par_iter().map(|&unit| renderer.render_out(unit, None)).collect()
    }

    /// Puts a page rendered anew in place of the old one; returns `None`
    /// when its bytes are the same, else whether its ids changed.
    pub fn replace_page(&mut self, unit: Unit, out: Out) -> Option<bool> {
        let path = self.output_path(unit).to_path_buf();
        self.pages.replace(&mut self.output, unit, path, out)
    }

    /// Brings the search index in line with the pages of `units`, rendered
    /// anew: only the files their changed words fall in are written again
    /// (a page whose words did not change touches nothing).
    pub fn update_search(&mut self, units: &[Unit]) {
        let Some(mut index) = self.search.take() else { return };
        let rendered = super::publish::Rendered {
            tree: &self.tree,
            config: &self.config,
            programmes: &self.values.programmes,
            pages: &self.pages.by_unit,
            languages: &self.languages,
        };
        let files = match index.update(rendered.search_pages(units.iter().copied())) {
            Some(files) => files,
            None => {
                // A page came into or left the index: made anew, as a full build would.
                index = SearchIndex::new(rendered.search_pages(self.pages.by_unit.keys().copied()));
                let old: Vec<PathBuf> =
                    self.output.files.keys().filter(|p| p.starts_with(search::DIR)).cloned().collect();
                let mut files: Vec<(String, Option<String>)> =
                    old.iter().map(|p| (p.to_string_lossy().into_owned(), None)).collect();
                files.extend(index.files().into_iter().map(|(p, c)| (p, Some(c))));
                files
            }
        };
        super::publish::put_site_files(&mut self.output, files);
        self.search = Some(index);
    }

    /// The link checks of `which`, run again over the site's `paths`;
    /// `anchors` holds, for each document, the pages whose ids its check
    /// looks at.
    pub fn link_checks(
        &self,
        which: &[DocId],
        anchors: &PerDoc<Vec<String>>,
        paths: &links::OutputPaths<'_>,
    ) -> Vec<Vec<Diagnostic>> {
        let mut looked_at: HashSet<&str> = HashSet::new();
        for &id in which {
            looked_at.insert(self.tree.output(id).to_str().unwrap_or_default());
            looked_at.extend(anchors[id].iter().map(String::as_str));
        }
        let ids = ids_of(&self.pages.scans, Some(&looked_at));
        self.checker().check(which, paths, &ids, self.config.base_path(), self.broken)
    }

    /// Takes the link checks of `which`.
    pub fn replace_link_checks(&mut self, which: &[DocId], checks: Vec<Vec<Diagnostic>>) {
        for (&id, problems) in which.iter().zip(checks) {
            self.checks[id] = problems;
        }
    }

    /// The problems found before any template ran: loading, the tree, and
    /// every document's links pass.
    pub fn problems_before_templates(&self) -> Diagnostics {
        let mut all = Diagnostics { items: self.early.clone() };
        for pass in self.links.values() {
            all.extend(pass.diagnostics.iter().cloned());
        }
        all
    }

    /// Takes new values and templates that rendered every page kept.
    pub fn replace_values_and_templates(&mut self, values: Option<SiteValues>, templates: Option<NewTemplates>) {
        if let Some(values) = values {
            self.values = values;
        }
        if let Some(new) = templates {
            self.theme = new.theme;
            self.site_templates = new.site_templates;
            self.templates = new.templates;
        }
    }

    /// The URL path a unit is shown at.
    pub fn url_of(&self, unit: Unit) -> &str {
        match unit {
            Unit::Doc(id) => self.tree.url(id),
            Unit::Generated(id) => &self.values.programmes.generated[id].path,
            Unit::Theme(page) => page.path(),
        }
    }

    /// A unit's file in the output.
    pub fn output_path(&self, unit: Unit) -> &Path {
        match unit {
            Unit::Doc(id) => self.tree.output(id),
            Unit::Generated(id) => &self.values.programmes.generated[id].output,
            Unit::Theme(page) => page.output(),
        }
    }

    /// Rendered units by the URL path they are shown at.
    pub fn units_by_url(&self) -> HashMap<String, Vec<Unit>> {
        let mut by_url: HashMap<String, Vec<Unit>> = HashMap::new();
        for &unit in self.pages.by_unit.keys() {
            by_url.entry(self.url_of(unit).to_string()).or_default().push(unit);
        }
        by_url
    }
}

/// Templates read again, when only their sources changed.
pub(crate) struct NewTemplates {
    pub theme: Theme,
    pub site_templates: BTreeMap<String, TemplateFile>,
    pub templates: Templates,
    /// Names whose source changed.
    pub changed: BTreeSet<String>,
}
