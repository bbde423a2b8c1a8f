//! folio: a static site generator for structured programme documents.
//!
//! The build is a chain of plain functions, one module per stage:
//! config -> content (load, tree) -> markdown -> render (templates) ->
//! output (write). `build` runs them all and writes the site; each stage's
//! value is the next one's input and no stage reaches back.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod markdown;
pub mod output;
pub mod render;
pub mod slug;
pub mod theme;
pub mod urls;
pub mod yaml;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use config::SiteConfig;
use content::{SiteTree, CONTENT_DIR};
use diagnostics::{Diagnostic, Diagnostics};
use markdown::{Highlighter, RenderOptions, Rendered};
use output::{OutputContent, SiteOutput};
use render::{SiteValues, Templates};
use theme::{FileSource, Theme};

/// The version and commit this binary was built from.
pub const VERSION: &str = env!("FOLIO_VERSION_STAMP");

/// Library errors. Problems with the site's files are [`Diagnostic`]s,
/// collected over the whole run; `Failed` carries them all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the build failed with {} error(s)", .0.error_count())]
    Failed(Diagnostics),
    #[error("cannot write the site to {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's folder (holds `site.yaml` and `content/`).
    pub root: PathBuf,
    /// Output folder; `None` means `output_dir` from site.yaml, under `root`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    pub highlight: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        BuildOptions { root: root.into(), output: None, drafts: false, base_url: None, highlight: true }
    }
}

/// The whole site in memory, before anything is written.
#[derive(Debug)]
pub struct BuiltSite {
    pub output: SiteOutput,
    pub output_dir: PathBuf,
    pub pages: usize,
    pub sections: usize,
    pub assets: usize,
    /// Warnings only: a build with errors returns [`Error::Failed`].
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct BuildReport {
    pub site: BuiltSite,
    pub elapsed: Duration,
}

/// Builds the site and writes it to the output folder, which is replaced
/// in one step; on any error the previous output is left as it was.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let site = render_site(options)?;
    output::write_site(&site.output, &site.output_dir)
        .map_err(|source| Error::Write { path: site.output_dir.clone(), source })?;
    Ok(BuildReport { site, elapsed: started.elapsed() })
}

/// Runs every stage but writing: the site as path -> bytes.
pub fn render_site(options: &BuildOptions) -> Result<BuiltSite, Error> {
    let root = options.root.as_path();
    let mut diagnostics = Diagnostics::default();
    let fail = |mut diagnostics: Diagnostics| {
        diagnostics.sort();
        Error::Failed(diagnostics)
    };

    let mut config = SiteConfig::load(root).map_err(|d| fail(one(d)))?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|d| fail(one(d)))?;
    }
    let output_dir = output_dir(options, &config).map_err(|d| fail(one(d)))?;

    let templates = Theme::load(root, &config.theme).and_then(|theme| {
        let templates = Templates::load(&theme, render::site_templates(root)?, &config)?;
        Ok((theme, templates))
    });
    let loaded = content::load(root, &mut diagnostics);
    let tree = content::build_tree(loaded.documents, options.drafts, &config.title, &mut diagnostics);
    let (theme, templates) = match templates {
        Ok(t) => t,
        Err(d) => {
            diagnostics.push(d);
            return Err(fail(diagnostics));
        }
    };
    if diagnostics.has_errors() {
        return Err(fail(diagnostics));
    }

    let highlighter = Highlighter::new(options.highlight);
    let md_options = RenderOptions { base_path: config.base_path(), highlighter: &highlighter };
    let (page_html, section_html) = render_markdown(&tree, md_options);

    let mut output = SiteOutput::default();
    let pages = render_templates(&config, &tree, &templates, &page_html, &section_html);
    for result in pages {
        match result {
            Ok((path, html, origin)) => {
                if let Err(d) = output.add(path, OutputContent::Rendered(html.into_bytes()), &origin) {
                    diagnostics.push(d);
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    for d in add_static_files(&mut output, root, &theme, &loaded.assets) {
        diagnostics.push(d);
    }
    if diagnostics.has_errors() {
        return Err(fail(diagnostics));
    }
    diagnostics.sort();
    Ok(BuiltSite {
        assets: output.count_copied(),
        output,
        output_dir,
        pages: tree.pages.len(),
        sections: tree.sections.len(),
        diagnostics,
    })
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics { items: vec![d] }
}

/// The output folder, refused where replacing it would destroy the site.
fn output_dir(options: &BuildOptions, config: &SiteConfig) -> Result<PathBuf, Diagnostic> {
    let dir = options.output.clone().unwrap_or_else(|| options.root.join(&config.output_dir));
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out, root) = (absolute(&dir), absolute(&options.root));
    let guarded = ["content", "templates", "themes", "assets", "data"].map(|d| root.join(d));
    if root.starts_with(&out) || guarded.iter().any(|g| out.starts_with(g)) {
        return Err(Diagnostic::error(format!(
            "refusing to write the site to {}: it would replace the site's own files",
            dir.display()
        ))
        .help("choose an output folder outside content/, templates/, themes/ and assets/, such as `public`"));
    }
    Ok(dir)
}

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

fn render_markdown(tree: &SiteTree, options: RenderOptions<'_>) -> (Vec<Rendered>, Vec<Rendered>) {
    let pages = tree.pages.par_iter().map(|p| markdown::render(&body_of(p), options)).collect();
    let sections = tree.sections.par_iter().map(|s| markdown::render(s.doc.body(), options)).collect();
    (pages, sections)
}

type RenderedPage = Result<(PathBuf, String, PathBuf), Diagnostic>;

fn render_templates(
    config: &SiteConfig,
    tree: &SiteTree,
    templates: &Templates,
    page_html: &[Rendered],
    section_html: &[Rendered],
) -> Vec<RenderedPage> {
    let values = SiteValues::new(config, tree);
    let pages = tree.pages.par_iter().enumerate().map(|(id, page)| {
        let template = templates.choose(Some(&page.doc), false, false)?;
        let context = render::page_context(config, tree, &values, id, &page_html[id]);
        let html = templates.render(&template, &context, &page.doc.source)?;
        Ok((page.output.clone(), html, page.doc.source.clone()))
    });
    let sections = tree.sections.par_iter().enumerate().map(|(id, section)| {
        let template = templates.choose(Some(&section.doc), true, section.parent.is_none())?;
        let context = render::section_context(config, tree, &values, id, &section_html[id]);
        let html = templates.render(&template, &context, &section.doc.source)?;
        Ok((section.output.clone(), html, section.doc.source.clone()))
    });
    let mut all: Vec<RenderedPage> = sections.collect();
    all.par_extend(pages);
    all
}

/// Theme `static/` to the output root, `assets/` to `/assets/`, and files
/// beside the content to the same place under their section's URL.
fn add_static_files(
    output: &mut SiteOutput,
    root: &Path,
    theme: &Theme,
    assets: &[content::ContentAsset],
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut add = |path: PathBuf, source: FileSource, origin: PathBuf| {
        if let Err(d) = output.add(path, OutputContent::Copied(source), &origin) {
            problems.push(d);
        }
    };
    for (path, source) in &theme.static_files {
        let origin = PathBuf::from("themes").join(&theme.name).join("static").join(path);
        add(path.clone(), source.clone(), origin);
    }
    for (rel, full) in theme::list_files(&root.join("assets")) {
        let path = Path::new("assets").join(&rel);
        add(path.clone(), FileSource::Disk(full), path);
    }
    for asset in assets {
        let dir = content::dir_url(asset.rel.parent().unwrap_or(Path::new("")));
        let name = asset.rel.file_name().unwrap_or_default();
        let path = PathBuf::from(dir.trim_start_matches('/')).join(name);
        add(path, FileSource::Disk(asset.source.clone()), Path::new(CONTENT_DIR).join(&asset.rel));
    }
    problems
}
