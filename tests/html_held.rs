//! On a site of at most half the budget in Markdown
//! (`BuildOptions::html_held_up_to`), the links pass renders each page's
//! HTML too while the budget lasts, and the page's template takes it
//! instead of running the Markdown a second time. Held or rendered again, a
//! page must be written with the same bytes, use and publish the same image
//! copies, and its problems be reported once, at the same place.

mod common;

use std::path::{Path, PathBuf};

use common::Site;
use folio::BuildOptions;

/// `folio build` of `site` into `out`, holding up to `held` bytes of HTML;
/// the files written, and every diagnostic as a line of text.
fn build_holding(site: &Site, out: &Path, held: usize) -> (Vec<(PathBuf, Vec<u8>)>, Vec<String>) {
    let options = BuildOptions {
        output: Some(out.to_path_buf()),
        html_held_up_to: held,
        strict_links: Some(false),
        ..BuildOptions::new(site.root())
    };
    let report = folio::build(&options).expect("the site builds");
    let diagnostics = report
        .site
        .diagnostics
        .items
        .iter()
        .map(|d| {
            let place = d.location.as_deref().map(|l| format!("{}:{}:{}", l.file.display(), l.line, l.column));
            format!("{:?} {} {} at {}", d.severity, d.code, d.message, place.unwrap_or_default())
        })
        .collect();
    (common::snapshot(out), diagnostics)
}

/// Builds `site` holding every page's HTML, then none, then up to each of
/// `budgets`, and asserts that every build wrote the same files and said
/// the same.
fn assert_same_held_or_not(site: &Site, budgets: &[usize]) -> (Vec<(PathBuf, Vec<u8>)>, Vec<String>) {
    let outs = tempfile::tempdir().unwrap();
    let all = build_holding(site, &outs.path().join("all"), usize::MAX);
    for &held in [0].iter().chain(budgets) {
        let (files, diagnostics) = build_holding(site, &outs.path().join(held.to_string()), held);
        assert_eq!(diagnostics, all.1, "the same problems, holding {held} bytes");
        assert_eq!(files.len(), all.0.len(), "as many files, holding {held} bytes");
        for ((path, bytes), (other_path, other_bytes)) in all.0.iter().zip(&files) {
            assert_eq!(path, other_path, "holding {held} bytes");
            assert!(bytes == other_bytes, "{} differs holding {held} bytes", path.display());
        }
    }
    all
}

#[test]
fn the_bundled_site_is_written_byte_for_byte_whether_its_html_is_held_or_rendered_again() {
    let site = Site::bundled();
    let (files, _) = assert_same_held_or_not(&site, &[]);
    let pages = files.iter().filter(|(path, _)| path.ends_with("index.html")).count();
    assert!(pages > 20, "the bundled site has its pages: {pages}");
}

/// A 240 x 120 PNG.
fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(240, 120, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn a_held_page_publishes_its_image_copies_and_reports_its_image_problems_once() {
    let site = Site::new();
    site.write("site.yaml", "title: Images\nimages:\n  widths: [100, 200]\n")
        .write("content/_index.md", "---\ntitle: Home\n---\nSee [the chart](/chart/).\n")
        .write(
            "content/chart.md",
            "---\ntitle: Chart\nbackground: /assets/hero.png\n---\nThe chart:\n\n![Chart](/assets/chart.jpg)\n",
        )
        .write_bytes("assets/hero.png", &png())
        // A PNG under a JPEG's name: a warning, and copies named as PNGs.
        .write_bytes("assets/chart.jpg", &png());
    let (files, diagnostics) = assert_same_held_or_not(&site, &[]);

    let misnamed: Vec<&String> = diagnostics.iter().filter(|d| d.contains("is a PNG image")).collect();
    assert_eq!(misnamed.len(), 1, "reported once: {diagnostics:#?}");
    assert!(misnamed[0].ends_with("content/chart.md:7:1"), "{}", misnamed[0]);

    let chart = files.iter().find(|(path, _)| path == Path::new("chart/index.html")).expect("the chart page");
    let html = scraper::Html::parse_document(std::str::from_utf8(&chart.1).unwrap());
    let srcsets: Vec<String> = common::select(&html, "picture source, picture img")
        .iter()
        .filter_map(|e| e.value().attr("srcset").map(str::to_string))
        .collect();
    let urls: Vec<&str> =
        srcsets.iter().flat_map(|s| s.split(',')).filter_map(|c| c.split_whitespace().next()).collect();
    assert!(urls.len() >= 4, "the hero's and the chart's copies: {urls:?}");
    for url in urls {
        let published = PathBuf::from(url.trim_start_matches('/'));
        assert!(files.iter().any(|(path, _)| *path == published), "{url} is published");
    }
}

#[test]
fn pages_past_the_budget_are_rendered_again_with_the_same_bytes() {
    // Highlighted code makes several times its Markdown in HTML: a budget
    // of twice the site's Markdown holds the first pages and not the rest.
    let site = Site::new();
    site.write("content/_index.md", "---\ntitle: Code\n---\nSee [the first](/p0/#code).\n");
    let code: String =
        (0..30).map(|i| format!("    let value_{i} = compute(\"{i}\", {i}u32).unwrap_or_default();\n")).collect();
    let mut markdown = 0;
    for page in 0..6 {
        let text = format!(
            "---\ntitle: Page {page}\n---\n## Code\n\nSee [the next](/p{}/).\n\n```rust\nfn main() {{\n{code}}}\n```\n",
            (page + 1) % 6
        );
        markdown += text.len();
        site.write(&format!("content/p{page}.md"), &text);
    }
    let (files, _) = assert_same_held_or_not(&site, &[2 * markdown + 200, 4 * markdown]);
    let page = files.iter().find(|(path, _)| path == Path::new("p3/index.html")).expect("p3 is written");
    let html = scraper::Html::parse_document(std::str::from_utf8(&page.1).unwrap());
    assert_eq!(common::select(&html, "h2#code").len(), 1, "its heading has its id");
    assert!(!common::select(&html, "pre span").is_empty(), "its code is highlighted");
}
