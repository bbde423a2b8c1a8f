//! Templates: the Tera environment (theme templates, overridden by the
//! site's own `templates/`), the choice of template per page, and rendering
//! a page's context to HTML. Tera errors become diagnostics that name the
//! template file and line.

mod context;
pub mod dates;
pub mod filters;
mod image_functions;
mod limits;
pub mod programme;
pub mod social;

use std::collections::{BTreeMap, HashMap};

use rustc_hash::FxHashMap;

use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

pub use context::{doc_context, generated_context, theme_page_context, SiteValues, GENERATOR};

use crate::config::SiteConfig;
use crate::content::{Document, Kind, SiteTree};
use crate::diagnostics::{Diagnostic, Location};
use crate::theme::{TemplateFile, Theme};

/// Everything the templates are rendered from.
pub struct RenderInputs<'a> {
    pub config: &'a SiteConfig,
    /// `data/` files, as `site.data`.
    pub data: &'a crate::yaml::Mapping,
    pub tree: &'a SiteTree,
    /// URL path -> the pages that link to it or mention it.
    pub backlinks: &'a FxHashMap<String, Vec<Referrer>>,
    /// Page URL path -> URL path of its calendar file.
    pub calendars: &'a HashMap<String, String>,
    pub languages: &'a crate::languages::Languages,
    /// The theme's interface strings in each language.
    pub strings: &'a crate::i18n::Strings,
}

/// Pages the theme makes of its own, from no content file: written when
/// the theme has the template and the site has no page at that address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThemePage {
    /// `404.html`, which hosts (and `folio serve`) answer unknown URLs with.
    NotFound,
    /// `/search/`: the search box's results on a page of their own.
    Search,
}

impl ThemePage {
    pub const ALL: [ThemePage; 2] = [ThemePage::NotFound, ThemePage::Search];

    pub fn template(self) -> &'static str {
        match self {
            ThemePage::NotFound => "404.html",
            ThemePage::Search => "search.html",
        }
    }

    /// The URL path it is shown at.
    pub fn path(self) -> &'static str {
        match self {
            ThemePage::NotFound => "/404.html",
            ThemePage::Search => "/search/",
        }
    }

    /// Its file in the output.
    pub fn output(self) -> &'static std::path::Path {
        std::path::Path::new(match self {
            ThemePage::NotFound => "404.html",
            ThemePage::Search => "search/index.html",
        })
    }

    /// Its title in English, where the theme's strings have none.
    pub fn title(self) -> &'static str {
        match self {
            ThemePage::NotFound => "Page not found",
            ThemePage::Search => "Search",
        }
    }

    /// The interface string (`t.<key>`) its title is, in the page's language.
    pub fn title_key(self) -> &'static str {
        match self {
            ThemePage::NotFound => "page_not_found",
            ThemePage::Search => "search",
        }
    }
}

/// A page that refers to another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referrer {
    pub title: String,
    pub path: String,
    /// Its language: a page lists the referrers in its own.
    pub lang: crate::languages::LangId,
}

/// Room for what a template writes around a page's own HTML (head, menu,
/// footer): the bundled theme writes 6-9 KB.
const PAGE_FRAME: usize = 16 * 1024;

pub struct Templates {
    tera: Tera,
    files: BTreeMap<String, TemplateFile>,
    /// The most templates and components each template can render for one
    /// page (see [`limits`]).
    renders: BTreeMap<String, u64>,
    /// Components that call themselves, most calls first.
    recursions: Vec<limits::Recursion>,
}

impl Templates {
    /// The theme's templates with the site's (`root/templates/`) on top.
    pub fn load(
        theme: &Theme,
        site_templates: BTreeMap<String, TemplateFile>,
        config: &SiteConfig,
        images: &std::sync::Arc<crate::images::Library>,
    ) -> Result<Templates, Diagnostic> {
        let mut files = theme.templates.clone();
        files.extend(site_templates);
        let graph = limits::Graph::new(&files);
        if let Some(cycle) = graph.include_cycle() {
            return Err(include_cycle(&files, &cycle));
        }
        let renders = files.keys().map(|name| (name.clone(), graph.renders(name))).collect();
        let recursions = graph.recursions();
        let mut tera = Tera::new();
        filters::register(&mut tera, &config.base_url, config.base_path());
        image_functions::register(&mut tera, images, config.base_path());
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        let sources = files.iter().map(|(name, file)| (name.as_str(), file.source.as_str()));
        tera.add_raw_templates(sources).map_err(|e| to_diagnostic(&files, &e, None))?;
        Ok(Templates { tera, files, renders, recursions })
    }

    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The template for a page or section: front matter `template`, then
    /// `layout` (Jekyll's `layout: post` means `post.html`), then the kind's
    /// template, then `index.html` for the home page, then `section.html` or
    /// `page.html`.
    pub fn choose(&self, doc: Option<&Document>, is_section: bool, is_root: bool) -> Result<String, Diagnostic> {
        if let Some(doc) = doc {
            let asked =
                [("template", doc.front.template.clone()), ("layout", doc.front.layout.as_ref().map(|l| with_html(l)))];
            for (key, name) in asked {
                let Some(name) = name else { continue };
                if self.files.contains_key(&name) {
                    return Ok(name);
                }
                let available: Vec<&str> = self.names().filter(|n| !n.contains('/')).collect();
                return Err(Diagnostic::error(format!("unknown template `{name}`"))
                    .at(doc.key_location(key))
                    .help(format!("use one of: {}; or add templates/{name} to the site", available.join(", "))));
            }
            if doc.front.kind != Kind::Page {
                let name = format!("{}.html", doc.front.kind.name());
                if self.files.contains_key(&name) {
                    return Ok(name);
                }
            }
        }
        let fallbacks: &[&str] = match (is_root, is_section) {
            (true, _) => &["index.html", "section.html", "page.html"],
            (false, true) => &["section.html", "page.html"],
            (false, false) => &["page.html"],
        };
        fallbacks.iter().find(|n| self.files.contains_key(**n)).map(|n| n.to_string()).ok_or_else(|| {
            Diagnostic::error(format!("the theme has no `{}` template", fallbacks[fallbacks.len() - 1]))
                .help("add it to the theme's templates/ or the site's templates/")
        })
    }

    /// Renders `template` for the page whose source is `page_source`;
    /// `body_len` (the length of the page's own HTML, which the template
    /// copies in) sizes the output once instead of growing it as it fills.
    pub fn render(
        &self,
        template: &str,
        context: &Context,
        page_source: &std::path::Path,
        body_len: usize,
    ) -> Result<String, Diagnostic> {
        let renders = self.renders.get(template).copied().unwrap_or(1);
        if renders > limits::MAX_RENDERS {
            return Err(self.too_much_work(template, page_source));
        }
        let mut out = Vec::with_capacity(body_len + PAGE_FRAME);
        let rendered = self.tera.render_to(template, context, &mut out).and_then(|()| Ok(String::from_utf8(out)?));
        rendered.map_err(|e| match e.to_string().contains("recursion depth") {
            true => self.too_deep(template, page_source),
            false => to_diagnostic(&self.files, &e, Some(page_source)),
        })
    }

    /// `message`, placed where the first component that calls itself does
    /// so, with `what` it does there added to the message.
    fn at_recursion(&self, message: String, what: impl Fn(&limits::Recursion) -> String, help: &str) -> Diagnostic {
        let mut d = Diagnostic::error(message).help(help);
        let Some(recursion) = self.recursions.first() else { return d };
        d.message.push_str(&format!(": component `{}` {}", recursion.component, what(recursion)));
        if let Some(file) = self.files.get(&recursion.template) {
            let line = file.source.split('\n').nth(recursion.line - 1).unwrap_or("");
            let column = line.find(&format!("<{}", recursion.component)).map_or(1, |c| c + 1);
            d = d.at(Location::at_line(&file.display, &file.source, recursion.line, column));
        }
        d
    }

    fn too_much_work(&self, template: &str, page: &std::path::Path) -> Diagnostic {
        self.at_recursion(
            format!(
                "template `{template}` could render components more than {} times for {}, which would take minutes",
                limits::MAX_RENDERS,
                page.display()
            ),
            |r| format!("calls itself {} times, up to {} levels deep", r.self_calls, limits::MAX_DEPTH),
            "let a component call itself once per level (loop over the children inside that one call)",
        )
    }

    fn too_deep(&self, template: &str, page: &std::path::Path) -> Diagnostic {
        self.at_recursion(
            format!(
                "components nest more than {} levels deep in template `{template}` while rendering {}",
                limits::MAX_DEPTH,
                page.display()
            ),
            |_| "calls itself here".to_string(),
            "make sure the recursion ends: call the component only while there is something left to show (`{% if entry.children %}`)",
        )
    }
}

/// The error for templates that include each other in a circle.
fn include_cycle(files: &BTreeMap<String, TemplateFile>, cycle: &[limits::Step]) -> Diagnostic {
    let steps: Vec<String> =
        cycle.iter().map(|(from, line, verb, to)| format!("`{from}` line {line} {verb} `{to}`")).collect();
    let (first, line, verb, _) = &cycle[0];
    let mut d = Diagnostic::error(format!("templates lead back to themselves: {}", steps.join(", ")))
        .help("remove one of these tags: an include or extends cannot lead back to the template it is in");
    if let Some(file) = files.get(first) {
        let text = file.source.split('\n').nth(line - 1).unwrap_or("");
        let column = text.find(verb.trim_end_matches('s')).map_or(1, |c| c + 1);
        d = d.at(Location::at_line(&file.display, &file.source, *line, column));
    }
    d
}

fn with_html(layout: &str) -> String {
    if layout.ends_with(".html") {
        layout.to_string()
    } else {
        format!("{layout}.html")
    }
}

/// Maps Tera's error (template name + span) to the template's own file and line.
fn to_diagnostic(
    files: &BTreeMap<String, TemplateFile>,
    error: &tera::Error,
    page: Option<&std::path::Path>,
) -> Diagnostic {
    let rendering = page.map(|p| format!(" while rendering {}", p.display())).unwrap_or_default();
    let located = |report: &tera::ReportError, what: &str| {
        let diagnostic =
            Diagnostic::error(format!("{what} in template `{}`{rendering}: {}", report.filename(), report.message()));
        match files.get(report.filename()) {
            Some(file) => diagnostic.at(Location::at_line(
                &file.display,
                &file.source,
                report.span().start_line,
                report.span().start_col + 1,
            )),
            None => diagnostic,
        }
    };
    match error.kind() {
        ErrorKind::SyntaxError(report) => located(report, "syntax error")
            .help("check the `{{ }}` and `{% %}` tags on this line: every block tag needs its `{% end… %}`"),
        ErrorKind::RenderingError(report) => located(report, "error")
            .help("a value the template uses may be missing: guard it with `{% if … %}` or `| default(value=…)`"),
        ErrorKind::MissingParent { current, parent } => {
            let at = files.get(current.as_str()).map(|f| template_location(f, parent));
            let d = Diagnostic::error(format!("template `{current}` extends `{parent}`, which does not exist"))
                .help(format!("add templates/{parent} or correct the name in `{{% extends %}}`"));
            match at {
                Some(location) => d.at(location),
                None => d,
            }
        }
        _ => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Diagnostic::error(format!("template error{rendering}: {message}"))
        }
    }
}

/// The first line of a template that mentions `needle`.
fn template_location(file: &TemplateFile, needle: &str) -> Location {
    let line = file.source.lines().position(|l| l.contains(needle)).map_or(1, |i| i + 1);
    let column = file.source.lines().nth(line - 1).and_then(|l| l.find(needle)).map_or(1, |c| c + 1);
    Location::at_line(&file.display, &file.source, line, column)
}
