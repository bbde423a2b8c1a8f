//! Filters the theme's templates use beyond Tera's own: dates, slugs and
//! URLs. Each is a plain function so that it can be tested alone.

use tera::value::ValueKind;
use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::dates::DateStyle;
use crate::content::WrittenDate;
use crate::{slug, text, urls};

pub fn register(tera: &mut Tera, base_url: &str, base_path: &str) {
    tera.register_filter("safe", safe);
    tera.register_filter("default", default);
    tera.register_filter("date", date);
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| slug::slugify(s));
    tera.register_filter("urlencode", |s: &str, _: Kwargs, _: &State| urls::encode_path(s));
    let base = base_path.to_string();
    tera.register_filter("url", move |s: &str, _: Kwargs, _: &State| urls::site_url(&base, s));
    // Jekyll's: `about/team` is the site path `/about/team` (navigation data).
    let base = base_path.to_string();
    tera.register_filter("relative_url", move |s: &str, _: Kwargs, _: &State| {
        urls::site_url(&base, &urls::jekyll_relative(s))
    });
    let base = base_url.to_string();
    tera.register_filter("absolute_url", move |s: &str, _: Kwargs, _: &State| absolute_url(&base, s));
    tera.register_filter("eur", |n: f64, _: Kwargs, _: &State| text::euros(n));
    tera.register_filter("markdown_text", |s: &str, _: Kwargs, _: &State| crate::markdown::plain_text_of(s));
}

/// `{{ page.fields.funding.label | default(value="Funding") }}`. Tera's own
/// `default` replaces only undefined values, but a key that front matter
/// leaves out reaches templates as null, so null takes the default too.
/// `boolean=true` also replaces `false`, `0` and empty text, as Tera's does.
pub fn default(value: Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let fallback = kwargs.must_get::<Value>("value")?;
    let boolean = kwargs.get::<bool>("boolean")?.unwrap_or_default();
    let missing = matches!(value.kind(), ValueKind::Undefined | ValueKind::None);
    Ok(if missing || (boolean && !value.is_truthy()) { fallback } else { value })
}

/// `{{ page.content | safe }}`: the value itself, marked safe. Tera's own
/// `safe` copies the text into a new value, and every page passes its whole
/// HTML through it; a long text is shared by reference, so marking a clone
/// copies nothing. Anything but text is written out first, as Tera's does.
pub fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    match value.kind() {
        ValueKind::String => value.clone().mark_safe(),
        _ => Value::safe_string(&value.to_string()),
    }
}

/// `{{ page.date | date(style="long") }}` on `YYYY-MM-DD[...]` text: the
/// date as the page's language writes it (the `locale` the page's context
/// holds, or `locale=` given here); `style` is `long`, `full`, `weekday` or
/// `short` (see [`super::dates::DateStyle`]). `format="%e %B %Y"` takes
/// strftime's conversions instead, in English; `%e` is the day without padding.
pub fn date(value: &str, kwargs: Kwargs, state: &State) -> TeraResult<String> {
    let not_a_date = || {
        tera::Error::message(format!("`{value}` is not a date in YYYY-MM-DD form; the `date` filter cannot format it"))
    };
    if let Some(format) = kwargs.get::<&str>("format")? {
        return format_date(value, format).ok_or_else(not_a_date);
    }
    let style = match kwargs.get::<&str>("style")? {
        None => DateStyle::Long,
        Some(name) => DateStyle::from_name(name).ok_or_else(|| {
            tera::Error::message(format!(
                "`date(style=\"{name}\")`: the styles are \"long\", \"full\", \"weekday\" and \"short\""
            ))
        })?,
    };
    let locale = match kwargs.get::<String>("locale")? {
        Some(locale) => locale,
        None => state.get::<String>("locale")?.unwrap_or_else(|| "en".into()),
    };
    let date = WrittenDate::parse(value).ok_or_else(not_a_date)?.date();
    Ok(super::dates::format(date, style, &locale))
}

pub fn format_date(value: &str, format: &str) -> Option<String> {
    let date = WrittenDate::parse(value)?.date();
    // `%e` is the day without padding here, as people write dates.
    let format = format.replace("%e", "%-d");
    jiff::fmt::strtime::format(format.as_str(), date).ok()
}

/// `https://example.org/2021/` + `/2021/sessions/` -> the full URL.
pub fn absolute_url(base_url: &str, url: &str) -> String {
    if urls::is_external(url) || !base_url.contains("://") {
        return url.to_string();
    }
    let scheme_end = base_url.find("://").map_or(0, |i| i + 3);
    let origin_end = base_url[scheme_end..].find('/').map_or(base_url.len(), |i| scheme_end + i);
    let origin = &base_url[..origin_end];
    if url.starts_with('/') {
        format!("{origin}{url}")
    } else {
        format!("{base_url}{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_replaces_what_front_matter_left_out() {
        let mut tera = Tera::default();
        register(&mut tera, "/", "/");
        let template = "{{ missing | default(value='a') }} {{ null | default(value='b') }} \
                        {{ empty | default(value='c') }} {{ empty | default(value='d', boolean=true) }} \
                        {{ given | default(value='e') }}";
        tera.add_raw_template("t", template).unwrap();
        let mut context = tera::Context::new();
        context.insert("null", &Option::<String>::None);
        context.insert("empty", "");
        context.insert("given", "Expected funding");
        assert_eq!(tera.render("t", &context).unwrap(), "a b  d Expected funding");
    }

    #[test]
    fn safe_leaves_text_unescaped_and_writes_out_the_rest() {
        let mut tera = Tera::default();
        register(&mut tera, "/", "/");
        let long = "<p>Rust &amp; <em>Markdown</em> in one paragraph longer than a small string</p>";
        // Named `.html`, so that Tera escapes what is not marked safe.
        let template = "{{ html | safe }}|{{ html }}|{{ short | safe }}|{{ n | safe }}|{{ list | safe }}";
        tera.add_raw_template("t.html", template).unwrap();
        let mut context = tera::Context::new();
        context.insert("html", long);
        context.insert("short", "<b>&</b>");
        context.insert("n", &3);
        context.insert("list", &["<a>", "b"]);
        let out = tera.render("t.html", &context).unwrap();
        let parts: Vec<&str> = out.split('|').collect();
        assert_eq!(parts[0], long);
        assert!(parts[1].starts_with("&lt;p&gt;Rust &amp;amp; &lt;em&gt;"), "{out}");
        assert_eq!(parts[2..4], ["<b>&</b>", "3"]);
        // The same as Tera's own filter, which the theme's templates were written for.
        let mut plain = Tera::default();
        plain.add_raw_template("t.html", template).unwrap();
        assert_eq!(plain.render("t.html", &context).unwrap(), out);
    }

    #[test]
    fn formats_dates() {
        assert_eq!(format_date("2021-06-23", "%e %B %Y").unwrap(), "23 June 2021");
        assert_eq!(format_date("2021-06-03T10:00", "%d %b %Y, %%").unwrap(), "03 Jun 2021, %");
        assert!(format_date("June 2021", "%Y").is_none());
        assert_eq!(format_date("2021-06-23", "%A %e %B").unwrap(), "Wednesday 23 June");
    }

    #[test]
    fn absolute_urls_join_the_origin() {
        assert_eq!(absolute_url("https://x.org/2021/", "/2021/a/"), "https://x.org/2021/a/");
        assert_eq!(absolute_url("https://x.org/", "a/"), "https://x.org/a/");
        assert_eq!(absolute_url("/", "/a/"), "/a/");
    }
}
