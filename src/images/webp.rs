//! Lossy and lossless WebP through libwebp (the `libwebp-sys` bindings):
//! the one place folio calls C. `image` encodes WebP losslessly only.

use std::ffi::c_int;
use std::mem::MaybeUninit;

use libwebp_sys as sys;

/// Pixels to encode: 8-bit RGB or RGBA rows, no padding.
pub struct Pixels<'a> {
    pub data: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
}

/// Encodes `pixels` (lossy at `quality` 0–100, or lossless) and embeds
/// `icc` when given. Errors are libwebp's, as text.
pub fn encode(pixels: &Pixels<'_>, lossless: bool, quality: f32, icc: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let channels = if pixels.alpha { 4 } else { 3 };
    let stride = pixels.width as usize * channels;
    if pixels.data.len() != stride * pixels.height as usize || pixels.width == 0 || pixels.height == 0 {
        return Err("the pixel buffer does not match its size".into());
    }
    let bitstream = unsafe { encode_raw(pixels, stride as c_int, lossless, quality)? };
    match icc {
        Some(profile) if !profile.is_empty() => unsafe { with_icc(&bitstream, profile) },
        _ => Ok(bitstream),
    }
}

unsafe fn encode_raw(pixels: &Pixels<'_>, stride: c_int, lossless: bool, quality: f32) -> Result<Vec<u8>, String> {
    let mut config = MaybeUninit::<sys::WebPConfig>::uninit();
    let preset = sys::WebPPreset::WEBP_PRESET_DEFAULT;
    if sys::WebPConfigInitInternal(config.as_mut_ptr(), preset, quality, sys::WEBP_ENCODER_ABI_VERSION as c_int) == 0 {
        return Err("libwebp refused its configuration (version mismatch)".into());
    }
    let mut config = config.assume_init();
    config.lossless = c_int::from(lossless);
    // The default effort: 2 encodes twice as fast for 2–5 % more bytes,
    // 6 saves 3 % more for three times the time (measured on photographs).
    config.method = 4;
    if sys::WebPValidateConfig(&config) == 0 {
        return Err("invalid WebP settings".into());
    }
    let mut picture = sys::WebPPicture::new().map_err(|_| "libwebp could not set up a picture")?;
    picture.use_argb = c_int::from(lossless);
    picture.width = pixels.width as c_int;
    picture.height = pixels.height as c_int;
    let imported = if pixels.alpha {
        sys::WebPPictureImportRGBA(&mut picture, pixels.data.as_ptr(), stride)
    } else {
        sys::WebPPictureImportRGB(&mut picture, pixels.data.as_ptr(), stride)
    };
    if imported == 0 {
        sys::WebPPictureFree(&mut picture);
        return Err("libwebp could not take the pixels (out of memory?)".into());
    }
    let mut writer = MaybeUninit::<sys::WebPMemoryWriter>::uninit();
    sys::WebPMemoryWriterInit(writer.as_mut_ptr());
    let mut writer = writer.assume_init();
    picture.writer = Some(sys::WebPMemoryWrite);
    picture.custom_ptr = (&mut writer as *mut sys::WebPMemoryWriter).cast();
    let ok = sys::WebPEncode(&config, &mut picture);
    let result = if ok != 0 {
        Ok(std::slice::from_raw_parts(writer.mem, writer.size).to_vec())
    } else {
        Err(format!("libwebp could not encode the image ({:?})", picture.error_code))
    };
    sys::WebPMemoryWriterClear(&mut writer);
    sys::WebPPictureFree(&mut picture);
    result
}

/// The same image in an extended container with an `ICCP` chunk.
unsafe fn with_icc(bitstream: &[u8], icc: &[u8]) -> Result<Vec<u8>, String> {
    let mux = sys::WebPMuxNew();
    if mux.is_null() {
        return Err("libwebp could not set up its container writer".into());
    }
    let image = sys::WebPData { bytes: bitstream.as_ptr(), size: bitstream.len() };
    let profile = sys::WebPData { bytes: icc.as_ptr(), size: icc.len() };
    let mut assembled = sys::WebPData::default();
    let ok = sys::WebPMuxSetImage(mux, &image, 1) == sys::WebPMuxError::WEBP_MUX_OK
        && sys::WebPMuxSetChunk(mux, c"ICCP".as_ptr(), &profile, 1) == sys::WebPMuxError::WEBP_MUX_OK
        && sys::WebPMuxAssemble(mux, &mut assembled) == sys::WebPMuxError::WEBP_MUX_OK;
    let result = if ok {
        Ok(std::slice::from_raw_parts(assembled.bytes, assembled.size).to_vec())
    } else {
        Err("libwebp could not embed the colour profile".into())
    };
    sys::WebPDataClear(&mut assembled);
    sys::WebPMuxDelete(mux);
    result
}
