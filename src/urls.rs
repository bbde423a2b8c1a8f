//! URL helpers shared by Markdown links, templates and the output stage.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but unreserved characters and the path/query/fragment
/// delimiters is encoded. Commas are encoded too: some servers and tools
/// mistreat them in paths, and `%2C` always means the same file.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'&')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'+')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b';');

/// Percent-encodes a URL or path so that spaces, commas and accented letters
/// reach the browser as `%20`, `%2C`, `%C3%A9`. `%XX` sequences already in
/// the text stay as they are, so encoding twice changes nothing.
pub fn encode_path(url: &str) -> String {
    if needs_no_encoding(url) {
        return url.to_string();
    }
    let mut out = String::with_capacity(url.len() + 8);
    let mut rest = url;
    while let Some(i) = rest.find('%') {
        out.extend(utf8_percent_encode(&rest[..i], PATH));
        let escape = rest.as_bytes().get(i + 1..i + 3);
        if escape.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            out.push_str(&rest[i..i + 3]);
            rest = &rest[i + 3..];
        } else {
            out.push_str("%25");
            rest = &rest[i + 1..];
        }
    }
    out.extend(utf8_percent_encode(rest, PATH));
    out
}

/// [`encode_path`] of a URL made for the purpose, kept as it is when it
/// needs no encoding (nearly every URL a site makes).
fn encoded(url: String) -> String {
    match needs_no_encoding(&url) {
        true => url,
        false => encode_path(&url),
    }
}

/// No `%` and nothing [`PATH`] encodes: [`encode_path`] would return it as
/// it is. Checked first because most URLs are so, and encoding piece by
/// piece costs far more than the check.
fn needs_no_encoding(url: &str) -> bool {
    use std::borrow::Cow;
    // A lone character to encode comes back borrowed too, as its escape.
    !url.contains('%') && matches!(Cow::from(utf8_percent_encode(url, PATH)), Cow::Borrowed(same) if same == url)
}

/// Decodes `%XX` sequences, for finding on disk the file a URL names.
pub fn decode_path(url: &str) -> String {
    // Without a `%` there is nothing to decode (nearly every URL), and the
    // decoder would still read it byte by byte and check it is UTF-8.
    if !url.contains('%') {
        return url.to_string();
    }
    percent_encoding::percent_decode_str(url).decode_utf8_lossy().into_owned()
}

/// True for `https://…`, `mailto:…`, `//host/…` and other URLs that leave
/// the site.
pub fn is_external(url: &str) -> bool {
    url.starts_with("//") || scheme(url).is_some()
}

/// `https` in `https://…`: letters, digits, `+`, `-` and `.` up to a colon,
/// starting with a letter. Only the scheme's characters are read.
fn scheme(url: &str) -> Option<&str> {
    let bytes = url.as_bytes();
    let end = bytes.iter().position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))?;
    let valid = end > 0 && bytes[end] == b':' && bytes[0].is_ascii_alphabetic();
    valid.then(|| &url[..end])
}

/// Puts the site's base path in front of a root-relative URL and encodes it:
/// `/assets/a b.jpg` under base `/2021/` -> `/2021/assets/a%20b.jpg`.
/// Other URLs are encoded but keep their place.
pub fn site_url(base_path: &str, url: &str) -> String {
    match url.strip_prefix('/') {
        Some(rest) if !url.starts_with("//") => encoded([base_path, rest].concat()),
        _ if is_external(url) => url.to_string(),
        _ => encode_path(url),
    }
}

/// A URL as Jekyll's `relative_url` filter wrote it, before the base
/// path: a path written without its leading `/` (`about/team`, as GBIF's
/// navigation data files often have it) is the site path `/about/team`,
/// not a path relative to the page. Full URLs (`https:`, `mailto:`, `//`)
/// and the empty string are left alone.
pub fn jekyll_relative(url: &str) -> String {
    if url.is_empty() || url.starts_with('/') || is_external(url) {
        url.to_string()
    } else {
        format!("/{url}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_relative_urls_start_at_the_site_root() {
        assert_eq!(jekyll_relative("a_propos/team"), "/a_propos/team");
        assert_eq!(jekyll_relative("#top"), "/#top");
        assert_eq!(jekyll_relative("/x/"), "/x/");
        assert_eq!(jekyll_relative("https://gbif.org/x"), "https://gbif.org/x");
        assert_eq!(jekyll_relative("mailto:a@b.org"), "mailto:a@b.org");
        assert_eq!(jekyll_relative(""), "");
    }

    #[test]
    fn encodes_spaces_commas_and_accents_once() {
        let url = "/assets/images/Limenitis reducta Staudinger,.jpg";
        let encoded = encode_path(url);
        assert_eq!(encoded, "/assets/images/Limenitis%20reducta%20Staudinger%2C.jpg");
        assert_eq!(encode_path(&encoded), encoded);
        assert_eq!(encode_path("/é.png#top"), "/%C3%A9.png#top");
        assert_eq!(encode_path("100%"), "100%25");
        assert_eq!(decode_path(&encoded), url);
    }

    #[test]
    fn a_url_of_one_character_to_encode_is_encoded() {
        // The encoder hands a lone character back as its escape, borrowed
        // like a URL that needs nothing: the two must not be confused.
        assert_eq!(encode_path(" "), "%20");
        assert_eq!(encode_path(","), "%2C");
        assert_eq!(encode_path("é"), "%C3%A9");
        assert_eq!(site_url("/", "/ "), "/%20");
        assert_eq!(site_url("/", "/a/b-c_d.e/"), "/a/b-c_d.e/");
        assert_eq!(encode_path(""), "");
    }

    #[test]
    fn base_path_prefixes_root_relative_urls_only() {
        assert_eq!(site_url("/2021/", "/a b/"), "/2021/a%20b/");
        assert_eq!(site_url("/", "https://x.org/a b"), "https://x.org/a b");
        assert_eq!(site_url("/2021/", "mailto:nodes@gbif.org"), "mailto:nodes@gbif.org");
        assert_eq!(site_url("/2021/", "//cdn.example/x"), "//cdn.example/x");
        assert_eq!(site_url("/2021/", "../x y.md"), "../x%20y.md");
        assert!(is_external("mailto:a@b.c") && !is_external("a/b:c") && !is_external("#top"));
    }

    #[test]
    fn a_scheme_is_a_letter_then_letters_digits_plus_minus_dots_then_a_colon() {
        for external in ["https://x.org", "HTTP://X", "git+ssh://h/r", "x-y.z:rest", "tel:+45", "//cdn/x", "a:"] {
            assert!(is_external(external), "{external}");
        }
        for internal in ["", ":x", "1http://x", "a b:c", "/a:b", "a_b:c", "page.md", "#a:b", "é:x", "?q=a:b"] {
            assert!(!is_external(internal), "{internal}");
        }
    }
}
