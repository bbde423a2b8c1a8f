//! `resize_image(path, width, height, op, format, anchor)`: a copy of one
//! of the site's images for a template that places it itself, in the spirit
//! of Zola's function of that name (`anchor`, as in Hugo, says what `fill`
//! keeps: `right`, `70% 45%`). It returns `url`, `width`, `height`,
//! `orig_width` and `orig_height`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::images::{Fit, Focus, Format, Library};
use crate::urls;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Args {
    path: String,
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
    #[serde(default)]
    op: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    anchor: Option<String>,
}

#[derive(Serialize)]
struct Resized {
    url: String,
    width: u32,
    height: u32,
    orig_width: u32,
    orig_height: u32,
}

pub fn register(tera: &mut Tera, images: &Arc<Library>, base_path: &str) {
    let images = Arc::clone(images);
    let base = base_path.to_string();
    tera.register_function("resize_image", move |kwargs: Kwargs, _: &State| resize_image(&images, &base, &kwargs));
}

fn resize_image(images: &Library, base_path: &str, kwargs: &Kwargs) -> TeraResult<Value> {
    let args: Args = kwargs.deserialize().map_err(|e| {
        tera::Error::message(format!("resize_image takes path, width, height, op, format and anchor: {}", e))
    })?;
    let anchor = match args.anchor.as_deref() {
        None => Focus::CENTRE,
        Some(written) => Focus::parse(written).map_err(|why| {
            tera::Error::message(format!(
                "resize_image: anchor `{written}`: {why}; use keywords (`left`, `right`, `top`, `bottom`, `center`) \
                 or percentages, as CSS `object-position` reads them: `right`, `70% 45%`"
            ))
        })?,
    };
    let (width, height) = (args.width.unwrap_or(0), args.height.unwrap_or(0));
    let op = args.op.as_deref().unwrap_or(if height > 0 && width == 0 { "fit_height" } else { "fit_width" });
    let (fit, width, height) = match op {
        "fit_width" if width > 0 => (Fit::Contain, width, 0),
        "fit_height" if height > 0 => (Fit::Contain, 0, height),
        "fit" if width > 0 && height > 0 => (Fit::Contain, width, height),
        "fill" if width > 0 && height > 0 => (Fit::Cover(anchor), width, height),
        "scale" if width > 0 && height > 0 => (Fit::Scale, width, height),
        _ => {
            return Err(tera::Error::message(format!(
                "resize_image: op `{op}` with width {width} and height {height}: use `fit_width` (width), \
                 `fit_height` (height), or `fit`, `fill` or `scale` (both)"
            )))
        }
    };
    let format = match args.format.as_deref().unwrap_or("auto") {
        "auto" => None,
        "jpg" | "jpeg" => Some(Format::Jpeg),
        "png" => Some(Format::Png),
        "webp" => Some(Format::WebP),
        other => {
            return Err(tera::Error::message(format!(
                "resize_image: format `{other}`: use `auto`, `jpg`, `png` or `webp`"
            )))
        }
    };
    let path = site_path(&args.path, base_path);
    let (url, copy, (orig_width, orig_height)) =
        images.resize(&path, base_path, width, height, fit, format).map_err(tera::Error::message)?;
    Ok(Value::from_serializable(&Resized { url, width: copy.width, height: copy.height, orig_width, orig_height }))
}

/// The site path of what a template wrote: `/assets/a b.jpg` from
/// `/2021/assets/a%20b.jpg`, `assets/a b.jpg` or the same.
fn site_path(written: &str, base_path: &str) -> String {
    let decoded = urls::decode_path(written.trim());
    let rooted = match decoded.strip_prefix(base_path) {
        Some(rest) if base_path != "/" => format!("/{rest}"),
        _ => decoded,
    };
    match rooted.starts_with('/') {
        true => rooted,
        false => format!("/{rooted}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_taken_as_the_site_writes_them() {
        assert_eq!(site_path("/2021/assets/a%20b.jpg", "/2021/"), "/assets/a b.jpg");
        assert_eq!(site_path("assets/a b.jpg", "/"), "/assets/a b.jpg");
        assert_eq!(site_path("/assets/x.png", "/"), "/assets/x.png");
    }
}
