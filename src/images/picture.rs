//! A picture as HTML offers it: `srcset` candidates per format, `sizes`,
//! the original's width and height. Themes get it as data (the hero);
//! Markdown images are written with [`Picture::html`].

use serde::Serialize;

use super::{Copy, Responsive};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Picture {
    /// A middle-sized copy, for browsers without `srcset`.
    pub src: String,
    /// Copies in the original's format.
    pub srcset: String,
    pub sizes: String,
    pub width: u32,
    pub height: u32,
    /// `<source>`s to offer before the `<img>`, in order.
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Empty, or a media query such as `(orientation: portrait)`.
    pub media: String,
    #[serde(rename = "type")]
    pub mime: &'static str,
    pub srcset: String,
    pub sizes: String,
}

/// The width a browser without `srcset` gets: enough for a laptop's text column.
const PLAIN_WIDTH: u32 = 800;

impl Picture {
    /// `full` offered at `sizes`; `portrait`, a crop, instead on portrait
    /// screens at `portrait_sizes`. `dir` is the URL of the folder the
    /// copies are published in, ending in `/`.
    pub fn new(dir: &str, full: &Responsive, sizes: &str, portrait: Option<(&Responsive, &str)>) -> Picture {
        let mut sources = Vec::new();
        if let Some((crop, crop_sizes)) = portrait {
            for copies in [&crop.webp, &crop.fallback] {
                if let Some(first) = copies.first() {
                    sources.push(Source {
                        media: "(orientation: portrait)".into(),
                        mime: first.format.mime(),
                        srcset: srcset(dir, copies),
                        sizes: crop_sizes.into(),
                    });
                }
            }
        }
        if let Some(first) = full.webp.first() {
            sources.push(Source {
                media: String::new(),
                mime: first.format.mime(),
                srcset: srcset(dir, &full.webp),
                sizes: sizes.into(),
            });
        }
        let plain = full.fallback.iter().find(|c| c.width >= PLAIN_WIDTH).or(full.fallback.last());
        Picture {
            src: plain.map(|c| format!("{dir}{}", c.name)).unwrap_or_default(),
            srcset: srcset(dir, &full.fallback),
            sizes: sizes.into(),
            width: full.width,
            height: full.height,
            sources,
        }
    }

    /// `<picture>` with its sources and `<img>`; `loading="lazy"` unless
    /// the picture is among the first things seen.
    pub fn html(&self, alt: &str, title: Option<&str>, lazy: bool) -> String {
        let mut out = String::from("<picture>");
        for s in &self.sources {
            out.push_str("<source");
            if !s.media.is_empty() {
                attribute(&mut out, "media", &s.media);
            }
            attribute(&mut out, "type", s.mime);
            attribute(&mut out, "srcset", &s.srcset);
            attribute(&mut out, "sizes", &s.sizes);
            out.push('>');
        }
        out.push_str("<img");
        attribute(&mut out, "src", &self.src);
        attribute(&mut out, "srcset", &self.srcset);
        attribute(&mut out, "sizes", &self.sizes);
        attribute(&mut out, "width", &self.width.to_string());
        attribute(&mut out, "height", &self.height.to_string());
        attribute(&mut out, "alt", alt);
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            attribute(&mut out, "title", title);
        }
        if lazy {
            attribute(&mut out, "loading", "lazy");
        }
        attribute(&mut out, "decoding", "async");
        out.push_str("></picture>");
        out
    }
}

fn srcset(dir: &str, copies: &[Copy]) -> String {
    copies.iter().map(|c| format!("{dir}{} {}w", c.name, c.width)).collect::<Vec<_>>().join(", ")
}

fn attribute(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out.push('"');
}
