//! What `folio build` does with content, templates and flags, checked on the
//! HTML it writes.

mod common;

use common::{attr, select, stderr, stdout, text, Site};

fn home(site: &Site) -> &Site {
    site.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")
}

#[test]
fn heading_ids_are_unique_explicit_ids_win_and_the_toc_nests() {
    let site = Site::new();
    home(&site).write(
        "content/ids.md",
        "---\ntitle: Ids\ntoc: true\n---\n## Notes\n\n### Détails & “quotes”\n\n## Notes\n\n## Chosen {#my-id}\n\n#### Deep\n",
    );
    site.build(&[]);
    let html = site.html("ids/index.html");
    let ids: Vec<String> = select(&html, ".prose [id]").iter().map(|e| attr(e, "id")).collect();
    assert_eq!(ids, ["notes", "détails--quotes", "notes-1", "my-id", "deep"]);
    let top: Vec<String> = select(&html, "nav.toc > details > ol > li > a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(top, ["#notes", "#notes-1", "#my-id"]);
    let nested: Vec<String> = select(&html, "nav.toc ol ol a").iter().map(|a| attr(a, "href")).collect();
    assert_eq!(nested, ["#détails--quotes", "#deep"]);
}

#[test]
fn toc_max_depth_limits_the_toc_and_no_toc_without_toc_true() {
    let site = Site::new();
    home(&site)
        .write("content/a.md", "---\ntitle: A\ntoc: true\ntocMaxDepth: 2\n---\n## One\n\n### Two\n")
        .write("content/b.md", "---\ntitle: B\n---\n## One\n");
    site.build(&[]);
    assert_eq!(select(&site.html("a/index.html"), "nav.toc a").len(), 1);
    assert!(select(&site.html("b/index.html"), "nav.toc").is_empty());
}

#[test]
fn title_comes_from_front_matter_then_first_heading_then_file_name() {
    let site = Site::new();
    home(&site)
        .write("content/from-heading.md", "# The Heading Title\n\nBody text.\n")
        .write("content/plain-text-file.md", "Just text.\n");
    site.build(&[]);
    let html = site.html("from-heading/index.html");
    assert_eq!(text(&select(&html, "h1")[0]), "The Heading Title");
    assert_eq!(select(&html, "h1").len(), 1, "the heading became the title, not a second h1");
    assert_eq!(text(&select(&site.html("plain-text-file/index.html"), "h1")[0]), "Plain text file");
}

#[test]
fn template_choice_and_site_overrides() {
    let site = Site::new();
    home(&site)
        .write("content/plain.md", "---\ntitle: Plain\n---\n")
        .write("content/jekyll.md", "---\ntitle: Jekyll\nlayout: post\n---\n")
        .write("content/chosen.md", "---\ntitle: Chosen\ntemplate: special.html\nlayout: post\n---\n")
        .write("content/node.md", "---\ntitle: Node\nkind: node\nwebsite: https://example.org\n---\n")
        .write("templates/special.html", "SPECIAL {{ page.title }}")
        .write("templates/post.html", "{% extends \"base.html\" %}{% block content %}SITE POST{% endblock content %}");
    site.build(&[]);
    assert_eq!(site.read("chosen/index.html"), "SPECIAL Chosen", "`template` wins over `layout`");
    assert!(site.read("jekyll/index.html").contains("SITE POST"), "the site's post.html overrides the theme's");
    let plain = site.read("plain/index.html");
    assert!(plain.contains("<h1>Plain</h1>") && !plain.contains("SITE POST"), "page.html from the theme");
    let node = site.html("node/index.html");
    assert_eq!(attr(&select(&node, ".facts a")[0], "href"), "https://example.org", "kind: node uses node.html");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new();
    home(&site)
        .write("content/draft.md", "---\ntitle: Draft\ndraft: true\n---\n")
        .write("content/wip/_index.md", "---\ntitle: WIP\ndraft: true\n---\n")
        .write("content/wip/inside.md", "---\ntitle: Inside\n---\n");
    site.build(&[]);
    for gone in ["draft/index.html", "wip/index.html", "wip/inside/index.html"] {
        assert!(!site.public().join(gone).exists(), "{gone} should be left out");
    }
    assert!(!site.read("index.html").contains("Draft"), "not listed either");
    site.build(&["--drafts"]);
    for here in ["draft/index.html", "wip/index.html", "wip/inside/index.html"] {
        assert!(site.public().join(here).is_file(), "{here} should be built with --drafts");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::bundled();
    site.build(&["--output", "one"]);
    site.build(&["--output", "two"]);
    let one = common::snapshot(&site.root().join("one"));
    let two = common::snapshot(&site.root().join("two"));
    assert!(one.len() > 5);
    assert_eq!(one, two);
}

#[test]
fn sections_nest_and_list_their_pages_in_order() {
    let site = Site::new();
    home(&site)
        .write("content/prog/_index.md", "---\ntitle: Programme\n---\n")
        .write("content/prog/b.md", "---\ntitle: Alpha\nkind: activity\nid: \"1.10\"\n---\n")
        .write("content/prog/a.md", "---\ntitle: Bravo\nkind: activity\nid: \"1.2\"\n---\n")
        .write("content/prog/first.md", "---\ntitle: Zulu\nweight: 1\n---\n")
        .write("content/prog/sub/_index.md", "---\ntitle: Sub\n---\n")
        .write("content/prog/sub/deep.md", "---\ntitle: Deep\n---\n");
    site.build(&[]);
    let section = site.html("prog/index.html");
    let pages: Vec<String> = select(&section, "#listing-pages ~ ul a").iter().map(text).collect();
    assert_eq!(pages, ["Zulu", "Bravo", "Alpha"], "weight, then id in natural order (1.2 before 1.10), then title");
    let subsections: Vec<String> = select(&section, "#listing-sections ~ ul a").iter().map(text).collect();
    assert_eq!(subsections, ["Sub"]);
    let deep = site.html("prog/sub/deep/index.html");
    let crumbs: Vec<String> = select(&deep, ".breadcrumbs a").iter().map(text).collect();
    assert_eq!(crumbs, ["Home", "Programme", "Sub"]);
}

#[test]
fn files_beside_pages_and_assets_are_copied_with_encoded_urls() {
    let site = Site::new();
    home(&site)
        .write("content/docs/_index.md", "---\ntitle: Docs\n---\n[Report](</docs/annual report é.pdf>)\n")
        .write("content/docs/annual report é.pdf", "%PDF-1.4 test")
        .write_bytes("assets/images/a b,c.png", &tiny_png())
        .write(
            "content/pic.md",
            "---\ntitle: Pic\nbackground: /assets/images/a b,c.png\n---\n![alt](</assets/images/a b,c.png>)\n",
        );
    site.build(&[]);
    assert!(site.public().join("docs/annual report é.pdf").is_file());
    assert!(site.public().join("assets/images/a b,c.png").is_file());
    let docs = site.html("docs/index.html");
    assert!(select(&docs, ".prose a").iter().any(|a| attr(a, "href") == "/docs/annual%20report%20%C3%A9.pdf"));
    let pic = site.html("pic/index.html");
    // The picture links to its original; its copies sit beside it.
    assert_eq!(attr(&select(&pic, ".prose a.image-link")[0], "href"), "/assets/images/a%20b%2Cc.png");
    let copy = attr(&select(&pic, ".prose img")[0], "src");
    assert!(copy.starts_with("/assets/images/a-b-c-3x2-") && copy.ends_with(".png"), "{copy}");
    assert!(site.public().join(copy.trim_start_matches('/')).is_file());
    assert!(attr(&select(&pic, ".hero img")[0], "src").starts_with("/assets/images/a-b-c-3x2-"));
}

/// A 3 x 2 PNG.
fn tiny_png() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(3, 2, image::Rgb([10, 120, 30])).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[test]
fn base_url_prefixes_internal_urls() {
    let site = Site::bundled();
    site.build(&["--base-url", "https://nodes.example.org/2021"]);
    let html = site.html("meetings/2021-global-nodes-meeting/sessions/index.html");
    let css = select(&html, "link[rel=stylesheet]");
    assert_eq!(attr(&css[0], "href"), "/2021/css/folio.css");
    let canonical = select(&html, "link[rel=canonical]");
    assert_eq!(
        attr(&canonical[0], "href"),
        "https://nodes.example.org/2021/meetings/2021-global-nodes-meeting/sessions/"
    );
    let hero = &select(&html, ".hero img")[0];
    assert!(
        attr(hero, "src").starts_with("/2021/assets/images/limenitis-reducta-staudinger-"),
        "{}",
        attr(hero, "src")
    );
    assert!(attr(hero, "srcset").split(", ").all(|c| c.starts_with("/2021/assets/images/")));
}

#[test]
fn code_is_highlighted_with_classes() {
    let site = Site::new();
    home(&site).write("content/code.md", "---\ntitle: Code\n---\n```rust\nfn main() {}\n```\n");
    site.build(&[]);
    let html = site.html("code/index.html");
    let pre = select(&html, "pre.code[data-lang=rust] span[class^=hl-]");
    assert!(!pre.is_empty(), "{}", site.read("code/index.html"));
    site.build(&["--no-highlight"]);
    assert!(select(&site.html("code/index.html"), "pre.code span").is_empty());
}

#[test]
fn a_site_without_a_themes_folder_gets_the_built_in_theme() {
    let site = Site::new();
    home(&site);
    assert!(!site.root().join("themes").exists());
    site.build(&[]);
    assert!(site.public().join("css/folio.css").is_file());
    let html = site.html("index.html");
    assert_eq!(select(&html, "a.skip-link[href='#main']").len(), 1);
    assert_eq!(select(&html, "main#main").len(), 1);
}

#[test]
fn a_site_theme_on_disk_replaces_the_built_in_one() {
    let site = Site::new();
    home(&site).write("themes/gbif/templates/section.html", "DISK THEME {{ page.title }}");
    site.build(&[]);
    assert_eq!(site.read("index.html"), "DISK THEME Home");
}

#[test]
fn root_is_accepted_before_or_after_the_subcommand_and_summary_is_one_line() {
    let site = Site::new();
    home(&site);
    let root = site.root().to_str().unwrap();
    for args in [vec!["--root", root, "build"], vec!["build", "--root", root]] {
        let out = assert_cmd::Command::cargo_bin("folio").unwrap().current_dir("/").args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let summary = stdout(&out);
        assert_eq!(summary.lines().count(), 1, "{summary}");
        assert!(summary.starts_with("Built 0 pages, 1 section, "), "{summary}");
        assert!(
            summary.contains(" assets copied, 0 warnings (0 placeholder links) in ") && summary.contains(" ms -> "),
            "{summary}"
        );
    }
}

#[test]
fn toc_and_extra_are_also_top_level_template_variables() {
    let site = Site::new();
    home(&site)
        .write(
            "content/a.md",
            "---\ntitle: A\ntoc: true\ntemplate: vars.html\ncolour: green\n---\n## One\n\n### Two\n\n## Three\n",
        )
        .write(
            "templates/vars.html",
            "{% for e in toc %}[{{ e.id }}]{% endfor %}|{% for e in page.toc %}[{{ e.id }}]{% endfor %}|\
             {{ extra.colour }}|{{ page.extra.colour }}",
        );
    site.build(&[]);
    assert_eq!(site.read("a/index.html"), "[one][three]|[one][three]|green|green");
}

#[test]
fn timings_name_each_stage_with_its_time_cpu_time_and_the_peak_memory_so_far() {
    let site = Site::new();
    home(&site).write("content/a.md", "# A\n\n```rust\nfn main() {}\n```\n");
    let out = stdout(&site.build(&["--timings"]));
    let stages = ["config and templates", "load", "tree and index", "markdown", "templates", "links"];
    let (mut peaks, mut cpu_total) = (Vec::new(), 0.0);
    for stage in stages.iter().chain(&["write the rest, swap"]) {
        let line = out.lines().find(|l| l.trim_start().starts_with(&format!("{stage}  "))).unwrap_or_else(|| {
            panic!("no line for `{stage}` in:\n{out}");
        });
        let fields: Vec<&str> = line[line.find(stage).unwrap() + stage.len()..].split_whitespace().collect();
        assert!(fields[0].parse::<f64>().is_ok() && fields[1] == "ms", "{line}");
        if cfg!(target_os = "linux") {
            assert_eq!((fields[2], fields[4], fields[5], fields[7]), ("cpu", "ms", "peak", "MiB"), "{line}");
            let cpu = fields[3].parse::<f64>().expect("CPU ms");
            assert!(cpu >= 0.0, "{line}");
            cpu_total += cpu;
            peaks.push(fields[6].parse::<u64>().expect("MiB"));
        }
    }
    // The peak so far can only grow, and a process holds at least a MiB;
    // loading the highlighter alone takes CPU time.
    assert!(peaks.windows(2).all(|w| w[0] <= w[1]) && peaks.iter().all(|&p| p >= 1), "{peaks:?}");
    assert!(!cfg!(target_os = "linux") || cpu_total > 0.0, "{out}");
    assert!(out.lines().last().unwrap().starts_with("Built 1 page"), "{out}");
}

#[test]
fn help_explains_every_flag() {
    let site = Site::new();
    let help = stdout(&site.folio(&["build", "--help"]));
    for flag in ["--root", "--output", "--drafts", "--base-url", "--no-highlight"] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    let version = stdout(&site.folio(&["--version"]));
    assert!(version.starts_with(&format!("folio {}", env!("CARGO_PKG_VERSION"))), "{version}");
}
