//! The site's search index, read by the theme's search script in the
//! reader's browser (no server, no other host).
//!
//! Each page contributes its terms (the words of the part of its HTML the
//! theme marks with `data-search-body`, folded to lower case without
//! accents, weighted by where they stand); the index holds, per language,
//! the pages' titles and sections in chunks and the postings in shards by
//! the terms' first two letters, so a query loads only what its words need.
//! A page's terms are kept, so `folio serve` updates the index for an edit
//! by rewriting only the shards the page's old and new terms fall in.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use unicode_normalization::char::is_combining_mark;

/// The folder of the index in the output.
pub const DIR: &str = "search-index";
/// Pages per chunk of titles and sections.
const PAGES_PER_CHUNK: usize = 500;
/// Terms longer than this are not words (hashes, URLs run together).
const MAX_TERM_CHARS: usize = 40;

/// Where a word stands on the page, as weight: a word in a title counts as
/// five in running text, in a heading as three.
const TITLE_WEIGHT: u16 = 5;
const HEADING_WEIGHT: u16 = 3;
const TEXT_WEIGHT: u16 = 1;

/// The searchable terms of one page, compact: every page of a build keeps
/// one for as long as `folio serve` runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageTerms {
    /// The distinct terms in order, each ended by `\0`.
    terms: String,
    /// The weight of each term, in the same order.
    weights: Vec<u16>,
    /// How many words the page has, for ranking long pages fairly.
    words: u32,
}

impl PageTerms {
    /// The terms of a page: its title and the text of the element its
    /// template marks with `data-search-body` (without the parts marked
    /// `data-search-ignore`, such as the table of contents). A page whose
    /// HTML has no such element has no terms and is not listed.
    pub fn of(title: &str, html: &str) -> PageTerms {
        if !has_body(html) {
            return PageTerms::default();
        }
        // Every word's term back to back in one string, then sorted and
        // merged: no allocation per word or per distinct term.
        let mut all = String::new();
        let mut found: Vec<(u32, u32, u16)> = Vec::new();
        let mut buffer = String::new();
        let mut add = |text: &str, weight: u16| {
            for_each_term(text, &mut buffer, |term| {
                let start = all.len() as u32;
                all.push_str(term);
                found.push((start, all.len() as u32, weight));
            });
        };
        add(title, TITLE_WEIGHT);
        body_text(html, &mut add);
        let term = |&(start, end, _): &(u32, u32, u16)| &all[start as usize..end as usize];
        found.sort_unstable_by(|a, b| term(a).cmp(term(b)));
        let mut out = PageTerms { words: found.len() as u32, ..PageTerms::default() };
        for (i, entry) in found.iter().enumerate() {
            match i > 0 && term(&found[i - 1]) == term(entry) {
                true => {
                    let last = out.weights.last_mut().expect("pushed for the first of these");
                    *last = last.saturating_add(entry.2);
                }
                false => {
                    out.terms.push_str(term(entry));
                    out.terms.push('\0');
                    out.weights.push(entry.2);
                }
            }
        }
        out.terms.shrink_to_fit();
        out.weights.shrink_to_fit();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u16)> {
        self.terms.split_terminator('\0').zip(self.weights.iter().copied())
    }
}

/// Calls `f` with each word of `text` as a term: lower case, accents
/// removed (a reader types "sesion" for "sesión"), split at anything but
/// letters and digits, except that a dot between digits stays ("4.3").
/// `buffer` is reused, so a page's thousand words cost no allocation.
pub fn for_each_term(text: &str, buffer: &mut String, mut f: impl FnMut(&str)) {
    let mut emit = |buffer: &mut String| {
        if buffer.ends_with('.') {
            buffer.pop();
        }
        if !buffer.is_empty() && buffer.chars().count() <= MAX_TERM_CHARS {
            f(buffer);
        }
        buffer.clear();
    };
    buffer.clear();
    for c in text.chars() {
        if buffer.ends_with('.') && !c.is_ascii_digit() {
            emit(buffer);
        }
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                buffer.push(c.to_ascii_lowercase());
            } else if c == '.' && buffer.ends_with(|p: char| p.is_ascii_digit()) {
                buffer.push('.');
            } else {
                emit(buffer);
            }
        } else if c.is_alphanumeric() {
            unicode_normalization::char::decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    buffer.extend(d.to_lowercase());
                }
            });
        } else if !is_combining_mark(c) {
            emit(buffer);
        }
    }
    emit(buffer);
}

/// The terms of `text`, for tests and queries.
pub fn terms_of(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, &mut String::new(), |t| terms.push(t.to_string()));
    terms
}

fn has_body(html: &str) -> bool {
    html.contains("data-search-body")
}

/// Hands the text of the page's `data-search-body` element to `text`, in
/// runs with their weight.
fn body_text(html: &str, text: &mut impl FnMut(&str, u16)) {
    let Some(open) = html.find("data-search-body").and_then(|start| html[..start].rfind('<')) else { return };
    let mut depth = 0usize;
    // Depths at which an ignored element and a heading started.
    let mut ignored_at: Option<usize> = None;
    let mut heading_at: Option<usize> = None;
    let bytes = html.as_bytes();
    let mut i = open;
    while i < bytes.len() {
        let Some(lt) = memchr::memchr(b'<', &bytes[i..]) else { break };
        if lt > 0 && ignored_at.is_none() {
            let weight = if heading_at.is_some() { HEADING_WEIGHT } else { TEXT_WEIGHT };
            let run = &html[i..i + lt];
            if run.contains('&') {
                text(&decode_entities(run), weight);
            } else {
                text(run, weight);
            }
        }
        i += lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = i + usize::from(closing);
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        let Some(gt) = memchr::memchr(b'>', &bytes[i..]) else { break };
        let tag_end = i + gt + 1;
        if name_len == 0 {
            i = tag_end;
            continue;
        }
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let tag = &html[i..tag_end];
        i = tag_end;
        if closing {
            depth = depth.saturating_sub(1);
            if ignored_at == Some(depth) {
                ignored_at = None;
            }
            if heading_at == Some(depth) {
                heading_at = None;
            }
            if depth == 0 {
                break;
            }
            continue;
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..].to_ascii_lowercase().find(&close).map_or(bytes.len(), |e| i + e);
            continue;
        }
        if VOID.contains(&name.as_str()) || tag.ends_with("/>") {
            // Words on either side of a <br> or an image are separate words.
            text(" ", TEXT_WEIGHT);
            continue;
        }
        if ignored_at.is_none() && tag.contains("data-search-ignore") {
            ignored_at = Some(depth);
        }
        if heading_at.is_none() && matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            heading_at = Some(depth);
        }
        // Block boundaries separate words ("</li><li>").
        text(" ", TEXT_WEIGHT);
        depth += 1;
    }
}

const VOID: [&str; 14] =
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::html_scan::decode_entities_into(text, &mut out);
    out
}

/// How the index lists a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub url: String,
    pub title: String,
    /// Where the page belongs, shown under its title ("Work Programme 2024",
    /// "2021 Global Nodes Meeting").
    pub section: String,
    /// The language whose index the page is in.
    pub lang: String,
}

/// One page of an index that is kept: its listing and its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    pub listing: Listing,
    pub terms: Arc<PageTerms>,
}

/// The index of a whole site.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    languages: BTreeMap<String, Language>,
}

#[derive(Debug, Clone, Default)]
struct Language {
    pages: Vec<SearchPage>,
    by_url: HashMap<String, u32>,
    /// Term -> its pages in order, each with its weight there ([`posting`]).
    postings: BTreeMap<String, Vec<u32>>,
}

impl SearchIndex {
    /// The index of `pages` (in any order: each language's pages are
    /// numbered by URL, so two builds give the same files).
    pub fn new(pages: Vec<SearchPage>) -> SearchIndex {
        let mut index = SearchIndex::default();
        for page in pages.into_iter().filter(|p| !p.terms.is_empty()) {
            index.languages.entry(page.listing.lang.clone()).or_default().pages.push(page);
        }
        for language in index.languages.values_mut() {
            language.pages.sort_by(|a, b| a.listing.url.cmp(&b.listing.url));
            // Each term's list made at its final length first: grown by
            // doubling, the lists of 10,000 pages held twice their size.
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (term, _) in language.pages.iter().flat_map(|p| p.terms.iter()) {
                *counts.entry(term).or_default() += 1;
            }
            language.postings = counts.into_iter().map(|(t, n)| (t.to_string(), Vec::with_capacity(n))).collect();
            for (n, page) in language.pages.iter().enumerate() {
                language.by_url.insert(page.listing.url.clone(), n as u32);
                for (term, weight) in page.terms.iter() {
                    if let Some(list) = language.postings.get_mut(term) {
                        list.push(posting(n as u32, weight));
                    }
                }
            }
        }
        index
    }

    /// Every file of the index: path under the output folder -> content.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files = Vec::new();
        for (lang, language) in &self.languages {
            files.push((format!("{DIR}/{lang}/index.json"), language.summary()));
            for chunk in 0..language.pages.len().div_ceil(PAGES_PER_CHUNK) {
                files.push((format!("{DIR}/{lang}/pages-{chunk}.json"), language.chunk(chunk)));
            }
            let stemmer = stemmer(lang);
            let shards: BTreeSet<String> = language.postings.keys().map(|t| shard_of(t)).collect();
            for shard in shards {
                files.push((format!("{DIR}/{lang}/{shard}.json"), language.shard(&shard, stemmer.as_ref())));
            }
        }
        files
    }

    /// Puts `pages` in place of the pages at their URLs (the set of pages
    /// and their languages stay as they were); returns the files that
    /// changed, or `None` when a page is new, changed language or has no
    /// terms any more (the caller then makes the index anew).
    pub fn update(&mut self, pages: Vec<SearchPage>) -> Option<Vec<(String, Option<String>)>> {
        let mut touched: BTreeMap<String, Touched> = BTreeMap::new();
        for page in pages {
            let language = self.languages.get_mut(&page.listing.lang)?;
            let n = *language.by_url.get(&page.listing.url)?;
            if page.terms.is_empty() {
                return None;
            }
            let lang = page.listing.lang.clone();
            let old = std::mem::replace(&mut language.pages[n as usize], page);
            let new = &language.pages[n as usize];
            let touched = touched.entry(lang).or_default();
            if (&old.listing, old.terms.words) != (&new.listing, new.terms.words) {
                touched.chunks.insert(n as usize / PAGES_PER_CHUNK);
            }
            // Only the terms whose weight changed (or that came or went)
            // move: a typo fixed rewrites a shard or two, not the index.
            let before: HashMap<&str, u16> = old.terms.iter().collect();
            let after: HashMap<&str, u16> = new.terms.iter().collect();
            let gone = before.iter().filter(|(t, w)| after.get(*t) != Some(w)).map(|(&t, _)| (t, None));
            let came = after.iter().filter(|(t, w)| before.get(*t) != Some(w)).map(|(&t, &w)| (t, Some(w)));
            // (A term whose weight changed is in both: its new weight, last, stays.)
            for (term, weight) in gone.chain(came) {
                touched.terms.entry(term.to_string()).or_default().push((n, weight));
                touched.shards.insert(shard_of(term));
            }
        }
        // Each changed term's list is rewritten once, however many of its
        // pages changed: a template edit that changes the words of every
        // page would otherwise rescan a common word's list once per page.
        for (lang, touched) in &mut touched {
            let language = self.languages.get_mut(lang).expect("touched languages are indexed");
            for (term, changes) in std::mem::take(&mut touched.terms) {
                match language.postings.get_mut(&term) {
                    Some(list) => {
                        rewrite(list, changes);
                        if list.is_empty() {
                            language.postings.remove(&term);
                        }
                    }
                    None => {
                        let mut list = Vec::new();
                        rewrite(&mut list, changes);
                        if !list.is_empty() {
                            language.postings.insert(term, list);
                        }
                    }
                }
            }
        }
        let mut files = Vec::new();
        for (lang, Touched { shards, chunks, .. }) in touched {
            let language = &self.languages[&lang];
            let stemmer = stemmer(&lang);
            if !chunks.is_empty() {
                files.push((format!("{DIR}/{lang}/index.json"), Some(language.summary())));
            }
            for chunk in chunks {
                files.push((format!("{DIR}/{lang}/pages-{chunk}.json"), Some(language.chunk(chunk))));
            }
            for shard in shards {
                // A shard whose last term went is removed, as a full build
                // of the same pages would not write it.
                let content = language.has_shard(&shard).then(|| language.shard(&shard, stemmer.as_ref()));
                files.push((format!("{DIR}/{lang}/{shard}.json"), content));
            }
        }
        Some(files)
    }
}

/// The index of a build that writes it once and never updates it (`folio
/// build`, `folio check`): each page's terms are folded in as soon as the
/// page is rendered, so no page holds its terms until the index is
/// written. Each term is kept once, and each page that has it as two or
/// three bytes; at 100,000 pages of about 300 distinct terms each that is
/// about 70 MB, where every page's own terms were 300 MB and the postings
/// made of them at the end 120 MB more.
#[derive(Debug, Default)]
pub struct FoldedIndex {
    /// Each term's number: its place in `lists`.
    numbers: FxHashMap<Box<str>, u32>,
    lists: Vec<FoldedList>,
    /// Each page folded in, in the order they came: the caller's key for
    /// it and its number of words.
    pages: Vec<(u32, u32)>,
}

/// The pages of one term, in the order they were folded in: for each, its
/// distance from the previous one (LEB128: one byte up to 127) and its
/// weight (one byte, at most 255, as in [`posting`]).
#[derive(Debug, Default)]
struct FoldedList {
    bytes: Vec<u8>,
    /// The last page's place in `FoldedIndex::pages`.
    last: u32,
}

impl FoldedIndex {
    /// Folds in the terms of the page the caller knows as `key` (a page
    /// without terms is not listed).
    pub fn add(&mut self, key: u32, terms: &PageTerms) {
        if terms.is_empty() {
            return;
        }
        let page = self.pages.len() as u32;
        self.pages.push((key, terms.words));
        for (term, weight) in terms.iter() {
            let number = match self.numbers.get(term) {
                Some(&number) => number,
                None => {
                    let number = self.lists.len() as u32;
                    self.numbers.insert(term.into(), number);
                    self.lists.push(FoldedList::default());
                    number
                }
            };
            let list = &mut self.lists[number as usize];
            let mut gap = page - list.last;
            while gap >= 0x80 {
                list.bytes.push((gap as u8) | 0x80);
                gap >>= 7;
            }
            list.bytes.push(gap as u8);
            list.bytes.push(weight.min(255) as u8);
            list.last = page;
        }
    }

    /// The keys of the pages folded in, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = u32> + '_ {
        self.pages.iter().map(|&(key, _)| key)
    }

    /// Gives the index's files to `put` one at a time: the same files as
    /// [`SearchIndex::new`] of the same pages. `listings` lists the pages
    /// by their keys, in the order a kept index is given its pages (the
    /// order of pages with the same URL); a page not listed is left out.
    /// Each term's pages are let go once they are in their shard.
    pub fn write(self, mut listings: Vec<(u32, Listing)>, mut put: impl FnMut(String, String)) {
        let FoldedIndex { numbers, mut lists, pages } = self;
        let place: HashMap<u32, usize> = pages.iter().enumerate().map(|(place, &(key, _))| (key, place)).collect();
        listings.retain(|(key, _)| place.contains_key(key));
        // By language, then URL, sorted where they are rather than grouped
        // into a copy (a listing per page: 100,000 at the build's peak); the
        // sort is stable, so pages with the same URL keep their order.
        listings.sort_by(|(_, a), (_, b)| (&a.lang, &a.url).cmp(&(&b.lang, &b.url)));
        // Each page folded in: its language (a place in `languages`) and
        // its number there, by URL, as a kept index numbers them.
        let mut numbered: Vec<Option<(usize, u32)>> = vec![None; pages.len()];
        let mut languages: Vec<(String, Option<Stemmer>, Shard)> = Vec::new();
        for (l, listed) in listings.chunk_by(|(_, a), (_, b)| a.lang == b.lang).enumerate() {
            let lang = listed[0].1.lang.clone();
            for (n, (key, _)) in listed.iter().enumerate() {
                numbered[place[key]] = Some((l, n as u32));
            }
            let words = listed.iter().map(|(key, _)| pages[place[key]].1);
            put(format!("{DIR}/{lang}/index.json"), summary_json(words));
            for (chunk, rows) in listed.chunks(PAGES_PER_CHUNK).enumerate() {
                let rows = rows.iter().map(|(key, listing)| (listing, pages[place[key]].1));
                put(format!("{DIR}/{lang}/pages-{chunk}.json"), chunk_json(rows));
            }
            let stemmer = stemmer(&lang);
            languages.push((lang, stemmer, Vec::new()));
        }
        drop((listings, place));
        let mut terms: Vec<(Box<str>, u32)> = numbers.into_iter().collect();
        terms.sort_unstable();
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); languages.len()];
        for (term, number) in terms {
            let bytes = std::mem::take(&mut lists[number as usize].bytes);
            let (mut page, mut at) = (0u32, 0);
            while at < bytes.len() {
                let (mut gap, mut shift) = (0u32, 0);
                loop {
                    let byte = bytes[at];
                    at += 1;
                    gap |= u32::from(byte & 0x7f) << shift;
                    shift += 7;
                    if byte < 0x80 {
                        break;
                    }
                }
                page += gap;
                let weight = u16::from(bytes[at]);
                at += 1;
                if let Some((l, n)) = numbered[page as usize] {
                    postings[l].push(posting(n, weight));
                }
            }
            for (l, (lang, stemmer, shard)) in languages.iter_mut().enumerate() {
                if postings[l].is_empty() {
                    continue;
                }
                // Folded in as the pages were rendered; listed by URL.
                let mut list = std::mem::take(&mut postings[l]);
                list.sort_unstable();
                if shard.first().is_some_and(|(first, _)| shard_of(first) != shard_of(&term)) {
                    put_shard(&mut put, lang, stemmer.as_ref(), shard);
                }
                shard.push((term.clone(), list));
            }
        }
        for (lang, stemmer, shard) in &mut languages {
            put_shard(&mut put, lang, stemmer.as_ref(), shard);
        }
    }
}

/// The terms of one shard, in order, each with its postings.
type Shard = Vec<(Box<str>, Vec<u32>)>;

/// Gives the file of `shard` (terms of one shard, in order, with their
/// postings) to `put`, and empties it.
fn put_shard(put: &mut impl FnMut(String, String), lang: &str, stemmer: Option<&Stemmer>, shard: &mut Shard) {
    if let Some((first, _)) = shard.first() {
        let path = format!("{DIR}/{lang}/{}.json", shard_of(first));
        put(path, shard_json(shard.iter().map(|(t, l)| (&**t, l.as_slice())), stemmer));
        shard.clear();
    }
}

/// `list` (one term's postings, in page order) with `changes` made: each
/// changed page's posting taken out, and put back with its new weight.
fn rewrite(list: &mut Vec<u32>, mut changes: Vec<(u32, Option<u16>)>) {
    // By page, keeping each page's last change (an update may name a page
    // twice; the stable sort keeps their order).
    changes.sort_by_key(|&(n, _)| n);
    changes.reverse();
    changes.dedup_by_key(|&mut (n, _)| n);
    changes.reverse();
    list.retain(|&p| changes.binary_search_by_key(&page_of(p), |&(n, _)| n).is_err());
    list.extend(changes.iter().filter_map(|&(n, weight)| weight.map(|w| posting(n, w))));
    // Two sorted runs: the stable sort merges them in one pass.
    list.sort();
}

/// What an update changes in one language: the shards and chunks to write
/// again, and each changed term's pages with their new weights (`None`:
/// the page no longer has the term), in the order they were found.
#[derive(Default)]
struct Touched {
    shards: BTreeSet<String>,
    chunks: BTreeSet<usize>,
    terms: HashMap<String, Vec<(u32, Option<u16>)>>,
}

impl Language {
    fn terms_in(&self, shard: &str) -> impl Iterator<Item = (&String, &Vec<u32>)> + '_ {
        let start = shard_start(shard);
        let shard = shard.to_string();
        self.postings.range(start..).take_while(move |(t, _)| shard_of(t) == shard)
    }

    fn has_shard(&self, shard: &str) -> bool {
        self.terms_in(shard).next().is_some()
    }

    fn summary(&self) -> String {
        summary_json(self.pages.iter().map(|p| p.terms.words))
    }

    fn chunk(&self, chunk: usize) -> String {
        let pages = self.pages.iter().skip(chunk * PAGES_PER_CHUNK).take(PAGES_PER_CHUNK);
        chunk_json(pages.map(|p| (&p.listing, p.terms.words)))
    }

    /// The file of one shard ([`shard_json`]).
    fn shard(&self, shard: &str, stemmer: Option<&Stemmer>) -> String {
        shard_json(self.terms_in(shard).map(|(t, l)| (t.as_str(), l.as_slice())), stemmer)
    }
}

/// `index.json` of a language whose pages have `words` words each.
fn summary_json(words: impl ExactSizeIterator<Item = u32>) -> String {
    let pages = words.len();
    let words: u64 = words.map(u64::from).sum();
    format!("{{\"pages\":{},\"chunk\":{},\"average_words\":{}}}", pages, PAGES_PER_CHUNK, words / pages.max(1) as u64)
}

/// `[[url, title, section, words], …]` of one chunk of pages.
fn chunk_json<'p>(pages: impl Iterator<Item = (&'p Listing, u32)>) -> String {
    let rows: Vec<_> = pages.map(|(p, words)| serde_json::json!([p.url, p.title, p.section, words])).collect();
    serde_json::to_string(&rows).unwrap_or_default()
}

/// `[[term, stem, [page, …], [weight, …]], …]` of the terms in one shard;
/// pages as differences from the previous one (small numbers), the stem
/// empty when it is the term itself.
fn shard_json<'t>(terms: impl Iterator<Item = (&'t str, &'t [u32])>, stemmer: Option<&Stemmer>) -> String {
    let mut out = String::from("[");
    let mut first = true;
    for (term, list) in terms {
        if !first {
            out.push(',');
        }
        first = false;
        let stem = stemmer.map(|s| s.stem(term).into_owned()).filter(|s| s != term).unwrap_or_default();
        out.push_str(&serde_json::to_string(&[term, stem.as_str()]).unwrap_or_default()[..]);
        out.pop();
        out.push_str(",[");
        let mut previous = 0;
        for (i, &p) in list.iter().enumerate() {
            let separator = if i > 0 { "," } else { "" };
            let _ = write!(out, "{separator}{}", page_of(p) - previous);
            previous = page_of(p);
        }
        out.push_str("],[");
        for (i, &p) in list.iter().enumerate() {
            let separator = if i > 0 { "," } else { "" };
            let _ = write!(out, "{separator}{}", weight_of(p));
        }
        out.push_str("]]");
    }
    out.push(']');
    out
}

/// A page and a term's weight on it, in one number: the page in the high
/// 24 bits, the weight (at most 255) in the low 8. At 10,000 pages of
/// 300 distinct terms each, that is 12 MB for the whole index.
fn posting(page: u32, weight: u16) -> u32 {
    (page << 8) | u32::from(weight.min(255))
}

fn page_of(posting: u32) -> u32 {
    posting >> 8
}

fn weight_of(posting: u32) -> u32 {
    posting & 0xff
}

/// The shard a term is in: its first two characters, a dot written `_`
/// (the script in the theme does the same).
fn shard_of(term: &str) -> String {
    term.chars().take(2).map(|c| if c == '.' { '_' } else { c }).collect()
}

/// The first term that can be in `shard`.
fn shard_start(shard: &str) -> String {
    shard.replace('_', ".")
}

/// Snowball's stemmer for a language, when it has one.
fn stemmer(lang: &str) -> Option<Stemmer> {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang).to_ascii_lowercase();
    let algorithm = match primary.as_str() {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_folded_and_split_keeping_dotted_numbers() {
        assert_eq!(
            terms_of("Sesión «plenaria», Activity 4.3 and 1.2. GBIF.org sequence-derived"),
            ["sesion", "plenaria", "activity", "4.3", "and", "1.2", "gbif", "org", "sequence", "derived"]
        );
        assert_eq!(terms_of("ÉTUDE naïve Ærø"), ["etude", "naive", "ærø"]);
    }

    #[test]
    fn the_body_is_read_without_ignored_parts_scripts_or_tags() {
        let html = "<html><head><title>T</title></head><body><nav>Menu</nav>\
            <main data-search-body><nav data-search-ignore><a>Breadcrumb</a><ol><li>Toc</li></ol></nav>\
            <h2>Heading</h2><p>One&amp;two<br>three<script>var x = 1;</script><img src=x>four</p></main>\
            <footer>Footer</footer></body></html>";
        let terms = PageTerms::of("Title", html);
        let got: Vec<(&str, u16)> = terms.iter().collect();
        assert_eq!(
            got,
            [("four", 1), ("heading", HEADING_WEIGHT), ("one", 1), ("three", 1), ("title", TITLE_WEIGHT), ("two", 1)]
        );
        assert!(PageTerms::of("Title", "<main>no marker</main>").is_empty());
    }

    fn page(url: &str, lang: &str, body: &str) -> SearchPage {
        SearchPage {
            listing: Listing { url: url.into(), title: url.into(), section: "S".into(), lang: lang.into() },
            terms: Arc::new(PageTerms::of("", &format!("<main data-search-body>{body}</main>"))),
        }
    }

    /// The files of a folded index of `pages`, folded in the order of
    /// `order` (places in `pages`).
    fn folded_files(pages: &[SearchPage], order: impl Iterator<Item = usize>) -> BTreeMap<String, String> {
        let mut folded = FoldedIndex::default();
        for place in order {
            folded.add(place as u32, &pages[place].terms);
        }
        let listings = pages.iter().enumerate().map(|(key, p)| (key as u32, p.listing.clone())).collect();
        let mut files = BTreeMap::new();
        folded.write(listings, |path, text| assert!(files.insert(path, text).is_none(), "written twice"));
        files
    }

    #[test]
    fn an_index_folded_page_by_page_has_the_files_of_a_kept_one() {
        let pages = vec![
            page("/b/", "en", "beta delta 4.3 40"),
            page("/a/", "en", "alpha beta 4.1"),
            page("/c/", "es", "datos beta"),
            page("/d/", "en", "<nav>no marker</nav>"),
        ];
        let kept: BTreeMap<String, String> = SearchIndex::new(pages.clone()).files().into_iter().collect();
        assert!(kept.contains_key("search-index/es/be.json") && kept.contains_key("search-index/en/be.json"));
        for order in [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]] {
            assert_eq!(folded_files(&pages, order.into_iter()), kept, "folded in the order {order:?}");
        }
    }

    #[test]
    fn a_large_folded_index_has_the_files_of_a_kept_one() {
        // Pages far apart (more than one byte between them), two languages
        // in turn, URLs in another order than the pages are folded in, and
        // a weight over what a posting holds (255).
        let pages: Vec<SearchPage> = (0..800)
            .map(|i| {
                let lang = if i % 3 == 0 { "es" } else { "en" };
                let rare = if i % 250 == 0 { " rare" } else { "" };
                let heavy = if i == 400 { " heavy".repeat(300) } else { String::new() };
                page(&format!("/p{:03}/", (i * 3) % 800), lang, &format!("common w{}{rare}{heavy}", i % 5))
            })
            .collect();
        let kept: BTreeMap<String, String> = SearchIndex::new(pages.clone()).files().into_iter().collect();
        assert!(kept["search-index/en/he.json"].contains(",[255]]"), "{}", kept["search-index/en/he.json"]);
        assert!(kept.contains_key("search-index/en/pages-1.json"), "more than one chunk of pages");
        let reversed = folded_files(&pages, (0..pages.len()).rev());
        assert_eq!(reversed, kept);
        assert_eq!(folded_files(&pages, 0..pages.len()), kept);
    }

    #[test]
    fn an_update_gives_the_files_a_new_index_would() {
        let pages =
            vec![page("/a/", "en", "alpha beta gamma"), page("/b/", "en", "beta delta"), page("/c/", "es", "datos")];
        let mut index = SearchIndex::new(pages.clone());
        let edited = page("/b/", "en", "beta epsilon beta");
        let changed = index.update(vec![edited.clone()]).unwrap();
        let mut after = pages;
        after[1] = edited;
        let fresh: BTreeMap<String, String> = SearchIndex::new(after).files().into_iter().collect();
        let updated: BTreeMap<String, String> = index.files().into_iter().collect();
        assert_eq!(updated, fresh);
        let names: Vec<&str> = changed.iter().map(|(p, _)| p.as_str()).collect();
        assert!(names.contains(&"search-index/en/de.json") && names.contains(&"search-index/en/ep.json"), "{names:?}");
        assert!(!names.contains(&"search-index/en/al.json"), "untouched shards stay: {names:?}");
        assert!(fresh.contains_key("search-index/es/da.json") && !fresh.contains_key("search-index/en/da.json"));
    }

    #[test]
    fn an_update_of_many_pages_at_once_gives_the_files_a_new_index_would() {
        let pages: Vec<SearchPage> =
            (0..40).map(|i| page(&format!("/p{i:02}/"), "en", &format!("common shared{} only{i}", i % 3))).collect();
        let mut index = SearchIndex::new(pages.clone());
        let mut after = pages;
        // Every page gains a word, loses its own, and weighs "common" anew;
        // one page is named twice (its last version counts), and the word
        // of every third page goes from the whole index.
        let mut edited = Vec::new();
        for (i, page_after) in after.iter_mut().enumerate() {
            let shared = if i % 3 == 0 { String::new() } else { format!("shared{}", i % 3) };
            *page_after = page(&page_after.listing.url, "en", &format!("<h2>common</h2> added {shared}"));
            edited.push(page_after.clone());
        }
        edited.insert(5, page(&after[7].listing.url, "en", "a version replaced later"));
        let changed = index.update(edited).unwrap();
        let fresh: BTreeMap<String, String> = SearchIndex::new(after).files().into_iter().collect();
        let updated: BTreeMap<String, String> = index.files().into_iter().collect();
        assert_eq!(updated, fresh);
        assert!(!fresh.contains_key("search-index/en/ve.json"), "the replaced version left nothing");
        // (The replaced version's shards are named too: removing what was never written is harmless.)
        let gone: Vec<&str> = changed.iter().filter(|(_, c)| c.is_none()).map(|(p, _)| p.as_str()).collect();
        assert!(gone.contains(&"search-index/en/on.json"), "the shard whose words all went is removed: {gone:?}");
        assert!(gone.iter().all(|path| !fresh.contains_key(*path)), "{gone:?}");
    }
}
