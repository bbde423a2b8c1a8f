//! The `folio` command: parses arguments, calls the library, prints, and
//! sets the exit code. No logic lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use folio::text::plural as count;

// A build allocates and frees many small strings and values on every
// thread; glibc's allocator spent up to half a 100,000-page build sorting
// its free lists. jemalloc takes 12-25 % off a build's time for the same
// peak memory (ARCHITECTURE.md, "The allocator is jemalloc").
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read when it starts: two arenas (one per core of a
/// small machine, not four per core, which held 20 MiB more at 10,000
/// pages) and freed pages given back after half a second instead of ten.
#[cfg(not(target_env = "msvc"))]
#[export_name = "_rjem_malloc_conf"]
static JEMALLOC_SETTINGS: JemallocSettings = JemallocSettings(c"narenas:2,dirty_decay_ms:500".as_ptr());

/// A C string jemalloc reads once; never written.
#[cfg(not(target_env = "msvc"))]
#[repr(transparent)]
struct JemallocSettings(*const std::ffi::c_char);
// SAFETY: it points at a string literal that lives as long as the program
// and is only ever read.
#[cfg(not(target_env = "msvc"))]
unsafe impl Sync for JemallocSettings {}

#[derive(Parser)]
#[command(name = "folio", version = folio::VERSION, about = "Builds GBIF's Work Programme and Global Nodes Meeting sites from Markdown")]
struct Cli {
    /// The site's folder: the one holding site.yaml and content/.
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds the site into the output folder, replacing it in one step once
    /// everything succeeded (a failed build leaves the old one as it was).
    Build {
        /// Where to write the site [default: `output_dir` in site.yaml, else public/ in the site's folder].
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Prints the time, CPU time and peak memory of each stage (load, Markdown, templates, links, write).
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Builds the site in memory (writing nothing) and checks links, anchors,
    /// referenced files, duplicate ids, unreachable pages, mailto: addresses
    /// and required front matter. Exit code: 0 clean, 1 errors, 2 warnings
    /// only with --deny-warnings.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Also checks http(s) links on the web (cached in .folio-link-cache.json).
        #[arg(long)]
        external: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exits with code 2 when there are warnings but no errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Serves the site from memory at http://127.0.0.1:1111/ (writing nothing),
    /// rebuilds it when a file changes and reloads open pages; a failed
    /// rebuild keeps the last good site and shows the errors on every page.
    Serve {
        /// The port to listen on; 0 picks a free one.
        #[arg(long, short, default_value_t = folio::serve::DEFAULT_PORT, value_name = "N")]
        port: u16,
        /// The address to listen on; anything but 127.0.0.1 (or ::1) makes the site visible to the network.
        /// Requests are answered only for localhost, 127.0.0.1, [::1] and this address (any name with 0.0.0.0).
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR", value_parser = parse_bind)]
        bind: std::net::IpAddr,
        /// Includes pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Opens the site in the browser.
        #[arg(long)]
        open: bool,
        /// Polls files for changes instead of relying on notifications (Docker volumes, WSL, network drives).
        #[arg(long)]
        poll: bool,
    },
    /// Imports a document into the site's content.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Turns the annual Work Programme (one Markdown document converted from
    /// PDF) into content/programme/YEAR/: the programme, its priority areas,
    /// activities, ongoing blocks and colophon. Page-break damage is repaired
    /// and reported; nothing is written unless the whole document parsed.
    /// Files edited by hand since the last import are kept unless --force.
    Programme {
        /// The Work Programme's Markdown file.
        file: PathBuf,
        /// The programme's year: names the folder and the `year` key.
        #[arg(long, value_parser = clap::value_parser!(u16).range(1900..=2999))]
        year: u16,
        /// The folder to write [default: content/programme/YEAR in the site's folder].
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Overwrites files edited by hand since the last import.
        #[arg(long)]
        force: bool,
    },
    /// Moves a whole Jekyll site into the folio site, keeping every page's
    /// URL: _config.yml becomes site.yaml, pages and _posts/ become content/
    /// (with `permalink:` where folio's URL would differ, and Jekyll's
    /// `defaults` written out), _data/ becomes data/, other files are copied.
    /// What folio cannot carry over (plugins, layouts, Liquid) is reported
    /// with its file and line. Nothing is written unless all of it could be;
    /// existing files are refused unless --force.
    Jekyll {
        /// The Jekyll site's folder (the one holding _config.yml).
        dir: PathBuf,
        /// The folio site's folder to write into [default: --root].
        #[arg(long, value_name = "ROOT")]
        into: Option<PathBuf>,
        /// Overwrites files that already exist in the folio site.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// Includes pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// The URL the site is published at, e.g. https://example.org/2021/; its path prefixes every internal link [default: `base_url` in site.yaml].
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Leaves code blocks unhighlighted (faster on code-heavy sites).
    #[arg(long)]
    no_highlight: bool,
    /// Reports broken internal links and anchors as warnings instead of errors (for drafts in progress).
    #[arg(long)]
    no_strict: bool,
    /// Leaves out the search index (and the theme's search box), whatever
    /// `search` in site.yaml says: a quicker build, or to measure the index.
    #[arg(long)]
    no_search: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

impl SiteArgs {
    fn options(self, root: PathBuf, output: Option<PathBuf>) -> folio::BuildOptions {
        folio::BuildOptions {
            drafts: self.drafts,
            base_url: self.base_url,
            highlight: !self.no_highlight,
            search: !self.no_search,
            strict_links: self.no_strict.then_some(false),
            output,
            ..folio::BuildOptions::new(root)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { output, timings, site } => build(&site.options(cli.root, output), timings),
        Command::Check { site, external, format, deny_warnings } => {
            let options = folio::check::CheckOptions::new(site.options(cli.root, None), external);
            let report = folio::check::check(&options);
            match format {
                Format::Human => print!("{}", report.human()),
                Format::Json => println!("{}", report.json()),
            }
            ExitCode::from(report.exit_code(deny_warnings))
        }
        Command::Serve { port, bind, drafts, open, poll } => {
            let mut options = folio::serve::ServeOptions::new(cli.root);
            options.build.drafts = drafts;
            (options.port, options.bind, options.open) = (port, bind, open);
            if poll {
                options.watch = folio::serve::WatchMode::Poll(std::time::Duration::from_millis(300));
            }
            match folio::serve::serve(options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Import { what: ImportCommand::Programme { file, year, into, force } } => {
            let mut options = folio::import::programme::ImportOptions::new(file, year, &cli.root);
            if let Some(into) = into {
                options.target = into;
            }
            options.force = force;
            match folio::import::programme::import_programme(&options) {
                Ok(report) => {
                    print!("{}", report.human());
                    ExitCode::SUCCESS
                }
                Err(e) => failed(e, "Import failed", "nothing was written"),
            }
        }
        Command::Import { what: ImportCommand::Jekyll { dir, into, force } } => {
            let mut options = folio::import::jekyll::JekyllOptions::new(dir, into.unwrap_or(cli.root));
            options.force = force;
            let report = match folio::import::jekyll::import_jekyll(&options) {
                Ok(report) => report,
                Err(e) => return failed(e, "Import failed", "nothing was written"),
            };
            print!("{}", report.human());
            match folio::check::imported::after_jekyll_import(&report) {
                Ok(check) => {
                    print!("{}", check.human());
                    ExitCode::SUCCESS
                }
                Err(e) => failed(e, "The imported site does not build", "please report this: the import wrote it"),
            }
        }
    }
}

/// Prints a failed command's diagnostics and a closing line:
/// "Build failed: 2 errors, 0 warnings; the output folder was left as it was".
fn failed(error: folio::Error, what: &str, consequence: &str) -> ExitCode {
    match error {
        folio::Error::Failed(diagnostics) => {
            eprint!("{diagnostics}");
            eprintln!(
                "{what}: {}, {}; {consequence}",
                count(diagnostics.error_count(), "error"),
                count(diagnostics.warning_count(), "warning")
            );
        }
        other => eprintln!("error: {other}"),
    }
    ExitCode::FAILURE
}

fn build(options: &folio::BuildOptions, timings: bool) -> ExitCode {
    match folio::build(options) {
        Ok(report) => {
            let site = &report.site;
            eprint!("{}", site.diagnostics);
            if timings {
                for stage in &site.timings.stages {
                    let peak = match stage.peak_memory {
                        Some(bytes) => format!("  peak {:>5} MiB", bytes >> 20),
                        None => String::new(),
                    };
                    let cpu = match stage.cpu {
                        Some(cpu) => format!("  cpu {:>8.1} ms", cpu.as_secs_f64() * 1000.0),
                        None => String::new(),
                    };
                    println!("{:>22}  {:>8.1} ms{cpu}{peak}", stage.name, stage.took.as_secs_f64() * 1000.0);
                }
            }
            let counts = site.image_counts;
            let images = match counts.images {
                0 => String::new(),
                n => format!(
                    ", {} ({} made, {} from the cache)",
                    count(n, "image"),
                    count(counts.made, "copy"),
                    counts.from_cache
                ),
            };
            println!(
                "Built {}, {}, {} copied{images}, {} ({}) in {} ms -> {}",
                count(site.pages, "page"),
                count(site.sections, "section"),
                count(site.assets, "asset"),
                count(site.diagnostics.warning_count(), "warning"),
                count(site.placeholders(), "placeholder link"),
                report.elapsed.as_millis(),
                site.output_dir.display()
            );
            // The process ends now: freeing a large site piece by piece would
            // only delay that.
            std::mem::forget(report);
            ExitCode::SUCCESS
        }
        Err(e) => failed(e, "Build failed", "the output folder was left as it was"),
    }
}

/// `--bind`: an IP address, or `localhost`.
fn parse_bind(value: &str) -> Result<std::net::IpAddr, String> {
    match value {
        "localhost" => Ok(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
        _ => value.parse().map_err(|_| format!("`{value}` is not an IP address, such as 127.0.0.1 or 0.0.0.0")),
    }
}
