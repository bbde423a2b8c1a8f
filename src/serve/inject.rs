//! What the dev server adds to every HTML response (never to built files):
//! the live-reload script and, while the last rebuild failed, an overlay
//! listing its diagnostics.

use std::fmt::Write as _;

use crate::diagnostics::{Diagnostics, Severity};
use crate::markdown::escape;
use crate::text::plural;

const RELOAD_JS: &str = include_str!("reload.js");

/// The `id` of the error overlay's element.
pub const OVERLAY_ID: &str = "folio-build-errors";

/// `html` with `snippet` placed before its last `</body>` (or at the end when
/// it has none).
pub(crate) fn insert_before_body_end(html: &[u8], snippet: &str) -> Vec<u8> {
    let at = rfind_ignore_case(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len()).rev().find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The live-reload `<script>` for a page served from `build`.
pub(crate) fn script(build: u64, server: &str) -> String {
    let js = RELOAD_JS.replace("__FOLIO_BUILD__", &build.to_string()).replace("__FOLIO_SERVER__", server);
    format!("<script data-folio-live-reload>\n{js}</script>\n")
}

/// The overlay shown on every page while the last rebuild failed: each
/// diagnostic with its file, line, column, quoted line and help. Styled
/// inline so that no stylesheet of the site can hide or break it.
/// `last_good` says whether an earlier build is being served under it.
pub fn overlay(diagnostics: &Diagnostics, last_good: bool) -> String {
    let errors = diagnostics.error_count();
    let mut html = String::new();
    let _ = write!(
        html,
        concat!(
            r#"<div id="{id}" role="alert" aria-labelledby="{id}-title" style="position:fixed;z-index:2147483647;"#,
            r#"top:0;left:0;right:0;max-height:75vh;overflow:auto;box-sizing:border-box;margin:0;padding:1rem 1.25rem;"#,
            r#"background:#fff4f4;color:#2b0b0b;border-bottom:4px solid #b00020;box-shadow:0 4px 18px rgba(0,0,0,.3);"#,
            r#"font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;text-align:left">"#,
            r#"<button type="button" onclick="this.parentNode.remove()" style="float:right;font:inherit;"#,
            r#"padding:.2rem .7rem;border:1px solid #b00020;border-radius:4px;background:#fff;color:#7a0016;"#,
            r#"cursor:pointer">Hide</button>"#,
            r#"<h2 id="{id}-title" style="margin:0 0 .5rem;font-size:1.15rem;color:#b00020">"#,
            r#"Build failed with {count}{shown}</h2>"#,
            r#"<p style="margin:0 0 .75rem">Fix the file and save: this page reloads by itself.</p>"#,
            r#"<ol style="margin:0;padding-left:1.5rem">"#
        ),
        id = OVERLAY_ID,
        count = plural(errors, "error"),
        shown = if last_good { ": showing the last good version" } else { "" },
    );
    for d in &diagnostics.items {
        let (label, colour) = match d.severity {
            Severity::Error => ("error", "#b00020"),
            Severity::Warning => ("warning", "#8a5300"),
            Severity::Note => ("note", "#52606d"),
        };
        let _ = write!(
            html,
            r#"<li style="margin:0 0 .75rem"><strong style="color:{colour}">{label}</strong>: {}"#,
            escape(&d.message)
        );
        if let Some(loc) = &d.location {
            let place = if loc.line == 0 {
                loc.file.display().to_string()
            } else {
                format!("{}:{}:{}", loc.file.display(), loc.line, loc.column)
            };
            let _ = write!(html, r#"<div><code style="font-weight:600">{}</code></div>"#, escape(&place));
            if loc.line > 0 && !loc.line_text.is_empty() {
                let _ = write!(
                    html,
                    concat!(
                        r#"<pre style="margin:.35rem 0 0;padding:.4rem .6rem;background:#fff;border:1px solid #e3c4c4;"#,
                        r#"border-radius:4px;overflow:auto;white-space:pre;font:13px/1.4 ui-monospace,monospace">"#,
                        r#"{} | {}</pre>"#
                    ),
                    loc.line,
                    escape(&loc.line_text)
                );
            }
        }
        if let Some(help) = &d.help {
            let _ = write!(html, r#"<div style="margin-top:.35rem;color:#3d3d3d">help: {}</div>"#, escape(help));
        }
        html.push_str("</li>");
    }
    html.push_str("</ol></div>\n");
    html
}

/// A small page for URLs the site lacks, when it has no 404.html of its own.
pub(crate) fn not_found_page(path: &str) -> String {
    notice_page("Not found", &format!("<code>{}</code> is not a page of this site.", escape(path)))
}

/// A small page for URLs that another application answers on the
/// published site (`app_routes` without a page).
pub(crate) fn elsewhere_page(path: &str) -> String {
    notice_page(
        "Answered by another application",
        &format!(
            "<code>{}</code> is answered by another application on the published site \
             (<code>app_routes</code> in site.yaml); <code>folio serve</code> has no copy of it.",
            escape(path)
        ),
    )
}

fn notice_page(title: &str, message: &str) -> String {
    format!(
        concat!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{title}</title></head>\n",
            "<body style=\"font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\n",
            "<h1>{title}</h1>\n<p>{message}</p>\n",
            "<p><a href=\"/\">Go to the home page</a></p>\n</body></html>\n"
        ),
        title = title,
        message = message
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Location};
    use std::path::Path;

    #[test]
    fn inserts_before_the_last_body_end() {
        let html = b"<html><body><p>&lt;/body&gt;</p></BODY></html>";
        let out = String::from_utf8(insert_before_body_end(html, "<x>")).unwrap();
        assert_eq!(out, "<html><body><p>&lt;/body&gt;</p><x></BODY></html>");
        assert_eq!(insert_before_body_end(b"<p>", "<x>"), b"<p><x>");
    }

    #[test]
    fn overlay_escapes_everything_it_quotes() {
        let src = "---\ntitle: <script>alert(1)</script>\n";
        let d = Diagnostic::error("bad <b>title</b>")
            .at(Location::at_line(Path::new("content/<x>.md"), src, 2, 1))
            .help("use \"quotes\" & care");
        let html = overlay(&Diagnostics { items: vec![d] }, true);
        assert!(html.contains(r#"role="alert""#));
        assert!(html.contains("bad &lt;b&gt;title&lt;/b&gt;"), "{html}");
        assert!(html.contains("content/&lt;x&gt;.md:2:1"), "{html}");
        assert!(html.contains("2 | title: &lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("use &quot;quotes&quot; &amp; care"), "{html}");
        assert!(!html.contains("<script>"));
        assert!(html.contains("Build failed with 1 error: showing the last good version"));
    }

    #[test]
    fn script_carries_build_and_server() {
        let s = script(42, "abc");
        assert!(s.contains("const build = 42;"));
        assert!(s.contains(r#"const server = "abc";"#));
        assert!(s.starts_with("<script data-folio-live-reload>"));
    }
}
