//! Themes: templates and static files, from `themes/<name>/` on disk or, for
//! the default `gbif` theme, from the copy embedded in the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

pub const DEFAULT_THEME: &str = "gbif";

/// Bytes of a file the build copies: on disk, or inside the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Shown in errors: `themes/gbif/templates/page.html`.
    pub display: PathBuf,
    pub source: String,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    /// Template name (`page.html`, `partials/toc.html`) -> file.
    pub templates: BTreeMap<String, TemplateFile>,
    /// Path in the output -> where its bytes come from.
    pub static_files: BTreeMap<PathBuf, FileSource>,
}

impl Theme {
    /// Loads `root/themes/<name>/` if it exists, else the embedded theme of
    /// that name.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            let display = PathBuf::from("themes").join(name);
            let templates = read_templates(&dir.join("templates"), &display.join("templates"))?;
            let static_files =
                list_files(&dir.join("static")).into_iter().map(|(rel, path)| (rel, FileSource::Disk(path))).collect();
            return Ok(Theme { name: name.to_string(), templates, static_files });
        }
        if name == DEFAULT_THEME {
            return Ok(Theme::embedded());
        }
        Err(Diagnostic::error(format!("theme `{name}` not found: there is no themes/{name}/ folder")).help(format!(
            "set `theme: {DEFAULT_THEME}` in site.yaml to use the built-in theme, or add themes/{name}/"
        )))
    }

    fn embedded() -> Theme {
        let mut templates = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        for (path, bytes) in embedded::GBIF_THEME {
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8_lossy(bytes).into_owned();
                let display = PathBuf::from(format!("(built-in theme {DEFAULT_THEME})/templates/{name}"));
                templates.insert(name.to_string(), TemplateFile { display, source });
            } else if let Some(rel) = path.strip_prefix("static/") {
                static_files.insert(PathBuf::from(rel), FileSource::Embedded(bytes));
            }
        }
        Theme { name: DEFAULT_THEME.to_string(), templates, static_files }
    }
}

/// Every `.html` file under `dir`, named by its path inside `dir`.
pub fn read_templates(dir: &Path, display: &Path) -> Result<BTreeMap<String, TemplateFile>, Diagnostic> {
    let mut templates = BTreeMap::new();
    for (rel, path) in list_files(dir) {
        let shown = display.join(&rel);
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error(format!("cannot read template: {e}")).at(crate::diagnostics::Location::file(&shown))
        })?;
        let source = crate::content::decode_utf8(&shown, bytes)?;
        let name = rel.to_string_lossy().replace('\\', "/");
        templates.insert(name, TemplateFile { display: shown, source });
    }
    Ok(templates)
}

/// Files under `dir` (relative path, full path), skipping hidden and editor
/// files; an absent folder has none.
pub fn list_files(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::content::is_ignored(e.file_name()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap_or(e.path()).to_path_buf(), e.into_path()))
        .collect()
}
