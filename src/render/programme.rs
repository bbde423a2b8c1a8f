//! The Work Programme as templates see it: for each `kind: programme`
//! section, its priority areas with their activities and ongoing blocks in
//! order, the pages at its end (the colophon), its funding, and the pages
//! folio makes from it: the whole programme on one page and the funding
//! overview.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;
use tera::Value;

use super::RenderInputs;
use crate::content::kinds::{ActivityFields, FundingType};
use typed_index_collections::TiVec;

use crate::content::{output_file, DocId, Kind, KindFields, PageId, SectionId, SiteTree, WrittenDate};
use crate::markdown::Rendered;
use crate::urls;

/// Renders a page's or a section's Markdown when a view needs it.
pub trait Bodies: Sync {
    fn body(&self, id: DocId) -> Rendered;
}

/// A page folio makes for a programme: its place in `Programmes::generated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartId(usize);

impl From<usize> for PartId {
    fn from(position: usize) -> PartId {
        PartId(position)
    }
}

impl From<PartId> for usize {
    fn from(id: PartId) -> usize {
        id.0
    }
}

pub const ONE_PAGE_TEMPLATE: &str = "programme-all.html";
pub const FUNDING_TEMPLATE: &str = "programme-funding.html";

/// A page folio makes for a programme.
pub struct Part {
    pub programme: SectionId,
    pub title: String,
    /// URL path: `/programme/2024/all/`.
    pub path: String,
    pub output: PathBuf,
    pub template: &'static str,
    /// Empty: the template draws everything from `programme`.
    pub rendered: Rendered,
}

#[derive(Default)]
pub struct Programmes {
    values: HashMap<SectionId, Value>,
    neighbours: HashMap<PageId, (Option<PageId>, Option<PageId>)>,
    pub generated: TiVec<PartId, Part>,
}

#[derive(Serialize)]
struct ProgrammeView<'a> {
    title: &'a str,
    url: String,
    path: &'a str,
    date: Option<&'a WrittenDate>,
    fields: &'a KindFields,
    /// The programme's own text (the introduction), for the one-page view.
    introduction_one_page_html: String,
    priority_areas: Vec<AreaView<'a>>,
    /// Every activity, in programme order.
    activities: Vec<ActivityView<'a>>,
    /// Pages directly in the programme (the colophon), in order.
    appendices: Vec<PartView<'a>>,
    one_page_url: Option<String>,
    funding_url: Option<String>,
    /// The sum of every activity's core-fund amounts, in euros.
    core_total_eur: f64,
}

#[derive(Serialize)]
struct AreaView<'a> {
    title: &'a str,
    url: String,
    fields: &'a KindFields,
    /// Id of this part in the one-page view.
    anchor: String,
    /// The area's text with ids made unique for the one-page view.
    one_page_html: String,
    activities: Vec<ActivityView<'a>>,
    ongoing: Vec<PartView<'a>>,
}

#[derive(Serialize, Clone)]
struct ActivityView<'a> {
    id: &'a str,
    title: &'a str,
    url: String,
    fields: &'a ActivityFields,
    /// The priority area's number.
    area: Option<u32>,
    anchor: String,
    one_page_html: String,
    note_html: Option<String>,
    funding_html: Option<String>,
    core_eur: f64,
}

#[derive(Serialize)]
struct PartView<'a> {
    title: &'a str,
    url: String,
    anchor: String,
    one_page_html: String,
}

impl Programmes {
    pub fn new(inputs: &RenderInputs<'_>, bodies: &dyn Bodies) -> Programmes {
        let mut programmes = Programmes::default();
        let tree = inputs.tree;
        for (id, section) in tree.sections.iter_enumerated() {
            if section.doc.front.kind == Kind::Programme {
                programmes.add(inputs, id, bodies);
            }
        }
        programmes
    }

    /// `programme` for templates: the view, or none outside a programme.
    pub fn value(&self, programme: Option<SectionId>) -> Value {
        programme.and_then(|p| self.values.get(&p).cloned()).unwrap_or_else(Value::none)
    }

    /// An activity's previous and next activity across its whole programme.
    pub fn neighbours(&self, page: PageId) -> Option<(Option<PageId>, Option<PageId>)> {
        self.neighbours.get(&page).copied()
    }

    fn add(&mut self, inputs: &RenderInputs<'_>, programme: SectionId, bodies: &dyn Bodies) {
        let tree = inputs.tree;
        let base = inputs.config.base_path();
        let section = &tree.sections[programme];
        let anchors = Anchors::new(tree, programme, base);
        let mut activity_order = Vec::new();
        let mut areas = Vec::new();
        for &area_id in &section.subsections {
            let area = &tree.sections[area_id];
            if area.doc.front.kind != Kind::PriorityArea {
                continue;
            }
            let mut activities = Vec::new();
            let mut ongoing = Vec::new();
            for &page_id in &area.pages {
                let page = &tree.pages[page_id];
                let rendered = &bodies.body(DocId::Page(page_id));
                match &page.doc.fields {
                    KindFields::Activity(fields) => {
                        activity_order.push(page_id);
                        let number = area.doc.fields.priority_area().and_then(|p| p.number);
                        activities.push(activity_view(page_id, fields, number, rendered, tree, &anchors, base));
                    }
                    _ => ongoing.push(PartView {
                        title: &page.title,
                        url: urls::site_url(base, &page.url),
                        anchor: anchors.of(&page.url),
                        one_page_html: anchors.rewrite(&rendered.html, &anchors.of(&page.url), 2),
                    }),
                }
            }
            areas.push(AreaView {
                title: &area.title,
                url: urls::site_url(base, &area.url),
                fields: &area.doc.fields,
                anchor: anchors.of(&area.url),
                one_page_html: anchors.rewrite(&bodies.body(DocId::Section(area_id)).html, &anchors.of(&area.url), 1),
                activities,
                ongoing,
            });
        }
        for (i, &page) in activity_order.iter().enumerate() {
            let previous = i.checked_sub(1).map(|j| activity_order[j]);
            self.neighbours.insert(page, (previous, activity_order.get(i + 1).copied()));
        }
        let appendices = section
            .pages
            .iter()
            .map(|&p| {
                let page = &tree.pages[p];
                PartView {
                    title: &page.title,
                    url: urls::site_url(base, &page.url),
                    anchor: anchors.of(&page.url),
                    one_page_html: anchors.rewrite(&bodies.body(DocId::Page(p)).html, &anchors.of(&page.url), 1),
                }
            })
            .collect();

        let one_page = format!("{}all/", section.url);
        let funding = format!("{}funding/", section.url);
        let activities: Vec<ActivityView> = areas.iter().flat_map(|a| a.activities.iter().cloned()).collect();
        let view = ProgrammeView {
            title: &section.title,
            url: urls::site_url(base, &section.url),
            path: &section.url,
            date: section.doc.front.date.as_ref(),
            fields: &section.doc.fields,
            introduction_one_page_html: anchors.rewrite(
                &bodies.body(DocId::Section(programme)).html,
                "introduction",
                0,
            ),
            core_total_eur: activities.iter().map(|a| a.core_eur).sum(),
            priority_areas: areas,
            activities,
            appendices,
            one_page_url: Some(urls::site_url(base, &one_page)),
            funding_url: Some(urls::site_url(base, &funding)),
        };
        self.values.insert(programme, Value::from_serializable(&view));
        let year = section.doc.fields.programme().and_then(|p| p.year).map(|y| format!(" {y}")).unwrap_or_default();
        for (path, title, template) in [
            (one_page, format!("{} — the whole programme", section.title), ONE_PAGE_TEMPLATE),
            (funding, format!("Funding overview{year}"), FUNDING_TEMPLATE),
        ] {
            self.generated.push(Part {
                programme,
                title,
                output: output_file(&path),
                path,
                template,
                rendered: Rendered::default(),
            });
        }
    }
}

fn activity_view<'a>(
    page_id: PageId,
    fields: &'a ActivityFields,
    area: Option<u32>,
    rendered: &Rendered,
    tree: &'a SiteTree,
    anchors: &Anchors,
    base: &str,
) -> ActivityView<'a> {
    let page = &tree.pages[page_id];
    let anchor = anchors.of(&page.url);
    let core_eur = fields
        .funding
        .iter()
        .flat_map(|f| &f.amounts)
        .filter(|a| a.funding_type == FundingType::Core)
        .map(|a| a.eur)
        .sum();
    ActivityView {
        id: fields.id.as_deref().unwrap_or(""),
        title: &page.title,
        url: urls::site_url(base, &page.url),
        fields,
        area,
        one_page_html: anchors.rewrite(&rendered.html, &anchor, 2),
        anchor,
        note_html: rendered.inline.get("note").cloned(),
        funding_html: rendered.inline.get("funding").cloned(),
        core_eur,
    }
}

/// Ids in the one-page view: every part of the programme gets an anchor
/// (`activity-1-1`), the ids inside it are prefixed with it, and links to
/// pages of the programme become links within the page.
struct Anchors {
    /// Page URL (as in the tree) -> its anchor.
    by_path: HashMap<String, String>,
    /// Site URL of a programme page (with the base path) -> its anchor.
    by_url: HashMap<String, String>,
}

impl Anchors {
    fn new(tree: &SiteTree, programme: SectionId, base: &str) -> Anchors {
        let mut by_path = HashMap::new();
        let programme_url = &tree.sections[programme].url;
        let anchor = |path: &str| {
            let rest = path.strip_prefix(programme_url.as_str()).unwrap_or(path).trim_matches('/');
            if rest.is_empty() {
                "introduction".to_string()
            } else {
                rest.replace('/', "-")
            }
        };
        let sections = tree.sections.iter().map(|s| &s.url);
        for url in sections.chain(tree.pages.iter().map(|p| &p.url)) {
            if url.starts_with(programme_url.as_str()) {
                by_path.insert(url.clone(), anchor(url));
            }
        }
        let by_url = by_path.iter().map(|(path, anchor)| (urls::site_url(base, path), anchor.clone())).collect();
        Anchors { by_path, by_url }
    }

    fn of(&self, path: &str) -> String {
        self.by_path.get(path).cloned().unwrap_or_else(|| crate::slug::slugify(path.trim_matches('/')))
    }

    /// `id="x"` -> `id="{prefix}-x"`, `href="#x"` -> `href="#{prefix}-x"`,
    /// `href="/programme/2024/activities/1-1/#y"` -> `href="#activities-1-1-y"`;
    /// headings move `shift` levels down, under the part's own heading.
    fn rewrite(&self, html: &str, prefix: &str, shift: u8) -> String {
        let mut out =
            html.replace(" id=\"", &format!(" id=\"{prefix}-")).replace("href=\"#", &format!("href=\"#{prefix}-"));
        // Deepest first, so that no heading moves twice.
        for level in (1..=6u8).rev() {
            let to = (level + shift).min(6);
            if to != level {
                out = out
                    .replace(&format!("<h{level}"), &format!("<h{to}"))
                    .replace(&format!("</h{level}>"), &format!("</h{to}>"));
            }
        }
        // Links to programme pages, in one pass: each `href="…"` is looked
        // up, so the work grows with the text, not with the number of pages.
        let mut linked = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find("href=\"") {
            let value_start = at + "href=\"".len();
            linked.push_str(&rest[..value_start]);
            rest = &rest[value_start..];
            let value_end = rest.find('"').unwrap_or(rest.len());
            let value = &rest[..value_end];
            let (url, fragment) = match value.split_once('#') {
                Some((url, fragment)) => (url, Some(fragment)),
                None => (value, None),
            };
            match (self.by_url.get(url), fragment) {
                (Some(anchor), Some(fragment)) => linked.push_str(&format!("#{anchor}-{fragment}")),
                (Some(anchor), None) => linked.push_str(&format!("#{anchor}")),
                (None, _) => linked.push_str(value),
            }
            rest = &rest[value_end..];
        }
        linked.push_str(rest);
        linked
    }
}
