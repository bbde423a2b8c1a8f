//! Fuzz targets that run on the stable toolchain: each target mutates the
//! inputs of its corpus (`tests/fuzz/<target>/`) with proptest, and checks
//! that the stage never panics and that what it reports points inside the
//! input.
//!
//! `cargo test --test fuzz` runs a short, reproducible pass of every
//! target (each corpus file as it is, then a fixed number of mutants). A
//! campaign runs one target for as long as asked, with a fresh seed:
//!
//! ```sh
//! FOLIO_FUZZ_TARGET=markdown FOLIO_FUZZ_SECONDS=1800 \
//!   nice -n 19 cargo test --release --test fuzz -- --ignored --nocapture campaign
//! ```
//!
//! A failing input is shrunk by proptest and saved into the target's
//! corpus as `found-<hash>`, so every later run replays it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use folio::diagnostics::{Diagnostic, Place, Severity};
use folio::index::SiteIndex;
use folio::links::{LinkResolver, SourceText};
use folio::markdown::{self, Highlighter, RenderOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

/// One edit of a seed. Positions are taken modulo the text's length, so a
/// mutation shrinks towards the start of the text and towards no edit.
#[derive(Debug, Clone)]
enum Mutation {
    /// Insert a dictionary token (`count` times, for nesting and long lines).
    Insert {
        at: usize,
        token: usize,
        count: usize,
    },
    Delete {
        at: usize,
        len: usize,
    },
    /// Repeat a slice of the text.
    Repeat {
        at: usize,
        len: usize,
        count: usize,
    },
    /// Put one character in place of another.
    Replace {
        at: usize,
        with: char,
    },
    /// Paste a slice of another seed.
    Splice {
        at: usize,
        seed: usize,
        from: usize,
        len: usize,
    },
}

struct Target {
    name: &'static str,
    dictionary: &'static [&'static str],
    /// Checks one input; `Err` says what went wrong.
    check: fn(&[u8]) -> Result<(), String>,
}

const FRONT_MATTER_TOKENS: &[&str] = &[
    "---\n",
    "...\n",
    "\r",
    "\r\n",
    "\n",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "<<: *a\n",
    "'",
    "\"",
    "\t",
    "\0",
    "# ",
    "|\n  ",
    ">\n  ",
    "title: ",
    "kind: activity\n",
    "kind: session\n",
    "kind: node\n",
    "kind: meeting\n",
    "date: 2021-06-22\n",
    "permalink: /x/\n",
    "height: 70vh\n",
    "!!binary ",
    "? ",
    "\u{feff}",
    "é",
    "id: \"1.1\"\n",
    "weight: 1\n",
    "toc: true\n",
    "start: \"14:00\"\n",
    "timezone: Europe/Copenhagen\n",
    "funding: ",
    "~",
    "null",
    "9999999999999999999999",
    ",",
    "!",
    "%YAML 1.2\n",
];

const MARKDOWN_TOKENS: &[&str] = &[
    "[a](#)",
    "[a]()",
    "[a](@/x.md#y)",
    "[b](../x.md)",
    "](",
    "{: .notification .is-info}\n",
    "{#id}",
    "{: #x .y}\n",
    "## ",
    "# ",
    "### Théme “1”\n",
    "```rust\nfn main() {}\n```\n",
    "```\n",
    "~~~\n",
    "{% include vimeo.html id=\"1\" %}",
    "{{ site.title }}",
    "{%",
    "%}",
    "{% if a %}",
    "{% endif %}",
    "<div>",
    "</div>",
    "![i](https://vimeo.com/1)",
    "![x](</a b.jpg>)",
    "[^1]",
    "[^1]: note\n",
    "|a|b|\n|-|-|\n|1|2|\n",
    "Activity 1.1",
    "activities 1.2 and 4.4",
    "(see also activities 1.2 and 4.4)",
    "\n",
    "\n\n",
    "> ",
    "* ",
    "1. ",
    "- [x] ",
    "`",
    "*",
    "_",
    "<",
    "&amp;",
    "\\",
    "<https://gbif.org>",
    "mailto:a@b",
    "[a]: /x/\n",
    "\t",
    "    ",
    "\r",
    "\0",
    "<!-- ",
    " -->",
];

const PROGRAMME_TOKENS: &[&str] = &[
    "# ",
    "## ",
    "### ",
    "Priority area ",
    "PRIORITY AREA 1: ",
    "Activity ",
    "1.1 ",
    "Projected outcomes\n",
    "Indicative tasks\n",
    "Funding: ",
    "€100,000 (core)",
    "EUR 25,000 supplementary",
    "Ongoing activities\n",
    "Colophon\n",
    "DOI: 10.15468/x",
    "Version 1.0",
    "[a](#)",
    "- ",
    "* ",
    "\n",
    "\n\n",
    "  ",
    "| a | b |\n",
    "Table of contents\n",
    "....... 12\n",
    "Introduction\n",
    "Work Programme 2024\n",
    "\r\n",
    "\r",
    "\0",
    "é",
    "activities 1.2 and 4.4",
    "{: .x}",
    "<br>",
    "1.",
    "•",
];

const JEKYLL_TOKENS: &[&str] = &[
    "{{ site.baseurl }}",
    "{{ site.url }}",
    "{{ \"/a/\" | relative_url }}",
    "{{ '/b' | absolute_url }}",
    "{% link about/team.md %}",
    "{% post_url 2021-06-01-welcome %}",
    "{% include vimeo.html id=\"566560669\" %}",
    "{% include youtube.html id=abc %}",
    "{% if page.x %}",
    "{% endif %}",
    "{% for a in b %}",
    "{% endfor %}",
    "{% raw %}",
    "{% endraw %}",
    "{% comment %}",
    "{% endcomment %}",
    "{% highlight ruby %}",
    "{% endhighlight %}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{:toc}",
    "* TOC\n{:toc}\n",
    "{: .notification}\n",
    "[a](#)",
    "```\n",
    "\n",
    "\n\n",
    "<div markdown=\"1\">",
    "</div>",
    "# ",
    "- ",
    "\t",
    "\r",
    "\0",
    "é",
    "{{-",
    "-}}",
    "|",
];

const TARGETS: &[Target] = &[
    Target { name: "front-matter", dictionary: FRONT_MATTER_TOKENS, check: check_front_matter },
    Target { name: "markdown", dictionary: MARKDOWN_TOKENS, check: check_markdown },
    Target { name: "programme", dictionary: PROGRAMME_TOKENS, check: check_programme },
    Target { name: "jekyll-body", dictionary: JEKYLL_TOKENS, check: check_jekyll_body },
];

/// A diagnostic's place must be a line of the input (or the line after
/// its last, for "never closed"), with that line's own text.
fn check_place(diagnostic: &Diagnostic, text: &str) -> Result<(), String> {
    let Some(location) = &diagnostic.location else { return Ok(()) };
    // CRLF and a lone CR end a line too.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count().max(1);
    if location.line > lines + 1 {
        return Err(format!("`{}` is placed at line {} of a {lines}-line input", diagnostic.message, location.line));
    }
    if location.line_text.len() > 4096 {
        return Err(format!("`{}` quotes {} bytes of its line", diagnostic.message, location.line_text.len()));
    }
    Ok(())
}

fn check_front_matter(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    match folio::content::document_from_bytes(input.to_vec(), "content/page.md".into(), "page.md".into()) {
        Ok(document) => {
            if document.body_start > document.text.len() || !document.text.is_char_boundary(document.body_start) {
                return Err(format!("body starts at {} in a {}-byte text", document.body_start, document.text.len()));
            }
            if document.text.contains('\0') {
                return Err("a NUL byte was accepted".into());
            }
            Ok(())
        }
        Err(diagnostic) => check_place(&diagnostic, &text),
    }
}

fn check_markdown(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let highlighter = Highlighter::new(true);
    let index = SiteIndex::default();
    let file = Path::new("page.md");
    let source = SourceText { file, text: &text };
    let mut links = LinkResolver::new(&index, file, source, "/page/", "/", Severity::Error);
    let options = RenderOptions { base_path: "/", highlighter: &highlighter, html: true, report: false, images: None };
    let rendered = markdown::render(&text, options, &mut links, &|offset| Place::Offset(offset));
    // Ids folio makes are unique; one an author wrote twice (`{#id}`) is
    // the author's to fix, and `folio check` reports it.
    let mut ids = std::collections::HashSet::new();
    for heading in &rendered.headings {
        if !ids.insert(heading.id.as_str()) && !text.contains(&format!("#{}", heading.id)) {
            return Err(format!("two headings have the id `{}`", heading.id));
        }
    }
    if rendered.html.contains("<iframe") {
        return Err("a video became an iframe".into());
    }
    for link in &links.links {
        if let Place::Offset(offset) = link.location {
            if offset > text.len() {
                return Err(format!("a link is placed at byte {offset} of {}", text.len()));
            }
        }
    }
    Ok(())
}

fn check_programme(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    match folio::import::programme::parse_programme(Path::new("programme.md"), input, 2024) {
        Ok(programme) => {
            // Every file the importer writes must be a page folio can read.
            for file in &programme.files {
                let rel = PathBuf::from(&file.path);
                let bytes = file.content.as_bytes().to_vec();
                if let Err(d) = folio::content::document_from_bytes(bytes, rel.clone(), rel) {
                    return Err(format!("the importer wrote {} that folio cannot read: {d}", file.path));
                }
            }
            Ok(())
        }
        Err(diagnostics) => diagnostics.items.iter().try_for_each(|d| check_place(d, &text)),
    }
}

fn check_jekyll_body(input: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(input);
    let by_path = HashMap::from([("about/team.md".to_string(), "/about/team/".to_string())]);
    let posts = HashMap::from([("2021-06-01-welcome".to_string(), "/2021/06/01/welcome.html".to_string())]);
    let links = folio::import::jekyll::BodyLinks { by_path: &by_path, posts: &posts, base_path: "/" };
    for html in [false, true] {
        let body = folio::import::jekyll::convert_body(Path::new("page.md"), &text, 0, html, links);
        for diagnostic in &body.not_carried_over {
            check_place(diagnostic, &text)?;
        }
    }
    Ok(())
}

fn corpus_dir(target: &Target) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz").join(target.name)
}

fn corpus(target: &Target) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(corpus_dir(target))
        .expect("every fuzz target has a corpus folder")
        .map(|entry| {
            let path = entry.expect("corpus entry").path();
            let bytes = std::fs::read(&path).expect("corpus file");
            (path, bytes)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus of {} is empty", target.name);
    files
}

fn mutation(tokens: usize, seeds: usize) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 0..tokens, prop_oneof![4 => Just(1usize), 1 => 2usize..64, 1 => 64usize..4096])
            .prop_map(|(at, token, count)| Mutation::Insert { at, token, count }),
        2 => (any::<usize>(), 1usize..256).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => (any::<usize>(), 1usize..64, 2usize..200).prop_map(|(at, len, count)| Mutation::Repeat { at, len, count }),
        2 => (any::<usize>(), any::<char>()).prop_map(|(at, with)| Mutation::Replace { at, with }),
        1 => (any::<usize>(), 0..seeds, any::<usize>(), 1usize..512)
            .prop_map(|(at, seed, from, len)| Mutation::Splice { at, seed, from, len }),
    ]
}

/// The char boundary at or before `at % (len + 1)`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(seed: &str, mutations: &[Mutation], dictionary: &[&str], seeds: &[String]) -> String {
    let mut text = seed.to_string();
    for m in mutations {
        match *m {
            Mutation::Insert { at, token, count } => {
                let at = boundary(&text, at);
                text.insert_str(at, &dictionary[token].repeat(count));
            }
            Mutation::Delete { at, len } => {
                let start = boundary(&text, at);
                let end = boundary(&text, (start + len).min(text.len()));
                text.replace_range(start..end.max(start), "");
            }
            Mutation::Repeat { at, len, count } => {
                let start = boundary(&text, at);
                let end = boundary(&text, (start + len).min(text.len()));
                let slice = text[start..end.max(start)].repeat(count);
                text.insert_str(start, &slice);
            }
            Mutation::Replace { at, with } => {
                let start = boundary(&text, at);
                let end = text[start..].chars().next().map_or(start, |c| start + c.len_utf8());
                text.replace_range(start..end, with.encode_utf8(&mut [0; 4]));
            }
            Mutation::Splice { at, seed, from, len } => {
                let other = &seeds[seed];
                let from = boundary(other, from);
                let to = boundary(other, (from + len).min(other.len()));
                let piece = other[from..to.max(from)].to_string();
                let at = boundary(&text, at);
                text.insert_str(at, &piece);
            }
        }
    }
    text
}

/// Runs `cases` mutants of `target`'s corpus; returns how many ran. A
/// failure is shrunk, saved into the corpus and reported.
fn fuzz(target: &Target, cases: u32, seed: RngSeed) -> Result<u64, String> {
    let corpus = corpus(target);
    for (path, bytes) in &corpus {
        (target.check)(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let seeds: Vec<String> = corpus.iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    let config = Config { cases, rng_seed: seed, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let runs = AtomicU64::new(0);
    let strategy = (0..seeds.len(), proptest::collection::vec(mutation(target.dictionary.len(), seeds.len()), 0..8));
    let result = runner.run(&strategy, |(seed, mutations)| {
        runs.fetch_add(1, Ordering::Relaxed);
        let input = apply(&seeds[seed], &mutations, target.dictionary, &seeds);
        let outcome = std::panic::catch_unwind(|| (target.check)(input.as_bytes()))
            .unwrap_or_else(|_| Err("the stage panicked".to_string()));
        outcome.map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => Ok(runs.into_inner() + corpus.len() as u64),
        Err(TestError::Fail(why, (seed, mutations))) => {
            let input = apply(&seeds[seed], &mutations, target.dictionary, &seeds);
            let hash = folio::import::programme::content_hash(input.as_bytes());
            let saved = corpus_dir(target).join(format!("found-{}", hash.trim_start_matches("fnv1a64:")));
            std::fs::write(&saved, &input).expect("save the failing input");
            Err(format!("{}: {why}; input saved as {}", target.name, saved.display()))
        }
        Err(TestError::Abort(why)) => Err(format!("{}: aborted: {why}", target.name)),
    }
}

/// The short pass CI runs: every corpus file, then 48 mutants of each target.
#[test]
fn every_target_survives_its_corpus_and_mutants() {
    // Panics are caught and reported as failures; their default message
    // would only repeat it.
    let failures: Vec<String> =
        TARGETS.iter().filter_map(|target| fuzz(target, 48, RngSeed::Fixed(0x5eed_f011)).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A long run of one target: `FOLIO_FUZZ_TARGET` (or all of them in turn),
/// for `FOLIO_FUZZ_SECONDS` each.
#[test]
#[ignore = "a fuzzing campaign: run it on purpose"]
fn campaign() {
    let only = std::env::var("FOLIO_FUZZ_TARGET").ok();
    let seconds: u64 = std::env::var("FOLIO_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let mut failures = Vec::new();
    for target in TARGETS.iter().filter(|t| only.as_deref().is_none_or(|name| name == t.name)) {
        let started = Instant::now();
        let mut executions = 0;
        let mut batch: u64 = 0;
        let mut found = Vec::new();
        // A finding is saved into the corpus and ends this target's run:
        // every later batch would replay it first.
        while started.elapsed() < Duration::from_secs(seconds) && found.is_empty() {
            let seed = RngSeed::Fixed(batch.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ std::process::id() as u64);
            match fuzz(target, 500, seed) {
                Ok(ran) => executions += ran,
                Err(failure) => {
                    println!("after {executions} executions: {failure}");
                    found.push(failure);
                }
            }
            batch += 1;
        }
        println!(
            "{}: {executions} executions in {} s, {} finding(s)",
            target.name,
            started.elapsed().as_secs(),
            found.len()
        );
        failures.extend(found);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
