//! Pages from templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{HeldBodies, MarkdownStage, Out, Pass, Unit};
use crate::content::{self, DocId};
use crate::diagnostics::Diagnostic;
use crate::html_scan;
use crate::output::search::PageTerms;
use crate::output::{self, OutputContent, SiteOutput};
use crate::render::{self, RenderInputs, SiteValues, Templates, ThemePage};

/// The pages rendered from templates, in agreement with the site's files:
/// each page's bytes (while kept) and what its HTML holds, by unit and by
/// its file in the output.
#[derive(Debug, Default)]
pub(crate) struct Pages {
    pub by_unit: BTreeMap<Unit, Out>,
    pub scans: BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
}

impl Pages {
    /// The pages a build rendered, in the order of their units, each
    /// added to `output` at its path (an error for each that another file
    /// claims, and for each that failed to render). The maps are built
    /// from the whole list at once: a sort finds the runs the units (all
    /// in order) and their paths (in order within a section) come in,
    /// where inserting one page at a time compared its path down the
    /// whole map, on the build's one thread.
    pub fn from_rendered<'p>(
        output: &mut SiteOutput,
        rendered: impl Iterator<Item = (Unit, (&'p Path, &'p Path), Result<Out, Diagnostic>)>,
    ) -> (Pages, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        let (mut by_unit, mut scans) = (Vec::new(), Vec::new());
        for (unit, (path, origin), result) in rendered {
            let out = match result {
                Ok(out) => out,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            let added = match &out.bytes {
                Some(bytes) => output.add(path.to_path_buf(), OutputContent::Rendered(Arc::clone(bytes)), origin),
                None => output.add_written(path.to_path_buf(), origin),
            };
            problems.extend(added.err());
            scans.push((path.to_path_buf(), Arc::clone(&out.scan)));
            by_unit.push((unit, out));
        }
        (Pages { by_unit: by_unit.into_iter().collect(), scans: scans.into_iter().collect() }, problems)
    }

    /// Puts a page rendered anew (kept in memory) in place of the one at
    /// `path`; returns `None` when its bytes are the same, else whether its
    /// ids changed.
    pub fn replace(&mut self, output: &mut SiteOutput, unit: Unit, path: PathBuf, out: Out) -> Option<bool> {
        let old = &self.by_unit[&unit];
        if old.bytes == out.bytes {
            return None;
        }
        let ids_changed = !old.scan.anchor_targets().eq(out.scan.anchor_targets());
        // (Same bytes name the same copies: their names hold their hashes.)
        let bytes = Arc::clone(out.bytes.as_ref().expect("pages rendered anew are kept in memory"));
        output.files.get_mut(&path).expect("the page is in the output").content = OutputContent::Rendered(bytes);
        self.scans.insert(path, Arc::clone(&out.scan));
        self.by_unit.insert(unit, out);
        Some(ids_changed)
    }
}

/// Renders pages from templates: each page's Markdown right before its template.
pub(crate) struct Renderer<'a> {
    pub inputs: RenderInputs<'a>,
    pub values: &'a SiteValues,
    pub markdown: &'a MarkdownStage<'a>,
    /// Bodies the links pass rendered, each taken by its page.
    pub held: Option<&'a HeldBodies>,
    pub templates: &'a Templates,
}

impl Renderer<'_> {
    /// Everything to render, in order: sections, pages, then the pages folio
    /// makes from a programme where the theme has their template.
    pub fn units(&self) -> Vec<Unit> {
        let generated = self.values.programmes.generated.iter_enumerated();
        let generated =
            generated.filter(|(_, part)| self.templates.has(part.template)).map(|(id, _)| Unit::Generated(id));
        let tree = self.inputs.tree;
        // A language's root that no file defines is not written.
        let written = tree.doc_ids().filter(|&id| !matches!(id, DocId::Section(s) if tree.sections[s].hidden));
        let theme_pages = ThemePage::ALL.into_iter().filter(|&page| {
            self.templates.has(page.template())
                && (page != ThemePage::Search || self.inputs.config.search)
                && !tree.doc_ids().any(|id| tree.output(id) == page.output())
        });
        written.map(Unit::Doc).chain(generated).chain(theme_pages.map(Unit::Theme)).collect()
    }

    /// Where a unit is written, and the file it comes from.
    pub fn target(&self, unit: Unit) -> (&Path, &Path) {
        let tree = self.inputs.tree;
        match unit {
            Unit::Doc(id) => (tree.output(id), &tree.document(id).source),
            Unit::Generated(id) => {
                let part = &self.values.programmes.generated[id];
                (&part.output, &tree.sections[part.programme].doc.source)
            }
            Unit::Theme(page) => (page.output(), Path::new(page.template())),
        }
    }

    /// The template a unit is rendered with.
    pub fn template(&self, unit: Unit) -> Result<String, Diagnostic> {
        let tree = self.inputs.tree;
        match unit {
            Unit::Doc(DocId::Section(id)) => {
                let section = &tree.sections[id];
                self.templates.choose(Some(&section.doc), true, section.parent.is_none())
            }
            Unit::Doc(DocId::Page(id)) => self.templates.choose(Some(&tree.pages[id].doc), false, false),
            Unit::Generated(id) => Ok(self.values.programmes.generated[id].template.to_string()),
            Unit::Theme(page) => Ok(page.template().to_string()),
        }
    }

    /// The title a unit is found by in the search index; `None` for the
    /// units left out of it: all of them when search is off, a page with
    /// `search: false`, the one-page view of a programme (its text is on
    /// the programme's own pages) and the theme's 404 and search pages.
    fn search_title(&self, unit: Unit) -> Option<&str> {
        let tree = self.inputs.tree;
        if !self.inputs.config.search {
            return None;
        }
        match unit {
            Unit::Doc(id) => (tree.document(id).front.search != Some(false)).then(|| tree.title(id)),
            Unit::Generated(id) => {
                let part = &self.values.programmes.generated[id];
                (part.template != render::programme::ONE_PAGE_TEMPLATE).then_some(part.title.as_str())
            }
            Unit::Theme(_) => None,
        }
    }

    /// A unit's HTML.
    pub fn render(&self, unit: Unit) -> Result<String, Diagnostic> {
        let (inputs, values, tree) = (&self.inputs, self.values, self.inputs.tree);
        let template = self.template(unit)?;
        let body;
        let (context, body_len) = match unit {
            Unit::Doc(id) => {
                body = match self.held.and_then(|held| held.take(id)) {
                    Some(held) => {
                        // As if rendered here: the copies its pictures use.
                        crate::images::record(held.images);
                        held.body
                    }
                    None => {
                        let markdown = self.markdown.doc(id, Pass::Html);
                        // A file read again for this pass that is not what the build read first.
                        if let Some(changed) = markdown.diagnostics.iter().find(|d| d.code == content::SOURCE_CHANGED) {
                            return Err(changed.clone());
                        }
                        markdown.body
                    }
                };
                (render::doc_context(inputs, values, id, &body), body.html.len())
            }
            Unit::Generated(id) => {
                let part = &values.programmes.generated[id];
                (render::generated_context(inputs, values, part), part.rendered.html.len())
            }
            Unit::Theme(page) => (render::theme_page_context(inputs, values, page), 0),
        };
        let source = match unit {
            Unit::Doc(id) => &tree.document(id).source,
            Unit::Generated(id) => &tree.sections[values.programmes.generated[id].programme].doc.source,
            Unit::Theme(page) => Path::new(page.template()),
        };
        self.templates.render(&template, &context, source, body_len)
    }

    /// A unit's HTML with what it holds (ids and URLs, read back from the
    /// HTML itself so that template ids count too); with `staging`, written
    /// there at once instead of kept.
    pub fn render_out(&self, unit: Unit, staging: Option<&output::Staging>) -> Result<Out, Diagnostic> {
        let (html, images) = crate::images::collecting(|| self.render(unit));
        let html = html?;
        let images: Arc<[crate::images::Used]> = images.into();
        let scan = Arc::new(html_scan::scan(&html));
        let terms = self.search_title(unit).map(|title| Arc::new(PageTerms::of(title, &html)));
        match staging {
            None => Ok(Out { bytes: Some(html.into_bytes().into()), scan, images, terms }),
            Some(staging) => {
                let (path, origin) = self.target(unit);
                staging.write_from(path, html.as_bytes(), origin)?;
                Ok(Out { bytes: None, scan, images, terms })
            }
        }
    }
}
