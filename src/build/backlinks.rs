//! Who refers to whom. One [`ReverseIndex`] type answers both questions
//! an incremental rebuild asks: which documents link to a page (its
//! backlinks) and which documents' link checks look at a page's ids.

use std::collections::BTreeSet;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::LinksPass;
use crate::content::{DocId, PerDoc, SiteTree};
use crate::render;

/// For each target (a URL path, an output path), the documents that point
/// at it, in site order, each once.
#[derive(Debug, Default)]
pub(crate) struct ReverseIndex {
    by_target: FxHashMap<String, BTreeSet<DocId>>,
}

impl ReverseIndex {
    /// The index of what each document points at.
    pub fn new<'a>(targets: impl Iterator<Item = (DocId, &'a [String])>) -> ReverseIndex {
        let mut index = ReverseIndex::default();
        for (id, targets) in targets {
            for target in targets {
                index.insert(target, id);
            }
        }
        index
    }

    /// The documents that point at `target`.
    pub fn get(&self, target: &str) -> impl Iterator<Item = DocId> + '_ {
        self.by_target.get(target).into_iter().flatten().copied()
    }

    /// Document `id` now points at `new` instead of `old`; returns the
    /// targets whose documents changed.
    pub fn update(&mut self, id: DocId, old: &[String], new: &[String]) -> Vec<String> {
        let mut changed = Vec::new();
        for target in old.iter().filter(|t| !new.contains(t)) {
            if let Some(set) = self.by_target.get_mut(target) {
                set.remove(&id);
                if set.is_empty() {
                    self.by_target.remove(target);
                }
                changed.push(target.clone());
            }
        }
        for target in new.iter().filter(|t| !old.contains(t)) {
            self.insert(target, id);
            changed.push(target.clone());
        }
        changed
    }

    /// Copies `target` only the first time some document points at it:
    /// most targets are pointed at by many.
    fn insert(&mut self, target: &str, id: DocId) {
        match self.by_target.get_mut(target) {
            Some(ids) => {
                ids.insert(id);
            }
            None => {
                self.by_target.insert(target.to_string(), BTreeSet::from([id]));
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &BTreeSet<DocId>)> {
        self.by_target.iter()
    }
}

/// For each URL path, the pages whose Markdown links to it or mentions it
/// ("see also Activity 4.3"), in site order, as templates list them.
#[derive(Debug, Default)]
pub(crate) struct Backlinks {
    pub map: FxHashMap<String, Vec<render::Referrer>>,
    referrers: ReverseIndex,
}

impl Backlinks {
    pub(super) fn new(tree: &SiteTree, links: &PerDoc<Arc<LinksPass>>) -> Backlinks {
        let referrers = ReverseIndex::new(links.iter().map(|(id, pass)| (id, pass.targets.as_slice())));
        let map = referrers.iter().map(|(target, ids)| (target.clone(), Backlinks::list(tree, ids))).collect();
        Backlinks { map, referrers }
    }

    fn list(tree: &SiteTree, referrers: &BTreeSet<DocId>) -> Vec<render::Referrer> {
        let referrer = |&id: &DocId| render::Referrer {
            title: tree.title(id).to_string(),
            path: tree.url(id).to_string(),
            lang: tree.lang_of(id),
        };
        referrers.iter().map(referrer).collect()
    }

    /// Document `id` now refers to `new` instead of `old` (titles and URLs
    /// unchanged); returns the URL paths whose list changed.
    pub fn update(&mut self, tree: &SiteTree, id: DocId, old: &[String], new: &[String]) -> Vec<String> {
        let changed = self.referrers.update(id, old, new);
        for target in &changed {
            match self.referrers.by_target.get(target) {
                Some(ids) => self.map.insert(target.clone(), Backlinks::list(tree, ids)),
                None => self.map.remove(target),
            };
        }
        changed
    }
}
