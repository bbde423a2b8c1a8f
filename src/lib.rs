//! folio: a static site generator for structured programme documents.
//!
//! The public API: [`build`] (build and write a site), [`render_site`]
//! (the same, kept in memory), `check::check`, `serve::serve` and the
//! importers in [`import`]; and the module list. The pipeline itself lives
//! in [`build`]: config -> content (load, tree) -> index -> markdown ->
//! render (templates) -> output (write), each stage taking the previous
//! one's value and none reaching back. ARCHITECTURE.md has the module map
//! and which module may use which.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod files;
pub mod html_scan;
pub mod i18n;
pub mod images;
pub mod import;
pub mod incremental;
pub mod index;
pub mod known_broken;
pub mod languages;
pub mod links;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod site_data;
pub mod slug;
pub mod text;
pub mod theme;
pub mod urls;
pub mod yaml;

/// The version and commit this binary was built from.
pub const VERSION: &str = env!("FOLIO_VERSION_STAMP");

pub use build::{build, render_site, BuildOptions, BuildReport, BuiltSite, Stage, Timings};
pub use diagnostics::Error;
