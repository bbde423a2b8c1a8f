//! `site.yaml` -> [`SiteConfig`]. Unknown keys are errors that name the key
//! and its line: a typo must never be ignored silently.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::{Diagnostic, Location};
use crate::yaml::{self, Embedded};

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Where the site is published, e.g. `https://nodesmeeting.gbif.org/2021`.
    /// Its path part prefixes every internal URL.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_language")]
    pub language: String,
    /// The site's languages and what each has of its own (label, URL
    /// prefix, title, menu); see [`crate::languages`].
    #[serde(default)]
    pub languages: LanguageConfigs,
    /// Listings in a language also show the default language's pages that
    /// have no translation into it.
    #[serde(default)]
    pub translation_fallback: bool,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    /// The header navigation, in order.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// Broken internal links and anchors fail the build (`false`: warnings,
    /// for drafts in progress; `--no-strict` does the same for one build).
    #[serde(default = "default_true")]
    pub strict_links: bool,
    /// Answer URLs the way static hosts (GitHub Pages, Netlify) answered
    /// a Jekyll site: `/schedule` and `/schedule/` also find
    /// `schedule.html` when no folder page is there. Link checks, anchors
    /// and `folio serve` follow it; `folio import jekyll` turns it on.
    #[serde(default)]
    pub implicit_html: bool,
    /// URL prefixes an application on the same host answers (a GBIF
    /// hosted portal's `/dataset/<key>`, served by the page holding its
    /// data widget): links below them are not checked, and `folio serve`
    /// answers them with the route's page. `folio import jekyll` fills it
    /// in from the site's `_key_` pages, its `serve.json` rewrites and
    /// application pages that route the URLs below their own.
    #[serde(default)]
    pub app_routes: Vec<AppRoute>,
    /// Run each page's Markdown and the values the theme shows (title,
    /// description, background, imageLicense, preTitle) through Liquid
    /// first, with `site`, `site.data`, `page` and the includes in
    /// `includes/`, as Jekyll did; `folio import jekyll` turns it on.
    #[serde(default)]
    pub liquid: bool,
    /// Responsive images: widths, quality, limits, the cache folder.
    #[serde(default)]
    pub images: ImagesConfig,
    // ---- What the published site carries besides its pages ----
    /// Write the search index and show the theme's search box (`false`:
    /// neither).
    #[serde(default = "default_true")]
    pub search: bool,
    /// The image a shared link previews with when a page has no `image`
    /// or hero of its own: a site path (`/assets/images/card.png`) or an
    /// absolute URL.
    #[serde(default)]
    pub social_image: Option<String>,
    // ----
    /// Free-form values for templates (`site.extra.*`).
    #[serde(default)]
    pub extra: yaml::Mapping,
    /// The text of site.yaml, for pointing at its lines.
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    pub title: String,
    /// Optional when the item only opens its `children`.
    #[serde(default)]
    pub url: String,
    /// One level of dropdown.
    #[serde(default)]
    pub children: Vec<MenuItem>,
}

impl MenuItem {
    /// A menu from a Jekyll data file (`data/navigation.yml`), as GBIF's
    /// hosted-portal sites write it: a list, possibly under
    /// `topNavigation`, of items with `name`/`title`, `url`/`href` and
    /// `menu`/`children`/`items` for the dropdown. The hosted-portal theme
    /// wrote each URL through `relative_url`, so `about/team` is the site
    /// path `/about/team` on every page.
    pub fn from_data(value: &yaml::Value) -> Vec<MenuItem> {
        let list = match value {
            yaml::Value::Mapping(m) => ["topNavigation", "menu", "main", "items"]
                .iter()
                .find_map(|k| m.get(*k))
                .and_then(yaml::Value::as_sequence),
            yaml::Value::Sequence(s) => Some(s),
            _ => None,
        };
        let text = |item: &yaml::Value, keys: &[&str]| {
            keys.iter().find_map(|k| item.get(*k).and_then(yaml::Value::as_str)).unwrap_or("").to_string()
        };
        list.map(|items| {
            items
                .iter()
                .map(|item| MenuItem {
                    title: text(item, &["title", "name", "text"]),
                    url: crate::urls::jekyll_relative(&text(item, &["url", "href", "link"])),
                    children: ["menu", "children", "items", "subMenu"]
                        .iter()
                        .find_map(|k| item.get(*k))
                        .map(MenuItem::from_data)
                        .unwrap_or_default(),
                })
                .filter(|item| !item.title.is_empty())
                .collect()
        })
        .unwrap_or_default()
    }
}

/// What site.yaml says of one language (`languages: {es: {...}}`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// Its name in itself, for the language switcher: `Español`.
    pub label: Option<String>,
    /// Where its pages live: `/es/` (the default language's is `/`).
    pub prefix: Option<String>,
    /// The site's title and description in this language.
    pub title: Option<String>,
    pub description: Option<String>,
    /// The header navigation of its pages.
    #[serde(default)]
    pub menu: Vec<MenuItem>,
    /// `rtl` or `ltr`; by default from the language (Arabic, Hebrew, Persian, Urdu, … are `rtl`).
    pub dir: Option<Direction>,
    /// The locale dates are written in, when it says more than the code:
    /// `en-GB` for "28 June 2021" on pages in `en`.
    pub locale: Option<String>,
}

/// `languages:` in site.yaml, in the order written (the switcher's order).
#[derive(Debug, Clone, Default)]
pub struct LanguageConfigs(pub Vec<(String, LanguageConfig)>);

impl<'de> Deserialize<'de> for LanguageConfigs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = LanguageConfigs;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of language codes to their settings, e.g. `es: {label: Español}`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LanguageConfigs, A::Error> {
                let mut list = Vec::new();
                while let Some((code, config)) = map.next_entry::<String, Option<LanguageConfig>>()? {
                    list.push((code, config.unwrap_or_default()));
                }
                Ok(LanguageConfigs(list))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

impl Serialize for LanguageConfigs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(code, config)| (code, config)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// URLs an application on the same host answers: every path below
/// `prefix` (not the prefix itself), unless a page of the site is there.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AppRoute {
    /// `/dataset/`.
    pub prefix: String,
    /// The page the host answered them with (`/dataset/_key_/`), whose
    /// script reads the rest of the URL; none when another application
    /// answers them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

impl AppRoute {
    /// Whether the route answers the site path `path` (decoded, from the
    /// site root).
    pub fn answers(&self, path: &str) -> bool {
        path.len() > self.prefix.len() && path.starts_with(&self.prefix)
    }
}

fn default_true() -> bool {
    true
}
fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "gbif".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_output_dir() -> PathBuf {
    "public".into()
}

impl SiteConfig {
    /// Reads `site.yaml` from the site root. A site without one gets a title
    /// from its folder name, so that `folio build` works on a bare `content/`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let display = PathBuf::from(CONFIG_FILE);
        crate::files::Boundary::new(root).check_file(&path)?;
        let source = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                Diagnostic::error(format!("{CONFIG_FILE} is not valid UTF-8"))
                    .at(Location::file(&display))
                    .help(format!("save the file as UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let title = root
                    .canonicalize()
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "Site".into());
                return Ok(SiteConfig::with_title(title));
            }
            Err(e) => {
                return Err(Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}")).at(Location::file(&display)))
            }
        };
        let at = Embedded { file: &display, file_source: &source, lines_before: 0, what: CONFIG_FILE };
        let mut config: SiteConfig = yaml::parse(&source, at)?;
        config = config.validated(&display, &source)?;
        config.source = source;
        Ok(config)
    }

    pub fn with_title(title: String) -> SiteConfig {
        SiteConfig {
            title,
            description: String::new(),
            base_url: default_base_url(),
            theme: default_theme(),
            language: default_language(),
            languages: Default::default(),
            translation_fallback: false,
            output_dir: default_output_dir(),
            menu: Vec::new(),
            strict_links: true,
            implicit_html: false,
            app_routes: Vec::new(),
            liquid: false,
            images: ImagesConfig::default(),
            search: true,
            social_image: None,
            extra: yaml::Mapping::new(),
            source: String::new(),
        }
    }

    fn validated(mut self, file: &Path, source: &str) -> Result<SiteConfig, Diagnostic> {
        self.base_url = normalise_base_url(&self.base_url).map_err(|why| {
            let (line, col) = yaml::key_position(source, "base_url").unwrap_or((1, 1));
            Diagnostic::error(format!("`base_url` {why}"))
                .at(Location::at_line(file, source, line, col))
                .help("write an absolute URL such as `https://example.org/` or a path such as `/`")
        })?;
        for route in &mut self.app_routes {
            let place = |value: &str| {
                let line = source.lines().position(|l| l.contains("prefix:") && l.contains(value)).map_or(1, |i| i + 1);
                Location::at_line(file, source, line, 1)
            };
            if !route.prefix.starts_with('/') || route.prefix.trim_matches('/').is_empty() {
                return Err(Diagnostic::error(format!(
                    "`app_routes`: the prefix `{}` must be a path below the site root, such as `/dataset/`",
                    route.prefix
                ))
                .at(place(&route.prefix))
                .help("write the part of the URL the application answers, starting and ending with `/`"));
            }
            if !route.prefix.ends_with('/') {
                route.prefix.push('/');
            }
        }
        self.images.validate().map_err(|(key, why)| {
            let (line, col) = yaml::key_position(source, key).unwrap_or((1, 1));
            Diagnostic::error(format!("`images.{key}` {why}"))
                .at(Location::at_line(file, source, line, col))
                .help("see README.md, \"Images\", for each setting and its default")
        })?;
        Ok(self)
    }

    /// Applies `--base-url`.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        self.base_url = normalise_base_url(url).map_err(|why| {
            Diagnostic::error(format!("--base-url {why}"))
                .help("pass an absolute URL such as `https://example.org/` or a path such as `/`")
        })?;
        Ok(())
    }

    /// Where in site.yaml a value is written (its first mention), for errors
    /// about it.
    pub fn location_of(&self, value: &str) -> Location {
        let file = Path::new(CONFIG_FILE);
        match self.source.lines().position(|l| l.contains(value)) {
            Some(i) => {
                let column = self.source.lines().nth(i).and_then(|l| l.find(value)).map_or(1, |c| c + 1);
                Location::at_line(file, &self.source, i + 1, column)
            }
            None => Location::file(file),
        }
    }

    /// The path every internal URL starts with: `/` or `/2021/`.
    /// Whether `base_url` names the host (`https://…`): only then can the
    /// site write absolute URLs (sitemap, feeds, canonical and social URLs).
    pub fn has_absolute_base(&self) -> bool {
        self.base_url.contains("://")
    }

    pub fn base_path(&self) -> &str {
        match self.base_url.find("://") {
            Some(i) => {
                let after_host = &self.base_url[i + 3..];
                after_host.find('/').map_or("/", |j| &after_host[j..])
            }
            None => &self.base_url,
        }
    }
}

// ---- images: in site.yaml ------------------------------------------------

/// `images:` in site.yaml: how pictures are resized and checked.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths of the copies offered in `srcset`, in pixels.
    pub widths: Vec<u32>,
    /// How wide content images are shown (the `sizes` attribute).
    pub sizes: String,
    pub jpeg_quality: u8,
    pub webp_quality: u8,
    /// Images of more pixels are refused before they are decoded.
    pub max_pixels: u64,
    /// `folio check` warns on a content image larger than this (`1 MB`, `500 KB`, bytes).
    #[serde(deserialize_with = "byte_size", serialize_with = "serialize_size")]
    pub warn_above: Option<u64>,
    /// Where processed images are kept between builds, in the site's folder.
    pub cache_dir: PathBuf,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 800, 1200, 1600, 2000],
            sizes: "(min-width: 44rem) 42rem, 100vw".into(),
            jpeg_quality: 80,
            webp_quality: 80,
            max_pixels: 100_000_000,
            warn_above: None,
            cache_dir: PathBuf::from(".folio-cache/images"),
        }
    }
}

impl ImagesConfig {
    /// The key at fault and why.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        // WebP's limit; no screen needs more.
        if self.widths.is_empty() || self.widths.iter().any(|w| !(1..=16_383).contains(w)) {
            return Err(("widths", "must list widths from 1 to 16383 pixels, e.g. `[480, 800, 1200]`".into()));
        }
        for (key, q) in [("jpeg_quality", self.jpeg_quality), ("webp_quality", self.webp_quality)] {
            if !(1..=100).contains(&q) {
                return Err((key, format!("must be from 1 to 100, not {q}")));
            }
        }
        if self.max_pixels == 0 {
            return Err(("max_pixels", "must be more than 0".into()));
        }
        if !crate::files::is_plain_relative(&self.cache_dir) {
            return Err((
                "cache_dir",
                "must be a folder inside the site's folder, such as `.folio-cache/images`".into(),
            ));
        }
        Ok(())
    }
}

/// `1 MB`, `500 KB`, `2.5MB` or a number of bytes (KB and MB are 1000s,
/// KiB and MiB 1024s).
fn byte_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Bytes(u64),
        Text(String),
    }
    let text = match Written::deserialize(d)? {
        Written::Bytes(n) => return Ok(Some(n)),
        Written::Text(t) => t,
    };
    let lower = text.trim().to_ascii_lowercase();
    let split = lower.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(lower.len());
    let (number, unit) = lower.split_at(split);
    let factor = match unit.trim() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "kib" => 1024.0,
        "mb" | "m" => 1e6,
        "mib" => 1024.0 * 1024.0,
        _ => f64::NAN,
    };
    match number.parse::<f64>() {
        Ok(n) if factor.is_finite() && n >= 0.0 => Ok(Some((n * factor).round() as u64)),
        _ => Err(serde::de::Error::custom(format!("`{text}` is not a size: write e.g. `1 MB` or `500 KB`"))),
    }
}

fn serialize_size<S: serde::Serializer>(size: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    size.serialize(s)
}

/// Base URLs end with exactly one `/`, so joining never doubles or drops one.
fn normalise_base_url(url: &str) -> Result<String, &'static str> {
    let url = url.trim();
    if url.is_empty() {
        return Ok("/".into());
    }
    let ok = url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://");
    if !ok || url.contains(char::is_whitespace) {
        return Err("must be an absolute http(s) URL or a path starting with `/`");
    }
    let mut url = url.trim_end_matches('/').to_string();
    url.push('/');
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_the_path_part() {
        let mut c = SiteConfig::with_title("t".into());
        c.set_base_url("https://nodesmeeting.gbif.org/2021").unwrap();
        assert_eq!(c.base_url, "https://nodesmeeting.gbif.org/2021/");
        assert_eq!(c.base_path(), "/2021/");
        c.set_base_url("https://gbif.org").unwrap();
        assert_eq!(c.base_path(), "/");
        assert!(c.set_base_url("gbif.org").is_err());
    }
}
