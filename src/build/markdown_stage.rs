//! Each document's Markdown: its links (all of them are needed before any
//! template runs) and its HTML, in one pass on a small site while the
//! build's budget for held HTML lasts, else in two: the second right
//! before its template.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::Build;
use crate::content::{self, DocId, PerDoc, SiteTree};
use crate::diagnostics::{Diagnostic, Location, Place, Severity};
use crate::images::Focus;
use crate::index::SiteIndex;
use crate::languages::LangId;
use crate::links::{self, LinkResolver};
use crate::markdown::{self, RenderOptions, Rendered};

/// A `background_focus` that is not a focal point.
pub const BAD_FOCUS: &str = "bad-focus";
use crate::render;

/// The Markdown of a page with its title heading left out (when the title
/// came from it); blanked rather than cut, so byte offsets stay true.
fn body_of<'t>(page: &'t content::Page, text: &'t str) -> Cow<'t, str> {
    let body = page.doc.body_in(text);
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

impl DocMarkdown {
    /// A document whose file could not be read again as it was: nothing
    /// but that problem.
    fn failed(problem: Diagnostic) -> DocMarkdown {
        let links = DocLinks { internal: Vec::new(), external: Arc::from([]), images: Arc::from([]) };
        DocMarkdown { body: Rendered::default(), links, diagnostics: vec![problem] }
    }
}

/// The links of one document, kept after its rendered body is gone.
#[derive(Debug, Clone)]
pub(crate) struct DocLinks {
    pub internal: Vec<links::InternalLink>,
    pub external: Arc<[(String, Place)]>,
    /// The images it shows (its Markdown's and its hero).
    pub images: Arc<[links::ImageUse]>,
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
    pub fn new(mut md: DocMarkdown, url: &str) -> LinksPass {
        // Kept until the links are checked: at their length, not their
        // capacity (up to twice as long; 16 for the benchmark's 12 links).
        md.links.internal.shrink_to_fit();
        let mut targets: Vec<String> = Vec::new();
        for link in md.links.internal.iter().filter(|l| !l.reported && !l.path.is_empty() && l.path != url) {
            if !targets.contains(&link.path) {
                targets.push(link.path.clone());
            }
        }
        targets.shrink_to_fit();
        LinksPass { links: md.links, diagnostics: md.diagnostics, targets }
    }
}

/// Places an offset of a Markdown front matter value in the file: the
/// value's text from that offset is looked for after its key (YAML quoting
/// may differ, so a short piece is tried first); failing that, the key.
fn field_locator<'a>(text: &'a str, value: &'a str, key: Location) -> impl Fn(usize) -> Place + 'a {
    move |offset| {
        let from_key = text.lines().take(key.line.saturating_sub(1)).map(|l| l.len() + 1).sum::<usize>();
        let rest = value.get(offset..).unwrap_or("");
        let piece: String = rest.chars().take(24).collect();
        let found = [piece.as_str(), &piece[..piece.char_indices().nth(8).map_or(piece.len(), |(i, _)| i)]]
            .into_iter()
            .filter(|p| !p.is_empty())
            .find_map(|p| text.get(from_key..).and_then(|t| t.find(p)));
        match found {
            Some(at) => Place::Offset(from_key + at),
            None => Place::At(Box::new(key.clone())),
        }
    }
}

/// What a run over a document's Markdown is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Its links and its problems; no HTML.
    Links,
    /// Its HTML, for its template; its links pass reported its problems.
    Html,
    /// Both at once: a links pass whose HTML is held for the template.
    LinksAndHtml,
}

/// A body the links pass rendered, with the image copies it used, held
/// until its page's template takes it.
pub(crate) struct HeldBody {
    pub body: Rendered,
    pub images: Vec<crate::images::Used>,
}

/// The bodies the links pass rendered as well as read for links, while
/// they fitted in the build's budget (`BuildOptions::html_held_up_to`):
/// each page whose body is here skips the second Markdown pass, and gives
/// the memory back once its template has taken it.
pub(crate) struct HeldBodies {
    bodies: PerDoc<Mutex<Option<Box<HeldBody>>>>,
}

impl HeldBodies {
    /// The body held for `id`, taken (the next call gets `None`).
    pub fn take(&self, id: DocId) -> Option<Box<HeldBody>> {
        self.bodies[id].lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// The bytes of rendered HTML the links pass may still hold: it renders a
/// document's HTML while any are left, and each body held spends its size.
/// Checked before and spent after rendering, so each thread may go over by
/// one body.
pub(crate) struct HoldBudget(AtomicUsize);

impl HoldBudget {
    pub fn new(bytes: usize) -> HoldBudget {
        HoldBudget(AtomicUsize::new(bytes))
    }

    fn open(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 0
    }

    fn spend(&self, bytes: usize) {
        let _ = self.0.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| Some(left.saturating_sub(bytes)));
    }
}

/// Renders any page's or section's Markdown. A document's links are needed
/// before any template runs (for backlinks and checks), its HTML right
/// before its own template: on a small site the links pass renders the HTML
/// too and holds it while the build's budget lasts; otherwise it reads the
/// links only, and the HTML is rendered again right before the page's
/// template, so that a large site's HTML is never all in memory at once.
pub(crate) struct MarkdownStage<'a> {
    pub tree: &'a SiteTree,
    pub index: &'a SiteIndex,
    pub options: RenderOptions<'a>,
    pub broken: Severity,
}

impl MarkdownStage<'_> {
    /// A document's Markdown: its links and, unless a links pass only, its HTML.
    pub fn doc(&self, id: DocId, pass: Pass) -> DocMarkdown {
        let tree = self.tree;
        let doc = tree.document(id);
        let text = match doc.text() {
            Ok(text) => text,
            Err(changed) => return DocMarkdown::failed(changed),
        };
        let body = match id {
            DocId::Page(page) => body_of(&tree.pages[page], &text),
            DocId::Section(_) => Cow::Borrowed(doc.body_in(&text)),
        };
        let programme = tree.programme_of(tree.section_of(id));
        self.render(doc, &text, &body, tree.url(id), tree.lang_of(id), programme, pass)
    }

    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        doc: &content::Document,
        text: &str,
        body: &str,
        url: &str,
        lang: LangId,
        programme: Option<content::SectionId>,
        pass: Pass,
    ) -> DocMarkdown {
        let options = RenderOptions { html: pass != Pass::Links, report: pass != Pass::Html, ..self.options };
        let source = links::SourceText { file: &doc.source, text };
        let mut resolver = LinkResolver::new(self.index, &doc.rel, source, url, options.base_path, self.broken);
        resolver.lang = lang;
        resolver.activities = programme.and_then(|p| self.index.activities.get(&p));
        let locate = |offset: usize| doc.body_place(offset);
        let mut body = markdown::render(body, options, &mut resolver, &locate);
        body.hero = hero(doc, options, &mut resolver);
        if let Some(caption) = &doc.front.image_license {
            let locate = field_locator(text, caption, doc.key_location("imageLicense"));
            body.caption = Some(markdown::render_inline(caption, &mut resolver, &locate));
        }
        if let Some(activity) = doc.fields.activity() {
            if let Some(note) = &activity.note {
                let locate = field_locator(text, note, doc.key_location("note"));
                let html = markdown::render_inline(note, &mut resolver, &locate);
                body.inline.insert("note", html);
            }
            if let Some(funding) = &activity.funding {
                let locate = field_locator(text, &funding.text, doc.nested_key_location("funding", "text"));
                let html = markdown::render_inline(&funding.text, &mut resolver, &locate);
                body.inline.insert("funding", html);
            }
        }
        let links =
            DocLinks { internal: resolver.links, external: resolver.external.into(), images: resolver.images.into() };
        DocMarkdown { body, links, diagnostics: resolver.diagnostics }
    }

    /// A document's links pass.
    pub fn links_pass(&self, id: DocId) -> LinksPass {
        LinksPass::new(self.doc(id, Pass::Links), self.tree.url(id))
    }

    /// A document's links pass, with its HTML while `budget` lasts (never
    /// for a section that is not written).
    pub fn links_pass_holding(&self, id: DocId, budget: &HoldBudget) -> (LinksPass, Option<Box<HeldBody>>) {
        let written = !matches!(id, DocId::Section(s) if self.tree.sections[s].hidden);
        if !(written && budget.open()) {
            return (self.links_pass(id), None);
        }
        let (mut md, images) = crate::images::collecting(|| self.doc(id, Pass::LinksAndHtml));
        let mut body = std::mem::take(&mut md.body);
        // Rendered into a buffer sized for the worst case; held at its length.
        body.html.shrink_to_fit();
        budget.spend(body.heap_bytes());
        (LinksPass::new(md, self.tree.url(id)), Some(Box::new(HeldBody { body, images })))
    }

    /// The links pass of every document, and how many of them ran (the
    /// others were taken from `previous`). A document of `previous` (a
    /// build with the same index, base path and severity) keeps its pass
    /// when its text, its URL, the heading taken as its title and its
    /// programme are the same: the pass depends on nothing else.
    pub(super) fn all_links(
        &self,
        previous: Option<&Build>,
        changed: &(dyn Fn(&Path) -> bool + Sync),
        budget: &HoldBudget,
    ) -> (PerDoc<Arc<LinksPass>>, HeldBodies, usize) {
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
            // Its images made its copies and reported their problems.
            let pass = &previous.links[old_id];
            let images_same = !pass.links.images.iter().filter_map(|i| i.source.as_deref()).any(changed);
            (same && images_same).then(|| Arc::clone(pass))
        };
        let passes = tree.per_doc(|id| match kept(id) {
            Some(pass) => (pass, None, false),
            None => {
                let (pass, held) = self.links_pass_holding(id, budget);
                (Arc::new(pass), held, true)
            }
        });
        let run = passes.values().filter(|(_, _, ran)| *ran).count();
        let (passes, held) = passes.split(|(pass, held, _)| (pass, Mutex::new(held)));
        (passes, HeldBodies { bodies: held }, run)
    }
}

/// How wide the hero's portrait crop shows: the band is the screen's width
/// and at least `height` high, and the crop (3:4) covers it.
fn portrait_sizes(height: Option<&str>) -> String {
    let vh = height.and_then(|h| h.trim().strip_suffix("vh")).and_then(|n| n.trim().parse::<f64>().ok());
    match vh {
        Some(vh) if vh > 0.0 => format!("max(100vw, {}vh)", (vh * 0.75 * 100.0).round() / 100.0),
        _ => "100vw".into(),
    }
}

/// The front matter's `background` as resized copies (the links pass makes
/// them and reports a bad image at the key's line; the HTML pass gives the
/// picture). A background that is not one of the site's images stays a URL.
fn hero(
    doc: &content::Document,
    options: RenderOptions<'_>,
    resolver: &mut LinkResolver<'_>,
) -> Option<crate::images::Picture> {
    let focus = hero_focus(doc, options, resolver);
    let library = options.images?;
    let written = doc.front.background.as_deref()?;
    let path = crate::urls::decode_path(written.trim());
    let source = library.source(&path)?;
    let location = doc.key_location("background");
    resolver.images.push(links::ImageUse {
        written: written.to_string(),
        place: Place::At(Box::new(location.clone())),
        has_alt: true,
        source: Some(source.clone()),
    });
    let portrait = portrait_sizes(doc.front.height.as_deref());
    match library.picture(&path, &source, options.base_path, "100vw", Some(&portrait), focus) {
        Ok(picture) => options.html.then_some(picture),
        Err(error) => {
            if options.report {
                let d = markdown::images::bad_image(library, written, &source, &error);
                resolver.diagnostics.push(d.at(location));
            }
            None
        }
    }
}

/// The front matter's `background_focus`; the links pass reports a value
/// that is not one, and the hero is then centred.
fn hero_focus(doc: &content::Document, options: RenderOptions<'_>, resolver: &mut LinkResolver<'_>) -> Focus {
    let Some(written) = doc.front.background_focus.as_deref() else { return Focus::CENTRE };
    match Focus::parse(written) {
        Ok(focus) => focus,
        Err(why) => {
            if options.report {
                resolver.diagnostics.push(
                    Diagnostic::error(format!("`background_focus: {written}` is not a focal point: {why}"))
                        .code(BAD_FOCUS)
                        .at(doc.key_location("background_focus"))
                        .help(
                            "say where the picture's subject is as CSS `object-position` does: keywords \
                             (`left`, `right`, `top`, `bottom`, `center`) or percentages from the top left, \
                             horizontal first, e.g. `background_focus: 70% 45%`",
                        ),
                );
            }
            Focus::CENTRE
        }
    }
}

impl render::programme::Bodies for MarkdownStage<'_> {
    fn body(&self, id: DocId) -> Rendered {
        self.doc(id, Pass::Html).body
    }
}
