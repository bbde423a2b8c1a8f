//! A small, forgiving scanner over the HTML folio wrote: the `id`s a page
//! has and the URLs it refers to. It reads tags and attributes only (no tree),
//! which is all link and anchor checks need, and is fast enough to run over
//! every page of every build.

use memchr::memchr;

/// One URL attribute found in a page that points inside the site (URLs
/// that leave it are not kept: the checks of the site never need them, and
/// a large site has hundreds of thousands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlRef<'a> {
    /// `a`, `img`, `link`, `script`, … (`other` for the rest).
    pub tag: &'static str,
    /// `href` or `src`.
    pub attr: &'static str,
    /// The value with `&amp;`-style entities decoded.
    pub url: &'a str,
    /// For `<link>`: its `rel`, in lower case.
    pub rel: Option<&'a str>,
}

/// What a page's HTML holds: its ids and the URLs it refers to. Every page
/// of a build keeps one until the links are checked, so the strings share
/// one buffer and each entry is a few bytes of offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    /// The ids, URLs and `rel` values, decoded, one after another.
    text: String,
    /// Every `id` in document order (duplicates kept, so they can be reported).
    ids: Vec<Span>,
    /// Every `name` of an `<a>` (`<a name="1.3"></a>`): browsers scroll to
    /// it for `#1.3` as to an id, and older pages use it so.
    names: Vec<Span>,
    urls: Vec<Url>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Url {
    tag: u8,
    href: bool,
    url: Span,
    rel: Option<Span>,
}

impl Scanned {
    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.ids.iter().map(|&span| self.get(span))
    }

    /// What a `#fragment` can scroll to: the ids, and the names of `<a>`s.
    pub fn anchor_targets(&self) -> impl Iterator<Item = &str> + Clone {
        self.ids.iter().chain(&self.names).map(|&span| self.get(span))
    }

    pub fn urls(&self) -> impl Iterator<Item = UrlRef<'_>> + Clone {
        self.urls.iter().map(|url| UrlRef {
            tag: TAGS.get(usize::from(url.tag)).copied().unwrap_or("other"),
            attr: if url.href { "href" } else { "src" },
            url: self.get(url.url),
            rel: url.rel.map(|span| self.get(span)),
        })
    }

    fn get(&self, span: Span) -> &str {
        &self.text[span.start as usize..span.end as usize]
    }

    fn push(&mut self, value: &str) -> Span {
        let start = self.text.len() as u32;
        decode_entities_into(value, &mut self.text);
        Span { start, end: self.text.len() as u32 }
    }
}

const TAGS: [&str; 12] =
    ["a", "img", "link", "script", "source", "iframe", "video", "audio", "area", "track", "embed", "form"];

pub fn scan(html: &str) -> Scanned {
    let mut out = Scanned::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    // Attributes of the tag being read: (is it `href`, its value).
    let mut found: Vec<(bool, &str)> = Vec::new();
    while let Some(lt) = memchr(b'<', &bytes[i..]) {
        i += lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let name_len = bytes[i..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 {
            continue;
        }
        // Nothing here allocates unless the tag has an id or a URL: the
        // scan runs over every byte of every page.
        let tag = &html[i..i + name_len];
        i += name_len;
        let mut rel = None;
        found.clear();
        let is_a = tag.eq_ignore_ascii_case("a");
        i = attributes(html, i, |name, value| {
            if name.eq_ignore_ascii_case("id") {
                let span = out.push(value);
                out.ids.push(span);
            } else if is_a && name.eq_ignore_ascii_case("name") {
                let span = out.push(value);
                out.names.push(span);
            } else if name.eq_ignore_ascii_case("href") || name.eq_ignore_ascii_case("src") {
                if !crate::urls::is_external(value) {
                    found.push((name.eq_ignore_ascii_case("href"), value));
                }
            } else if name.eq_ignore_ascii_case("rel") {
                rel = Some(value);
            }
        });
        if !found.is_empty() {
            let tag = TAGS.iter().position(|t| t.eq_ignore_ascii_case(tag)).unwrap_or(TAGS.len()) as u8;
            let rel = rel.map(|value: &str| {
                let span = out.push(value);
                out.text[span.start as usize..].make_ascii_lowercase();
                span
            });
            for &(href, value) in &found {
                let url = out.push(value);
                out.urls.push(Url { tag, href, url, rel });
            }
        }
        // Script and style bodies are not HTML.
        if tag.eq_ignore_ascii_case("script") || tag.eq_ignore_ascii_case("style") {
            let close = format!("</{}", tag.to_ascii_lowercase());
            i = find_ascii_case_insensitive(&html[i..], &close).map_or(bytes.len(), |e| i + e);
        }
    }
    out.text.shrink_to_fit();
    out.ids.shrink_to_fit();
    out.urls.shrink_to_fit();
    out
}

/// Hands each attribute from `start` to the end of the tag to `attr`;
/// returns the index after `>`.
fn attributes<'h>(html: &'h str, start: usize, mut attr: impl FnMut(&'h str, &'h str)) -> usize {
    let bytes = html.as_bytes();
    let mut i = start;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let name_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |e| i + 1 + e);
                    let v = &html[i + 1..end];
                    i = (end + 1).min(bytes.len());
                    v
                }
                _ => {
                    let s = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    &html[s..i]
                }
            };
            attr(name, value);
        } else if !name.is_empty() {
            attr(name, "");
        } else {
            i += 1;
        }
    }
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    haystack.as_bytes().windows(n).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Appends `value` to `out` with the entities an attribute value can hold decoded.
pub(crate) fn decode_entities_into(value: &str, out: &mut String) {
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ids_and_urls() {
        let html = r#"<!DOCTYPE html><html><head><link rel="stylesheet" href="/css/a.css">
<script>if (a < b) { document.write('<a href="/no">') }</script></head>
<body><!-- <a href="/commented" id="x"> --><h2 id="one">One</h2><div ID='two'></div>
<a href="/a/?x=1&amp;y=2#top">A</a><img src=/img.png alt=""><input disabled id=three>
<a href="https://example.org/">out</a></body>"#;
        let s = scan(html);
        assert_eq!(s.ids().collect::<Vec<_>>(), ["one", "two", "three"]);
        let urls: Vec<UrlRef> = s.urls().collect();
        let values: Vec<&str> = urls.iter().map(|u| u.url).collect();
        assert_eq!(values, ["/css/a.css", "/a/?x=1&y=2#top", "/img.png"]);
        assert_eq!((urls[0].tag, urls[0].attr, urls[0].rel), ("link", "href", Some("stylesheet")));
        assert_eq!((urls[1].tag, urls[1].rel), ("a", None));
        assert_eq!((urls[2].tag, urls[2].attr), ("img", "src"));
    }

    #[test]
    fn names_of_links_are_anchor_targets_but_not_ids() {
        let s = scan(r#"<h2 id="one">One</h2><a name="1.3"></a><input name="q"><a NAME='top' id="top2"></a>"#);
        assert_eq!(s.ids().collect::<Vec<_>>(), ["one", "top2"], "the duplicate id check sees ids only");
        assert_eq!(s.anchor_targets().collect::<Vec<_>>(), ["one", "top2", "1.3", "top"]);
    }

    #[test]
    fn decodes_entities() {
        let mut decoded = String::new();
        decode_entities_into("a&amp;b&#39;c&#x27;d&nbsp", &mut decoded);
        assert_eq!(decoded, "a&b'c'd&nbsp");
    }
}
