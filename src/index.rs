//! The site index: what every content file's URL is, so that links written
//! against files (`@/nodes/gbif-cas.md`, `../sessions.md`, `report.pdf`)
//! resolve to the URLs the site really has.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::content::{dir_url, ContentAsset, DocId, SectionId, SiteTree};
use crate::languages::{LangId, Languages};

#[derive(Debug, Default, PartialEq, Eq)]
pub struct SiteIndex {
    /// Markdown file inside `content/` -> its URL path (`/nodes/gbif-cas/`).
    pub pages: HashMap<PathBuf, String>,
    /// Other file inside `content/` -> its URL path (`/docs/report.pdf`).
    pub files: HashMap<PathBuf, String>,
    /// Per programme section: activity id -> URL path.
    pub activities: HashMap<SectionId, HashMap<String, String>>,
    /// Markdown file -> the URL path of each of its versions, by language
    /// (itself among them), for links that go to the same language.
    pub versions: HashMap<PathBuf, Vec<(LangId, String)>>,
    /// The site's language codes, by [`LangId`], for `?lang=` in links.
    pub language_codes: Vec<String>,
}

impl SiteIndex {
    pub fn new(tree: &SiteTree, assets: &[ContentAsset], languages: &Languages) -> SiteIndex {
        let mut pages = HashMap::new();
        for section in tree.sections.iter().filter(|s| !s.hidden) {
            pages.insert(section.doc.rel.clone(), section.url.clone());
        }
        for page in &tree.pages {
            pages.insert(page.doc.rel.clone(), page.url.clone());
        }
        let files = assets.iter().map(|a| (a.rel.clone(), asset_url(&a.rel))).collect();
        let mut activities: HashMap<SectionId, HashMap<String, String>> = HashMap::new();
        for page in &tree.pages {
            let id = page.doc.fields.activity().and_then(|a| a.id.clone());
            if let (Some(id), Some(programme)) = (id, tree.programme_of(page.section)) {
                activities.entry(programme).or_default().insert(id, page.url.clone());
            }
        }
        let mut versions = HashMap::new();
        if languages.is_multilingual() {
            let docs = tree
                .sections
                .iter_enumerated()
                .filter(|(_, s)| !s.hidden)
                .map(|(id, s)| (DocId::Section(id), &s.doc.rel))
                .chain(tree.pages.iter_enumerated().map(|(id, page)| (DocId::Page(id), &page.doc.rel)));
            for (doc, rel) in docs {
                let all = tree.translations_of(doc).iter().map(|&(lang, d)| (lang, tree.url(d).to_string()));
                versions.insert(rel.clone(), all.collect());
            }
        }
        let language_codes = languages.list.iter().map(|l| l.code.clone()).collect();
        SiteIndex { pages, files, activities, versions, language_codes }
    }

    /// The URL path of the version of content file `rel` in `lang`, if it has one.
    pub fn version_in(&self, rel: &Path, lang: LangId) -> Option<&str> {
        self.versions.get(rel)?.iter().find(|(l, _)| *l == lang).map(|(_, url)| url.as_str())
    }

    /// The URL of a Markdown file or other file inside `content/`.
    pub fn url_of(&self, rel: &Path) -> Option<&str> {
        self.pages.get(rel).or_else(|| self.files.get(rel)).map(String::as_str)
    }

    /// Every content path, for "did you mean" suggestions.
    pub fn sources(&self) -> impl Iterator<Item = &Path> {
        self.pages.keys().chain(self.files.keys()).map(PathBuf::as_path)
    }
}

/// Where a file beside the content is copied: its folder's URL + its name.
pub fn asset_url(rel: &Path) -> String {
    let mut url = dir_url(rel.parent().unwrap_or(Path::new("")));
    url.push_str(&rel.file_name().unwrap_or_default().to_string_lossy());
    url
}

/// Joins `rel` onto `dir` and folds `.` and `..`; `None` when it climbs out
/// of `content/`.
pub fn join_inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<Component> = dir.components().collect();
    for part in Path::new(rel).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(_) => parts.push(part),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_refuses_to_climb_out() {
        assert_eq!(join_inside(Path::new("a/b"), "../c.md"), Some(PathBuf::from("a/c.md")));
        assert_eq!(join_inside(Path::new("a"), "./x/../y.md"), Some(PathBuf::from("a/y.md")));
        assert_eq!(join_inside(Path::new(""), "../x.md"), None);
        assert_eq!(asset_url(Path::new("Docs Folder/a b.pdf")), "/docs-folder/a b.pdf");
    }
}
