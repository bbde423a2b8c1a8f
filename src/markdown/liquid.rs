//! Liquid, for sites whose pages came from Jekyll (`liquid: true` in
//! site.yaml): each page's body, and the front matter values the Jekyll
//! theme ran through Liquid (title, description, background,
//! imageLicense, preTitle), are evaluated once, right after loading and
//! before Markdown, with `site` (site.yaml, its `extra`, `site.data`),
//! `page` (the front matter) and the includes in `includes/`.
//!
//! Evaluation goes one top-level tag or block at a time, all sharing one
//! runtime (so `assign` carries on): text between them is copied as it
//! is, which keeps every position in it exact, and a tag folio cannot
//! evaluate is left out with a warning at its line while the rest of the
//! page still renders. Nothing raw (`{{`, `{%`) is left in the output,
//! except the video includes, which the Markdown stage turns into links.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use liquid_core::model::{KString, KStringRef, Value as LValue, ValueView};
use liquid_core::parser::{FilterArguments, ParameterReflection, TryMatchToken};
use liquid_core::runtime::{RuntimeBuilder, StackFrame};
use liquid_core::{
    BlockReflection, Filter, FilterReflection, Language, ParseBlock, ParseFilter, ParseTag, Renderable, Runtime,
    TagBlock, TagReflection, TagTokenIter, Template,
};

use crate::config::SiteConfig;
use crate::content::{Document, Evaluated};
use crate::diagnostics::{Diagnostic, Location};
use crate::yaml;

pub const LIQUID: &str = "liquid";

/// The folder of a site's Liquid includes (Jekyll's `_includes/`).
pub const INCLUDES_DIR: &str = "includes";

/// Block tags and the tags that close them.
const BLOCKS: &[&str] =
    &["if", "unless", "for", "case", "capture", "comment", "raw", "tablerow", "highlight", "ifchanged"];

/// Everything one build evaluates Liquid with.
pub struct LiquidSite {
    language: Arc<Language>,
    site: LValue,
}

/// The files of `includes/`, by name (`blocks/feature.html`).
#[derive(Debug, Default)]
struct Includes {
    files: HashMap<String, String>,
    /// The language includes are parsed with (set once it is built; weak,
    /// since the language holds the include tag, which holds this).
    language: std::sync::OnceLock<std::sync::Weak<Language>>,
    /// Each include parsed once, on first use.
    parsed: std::sync::Mutex<HashMap<String, Arc<Template>>>,
}

impl Includes {
    fn template(&self, name: &str, text: &str) -> liquid_core::Result<Arc<Template>> {
        if let Some(t) = self.parsed.lock().ok().and_then(|p| p.get(name).cloned()) {
            return Ok(t);
        }
        let language = self.language.get().and_then(std::sync::Weak::upgrade);
        let language = language.ok_or_else(|| liquid_core::Error::with_msg("includes are not ready"))?;
        refuse_deep_nesting(text)?;
        let template = Arc::new(Template::new(liquid_core::parser::parse(text, &language)?));
        if let Ok(mut parsed) = self.parsed.lock() {
            parsed.insert(name.to_string(), Arc::clone(&template));
        }
        Ok(template)
    }
}

impl LiquidSite {
    /// What listing `includes/` left out (links out of the site) goes to `warnings`.
    pub fn new(
        root: &Path,
        config: &SiteConfig,
        data: &yaml::Mapping,
        warnings: &mut Vec<crate::diagnostics::Diagnostic>,
    ) -> LiquidSite {
        let listing = crate::files::list(&root.join(INCLUDES_DIR), root);
        warnings.extend(listing.warnings);
        let includes = Arc::new(Includes {
            files: listing
                .files
                .into_iter()
                .filter_map(|(rel, path)| {
                    let text = std::fs::read_to_string(path).ok()?;
                    Some((rel.to_string_lossy().replace('\\', "/"), text))
                })
                .collect(),
            language: std::sync::OnceLock::new(),
            parsed: Default::default(),
        });
        let base_path = config.base_path().to_string();
        let base_url = config.base_url.clone();
        let mut language = Language::default();
        register_stdlib(&mut language);
        language.tags.register("include".into(), Box::new(IncludeTag { includes: Arc::clone(&includes) }));
        language.blocks.register("highlight".into(), Box::new(HighlightBlock));
        let relative = base_path.clone();
        let filters: Vec<(&'static str, SimpleFn)> = vec![
            ("relative_url", Arc::new(move |v: &dyn ValueView| LValue::scalar(join_url(&relative, &v.to_kstr())))),
            ("absolute_url", Arc::new(move |v: &dyn ValueView| LValue::scalar(join_url(&base_url, &v.to_kstr())))),
            (
                "jsonify",
                Arc::new(|v: &dyn ValueView| LValue::scalar(serde_json::to_string(&to_json(v)).unwrap_or_default())),
            ),
            ("markdownify", Arc::new(|v: &dyn ValueView| LValue::scalar(markdownify(&v.to_kstr())))),
            ("liquify", Arc::new(|v: &dyn ValueView| v.to_value())),
            ("xml_escape", Arc::new(|v: &dyn ValueView| LValue::scalar(super::escape(&v.to_kstr())))),
            ("cgi_escape", Arc::new(|v: &dyn ValueView| LValue::scalar(crate::urls::encode_path(&v.to_kstr())))),
            ("uri_escape", Arc::new(|v: &dyn ValueView| LValue::scalar(crate::urls::encode_path(&v.to_kstr())))),
            ("slugify", Arc::new(|v: &dyn ValueView| LValue::scalar(crate::slug::slugify(&v.to_kstr())))),
            (
                "normalize_whitespace",
                Arc::new(|v: &dyn ValueView| {
                    LValue::scalar(v.to_kstr().split_whitespace().collect::<Vec<_>>().join(" "))
                }),
            ),
        ];
        for (name, f) in filters {
            language.filters.register(name.into(), Box::new(SimpleFilter { name, f }));
        }
        let mut site = liquid_core::Object::new();
        for (key, value) in &config.extra {
            if let Some(k) = key.as_str() {
                site.insert(k.to_string().into(), to_liquid(value));
            }
        }
        let text = |s: &str| LValue::scalar(s.to_string());
        site.insert("title".into(), text(&config.title));
        site.insert("description".into(), text(&config.description));
        site.insert("lang".into(), text(&config.language));
        site.insert("baseurl".into(), text(config.base_path().trim_end_matches('/')));
        let url = match config.base_url.find("://") {
            Some(_) => config.base_url.trim_end_matches('/').trim_end_matches(config.base_path().trim_end_matches('/')),
            None => "",
        };
        site.insert("url".into(), text(url));
        let mut data = to_liquid(&yaml::Value::Mapping(data.clone()));
        fill_lists(&mut data);
        site.insert("data".into(), data);
        let mut site = LValue::Object(site);
        for text in includes.files.values() {
            fill_paths(&mut site, "site.", text);
        }
        let language = Arc::new(language);
        let _ = includes.language.set(Arc::downgrade(&language));
        LiquidSite { language, site }
    }

    /// Evaluates the document's body and theme values; the problems are
    /// warnings at their file, line and column.
    pub fn evaluate(&self, doc: &mut Document) -> Vec<Diagnostic> {
        let mut warnings = Vec::new();
        let mut page = liquid_core::Object::new();
        for (key, value) in &doc.extra {
            if let Some(k) = key.as_str() {
                page.insert(k.to_string().into(), to_liquid(value));
            }
        }
        let front = &doc.front;
        let date = front.date.as_ref().map(|d| d.as_written().to_string());
        for (key, value) in [
            ("title", &front.title),
            ("description", &front.description),
            ("layout", &front.layout),
            ("permalink", &front.permalink),
            ("date", &date),
            ("background", &front.background),
            ("imageLicense", &front.image_license),
            ("height", &front.height),
            ("lang", &front.lang),
        ] {
            if let Some(v) = value {
                page.insert(key.into(), LValue::scalar(v.clone()));
            }
        }
        let mut page = LValue::Object(page);
        let source = doc.text.clone();
        fill_paths(&mut page, "page.", &source);
        // `site` is shared by every page, not copied for each.
        let mut globals: HashMap<KStringRef<'_>, &dyn ValueView> = HashMap::new();
        globals.insert(KStringRef::from_static("site"), &self.site);
        globals.insert(KStringRef::from_static("page"), &page);
        let body = &source[doc.body_start..];
        if has_liquid(body) {
            let (text, parts) = self.render_body(body, doc.body_start, &globals, &mut |at, message, help| {
                warnings.push(warning(doc, &source, at, message, help));
            });
            doc.evaluated = Some(Arc::new(Evaluated { body: text, parts }));
        } else {
            doc.evaluated = None;
        }
        // The values the hosted-portal theme ran through `liquify`.
        let values: [(&str, &mut Option<String>); 4] = [
            ("title", &mut doc.front.title),
            ("description", &mut doc.front.description),
            ("background", &mut doc.front.background),
            ("imageLicense", &mut doc.front.image_license),
        ];
        let mut located = Vec::new();
        for (key, value) in values {
            let Some(text) = value.as_ref().filter(|t| has_liquid(t)).cloned() else { continue };
            let (out, _) = self.render_body(&text, 0, &globals, &mut |_, message, help| {
                located.push((key, message, help));
            });
            *value = Some(out);
        }
        for (key, message, help) in located {
            let mut d = Diagnostic::warning(format!("{message} (in `{key}`)")).code(LIQUID).at(doc.key_location(key));
            if !help.is_empty() {
                d = d.help(help);
            }
            warnings.push(d);
        }
        warnings
    }

    /// Renders `text` one top-level construct at a time; `base` is where
    /// `text` starts in its file. Returns the output and its parts.
    #[allow(clippy::type_complexity)]
    fn render_body(
        &self,
        text: &str,
        base: usize,
        globals: &dyn liquid_core::ObjectView,
        problem: &mut dyn FnMut(usize, String, String),
    ) -> (String, Vec<(usize, usize, usize)>) {
        let runtime = RuntimeBuilder::new().set_globals(globals).build();
        let mut out = String::with_capacity(text.len());
        let mut parts = Vec::new();
        let mut done = 0;
        for construct in constructs(text) {
            let mut range = construct.range.clone();
            let html = in_html_block(text, range.start);
            if html {
                range = whole_lines(text, range);
            }
            if range.start > done {
                parts.push((out.len(), base + done, range.start - done));
                out.push_str(&text[done..range.start]);
            }
            parts.push((out.len(), base + construct.range.start, 0));
            let written = &text[construct.range.clone()];
            let rendered = match &construct.kind {
                Kind::Video => written.to_string(),
                Kind::Unknown(name) => {
                    problem(
                        construct.range.start,
                        format!("Liquid tag `{name}` is not something folio can evaluate: left out"),
                        "it belonged to a Jekyll plugin or theme; write what it produced as Markdown or HTML".into(),
                    );
                    String::new()
                }
                Kind::Liquid => match self.render_one(written, &runtime) {
                    Ok(s) => s,
                    Err(e) => {
                        problem(
                            construct.range.start,
                            format!("Liquid `{}` cannot be evaluated: {}", first_line(written), error_text(&e)),
                            "correct the tag, or replace it with what it should show".into(),
                        );
                        String::new()
                    }
                },
            };
            let rendered = if html || construct.html_include { compact_html(&rendered) } else { rendered };
            out.push_str(&rendered);
            if html && !rendered.is_empty() && !rendered.ends_with('\n') && text[..range.end].ends_with('\n') {
                out.push('\n');
            }
            done = range.end;
        }
        if done < text.len() {
            parts.push((out.len(), base + done, text.len() - done));
            out.push_str(&text[done..]);
        }
        (out, parts)
    }

    fn render_one(&self, source: &str, runtime: &dyn Runtime) -> liquid_core::Result<String> {
        refuse_deep_nesting(source)?;
        let elements = liquid_core::parser::parse(source, &self.language)?;
        let template = Template::new(elements);
        let mut out = Vec::new();
        template.render_to(&mut out, runtime)?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }
}

/// Evaluates Liquid in every document of a site with `liquid: true`.
pub fn evaluate_all(site: &mut LiquidSite, documents: &mut [Document]) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    for doc in documents.iter() {
        fill_paths(&mut site.site, "site.", &doc.text);
    }
    documents.par_iter_mut().flat_map_iter(|doc| site.evaluate(doc)).collect()
}

/// The deepest nesting of Liquid blocks (`{% if %}` in `{% for %}` …)
/// folio evaluates. The liquid parser recurses once per level: 10,000
/// nested `{% if %}` on one line overflowed the stack and aborted the build.
pub const MAX_BLOCK_DEPTH: usize = 100;

fn refuse_deep_nesting(source: &str) -> liquid_core::Result<()> {
    const BLOCKS: [&str; 9] = ["if", "unless", "for", "case", "capture", "comment", "raw", "tablerow", "highlight"];
    let mut depth = 0usize;
    for (range, _) in super::jekyll::find_liquid(source) {
        let tag = &source[range];
        let Some(inner) = tag.strip_prefix("{%") else { continue };
        let word = inner.trim_start_matches('-').split_whitespace().next().unwrap_or("");
        if BLOCKS.contains(&word) {
            depth += 1;
            if depth > MAX_BLOCK_DEPTH {
                return Err(liquid_core::Error::with_msg(format!(
                    "Liquid blocks are nested more than {MAX_BLOCK_DEPTH} deep; folio does not evaluate them"
                )));
            }
        } else if word.starts_with("end") {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// Whether `text` holds anything Liquid would act on.
pub fn has_liquid(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"{{").is_some() || memchr::memmem::find(text.as_bytes(), b"{%").is_some()
}

fn warning(doc: &Document, source: &str, at: usize, message: String, help: String) -> Diagnostic {
    let mut d =
        Diagnostic::warning(message).code(LIQUID).at(Location::at_offset(&doc.source, source, doc.body_start + at));
    if !help.is_empty() {
        d = d.help(help);
    }
    d
}

/// The start of a construct, for a message: its first line, at most 80
/// characters of it (the line itself is quoted under the message).
fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    let shown: String = line.chars().take(80).collect();
    if shown.len() < text.len() {
        format!("{shown} …")
    } else {
        shown
    }
}

fn error_text(e: &liquid_core::Error) -> String {
    let text = e.to_string();
    let mut lines =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("from:") && !l.starts_with("with:"));
    let first = lines.next().unwrap_or("").trim_start_matches("liquid: ").to_string();
    let rest: Vec<&str> = lines.filter(|l| l.contains('=')).take(2).collect();
    if rest.is_empty() {
        first
    } else {
        format!("{first} ({})", rest.join(", "))
    }
}

/// Where the top-level Liquid tags and blocks of `text` are (a block
/// from its tag to its `end` tag): the text outside them is shown as
/// written, whatever the Liquid prints.
pub fn liquid_ranges(text: &str) -> Vec<Range<usize>> {
    constructs(text).into_iter().map(|c| c.range).collect()
}

/// A top-level Liquid construct of a text.
#[derive(Debug)]
struct Construct {
    range: Range<usize>,
    kind: Kind,
    /// An include of an `.html` file, whose output is kept one HTML block.
    html_include: bool,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Liquid,
    /// `{% include vimeo.html id="…" %}`: left for the Markdown stage.
    Video,
    /// A tag (or block) of a plugin or theme folio does not have.
    Unknown(String),
}

/// The top-level tags and blocks of `text`, in order. A block runs from
/// its tag to the matching `end` tag (a `raw` block's inside is not read);
/// an unknown tag with a matching `end` tag is an unknown block.
fn constructs(text: &str) -> Vec<Construct> {
    let tags = super::jekyll::find_liquid(text);
    let name_of = |range: &Range<usize>| -> String {
        let t = &text[range.clone()];
        if t.starts_with("{{") {
            return String::new();
        }
        t.trim_start_matches("{%")
            .trim_start_matches('-')
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches("-%}")
            .trim_end_matches("%}")
            .to_string()
    };
    let names: Vec<String> = tags.iter().map(|(r, _)| name_of(r)).collect();
    let known_tag = |n: &str| {
        matches!(
            n,
            "" | "assign"
                | "include"
                | "increment"
                | "decrement"
                | "cycle"
                | "break"
                | "continue"
                | "render"
                | "else"
                | "elsif"
                | "when"
                | "echo"
        )
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        let (range, what) = &tags[i];
        let name = names[i].as_str();
        let opens_block =
            BLOCKS.contains(&name) || (!known_tag(name) && names[i + 1..].iter().any(|n| *n == format!("end{name}")));
        if opens_block {
            let end_name = format!("end{name}");
            let mut depth = 0;
            let mut j = i + 1;
            let mut end = None;
            while j < tags.len() {
                if name == "raw" || name == "comment" {
                    if names[j] == end_name {
                        end = Some(j);
                        break;
                    }
                } else if names[j] == name {
                    depth += 1;
                } else if names[j] == end_name {
                    if depth == 0 {
                        end = Some(j);
                        break;
                    }
                    depth -= 1;
                }
                j += 1;
            }
            let Some(end) = end else {
                // No end tag: the tag alone, which fails with a message.
                out.push(Construct { range: range.clone(), kind: Kind::Liquid, html_include: false });
                i += 1;
                continue;
            };
            let kind = if BLOCKS.contains(&name) { Kind::Liquid } else { Kind::Unknown(name.to_string()) };
            out.push(Construct { range: range.start..tags[end].0.end, kind, html_include: false });
            i = end + 1;
            continue;
        }
        let kind = match what {
            super::jekyll::Liquid::Video { .. } => Kind::Video,
            _ if known_tag(name) => Kind::Liquid,
            _ => Kind::Unknown(name.to_string()),
        };
        let html_include = name == "include" && text[range.clone()].contains(".html");
        out.push(Construct { range: range.clone(), kind, html_include });
        i += 1;
    }
    out
}

/// Whether `offset` is inside an HTML block as CommonMark reads it: a
/// line starting with `<` above it and no blank line since (lines holding
/// only Liquid do not count, they become blank only once evaluated).
fn in_html_block(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..offset].trim().is_empty() {
        return false;
    }
    for line in text[..line_start].lines().rev() {
        let t = line.trim();
        if t.is_empty() {
            return false;
        }
        if is_liquid_only(t) {
            continue;
        }
        if t.starts_with('<') {
            return true;
        }
    }
    false
}

fn is_liquid_only(line: &str) -> bool {
    let tags = super::jekyll::find_liquid(line);
    let mut rest = line.to_string();
    for (r, _) in tags.iter().rev() {
        rest.replace_range(r.clone(), "");
    }
    !tags.is_empty() && rest.trim().is_empty()
}

/// `range` widened to its whole lines (indent and line break) when
/// nothing else is on them, so that a tag alone on its line leaves no
/// blank line behind (which would end an HTML block in CommonMark).
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i + 1);
    let before_blank = text[start..range.start].trim().is_empty();
    let after_blank = text[range.end..end].trim().is_empty();
    if before_blank && after_blank {
        start..end
    } else {
        range
    }
}

/// HTML without its blank lines, so that CommonMark reads it as one HTML
/// block, as kramdown did; inside `<pre>` and `<textarea>` an empty
/// comment keeps the line (a blank line there would end the block too).
pub fn compact_html(html: &str) -> String {
    if !html.contains('\n') {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut in_pre = 0usize;
    for line in html.split_inclusive('\n') {
        if line.trim().is_empty() {
            if in_pre > 0 {
                out.push_str("<!---->\n");
            }
            continue;
        }
        out.push_str(line);
        let lower = line.to_ascii_lowercase();
        let opens: usize =
            ["<pre>", "<pre ", "<textarea>", "<textarea "].iter().map(|t| lower.matches(t).count()).sum();
        let closes: usize = ["</pre>", "</textarea>"].iter().map(|t| lower.matches(t).count()).sum();
        in_pre = (in_pre + opens).saturating_sub(closes);
    }
    out
}

/// Jekyll printed nothing for a variable no page set; the liquid crate
/// stops instead. Every path under `root` (`site.`, `page.`) that the text
/// names is made to exist in `value` (as nil where the data has nothing).
fn fill_paths(value: &mut LValue, root: &str, text: &str) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let ident_start =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b'.');
        let rest = &text[i..];
        if ident_start && rest.starts_with(root) {
            let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')).count();
            let path: Vec<&str> = rest[root.len()..len].split('.').filter(|s| !s.is_empty()).collect();
            ensure(value, &path);
            i += len.max(1);
        } else {
            i += 1;
        }
    }
}

fn ensure(value: &mut LValue, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else { return };
    let LValue::Object(map) = value else { return };
    if ["size", "first", "last"].contains(first) {
        return;
    }
    let child = map.entry(KString::from_ref(first)).or_insert(LValue::Nil);
    if rest.is_empty() {
        return;
    }
    if child.is_nil() {
        *child = LValue::Object(liquid_core::Object::new());
    }
    ensure(child, rest);
}

/// Lists of mappings get every key any of their items has (nil where an
/// item lacks it), so that `{{ item.link }}` in a loop prints nothing for
/// an item without a link, as in Jekyll.
fn fill_lists(value: &mut LValue) {
    match value {
        LValue::Array(items) => {
            let mut keys: Vec<KString> = Vec::new();
            for item in items.iter() {
                if let LValue::Object(o) = item {
                    for k in o.keys() {
                        if !keys.contains(k) {
                            keys.push(k.clone());
                        }
                    }
                }
            }
            for item in items.iter_mut() {
                if let LValue::Object(o) = item {
                    for k in &keys {
                        o.entry(k.clone()).or_insert(LValue::Nil);
                    }
                }
                fill_lists(item);
            }
        }
        LValue::Object(o) => o.values_mut().for_each(fill_lists),
        _ => {}
    }
}

/// A YAML value as Liquid sees it.
pub fn to_liquid(value: &yaml::Value) -> LValue {
    match value {
        yaml::Value::Null => LValue::Nil,
        yaml::Value::Bool(b) => LValue::scalar(*b),
        yaml::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => LValue::scalar(i),
            (None, Some(f)) => LValue::scalar(f),
            _ => LValue::scalar(n.to_string()),
        },
        yaml::Value::String(s) => LValue::scalar(s.clone()),
        yaml::Value::Sequence(items) => LValue::Array(items.iter().map(to_liquid).collect()),
        yaml::Value::Mapping(m) => LValue::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        yaml::Value::String(s) => s.clone(),
                        other => yaml::to_string(other).trim_end().to_string(),
                    };
                    (KString::from(key), to_liquid(v))
                })
                .collect(),
        ),
        yaml::Value::Tagged(t) => to_liquid(&t.value),
    }
}

fn to_json(value: &dyn ValueView) -> serde_json::Value {
    if let Some(a) = value.as_array() {
        return serde_json::Value::Array(a.values().map(to_json).collect());
    }
    if let Some(o) = value.as_object() {
        return serde_json::Value::Object(o.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect());
    }
    if value.is_nil() {
        return serde_json::Value::Null;
    }
    match value.as_scalar() {
        Some(s) => {
            if let Some(b) = s.to_bool() {
                serde_json::Value::Bool(b)
            } else if let Some(i) = s.to_integer() {
                serde_json::Value::from(i)
            } else if let Some(f) = s.to_float() {
                serde_json::Value::from(f)
            } else {
                serde_json::Value::String(s.to_kstr().to_string())
            }
        }
        None => serde_json::Value::String(value.to_kstr().to_string()),
    }
}

/// `relative_url` / `absolute_url`: the base in front of a site path
/// (`about` is `/about`, as in Jekyll); full URLs are left alone.
fn join_url(base: &str, path: &str) -> String {
    if crate::urls::is_external(path) {
        return path.to_string();
    }
    let path = if path.is_empty() { "/".to_string() } else { crate::urls::jekyll_relative(path) };
    format!("{}{path}", base.trim_end_matches('/'))
}

/// `markdownify`: Markdown to HTML (without folio's link checks: the
/// page's own Markdown pass checks what ends up on the page).
fn markdownify(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(text, super::options()));
    html
}

fn register_stdlib(language: &mut Language) {
    use liquid_lib::stdlib;
    let tags: Vec<Box<dyn ParseTag>> = vec![
        Box::new(stdlib::AssignTag),
        Box::new(stdlib::BreakTag),
        Box::new(stdlib::ContinueTag),
        Box::new(stdlib::CycleTag),
        Box::new(stdlib::IncrementTag),
        Box::new(stdlib::DecrementTag),
    ];
    for tag in tags {
        language.tags.register(tag.reflection().tag().to_string(), tag);
    }
    let blocks: Vec<Box<dyn ParseBlock>> = vec![
        Box::new(stdlib::RawBlock),
        Box::new(stdlib::IfBlock),
        Box::new(stdlib::UnlessBlock),
        Box::new(stdlib::IfChangedBlock),
        Box::new(stdlib::ForBlock),
        Box::new(stdlib::TableRowBlock),
        Box::new(stdlib::CommentBlock),
        Box::new(stdlib::CaptureBlock),
        Box::new(stdlib::CaseBlock),
    ];
    for block in blocks {
        language.blocks.register(block.reflection().start_tag().to_string(), block);
    }
    let filters: Vec<Box<dyn ParseFilter>> = vec![
        Box::new(stdlib::Abs),
        Box::new(stdlib::Append),
        Box::new(stdlib::AtLeast),
        Box::new(stdlib::AtMost),
        Box::new(stdlib::Capitalize),
        Box::new(stdlib::Ceil),
        Box::new(stdlib::Compact),
        Box::new(stdlib::Concat),
        Box::new(stdlib::Date),
        Box::new(stdlib::Default),
        Box::new(stdlib::DividedBy),
        Box::new(stdlib::Downcase),
        Box::new(stdlib::Escape),
        Box::new(stdlib::EscapeOnce),
        Box::new(stdlib::First),
        Box::new(stdlib::Floor),
        Box::new(stdlib::Join),
        Box::new(stdlib::Last),
        Box::new(stdlib::Lstrip),
        Box::new(stdlib::Map),
        Box::new(stdlib::Minus),
        Box::new(stdlib::Modulo),
        Box::new(stdlib::NewlineToBr),
        Box::new(stdlib::Plus),
        Box::new(stdlib::Prepend),
        Box::new(stdlib::Remove),
        Box::new(stdlib::RemoveFirst),
        Box::new(stdlib::Replace),
        Box::new(stdlib::ReplaceFirst),
        Box::new(stdlib::Reverse),
        Box::new(stdlib::Round),
        Box::new(stdlib::Rstrip),
        Box::new(stdlib::Size),
        Box::new(stdlib::Slice),
        Box::new(stdlib::Sort),
        Box::new(stdlib::SortNatural),
        Box::new(stdlib::Split),
        Box::new(stdlib::Strip),
        Box::new(stdlib::StripHtml),
        Box::new(stdlib::StripNewlines),
        Box::new(stdlib::Times),
        Box::new(stdlib::Truncate),
        Box::new(stdlib::TruncateWords),
        Box::new(stdlib::Uniq),
        Box::new(stdlib::Upcase),
        Box::new(stdlib::UrlDecode),
        Box::new(stdlib::UrlEncode),
        Box::new(stdlib::Where),
    ];
    for filter in filters {
        language.filters.register(filter.reflection().name().to_string(), filter);
    }
}

type SimpleFn = Arc<dyn Fn(&dyn ValueView) -> LValue + Send + Sync>;

/// A Jekyll filter without arguments.
#[derive(Clone)]
struct SimpleFilter {
    name: &'static str,
    f: SimpleFn,
}

impl fmt::Debug for SimpleFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Display for SimpleFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl FilterReflection for SimpleFilter {
    fn name(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        "a Jekyll filter"
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for SimpleFilter {
    fn parse(&self, _arguments: FilterArguments<'_>) -> liquid_core::Result<Box<dyn Filter>> {
        Ok(Box::new(self.clone()))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

impl Filter for SimpleFilter {
    fn evaluate(&self, input: &dyn ValueView, _runtime: &dyn Runtime) -> liquid_core::Result<LValue> {
        Ok((self.f)(input))
    }
}

/// Jekyll's `{% include file.html key=value %}`: the file from
/// `includes/`, with `include.key`. The video includes stay as written
/// (with their id evaluated), for the Markdown stage.
#[derive(Clone)]
struct IncludeTag {
    includes: Arc<Includes>,
}

impl TagReflection for IncludeTag {
    fn tag(&self) -> &str {
        "include"
    }
    fn description(&self) -> &str {
        "Jekyll's include"
    }
}

impl ParseTag for IncludeTag {
    fn parse(&self, mut arguments: TagTokenIter<'_>, _options: &Language) -> liquid_core::Result<Box<dyn Renderable>> {
        let name = arguments.expect_next("the name of a file in includes/ expected")?;
        let name = match name.expect_identifier() {
            TryMatchToken::Matches(name) => name.to_string(),
            TryMatchToken::Fails(name) => name.as_str().trim_matches(['"', '\'']).to_string(),
        };
        let mut params = Vec::new();
        while let Ok(next) = arguments.expect_next("") {
            let text = next.as_str().to_string();
            let (key, value) = match text.split_once('=') {
                Some((k, v)) if !v.is_empty() => {
                    (k.to_string(), liquid_core::Expression::with_literal(v.trim_matches(['"', '\'']).to_string()))
                }
                Some((k, _)) => {
                    let value = arguments.expect_next("a value after `=` expected")?.expect_value().into_result()?;
                    (k.to_string(), value)
                }
                None => {
                    arguments.expect_next("`=` expected")?.expect_str("=").into_result()?;
                    let value = arguments.expect_next("a value after `=` expected")?.expect_value().into_result()?;
                    (text, value)
                }
            };
            params.push((KString::from(key), value));
        }
        Ok(Box::new(Include { name, params, includes: Arc::clone(&self.includes) }))
    }
    fn reflection(&self) -> &dyn TagReflection {
        self
    }
}

#[derive(Debug)]
struct Include {
    name: String,
    params: Vec<(KString, liquid_core::Expression)>,
    includes: Arc<Includes>,
}

impl Renderable for Include {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> liquid_core::Result<()> {
        let mut values = liquid_core::Object::new();
        for (key, expr) in &self.params {
            let value = expr.try_evaluate(runtime).map(|v| v.into_owned()).unwrap_or(LValue::Nil);
            values.insert(key.clone(), value);
        }
        if matches!(self.name.as_str(), "vimeo.html" | "youtube.html") {
            let id = values.get("id").map(|v| v.to_kstr().to_string()).unwrap_or_default();
            write!(writer, "{{% include {} id=\"{id}\" %}}", self.name)
                .map_err(|e| liquid_core::Error::with_msg(e.to_string()))?;
            return Ok(());
        }
        let Some(text) = self.includes.files.get(&self.name) else {
            return Err(liquid_core::Error::with_msg(format!("includes/{} does not exist", self.name)));
        };
        // Names the include reads but the tag did not pass are nil.
        let mut include = LValue::Object(liquid_core::Object::new());
        let mut rest = text.as_str();
        while let Some(i) = rest.find("include.") {
            let after = &rest[i + 8..];
            let len = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')).count();
            ensure(&mut include, &[&after[..len]]);
            rest = &after[len..];
        }
        if let LValue::Object(o) = &mut include {
            o.extend(values);
        }
        let mut frame = HashMap::new();
        frame.insert(KString::from_static("include"), include);
        let scope = StackFrame::new(runtime, &frame);
        self.includes.template(&self.name, text)?.render_to(writer, &scope)
    }
}

/// `{% highlight lang %}…{% endhighlight %}`: a fenced code block, which
/// folio highlights like any other.
#[derive(Clone)]
struct HighlightBlock;

impl BlockReflection for HighlightBlock {
    fn start_tag(&self) -> &str {
        "highlight"
    }
    fn end_tag(&self) -> &str {
        "endhighlight"
    }
    fn description(&self) -> &str {
        "Jekyll's code block"
    }
}

impl ParseBlock for HighlightBlock {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        _options: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        let language = arguments.expect_next("").map(|t| t.as_str().to_string()).unwrap_or_default();
        while arguments.expect_next("").is_ok() {}
        let content = tokens.escape_liquid(false)?.to_string();
        tokens.assert_empty();
        Ok(Box::new(Highlighted { language, content }))
    }
    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct Highlighted {
    language: String,
    content: String,
}

impl Renderable for Highlighted {
    fn render_to(&self, writer: &mut dyn Write, _runtime: &dyn Runtime) -> liquid_core::Result<()> {
        let code = self.content.trim_matches('\n');
        write!(writer, "```{}\n{code}\n```", self.language).map_err(|e| liquid_core::Error::with_msg(e.to_string()))
    }
}
