//! `_config.yml`: what folio keeps (title, description, `url` + `baseurl`,
//! `lang`, custom keys as `extra`), what the import applies and drops
//! (`permalink`, `defaults`, `exclude`, `include`), and what is reported as
//! not carried over (plugins, themes, collections, Sass, build settings).

use std::path::{Path, PathBuf};

use super::urls::PermalinkStyle;
use super::NOT_CARRIED_OVER;
use crate::diagnostics::{Diagnostic, Location};
use crate::yaml::{self, Embedded, Mapping, Value};

/// The names Jekyll looks for, in order.
pub const CONFIG_NAMES: [&str; 2] = ["_config.yml", "_config.yaml"];

/// Settings of Jekyll's own build that mean nothing to folio.
const BUILD_SETTINGS: &[&str] = &[
    "source",
    "destination",
    "collections_dir",
    "cache_dir",
    "plugins_dir",
    "layouts_dir",
    "data_dir",
    "includes_dir",
    "safe",
    "keep_files",
    "encoding",
    "markdown_ext",
    "strict_front_matter",
    "show_drafts",
    "limit_posts",
    "future",
    "unpublished",
    "lsi",
    "excerpt_separator",
    "incremental",
    "detach",
    "port",
    "host",
    "show_dir_listing",
    "quiet",
    "verbose",
    "liquid",
    "markdown",
    "highlighter",
    "kramdown",
    "commonmark",
    "rdiscount",
    "redcarpet",
    "webrick",
    "livereload",
    "livereload_port",
    "livereload_ignore",
    "livereload_min_delay",
    "livereload_max_delay",
    "profile",
    "disable_disk_cache",
    "timezone",
    "paginate",
    "paginate_path",
];

/// A collection other than posts, as `collections` declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionConfig {
    /// `news`: its documents are in `_news/`.
    pub label: String,
    /// Jekyll published each document as a page (`output: true`).
    pub output: bool,
    /// The URL template of its documents, if it has its own.
    pub permalink: Option<String>,
}

/// One entry of `defaults`: front matter values for the files in its scope.
#[derive(Debug, Clone)]
pub struct DefaultSet {
    /// `scope.path`: a prefix of the file's path, or a glob; "" for all.
    pub path: String,
    /// `scope.type`: `pages`, `posts`, ... (singular forms are accepted).
    pub kind: Option<String>,
    pub values: Mapping,
    /// Line of the entry in `_config.yml`.
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct JekyllConfig {
    /// `_config.yml` or `_config.yaml`, relative to the site's folder.
    pub file: PathBuf,
    pub text: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `url` + `baseurl`, when either is set.
    pub base_url: Option<String>,
    /// The path every URL of the old site started with: `/` or `/2021/`.
    pub base_path: String,
    pub lang: Option<String>,
    pub permalink: PermalinkStyle,
    pub defaults: Vec<DefaultSet>,
    /// Jekyll's defaults added, as Jekyll 4 does.
    pub exclude: Vec<String>,
    pub include: Vec<String>,
    /// Collections other than posts.
    pub collections: Vec<CollectionConfig>,
    /// `destination` (`_site`), never read.
    pub destination: String,
    /// Keys folio does not know, kept for templates as `site.extra`.
    pub extra: Mapping,
    pub not_carried_over: Vec<Diagnostic>,
}

/// Jekyll 4's `Configuration::DEFAULT_EXCLUDES`.
const DEFAULT_EXCLUDES: &[&str] = &[
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
];

impl JekyllConfig {
    /// Parses the text of `_config.yml` (`file` as shown in messages). Only
    /// YAML that does not parse at all is an error (Jekyll stopped there
    /// too); a setting of the wrong shape is left out with a warning, and a
    /// key written twice keeps its last value, as in Jekyll.
    pub fn parse(file: &Path, text: &str) -> Result<JekyllConfig, Vec<Diagnostic>> {
        let mut config = JekyllConfig::empty(file, text);
        let map = config.read_mapping()?;
        let (mut url, mut baseurl) = (String::new(), String::new());
        for (key, value) in &map {
            match key.as_str() {
                Some(name) => config.read_setting(name, value, &mut url, &mut baseurl),
                None => {
                    config.extra.insert(key.clone(), value.clone());
                }
            }
        }
        config.set_base(&url, &baseurl);
        Ok(config)
    }

    fn empty(file: &Path, text: &str) -> JekyllConfig {
        JekyllConfig {
            file: file.to_path_buf(),
            text: text.to_string(),
            title: None,
            description: None,
            base_url: None,
            base_path: "/".into(),
            lang: None,
            permalink: PermalinkStyle::Date,
            defaults: Vec::new(),
            exclude: DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
            include: vec![".htaccess".to_string()],
            collections: Vec::new(),
            destination: "_site".into(),
            extra: Mapping::new(),
            not_carried_over: Vec::new(),
        }
    }

    /// The settings, as Ruby's YAML read them: repeated keys keep the last.
    fn read_mapping(&mut self) -> Result<Mapping, Vec<Diagnostic>> {
        let (file, text) = (self.file.clone(), self.text.clone());
        let at = Embedded { file: &file, file_source: &text, lines_before: 0, what: "_config.yml" };
        let (value, tolerated) = yaml::parse_tolerant(&text, at).map_err(|d| vec![d])?;
        for key in &tolerated.duplicate_keys {
            let top = key.split('.').next().unwrap_or(key);
            let mut d = Diagnostic::warning(format!("`{key}` is set twice: the last value is kept, as Jekyll kept it"))
                .code(NOT_CARRIED_OVER)
                .at(self.location(top));
            d = d.help("remove the first one from _config.yml");
            self.not_carried_over.push(d);
        }
        match value {
            Value::Mapping(m) => Ok(m),
            Value::Null => Ok(Mapping::new()),
            _ => Err(vec![Diagnostic::error("_config.yml is not a list of `key: value` settings")
                .at(Location::at_line(&file, &text, 1, 1))
                .help("write one setting per line, such as `title: Global Nodes Meeting 2021`")]),
        }
    }

    /// One top-level setting: kept, applied to the import, or reported.
    fn read_setting(&mut self, name: &str, value: &Value, url: &mut String, baseurl: &mut String) {
        match name {
            "title" | "description" | "lang" | "url" | "baseurl" | "permalink" => {
                let Some(t) = scalar_text(value) else {
                    let what = match name {
                        "url" => "a URL",
                        "baseurl" => "a path",
                        "permalink" => "`pretty`, `date`, `none` or a pattern",
                        _ => "text",
                    };
                    return self.left_out(
                        name,
                        format!("`{name}` must be {what}"),
                        format!("write `{name}: {}`", example(name)),
                    );
                };
                match name {
                    "title" => self.title = Some(t),
                    "description" => self.description = Some(t),
                    "lang" => self.lang = Some(t),
                    "url" => *url = t,
                    "baseurl" => *baseurl = t,
                    _ => self.permalink = PermalinkStyle::parse(&t),
                }
            }
            "defaults" => match self.read_defaults(value) {
                Ok(sets) => self.defaults = sets,
                Err(d) => self.not_carried_over.push(d),
            },
            "exclude" | "include" => self.read_path_list(name, value),
            "destination" => {
                if let Some(d) = scalar_text(value) {
                    self.destination = d.trim_start_matches("./").trim_end_matches('/').to_string();
                }
                self.dropped(name, "a setting of Jekyll's build");
            }
            "plugins" | "gems" | "whitelist" => {
                let names = string_list(value).unwrap_or_default();
                let shown = if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) };
                self.not_carried(
                    name,
                    format!("`{name}`{shown} is not carried over: folio does not run Jekyll plugins"),
                    "what the plugins added (feeds, sitemaps, SEO tags, redirects, pagination) is not generated; the gbif theme writes each page's title and description meta tags",
                );
            }
            "theme" | "remote_theme" => {
                let shown = scalar_text(value).map(|t| format!(" `{t}`")).unwrap_or_default();
                self.not_carried(
                    name,
                    format!("`{name}`{shown} is not carried over: folio's gbif theme replaces the Jekyll theme"),
                    "adjust templates by adding files of the same name to templates/ in the folio site",
                );
            }
            "collections" => {
                let collections: Vec<CollectionConfig> = match value {
                    Value::Mapping(m) => m
                        .iter()
                        .filter_map(|(label, settings)| {
                            let setting = |key: &str| settings.get(key).and_then(scalar_text);
                            Some(CollectionConfig {
                                label: scalar_text(label)?,
                                output: settings.get("output").and_then(Value::as_bool).unwrap_or(false),
                                permalink: setting("permalink").filter(|p| !p.is_empty()),
                            })
                        })
                        .collect(),
                    other => string_list(other)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|label| CollectionConfig { label, output: false, permalink: None })
                        .collect(),
                };
                self.collections = collections.into_iter().filter(|c| c.label != "posts").collect();
            }
            "sass" => self.not_carried(
                name,
                "`sass` is not carried over: folio does not compile Sass".to_string(),
                "the gbif theme has its own stylesheet; put extra CSS in assets/ and reference it from a template",
            ),
            _ if BUILD_SETTINGS.contains(&name) => self.dropped(name, "a setting of Jekyll's build"),
            _ => {
                self.extra.insert(Value::String(name.to_string()), value.clone());
            }
        }
    }

    /// `exclude` / `include`: applied to the import's walk.
    fn read_path_list(&mut self, name: &str, value: &Value) {
        let Some(list) = string_list(value) else {
            return self.left_out(
                name,
                format!("`{name}` must be a list of paths"),
                format!("write `{name}: [README.md, scripts]`"),
            );
        };
        let list_len = list.len();
        if name == "exclude" {
            self.exclude.extend(list);
        } else {
            self.include.extend(list);
        }
        self.not_carried(
            name,
            format!("`{name}` ({list_len} entries) is not carried over: it was applied to this import, folio has no `{name}`"),
            if name == "exclude" {
                "folio publishes everything in content/ and assets/: keep files that should not be published out of them"
            } else {
                "folio never publishes hidden files or files in folders starting with `_`"
            },
        );
    }

    /// `url` + `baseurl` -> the base URL and the old site's base path.
    fn set_base(&mut self, url: &str, baseurl: &str) {
        match base_url(url, baseurl) {
            Ok((base_url, base_path)) => {
                self.base_url = base_url;
                self.base_path = base_path;
            }
            Err(why) => {
                let key = if url.is_empty() { "baseurl" } else { "url" };
                self.left_out(
                    key,
                    format!("`url` and `baseurl` do not make a base URL: {why}"),
                    "write `url: https://example.org` and `baseurl: /2021` (or `baseurl: \"\"`) in site.yaml's `base_url`".to_string(),
                );
            }
        }
    }

    /// A setting of the wrong shape: left out, with a warning at its line.
    fn left_out(&mut self, key: &str, message: String, help: String) {
        let d = Diagnostic::warning(format!("{message}; it is left out"))
            .code(NOT_CARRIED_OVER)
            .at(self.location(key))
            .help(help);
        self.not_carried_over.push(d);
    }

    /// The line and column of a top-level key (1, 1 when it is not found).
    pub fn position(&self, key: &str) -> (usize, usize) {
        yaml::key_position(&self.text, key).unwrap_or((1, 1))
    }

    pub fn location(&self, key: &str) -> Location {
        let (line, column) = self.position(key);
        Location::at_line(&self.file, &self.text, line, column)
    }

    fn not_carried(&mut self, key: &str, message: String, help: &str) {
        let mut d = Diagnostic::warning(message).code(NOT_CARRIED_OVER).at(self.location(key));
        if !help.is_empty() {
            d = d.help(help);
        }
        self.not_carried_over.push(d);
    }

    fn dropped(&mut self, key: &str, what: &str) {
        self.not_carried(key, format!("`{key}` is not carried over: {what} folio does not need"), "");
    }

    fn read_defaults(&self, value: &Value) -> Result<Vec<DefaultSet>, Diagnostic> {
        let bad = || {
            Diagnostic::warning("`defaults` must be a list of `scope` and `values`; it is left out")
                .code(NOT_CARRIED_OVER)
                .at(self.location("defaults"))
                .help("write `defaults:` then `- scope: {path: \"\", type: pages}` and `  values: {layout: page}`")
        };
        let Some(list) = value.as_sequence() else {
            return if value.is_null() { Ok(Vec::new()) } else { Err(bad()) };
        };
        let (first_line, _) = self.position("defaults");
        let entry_lines: Vec<usize> = self
            .text
            .lines()
            .enumerate()
            .skip(first_line)
            .filter(|(_, l)| l.trim_start().starts_with("- ") || l.trim() == "-")
            .map(|(i, _)| i + 1)
            .collect();
        let mut sets = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let scope = entry.get("scope");
            let path = scope.and_then(|s| s.get("path")).and_then(scalar_text).unwrap_or_default();
            let kind = scope.and_then(|s| s.get("type")).and_then(scalar_text).map(|t| match t.as_str() {
                "page" => "pages".to_string(),
                "post" => "posts".to_string(),
                "draft" => "drafts".to_string(),
                _ => t,
            });
            let values = match entry.get("values") {
                Some(Value::Mapping(m)) => m.clone(),
                None | Some(Value::Null) => Mapping::new(),
                Some(_) => return Err(bad()),
            };
            let line = entry_lines.get(i).copied().unwrap_or(first_line);
            sets.push(DefaultSet { path: path.trim_start_matches("./").to_string(), kind, values, line });
        }
        Ok(sets)
    }

    /// The front matter `defaults` give a file at `rel` of type `kind`
    /// (`pages` or `posts`), merged as Jekyll merges them
    /// (`FrontmatterDefaults#all`): a longer scope path wins, then a scope
    /// with a type; nested mappings are merged.
    pub fn defaults_for(&self, rel: &str, kind: &str) -> (Mapping, Vec<&DefaultSet>) {
        let mut merged = Mapping::new();
        let mut used = Vec::new();
        let mut old: Option<&DefaultSet> = None;
        for set in &self.defaults {
            if !applies_path(&set.path, rel) || set.kind.as_deref().is_some_and(|k| k != kind) {
                continue;
            }
            let wins = match old {
                None => true,
                Some(o) if o.path.len() != set.path.len() => set.path.len() >= o.path.len(),
                Some(o) => set.kind.is_some() || o.kind.is_none(),
            };
            if wins {
                deep_merge(&mut merged, &set.values);
                old = Some(set);
            } else {
                let mut under = set.values.clone();
                deep_merge(&mut under, &merged);
                merged = under;
            }
            used.push(set);
        }
        (merged, used)
    }

    /// Where a key that came from `defaults` was set, for messages.
    pub fn defaults_location(&self, set: &DefaultSet) -> Location {
        Location::at_line(&self.file, &self.text, set.line, 1)
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "url" => "https://nodesmeeting.gbif.org",
        "baseurl" => "/2021",
        "permalink" => "pretty",
        _ => "Some text",
    }
}

/// A scope path: "" (everything), a prefix, or a glob matching the file
/// or one of its folders.
fn applies_path(scope: &str, rel: &str) -> bool {
    let scope = scope.trim_start_matches('/');
    if scope.is_empty() {
        return true;
    }
    if scope.contains('*') {
        let mut prefix = String::new();
        for part in rel.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if star_glob(scope, &prefix) {
                return true;
            }
        }
        return false;
    }
    rel.starts_with(scope)
}

/// `Dir.glob` rules: `*` stays within one folder, `**/` crosses folders.
fn star_glob(pattern: &str, text: &str) -> bool {
    let pattern = pattern.replace("**/", "\u{1}");
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('\u{1}') => (0..=t.len()).any(|i| (i == 0 || t[i - 1] == '/') && go(&p[1..], &t[i..])),
            Some('*') => (0..=t.len()).take_while(|&i| i == 0 || t[i - 1] != '/').any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && t[0] != '/' && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

/// `Utils.deep_merge_hashes`: `over` wins, nested mappings merge.
pub fn deep_merge(base: &mut Mapping, over: &Mapping) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(new)) => deep_merge(inner, new),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Text of a string, number or boolean.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// A list of texts, or one text as a list of one.
pub fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Sequence(items) => items.iter().map(scalar_text).collect(),
        Value::Null => Some(Vec::new()),
        other => scalar_text(other).map(|s| vec![s]),
    }
}

/// `url` + `baseurl` -> (base_url for site.yaml, the old site's base path).
fn base_url(url: &str, baseurl: &str) -> Result<(Option<String>, String), &'static str> {
    let url = url.trim().trim_end_matches('/');
    let baseurl = baseurl.trim().trim_matches('/');
    if url.contains(char::is_whitespace) || baseurl.contains(char::is_whitespace) {
        return Err("they contain spaces");
    }
    if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
        return Err("`url` must start with http:// or https://");
    }
    let base_path = if baseurl.is_empty() { "/".to_string() } else { format!("/{baseurl}/") };
    let base_url = match (url.is_empty(), baseurl.is_empty()) {
        (true, true) => None,
        (true, false) => Some(base_path.clone()),
        (false, _) => Some(format!("{url}{base_path}")),
    };
    Ok((base_url, base_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> JekyllConfig {
        JekyllConfig::parse(Path::new("_config.yml"), text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn keeps_maps_and_reports() {
        let c = parse(
            "title: Meeting\nurl: https://nodes.gbif.org/\nbaseurl: /2021\npermalink: pretty\nplugins:\n  - jekyll-feed\nmarkdown: kramdown\nfooter: GBIF\n",
        );
        assert_eq!(c.title.as_deref(), Some("Meeting"));
        assert_eq!(c.base_url.as_deref(), Some("https://nodes.gbif.org/2021/"));
        assert_eq!(c.base_path, "/2021/");
        assert_eq!(c.permalink, PermalinkStyle::Pretty);
        assert!(c.extra.contains_key("footer"));
        assert_eq!(c.not_carried_over.len(), 2);
        assert!(c.not_carried_over[0].message.contains("jekyll-feed"));
        assert_eq!(c.not_carried_over[0].location.as_deref().unwrap().line, 5);
    }

    #[test]
    fn defaults_merge_by_precedence() {
        let c = parse(
            "defaults:\n  - scope: {path: \"\"}\n    values: {layout: page, toc: false}\n  - scope: {path: about, type: pages}\n    values: {layout: documentation}\n  - scope: {path: \"\", type: posts}\n    values: {layout: post}\n",
        );
        let (about, _) = c.defaults_for("about/team.md", "pages");
        assert_eq!(about["layout"].as_str(), Some("documentation"));
        assert_eq!(about["toc"].as_bool(), Some(false));
        let (post, _) = c.defaults_for("_posts/2021-01-01-a.md", "posts");
        assert_eq!(post["layout"].as_str(), Some("post"));
        assert_eq!(c.defaults[1].line, 4);
    }

    #[test]
    fn scope_globs() {
        assert!(applies_path("about", "about/team.md"));
        assert!(applies_path("docs/*/index.md", "docs/a/index.md"));
        assert!(!applies_path("docs/*.md", "docs/a/b.md"));
        assert!(applies_path("docs/**/b.md", "docs/a/b.md"));
    }

    #[test]
    fn settings_of_the_wrong_shape_are_left_out_at_their_line() {
        let c = parse("title: x\nexclude: {a: 1}\n");
        let d = &c.not_carried_over[0];
        assert!(d.message.contains("`exclude` must be a list"), "{}", d.message);
        assert_eq!(d.location.as_deref().unwrap().line, 2);
        let errors = JekyllConfig::parse(Path::new("_config.yml"), "title: x\nbad: [\n").unwrap_err();
        assert!(errors[0].message.contains("invalid YAML"), "{}", errors[0].message);
    }

    #[test]
    fn a_key_written_twice_keeps_its_last_value() {
        let c = parse("title: First\nemail: a@x.org\ntitle: Second\nprivacy:\n  mail: a\n  mail: b\n");
        assert_eq!(c.title.as_deref(), Some("Second"));
        assert_eq!(c.extra["privacy"]["mail"].as_str(), Some("b"));
        let found: Vec<&str> = c.not_carried_over.iter().map(|d| d.message.as_str()).collect();
        assert!(found[0].starts_with("`title` is set twice"), "{found:?}");
        assert!(found[1].starts_with("`privacy.mail` is set twice"), "{found:?}");
    }
}
