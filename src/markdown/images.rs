//! Markdown images of the site's own pictures become `<picture>`s of
//! resized copies (see [`crate::images`]), each linked to its original; the
//! first (links-only) pass makes the copies, so that a bad image is
//! reported at its line before any template runs.

use crate::diagnostics::{Diagnostic, Place};
use crate::images::{Focus, ImageError, Library};
use crate::links::{ImageUse, LinkResolver};

use super::{escape, RenderOptions};

pub const BAD_IMAGE: &str = "bad-image";
pub const MISNAMED_IMAGE: &str = "misnamed-image";

/// One `![alt](dest "title")` of the page.
pub(super) struct MarkdownImage<'a> {
    pub dest: &'a str,
    pub title: &'a str,
    pub alt: &'a str,
    /// Inside a link already: not linked to its original.
    pub inside_link: bool,
    pub place: Place,
}

/// The picture's HTML; `Err` holds the resolved URL when the image is left
/// to pulldown-cmark as a plain `<img>` (another host's, an SVG, or one that
/// could not be read).
pub(super) fn picture(
    image: &MarkdownImage<'_>,
    opts: RenderOptions<'_>,
    links: &mut LinkResolver<'_>,
) -> Result<String, String> {
    let (url, path) = links.resolve_with_path(image.dest, || image.place.clone());
    let library = opts.images;
    let source = library.zip(path.as_deref()).and_then(|(lib, path)| lib.source(path));
    links.images.push(ImageUse {
        written: image.dest.to_string(),
        place: image.place.clone(),
        has_alt: !image.alt.trim().is_empty(),
        source: source.clone(),
    });
    let (Some(library), Some(source), Some(path)) = (library, source, path) else { return Err(url) };
    if opts.report {
        if let Some(why) = library.misnamed(&source) {
            links.diagnostics.push(
                Diagnostic::warning(format!("image `{}`: {why}", image.dest))
                    .code(MISNAMED_IMAGE)
                    .at(links.location_of(image.place.clone()))
                    .help("rename the file to match what it holds; browsers show it anyway, and the resized copies get the right extension"),
            );
        }
    }
    match library.picture(&path, &source, opts.base_path, &library.sizes, None, Focus::CENTRE) {
        Ok(picture) => {
            let html = picture.html(image.alt, Some(image.title), true);
            Ok(match image.inside_link {
                true => html,
                false => format!("<a class=\"image-link\" href=\"{}\">{html}</a>", escape(&url)),
            })
        }
        Err(error) => {
            if opts.report {
                let location = links.location_of(image.place.clone());
                links.diagnostics.push(bad_image(library, image.dest, &source, &error).at(location));
            }
            Err(url)
        }
    }
}

/// The problem with an image that cannot be used, and what fixes it: a
/// warning, as the page still shows the original (as the browser can).
pub fn bad_image(library: &Library, written: &str, source: &std::path::Path, error: &ImageError) -> Diagnostic {
    let help = match error {
        ImageError::TooLarge { .. } => {
            "scale it down before adding it (a screen needs a few megapixels), or raise `images.max_pixels` in site.yaml".to_string()
        }
        ImageError::NotAnImage => {
            "replace it with a JPEG, PNG, WebP or GIF file, or link to it as a download: `[text](file)`".to_string()
        }
        ImageError::Corrupt(_) => "the file is damaged or was cut short while copying: export or copy it again".to_string(),
        ImageError::Missing | ImageError::Unreadable(_) => "check that the file is there and readable".to_string(),
        ImageError::Encode(_) | ImageError::Cache(_) => format!(
            "check that {} can be written (it may be deleted at any time)",
            library.processor.cache_dir().display()
        ),
    };
    Diagnostic::warning(format!(
        "image `{written}` ({}) cannot be resized: {error}; the page shows the original as it is",
        library.shown(source)
    ))
    .code(BAD_IMAGE)
    .help(help)
}
