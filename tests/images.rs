//! Responsive images: the copies folio writes (widths, formats, sizes,
//! orientation, colour profile, no GPS), the HTML that offers them, the
//! cache that spares a second build the work, `resize_image` for
//! templates, `folio check`'s image warnings and bad images. Fixture
//! images are made here, with their EXIF and ICC blocks written by hand.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{attr, select, stderr, stdout, Site};
use image::ImageDecoder;

/// Small widths keep the tests fast; the defaults are for real sites.
const SITE: &str = "title: Images\nimages:\n  widths: [100, 200, 400]\n";

/// A `width` x `height` photograph-like JPEG: a red block in the stored
/// top-left corner (to see where orientation put it), a gradient elsewhere.
fn jpeg(width: u32, height: u32, exif: Option<&[u8]>, icc: Option<&[u8]>) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            if x < width / 4 && y < height / 4 {
                pixels.extend_from_slice(&[220, 20, 20]);
            } else {
                pixels.extend_from_slice(&[(x * 255 / width) as u8, 160, (y * 255 / height) as u8]);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    if let Some(exif) = exif {
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend_from_slice(exif);
        encoder.add_app_segment(1, segment).unwrap();
    }
    if let Some(icc) = icc {
        encoder.add_icc_profile(icc).unwrap();
    }
    encoder.encode(&pixels, width as u16, height as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// The latitude written into the fixtures' GPS block: 51° 28' 38".
const LATITUDE: [u32; 6] = [51, 1, 28, 1, 38, 1];

/// A little-endian TIFF block (EXIF's body) with an orientation and a GPS
/// position, as a phone writes them.
fn exif(orientation: u16) -> Vec<u8> {
    let mut t = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&kind.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    // IFD0 at 8: orientation, and where the GPS block is (8 + 30 = 38).
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, 38);
    t.extend_from_slice(&0u32.to_le_bytes());
    // GPS IFD at 38: "N" and the latitude, whose rationals follow at 68.
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 68);
    t.extend_from_slice(&0u32.to_le_bytes());
    for n in LATITUDE {
        t.extend_from_slice(&n.to_le_bytes());
    }
    t
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG of noise: it does not compress (400 x 300 is about 480 KB).
fn noisy_png(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x2545_f491u32;
    let img = image::RgbImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG whose header claims `width` x `height` and which holds no pixels:
/// a decompression bomb is refused on its header alone.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut c = 0xffff_ffffu32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            }
        }
        !c
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc(&ihdr).to_be_bytes());
    // A few bytes of (empty) compressed data: decoding would only start here.
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    out.extend_from_slice(&8u32.to_be_bytes());
    out.extend_from_slice(idat);
    out.extend_from_slice(&crc(idat).to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(b"IEND");
    out.extend_from_slice(&crc(b"IEND").to_be_bytes());
    out
}

/// The `srcset` candidates: (URL, width).
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap_or_else(|| panic!("candidate `{c}`"));
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// The published file at site URL `url`.
fn published(site: &Site, url: &str) -> PathBuf {
    let decoded = percent_decode(url.trim_start_matches('/'));
    site.public().join(decoded)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn decoded_size(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cache_files(site: &Site) -> Vec<PathBuf> {
    let dir = site.root().join(".folio-cache/images");
    if !dir.exists() {
        return Vec::new();
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files
}

fn photo_site() -> Site {
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\n---\n[Trip](trip/)\n")
        .write(
            "content/trip/_index.md",
            "---\ntitle: Trip\n---\nIntro.\n\n![A red kite over the hill](kite.jpg)\n\nMore text.\n",
        )
        .write_bytes("content/trip/kite.jpg", &jpeg(1000, 500, None, None));
    site
}

#[test]
fn a_markdown_image_offers_webp_and_jpeg_copies_at_each_width_with_its_size() {
    let site = photo_site();
    site.build(&[]);
    let html = site.html("trip/index.html");
    let img = &select(&html, ".prose picture img")[0];
    assert_eq!(attr(img, "alt"), "A red kite over the hill");
    assert_eq!((attr(img, "width"), attr(img, "height")), ("1000".into(), "500".into()), "the original's size");
    assert_eq!(attr(img, "loading"), "lazy");
    assert_eq!(attr(img, "decoding"), "async");
    assert!(!attr(img, "sizes").is_empty());

    let jpegs = candidates(&attr(img, "srcset"));
    assert_eq!(jpegs.iter().map(|c| c.1).collect::<Vec<_>>(), [100, 200, 400]);
    for (url, width) in &jpegs {
        assert!(url.ends_with(".jpg"), "{url}");
        let file = published(&site, url);
        assert_eq!(decoded_size(&file), (*width, width / 2), "{url}");
    }
    let sources = select(&html, ".prose picture source");
    assert_eq!(sources.len(), 1, "one WebP source");
    assert_eq!(attr(&sources[0], "type"), "image/webp");
    let webps = candidates(&attr(&sources[0], "srcset"));
    assert_eq!(webps.iter().map(|c| c.1).collect::<Vec<_>>(), [100, 200, 400]);
    for (url, width) in &webps {
        let bytes = fs::read(published(&site, url)).unwrap();
        assert_eq!(&bytes[8..12], b"WEBP", "{url} is a WebP file");
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (*width, width / 2));
    }
    // The fallback src is one of the copies; the original stays, linked for "open image".
    assert!(jpegs.iter().any(|(url, _)| *url == attr(img, "src")));
    let link = &select(&html, ".prose a:has(> picture)")[0];
    assert_eq!(attr(link, "href"), "/trip/kite.jpg");
    assert_eq!(decoded_size(&site.public().join("trip/kite.jpg")), (1000, 500));
}

#[test]
fn copies_of_an_image_at_the_sites_root_are_published_at_the_root() {
    // A page at the root showing an image beside it, and a template resizing
    // one: the copies' folder is the root, and they must land in the output.
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\n---\n[About](about/)\n")
        .write("content/about.md", "---\ntitle: About\ntemplate: about.html\n---\n![A kite](kite.jpg)\n")
        .write_bytes("content/kite.jpg", &jpeg(300, 200, None, None))
        .write(
            "templates/about.html",
            "{% set card = resize_image(path=\"/kite.jpg\", width=100, height=100, op=\"fill\") %}\
             <!DOCTYPE html><html lang=\"en\"><title>x</title><main>{{ page.content | safe }}\
             <img id=\"card\" src=\"{{ card.url }}\" alt=\"\"></main></html>",
        );
    site.build(&[]);
    let html = site.html("about/index.html");
    let img = &select(&html, "picture img")[0];
    let mut urls: Vec<String> = candidates(&attr(img, "srcset")).into_iter().map(|c| c.0).collect();
    urls.push(attr(&select(&html, "#card")[0], "src"));
    for url in &urls {
        assert!(url.starts_with("/kite-") && !url[1..].contains('/'), "{url} is at the root");
        assert!(published(&site, url).is_file(), "{url} was not published");
    }
    assert_eq!(decoded_size(&published(&site, urls.last().unwrap())), (100, 100));
}

#[test]
fn no_copy_is_wider_than_the_original() {
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\n---\n![Small](/assets/small.jpg)\n")
        .write_bytes("assets/small.jpg", &jpeg(150, 100, None, None));
    site.build(&[]);
    let html = site.html("index.html");
    let img = &select(&html, "picture img")[0];
    let widths: Vec<u32> = candidates(&attr(img, "srcset")).iter().map(|c| c.1).collect();
    assert_eq!(widths, [100, 150], "the site's widths below the original, then the original's own");
    assert_eq!((attr(img, "width"), attr(img, "height")), ("150".into(), "100".into()));
}

#[test]
fn exif_orientation_is_applied_gps_is_dropped_and_the_colour_profile_kept() {
    let icc = b"folio-test-icc-profile: any bytes are carried over unchanged".repeat(4);
    let site = Site::new();
    // Stored 400 x 200 with orientation 6: seen as 200 x 400, the stored
    // top-left corner (red) turned to the top right.
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\n---\n![Turned](/assets/turned.jpg)\n")
        .write_bytes("assets/turned.jpg", &jpeg(400, 200, Some(&exif(6)), Some(&icc)));
    site.build(&[]);
    let html = site.html("index.html");
    let img = &select(&html, "picture img")[0];
    assert_eq!((attr(img, "width"), attr(img, "height")), ("200".into(), "400".into()));
    let mut copies: Vec<(String, u32)> = candidates(&attr(img, "srcset"));
    copies.extend(candidates(&attr(&select(&html, "picture source")[0], "srcset")));
    let latitude: Vec<u8> = LATITUDE.iter().flat_map(|n| n.to_le_bytes()).collect();
    for (url, width) in copies {
        let bytes = fs::read(published(&site, &url)).unwrap();
        let pixels = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!((pixels.width(), pixels.height()), (width, width * 2), "{url} is upright");
        let top_right = pixels.get_pixel(pixels.width() - 2, 1);
        let top_left = pixels.get_pixel(1, 1);
        assert!(top_right[0] > 150 && top_right[1] < 90, "{url}: red at the top right, got {top_right:?}");
        assert!(top_left[0] < 150, "{url}: not red at the top left, got {top_left:?}");
        assert!(!bytes.windows(6).any(|w| w == b"Exif\0\0"), "{url} has no EXIF block");
        assert!(!bytes.windows(latitude.len()).any(|w| w == latitude), "{url} has no GPS position");
        let profile = match url.rsplit('.').next() {
            Some("webp") => image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(&bytes)).unwrap().icc_profile(),
            _ => image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&bytes)).unwrap().icc_profile(),
        };
        assert_eq!(profile.unwrap().as_deref(), Some(&icc[..]), "{url} keeps the colour profile");
    }
}

#[test]
fn a_second_build_processes_no_image_and_unused_entries_are_pruned() {
    let site = photo_site();
    site.write_bytes("assets/other.png", &png(300, 200))
        .write("content/other.md", "---\ntitle: Other\n---\n![Chart](/assets/other.png)\n");
    let first = stdout(&site.build(&[]));
    assert!(first.contains("2 images (12 copies made, 0 from the cache)"), "{first}");
    let cached = cache_files(&site);
    assert_eq!(cached.len(), 12, "{cached:?}");
    let before = common::snapshot(&site.public());

    let second = stdout(&site.build(&[]));
    assert!(second.contains("2 images (0 copies made, 12 from the cache)"), "{second}");
    assert_eq!(common::snapshot(&site.public()), before, "the same site from the cache");

    // The cache is neither published nor needed: without it the site is the same.
    assert!(!before.iter().any(|(p, _)| p.starts_with(".folio-cache")));
    fs::remove_dir_all(site.root().join(".folio-cache")).unwrap();
    let third = stdout(&site.build(&[]));
    assert!(third.contains("2 images (12 copies made, 0 from the cache)"), "{third}");
    assert_eq!(common::snapshot(&site.public()), before);

    // A page stops using the PNG: its copies leave the cache.
    site.write("content/other.md", "---\ntitle: Other\n---\nNo chart.\n");
    site.build(&[]);
    let left = cache_files(&site);
    assert_eq!(left.len(), 6, "only the JPEG's copies stay: {left:?}");
    assert!(left.iter().all(|p| p.to_string_lossy().contains("-q")), "{left:?}");
}

/// A site whose home page has an 800 x 450 hero and the front matter
/// line `extra` after `background`.
fn hero_site(extra: &str) -> Site {
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write(
            "content/_index.md",
            &format!("---\ntitle: Home\nbackground: /assets/images/Wide hero, 2021.jpg\n{extra}\n---\nText.\n"),
        )
        .write_bytes("assets/images/Wide hero, 2021.jpg", &jpeg(800, 450, None, None));
    site
}

#[test]
fn the_hero_is_a_picture_with_a_portrait_crop_and_is_not_lazy() {
    let site = hero_site("height: 70vh");
    site.build(&[]);
    let html = site.html("index.html");
    let img = &select(&html, ".hero picture img.hero__image")[0];
    assert_eq!((attr(img, "width"), attr(img, "height")), ("800".into(), "450".into()));
    assert_eq!(attr(img, "fetchpriority"), "high");
    assert_eq!(attr(img, "loading"), "", "the hero is above the fold");
    assert_eq!(attr(img, "alt"), "", "decorative: the credit names it");
    let sources = select(&html, ".hero picture source");
    let portrait: Vec<_> = sources.iter().filter(|s| attr(s, "media").contains("portrait")).collect();
    assert!(!portrait.is_empty(), "a crop for portrait screens");
    for source in &portrait {
        for (url, width) in candidates(&attr(source, "srcset")) {
            let (w, h) = decoded_size(&published(&site, &url));
            assert_eq!(w, width, "{url}");
            assert!(w * 4 <= h * 3 + 4, "{url} is a portrait crop: {w} x {h}");
            assert!(h <= 450, "{url}: never taller than the original");
        }
    }
    // The original is still published at its (encoded) address.
    assert!(site.public().join("assets/images/Wide hero, 2021.jpg").is_file());
    assert!(!html.html().contains("background-image"), "no CSS background of the full-size file");
}

/// A site whose home page is drawn by `card` (templates/card.html), with a
/// 900 x 600 `/assets/photo.jpg`.
fn card_site(card: &str) -> Site {
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\ntemplate: card.html\n---\n")
        .write_bytes("assets/photo.jpg", &jpeg(900, 600, None, None))
        .write("templates/card.html", card);
    site
}

#[test]
fn resize_image_gives_templates_a_url_and_a_size() {
    let site = card_site(
            "{% set fill = resize_image(path=\"/assets/photo.jpg\", width=300, height=300, op=\"fill\") %}\
             {% set fit = resize_image(path=\"assets/photo.jpg\", width=300, height=300, op=\"fit\") %}\
             {% set wide = resize_image(path=\"/assets/photo.jpg\", width=5000, op=\"fit_width\", format=\"webp\") %}\
             <!DOCTYPE html><html lang=\"en\"><title>x</title><main>\
             <img id=\"fill\" src=\"{{ fill.url }}\" width=\"{{ fill.width }}\" height=\"{{ fill.height }}\" alt=\"\">\
             <img id=\"fit\" src=\"{{ fit.url }}\" width=\"{{ fit.width }}\" height=\"{{ fit.height }}\" alt=\"\">\
             <img id=\"wide\" src=\"{{ wide.url }}\" width=\"{{ wide.width }}\" data-orig=\"{{ wide.orig_width }}x{{ wide.orig_height }}\" alt=\"\">\
             </main></html>",
        );
    site.build(&[]);
    let html = site.html("index.html");
    let check = |id: &str, want: (u32, u32)| {
        let img = &select(&html, &format!("#{id}"))[0];
        let url = attr(img, "src");
        assert_eq!(decoded_size(&published(&site, &url)), want, "{id}: {url}");
        assert_eq!(attr(img, "width"), want.0.to_string());
        url
    };
    check("fill", (300, 300));
    check("fit", (300, 200));
    let wide = check("wide", (900, 600));
    assert!(wide.ends_with(".webp"), "{wide}");
    assert_eq!(attr(&select(&html, "#wide")[0], "data-orig"), "900x600");
}

#[test]
fn resize_image_of_a_missing_file_is_an_error_at_the_template_line() {
    let site = Site::new();
    site.write("site.yaml", SITE).write("content/_index.md", "---\ntitle: Home\ntemplate: card.html\n---\n").write(
        "templates/card.html",
        "<!DOCTYPE html>\n{% set card = resize_image(path=\"/assets/nope.jpg\", width=10) %}<p>{{ card.url }}</p>\n",
    );
    let out = site.folio(&["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("templates/card.html:2"), "{err}");
    assert!(err.contains("/assets/nope.jpg"), "{err}");
    // The missing file is the reason, not a template that does not parse.
    assert!(err.contains("is not an image of the site"), "{err}");
}

#[test]
fn bad_images_are_warnings_at_their_line_and_the_page_shows_the_original() {
    let site = Site::new();
    let good = jpeg(300, 200, None, None);
    site.write("site.yaml", SITE)
        .write(
            "content/_index.md",
            "---\ntitle: Home\n---\n\n![cut](/assets/cut.jpg)\n\n![text](/assets/notes.jpg)\n\n![bomb](/assets/bomb.png)\n",
        )
        .write_bytes("assets/cut.jpg", &good[..good.len() / 3])
        .write_bytes("assets/notes.jpg", b"these are notes, not a picture\n")
        .write_bytes("assets/bomb.png", &png_header_only(20_000, 20_000));
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    for (line, what) in [(5, "cut.jpg"), (7, "notes.jpg"), (9, "bomb.png")] {
        assert!(err.contains(&format!("content/_index.md:{line}:")), "line {line} ({what}) in:\n{err}");
        assert!(err.contains(what), "{what} in:\n{err}");
    }
    assert!(err.contains("20000 x 20000"), "the bomb's size is named:\n{err}");
    assert!(err.contains("not a JPEG, PNG, WebP or GIF"), "{err}");
    assert!(err.contains("cut short"), "{err}");
    assert!(stdout(&out).contains("3 warnings"), "{}", stdout(&out));
    // Each stays a plain image of the original; no copy was made of any.
    let html = site.html("index.html");
    let srcs: Vec<String> = select(&html, ".prose img").iter().map(|i| attr(i, "src")).collect();
    assert_eq!(srcs, ["/assets/cut.jpg", "/assets/notes.jpg", "/assets/bomb.png"]);
    assert!(select(&html, ".prose picture").is_empty());
    assert!(cache_files(&site).is_empty());

    // A missing image is a broken link: an error, and nothing is written.
    site.write("content/_index.md", "---\ntitle: Home\n---\n![gone](/assets/gone.jpg)\n");
    let out = site.folio(&["build", "--output", "elsewhere"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("content/_index.md:4:"), "{}", stderr(&out));
    assert!(!site.root().join("elsewhere").exists(), "no half-written site");
}

#[test]
fn an_extension_that_lies_is_a_warning_and_the_copies_get_the_right_one() {
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\n---\n![Chart](/assets/chart.jpg)\n")
        .write_bytes("assets/chart.jpg", &png(240, 120));
    let out = site.build(&[]);
    let err = stderr(&out);
    assert!(err.contains("chart.jpg") && err.contains("is a PNG image"), "{err}");
    assert!(err.contains("content/_index.md:4:"), "{err}");
    let html = site.html("index.html");
    let img = &select(&html, "picture img")[0];
    for (url, _) in candidates(&attr(img, "srcset")) {
        assert!(url.ends_with(".png"), "{url}");
        assert_eq!(&fs::read(published(&site, &url)).unwrap()[1..4], b"PNG");
    }
}

#[test]
fn check_warns_on_missing_alt_text_and_on_images_over_the_site_limit() {
    let site = Site::new();
    site.write("site.yaml", &format!("{SITE}  warn_above: 20 KB\n"))
        .write(
            "content/_index.md",
            "---\ntitle: Home\n---\n![](/assets/small.jpg)\n\n![A large photograph](/assets/large.png)\n",
        )
        .write_bytes("assets/small.jpg", &jpeg(120, 80, None, None))
        .write_bytes("assets/large.png", &noisy_png(400, 300));
    let out = site.folio(&["check", "--format", "json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let find = |code: &str| diagnostics.iter().filter(|d| d["code"] == code).collect::<Vec<_>>();
    let alt = find("image-without-alt");
    assert_eq!(alt.len(), 1, "{diagnostics:?}");
    assert_eq!((alt[0]["file"].as_str(), alt[0]["line"].as_u64()), (Some("content/_index.md"), Some(4)));
    let large = find("image-too-large");
    assert_eq!(large.len(), 1, "{diagnostics:?}");
    assert_eq!(large[0]["line"].as_u64(), Some(6));
    assert!(large[0]["message"].as_str().unwrap().contains("large.png"));
    // Warnings, not errors (beside the note that the site has no absolute base_url).
    let images = diagnostics.iter().filter(|d| d["code"] != "no-absolute-base-url");
    assert!(images.clone().all(|d| d["severity"] == "warning"), "{diagnostics:?}");
}

#[test]
fn a_cache_folder_inside_what_is_read_or_published_is_refused() {
    for (cache_dir, clash) in [("assets/cache", "assets"), ("public/cache", "public"), ("content", "content")] {
        let site = photo_site();
        site.write("site.yaml", &format!("{SITE}  cache_dir: {cache_dir}\n"));
        let out = site.folio(&["build"]);
        assert!(!out.status.success(), "{cache_dir}");
        let err = stderr(&out);
        assert!(err.contains("site.yaml:4:"), "{cache_dir}: the line of cache_dir in:\n{err}");
        assert!(err.contains(&format!("would be inside (or hold) {clash}/")), "{err}");
        assert!(!site.root().join(cache_dir).join("images").exists() && !site.public().exists(), "{cache_dir}");
    }
    // Outside the site's folder is no better: it is refused as it climbs out.
    let site = photo_site();
    site.write("site.yaml", &format!("{SITE}  cache_dir: ../cache\n"));
    let out = site.folio(&["build"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cache_dir"), "{}", stderr(&out));
}

#[test]
fn a_social_card_of_the_hero_is_an_absolute_url_of_a_resized_copy() {
    // The template is README.md's example, under a base path.
    let card = "{% if page.hero.picture %}{% set card = resize_image(path=page.hero.image, width=1200, height=630, op=\"fill\") %}\n\
                <meta property=\"og:image\" content=\"{{ card.url | absolute_url }}\">\n\
                {% elif page.hero.image %}<meta property=\"og:image\" content=\"{{ page.hero.image | absolute_url }}\">{% endif %}";
    let site = Site::new();
    site.write("site.yaml", &format!("base_url: https://example.org/2021/\n{SITE}"))
        .write("content/_index.md", "---\ntitle: Home\ntemplate: card.html\nbackground: /assets/hero.jpg\n---\n")
        .write(
            "content/far.md",
            "---\ntitle: Far\ntemplate: card.html\nbackground: https://images.example.net/hero.jpg\n---\n",
        )
        .write_bytes("assets/hero.jpg", &jpeg(1600, 900, None, None))
        .write("templates/card.html", &format!("<!DOCTYPE html><html lang=\"en\"><head>{card}</head></html>"));
    site.build(&[]);
    let og = |page: &str| attr(&select(&site.html(page), "meta[property='og:image']")[0], "content");
    let local = og("index.html");
    let path = local.strip_prefix("https://example.org").unwrap_or_else(|| panic!("absolute: {local}"));
    assert!(path.starts_with("/2021/assets/hero-1200x630-"), "{local}");
    let file = site.public().join(path.trim_start_matches("/2021/"));
    assert_eq!(decoded_size(&file), (1200, 630));
    assert_eq!(og("far/index.html"), "https://images.example.net/hero.jpg");
}

/// The colour at (`fx`, `fy`) (fractions of the width and height) of the
/// image file at `path`.
fn colour_at(path: &Path, fx: f64, fy: f64) -> [u8; 3] {
    let img = image::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgb8();
    let (x, y) = ((f64::from(img.width()) * fx) as u32, (f64::from(img.height()) * fy) as u32);
    img.get_pixel(x, y).0
}

fn is_red([r, g, b]: [u8; 3]) -> bool {
    r > 150 && g < 90 && b < 90
}

/// The largest JPEG of the hero's portrait crop on the page at `rel`.
fn portrait_crop(site: &Site, rel: &str) -> PathBuf {
    let html = site.html(rel);
    let source = select(&html, ".hero picture source")
        .into_iter()
        .find(|s| attr(s, "media").contains("portrait") && attr(s, "type") == "image/jpeg")
        .unwrap_or_else(|| panic!("{rel}: a JPEG portrait crop"));
    let (url, _) = candidates(&attr(&source, "srcset")).into_iter().max_by_key(|(_, w)| *w).unwrap();
    published(site, &url)
}

#[test]
fn background_focus_keeps_the_subject_in_the_portrait_crop_and_the_band() {
    // Stored 450 x 800 and turned a quarter clockwise by EXIF: seen as
    // 800 x 450 with the red block in the top right corner.
    let photo = jpeg(450, 800, Some(&exif(6)), None);
    let site = Site::new();
    site.write("site.yaml", SITE)
        .write("content/_index.md", "---\ntitle: Home\n---\n[Kite](kite/) [Plain](plain/)\n")
        .write(
            "content/kite.md",
            "---\ntitle: Kite\nbackground: /assets/kite.jpg\nbackground_focus: top right\n---\nText.\n",
        )
        .write("content/plain.md", "---\ntitle: Plain\nbackground: /assets/kite.jpg\n---\nText.\n")
        .write_bytes("assets/kite.jpg", &photo);
    site.build(&[]);

    let focused = portrait_crop(&site, "kite/index.html");
    let centred = portrait_crop(&site, "plain/index.html");
    assert_ne!(focused, centred, "a focus makes its own copies");
    assert!(is_red(colour_at(&focused, 0.9, 0.1)), "the crop keeps the top right: {:?}", colour_at(&focused, 0.9, 0.1));
    assert!(!is_red(colour_at(&centred, 0.9, 0.1)), "the centred crop does not reach the corner");

    let style = |rel: &str| attr(&select(&site.html(rel), ".hero img.hero__image")[0], "style");
    assert_eq!(style("kite/index.html"), "object-position: 100% 0%");
    assert_eq!(style("plain/index.html"), "object-position: 50% 50%");
}

#[test]
fn a_background_focus_that_is_not_one_is_an_error_at_its_line() {
    let site = hero_site("background_focus: 120% middle");
    let out = site.folio(&["build"]);
    assert!(!out.status.success(), "a bad focal point fails the build");
    let err = stderr(&out);
    assert!(err.contains("content/_index.md:4:1"), "{err}");
    assert!(err.contains("background_focus: 120% middle"), "quotes the line: {err}");
    assert!(err.contains("`background_focus: 70% 45%`"), "says how to write one: {err}");
    assert!(!site.public().join("index.html").exists(), "no half-written site");
}

#[test]
fn resize_image_fill_keeps_what_anchor_names() {
    let site = card_site(
            "{% set centred = resize_image(path=\"/assets/photo.jpg\", width=300, height=300, op=\"fill\") %}\
             {% set anchored = resize_image(path=\"/assets/photo.jpg\", width=300, height=300, op=\"fill\", anchor=\"left top\") %}\
             <!DOCTYPE html><html lang=\"en\"><title>x</title><main>\
             <img id=\"centred\" src=\"{{ centred.url }}\" alt=\"\"><img id=\"anchored\" src=\"{{ anchored.url }}\" alt=\"\">\
             </main></html>",
        );
    site.build(&[]);
    let html = site.html("index.html");
    let file = |id: &str| published(&site, &attr(&select(&html, &format!("#{id}"))[0], "src"));
    // The red block is the original's left quarter, top quarter: 30% across
    // a square cut from the left is inside it, from the middle it is not.
    assert!(is_red(colour_at(&file("anchored"), 0.3, 0.1)));
    assert!(!is_red(colour_at(&file("centred"), 0.3, 0.1)));

    site.write(
        "templates/card.html",
        "<!DOCTYPE html>\n{% set odd = resize_image(path=\"/assets/photo.jpg\", width=10, height=10, op=\"fill\", anchor=\"10px\") %}\n<p>{{ odd.url }}</p>\n",
    );
    let out = site.folio(&["build"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("templates/card.html:2") && err.contains("anchor `10px`") && err.contains("70% 45%"), "{err}");
}
