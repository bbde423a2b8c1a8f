//! The link checks: every internal URL of a page's HTML must lead to a
//! file of the site, and its anchor to an id of that page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::LinksPass;
use crate::config::{MenuItem, SiteConfig};
use crate::content::{DocId, PerDoc, SiteTree};
use crate::diagnostics::{Diagnostic, Severity};
use crate::html_scan;
use crate::known_broken::{KnownBroken, Listed};
use crate::languages::Languages;
use crate::links;
use crate::output::SiteOutput;
use crate::urls;

/// The link checks of documents: each internal URL of a page's HTML must
/// lead to a file of the site, and its anchor to an id of that page.
pub(crate) struct Checker<'a> {
    pub tree: &'a SiteTree,
    pub links: &'a PerDoc<Arc<LinksPass>>,
    pub scans: &'a BTreeMap<PathBuf, Arc<html_scan::Scanned>>,
    /// Links already broken when the site was imported: no "did you mean"
    /// is worked out for them (thousands, on some GBIF sites).
    pub known: &'a KnownBroken,
}

impl Checker<'_> {
    fn page(&self, id: DocId) -> Option<links::PageLinks<'_>> {
        let (output, doc) = (self.tree.output(id), self.tree.document(id));
        let scan = self.scans.get(output)?;
        Some(links::PageLinks { output, url: self.tree.url(id), doc, scan, markdown: &self.links[id].links.internal })
    }

    /// The problems of each document in `which`; `ids` must hold every
    /// page whose ids they look at.
    pub fn check(
        &self,
        which: &[DocId],
        paths: &links::OutputPaths<'_>,
        ids: &FxHashMap<&str, FxHashSet<&str>>,
        base_path: &str,
        severity: Severity,
    ) -> Vec<Vec<Diagnostic>> {
        let listed = self.known.listed();
        which.par_iter().map(|&id| self.check_one(id, paths, ids, base_path, severity, &listed)).collect()
    }

    /// The problems of every document.
    pub fn check_all(
        &self,
        paths: &links::OutputPaths<'_>,
        ids: &FxHashMap<&str, FxHashSet<&str>>,
        base_path: &str,
        severity: Severity,
    ) -> PerDoc<Vec<Diagnostic>> {
        let listed = self.known.listed();
        self.tree.per_doc(|id| self.check_one(id, paths, ids, base_path, severity, &listed))
    }

    fn check_one(
        &self,
        id: DocId,
        paths: &links::OutputPaths<'_>,
        ids: &FxHashMap<&str, FxHashSet<&str>>,
        base_path: &str,
        severity: Severity,
        listed: &Listed<'_>,
    ) -> Vec<Diagnostic> {
        let known = |file: &Path, link: &str| listed.contains(file, link);
        match self.page(id) {
            Some(page) => links::check(&page, base_path, paths, ids, severity, &known),
            None => Vec::new(),
        }
    }

    /// The pages whose ids the check of document `id` looks at.
    pub fn anchor_targets(&self, id: DocId, paths: &links::OutputPaths<'_>, base_path: &str) -> Vec<String> {
        self.page(id).map(|page| links::anchor_targets(&page, base_path, paths)).unwrap_or_default()
    }
}

/// Menu entries (of every language) must lead somewhere, or every page has a broken link.
pub(super) fn check_menu(
    config: &SiteConfig,
    languages: &Languages,
    output: &SiteOutput,
    severity: Severity,
) -> Vec<Diagnostic> {
    let output = links::OutputPaths::new(output.paths(), &output.host);
    let mut items: Vec<&MenuItem> = languages.list.iter().flat_map(|l| &l.menu).collect();
    items.sort_by(|a, b| (&a.title, &a.url).cmp(&(&b.title, &b.url)));
    items.dedup_by(|a, b| a.title == b.title && a.url == b.url);
    items
        .into_iter()
        .filter(|item| item.url.starts_with('/') && !item.url.starts_with("//"))
        .filter(|item| {
            links::output_path_of(&urls::decode_path(item.url.split('#').next().unwrap_or("")), &output).is_none()
        })
        .map(|item| {
            Diagnostic::with_severity(
                severity,
                format!("menu entry `{}` links to {}, which is not in the site", item.title, item.url),
            )
            .code(links::BROKEN_LINK)
            .at(config.location_of(&item.url))
            .help("correct the `url` or add the page it names")
        })
        .collect()
}
