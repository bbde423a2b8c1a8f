//! `folio check`: builds the site (writing nothing, and keeping of each
//! page only its ids and links, as `folio build` does) and checks
//! what a reader would trip over. Links and anchors are checked by every
//! build already; `check` adds duplicate ids, pages nothing links to,
//! `mailto:` addresses, the front matter each kind requires, and, with
//! `--external`, the links that leave the site.

pub mod external;
pub mod imported;
mod report;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::build::{self, BuildOptions, BuiltSite};
use crate::content::{Document, Kind};
use crate::diagnostics::Error;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::{links, urls};

pub use external::{ExternalOptions, ExternalResult};

pub const DUPLICATE_ID: &str = "duplicate-id";
pub const UNREACHABLE: &str = "unreachable-page";
pub const BAD_MAILTO: &str = "bad-mailto";
pub const MISSING_FIELD: &str = "missing-field";
pub const IMAGE_WITHOUT_ALT: &str = "image-without-alt";
pub const IMAGE_TOO_LARGE: &str = "image-too-large";

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub build: BuildOptions,
    /// Checks `http(s)` links too.
    pub external: Option<ExternalOptions>,
}

impl CheckOptions {
    pub fn new(build: BuildOptions, external: bool) -> CheckOptions {
        let cache = build.root.join(external::CACHE_FILE);
        CheckOptions { build, external: external.then(|| ExternalOptions::with_cache(cache)) }
    }
}

#[derive(Debug)]
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    pub external: Vec<ExternalResult>,
    pub pages: usize,
    pub elapsed: Duration,
}

/// Exit codes of `folio check`.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_WARNINGS: u8 = 2;

pub fn check(options: &CheckOptions) -> CheckReport {
    let started = Instant::now();
    let mut site = match build::check_site(&options.build) {
        Ok(site) => site,
        Err(Error::Failed(diagnostics)) => {
            return CheckReport { diagnostics, external: Vec::new(), pages: 0, elapsed: started.elapsed() };
        }
        Err(e) => {
            let diagnostics = Diagnostics { items: vec![Diagnostic::error(e.to_string())] };
            return CheckReport { diagnostics, external: Vec::new(), pages: 0, elapsed: started.elapsed() };
        }
    };
    let mut found = Vec::new();
    found.extend(duplicate_ids(&site));
    found.extend(unreachable_pages(&site));
    found.extend(mailto_addresses(&site));
    found.extend(required_fields(&site));
    // Interface strings a language lacks: shown in the default language.
    found.extend(site.missing_strings.iter().cloned());
    found.extend(image_problems(&site));
    let external = match &options.external {
        Some(ext) => {
            let results = external::check_all(&site.external_links(), ext);
            found.extend(results.iter().filter_map(ExternalResult::diagnostic));
            results
        }
        None => Vec::new(),
    };
    site.diagnostics.extend(found);
    site.diagnostics.sort();
    CheckReport {
        pages: site.pages + site.sections,
        diagnostics: site.diagnostics,
        external,
        elapsed: started.elapsed(),
    }
}

/// Content images without alt text (a screen reader says nothing, or the
/// file's name) and originals larger than `images.warn_above`.
fn image_problems(site: &BuiltSite) -> Vec<Diagnostic> {
    let limit = site.config.images.warn_above;
    let mut problems = Vec::new();
    for (image, location) in site.image_uses() {
        if !image.has_alt {
            problems.push(
                Diagnostic::warning(format!("image `{}` has no alt text", image.written))
                    .code(IMAGE_WITHOUT_ALT)
                    .at(location.clone())
                    .help("say what it shows between the brackets: `![A red kite over the hill](kite.jpg)`"),
            );
        }
        let Some((limit, source)) = limit.zip(image.source.as_deref()) else { continue };
        let Ok(size) = std::fs::metadata(source).map(|m| m.len()) else { continue };
        if size > limit {
            problems.push(
                Diagnostic::warning(format!(
                    "image `{}` is {}, more than the {} the site allows (`images.warn_above`)",
                    image.written,
                    megabytes(size),
                    megabytes(limit)
                ))
                .code(IMAGE_TOO_LARGE)
                .at(location)
                .help("readers get resized copies, but the original is published and linked: save it smaller (a 2000-pixel-wide JPEG at quality 85 is plenty)"),
            );
        }
    }
    problems
}

fn megabytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{} KB", b.div_ceil(1000)),
    }
}

/// The document each written page came from.
fn sources(site: &BuiltSite) -> BTreeMap<&Path, &Document> {
    let pages = site.tree.pages.iter().map(|p| (p.output.as_path(), &p.doc));
    let sections = site.tree.sections.iter().map(|s| (s.output.as_path(), &s.doc));
    pages.chain(sections).collect()
}

fn duplicate_ids(site: &BuiltSite) -> Vec<Diagnostic> {
    let sources = sources(site);
    let mut problems = Vec::new();
    for (output, scan) in &site.scans {
        let mut seen = HashSet::new();
        let mut reported = HashSet::new();
        for id in scan.ids() {
            if !seen.insert(id) && reported.insert(id) {
                let location = match sources.get(output.as_path()) {
                    Some(doc) => heading_location(doc, id),
                    None => Location::file(output),
                };
                problems.push(
                    Diagnostic::error(format!(
                        "id `{id}` is used more than once on {}",
                        links::site_path_of(output).unwrap_or_default()
                    ))
                    .code(DUPLICATE_ID)
                    .at(location)
                    .help("links to this id reach only the first; give each element its own id"),
                );
            }
        }
    }
    problems
}

/// The line of `{#id}` in the Markdown when the id was written there.
fn heading_location(doc: &Document, id: &str) -> Location {
    // A large site's texts are let go once their links are known (see
    // `BuildOptions::sources_held_up_to`): read again for the few reported.
    let Ok(text) = doc.text() else { return Location::file(&doc.source) };
    match text.find(&format!("{{#{id}")) {
        Some(at) => Location::at_offset(&doc.source, &text, at),
        None => Location::file(&doc.source),
    }
}

/// Pages that no other page links to and no menu entry names: readers can
/// only find them by typing their URL.
fn unreachable_pages(site: &BuiltSite) -> Vec<Diagnostic> {
    let base = site.config.base_path();
    let paths = links::OutputPaths::new(site.output.paths(), &site.output.host);
    let mut reached: HashSet<String> = HashSet::new();
    for (output, scan) in &site.scans {
        let page_url = links::site_path_of(output).unwrap_or_default();
        for url in scan.urls().filter(|u| u.tag == "a") {
            if let Some(target) = resolve_in_site(url.url, &page_url, base, &paths) {
                if Path::new(&target) != output {
                    reached.insert(target);
                }
            }
        }
    }
    for item in &site.config.menu {
        if let Some(target) = links::output_path_of(&urls::decode_path(&item.url), &paths) {
            reached.extend(target.file().map(str::to_string));
        }
    }
    let root = &site.tree.sections[crate::content::ROOT].output;
    let pages = site.tree.pages.iter().map(|p| (&p.output, &p.doc.source));
    let sections = site.tree.sections.iter().filter(|s| !s.hidden).map(|s| (&s.output, &s.doc.source));
    pages
        .chain(sections)
        .filter(|(output, _)| *output != root && !output.to_str().is_some_and(|o| reached.contains(o)))
        .map(|(output, source)| {
            Diagnostic::warning(format!("no page links to {}", links::site_path_of(output).unwrap_or_default()))
                .code(UNREACHABLE)
                .at(Location::file(source))
                .help("link to it from a page or a menu entry, or mark it `draft: true`")
        })
        .collect()
}

fn resolve_in_site(url: &str, page_url: &str, base: &str, paths: &links::OutputPaths<'_>) -> Option<String> {
    if urls::is_external(url) || url.starts_with('#') {
        return None;
    }
    let path = url.split(['#', '?']).next().unwrap_or("");
    let path = urls::decode_path(path);
    let site_path = match path.strip_prefix(base.trim_end_matches('/')) {
        Some(rest) if path.starts_with('/') => rest.to_string(),
        _ if path.starts_with('/') => return None,
        _ => links::resolve_relative(page_url, &path),
    };
    links::output_path_of(&site_path, paths).and_then(|served| served.file().map(str::to_string))
}

fn mailto_addresses(site: &BuiltSite) -> Vec<Diagnostic> {
    site.external_places()
        .filter_map(|(url, doc, place)| {
            let address = url.strip_prefix("mailto:")?;
            let address = urls::decode_path(address.split('?').next().unwrap_or(""));
            (!is_email_list(&address)).then(|| {
                Diagnostic::error(format!("`{url}` is not a well-formed e-mail address"))
                    .code(BAD_MAILTO)
                    .at(doc.locate(place))
                    .help("write `mailto:name@example.org`, without spaces")
            })
        })
        .collect()
}

/// `a@b.org` or `a@b.org,c@d.org`.
pub fn is_email_list(s: &str) -> bool {
    !s.is_empty()
        && s.split(',').all(|a| {
            let Some((local, domain)) = a.trim().split_once('@') else { return false };
            let ok_chars =
                |p: &str| !p.is_empty() && !p.contains(|c: char| c.is_whitespace() || "<>()[]\\,;:@\"".contains(c));
            ok_chars(local)
                && ok_chars(domain)
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        })
}

/// Fields a kind cannot do without, with the reason shown in the help.
fn required_fields(site: &BuiltSite) -> Vec<Diagnostic> {
    let docs = site.tree.pages.iter().map(|p| &p.doc).chain(site.tree.sections.iter().map(|s| &s.doc));
    let mut problems = Vec::new();
    for doc in docs {
        let missing: Vec<(&str, &str)> = match doc.front.kind {
            Kind::Node => {
                let node = doc.fields.node();
                let mut m = Vec::new();
                if node.and_then(|n| n.name.as_ref()).is_none() {
                    m.push(("name", "the nodes directory lists nodes by name"));
                }
                if node.and_then(|n| n.website.as_ref()).is_none() {
                    m.push(("website", "readers look for the node's own site"));
                }
                m
            }
            Kind::Activity if doc.fields.activity().and_then(|a| a.id.as_ref()).is_none() => {
                vec![("id", "activities are cited and linked by their id, e.g. \"1.1\"")]
            }
            _ => Vec::new(),
        };
        for (field, why) in missing {
            problems.push(
                Diagnostic::error(format!("`kind: {}` needs `{field}`", doc.front.kind.name()))
                    .code(MISSING_FIELD)
                    .at(doc.key_location("kind"))
                    .help(format!("add `{field}:` to the front matter: {why}")),
            );
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        assert!(is_email_list("nodes@gbif.org"));
        assert!(is_email_list("a@b.org,c@d.org"));
        for bad in ["", "nodes", "nodes@gbif", "no des@gbif.org", "a@@b.org", "a@b..org", "@b.org"] {
            assert!(!is_email_list(bad), "{bad}");
        }
    }
}
