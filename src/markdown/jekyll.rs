//! What pages of GBIF's earlier Jekyll sites carry beyond CommonMark:
//! kramdown block attribute lists (`{: .notification .is-info}`) and Liquid
//! tags (`{% include vimeo.html id="566560669" %}`).

/// Attributes from a kramdown IAL: `{: #id .class key="value"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub other: Vec<(String, String)>,
}

impl Attributes {
    pub fn merge(&mut self, other: Attributes) {
        if other.id.is_some() {
            self.id = other.id;
        }
        self.classes.extend(other.classes);
        self.other.extend(other.other);
    }

    /// ` id="x" class="a b" k="v"`, escaped.
    pub fn html(&self) -> String {
        let mut out = String::new();
        if let Some(id) = &self.id {
            out.push_str(&format!(" id=\"{}\"", super::escape(id)));
        }
        if !self.classes.is_empty() {
            out.push_str(&format!(" class=\"{}\"", super::escape(&self.classes.join(" "))));
        }
        for (k, v) in &self.other {
            out.push_str(&format!(" {}=\"{}\"", super::escape(k), super::escape(v)));
        }
        out
    }
}

/// Parses `{: .a #b c="d"}` (or `{.a}`, `{#b}`), the whole of `text` but
/// surrounding spaces; `None` when it is anything else.
pub fn parse_ial(text: &str) -> Option<Attributes> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let inner = inner.strip_prefix(':').unwrap_or(inner).trim();
    if inner.is_empty() {
        return None;
    }
    let mut attrs = Attributes::default();
    let mut rest = inner;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        if let Some(class) = token.strip_prefix('.') {
            attrs.classes.push(class.to_string());
            rest = &rest[end..];
        } else if let Some(id) = token.strip_prefix('#') {
            attrs.id = Some(id.to_string());
            rest = &rest[end..];
        } else if let Some((key, value)) = rest.split_once('=') {
            if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                return None;
            }
            let value = value.trim_start();
            let quote = value.chars().next().filter(|c| matches!(c, '"' | '\'' | '“' | '‘'))?;
            let closing = match quote {
                '“' => '”',
                '‘' => '’',
                q => q,
            };
            let body = &value[quote.len_utf8()..];
            let close = body.find(closing)?;
            attrs.other.push((key.to_string(), body[..close].to_string()));
            rest = &body[close + closing.len_utf8()..];
        } else {
            return None;
        }
    }
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ':'));
    (attrs.classes.iter().all(|c| valid(c)) && attrs.id.as_deref().is_none_or(valid)).then_some(attrs)
}

/// A Liquid tag found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Liquid {
    /// `{% include vimeo.html id="…" %}` / `youtube.html`: a video.
    Video { url: String, host: &'static str },
    /// Any other tag or output (`{% if %}`, `{{ site.x }}`): not carried over.
    Other(String),
}

/// Every `{% … %}` and `{{ … }}` in `text`: (byte range, what it is).
pub fn find_liquid(text: &str) -> Vec<(std::ops::Range<usize>, Liquid)> {
    let mut found = Vec::new();
    let mut from = 0;
    // Called on every run of text of every page: most have no brace at all.
    while let Some(open) = memchr::memchr(b'{', &text.as_bytes()[from..]).map(|i| from + i) {
        let close = match text.get(open..open + 2) {
            Some("{%") => "%}",
            Some("{{") => "}}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let Some(end) = text[open + 2..].find(close).map(|i| open + 2 + i + 2) else { break };
        let tag = &text[open..end];
        found.push((open..end, classify(tag)));
        from = end;
    }
    found
}

fn classify(tag: &str) -> Liquid {
    let inner = tag.trim_start_matches("{%").trim_end_matches("%}").trim();
    let mut words = inner.split_whitespace();
    if words.next() == Some("include") {
        let file = words.next().unwrap_or("");
        let id = words.find_map(|w| w.strip_prefix("id=")).map(|v| v.trim_matches(['"', '\'', '“', '”', '‘', '’']));
        match (file, id) {
            ("vimeo.html", Some(id)) if !id.is_empty() => {
                return Liquid::Video { url: format!("https://vimeo.com/{id}"), host: "Vimeo" }
            }
            ("youtube.html", Some(id)) if !id.is_empty() => {
                return Liquid::Video { url: format!("https://www.youtube.com/watch?v={id}"), host: "YouTube" }
            }
            _ => {}
        }
    }
    Liquid::Other(tag.to_string())
}

/// The video host of a URL folio shows as a video link.
pub fn video_host(url: &str) -> Option<&'static str> {
    let host = url.split("://").nth(1)?.split('/').next()?.trim_start_matches("www.").trim_start_matches("player.");
    match host {
        "vimeo.com" => Some("Vimeo"),
        "youtube.com" | "youtu.be" | "m.youtube.com" | "youtube-nocookie.com" => Some("YouTube"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ials() {
        let a = parse_ial("{: .notification .is-info}").unwrap();
        assert_eq!(a.classes, ["notification", "is-info"]);
        assert_eq!(a.html(), " class=\"notification is-info\"");
        let b = parse_ial("{: #custom-id .wide data-x=\"1 2\"}").unwrap();
        assert_eq!(b.html(), " id=\"custom-id\" class=\"wide\" data-x=\"1 2\"");
        assert_eq!(parse_ial("{#only}").unwrap().id.as_deref(), Some("only"));
        for not in ["{: }", "{ some text }", "{% include x %}", "text {: .a}", "{: .a b}"] {
            assert!(parse_ial(not).is_none(), "{not}");
        }
    }

    #[test]
    fn liquid_tags() {
        let text = "Watch {% include vimeo.html id=“566560669” %} and {{ site.title }} {% include other.html %}";
        let found = find_liquid(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].1, Liquid::Video { url: "https://vimeo.com/566560669".into(), host: "Vimeo" });
        assert_eq!(found[1].1, Liquid::Other("{{ site.title }}".into()));
        assert_eq!(&text[found[2].0.clone()], "{% include other.html %}");
        assert_eq!(video_host("https://vimeo.com/565570188/37bd1d694a"), Some("Vimeo"));
        assert_eq!(video_host("https://youtu.be/x"), Some("YouTube"));
        assert_eq!(video_host("https://www.gbif.org/"), None);
    }
}
