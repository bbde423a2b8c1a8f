//! Redirect pages: a page's old addresses (`aliases` in its front matter)
//! keep working on any static host, with no server configuration.

use crate::markdown::escape;

/// The page written at an alias: it sends the browser on at once (meta
/// refresh), tells search engines where the page is now (canonical, and
/// not to index this one) and shows a link for anyone it does not send.
pub fn redirect_page(href: &str, canonical: &str, title: &str, lang: &str) -> String {
    let (href, canonical, title, lang) = (escape(href), escape(canonical), escape(title), escape(lang));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={href}\">\n</head>\n<body>\n\
         <p>This page has moved to <a href=\"{href}\">{title}</a>.</p>\n</body>\n</html>\n"
    )
}
