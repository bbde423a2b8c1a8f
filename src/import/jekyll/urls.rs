//! The URLs Jekyll 4 gives pages and posts, computed the way Jekyll does
//! (`Jekyll::Page#template`, `Utils.add_permalink_suffix`, `Jekyll::URL`,
//! `Drops::UrlDrop`), and the URL folio derives for a file in `content/`.

use std::path::Path;

use serde::Serialize;

use crate::slug::slugify;

/// Jekyll's site-wide `permalink` setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermalinkStyle {
    /// `/:categories/:year/:month/:day/:title:output_ext` (Jekyll's default).
    Date,
    /// `/:categories/:year/:month/:day/:title/`.
    Pretty,
    /// `/:categories/:year/:y_day/:title:output_ext`.
    Ordinal,
    /// `/:categories/:year/W:week/:short_day/:title:output_ext`.
    Weekdate,
    /// `/:categories/:title:output_ext`.
    None,
    /// A pattern of its own, e.g. `/blog/:year/:title/`.
    Pattern(String),
}

impl PermalinkStyle {
    pub fn parse(value: &str) -> PermalinkStyle {
        match value.trim() {
            "" | "date" => PermalinkStyle::Date,
            "pretty" => PermalinkStyle::Pretty,
            "ordinal" => PermalinkStyle::Ordinal,
            "weekdate" => PermalinkStyle::Weekdate,
            "none" => PermalinkStyle::None,
            pattern => PermalinkStyle::Pattern(pattern.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            PermalinkStyle::Date => "date",
            PermalinkStyle::Pretty => "pretty",
            PermalinkStyle::Ordinal => "ordinal",
            PermalinkStyle::Weekdate => "weekdate",
            PermalinkStyle::None => "none",
            PermalinkStyle::Pattern(p) => p,
        }
    }

    /// The template of a post's URL.
    pub fn post_template(&self) -> &str {
        match self {
            PermalinkStyle::Date => "/:categories/:year/:month/:day/:title:output_ext",
            PermalinkStyle::Pretty => "/:categories/:year/:month/:day/:title/",
            PermalinkStyle::Ordinal => "/:categories/:year/:y_day/:title:output_ext",
            PermalinkStyle::Weekdate => "/:categories/:year/W:week/:short_day/:title:output_ext",
            PermalinkStyle::None => "/:categories/:title:output_ext",
            PermalinkStyle::Pattern(p) => p,
        }
    }

    /// What follows `/:path/:basename` in a page's URL
    /// (`Utils.add_permalink_suffix`).
    pub fn page_suffix(&self) -> &'static str {
        match self {
            PermalinkStyle::Pretty => "/",
            PermalinkStyle::Pattern(p) if p.ends_with('/') => "/",
            PermalinkStyle::Pattern(p) if p.ends_with(":output_ext") => ":output_ext",
            PermalinkStyle::Pattern(_) => "",
            _ => ":output_ext",
        }
    }
}

/// The URL Jekyll gives a page at `rel` (`about/team.md`), whose output is
/// HTML: its own `permalink` (placeholders filled) or the style's.
pub fn page_url(rel: &Path, permalink: Option<&str>, style: &PermalinkStyle) -> String {
    let dir = rel.parent().map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let basename = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let template = match permalink {
        Some(p) => p.to_string(),
        None if basename == "index" => "/:path/".to_string(),
        None => format!("/:path/:basename{}", style.page_suffix()),
    };
    // `generate_url_from_hash`: each placeholder in turn, literally.
    let url = template.replace(":path", &dir).replace(":basename", &basename).replace(":output_ext", ".html");
    sanitize(&url)
}

/// What the URL of a post, or of another collection's document, is made of.
#[derive(Debug, Clone)]
pub struct PostFacts {
    /// From the front matter's `date`, else the file name.
    pub date: jiff::civil::Date,
    /// `HH`, `MM`, `SS` when the front matter's `date` has a time.
    pub time: (String, String, String),
    /// `welcome` (front matter `slug`, else from the file name).
    pub slug: String,
    /// The file name without its extension: `2021-06-01-welcome`.
    pub name: String,
    pub categories: Vec<String>,
    /// The collection: `posts`, `news`.
    pub collection: String,
    /// The file's path in its collection's folder, without extension:
    /// `2021-06-01-welcome`, `2026/holiday`.
    pub path: String,
}

/// The URL Jekyll gives a post: its `permalink`, else the style's template,
/// with `Drops::UrlDrop`'s placeholders filled. An unknown placeholder is an
/// error, as in Jekyll.
pub fn post_url(facts: &PostFacts, permalink: Option<&str>, style: &PermalinkStyle) -> Result<String, String> {
    let template = permalink.unwrap_or_else(|| style.post_template());
    document_url(facts, template)
}

/// The URL Jekyll gives a document of another collection: its
/// `permalink`, else the collection's, else `/:collection/:path` with the
/// style's ending (`Collection#url_template`).
pub fn collection_url(
    facts: &PostFacts,
    permalink: Option<&str>,
    collection_permalink: Option<&str>,
    style: &PermalinkStyle,
) -> Result<String, String> {
    let default = format!("/:collection/:path{}", style.page_suffix());
    document_url(facts, permalink.or(collection_permalink).unwrap_or(&default))
}

/// A document's URL template with `Drops::UrlDrop`'s placeholders filled.
fn document_url(facts: &PostFacts, template: &str) -> Result<String, String> {
    let date = facts.date;
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(colon) = rest.find(':') {
        out.push_str(&rest[..colon]);
        let after = &rest[colon + 1..];
        let len = after.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
        if len == 0 {
            out.push(':');
            rest = after;
            continue;
        }
        let name = &after[..len];
        let value = placeholder(name, facts, date)
            .or_else(|| name.strip_suffix('_').and_then(|n| placeholder(n, facts, date)))
            .ok_or_else(|| format!("the URL template `{template}` has no placeholder `:{name}`"))?;
        out.push_str(&value);
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(sanitize(&out))
}

fn placeholder(name: &str, facts: &PostFacts, date: jiff::civil::Date) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let month = MONTHS[(date.month() - 1) as usize];
    let weekday = DAYS[date.weekday().to_monday_zero_offset() as usize];
    Some(match name {
        "year" => format!("{:04}", date.year()),
        "short_year" => format!("{:02}", date.year().rem_euclid(100)),
        "month" => format!("{:02}", date.month()),
        "i_month" => date.month().to_string(),
        "short_month" => month[..3].to_string(),
        "long_month" => month.to_string(),
        "day" => format!("{:02}", date.day()),
        "i_day" => date.day().to_string(),
        "y_day" => format!("{:03}", date.day_of_year()),
        "short_day" => weekday[..3].to_string(),
        "long_day" => weekday.to_string(),
        "week" => format!("{:02}", date.iso_week_date().week()),
        "w_year" => date.iso_week_date().year().to_string(),
        "w_day" => (date.weekday().to_monday_one_offset()).to_string(),
        "hour" => facts.time.0.clone(),
        "minute" => facts.time.1.clone(),
        "second" => facts.time.2.clone(),
        "title" => jekyll_slugify(&facts.slug, SlugMode::Pretty, true),
        "slug" => jekyll_slugify(&facts.slug, SlugMode::Default, false),
        "name" => jekyll_slugify(&facts.name, SlugMode::Default, false),
        "categories" => {
            let mut seen: Vec<String> = Vec::new();
            for c in &facts.categories {
                let c = c.to_lowercase();
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            seen.join("/")
        }
        "collection" => facts.collection.clone(),
        "path" => facts.path.clone(),
        "output_ext" => ".html".to_string(),
        _ => return None,
    })
}

/// Whether a URL template names a part of a date (`:year`, `:month`, …).
pub fn uses_date(template: &str) -> bool {
    const DATE_PARTS: &[&str] = &[
        ":year",
        ":short_year",
        ":month",
        ":i_month",
        ":short_month",
        ":long_month",
        ":day",
        ":i_day",
        ":y_day",
        ":short_day",
        ":long_day",
        ":week",
        ":w_year",
        ":w_day",
        ":hour",
        ":minute",
        ":second",
    ];
    DATE_PARTS.iter().any(|p| template.contains(p))
}

/// `Jekyll::URL#sanitize_url`: a leading `/`, no `..` or `./`, no `//`.
fn sanitize(url: &str) -> String {
    let url = format!("/{url}").replace("..", "/").replace("./", "");
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugMode {
    /// Every run of characters but letters, marks and digits becomes `-`.
    Default,
    /// Also keeps `._~!$&'()+,;=@`.
    Pretty,
}

/// `Jekyll::Utils.slugify`.
pub fn jekyll_slugify(text: &str, mode: SlugMode, cased: bool) -> String {
    let keep = |c: char| {
        c.is_alphanumeric()
            || is_mark(c)
            || (mode == SlugMode::Pretty
                && matches!(c, '.' | '_' | '~' | '!' | '$' | '&' | '\'' | '(' | ')' | '+' | ',' | ';' | '=' | '@'))
    };
    let mut slug = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if keep(c) {
            slug.push(c);
            in_run = false;
        } else if !in_run {
            slug.push('-');
            in_run = true;
        }
    }
    let slug = slug.strip_prefix('-').unwrap_or(&slug);
    let slug = slug.strip_suffix('-').unwrap_or(slug);
    if cased {
        slug.to_string()
    } else {
        slug.to_lowercase()
    }
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// `Jekyll::Utils.titleize_slug`: `hello-world` -> `Hello World`.
pub fn titleize_slug(slug: &str) -> String {
    slug.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The URL folio derives for `rel` inside `content/` when no `permalink`
/// is given (`content::tree`): `_index.md` is its folder's section,
/// `index.md` its folder's page, other files `/<dir>/<stem>/`; every
/// segment slugged.
pub fn folio_url(rel: &Path) -> String {
    let dir = rel.parent().unwrap_or(Path::new(""));
    let mut url = crate::content::dir_url(dir);
    let stem = rel.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
    if stem != "index" && stem != "_index" {
        url.push_str(&slugify(&stem));
        url.push('/');
    }
    url
}

/// What folio makes of a `permalink`: `/x` and `/x/` are the folder `/x/`,
/// `/x.html` stays a file.
pub fn folio_permalink(permalink: &str) -> String {
    if permalink.ends_with('/') || permalink.ends_with(".html") {
        permalink.to_string()
    } else {
        format!("{permalink}/")
    }
}

/// A `YYYY-MM-DD` at the start of `text` (months and days of one or two
/// digits, as Jekyll's file names allow), with what follows it.
pub fn leading_date(text: &str) -> Option<(jiff::civil::Date, &str)> {
    let mut parts = text.splitn(3, '-');
    let year = parts.next()?;
    let month = parts.next()?;
    let rest = parts.next()?;
    let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let day = &rest[..day_len];
    let digits =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 2, 4) && digits(month, 1, 2) && digits(day, 1, 2)) {
        return None;
    }
    let date = jiff::civil::Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?).ok()?;
    Some((date, &rest[day_len..]))
}

/// `*` (any run of characters, `/` included), `?` (one character) and
/// literal text, as Ruby's `File.fnmatch?` without `FNM_PATHNAME`; `**`
/// is two stars.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether `rel` (a path from the site's folder) is in one of Jekyll's
/// `exclude`/`include` entries (`EntryFilter#glob_include?`): a glob match,
/// a plain prefix (`docs` also covers `docs-old/`), or the folder itself
/// written with a trailing `/`.
pub fn listed(entries: &[String], rel: &str, is_dir: bool) -> bool {
    entries.iter().any(|pattern| {
        let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
        !pattern.is_empty()
            && (glob_match(pattern, rel) || rel.starts_with(pattern) || (is_dir && pattern == format!("{rel}/")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(date: (i16, i8, i8), slug: &str, categories: &[&str]) -> PostFacts {
        let date = jiff::civil::date(date.0, date.1, date.2);
        PostFacts {
            date,
            time: ("00".into(), "00".into(), "00".into()),
            slug: slug.into(),
            name: format!("{date}-{slug}"),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            collection: "posts".into(),
            path: format!("{date}-{slug}"),
        }
    }

    #[test]
    fn pages_follow_the_permalink_style() {
        let pretty = PermalinkStyle::Pretty;
        assert_eq!(page_url(Path::new("about.md"), None, &pretty), "/about/");
        assert_eq!(page_url(Path::new("index.md"), None, &pretty), "/");
        assert_eq!(page_url(Path::new("about/index.html"), None, &pretty), "/about/");
        assert_eq!(page_url(Path::new("about/Team Page.md"), None, &pretty), "/about/Team Page/");
        assert_eq!(page_url(Path::new("about.md"), None, &PermalinkStyle::Date), "/about.html");
        assert_eq!(page_url(Path::new("docs/index.md"), None, &PermalinkStyle::None), "/docs/");
        assert_eq!(page_url(Path::new("a/b.md"), None, &PermalinkStyle::parse("/:year/:title/")), "/a/b/");
        assert_eq!(page_url(Path::new("a/b.md"), None, &PermalinkStyle::parse("/:title")), "/a/b");
        assert_eq!(page_url(Path::new("x.md"), Some("/registration"), &pretty), "/registration");
        assert_eq!(page_url(Path::new("a/x.md"), Some("/:path/:basename:output_ext"), &pretty), "/a/x.html");
        assert_eq!(page_url(Path::new("x.md"), Some("about/"), &pretty), "/about/");
    }

    #[test]
    fn posts_follow_the_permalink_style() {
        let f = facts((2021, 6, 1), "welcome", &[]);
        assert_eq!(post_url(&f, None, &PermalinkStyle::Pretty).unwrap(), "/2021/06/01/welcome/");
        assert_eq!(post_url(&f, None, &PermalinkStyle::Date).unwrap(), "/2021/06/01/welcome.html");
        assert_eq!(post_url(&f, None, &PermalinkStyle::None).unwrap(), "/welcome.html");
        assert_eq!(post_url(&f, None, &PermalinkStyle::Ordinal).unwrap(), "/2021/152/welcome.html");
        assert_eq!(post_url(&f, None, &PermalinkStyle::Weekdate).unwrap(), "/2021/W22/Tue/welcome.html");
        let news = facts((2021, 6, 1), "Hello World", &["News", "events"]);
        assert_eq!(post_url(&news, None, &PermalinkStyle::Pretty).unwrap(), "/news/events/2021/06/01/Hello-World/");
        let custom = PermalinkStyle::parse("/blog/:year/:i_month/:slug/");
        assert_eq!(post_url(&news, None, &custom).unwrap(), "/blog/2021/6/hello-world/");
        assert!(post_url(&f, Some("/:nope/"), &PermalinkStyle::Pretty).is_err());
    }

    #[test]
    fn collection_documents_follow_their_collection() {
        let mut event = facts((2025, 4, 3), "Atelier-TDWG", &[]);
        event.collection = "events".into();
        event.path = "2025-04-03-Atelier-TDWG".into();
        let pretty = PermalinkStyle::Pretty;
        assert_eq!(collection_url(&event, None, None, &pretty).unwrap(), "/events/2025-04-03-Atelier-TDWG/");
        assert_eq!(
            collection_url(&event, None, None, &PermalinkStyle::Date).unwrap(),
            "/events/2025-04-03-Atelier-TDWG.html"
        );
        assert_eq!(collection_url(&event, None, Some("/news/:title/"), &pretty).unwrap(), "/news/Atelier-TDWG/");
        let sbdi = "/:collection/:year/:month/:slug/";
        assert_eq!(collection_url(&event, None, Some(sbdi), &pretty).unwrap(), "/events/2025/04/atelier-tdwg/");
        assert_eq!(collection_url(&event, Some("/x/"), Some(sbdi), &pretty).unwrap(), "/x/", "its own permalink first");
    }

    #[test]
    fn slugs_and_titles() {
        assert_eq!(jekyll_slugify("The _config.yml file?!", SlugMode::Default, false), "the-config-yml-file");
        assert_eq!(jekyll_slugify("The _config.yml file?!", SlugMode::Pretty, true), "The-_config.yml-file-!");
        assert_eq!(titleize_slug("welcome-to-the-meeting"), "Welcome To The Meeting");
    }

    #[test]
    fn folio_urls() {
        assert_eq!(folio_url(Path::new("_index.md")), "/");
        assert_eq!(folio_url(Path::new("about/index.md")), "/about/");
        assert_eq!(folio_url(Path::new("About Us/Team.md")), "/about-us/team/");
        assert_eq!(folio_permalink("/registration"), "/registration/");
        assert_eq!(folio_permalink("/404.html"), "/404.html");
    }

    #[test]
    fn dates_globs_and_lists() {
        assert_eq!(leading_date("2021-6-01-welcome"), Some((jiff::civil::date(2021, 6, 1), "-welcome")));
        assert_eq!(leading_date("2021-02-30-x"), None);
        assert_eq!(leading_date("about"), None);
        assert!(glob_match("*.gemspec", "folio.gemspec"));
        assert!(glob_match("vendor/*", "vendor/a/b"));
        assert!(!glob_match("a?c", "abbc"));
        let list = vec!["README.md".to_string(), "docs".to_string(), "scripts/".to_string()];
        assert!(listed(&list, "README.md", false));
        assert!(listed(&list, "docs-old/a.md", false), "a plain prefix, as in Jekyll");
        assert!(listed(&list, "scripts", true));
        assert!(!listed(&list, "about.md", false));
    }
}
