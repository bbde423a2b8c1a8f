//! Themes: templates and static files, from `themes/<name>/` on disk or, for
//! the default `gbif` theme, from the copy embedded in the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

pub const DEFAULT_THEME: &str = "gbif";

/// The folder of interface strings, in a theme and in a site (`i18n/es.yaml`).
pub const I18N_DIR: &str = "i18n";

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
    /// Interface strings by language code (`i18n/es.yaml` -> `es`).
    pub strings: BTreeMap<String, TemplateFile>,
    /// What reading its folder left out (links leaving the site, …).
    pub warnings: Vec<Diagnostic>,
}

impl Theme {
    /// Loads `root/themes/<name>/` if it exists, else the embedded theme of
    /// that name.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            let mut warnings = Vec::new();
            let templates = read_templates(&dir.join("templates"), root, &mut warnings)?;
            let listing = crate::files::list(&dir.join("static"), root);
            warnings.extend(listing.warnings);
            let static_files = listing.files.into_iter().map(|(rel, path)| (rel, FileSource::Disk(path))).collect();
            let strings = read_strings(&dir.join(I18N_DIR), root, &mut warnings)?;
            return Ok(Theme { name: name.to_string(), templates, static_files, strings, warnings });
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
        let mut strings = BTreeMap::new();
        for (path, bytes) in embedded::GBIF_THEME {
            if let Some(name) = path.strip_prefix("templates/") {
                let source = String::from_utf8_lossy(bytes).into_owned();
                let display = PathBuf::from(format!("(built-in theme {DEFAULT_THEME})/templates/{name}"));
                templates.insert(name.to_string(), TemplateFile { display, source });
            } else if let Some(rel) = path.strip_prefix("static/") {
                static_files.insert(PathBuf::from(rel), FileSource::Embedded(bytes));
            } else if let Some(code) = path.strip_prefix("i18n/").and_then(|f| f.strip_suffix(".yaml")) {
                let source = String::from_utf8_lossy(bytes).into_owned();
                let display = PathBuf::from(format!("(built-in theme {DEFAULT_THEME})/i18n/{code}.yaml"));
                strings.insert(code.to_string(), TemplateFile { display, source });
            }
        }
        Theme { name: DEFAULT_THEME.to_string(), templates, static_files, strings, warnings: Vec::new() }
    }
}

/// Every file under `dir` (inside the site at `root`), named by its path
/// inside `dir`; what the listing left out goes to `warnings`.
pub fn read_templates(
    dir: &Path,
    root: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, TemplateFile>, Diagnostic> {
    let mut templates = BTreeMap::new();
    let listing = crate::files::list(dir, root);
    warnings.extend(listing.warnings);
    for (rel, path) in listing.files {
        let shown = crate::files::display_path(root, &path);
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error(format!("cannot read template: {e}")).at(crate::diagnostics::Location::file(&shown))
        })?;
        let source = crate::text::decode_utf8(&shown, bytes)?;
        let name = rel.to_string_lossy().replace('\\', "/");
        templates.insert(name, TemplateFile { display: shown, source });
    }
    Ok(templates)
}

/// `root/templates/`, which overrides the theme's templates of the same name.
pub fn site_templates(
    root: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, TemplateFile>, Diagnostic> {
    read_templates(&root.join("templates"), root, warnings)
}

/// The strings files (`es.yaml`, `pt-BR.yml`) directly in `dir`, by the
/// language their name gives; read like templates.
pub fn read_strings(
    dir: &Path,
    root: &Path,
    warnings: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, TemplateFile>, Diagnostic> {
    let files = read_templates(dir, root, warnings)?;
    let by_language = files.into_iter().filter_map(|(name, file)| {
        let code = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml"))?;
        (!code.contains('/')).then(|| (code.to_string(), file))
    });
    Ok(by_language.collect())
}
