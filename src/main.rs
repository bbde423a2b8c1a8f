//! The `folio` command: parses arguments, calls the library, prints, and
//! sets the exit code. No logic lives here.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        /// Includes pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// The URL the site is published at, e.g. https://example.org/2021/; its path prefixes every internal link [default: `base_url` in site.yaml].
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Leaves code blocks unhighlighted (faster on code-heavy sites).
        #[arg(long)]
        no_highlight: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { output, drafts, base_url, no_highlight } => {
            let options = folio::BuildOptions { root: cli.root, output, drafts, base_url, highlight: !no_highlight };
            match folio::build(&options) {
                Ok(report) => {
                    let site = &report.site;
                    eprint!("{}", site.diagnostics);
                    println!(
                        "Built {}, {}, {} copied, {} in {} ms -> {}",
                        count(site.pages, "page"),
                        count(site.sections, "section"),
                        count(site.assets, "asset"),
                        count(site.diagnostics.warning_count(), "warning"),
                        report.elapsed.as_millis(),
                        site.output_dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(folio::Error::Failed(diagnostics)) => {
                    eprint!("{diagnostics}");
                    eprintln!(
                        "Build failed: {}, {}; the output folder was left as it was",
                        count(diagnostics.error_count(), "error"),
                        count(diagnostics.warning_count(), "warning")
                    );
                    ExitCode::FAILURE
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// "1 page", "2 pages".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
