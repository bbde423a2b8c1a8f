//! `folio import programme`: the 2024 Work Programme (the ground truth) and
//! documents of our own are imported and the files written are checked:
//! structure, front matter, funding, page-break repairs, no word lost,
//! re-imports and hand edits, malformed input, and the command line.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use folio::import::programme::{import_programme, FileStatus, ImportOptions, ImportReport, RepairKind, UNCLASSIFIED};
use serde_yaml::Value;

use common::{snapshot, stderr, stdout, Site};

const SEED: &str = "work-programme-2024.md";
const CRLF_2025: &str = "work-programme-2025-crlf.md";
const FIVE_AREAS_2019: &str = "work-programme-2019.md";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn options(source: PathBuf, year: u16, target: &Path, force: bool) -> ImportOptions {
    ImportOptions { source, year, target: target.to_path_buf(), force }
}

fn import(name: &str, year: u16, target: &Path) -> ImportReport {
    import_programme(&options(fixture(name), year, target, false))
        .unwrap_or_else(|e| panic!("importing {name} failed: {e}\n{e:?}"))
}

/// The seed, imported into a fresh folder.
fn seed() -> (tempfile::TempDir, PathBuf, ImportReport) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("content/programme/2024");
    let report = import(SEED, 2024, &target);
    (dir, target, report)
}

fn read(target: &Path, rel: &str) -> String {
    fs::read_to_string(target.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A written file's front matter and body.
fn page(target: &Path, rel: &str) -> (Value, String) {
    let text = read(target, rel);
    let rest = text.strip_prefix("---\n").unwrap_or_else(|| panic!("{rel} has no front matter:\n{text}"));
    let end = rest.find("\n---\n").unwrap_or_else(|| panic!("{rel}: front matter not closed"));
    let front: Value = serde_yaml::from_str(&rest[..end + 1]).unwrap_or_else(|e| panic!("{rel}: {e}"));
    (front, rest[end + 5..].to_string())
}

fn s<'a>(front: &'a Value, key: &str) -> &'a str {
    front[key].as_str().unwrap_or_else(|| panic!("`{key}` is not text in {front:?}"))
}

fn n(front: &Value, key: &str) -> u64 {
    front[key].as_u64().unwrap_or_else(|| panic!("`{key}` is not a number in {front:?}"))
}

/// Every file under `dir` (manifest included), relative, with `/`.
fn files(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(p, _)| p.to_string_lossy().replace('\\', "/")).collect()
}

fn md_files(dir: &Path) -> Vec<String> {
    files(dir).into_iter().filter(|f| f.ends_with(".md")).collect()
}

const SEED_ACTIVITIES: [(&str, &str); 14] = [
    ("1.1", "Drive mobilization and use of biodiversity data to support priority thematic areas of relevance"),
    ("1.2", "Advance GBIF's contribution to latest biodiversity modelling approaches"),
    ("2.1", "Support implementation of the post-2020 Global Biodiversity Framework"),
    ("2.2", "Support the 2030 Agenda for Sustainable Development"),
    ("2.3", "Support the science-policy interface"),
    ("2.4", "Support nature-positive outcomes from decisions in the business, financial and productive sectors"),
    ("3.1", "Communicating the value of GBIF"),
    ("3.2", "Support and strengthen GBIF nodes"),
    ("3.3", "Expand and strengthen national participation"),
    ("3.4", "Develop capacity and skills"),
    ("4.1", "Enhance robustness of the core GBIF infrastructure"),
    ("4.2", "Enhance support services for data publishers and users"),
    ("4.3", "Enhance features and capabilities of the GBIF infrastructure"),
    ("4.4", "Drive data standards development"),
];

fn activity_file(id: &str) -> String {
    format!("priority-area-{}/{}.md", id.split('.').next().unwrap(), id.replace('.', "-"))
}

// ---------------------------------------------------------------- the seed

#[test]
fn seed_writes_the_expected_tree() {
    let (_dir, target, report) = seed();
    let mut expected = vec![".folio-import.json".to_string(), "_index.md".into(), "colophon.md".into()];
    for area in 1..=4 {
        expected.push(format!("priority-area-{area}/_index.md"));
        expected.push(format!("priority-area-{area}/ongoing.md"));
    }
    expected.extend(SEED_ACTIVITIES.iter().map(|(id, _)| activity_file(id)));
    expected.sort();
    assert_eq!(files(&target), expected);
    assert_eq!(report.programme.areas.len(), 4);
    assert_eq!(report.programme.activity_count(), 14);
    assert_eq!(report.programme.ongoing_count(), 4);
    assert!(report.programme.warnings.items.is_empty(), "{}", report.programme.warnings);
    assert!(report.files.iter().all(|f| f.status == FileStatus::Created));
}

#[test]
fn seed_programme_front_matter_and_introduction() {
    let (_dir, target, _) = seed();
    let text = read(&target, "_index.md");
    let (front, body) = page(&target, "_index.md");
    assert_eq!(s(&front, "title"), "GBIF Work Programme 2024");
    assert_eq!(s(&front, "kind"), "programme");
    assert_eq!(n(&front, "year"), 2024);
    assert_eq!(s(&front, "subtitle"), "Annual Update and Implementation Plan to the Strategic Framework 2023-2027");
    assert_eq!(s(&front, "version"), "Version 1.0, 19 October 2023");
    assert_eq!(s(&front, "date"), "2023-10-19");
    assert_eq!(s(&front, "doi"), "https://doi.org/10.35035/doc-b226-sb32");
    assert_eq!(s(&front["signature"], "name"), "Joe Miller");
    assert_eq!(s(&front["signature"], "role"), "Executive Secretary, GBIF");
    let keys: Vec<&str> = front.as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
    assert_eq!(keys, ["title", "kind", "year", "subtitle", "version", "date", "doi", "signature"]);
    assert!(body.starts_with("## Introduction\n\nThis is the second annual GBIF Work Programme"), "{body}");
    assert!(body.ends_with("towards its strategic objectives.\n"), "{body}");
    assert!(!body.contains("Joe Miller") && !body.contains("Executive Secretary"), "{body}");
    assert!(text.ends_with('\n') && !text.ends_with("\n\n"));
}

#[test]
fn seed_priority_areas() {
    let (_dir, target, _) = seed();
    let areas = [
        ("Science and Research", "Improving biodiversity evidence for scientific research and understanding"),
        ("Policy and Partnerships", "Developing partnerships that benefit policy and society"),
        ("Community and Capacity", "Developing the GBIF network to meet future needs and challenges"),
        (
            "Infrastructure and data products",
            "Maintain and evolve infrastructure to advance biodiversity-related knowledge",
        ),
    ];
    for (i, (title, tagline)) in areas.iter().enumerate() {
        let number = i as u64 + 1;
        let (front, body) = page(&target, &format!("priority-area-{number}/_index.md"));
        assert_eq!(s(&front, "title"), *title);
        assert_eq!(s(&front, "kind"), "priority-area");
        assert_eq!(n(&front, "number"), number);
        assert_eq!(s(&front, "label"), format!("Priority Area {number}"));
        assert_eq!(s(&front, "tagline"), *tagline);
        assert_eq!(n(&front, "weight"), number);
        assert_eq!(body, "", "no text between the heading and the first activity");
        let keys: Vec<&str> = front.as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
        assert_eq!(keys, ["title", "kind", "number", "label", "tagline", "weight"]);
    }
}

#[test]
fn seed_activities_have_their_ids_titles_and_order() {
    let (_dir, target, _) = seed();
    let mut weight_in_area = BTreeMap::new();
    for (id, title) in SEED_ACTIVITIES {
        let rel = activity_file(id);
        let raw = read(&target, &rel);
        let (front, body) = page(&target, &rel);
        assert_eq!(s(&front, "title"), title, "{rel}");
        assert_eq!(s(&front, "kind"), "activity");
        assert_eq!(s(&front, "id"), id, "the id is a string");
        assert!(raw.contains(&format!("id: '{id}'")) || raw.contains(&format!("id: \"{id}\"")), "{raw}");
        assert_eq!(s(&front, "label"), format!("Activity {id}"));
        let area = id.split('.').next().unwrap().to_string();
        let weight = weight_in_area.entry(area).and_modify(|w| *w += 1).or_insert(1u64);
        assert_eq!(n(&front, "weight"), *weight, "{rel}");
        assert!(body.starts_with("## Projected outcomes for 2027\n\n- "), "{rel}:\n{body}");
        assert!(body.contains("\n\n## Indicative tasks for 2024\n\n- "), "{rel}:\n{body}");
        assert!(!body.contains("Expected funding"), "the funding line is shown apart: {rel}\n{body}");
        for line in body.lines().filter(|l| l.starts_with('#')) {
            assert!(line.starts_with("## ") && !line.starts_with("###"), "{rel}: heading not at ##: {line}");
        }
        let keys: Vec<&str> = front.as_mapping().unwrap().keys().map(|k| k.as_str().unwrap()).collect();
        let expected: &[&str] = if matches!(id, "2.4" | "3.1") {
            &["title", "kind", "id", "label", "weight", "note", "funding"]
        } else {
            &["title", "kind", "id", "label", "weight", "funding"]
        };
        assert_eq!(keys, expected, "{rel}");
    }
}

#[test]
fn seed_notes_are_verbatim() {
    let (_dir, target, _) = seed();
    let (front, body) = page(&target, "priority-area-2/2-4.md");
    assert_eq!(
        s(&front, "note"),
        "The proposed changes to the wording of this activity, which previously referred only to the private sector, recognize that the same approach applies to publicly owned corporations, financial institutions, and organizations in the productive sectors including agriculture, aquaculture, fisheries and forestry"
    );
    assert!(!body.contains("The proposed changes"));
    let (front, _) = page(&target, "priority-area-3/3-1.md");
    assert_eq!(
        s(&front, "note"),
        "The proposed change to Activity 3.1 (previously \"Making the business case for GBIF\"), consolidates the communication tasks needed to support activities across all Priority Areas under a single broader activity."
    );
}

fn amounts(front: &Value) -> Vec<(u64, String, String)> {
    front["funding"]["amounts"]
        .as_sequence()
        .unwrap_or_else(|| panic!("no amounts in {front:?}"))
        .iter()
        .map(|a| (n(a, "eur"), s(a, "type").to_string(), a["purpose"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn sources(front: &Value) -> Vec<String> {
    let list = front["funding"]["supplementary_sources"].as_sequence().expect("a list of sources");
    list.iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

fn own(list: &[(u64, &str, &str)]) -> Vec<(u64, String, String)> {
    list.iter().map(|(e, t, p)| (*e, t.to_string(), p.to_string())).collect()
}

#[test]
fn seed_funding_is_parsed_for_every_activity() {
    let (_dir, target, _) = seed();
    for (id, _) in SEED_ACTIVITIES {
        let (front, _) = page(&target, &activity_file(id));
        assert_eq!(s(&front["funding"], "label"), "Expected funding mechanisms and sources", "{id}");
        assert!(!s(&front["funding"], "text").contains("**"), "{id}");
    }
    let get = |id: &str| page(&target, &activity_file(id)).0;

    let f = get("1.1");
    assert_eq!(
        s(&f["funding"], "text"),
        "Salaried staff time apart from: external contract for systematic review update (€20,000 core funds); external contracts for priority thematic areas of relevance (€20,000 core funds, possible supplementary funds); contract for expanding data flows on human disease vectors (supplementary funds: [Bill & Melinda Gates Foundation](#) through the Vector Atlas project)"
    );
    assert_eq!(
        amounts(&f),
        own(&[
            (20000, "core", "external contract for systematic review update"),
            (20000, "core", "external contracts for priority thematic areas of relevance"),
        ])
    );
    assert_eq!(sources(&f), ["[Bill & Melinda Gates Foundation](#) through the Vector Atlas project"]);

    let f = get("1.2");
    assert_eq!(amounts(&f), own(&[(20000, "core", "workshop costs for managing ecological data streams")]));
    assert_eq!(sources(&f), ["[Horizon Europe](#) (BioDT)", "[Cornell Lab for Ornithology](#)"]);

    let f = get("2.1");
    assert!(amounts(&f).is_empty());
    assert_eq!(sources(&f), ["[Horizon Europe B-Cubed](#) project"]);

    let f = get("2.2");
    assert_eq!(
        amounts(&f),
        own(&[
            (10000, "core", "workshop costs for marine meeting"),
            (30000, "core", "external contract for ESG report")
        ])
    );
    let f = get("2.3");
    assert_eq!(sources(&f), ["[European Commission Directorate-General for International Partnerships](#)"]);
    let f = get("2.4");
    assert_eq!(
        amounts(&f),
        own(&[
            (45000, "core", "external contract to coordinate Data4Nature initiative"),
            (40000, "core", "meeting costs for forum"),
        ])
    );
    assert_eq!(sources(&f), ["Data4Nature partners"]);

    let f = get("3.1");
    assert_eq!(
        amounts(&f),
        own(&[
            (100000, "core", "external contracts and materials for communications strategy"),
            (25000, "core", "commission new set of animated videos"),
        ])
    );
    let f = get("3.2");
    assert_eq!(amounts(&f), own(&[(40000, "core", "support for pilot secondment programme")]));
    let f = get("3.3");
    assert_eq!(amounts(&f), own(&[(80000, "core", "external contracts for regional support teams")]));
    assert_eq!(
        sources(&f),
        [
            "[Norway](#) and [Finland](#) for Priority Area 3 Special Purpose Fund, [European Commission Directorate-General for International Partnerships](#) through the BID programme",
            "Priority Area 3 Special Purpose Fund",
        ]
    );

    let f = get("4.1");
    assert_eq!(
        amounts(&f),
        own(&[
            (20000, "core", "payment for Kubernetes platform training"),
            (100000, "core", "costs of hardware procurement")
        ])
    );
    let f = get("4.2");
    assert_eq!(amounts(&f), own(&[(20000, "core", "costs of ticketing system")]));
    let f = get("4.3");
    assert_eq!(sources(&f), ["[Horizon Europe](#)"]);
    let f = get("4.4");
    assert_eq!(
        s(&f["funding"], "text"),
        "salaried staff apart from: external contract to support further development of the unified data model (core funding)"
    );
    assert!(amounts(&f).is_empty() && sources(&f).is_empty());
}

#[test]
fn seed_page_break_cuts_are_joined() {
    let (_dir, target, report) = seed();
    let body = |id: &str| page(&target, &activity_file(id)).1;
    assert!(body("1.1").contains(
        "\n- Advance collaborative activities across priority thematic areas of relevance based on recommendations from the Science Committee, including [establishing a task group on invasive](#) alien species and engaging experts in agrobiodiversity\n- Strengthen and expand"
    ), "{}", body("1.1"));
    assert!(body("3.2").contains(
        "\n- Develop a process for replicating the survey of national nodes to capture information on the value of national investment in the GBIF network\n"
    ), "{}", body("3.2"));
    assert!(body("3.4").contains(
        "\n- Update materials within GBIF training courses aligned with the new data model, adding new materials and use cases as appropriate\n"
    ), "{}", body("3.4"));
    assert!(body("3.2").ends_with("in the GBIF network\n") && body("3.4").ends_with("as appropriate\n"));
    // The fourth cut is inside 4.4's funding line (checked in the funding test).
    let joins: Vec<usize> =
        report.programme.repairs.iter().filter(|r| r.kind == RepairKind::PageBreakJoin).map(|r| r.line).collect();
    assert_eq!(joins, [70, 236, 267, 363]);
    for (id, _) in SEED_ACTIVITIES {
        // Blank lines only after the two headings: no list was left loose by a page break.
        assert_eq!(body(id).matches("\n\n").count(), 3, "{id}:\n{}", body(id));
    }
}

#[test]
fn seed_orphaned_bullets_are_reindented() {
    let (_dir, target, report) = seed();
    let (_, body) = page(&target, "priority-area-3/3-1.md");
    assert!(
        body.contains(
            "  - The specific value that GBIF membership provides through exclusive services and opportunities for participating governments\n  - GBIF’s position as a data infrastructure and network that supports open data and open science\n  - GBIF’s record in managing effective capacity enhancement programmes"
        ),
        "{body}"
    );
    assert!(body.contains("documenting policy applications\n- Prepare a second series of animated videos"), "{body}");
    let reindents: Vec<_> = report.programme.repairs.iter().filter(|r| r.kind == RepairKind::Reindent).collect();
    assert_eq!(reindents.len(), 1);
    assert_eq!(reindents[0].line, 209);
    assert!(reindents[0].message.contains("2 bullets (lines 209\u{2013}210)"), "{}", reindents[0].message);
}

#[test]
fn seed_ongoing_blocks_and_colophon() {
    let (_dir, target, _) = seed();
    let titles = [
        "Ongoing activities to support science and research",
        "Ongoing activities to support policy and partnerships",
        "Ongoing activities to support community and capacity",
        "Ongoing activities to support infrastructure and data products",
    ];
    for (i, title) in titles.iter().enumerate() {
        let (front, body) = page(&target, &format!("priority-area-{}/ongoing.md", i + 1));
        assert_eq!(s(&front, "title"), *title);
        assert_eq!(s(&front, "kind"), "ongoing");
        assert_eq!(n(&front, "weight"), 1000);
        assert!(body.starts_with("- ") && !body.contains("\n\n"), "one tight list:\n{body}");
    }
    let (_, body) = page(&target, "priority-area-1/ongoing.md");
    assert_eq!(body.lines().count(), 9);
    assert!(body.contains("[Graduate Researchers Awards](#)(€20,000 from core funding in 2024)"));
    let (_, body) = page(&target, "priority-area-4/ongoing.md");
    assert!(body.starts_with("- Combined cost of contractors across priority area 4: €287,000 from core funds\n"));

    let (front, body) = page(&target, "colophon.md");
    assert_eq!(s(&front, "title"), "Colophon");
    assert_eq!(s(&front, "kind"), "page");
    assert_eq!(n(&front, "weight"), 10000);
    assert_eq!(
        body,
        "## Suggested citation\n\nGBIF Work Programme 2024: Annual Update and Implementation Plan to Strategic Framework 2023–2027 (2023) GBIF Secretariat: Copenhagen. <https://doi.org/10.35035/doc-b226-sb32>\n\n## Persistent URI\n\n<https://doi.org/10.35035/doc-b226-sb32>\n\n## Document control\n\nFinal version, approved at the 30th Meeting of the GBIF Governing Board, October 2022\n"
    );
}

#[test]
fn seed_table_of_contents_is_dropped() {
    let (_dir, target, report) = seed();
    assert_eq!(report.programme.toc, Some((10, 38)));
    for rel in md_files(&target) {
        let text = read(&target, &rel);
        assert!(!text.contains("Table of Contents") && !text.contains(".....") && !text.contains('\t'), "{rel}");
    }
}

#[test]
fn seed_placeholders_are_reported() {
    let (_dir, _target, report) = seed();
    let found = &report.programme.placeholders;
    assert_eq!(found.len(), 47);
    assert_eq!((found[0].line, found[0].text.as_str()), (42, "[Strategic Framework for 2023–2027](#)"));
    assert!(found.iter().any(|p| p.line == 123 && p.text == "[Convention on Migratory Species \\(CMS\\)](#)"));
    assert_eq!(found.iter().filter(|p| p.line == 254).count(), 3);
    assert_eq!(found.last().map(|p| (p.line, p.text.as_str())), Some((375, "[GitHub](#)")));
}

#[test]
fn seed_output_is_deterministic_and_lf_only() {
    let (_dir, target, _) = seed();
    let other = tempfile::tempdir().unwrap();
    import(SEED, 2024, other.path());
    assert_eq!(snapshot(&target), snapshot(other.path()));
    for (path, bytes) in snapshot(&target) {
        assert!(!bytes.contains(&b'\r'), "{}", path.display());
        assert!(bytes.ends_with(b"\n"), "{}", path.display());
    }
}

// ------------------------------------------------------ no word is lost

/// Markdown link targets `](...)` and autolink brackets removed.
fn strip_links(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..=i]);
        let after = &rest[i + 2..];
        rest = match after.find(')') {
            Some(close) => &after[close + 1..],
            None => after,
        };
    }
    out.push_str(rest);
    out.replace(['<', '>'], " ")
}

/// Maximal runs of alphanumeric characters, counted.
fn words(text: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for word in strip_links(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}

fn add(total: &mut BTreeMap<String, usize>, more: BTreeMap<String, usize>) {
    for (w, c) in more {
        *total.entry(w).or_insert(0) += c;
    }
}

/// The words of the input, without the lines from `toc` up to (not
/// including) `after_toc`.
fn input_words(name: &str, toc: Option<(&str, &str)>) -> BTreeMap<String, usize> {
    let text = fs::read_to_string(fixture(name)).unwrap().replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let skip = toc.map(|(start, end)| {
        let a = lines.iter().position(|l| *l == start).expect("toc heading");
        let b = lines.iter().position(|l| *l == end).expect("line after the toc");
        a..b
    });
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !skip.as_ref().is_some_and(|r| r.contains(i)))
        .map(|(_, l)| *l)
        .collect();
    words(&kept.join("\n"))
}

/// The words of every page: body plus the front matter values that carry
/// the document's words (not the derived ones).
fn output_words(target: &Path) -> BTreeMap<String, usize> {
    let mut total = BTreeMap::new();
    for rel in md_files(target) {
        let (front, body) = page(target, &rel);
        add(&mut total, words(&body));
        let values = [
            &front["title"],
            &front["label"],
            &front["subtitle"],
            &front["version"],
            &front["tagline"],
            &front["note"],
            &front["signature"]["name"],
            &front["signature"]["role"],
            &front["funding"]["label"],
            &front["funding"]["text"],
        ];
        for value in values.into_iter().filter_map(Value::as_str) {
            add(&mut total, words(value));
        }
    }
    total
}

fn assert_same_words(expected: &BTreeMap<String, usize>, got: &BTreeMap<String, usize>) {
    let mut diff = Vec::new();
    for word in expected.keys().chain(got.keys()) {
        let (e, g) = (expected.get(word).copied().unwrap_or(0), got.get(word).copied().unwrap_or(0));
        if e != g && !diff.iter().any(|(w, _, _)| w == word) {
            diff.push((word.clone(), e, g));
        }
    }
    assert!(diff.is_empty(), "words (input count, output count) that differ: {diff:?}");
}

#[test]
fn seed_every_word_but_the_toc_is_in_exactly_one_file() {
    let (_dir, target, _) = seed();
    let expected = input_words(SEED, Some(("# Table of Contents", "# Introduction")));
    assert!(expected.values().sum::<usize>() > 4000);
    assert_same_words(&expected, &output_words(&target));
}

#[test]
fn own_documents_lose_no_word_either() {
    let dir = tempfile::tempdir().unwrap();
    import(CRLF_2025, 2025, &dir.path().join("a"));
    assert_same_words(
        &input_words(CRLF_2025, Some(("# Contents", "# Introduction"))),
        &output_words(&dir.path().join("a")),
    );
    import(FIVE_AREAS_2019, 2019, &dir.path().join("b"));
    assert_same_words(&input_words(FIVE_AREAS_2019, None), &output_words(&dir.path().join("b")));
}

// ------------------------------------------------ documents of our own

#[test]
fn crlf_document_with_every_heading_at_level_one() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("programme/2025");
    let report = import(CRLF_2025, 2025, &target);
    assert!(fs::read(fixture(CRLF_2025)).unwrap().windows(2).any(|w| w == b"\r\n"), "the fixture is CRLF");
    assert_eq!(
        md_files(&target),
        [
            "_index.md",
            "colophon.md",
            "priority-area-1/1-1.md",
            "priority-area-1/1-10.md",
            "priority-area-1/_index.md",
            "priority-area-1/ongoing.md",
            "priority-area-2/2-1.md",
            "priority-area-2/_index.md",
        ]
    );
    for (_, bytes) in snapshot(&target) {
        assert!(!bytes.contains(&b'\r'));
    }
    let (front, body) = page(&target, "_index.md");
    assert_eq!(s(&front, "title"), "GBIF Work Programme 2025");
    assert_eq!(n(&front, "year"), 2025);
    assert_eq!(s(&front, "date"), "2025-03-03");
    assert_eq!(s(&front, "doi"), "https://doi.org/10.35035/example-2025");
    assert_eq!(s(&front["signature"], "name"), "Ann Example");
    assert_eq!(
        body,
        "## Introduction\n\nThe 2025 work programme continues the strategy adopted in 2022 and adds a few new tasks.\n"
    );

    let (front, _) = page(&target, "priority-area-1/_index.md");
    assert_eq!(s(&front, "label"), "Priority area 1", "the label is verbatim");
    assert_eq!(s(&front, "title"), "Data Mobilization");
    assert_eq!(s(&front, "tagline"), "Mobilizing data where it is missing");

    let (front, body) = page(&target, "priority-area-1/1-1.md");
    assert_eq!(s(&front, "note"), "This activity was renamed in 2025 to reflect its focus on gaps.");
    assert_eq!(
        amounts(&front),
        own(&[(15000, "core", "analysis contract"), (50000, "supplementary", "regional training")])
    );
    assert_eq!(sources(&front), ["[Sweden](#)"]);
    assert_eq!(
        body,
        "## Projected outcomes for 2027\n\n- Gaps in priority regions are reduced\n\n## Indicative tasks for 2025\n\n- Run a data gap analysis for the Pacific region and share its results with the nodes in the region before the regional meeting\n- Train data holders in the region\n"
    );

    let (front, _) = page(&target, "priority-area-1/1-10.md");
    assert_eq!((s(&front, "id"), n(&front, "weight")), ("1.10", 2));
    assert!(front.get("funding").is_none() && front.get("note").is_none());

    let (front, body) = page(&target, "priority-area-2/2-1.md");
    assert_eq!(s(&front, "title"), "Support open access", "bold markers removed");
    assert_eq!(amounts(&front), own(&[(1_500_000, "core", "core funds")]));
    assert!(body.contains("## Projected outcomes for 2027\n") && !body.contains("**"), "{body}");

    assert_eq!(report.programme.toc, Some((7, 16)));
    assert_eq!(report.programme.repairs.len(), 1);
    assert!(report.programme.warnings.items.is_empty(), "{}", report.programme.warnings);
}

#[test]
fn five_priority_areas_at_odd_levels() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("2019");
    let report = import(FIVE_AREAS_2019, 2019, &target);
    let p = &report.programme;
    assert_eq!(p.areas.len(), 5);
    let ids: Vec<&str> = p.activities().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["1.1", "2.1", "3.1", "4.1", "5.9", "5.12"]);
    assert!(p.colophon.is_none() && p.toc.is_none());
    assert!(!target.join("colophon.md").exists());

    let (front, body) = page(&target, "_index.md");
    assert_eq!(s(&front, "title"), "GBIF Work Programme 2019");
    assert_eq!(s(&front, "date"), "2019-06-12");
    assert!(front.get("doi").is_none() && front.get("subtitle").is_none() && front.get("signature").is_none());
    assert!(body.starts_with("## Introduction\n"));

    for number in 1..=5 {
        let (front, _) = page(&target, &format!("priority-area-{number}/_index.md"));
        assert_eq!(n(&front, "number"), number);
        assert_eq!(s(&front, "label"), format!("Priority Area {number}"));
    }
    let (front, body) = page(&target, "priority-area-3/_index.md");
    assert_eq!(s(&front, "title"), "Fill data gaps");
    assert_eq!(s(&front, "tagline"), "Focusing on what is missing");
    assert_eq!(body, "A paragraph about the area that sits before its first activity.\n");

    let (front, body) = page(&target, "priority-area-3/3-1.md");
    assert_eq!(s(&front, "title"), "Mobilize priority data", "a bold line that says it is an activity");
    assert_eq!(amounts(&front), own(&[(120000, "supplementary", "data mobilization grants")]));
    assert_eq!(sources(&front), ["[JRS Biodiversity Foundation](#)"]);
    assert_eq!(body, "## Indicative tasks for 2019\n\n- Mobilize data on invasive species\n");

    let (front, body) = page(&target, "priority-area-1/1-1.md");
    assert_eq!(s(&front, "title"), "Enhance national participation");
    assert_eq!(s(&front["funding"], "text"), "core funds (€30,000 core)");
    assert!(body.contains("## Projected outcomes for 2020\n"));

    let (front, body) = page(&target, "priority-area-2/2-1.md");
    assert!(front.get("note").is_none());
    assert_eq!(body, "- Keep the servers running\n");

    let (front, _) = page(&target, "priority-area-5/5-12.md");
    assert_eq!((s(&front, "id"), n(&front, "weight")), ("5.12", 2));

    // An unknown heading is kept, with its text, in the nearest page, and warned about.
    let (_, body) = page(&target, "priority-area-5/ongoing.md");
    assert_eq!(
        body,
        "- Produce the Science Review\n\n## Budget overview\n\nThe budget is presented in a separate document.\n"
    );
    let warnings = &p.warnings.items;
    assert_eq!(warnings.len(), 1, "{}", p.warnings);
    assert_eq!(warnings[0].code, UNCLASSIFIED);
    assert_eq!(warnings[0].location.as_ref().unwrap().line, 67);
    assert!(warnings[0].message.contains("Budget overview"));
}

// ---------------------------------------------- re-imports and hand edits

#[test]
fn reimport_is_byte_identical() {
    let (_dir, target, _) = seed();
    let before = snapshot(&target);
    let again = import(SEED, 2024, &target);
    assert_eq!(snapshot(&target), before);
    assert!(again.files.iter().all(|f| f.status == FileStatus::Unchanged), "{:?}", again.files);
    let manifest: serde_json::Value = serde_json::from_str(&read(&target, ".folio-import.json")).unwrap();
    assert_eq!(manifest["files"].as_object().unwrap().len(), 24);
    assert!(manifest["files"]["priority-area-1/1-1.md"].as_str().unwrap().starts_with("fnv1a64:"));
}

#[test]
fn hand_edits_are_kept_unless_forced() {
    let (_dir, target, _) = seed();
    let edited = read(&target, "priority-area-3/3-1.md").replace("Communicating the value", "Communicating the worth");
    fs::write(target.join("priority-area-3/3-1.md"), &edited).unwrap();

    let report = import(SEED, 2024, &target);
    assert_eq!(report.status_of("priority-area-3/3-1.md"), Some(FileStatus::KeptEdited));
    assert_eq!(read(&target, "priority-area-3/3-1.md"), edited);
    assert_eq!(report.count(|s| s == FileStatus::Unchanged), 23);
    // Still recognised as edited the next time.
    let report = import(SEED, 2024, &target);
    assert_eq!(report.status_of("priority-area-3/3-1.md"), Some(FileStatus::KeptEdited));

    let forced = import_programme(&options(fixture(SEED), 2024, &target, true)).unwrap();
    assert_eq!(forced.status_of("priority-area-3/3-1.md"), Some(FileStatus::Overwritten));
    assert!(read(&target, "priority-area-3/3-1.md").contains("title: Communicating the value of GBIF"));
    assert_eq!(import(SEED, 2024, &target).count(|s| s == FileStatus::Unchanged), 24);
}

#[test]
fn files_not_written_by_the_importer_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("2024");
    fs::create_dir_all(&target).unwrap();
    fs::write(target.join("colophon.md"), "---\ntitle: My own colophon\n---\n").unwrap();
    fs::write(target.join("notes.md"), "mine\n").unwrap();

    let report = import(SEED, 2024, &target);
    assert_eq!(report.status_of("colophon.md"), Some(FileStatus::KeptUnmanaged));
    assert_eq!(read(&target, "colophon.md"), "---\ntitle: My own colophon\n---\n");
    assert!(report.human().contains("kept (not written by folio import"), "{}", report.human());
    let report = import(SEED, 2024, &target);
    assert_eq!(report.status_of("colophon.md"), Some(FileStatus::KeptUnmanaged));

    let forced = import_programme(&options(fixture(SEED), 2024, &target, true)).unwrap();
    assert_eq!(forced.status_of("colophon.md"), Some(FileStatus::Overwritten));
    assert!(read(&target, "colophon.md").contains("## Suggested citation"));
    assert_eq!(read(&target, "notes.md"), "mine\n", "files the import does not produce are never touched");
}

#[test]
fn activities_gone_from_the_document_are_removed_unless_edited() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("2025");
    import(CRLF_2025, 2025, &target);
    let text = fs::read_to_string(fixture(CRLF_2025)).unwrap();
    let (start, end) = (text.find("# Activity 1.10").unwrap(), text.find("# Ongoing activities").unwrap());
    // Revisions of the same document, under its own name (another name
    // is another document, refused without --force).
    let shorter = dir.path().join("shorter").join(CRLF_2025);
    fs::create_dir_all(shorter.parent().unwrap()).unwrap();
    fs::write(&shorter, format!("{}{}", &text[..start], &text[end..])).unwrap();
    fs::write(target.join("priority-area-2/2-1.md"), "edited\n").unwrap();
    let shortest = dir.path().join("shortest").join(CRLF_2025);
    fs::create_dir_all(shortest.parent().unwrap()).unwrap();
    let (start, end) = (text.find("# Priority area 2").unwrap(), text.find("# Colophon").unwrap());
    fs::write(&shortest, format!("{}{}", &text[..start], &text[end..])).unwrap();

    let report = import_programme(&options(shorter, 2025, &target, false)).unwrap();
    assert_eq!(report.status_of("priority-area-1/1-10.md"), Some(FileStatus::Removed));
    assert!(!target.join("priority-area-1/1-10.md").exists());
    let report = import_programme(&options(shortest, 2025, &target, false)).unwrap();
    assert_eq!(report.status_of("priority-area-2/_index.md"), Some(FileStatus::Removed));
    assert_eq!(report.status_of("priority-area-2/2-1.md"), Some(FileStatus::KeptStale));
    assert_eq!(read(&target, "priority-area-2/2-1.md"), "edited\n");
}

// ------------------------------------------------------- malformed input

/// Imports `bytes` and expects an error mentioning `message` at `line`
/// (and `column`), with nothing written.
fn refused(bytes: &[u8], message: &str, line: usize, column: Option<usize>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("input.md");
    fs::write(&source, bytes).unwrap();
    let target = dir.path().join("content/programme/2024");
    let err = match import_programme(&options(source, 2024, &target, false)) {
        Ok(_) => panic!("{message}: the import should fail"),
        Err(folio::Error::Failed(d)) => d,
        Err(e) => panic!("{message}: unexpected error {e}"),
    };
    assert_eq!(err.error_count(), 1, "{err}");
    let d = &err.items[0];
    assert!(d.message.contains(message), "{}", d.message);
    let loc = d.location.as_ref().expect("a location");
    assert!(loc.file.ends_with("input.md"));
    assert_eq!(loc.line, line, "{err}");
    if let Some(column) = column {
        assert_eq!(loc.column, column, "{err}");
    }
    assert!(d.help.as_ref().is_some_and(|h| !h.is_empty()));
    assert!(!dir.path().join("content").exists(), "nothing may be written");
    let text = err.to_string();
    assert!(text.contains(&format!("input.md:{line}:")), "{text}");
    text
}

#[test]
fn a_document_without_priority_areas_is_refused() {
    let text =
        refused(b"# GBIF Work Programme 2024\n\n# Introduction\n\nSome text.\n", "no priority area found", 1, None);
    assert!(text.contains("1 | # GBIF Work Programme 2024"), "{text}");
    assert!(text.contains("help: the importer looks for headings such as"), "{text}");
}

#[test]
fn an_activity_outside_any_priority_area_is_refused() {
    let doc = "# GBIF Work Programme 2024\n\n## Activity 1.1: Lost\n\n- a task\n\n## Priority Area 1: Found\n";
    let text = refused(doc.as_bytes(), "Activity 1.1 is outside any priority area", 3, Some(4));
    assert!(text.contains("3 | ## Activity 1.1: Lost"), "{text}");
    let doc = "# T\n\n## Priority Area 1: A\n\n### Activity 1.1: X\n\n## Colophon\n\n### Activity 1.2: After\n";
    refused(doc.as_bytes(), "outside any priority area (after the colophon)", 9, None);
}

#[test]
fn a_duplicate_activity_id_is_refused() {
    let doc =
        "# T\r\n\r\n## Priority Area 1: A\r\n\r\n### Activity 1.1: X\r\n\r\n- a\r\n\r\n### **Activity 1.1: Y**\r\n";
    let text = refused(doc.as_bytes(), "activity 1.1 appears twice (first on line 5)", 9, Some(5));
    assert!(text.contains("9 | ### **Activity 1.1: Y**"), "{text}");
}

#[test]
fn empty_and_binary_files_are_refused() {
    refused(b"", "is empty", 1, Some(1));
    refused(b"\n  \n\n", "holds only blank lines", 1, Some(1));
    let text = refused(b"# T\nab\0\x01\x02binary", "not a text file: it holds a NUL byte", 2, Some(3));
    assert!(text.contains("2 | ab\u{2400}"), "{text}");
    let text = refused(b"# T\n\n## Priority Area 1: caf\xe9 au lait\n", "bytes that are not UTF-8", 3, Some(24));
    assert!(text.contains("help: folio imports"), "{text}");
}

#[test]
fn a_failed_import_leaves_a_previous_import_as_it_was() {
    let (dir, target, _) = seed();
    let before = snapshot(&target);
    let bad = dir.path().join("bad.md");
    fs::write(&bad, "# T\n\n## Priority Area 1: A\n\n### Activity 1.1: X\n\n### Activity 1.1: X again\n").unwrap();
    assert!(import_programme(&options(bad, 2024, &target, true)).is_err());
    assert_eq!(snapshot(&target), before);
}

#[test]
fn odd_inputs_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: [&[u8]; 10] = [
        b"#",
        b"**",
        b"# Priority Area 1\n",
        b"# Priority Area 1:\n# Activity 1.1:\n- **Expected funding\n",
        b"- \xe2\x82\xac\n# Priority Area 9: x\n## Activity 9.9: y\n  - Expected funding: \xe2\x82\xac (\xe2\x82\xac99999999999999999999999 core) supplementary funds: ((\n",
        b"\xef\xbb\xbf# Priority Area 1: A\r\r# Activity 1.1: B\r\rtext\r",
        b"# Priority Area 1: A\n```\n# Activity 1.1: not a heading\n\n\nlower case\n",
        b"# Priority Area 1: A\n## Activity 1.1: B\n- x\n  - GBIF a\n  - GBIF b\n\n\n- GBIF c\n\n\n\n",
        b"# Table of Contents\n# Priority Area 2: B\n## Suggested citation\n## Persistent URI\n<http://\n",
        b"# Priority Area 1: A\n## Ongoing activities\n## Ongoing activities again\n## Colophon\n## Colophon\n",
    ];
    for (i, input) in inputs.iter().enumerate() {
        let source = dir.path().join(format!("{i}.md"));
        fs::write(&source, input).unwrap();
        let _ = import_programme(&options(source, 2024, &dir.path().join(format!("out-{i}")), false));
    }
}

// ------------------------------------------------------------ command line

fn cli_import(site: &Site, args: &[&str]) -> std::process::Output {
    let seed = fixture(SEED);
    let mut all = vec!["import", "programme", seed.to_str().unwrap()];
    all.extend_from_slice(args);
    site.folio(&all)
}

#[test]
fn cli_imports_and_reports() {
    let site = Site::new();
    let out = cli_import(&site, &["--year", "2024", "--into", "wp"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    for expected in [
        "Imported “GBIF Work Programme 2024” (2024) from ",
        "Found 4 priority areas, 14 activities, 4 ongoing blocks, a colophon; dropped the table of contents (lines 10–38)\n",
        "  Priority Area 1: Science and Research (line 56)\n",
        "    Activity 3.1: Communicating the value of GBIF (line 185)\n",
        "      funding (line 304): €20,000 core, €100,000 core\n",
        "    Ongoing activities to support infrastructure and data products (line 367)\n",
        "Repairs: 11\n",
        "  line 70: joined a text cut by a page break with its continuation on line 72",
        "  line 209: re-indented 2 bullets (lines 209–210)",
        "  line 363: joined a text cut by a page break with its continuation on line 365",
        "Placeholder links: 47\n",
        "  line 75: [Vector Atlas](#)\n",
        "Warnings: 0\n",
        "Files in wp: 24 written, 0 unchanged, 0 kept\n",
        "  created    priority-area-3/3-1.md\n",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    let sections = ["Found ", "Repairs: ", "Placeholder links: ", "Warnings: ", "Files in "];
    let at: Vec<usize> = sections.iter().map(|s| text.find(s).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "sections in order");
    assert!(site.root().join("wp/priority-area-4/4-4.md").is_file());

    let again = cli_import(&site, &["--year", "2024", "--into", "wp"]);
    assert!(stdout(&again).contains("Files in wp: 0 written, 24 unchanged, 0 kept\n"), "{}", stdout(&again));

    fs::write(site.root().join("wp/_index.md"), "---\ntitle: Mine\n---\n").unwrap();
    let kept = cli_import(&site, &["--year", "2024", "--into", "wp"]);
    assert_eq!(kept.status.code(), Some(0));
    let text = stdout(&kept);
    assert!(text.contains("Files in wp: 0 written, 23 unchanged, 1 kept\n"), "{text}");
    assert!(text.contains("  kept (edited by hand; --force overwrites it) _index.md\n"), "{text}");
    assert!(text.contains("run again with --force"), "{text}");
    let forced = cli_import(&site, &["--year", "2024", "--into", "wp", "--force"]);
    assert!(stdout(&forced).contains("Files in wp: 1 written, 23 unchanged, 0 kept\n"), "{}", stdout(&forced));
}

#[test]
fn cli_writes_into_the_sites_content_by_default() {
    let site = Site::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let seed = fixture(SEED);
    let out = assert_cmd::Command::cargo_bin("folio")
        .unwrap()
        .current_dir(elsewhere.path())
        .args([
            "--root",
            site.root().to_str().unwrap(),
            "import",
            "programme",
            seed.to_str().unwrap(),
            "--year",
            "2024",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.root().join("content/programme/2024/priority-area-1/1-1.md").is_file());
    assert!(site.root().join("content/programme/2024/.folio-import.json").is_file());
    assert!(fs::read_dir(elsewhere.path()).unwrap().next().is_none());
}

#[test]
fn cli_failures_exit_with_1_and_write_nothing() {
    let site = Site::new();
    site.write("bad.md", "# GBIF Work Programme 2024\n\n## Activity 1.1: Lost\n");
    let out = site.folio(&["import", "programme", "bad.md", "--year", "2024"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: Activity 1.1 is outside any priority area"), "{err}");
    assert!(err.contains("--> bad.md:3:4"), "{err}");
    assert!(err.contains("Import failed: 1 error, 0 warnings; nothing was written"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!site.root().join("content").exists());

    let out = site.folio(&["import", "programme", "missing.md", "--year", "2024"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read missing.md"), "{}", stderr(&out));

    let out = site.folio(&["import", "programme", "bad.md"]);
    assert_eq!(out.status.code(), Some(2), "clap refuses a missing --year");
    assert!(stderr(&out).contains("--year"));
}

#[test]
fn the_imported_tree_builds() {
    let site = Site::new();
    let out = cli_import(&site, &["--year", "2024"]);
    assert!(out.status.success(), "{}", stderr(&out));
    site.build(&[]);
    // Where each page goes is the templates' business; the words must get there.
    let html: Vec<String> = snapshot(&site.public().join("programme/2024"))
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    assert!(html.len() >= 24, "{} pages", html.len());
    for words in
        ["Communicating the value of GBIF", "Suggested citation", "Ongoing activities to support science and research"]
    {
        assert!(html.iter().any(|page| page.contains(words)), "no page shows {words:?}");
    }
}
