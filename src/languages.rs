//! The languages of a site: the default one (`language` in site.yaml) and
//! the others (`languages`), each with its label, URL prefix, direction,
//! title, description and menu; and which language a content file is in
//! (`page.es.md`, else `lang:` in its front matter, else the default).

use std::path::{Path, PathBuf};

use crate::config::{Direction, MenuItem, SiteConfig};
use crate::diagnostics::Diagnostic;

/// A language's place in [`Languages::list`]; the default language is 0.
pub type LangId = usize;

#[derive(Debug, Clone)]
pub struct Language {
    /// A BCP 47 tag as site.yaml writes it: `es`, `pt-BR`.
    pub code: String,
    pub label: String,
    /// `/` or `/es/`: starts and ends with `/`.
    pub prefix: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub menu: Vec<MenuItem>,
    pub dir: Direction,
    /// For dates: `locale`, else the code.
    pub locale: String,
}

/// The site's languages, the default one first.
#[derive(Debug, Clone)]
pub struct Languages {
    pub list: Vec<Language>,
    /// Listings in a language also show default-language pages that have
    /// no translation into it (`translation_fallback: true`).
    pub fallback: bool,
}

pub const DEFAULT: LangId = 0;

impl Languages {
    /// The languages site.yaml declares; a code that is not a language tag,
    /// or two languages on one prefix, is an error at its line.
    pub fn new(config: &SiteConfig) -> Result<Languages, Diagnostic> {
        let default_code = config.language.trim().to_string();
        let mut list = Vec::new();
        let default_config = config
            .languages
            .0
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(&default_code))
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        let others = config
            .languages
            .0
            .iter()
            .filter(|(code, _)| !code.eq_ignore_ascii_case(&default_code))
            .map(|(code, c)| (code, c));
        for (i, (code, c)) in std::iter::once((&default_code, &default_config)).chain(others).enumerate() {
            if !is_language_tag(code) {
                return Err(Diagnostic::error(format!("`{code}` is not a language code"))
                    .at(config.location_of(code))
                    .help("write a language tag such as `es`, `fr`, `pt-BR` or `ar`"));
            }
            let prefix = match &c.prefix {
                Some(p) => normalise_prefix(p).ok_or_else(|| {
                    Diagnostic::error(format!(
                        "the prefix of language `{code}` must be a path such as `/{code}/`: `{p}`"
                    ))
                    .at(config.location_of(p))
                    .help(format!("write `prefix: /{}/`", code.to_lowercase()))
                })?,
                None if i == DEFAULT => "/".to_string(),
                None => format!("/{}/", code.to_lowercase()),
            };
            if let Some(other) =
                list.iter().find(|l: &&Language| l.prefix == prefix || l.code.eq_ignore_ascii_case(code))
            {
                return Err(Diagnostic::error(format!(
                    "languages `{}` and `{code}` both live at {prefix}",
                    other.code
                ))
                .at(config.location_of(code))
                .help("give each language a prefix of its own"));
            }
            list.push(Language {
                label: c.label.clone().unwrap_or_else(|| endonym(code).unwrap_or(code).to_string()),
                prefix,
                title: c.title.clone(),
                description: c.description.clone(),
                menu: c.menu.clone(),
                dir: c.dir.unwrap_or_else(|| default_direction(code)),
                locale: c.locale.clone().unwrap_or_else(|| code.clone()),
                code: code.to_string(),
            });
        }
        Ok(Languages { list, fallback: config.translation_fallback })
    }

    /// A site of one language: the one site.yaml names (`en` by default).
    pub fn single(code: &str) -> Languages {
        Languages {
            list: vec![Language {
                code: code.to_string(),
                label: endonym(code).unwrap_or(code).to_string(),
                prefix: "/".into(),
                title: None,
                description: None,
                menu: Vec::new(),
                dir: default_direction(code),
                locale: code.to_string(),
            }],
            fallback: false,
        }
    }

    /// Gives each language its menu: its own in site.yaml, else (for the
    /// default language) site.yaml's `menu`, else `data/<code>/navigation.yml`,
    /// else the default language's.
    pub fn resolve_menus(&mut self, site_menu: &[MenuItem], data: &crate::yaml::Mapping) {
        for lang in 0..self.list.len() {
            if !self.list[lang].menu.is_empty() {
                continue;
            }
            let from_data = data
                .get(self.list[lang].code.as_str())
                .and_then(|d| d.get("navigation"))
                .map(MenuItem::from_data)
                .unwrap_or_default();
            self.list[lang].menu = match lang {
                DEFAULT if !site_menu.is_empty() => site_menu.to_vec(),
                _ if !from_data.is_empty() => from_data,
                DEFAULT => Vec::new(),
                _ => self.list[DEFAULT].menu.clone(),
            };
        }
    }

    pub fn is_multilingual(&self) -> bool {
        self.list.len() > 1
    }

    pub fn find(&self, code: &str) -> Option<LangId> {
        self.list.iter().position(|l| l.code.eq_ignore_ascii_case(code))
    }

    pub fn codes(&self) -> String {
        self.list.iter().map(|l| format!("`{}`", l.code)).collect::<Vec<_>>().join(", ")
    }

    /// The language a file's name gives it: `gbif-cas.es.md` -> (`es`, `gbif-cas.md`).
    /// `Err` with the suffix when the name ends in what looks like a language
    /// tag the site does not list.
    pub fn of_file_name(&self, rel: &Path) -> Result<Option<(LangId, PathBuf)>, String> {
        let Some((stem, suffix)) = language_suffix(rel) else { return Ok(None) };
        match self.find(suffix) {
            Some(lang) => {
                let ext = rel.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
                Ok(Some((lang, rel.with_file_name(format!("{stem}.{ext}")))))
            }
            None if looks_like_language(suffix) => Err(suffix.to_string()),
            None => Ok(None),
        }
    }
}

/// `gbif-cas.es.md` -> (`gbif-cas`, `es`).
fn language_suffix(rel: &Path) -> Option<(&str, &str)> {
    let stem = rel.file_stem()?.to_str()?;
    let (name, suffix) = stem.rsplit_once('.')?;
    (!name.is_empty() && is_language_tag(suffix)).then_some((name, suffix))
}

/// A language tag in the form sites use: `es`, `fil`, `pt-BR`, `zh-Hant`, `es-419`.
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Suffixes that are surely meant as a language (`.de`, `.pt-BR`), as
/// opposed to words that only fit the form (`.old`, `.draft`).
fn looks_like_language(suffix: &str) -> bool {
    let primary = suffix.split('-').next().unwrap_or("");
    primary.len() == 2 && suffix.len() <= 7
}

fn normalise_prefix(prefix: &str) -> Option<String> {
    let trimmed = prefix.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Some("/".into());
    }
    let ok = trimmed.split('/').all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(char::is_whitespace));
    ok.then(|| format!("/{trimmed}/"))
}

/// Languages written right to left, by their primary tag.
fn default_direction(code: &str) -> Direction {
    let primary = code.split('-').next().unwrap_or("").to_ascii_lowercase();
    match primary.as_str() {
        "ar" | "arc" | "ckb" | "dv" | "fa" | "he" | "iw" | "ks" | "ku" | "ps" | "sd" | "syr" | "ug" | "ur" | "yi" => {
            Direction::Rtl
        }
        _ => Direction::Ltr,
    }
}

/// A language's name in itself, for the languages GBIF publishes in.
fn endonym(code: &str) -> Option<&'static str> {
    let primary = code.split('-').next().unwrap_or("").to_ascii_lowercase();
    Some(match primary.as_str() {
        "en" => "English",
        "es" => "Español",
        "fr" => "Français",
        "pt" => "Português",
        "ar" => "العربية",
        "zh" => "中文",
        "ru" => "Русский",
        "de" => "Deutsch",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "ja" => "日本語",
        "da" => "Dansk",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_a_language() {
        let mut config = SiteConfig::with_title("t".into());
        config.languages.0.push(("es".into(), crate::config::LanguageConfig::default()));
        let languages = Languages::new(&config).unwrap();
        assert_eq!(
            languages.of_file_name(Path::new("nodes/gbif-cas.es.md")),
            Ok(Some((1, PathBuf::from("nodes/gbif-cas.md"))))
        );
        assert_eq!(languages.of_file_name(Path::new("nodes/gbif-cas.md")), Ok(None));
        assert_eq!(languages.of_file_name(Path::new("notes.old.md")), Ok(None));
        assert_eq!(languages.of_file_name(Path::new("page.de.md")), Err("de".into()));
        assert_eq!(languages.list[1].prefix, "/es/");
    }

    #[test]
    fn right_to_left_by_default_for_arabic() {
        assert_eq!(default_direction("ar"), Direction::Rtl);
        assert_eq!(default_direction("fa-IR"), Direction::Rtl);
        assert_eq!(default_direction("es"), Direction::Ltr);
        assert!(
            is_language_tag("pt-BR") && is_language_tag("es-419") && !is_language_tag("e") && !is_language_tag("1a")
        );
    }
}
