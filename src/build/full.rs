//! The full build: every stage, in order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use super::link_check::check_menu;
use super::pages::Pages;
use super::static_files::add_static_files;
use super::{
    fail, ids_of, load_templates, one, output_dir, publish, Backlinks, Build, BuildOptions, Checker, HoldBudget,
    LinksPass, MarkdownStage, Out, PageBytes, Renderer, Reuse, Timings, Unit,
};
use crate::config::{self, SiteConfig};
use crate::content::{self, DocId, PerDoc, SiteTree};
use crate::diagnostics::{Diagnostic, Diagnostics, Error, Severity};
use crate::i18n::{self, Strings};
use crate::index::SiteIndex;
use crate::known_broken::KnownBroken;
use crate::languages::Languages;
use crate::links;
use crate::markdown::{Highlighter, RenderOptions};
use crate::output::search::FoldedIndex;
use crate::output::{self, SiteOutput};
use crate::render::{RenderInputs, SiteValues};
use crate::site_data;
use crate::theme::Theme;
use crate::yaml;
use crate::{files, markdown};

impl Build {
    /// Runs every stage. A failure before the link checks is an error; the
    /// link checks' own errors are kept in the build (see [`Build::site`]).
    pub fn full(
        options: &BuildOptions,
        page_bytes: PageBytes,
        reuse: &Reuse<'_>,
        highlighter: Arc<Highlighter>,
    ) -> Result<Build, Error> {
        let root = options.root.as_path();
        let mut timings = Timings::default();
        let mut diagnostics = Diagnostics::default();

        let Settings { config, languages, output_dir, data, broken, known_broken, staging } =
            settings(options, page_bytes == PageBytes::Written, &mut diagnostics)?;
        let images = super::images::library(options, &config, &output_dir, reuse.previous).map_err(|d| fail(one(d)))?;
        let image_counts_before = images.processor.counts();
        let templates = load_templates(root, &config, &images);
        timings.mark("config and templates");
        // Liquid reads each file's text after the load, so its sites release
        // theirs after the links pass instead (see `links_releasing`).
        let held_up_to = (page_bytes != PageBytes::Kept && !config.liquid).then_some(options.sources_held_up_to);
        let content =
            load_content(options, &config, &languages, &data, reuse, held_up_to, &mut diagnostics, &mut timings);
        let (theme, site_templates, templates) = match templates {
            Ok(t) => t,
            Err(d) => {
                diagnostics.push(d);
                return Err(fail(diagnostics));
            }
        };
        let strings = match interface_strings(root, &languages, &theme, &mut diagnostics) {
            Ok(strings) => strings,
            Err(problems) => {
                diagnostics.extend(problems);
                return Err(fail(diagnostics));
            }
        };
        diagnostics.extend(theme.warnings.iter().cloned());
        let site_assets = files::list(&root.join("assets"), root);
        diagnostics.extend(site_assets.warnings);
        if diagnostics.has_errors() {
            return Err(fail(diagnostics));
        }
        let early = std::mem::take(&mut diagnostics.items);
        let Content { mut tree, excluded, assets, markdown_files, source_bytes } = content;
        images.set_sources(match options.images {
            true => super::images::sources(&site_assets.files, &assets),
            false => Vec::new(),
        });
        let index = SiteIndex::new(&tree, &assets, &languages);
        timings.mark("tree and index");

        let md_options = RenderOptions {
            base_path: config.base_path(),
            highlighter: &highlighter,
            html: true,
            report: false,
            images: Some(&images),
        };
        // `folio serve` keeps the texts to rebuild from them.
        let released = page_bytes != PageBytes::Kept && source_bytes > options.sources_held_up_to;
        // A site of at most half the budget in Markdown holds its pages'
        // HTML from the links pass to the templates (while the budget lasts:
        // highlighted code makes more HTML than Markdown); a larger one
        // holds none, so that its stages cost the same per page at any size
        // (see ARCHITECTURE.md, "Markdown runs once on a small site").
        let held_up_to = if source_bytes <= options.html_held_up_to / 2 { options.html_held_up_to } else { 0 };
        let (links, held, links_passes_run) = if released {
            let (links, run) = links_releasing(&mut tree, &index, md_options, broken, root);
            (links, None, run)
        } else {
            let markdown = MarkdownStage { tree: &tree, index: &index, options: md_options, broken };
            let previous = reuse.previous;
            let (links, held, run) = markdown.all_links(
                previous
                    .filter(|p| p.index == index && p.config.base_path() == config.base_path() && p.broken == broken),
                reuse.changed,
                &HoldBudget::new(held_up_to),
            );
            (links, Some(held), run)
        };
        for pass in links.values() {
            diagnostics.extend(pass.diagnostics.iter().cloned());
        }
        timings.mark("markdown");

        let backlinks = Backlinks::new(&tree, &links);
        let calendars = output::calendar::paths(&tree);
        let inputs = RenderInputs {
            data: &data,
            config: &config,
            calendars: &calendars,
            tree: &tree,
            backlinks: &backlinks.map,
            languages: &languages,
            strings: &strings,
        };
        let markdown = MarkdownStage { tree: &tree, index: &index, options: md_options, broken };
        let values = SiteValues::new(&inputs, &markdown);
        let renderer =
            Renderer { inputs, values: &values, markdown: &markdown, held: held.as_ref(), templates: &templates };
        let mut output = SiteOutput { host: links::HostRules::of(&config), ..SiteOutput::default() };
        // A theme page (404, search) gives way to a file of the site at its place.
        let copied: HashSet<PathBuf> = theme
            .static_files
            .keys()
            .cloned()
            .chain(assets.iter().map(|a| PathBuf::from(crate::index::asset_url(&a.rel).trim_start_matches('/'))))
            .collect();
        let mut units = renderer.units();
        units.retain(|unit| !matches!(unit, Unit::Theme(page) if copied.contains(page.output())));
        // `folio serve` keeps each page's terms, to update the index after
        // edits; `folio build` and `folio check` fold them into the index as
        // each page is rendered, so that no page holds them until it is written.
        let folded = (config.search && page_bytes != PageBytes::Kept).then(|| Mutex::new(FoldedIndex::default()));
        let (pages, mut output_problems) =
            render_pages(&renderer, &units, staging.as_ref(), page_bytes, folded.as_ref(), &mut output);
        timings.mark("templates");
        let image_outputs = super::images::used_by(&pages);
        output_problems.extend(super::images::place(&mut output, &Default::default(), &image_outputs, root));
        output_problems.extend(add_static_files(&mut output, &theme, &site_assets.files, &assets));
        output_problems.extend(output::calendar::add_all(&mut output, &tree, &config));
        let no_pages = BTreeMap::new();
        let site = publish::Rendered {
            tree: &tree,
            config: &config,
            programmes: &values.programmes,
            pages: &no_pages,
            languages: &languages,
        };
        let search = match folded {
            _ if !config.search => publish::Search::Off,
            None => publish::Search::Kept(site.with_pages(&pages.by_unit).search_pages(pages.by_unit.keys().copied())),
            Some(folded) => {
                let folded = folded.into_inner().unwrap_or_else(PoisonError::into_inner);
                // Listed in the order a kept index takes its pages: by unit.
                let mut keys: Vec<u32> = folded.keys().collect();
                keys.sort_unstable_by_key(|&key| units[key as usize]);
                let listed = keys.into_iter().filter_map(|key| Some((key, site.search_listing(units[key as usize])?)));
                publish::Search::Once(folded, listed.collect())
            }
        };
        let (search, published) =
            publish::publish(&site.with_pages(&pages.by_unit), search, &mut output, staging.as_ref(), broken);
        // A card image listed as already broken is a warning, not an error
        // that stops the build here.
        let mut published = Diagnostics { items: published };
        known_broken.apply(&mut published);
        let (errors, published): (Vec<_>, Vec<_>) = published.items.into_iter().partition(Diagnostic::is_error);
        output_problems.extend(errors);
        timings.mark("search index, sitemap, feeds");
        if !output_problems.is_empty() {
            // Checking links now would report every page that failed to render
            // a second time, as a broken link target.
            diagnostics.extend(output_problems);
            return Err(fail(diagnostics));
        }

        let ids = ids_of(&pages.scans, None);
        let paths = links::OutputPaths::new(output.paths(), &output.host);
        let checker = Checker { tree: &tree, links: &links, scans: &pages.scans, known: &known_broken };
        let checks = checker.check_all(&paths, &ids, config.base_path(), broken);
        drop(paths);
        let menu = check_menu(&config, &languages, &output, broken);
        timings.mark("links");
        Ok(Build {
            config,
            missing_strings: strings.missing_warnings(&languages, root),
            languages,
            strings,
            data,
            output_dir,
            broken,
            theme,
            site_templates,
            templates,
            markdown_files,
            tree: Arc::new(tree),
            excluded,
            index,
            highlighter,
            early,
            links,
            links_passes_run,
            backlinks,
            calendars,
            values,
            pages,
            output,
            checks,
            menu,
            search,
            published,
            known_broken,
            images,
            image_outputs,
            image_counts_before,
            timings,
            staging,
        })
    }
}

/// What the site's settings give a build.
struct Settings {
    /// site.yaml, with `--base-url` and the navigation data applied.
    config: SiteConfig,
    /// The site's languages, each with its menu.
    languages: Languages,
    output_dir: PathBuf,
    /// `data/` files.
    data: yaml::Mapping,
    /// The severity of broken links.
    broken: Severity,
    /// Links already broken when the site was imported: warnings.
    known_broken: KnownBroken,
    /// Where pages are written as they render (`folio build`).
    staging: Option<output::Staging>,
}

/// The site's settings; a data file's warnings go to `diagnostics`.
fn settings(options: &BuildOptions, stage: bool, diagnostics: &mut Diagnostics) -> Result<Settings, Error> {
    let root = options.root.as_path();
    let mut config = SiteConfig::load(root).map_err(|d| fail(one(d)))?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url).map_err(|d| fail(one(d)))?;
    }
    if !options.search {
        config.search = false;
    }
    let output_dir = output_dir(options, &config).map_err(|d| fail(one(d)))?;
    let data =
        site_data::load(root, &mut diagnostics.items).map_err(|problems| fail(Diagnostics { items: problems }))?;
    let known_broken = KnownBroken::load(root).map_err(|d| fail(one(d)))?;
    if config.menu.is_empty() {
        if let Some(navigation) = data.get("navigation") {
            config.menu = config::MenuItem::from_data(navigation);
        }
    }
    let mut languages = Languages::new(&config).map_err(|d| fail(one(d)))?;
    languages.resolve_menus(&config.menu, &data);
    let staging = match stage {
        true => Some(
            output::Staging::new(&output_dir).map_err(|source| Error::Write { path: output_dir.clone(), source })?,
        ),
        false => None,
    };
    let strict = options.strict_links.unwrap_or(config.strict_links);
    let broken = if strict { Severity::Error } else { Severity::Warning };
    Ok(Settings { config, languages, output_dir, data, broken, known_broken, staging })
}

/// The site's content, read and put in a tree.
struct Content {
    tree: SiteTree,
    /// Documents left out of the tree (drafts).
    excluded: Vec<content::Document>,
    /// Files beside the content, copied as they are.
    assets: Vec<content::ContentAsset>,
    /// Markdown files read (or reused), inside `content/`.
    markdown_files: HashSet<PathBuf>,
    /// The length of their texts (released or not, drafts included).
    source_bytes: usize,
}

/// Reads `content/`, taking from `reuse` the documents of files that did
/// not change, evaluates Liquid when the site asks for it (the stage
/// "load"), and assembles the tree. Texts beyond `held_up_to` bytes are
/// released as they are read (see [`content::load_reusing`]).
#[allow(clippy::too_many_arguments)]
fn load_content(
    options: &BuildOptions,
    config: &SiteConfig,
    languages: &Languages,
    data: &yaml::Mapping,
    reuse: &Reuse<'_>,
    held_up_to: Option<usize>,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Content {
    let old_docs: HashMap<&Path, &content::Document> = reuse.previous.map(Build::documents).unwrap_or_default();
    let reuse_doc = |path: &Path, rel: &Path| match (reuse.changed)(path) {
        true => None,
        false => old_docs.get(rel).map(|d| (*d).clone()),
    };
    let mut loaded = content::load_reusing(&options.root, diagnostics, &reuse_doc, held_up_to);
    if config.liquid {
        let mut liquid = markdown::liquid::LiquidSite::new(&options.root, config, data, &mut diagnostics.items);
        diagnostics.extend(markdown::liquid::evaluate_all(&mut liquid, &mut loaded.documents));
    }
    let markdown_files = loaded.documents.iter().map(|d| d.rel.clone()).collect();
    timings.mark("load");
    let (tree, excluded) =
        content::build_tree_and_excluded(loaded.documents, options.drafts, &config.title, languages, diagnostics);
    Content { tree, excluded, assets: loaded.assets, markdown_files, source_bytes: loaded.source_bytes }
}

/// The theme's interface strings with the site's own (`i18n/`) over them,
/// for every language of the site; a file that is not a mapping of text is
/// an error at its line.
fn interface_strings(
    root: &Path,
    languages: &Languages,
    theme: &Theme,
    diagnostics: &mut Diagnostics,
) -> Result<Strings, Vec<Diagnostic>> {
    let site_files = i18n::site_files(root, &mut diagnostics.items).map_err(|d| vec![d])?;
    Strings::new(languages, &theme.strings, &site_files)
}

/// Documents whose links pass runs before their text is let go, at a time:
/// small enough that little is held, large enough that waiting for a
/// chunk's slowest page costs nothing measurable.
const CHUNK: usize = 512;

/// The links pass of every document (see [`MarkdownStage::all_links`]), a
/// chunk at a time, each chunk's documents letting go of their text as
/// soon as their links are known: the templates read each file again.
fn links_releasing(
    tree: &mut SiteTree,
    index: &SiteIndex,
    options: RenderOptions<'_>,
    broken: Severity,
    root: &Path,
) -> (PerDoc<Arc<LinksPass>>, usize) {
    let ids: Vec<DocId> = tree.doc_ids().collect();
    let mut passes: Vec<Arc<LinksPass>> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let markdown = MarkdownStage { tree, index, options, broken };
        passes.par_extend(chunk.par_iter().map(|&id| Arc::new(markdown.links_pass(id))));
        for &id in chunk {
            tree.document_mut(id).release_text(root);
        }
    }
    let run = passes.len();
    let pages = passes.split_off(tree.sections.len());
    (PerDoc { sections: passes.into(), pages: pages.into() }, run)
}

/// Renders every page with its template into `output` (with `staging`,
/// each is written there at once; its bytes are kept only when
/// `page_bytes` says so); returns the pages and the problems.
fn render_pages(
    renderer: &Renderer<'_>,
    units: &[Unit],
    staging: Option<&output::Staging>,
    page_bytes: PageBytes,
    folded: Option<&Mutex<FoldedIndex>>,
    output: &mut SiteOutput,
) -> (Pages, Vec<Diagnostic>) {
    // Each page's HTML exists only from here until it is written.
    let rendered: Vec<Result<Out, Diagnostic>> = units
        .par_iter()
        .enumerate()
        .map(|(key, &unit)| {
            let mut out = renderer.render_out(unit, staging)?;
            if let Some(folded) = folded {
                if let Some(terms) = out.terms.take() {
                    folded.lock().unwrap_or_else(PoisonError::into_inner).add(key as u32, &terms);
                }
            }
            Ok(match page_bytes {
                PageBytes::Dropped => Out { bytes: None, ..out },
                PageBytes::Kept | PageBytes::Written => out,
            })
        })
        .collect();
    Pages::from_rendered(
        output,
        units.iter().zip(rendered).map(|(&unit, result)| (unit, renderer.target(unit), result)),
    )
}
