//! Images: resized copies at a few widths (and WebP where it is smaller)
//! for `srcset`, and the copies templates ask for with `resize_image`.
//! Every copy is kept in a cache folder named by the source's content hash
//! and the operation, so a second build decodes nothing; the copies carry
//! the source's colour profile, are turned upright by its EXIF orientation
//! and carry no other metadata (no GPS position).
//!
//! - `codec.rs`: read a header, decode, resize, encode;
//! - `webp.rs`: lossy and lossless WebP through libwebp;
//! - `cache.rs`: the cache folder;
//! - `focus.rs`: where a crop keeps the subject;
//! - `picture.rs`: a picture's `srcset`/`sizes`/`<source>`s, and its HTML.

mod cache;
pub mod codec;
mod focus;
mod picture;
mod webp;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::SystemTime;

pub use cache::Cache;
pub use codec::{Fit, Format, Header};
pub use focus::Focus;
pub use picture::{Picture, Source as PictureSource};

/// What a site says about its images (`images:` in site.yaml).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Widths of the copies for `srcset`, in pixels; none wider than the original.
    pub widths: Vec<u32>,
    pub jpeg_quality: u8,
    pub webp_quality: u8,
    /// Larger images are refused before they are decoded.
    pub max_pixels: u64,
}

/// Why an image could not be used; the caller says where it was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    Missing,
    Unreadable(String),
    NotAnImage,
    Corrupt(String),
    TooLarge { width: u32, height: u32, max_pixels: u64 },
    Encode(String),
    Cache(String),
}

impl std::fmt::Display for ImageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImageError::Missing => write!(f, "there is no such file"),
            ImageError::Unreadable(e) => write!(f, "it cannot be read: {e}"),
            ImageError::NotAnImage => write!(f, "it is not a JPEG, PNG, WebP or GIF image"),
            ImageError::Corrupt(e) => write!(f, "it is damaged or cut short: {e}"),
            ImageError::TooLarge { width, height, max_pixels } => write!(
                f,
                "it is {width} x {height} pixels ({} megapixels), more than the {} megapixels folio decodes",
                u64::from(*width) * u64::from(*height) / 1_000_000,
                max_pixels / 1_000_000
            ),
            ImageError::Encode(e) => write!(f, "a resized copy could not be written: {e}"),
            ImageError::Cache(e) => write!(f, "the image cache could not be written: {e}"),
        }
    }
}

/// One resized copy, kept in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub width: u32,
    pub height: u32,
    pub format: Format,
    pub bytes: u64,
    /// The file in the cache.
    pub cached: PathBuf,
    /// The name it is published under, beside the original:
    /// `limenitis-reducta-800x450-3fa9c2d10b.webp`.
    pub name: String,
}

/// A picture with its copies for `srcset`, smallest first.
#[derive(Debug, Clone)]
pub struct Responsive {
    /// The original's size as seen (after EXIF orientation) and format.
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Copies in the original's format (or PNG for a GIF), one per width.
    pub fallback: Vec<Copy>,
    /// WebP copies at the same widths; empty when they would not be smaller.
    pub webp: Vec<Copy>,
}

/// What a build did with images, for `--timings` and for tests that prove a
/// second build decodes nothing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub decoded: usize,
    pub written: usize,
    pub reused: usize,
}

/// A source read and hashed, by path: serve asks again only when the file
/// changed (size or modification time).
struct Source {
    len: u64,
    modified: Option<SystemTime>,
    hash: String,
    header: Header,
}

type Shared<T> = Arc<OnceLock<Result<T, ImageError>>>;

/// Makes and remembers copies; shared by every page of a build (and by
/// serve across rebuilds). Two pages naming one picture wait for one job.
pub struct Processor {
    settings: Settings,
    cache: Cache,
    sources: Mutex<HashMap<PathBuf, Arc<Source>>>,
    jobs: Mutex<HashMap<String, Shared<Arc<Responsive>>>>,
    decoded: AtomicUsize,
    written: AtomicUsize,
    reused: AtomicUsize,
}

impl Processor {
    pub fn new(settings: Settings, cache: Cache) -> Processor {
        Processor {
            settings,
            cache,
            sources: Mutex::default(),
            jobs: Mutex::default(),
            decoded: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn cache_dir(&self) -> &Path {
        self.cache.dir()
    }

    pub fn counts(&self) -> Counts {
        Counts {
            decoded: self.decoded.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// The source at `path`, read and hashed unless it is unchanged since
    /// the last time.
    fn source(&self, path: &Path) -> Result<(Arc<Source>, Option<Vec<u8>>), ImageError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ImageError::Missing,
            _ => ImageError::Unreadable(e.to_string()),
        })?;
        let modified = meta.modified().ok();
        if let Some(known) = self.sources.lock().unwrap().get(path) {
            if known.len == meta.len() && known.modified == modified && modified.is_some() {
                return Ok((known.clone(), None));
            }
        }
        let bytes = std::fs::read(path).map_err(|e| ImageError::Unreadable(e.to_string()))?;
        let header = codec::header(&bytes, self.settings.max_pixels)?;
        let source = Arc::new(Source {
            len: bytes.len() as u64,
            modified,
            hash: blake3::hash(&bytes).to_hex().to_string(),
            header,
        });
        self.sources.lock().unwrap().insert(path.to_path_buf(), source.clone());
        Ok((source, Some(bytes)))
    }

    /// The header of the image at `path` (format, size, orientation).
    pub fn header(&self, path: &Path) -> Result<Header, ImageError> {
        Ok(self.source(path)?.0.header.clone())
    }

    /// Copies of the picture at `path` at the site's widths, in its own
    /// format and in WebP where that is smaller. With `aspect` (width,
    /// height), the copies are of the largest crop of that shape around
    /// `focus` (none when the picture is not wider than that).
    pub fn responsive(
        &self,
        path: &Path,
        aspect: Option<(u32, u32)>,
        focus: Focus,
    ) -> Result<Option<Arc<Responsive>>, ImageError> {
        let (source, bytes) = self.source(path)?;
        let (width, height) = source.header.size();
        let (width, height, fit) = match aspect {
            None => (width, height, Fit::Scale),
            Some((aw, ah)) => {
                let crop = u32::try_from(u64::from(height) * u64::from(aw) / u64::from(ah)).unwrap_or(u32::MAX);
                if crop >= width {
                    return Ok(None);
                }
                (crop.max(1), height, Fit::Cover(focus))
            }
        };
        let key = format!("{}:{}:{width}x{height}:{fit:?}", source.hash, path.display());
        let job = self.jobs.lock().unwrap().entry(key).or_default().clone();
        job.get_or_init(|| self.make_responsive(path, &source, bytes, width, height, fit).map(Arc::new))
            .clone()
            .map(Some)
    }

    fn make_responsive(
        &self,
        path: &Path,
        source: &Source,
        bytes: Option<Vec<u8>>,
        width: u32,
        height: u32,
        fit: Fit,
    ) -> Result<Responsive, ImageError> {
        let header = &source.header;
        let fallback_format = match header.format {
            Format::Gif => Format::Png,
            other => other,
        };
        let stem = output_stem(path);
        let mut widths: Vec<u32> = self.settings.widths.iter().copied().filter(|w| *w < width).collect();
        let largest = self.settings.widths.iter().copied().max().unwrap_or(width);
        widths.push(width.min(largest));
        widths.sort_unstable();
        widths.dedup();
        let lossless = header.format != Format::Jpeg;
        let mut plans = Vec::new();
        for &w in &widths {
            let h = scaled_height(width, height, w);
            plans.push(Plan { width: w, height: h, fit, format: fallback_format, lossless });
            plans.push(Plan { width: w, height: h, fit, format: Format::WebP, lossless });
        }
        let copies = self.make(path, source, bytes, &stem, &plans)?;
        let (webp, fallback): (Vec<Copy>, Vec<Copy>) = copies.into_iter().partition(|c| c.format == Format::WebP);
        let webp_smaller = webp.iter().map(|c| c.bytes).sum::<u64>() < fallback.iter().map(|c| c.bytes).sum::<u64>();
        Ok(Responsive {
            width,
            height,
            format: header.format,
            fallback,
            webp: if webp_smaller { webp } else { Vec::new() },
        })
    }

    /// One copy for a template: `width` x `height` fitted as `fit`
    /// (never larger than the original), in `format` (the original's by default).
    pub fn resize(
        &self,
        path: &Path,
        width: u32,
        height: u32,
        fit: Fit,
        format: Option<Format>,
    ) -> Result<Copy, ImageError> {
        let (source, bytes) = self.source(path)?;
        let (ow, oh) = source.header.size();
        let (w, h) = fitted(ow, oh, width, height, fit);
        let format = format.unwrap_or(match source.header.format {
            Format::Gif => Format::Png,
            other => other,
        });
        let plan = Plan { width: w, height: h, fit, format, lossless: source.header.format != Format::Jpeg };
        let stem = output_stem(path);
        Ok(self.make(path, &source, bytes, &stem, &[plan])?.remove(0))
    }

    /// The copies of `plans`, from the cache where they are, decoding the
    /// source once for all that are not.
    fn make(
        &self,
        path: &Path,
        source: &Source,
        bytes: Option<Vec<u8>>,
        stem: &str,
        plans: &[Plan],
    ) -> Result<Vec<Copy>, ImageError> {
        let quality = |p: &Plan| match p.format {
            Format::Jpeg => self.settings.jpeg_quality,
            _ => self.settings.webp_quality,
        };
        let mut decoded: Option<image::DynamicImage> = None;
        let mut bytes = bytes;
        let mut out = Vec::with_capacity(plans.len());
        for plan in plans {
            let op = plan.key(quality(plan));
            let entry = self.cache.entry(&source.hash, &op, plan.format);
            let name = format!(
                "{stem}-{}x{}-{}.{}",
                plan.width,
                plan.height,
                &cache::digest(&source.hash, &op)[..10],
                plan.format.extension()
            );
            let len = match self.cache.existing(&entry) {
                Some(len) => {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                    len
                }
                None => {
                    if decoded.is_none() {
                        let data = match bytes.take() {
                            Some(b) => b,
                            None => std::fs::read(path).map_err(|e| ImageError::Unreadable(e.to_string()))?,
                        };
                        decoded = Some(codec::decode(&data, &source.header, self.settings.max_pixels)?);
                        self.decoded.fetch_add(1, Ordering::Relaxed);
                    }
                    let image = decoded.as_ref().expect("decoded above");
                    let resized = codec::resize(image, &source.header, plan.width, plan.height, plan.fit)?;
                    let data = codec::encode(
                        &resized,
                        plan.format,
                        quality(plan),
                        plan.lossless,
                        source.header.icc.as_deref(),
                    )?;
                    self.cache.store(&entry, &data).map_err(|e| ImageError::Cache(e.to_string()))?;
                    self.written.fetch_add(1, Ordering::Relaxed);
                    data.len() as u64
                }
            };
            out.push(Copy {
                width: plan.width,
                height: plan.height,
                format: plan.format,
                bytes: len,
                cached: entry,
                name,
            });
        }
        Ok(out)
    }

    /// Removes cache entries this processor did not use; call once a build
    /// has succeeded.
    pub fn prune(&self) -> std::io::Result<usize> {
        self.cache.prune()
    }
}

struct Plan {
    width: u32,
    height: u32,
    fit: Fit,
    format: Format,
    lossless: bool,
}

impl Plan {
    /// The operation as part of a cache name; `v1` changes when folio's
    /// output for the same request would.
    fn key(&self, quality: u8) -> String {
        let fit = match self.fit {
            // The centre keeps the name it had before a focus could be given.
            Fit::Cover(Focus::CENTRE) => "fill".to_string(),
            Fit::Cover(Focus { x, y }) => format!("fill-at{x}-{y}"),
            Fit::Scale => "scale".to_string(),
            Fit::Contain => "fit".to_string(),
        };
        let mode =
            if self.lossless && self.format != Format::Jpeg { "lossless".to_string() } else { format!("q{quality}") };
        format!("{}x{}-{fit}-{mode}-v1", self.width, self.height)
    }
}

/// The height of a `width`-wide copy of a `ow` x `oh` picture.
fn scaled_height(ow: u32, oh: u32, width: u32) -> u32 {
    ((u64::from(oh) * u64::from(width) + u64::from(ow) / 2) / u64::from(ow)).max(1) as u32
}

/// The size of a copy fitted into `width` x `height` as `fit` asks, never
/// larger than the original; 0 means "any" (keep the shape).
pub fn fitted(ow: u32, oh: u32, width: u32, height: u32, fit: Fit) -> (u32, u32) {
    let (w, h) = match (width, height, fit) {
        (0, 0, _) => (ow, oh),
        (w, 0, _) => (w, scaled_height(ow, oh, w)),
        (0, h, _) => (scaled_height(oh, ow, h), h),
        (w, h, Fit::Scale | Fit::Cover(_)) => (w, h),
        (w, h, Fit::Contain) => {
            // The smaller of the two scales wins.
            if u64::from(w) * u64::from(oh) <= u64::from(h) * u64::from(ow) {
                (w, scaled_height(ow, oh, w))
            } else {
                (scaled_height(oh, ow, h), h)
            }
        }
    };
    // No upscaling: a copy larger than the original only costs bytes.
    if w > ow || h > oh {
        let shrink = f64::max(f64::from(w) / f64::from(ow), f64::from(h) / f64::from(oh));
        (((f64::from(w) / shrink).round() as u32).max(1), ((f64::from(h) / shrink).round() as u32).max(1))
    } else {
        (w, h)
    }
}

/// `Limenitis reducta Staudinger,.jpg` -> `limenitis-reducta-staudinger`.
fn output_stem(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("image");
    let slug: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "image".into()
    } else {
        slug
    }
}

/// Where a copy named `name` is written in the output, beside its original
/// whose URL's folder is `dir` (`""` for the site's root: the copy's path
/// must stay relative, or joining it to the output folder would leave it).
fn copy_output(dir: &str, name: &str) -> PathBuf {
    Path::new(dir.trim_start_matches('/')).join(name)
}

/// A copy a page uses: where it is published and where it is kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Used {
    /// In the output, e.g. `assets/images/kite-800x400-3fa9c2d10b.webp`.
    pub output: PathBuf,
    /// In the cache.
    pub cached: PathBuf,
    /// The original, in the site's folder.
    pub source: PathBuf,
}

thread_local! {
    /// The copies used while one page renders (see [`collecting`]).
    static USED: RefCell<Option<Vec<Used>>> = const { RefCell::new(None) };
}

/// Runs `render` (one page, on this thread) and returns what it gives with
/// every copy it used: its Markdown's pictures and the `resize_image` calls
/// of its template alike.
pub fn collecting<T>(render: impl FnOnce() -> T) -> (T, Vec<Used>) {
    let outer = USED.with(|u| u.borrow_mut().replace(Vec::new()));
    let value = render();
    let used = USED.with(|u| std::mem::replace(&mut *u.borrow_mut(), outer)).unwrap_or_default();
    (value, used)
}

/// Adds `used` to what the page being rendered on this thread uses.
pub(crate) fn record(used: impl IntoIterator<Item = Used>) {
    USED.with(|u| {
        if let Some(list) = u.borrow_mut().as_mut() {
            list.extend(used);
        }
    });
}

/// The images of one site: its settings, the processor (with its cache)
/// and which file each image URL of the site is. Shared by the Markdown
/// stage and the templates' `resize_image`; `folio serve` keeps it across
/// rebuilds.
pub struct Library {
    pub processor: Processor,
    /// How wide content images show, for their `sizes`.
    pub sizes: String,
    /// URL path (decoded, without the base path: `/assets/a b.jpg`) -> file.
    sources: RwLock<HashMap<String, PathBuf>>,
    /// The site's folder, for paths in messages.
    root: PathBuf,
}

/// The file extensions folio resizes.
pub fn is_raster(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    Format::from_extension(ext).is_some()
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("cache", &self.processor.cache_dir()).finish_non_exhaustive()
    }
}

impl Library {
    pub fn new(settings: Settings, sizes: String, cache_dir: PathBuf, root: &Path) -> Library {
        Library {
            processor: Processor::new(settings, Cache::new(cache_dir)),
            sizes,
            sources: RwLock::default(),
            root: root.to_path_buf(),
        }
    }

    /// Sets which file each image URL is: `(URL path, file)` for every file
    /// the site publishes as it is (`assets/`, files beside the content).
    pub fn set_sources(&self, files: impl IntoIterator<Item = (String, PathBuf)>) {
        let map = files.into_iter().filter(|(url, _)| is_raster(url)).collect();
        *self.sources.write().unwrap_or_else(|e| e.into_inner()) = map;
    }

    /// The file of the image at site path `url` (decoded, without the base path).
    pub fn source(&self, url: &str) -> Option<PathBuf> {
        self.sources.read().unwrap_or_else(|e| e.into_inner()).get(url).cloned()
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` as shown in messages: relative to the site's folder.
    pub fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }

    /// A warning's text when the file's name says another format than its
    /// bytes (browsers show it anyway; the copies get the right extension).
    pub fn misnamed(&self, path: &Path) -> Option<String> {
        let header = self.processor.header(path).ok()?;
        let ext = path.extension()?.to_str()?;
        let claimed = Format::from_extension(ext)?;
        (claimed != header.format).then(|| {
            format!("{} is a {} image, though its name says {}", self.shown(path), header.format.name(), claimed.name())
        })
    }

    /// The picture of the image at `url` (whose file is `source`): copies
    /// for `srcset`, published in the folder of `url`. `portrait` adds a
    /// 3:4 crop around `focus` for portrait screens with those `sizes` (the hero).
    /// The copies are recorded for the page being rendered.
    pub fn picture(
        &self,
        url: &str,
        source: &Path,
        base_path: &str,
        sizes: &str,
        portrait: Option<&str>,
        focus: Focus,
    ) -> Result<Picture, ImageError> {
        let full = self.processor.responsive(source, None, focus)?.expect("a full picture always has copies");
        let crop = match portrait {
            Some(_) => self.processor.responsive(source, Some((3, 4)), focus)?,
            None => None,
        };
        let dir = url.rsplit_once('/').map_or("", |(dir, _)| dir);
        let dir_url = crate::urls::site_url(base_path, &format!("{dir}/"));
        let used = |copies: &[Copy]| {
            copies
                .iter()
                .map(|c| Used {
                    output: copy_output(dir, &c.name),
                    cached: c.cached.clone(),
                    source: source.to_path_buf(),
                })
                .collect::<Vec<_>>()
        };
        let mut all = used(&full.fallback);
        all.extend(used(&full.webp));
        if let Some(crop) = &crop {
            all.extend(used(&crop.fallback));
            all.extend(used(&crop.webp));
        }
        record(all);
        let portrait = crop.as_deref().zip(portrait);
        Ok(Picture::new(&dir_url, &full, sizes, portrait))
    }

    /// One copy for a template (`resize_image`), recorded for the page
    /// being rendered: its URL, its size and the original's.
    pub fn resize(
        &self,
        url: &str,
        base_path: &str,
        width: u32,
        height: u32,
        fit: Fit,
        format: Option<Format>,
    ) -> Result<(String, Copy, (u32, u32)), String> {
        let source = self.source(url).ok_or_else(|| {
            format!(
                "`{url}` is not an image of the site (a JPEG, PNG, WebP or GIF file in assets/ or beside the content)"
            )
        })?;
        let copy = self
            .processor
            .resize(&source, width, height, fit, format)
            .map_err(|e| format!("`{url}` ({}) cannot be resized: {e}", self.shown(&source)))?;
        let original = self.processor.header(&source).map(|h| h.size()).unwrap_or((copy.width, copy.height));
        let dir = url.rsplit_once('/').map_or("", |(dir, _)| dir);
        record([Used { output: copy_output(dir, &copy.name), cached: copy.cached.clone(), source: source.clone() }]);
        let link = crate::urls::site_url(base_path, &format!("{dir}/{}", copy.name));
        Ok((link, copy, original))
    }
}
