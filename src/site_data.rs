//! Data files: every YAML file under `data/` reaches templates as
//! `site.data.<file name>`, as Jekyll's `_data/` did.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location};
use crate::yaml::{self, Embedded};

pub const DATA_DIR: &str = "data";

/// `data/navigation.yml` -> `navigation`; nested folders nest
/// (`data/menus/side.yml` -> `menus.side`).
/// What the listing of `data/` left out goes to `warnings`.
pub fn load(root: &Path, warnings: &mut Vec<Diagnostic>) -> Result<yaml::Mapping, Vec<Diagnostic>> {
    let mut data = yaml::Mapping::new();
    let mut problems = Vec::new();
    let listing = crate::files::list(&root.join(DATA_DIR), root);
    warnings.extend(listing.warnings);
    for (rel, path) in listing.files {
        let is_yaml = rel.extension().is_some_and(|e| e == "yml" || e == "yaml");
        if !is_yaml {
            continue;
        }
        let shown = PathBuf::from(DATA_DIR).join(&rel);
        let value = std::fs::read(&path)
            .map_err(|e| Diagnostic::error(format!("cannot read data file: {e}")).at(Location::file(&shown)))
            .and_then(|bytes| crate::text::decode_utf8(&shown, bytes))
            .and_then(|text| {
                let at = Embedded { file: &shown, file_source: &text, lines_before: 0, what: "data file" };
                yaml::parse::<yaml::Value>(&text, at)
            });
        match value {
            Ok(value) => {
                let mut keys: Vec<String> = rel
                    .parent()
                    .into_iter()
                    .flat_map(|p| p.components())
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                keys.push(rel.file_stem().unwrap_or_default().to_string_lossy().into_owned());
                insert(&mut data, &keys, value);
            }
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(data)
    } else {
        Err(problems)
    }
}

/// What templates see as `site.data` on a page in language `code`: the
/// files under `data/<code>/` over the others, mapping by mapping
/// (`data/es/navigation.yml` is `site.data.navigation` on Spanish pages;
/// `site.data.es.navigation` stays where it is).
pub fn for_language(data: &yaml::Mapping, code: &str) -> yaml::Mapping {
    let mut merged = data.clone();
    if let Some(yaml::Value::Mapping(own)) = data.get(code) {
        merge(&mut merged, own);
    }
    merged
}

fn merge(into: &mut yaml::Mapping, from: &yaml::Mapping) {
    for (key, value) in from {
        match (into.get_mut(key), value) {
            (Some(yaml::Value::Mapping(inner)), yaml::Value::Mapping(more)) => merge(inner, more),
            _ => {
                into.insert(key.clone(), value.clone());
            }
        }
    }
}

fn insert(map: &mut yaml::Mapping, keys: &[String], value: yaml::Value) {
    let Some((first, rest)) = keys.split_first() else { return };
    let key = yaml::Value::String(first.clone());
    if rest.is_empty() {
        map.insert(key, value);
        return;
    }
    let entry = map.entry(key).or_insert_with(|| yaml::Value::Mapping(Default::default()));
    if !entry.is_mapping() {
        *entry = yaml::Value::Mapping(Default::default());
    }
    if let Some(inner) = entry.as_mapping_mut() {
        insert(inner, rest, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_nest_by_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/menus")).unwrap();
        std::fs::write(dir.path().join("data/navigation.yml"), "- name: About\n  url: /about/\n").unwrap();
        std::fs::write(dir.path().join("data/menus/side.yaml"), "a: 1\n").unwrap();
        let data = load(dir.path(), &mut Vec::new()).unwrap();
        assert!(data["navigation"].is_sequence());
        assert_eq!(data["menus"]["side"]["a"].as_i64(), Some(1));
    }

    #[test]
    fn a_languages_data_comes_first() {
        let data: yaml::Mapping = serde_yaml::from_str(
            "contact: {email: a@b.org, label: Write}\nnavigation: [x]\nes: {contact: {label: Escriba}, navigation: [y]}\n",
        )
        .unwrap();
        let es = for_language(&data, "es");
        assert_eq!(es["contact"]["label"].as_str(), Some("Escriba"));
        assert_eq!(es["contact"]["email"].as_str(), Some("a@b.org"));
        assert_eq!(es["navigation"][0].as_str(), Some("y"));
        assert_eq!(es["es"]["navigation"][0].as_str(), Some("y"));
        assert_eq!(for_language(&data, "fr")["navigation"][0].as_str(), Some("x"));
    }

    #[test]
    fn errors_name_the_data_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/bad.yml"), "a: 1\nb: [\n").unwrap();
        let problems = load(dir.path(), &mut Vec::new()).unwrap_err();
        let loc = problems[0].location.as_deref().unwrap();
        assert_eq!(loc.file, PathBuf::from("data/bad.yml"));
        assert!(loc.line >= 2);
    }
}
