//! Each document's Markdown: once for its links (all of them are needed
//! before any template runs), once for its HTML right before its template.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::Build;
use crate::content::{self, DocId, PerDoc, SiteTree};
use crate::diagnostics::{Diagnostic, Location, Place, Severity};
use crate::index::SiteIndex;
use crate::languages::LangId;
use crate::links::{self, LinkResolver};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::render;

/// The Markdown of a page with its title heading left out (when the title
/// came from it); blanked rather than cut, so byte offsets stay true.
fn body_of(page: &content::Page) -> Cow<'_, str> {
    let body = page.doc.body();
    match &page.title_heading {
        None => Cow::Borrowed(body),
        Some(range) => {
            let start = range.start - page.doc.body_start;
            let end = range.end - page.doc.body_start;
            let blank: String = body[start..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
            Cow::Owned(format!("{}{}{}", &body[..start], blank, &body[end..]))
        }
    }
}

/// A document's Markdown, rendered, with the links it holds.
pub(crate) struct DocMarkdown {
    pub body: Rendered,
    pub links: DocLinks,
    pub diagnostics: Vec<Diagnostic>,
}

/// The links of one document, kept after its rendered body is gone.
#[derive(Debug, Clone)]
pub(crate) struct DocLinks {
    pub internal: Vec<links::InternalLink>,
    pub external: Arc<[(String, Place)]>,
}

/// What the links-only pass over one document found: its links, its
/// problems, and the pages it refers to (for backlinks).
#[derive(Debug)]
pub(crate) struct LinksPass {
    pub links: DocLinks,
    pub diagnostics: Vec<Diagnostic>,
    /// URL paths this document links to or mentions, each once, in order;
    /// never its own.
    pub targets: Vec<String>,
}

impl LinksPass {
    pub fn new(md: DocMarkdown, url: &str) -> LinksPass {
        let mut targets: Vec<String> = Vec::new();
        for link in md.links.internal.iter().filter(|l| !l.reported && !l.path.is_empty() && l.path != url) {
            if !targets.contains(&link.path) {
                targets.push(link.path.clone());
            }
        }
        LinksPass { links: md.links, diagnostics: md.diagnostics, targets }
    }
}

/// Places an offset of a Markdown front matter value in the file: the
/// value's text from that offset is looked for after its key (YAML quoting
/// may differ, so a short piece is tried first); failing that, the key.
fn field_locator<'a>(doc: &'a content::Document, value: &'a str, key: Location) -> impl Fn(usize) -> Place + 'a {
    move |offset| {
        let from_key = doc.text.lines().take(key.line.saturating_sub(1)).map(|l| l.len() + 1).sum::<usize>();
        let rest = value.get(offset..).unwrap_or("");
        let piece: String = rest.chars().take(24).collect();
        let found = [piece.as_str(), &piece[..piece.char_indices().nth(8).map_or(piece.len(), |(i, _)| i)]]
            .into_iter()
            .filter(|p| !p.is_empty())
            .find_map(|p| doc.text.get(from_key..).and_then(|t| t.find(p)));
        match found {
            Some(at) => Place::Offset(from_key + at),
            None => Place::At(Box::new(key.clone())),
        }
    }
}

/// Renders any page's or section's Markdown. It runs twice per document:
/// once for the links only (all of them are needed before any template,
/// for backlinks and checks), and once for the HTML, right before the page's
/// template, so that the site's HTML is never all in memory at once.
pub(crate) struct MarkdownStage<'a> {
    pub tree: &'a SiteTree,
    pub index: &'a SiteIndex,
    pub options: RenderOptions<'a>,
    pub broken: Severity,
}

impl MarkdownStage<'_> {
    /// A document's Markdown: its links and, with `html`, its HTML.
    pub fn doc(&self, id: DocId, html: bool) -> DocMarkdown {
        let tree = self.tree;
        let doc = tree.document(id);
        let body = match id {
            DocId::Page(page) => body_of(&tree.pages[page]),
            DocId::Section(_) => Cow::Borrowed(doc.body()),
        };
        self.render(doc, &body, tree.url(id), tree.lang_of(id), tree.programme_of(tree.section_of(id)), html)
    }

    fn render(
        &self,
        doc: &content::Document,
        body: &str,
        url: &str,
        lang: LangId,
        programme: Option<content::SectionId>,
        html: bool,
    ) -> DocMarkdown {
        let options = RenderOptions { html, ..self.options };
        let source = links::SourceText { file: &doc.source, text: &doc.text };
        let mut resolver = LinkResolver::new(self.index, &doc.rel, source, url, options.base_path, self.broken);
        resolver.lang = lang;
        resolver.activities = programme.and_then(|p| self.index.activities.get(&p));
        let locate = |offset: usize| doc.body_place(offset);
        let mut body = markdown::render(body, options, &mut resolver, &locate);
        if let Some(caption) = &doc.front.image_license {
            let locate = field_locator(doc, caption, doc.key_location("imageLicense"));
            body.caption = Some(markdown::render_inline(caption, &mut resolver, &locate));
        }
        if let Some(activity) = doc.fields.activity() {
            if let Some(note) = &activity.note {
                let locate = field_locator(doc, note, doc.key_location("note"));
                let html = markdown::render_inline(note, &mut resolver, &locate);
                body.inline.insert("note", html);
            }
            if let Some(funding) = &activity.funding {
                let locate = field_locator(doc, &funding.text, doc.nested_key_location("funding", "text"));
                let html = markdown::render_inline(&funding.text, &mut resolver, &locate);
                body.inline.insert("funding", html);
            }
        }
        let links = DocLinks { internal: resolver.links, external: resolver.external.into() };
        DocMarkdown { body, links, diagnostics: resolver.diagnostics }
    }

    /// A document's links pass.
    pub fn links_pass(&self, id: DocId) -> LinksPass {
        LinksPass::new(self.doc(id, false), self.tree.url(id))
    }

    /// The links pass of every document, and how many of them ran (the
    /// others were taken from `previous`). A document of `previous` (a
    /// build with the same index, base path and severity) keeps its pass
    /// when its text, its URL, the heading taken as its title and its
    /// programme are the same: the pass depends on nothing else.
    pub(super) fn all_links(&self, previous: Option<&Build>) -> (PerDoc<Arc<LinksPass>>, usize) {
        let tree = self.tree;
        // A path names the same kind of document in both trees
        // (`_index.md` is always a section).
        let old: HashMap<&Path, DocId> = match previous {
            None => HashMap::new(),
            Some(p) => p.tree.doc_ids().map(|id| (p.tree.document(id).rel.as_path(), id)).collect(),
        };
        let kept = |id: DocId| {
            let previous = previous?;
            let old_id = *old.get(tree.document(id).rel.as_path())?;
            let (old_tree, old_doc, doc) = (&previous.tree, previous.tree.document(old_id), tree.document(id));
            let same = old_doc.text == doc.text
                && old_doc.source == doc.source
                && old_tree.url(old_id) == tree.url(id)
                && old_tree.title_heading(old_id) == tree.title_heading(id)
                && old_tree.programme_of(old_tree.section_of(old_id)) == tree.programme_of(tree.section_of(id));
            same.then(|| Arc::clone(&previous.links[old_id]))
        };
        let passes = tree.per_doc(|id| match kept(id) {
            Some(pass) => (pass, false),
            None => (Arc::new(self.links_pass(id)), true),
        });
        let run = passes.values().filter(|(_, ran)| *ran).count();
        (passes.map(|(pass, _)| pass), run)
    }
}

impl render::programme::Bodies for MarkdownStage<'_> {
    fn body(&self, id: DocId) -> Rendered {
        self.doc(id, true).body
    }
}
