//! From the parsed document to files: front matter (through serde_yaml, keys
//! in a fixed order) and Markdown bodies, all in memory.

use serde::Serialize;

use super::funding;
use jiff::civil::Date;

use super::lines::{item_content, list_item};
use super::parse::{ActivityDraft, Body, Draft, PageDraft, Part};
use super::repair::{close_list_gaps, Repair};
use super::source::{Line, Source};
use super::{ActivitySummary, AreaSummary, GeneratedFile, ImportedProgramme, PageSummary, Placeholder};
use crate::content::kinds::{whole_euros, Funding, FundingType};
use crate::content::WrittenDate;
use crate::diagnostics::{Diagnostic, Diagnostics};

#[derive(Serialize)]
struct ProgrammeFront {
    title: String,
    kind: &'static str,
    year: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtitle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    doi: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<Signature>,
}

#[derive(Serialize)]
struct Signature {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
}

#[derive(Serialize)]
struct AreaFront<'a> {
    title: &'a str,
    kind: &'static str,
    number: u32,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tagline: Option<&'a str>,
    weight: u32,
}

#[derive(Serialize)]
struct ActivityFront<'a> {
    title: &'a str,
    kind: &'static str,
    id: &'a str,
    label: &'a str,
    weight: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    funding: Option<FundingFront<'a>>,
}

/// An activity's funding as its front matter writes it: the model's
/// fields, without the keys of what the text does not say.
#[derive(Serialize)]
struct FundingFront<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    text: &'a str,
    amounts: Vec<AmountFront<'a>>,
    supplementary_sources: &'a [String],
}

#[derive(Serialize)]
struct AmountFront<'a> {
    #[serde(serialize_with = "whole_euros")]
    eur: f64,
    #[serde(rename = "type")]
    funding_type: FundingType,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<&'a str>,
}

impl<'a> FundingFront<'a> {
    fn of(funding: &'a Funding) -> FundingFront<'a> {
        let amount = |a: &'a crate::content::kinds::FundingAmount| AmountFront {
            eur: a.eur,
            funding_type: a.funding_type,
            purpose: a.purpose.as_deref(),
        };
        FundingFront {
            label: funding.label.as_deref(),
            text: &funding.text,
            amounts: funding.amounts.iter().map(amount).collect(),
            supplementary_sources: &funding.supplementary_sources,
        }
    }
}

#[derive(Serialize)]
struct PageFront<'a> {
    title: &'a str,
    kind: &'static str,
    weight: u32,
}

/// Weights that put the ongoing block after a priority area's activities
/// and the colophon after everything.
const ONGOING_WEIGHT: u32 = 1000;
const COLOPHON_WEIGHT: u32 = 10000;

pub(crate) fn build(draft: Draft, source: &Source, year: u16) -> ImportedProgramme {
    let Draft {
        title, subtitle, version, signature, body, areas, colophon, toc, dropped, mut repairs, warnings, ..
    } = draft;
    let mut warnings = Diagnostics { items: warnings };
    let mut files = Vec::new();

    let doi = colophon.as_ref().and_then(|c| persistent_uri(&c.body));
    let date = version.as_deref().and_then(date_of);
    let title_text = title.as_ref().map_or_else(|| format!("GBIF Work Programme {year}"), |(t, _)| t.clone());
    let front = ProgrammeFront {
        title: title_text.clone(),
        kind: "programme",
        year,
        subtitle,
        version,
        date,
        doi,
        signature: signature.map(|(name, role)| Signature { name, role }),
    };
    files.push(GeneratedFile::new("_index.md", document(&front, &render(body, &mut repairs))));

    let mut summaries = Vec::new();
    for area in areas {
        let dir = format!("priority-area-{}", area.number);
        let front = AreaFront {
            title: &area.title,
            kind: "priority-area",
            number: area.number,
            label: &area.label,
            tagline: area.tagline.as_deref(),
            weight: area.number,
        };
        files.push(GeneratedFile::new(format!("{dir}/_index.md"), document(&front, &render(area.body, &mut repairs))));
        let mut activities = Vec::new();
        for (i, activity) in area.activities.into_iter().enumerate() {
            let (summary, file) = activity_file(activity, i + 1, &dir, source, &mut repairs, &mut warnings);
            files.push(file);
            activities.push(summary);
        }
        let ongoing = area.ongoing.map(|page| {
            let (summary, file) =
                page_file(page, "ongoing", ONGOING_WEIGHT, &format!("{dir}/ongoing.md"), &mut repairs);
            files.push(file);
            summary
        });
        summaries.push(AreaSummary {
            number: area.number,
            label: area.label,
            title: area.title,
            line: area.line,
            file: format!("{dir}/_index.md"),
            activities,
            ongoing,
        });
    }
    let colophon = colophon.map(|page| {
        let (summary, file) = page_file(page, "page", COLOPHON_WEIGHT, "colophon.md", &mut repairs);
        files.push(file);
        summary
    });

    repairs.sort_by_key(|r| r.line);
    warnings.sort();
    ImportedProgramme {
        source: source.file.clone(),
        year,
        title: title_text,
        areas: summaries,
        colophon,
        toc,
        repairs,
        placeholders: placeholders(source, &dropped),
        warnings,
        files,
    }
}

fn activity_file(
    mut activity: ActivityDraft,
    weight: usize,
    dir: &str,
    source: &Source,
    repairs: &mut Vec<Repair>,
    warnings: &mut Diagnostics,
) -> (ActivitySummary, GeneratedFile) {
    let funding = take_funding(&mut activity.body);
    if let Some(line) = find_funding(&activity.body) {
        warnings.push(
            Diagnostic::warning(format!("activity {} has a second funding line; it is kept in its body", activity.id))
                .code(super::parse::UNCLASSIFIED)
                .at(source.at(line, 1))
                .help("keep one `Expected funding mechanisms and sources` line per activity"),
        );
    }
    let note = take_note(&mut activity.body);
    let path = format!("{dir}/{}.md", activity.id.replace('.', "-"));
    let front = ActivityFront {
        title: &activity.title,
        kind: "activity",
        id: &activity.id,
        label: &activity.label,
        weight,
        note: note.as_deref(),
        funding: funding.as_ref().map(|(_, f)| FundingFront::of(f)),
    };
    let file = GeneratedFile::new(path.clone(), document(&front, &render(activity.body, repairs)));
    let summary = ActivitySummary {
        id: activity.id,
        label: activity.label,
        title: activity.title,
        line: activity.line,
        file: path,
        note,
        funding_line: funding.as_ref().map(|(line, _)| *line),
        funding: funding.map(|(_, f)| f),
    };
    (summary, file)
}

fn page_file(
    page: PageDraft,
    kind: &'static str,
    weight: u32,
    path: &str,
    repairs: &mut Vec<Repair>,
) -> (PageSummary, GeneratedFile) {
    let front = PageFront { title: &page.title, kind, weight };
    let file = GeneratedFile::new(path, document(&front, &render(page.body, repairs)));
    (PageSummary { title: page.title, line: page.line, file: path.to_string() }, file)
}

/// `---`, the YAML, `---`, the body; ends with a newline.
fn document<T: Serialize>(front: &T, body: &str) -> String {
    let mut text = format!("---\n{}---\n", crate::yaml::to_string(front));
    if !body.is_empty() {
        text.push_str(body);
        text.push('\n');
    }
    text
}

/// A body as Markdown: headings as `##`, blank lines between list items
/// removed, one blank line between blocks.
fn render(body: Body, repairs: &mut Vec<Repair>) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for part in body.parts {
        match part {
            Part::Heading(text) => blocks.push(format!("## {text}").trim_end().to_string()),
            Part::Text(lines) => {
                let lines = close_list_gaps(lines, repairs);
                let text: Vec<&str> = lines.iter().map(|l| if l.is_blank() { "" } else { l.text.as_str() }).collect();
                let text = text.join("\n");
                if !text.trim().is_empty() {
                    blocks.push(text);
                }
            }
        }
    }
    blocks.join("\n\n")
}

fn find_funding(body: &Body) -> Option<usize> {
    body.parts.iter().find_map(|part| match part {
        Part::Text(lines) => lines.iter().find(|l| funding::is_funding_line(&l.text)).map(|l| l.no),
        Part::Heading(_) => None,
    })
}

/// The first funding line of an activity (with lines that continue it),
/// removed from its body and parsed.
fn take_funding(body: &mut Body) -> Option<(usize, Funding)> {
    for part in &mut body.parts {
        let Part::Text(lines) = part else { continue };
        let Some(k) = lines.iter().position(|l| funding::is_funding_line(&l.text)) else { continue };
        let mut end = k + 1;
        while end < lines.len() && !lines[end].is_blank() && list_item(&lines[end].text).is_none() {
            end += 1;
        }
        let mut content = item_content(&lines[k].text).trim().to_string();
        for line in &lines[k + 1..end] {
            content.push(' ');
            content.push_str(line.text.trim());
        }
        let line = lines[k].no;
        lines.drain(k..end);
        return Some((line, funding::parse(&content)));
    }
    None
}

/// The paragraph(s) between an activity's heading and its first section
/// (outcomes or tasks), when they are plain text.
fn take_note(body: &mut Body) -> Option<String> {
    let has_sections = body.parts.iter().any(|p| matches!(p, Part::Heading(_)));
    let Some(Part::Text(lines)) = body.parts.first() else { return None };
    if !has_sections || lines.iter().any(|l| list_item(&l.text).is_some()) {
        return None;
    }
    let paragraphs: Vec<String> = super::parse::paragraphs(lines)
        .into_iter()
        .map(|(s, e)| lines[s..e].iter().map(|l| l.text.trim()).collect::<Vec<_>>().join("\n"))
        .collect();
    body.parts.remove(0);
    Some(paragraphs.join("\n\n"))
}

/// The URL under the colophon's "Persistent URI" heading.
fn persistent_uri(body: &Body) -> Option<String> {
    let mut parts = body.parts.iter();
    while let Some(part) = parts.next() {
        let Part::Heading(text) = part else { continue };
        let lower = text.to_ascii_lowercase();
        if !lower.starts_with("persistent") {
            continue;
        }
        if let Some(Part::Text(lines)) = parts.next() {
            return lines.iter().find_map(|l| url_in(&l.text));
        }
    }
    None
}

fn url_in(text: &str) -> Option<String> {
    let start = text.find("https://").or_else(|| text.find("http://"))?;
    let url: String =
        text[start..].chars().take_while(|c| !c.is_whitespace() && !matches!(c, '>' | ')' | ']')).collect();
    Some(url.trim_end_matches(['.', ',', ';']).to_string())
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A date in `Version 1.0, 19 October 2023` (also `October 19, 2023` and
/// `2023-10-19`).
pub(crate) fn date_of(text: &str) -> Option<Date> {
    let date = |y: u32, m: u32, d: u32| Date::new(y.try_into().ok()?, m.try_into().ok()?, d.try_into().ok()?).ok();
    for i in 0..text.len().saturating_sub(9) {
        if let Some(found) = text.get(i..i + 10).and_then(WrittenDate::parse) {
            return Some(found.date());
        }
    }
    let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let month = |w: &str| {
        let w = w.to_lowercase();
        MONTHS.iter().position(|m| w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == *m)).map(|i| i as u32 + 1)
    };
    let day =
        |w: &str| ["st", "nd", "rd", "th"].iter().find_map(|s| w.strip_suffix(s)).unwrap_or(w).parse::<u32>().ok();
    let year = |w: &str| (w.len() == 4).then(|| w.parse::<u32>().ok()).flatten();
    for window in words.windows(3) {
        let found = match (day(window[0]), month(window[1]), month(window[0]), day(window[1]), year(window[2])) {
            (Some(d), Some(m), _, _, Some(y)) => date(y, m, d),
            (_, _, Some(m), Some(d), Some(y)) => date(y, m, d),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn placeholders(source: &Source, dropped: &[usize]) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for line in source.lines() {
        if dropped.contains(&line.no) {
            continue;
        }
        for text in placeholder_texts(&line) {
            found.push(Placeholder { line: line.no, text });
        }
    }
    found
}

fn placeholder_texts(line: &Line) -> Vec<String> {
    let text = &line.text;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices("](#)") {
        let mut depth = 0usize;
        let mut i = at;
        let mut open = None;
        while i > 0 {
            i -= 1;
            let escaped = i > 0 && bytes[i - 1] == b'\\';
            match bytes[i] {
                b']' if !escaped => depth += 1,
                b'[' if !escaped && depth == 0 => {
                    open = Some(i);
                    break;
                }
                b'[' if !escaped => depth -= 1,
                _ => {}
            }
        }
        if let Some(open) = open {
            out.push(text[open..at + 4].to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates() {
        assert_eq!(date_of("Version 1.0, 19 October 2023"), Some(date(2023, 10, 19)));
        assert_eq!(date_of("Version 2, March 3rd 2025"), Some(date(2025, 3, 3)));
        assert_eq!(date_of("v1 2019-02-28"), Some(date(2019, 2, 28)));
        assert_eq!(date_of("Version 1.0, 31 February 2023"), None);
        assert_eq!(date_of("Version 1.0, October 2023"), None);
        assert_eq!(date_of("Version 1.0 – 5 Oct 2019"), Some(date(2019, 10, 5)));
        assert_eq!(date_of("é"), None);
    }

    #[test]
    fn placeholder_links() {
        let line = Line { no: 1, text: "a [Convention \\(CMS\\)](#) and [b [c]](#)(x) [d](e)".into() };
        assert_eq!(placeholder_texts(&line), ["[Convention \\(CMS\\)](#)", "[b [c]](#)"]);
    }

    #[test]
    fn urls() {
        assert_eq!(
            url_in("<https://doi.org/10.35035/doc-b226-sb32>").as_deref(),
            Some("https://doi.org/10.35035/doc-b226-sb32")
        );
        assert_eq!(url_in("see https://x.org/a."), Some("https://x.org/a".into()));
    }
}
