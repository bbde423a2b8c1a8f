//! Interface strings: the words a theme writes around the content ("On this
//! page", "Add to calendar"), per language. A theme ships them in
//! `i18n/<language>.yaml`; a site's own `i18n/<language>.yaml` overrides
//! or extends them, key by key. A language without a string gets the
//! default language's, and `folio check` lists what is missing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Location};
use crate::languages::Languages;
use crate::yaml::{self, Embedded};

pub use crate::theme::I18N_DIR;

/// A strings file as read: its place, for messages, and its text (read
/// like a template).
pub type StringsFile = crate::theme::TemplateFile;

/// `key -> string` of one file.
type Table = BTreeMap<String, String>;

/// Every site language's strings, each complete (falling back key by key).
#[derive(Debug, Clone, Default)]
pub struct Strings {
    /// By language, in the order of [`Languages::list`].
    pub tables: Vec<Table>,
    /// Per language: the keys the theme has and the language lacks.
    pub missing: Vec<Vec<String>>,
}

/// Reads one strings file: a mapping of keys to text. A value that is not
/// text is an error at its line.
pub fn parse(file: &StringsFile) -> Result<Table, Diagnostic> {
    let at = Embedded { file: &file.display, file_source: &file.source, lines_before: 0, what: "strings file" };
    let mapping: yaml::Mapping = yaml::parse(&file.source, at)?;
    let mut table = Table::new();
    for (key, value) in mapping {
        let Some(key) = key.as_str().map(str::to_string) else {
            return Err(Diagnostic::error("a key of a strings file is not text")
                .at(Location::file(&file.display))
                .help("write each string as `key: text`"));
        };
        let text = match value {
            yaml::Value::String(s) => s,
            yaml::Value::Number(n) => n.to_string(),
            other => {
                let (line, column) = yaml::key_position(&file.source, &key).unwrap_or((1, 1));
                let what = match other {
                    yaml::Value::Sequence(_) => "a list",
                    yaml::Value::Mapping(_) => "a mapping",
                    yaml::Value::Bool(_) => "true or false",
                    _ => "empty",
                };
                return Err(Diagnostic::error(format!("interface string `{key}` is {what}, not text"))
                    .at(Location::at_line(&file.display, &file.source, line, column))
                    .help(format!("write it as one line of text, e.g. `{key}: \"…\"`")));
            }
        };
        table.insert(key, text);
    }
    Ok(table)
}

impl Strings {
    /// The theme's files and the site's (`root/i18n/`), merged per language.
    /// `theme_files` and `site_files` are by language code as the file names it.
    pub fn new(
        languages: &Languages,
        theme_files: &BTreeMap<String, StringsFile>,
        site_files: &BTreeMap<String, StringsFile>,
    ) -> Result<Strings, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut read = |files: &BTreeMap<String, StringsFile>| -> BTreeMap<String, Table> {
            files
                .iter()
                .filter_map(|(code, file)| match parse(file) {
                    Ok(table) => Some((code.to_ascii_lowercase(), table)),
                    Err(d) => {
                        problems.push(d);
                        None
                    }
                })
                .collect()
        };
        let theme = read(theme_files);
        let site = read(site_files);
        if !problems.is_empty() {
            return Err(problems);
        }
        // What a language has of its own: the site's strings over the
        // theme's, for its tag and then its primary language (`pt-BR`, `pt`).
        let own = |code: &str| -> Table {
            let mut table = Table::new();
            let lower = code.to_ascii_lowercase();
            let primary = lower.split('-').next().unwrap_or("").to_string();
            let mut chain = vec![primary.clone()];
            if lower != primary {
                chain.push(lower);
            }
            for tag in chain {
                for source in [&theme, &site] {
                    if let Some(t) = source.get(&tag) {
                        table.extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                }
            }
            table
        };
        // The last resort is the theme's English, its reference set.
        let reference = theme.get("en").cloned().unwrap_or_default();
        let mut default = reference.clone();
        default.extend(own(&languages.list[crate::languages::DEFAULT].code));
        let mut tables = Vec::new();
        let mut missing = Vec::new();
        for language in &languages.list {
            let own = own(&language.code);
            missing.push(reference.keys().filter(|k| !own.contains_key(*k)).cloned().collect());
            let mut table = default.clone();
            table.extend(own);
            tables.push(table);
        }
        Ok(Strings { tables, missing })
    }

    /// A warning per language that lacks strings of the theme, naming them.
    pub fn missing_warnings(&self, languages: &Languages, root: &Path) -> Vec<Diagnostic> {
        let default = &languages.list[crate::languages::DEFAULT];
        languages
            .list
            .iter()
            .zip(&self.missing)
            .filter(|(_, keys)| !keys.is_empty())
            .map(|(language, keys)| {
                let file = Path::new(I18N_DIR).join(format!("{}.yaml", language.code));
                let mut d = Diagnostic::warning(format!(
                    "{} interface string{} of the theme {} no `{}` translation ({} is shown): {}",
                    keys.len(),
                    if keys.len() == 1 { "" } else { "s" },
                    if keys.len() == 1 { "has" } else { "have" },
                    language.code,
                    default.label,
                    keys.join(", ")
                ))
                .code(MISSING_STRING)
                .help(format!("add them to {} as `key: text`", file.display()));
                if root.join(&file).is_file() {
                    d = d.at(Location::file(&file));
                }
                d
            })
            .collect()
    }
}

pub const MISSING_STRING: &str = "missing-translation";

/// The site's `i18n/*.yaml` (and `.yml`) files, by the language their name gives.
pub fn site_files(root: &Path, warnings: &mut Vec<Diagnostic>) -> Result<BTreeMap<String, StringsFile>, Diagnostic> {
    crate::theme::read_strings(&root.join(I18N_DIR), root, warnings)
}
