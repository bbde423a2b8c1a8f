//! Reading, resizing and writing one image: `image` reads the headers and
//! decodes (zune-jpeg for JPEG), fast_image_resize scales, jpeg-encoder
//! and libwebp write. Each was chosen by measurement (ARCHITECTURE.md).

use std::io::Cursor;

use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::webp;
use super::Focus;
use super::ImageError;

/// The formats folio reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
    Gif,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
            Format::Gif => "gif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Gif => "GIF",
        }
    }

    /// What a file's extension claims; `None` for names folio does not
    /// treat as raster images (`.svg`, `.pdf`).
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" | "jpe" | "jfif" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            "webp" => Some(Format::WebP),
            "gif" => Some(Format::Gif),
            _ => None,
        }
    }

    /// What the bytes are, whatever the name says.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        match image::guess_format(bytes).ok()? {
            ImageFormat::Jpeg => Some(Format::Jpeg),
            ImageFormat::Png => Some(Format::Png),
            ImageFormat::WebP => Some(Format::WebP),
            ImageFormat::Gif => Some(Format::Gif),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::WebP => ImageFormat::WebP,
            Format::Gif => ImageFormat::Gif,
        }
    }
}

/// What the header says, read without decoding a pixel.
#[derive(Debug, Clone)]
pub struct Header {
    pub format: Format,
    /// As stored.
    pub stored_width: u32,
    pub stored_height: u32,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
    pub has_alpha: bool,
}

impl Header {
    /// Width and height as the image is seen, once EXIF orientation is applied.
    pub fn size(&self) -> (u32, u32) {
        if turns(self.orientation) {
            (self.stored_height, self.stored_width)
        } else {
            (self.stored_width, self.stored_height)
        }
    }
}

/// Orientations that swap width and height.
fn turns(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    )
}

fn decoder<'a>(bytes: &'a [u8], format: Format, max_pixels: u64) -> Result<impl ImageDecoder + 'a, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    // A second guard behind the pixel count checked from the header: no
    // single allocation larger than the biggest image allowed, as RGBA16.
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(8).max(64 << 20));
    reader.limits(limits);
    reader.into_decoder().map_err(|e| ImageError::Corrupt(e.to_string()))
}

/// Reads the header of `bytes` and refuses an image of more than
/// `max_pixels` before any pixel is decoded.
pub fn header(bytes: &[u8], max_pixels: u64) -> Result<Header, ImageError> {
    let format = Format::sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let mut decoder = decoder(bytes, format, max_pixels)?;
    let (stored_width, stored_height) = decoder.dimensions();
    let pixels = u64::from(stored_width) * u64::from(stored_height);
    if pixels > max_pixels {
        return Err(ImageError::TooLarge { width: stored_width, height: stored_height, max_pixels });
    }
    if pixels == 0 {
        return Err(ImageError::Corrupt("it says it is 0 pixels wide or high".into()));
    }
    if format == Format::Jpeg && cut_short(bytes) {
        return Err(ImageError::Corrupt("its data stops before the end of the picture".into()));
    }
    // A broken EXIF block is no reason to refuse the picture.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten().filter(|p| !p.is_empty());
    let has_alpha = decoder.color_type().has_alpha();
    Ok(Header { format, stored_width, stored_height, orientation, icc, has_alpha })
}

/// Whether a JPEG ends before its picture does: no end marker after its
/// last scan. (zune-jpeg decodes what is there and fills the rest in grey;
/// an embedded thumbnail's end marker comes before the main scan.)
fn cut_short(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w[0] == 0xFF && w[1] == marker);
    match (last(0xDA), last(0xD9)) {
        (Some(scan), Some(end)) => end < scan,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Decodes the whole image (the header was checked by [`header`]).
pub fn decode(bytes: &[u8], header: &Header, max_pixels: u64) -> Result<DynamicImage, ImageError> {
    let decoder = decoder(bytes, header.format, max_pixels)?;
    DynamicImage::from_decoder(decoder).map_err(|e| ImageError::Corrupt(e.to_string()))
}

/// How a picture is fitted to the size asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fit {
    /// The whole picture, scaled to exactly this size (may distort).
    Scale,
    /// The whole picture, as large as fits in the box, keeping its shape.
    Contain,
    /// Fills the box, keeping its shape; what overflows is cut off around
    /// the focus (the centre by default).
    Cover(Focus),
}

/// `image` scaled to `width` x `height` (sizes as seen, after orientation),
/// oriented upright.
pub fn resize(
    image: &DynamicImage,
    header: &Header,
    width: u32,
    height: u32,
    fit: Fit,
) -> Result<DynamicImage, ImageError> {
    // Scale the stored pixels, then turn the (smaller) result.
    let (w, h) = if turns(header.orientation) { (height, width) } else { (width, height) };
    let source = match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) | DynamicImage::ImageLuma8(_) => None,
        other if other.color().has_alpha() => Some(DynamicImage::ImageRgba8(other.to_rgba8())),
        other => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
    };
    let source = source.as_ref().unwrap_or(image);
    let mut resized = match source {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(w, h),
        DynamicImage::ImageLuma8(_) => DynamicImage::new_luma8(w, h),
        _ => DynamicImage::new_rgb8(w, h),
    };
    let mut options = fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    if let Fit::Cover(focus) = fit {
        // The crop is cut from the stored pixels: the focus, given as the
        // picture is seen, is turned back first.
        options = options.fit_into_destination(Some(stored_point(focus.fractions(), header.orientation)));
    }
    fir::Resizer::new()
        .resize(source, &mut resized, &options)
        .map_err(|e| ImageError::Corrupt(format!("cannot be resized: {e}")))?;
    resized.apply_orientation(header.orientation);
    Ok(resized)
}

/// Where the point (`x`, `y`) of the upright picture is in the stored pixels
/// that `orientation` turns upright (fractions of the width and height).
fn stored_point((x, y): (f64, f64), orientation: Orientation) -> (f64, f64) {
    match orientation {
        Orientation::NoTransforms => (x, y),
        Orientation::FlipHorizontal => (1.0 - x, y),
        Orientation::Rotate180 => (1.0 - x, 1.0 - y),
        Orientation::FlipVertical => (x, 1.0 - y),
        Orientation::Rotate90FlipH => (y, x),
        Orientation::Rotate90 => (y, 1.0 - x),
        Orientation::Rotate270FlipH => (1.0 - y, 1.0 - x),
        Orientation::Rotate270 => (1.0 - y, x),
    }
}

/// Encodes `image` as `format`; `icc` is embedded as the colour profile.
pub fn encode(
    image: &DynamicImage,
    format: Format,
    quality: u8,
    lossless: bool,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, ImageError> {
    let failed = |e: String| ImageError::Encode(format!("{} encoder: {e}", format.name()));
    match format {
        Format::Jpeg => {
            let mut out = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
            if let Some(profile) = icc {
                encoder.add_icc_profile(profile).map_err(|e| failed(e.to_string()))?;
            }
            let (w, h) = (image.width() as u16, image.height() as u16);
            let result = match image {
                DynamicImage::ImageLuma8(luma) => encoder.encode(luma.as_raw(), w, h, jpeg_encoder::ColorType::Luma),
                other => encoder.encode(other.to_rgb8().as_raw(), w, h, jpeg_encoder::ColorType::Rgb),
            };
            result.map_err(|e| failed(e.to_string()))?;
            Ok(out)
        }
        Format::Png => {
            let mut out = Vec::new();
            let mut encoder = image::codecs::png::PngEncoder::new(&mut out);
            if let Some(profile) = icc {
                use image::ImageEncoder;
                encoder.set_icc_profile(profile.to_vec()).map_err(|e| failed(e.to_string()))?;
            }
            image.write_with_encoder(encoder).map_err(|e| failed(e.to_string()))?;
            Ok(out)
        }
        Format::WebP => {
            let (data, alpha) = match image {
                DynamicImage::ImageRgb8(rgb) => (rgb.as_raw().clone(), false),
                other if other.color().has_alpha() => (other.to_rgba8().into_raw(), true),
                other => (other.to_rgb8().into_raw(), false),
            };
            let pixels = webp::Pixels { data: &data, width: image.width(), height: image.height(), alpha };
            webp::encode(&pixels, lossless, f32::from(quality), icc).map_err(failed)
        }
        Format::Gif => Err(failed("folio does not write GIF".into())),
    }
}
