//! The document's structure, recognised by what its headings say (never by
//! their level): title, table of contents, introduction, priority areas,
//! activities with their outcomes and tasks, ongoing blocks, colophon.
//! Every line that is not part of the table of contents lands in exactly one
//! page; lines that fit nowhere are kept in the nearest page and warned about.

use std::collections::HashMap;

use super::lines::{atx_heading, bold_only, emphasised, is_fence, join_paragraph, list_item, plain};
use super::repair::{repair_chunk, Repair};
use super::source::{Line, Source};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The diagnostic code of text the importer kept but could not place.
pub const UNCLASSIFIED: &str = "import-unclassified";

/// What a heading says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Toc,
    Introduction,
    PriorityArea { number: u32, label: String, title: String },
    Activity { id: String, label: String, title: String },
    Outcomes,
    Tasks,
    Ongoing,
    Colophon,
    ColophonPart,
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Heading {
    pub line: usize,
    pub column: usize,
    /// The heading's words, without `#` and emphasis markers.
    pub text: String,
    pub kind: Kind,
}

/// A heading and the lines up to the next one.
struct Block {
    heading: Option<Heading>,
    lines: Vec<Line>,
}

/// A page's Markdown body: its headings (all written as `##`) and text.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub parts: Vec<Part>,
}

#[derive(Debug)]
pub(crate) enum Part {
    Heading(String),
    Text(Vec<Line>),
}

impl Body {
    fn heading(&mut self, text: &str) {
        self.parts.push(Part::Heading(text.to_string()));
    }

    fn text(&mut self, lines: Vec<Line>) {
        if lines.iter().any(|l| !l.is_blank()) {
            self.parts.push(Part::Text(lines));
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub title: Option<(String, usize)>,
    pub subtitle: Option<String>,
    pub version: Option<String>,
    pub signature: Option<(String, Option<String>)>,
    pub body: Body,
    pub areas: Vec<AreaDraft>,
    pub colophon: Option<PageDraft>,
    /// First and last line of the table of contents.
    pub toc: Option<(usize, usize)>,
    /// Lines dropped with the table of contents.
    pub dropped: Vec<usize>,
    pub repairs: Vec<Repair>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug)]
pub(crate) struct AreaDraft {
    pub number: u32,
    pub label: String,
    pub title: String,
    pub line: usize,
    pub tagline: Option<String>,
    pub body: Body,
    pub activities: Vec<ActivityDraft>,
    pub ongoing: Option<PageDraft>,
}

#[derive(Debug)]
pub(crate) struct ActivityDraft {
    pub id: String,
    pub label: String,
    pub title: String,
    pub line: usize,
    pub body: Body,
}

#[derive(Debug)]
pub(crate) struct PageDraft {
    pub title: String,
    pub line: usize,
    pub body: Body,
}

/// Where the parser is: which page new text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Programme,
    Area(usize),
    Activity(usize, usize),
    Ongoing(usize),
    Colophon,
}

pub(crate) fn parse(source: &Source, year: u16) -> Result<Draft, Diagnostics> {
    let mut parser = Parser {
        source,
        year,
        draft: Draft::default(),
        at: At::Programme,
        errors: Vec::new(),
        activity_lines: HashMap::new(),
        area_lines: HashMap::new(),
        seen_heading: false,
        seen_intro: false,
    };
    for block in blocks(source.lines()) {
        parser.block(block);
    }
    parser.finish()
}

struct Parser<'a> {
    source: &'a Source,
    year: u16,
    draft: Draft,
    at: At,
    errors: Vec<Diagnostic>,
    activity_lines: HashMap<String, usize>,
    area_lines: HashMap<u32, usize>,
    seen_heading: bool,
    seen_intro: bool,
}

impl Parser<'_> {
    fn block(&mut self, block: Block) {
        let Some(heading) = block.heading else {
            let lines = self.repaired(block.lines);
            self.keep_unclassified(lines, "text before the document's title");
            return;
        };
        let first = !self.seen_heading;
        self.seen_heading = true;
        let before_areas = self.at == At::Programme && self.draft.areas.is_empty();
        match heading.kind.clone() {
            Kind::Other if first => self.title(heading, block.lines),
            Kind::Toc if before_areas => self.toc(heading, block.lines),
            Kind::Introduction if before_areas && !self.seen_intro => self.introduction(heading, block.lines),
            Kind::PriorityArea { number, label, title } => self.area(heading, number, label, title, block.lines),
            Kind::Activity { id, label, title } => self.activity(heading, id, label, title, block.lines),
            Kind::Outcomes | Kind::Tasks if matches!(self.at, At::Activity(..)) => {
                let lines = self.repaired(block.lines);
                let body = self.body();
                body.heading(&heading.text);
                body.text(lines);
            }
            Kind::Ongoing => self.ongoing(heading, block.lines),
            Kind::Colophon => self.colophon(heading, block.lines),
            Kind::ColophonPart => self.colophon_part(heading, block.lines),
            _ => self.unrecognised(heading, block.lines),
        }
    }

    fn repaired(&mut self, lines: Vec<Line>) -> Vec<Line> {
        repair_chunk(lines, &mut self.draft.repairs)
    }

    fn body(&mut self) -> &mut Body {
        let draft = &mut self.draft;
        match self.at {
            At::Programme => &mut draft.body,
            At::Area(a) => &mut draft.areas[a].body,
            At::Activity(a, i) => &mut draft.areas[a].activities[i].body,
            At::Ongoing(a) => {
                let area = &mut draft.areas[a];
                match &mut area.ongoing {
                    Some(page) => &mut page.body,
                    None => &mut area.body,
                }
            }
            At::Colophon => match &mut draft.colophon {
                Some(page) => &mut page.body,
                None => &mut draft.body,
            },
        }
    }

    /// The page new text goes to, for messages.
    fn page_name(&self) -> String {
        let area = |a: usize| &self.draft.areas[a];
        match self.at {
            At::Programme => "the programme page (_index.md)".to_string(),
            At::Area(a) => format!("the page of {}", area(a).label),
            At::Activity(a, i) => format!("the page of {}", area(a).activities[i].label),
            At::Ongoing(a) => format!("the ongoing activities of {}", area(a).label),
            At::Colophon => "the colophon".to_string(),
        }
    }

    fn warn(&mut self, line: usize, column: usize, message: String, help: &str) {
        let d = Diagnostic::warning(message).code(UNCLASSIFIED).at(self.source.at(line, column)).help(help);
        self.draft.warnings.push(d);
    }

    fn error(&mut self, line: usize, column: usize, message: String, help: &str) {
        self.errors.push(Diagnostic::error(message).at(self.source.at(line, column)).help(help));
    }

    /// Text that fits nowhere: kept in the current page, with a warning.
    fn keep_unclassified(&mut self, lines: Vec<Line>, what: &str) {
        let Some(first) = lines.iter().find(|l| !l.is_blank()).map(|l| l.no) else { return };
        let message =
            format!("{what} is not part of the Work Programme's structure; it is kept in {}", self.page_name());
        self.warn(first, 1, message, "move it under the heading it belongs to, or delete it from the written page");
        self.body().text(lines);
    }

    fn unrecognised(&mut self, heading: Heading, lines: Vec<Line>) {
        let lines = self.repaired(lines);
        let what = match heading.kind {
            Kind::Outcomes | Kind::Tasks => "outside an activity",
            Kind::Toc => "after the introduction",
            Kind::Introduction => "in an unexpected place",
            _ => "not recognised",
        };
        let message = format!(
            "heading \u{201c}{}\u{201d} is {what}; it is kept, with its text, in {}",
            heading.text,
            self.page_name()
        );
        self.warn(
            heading.line,
            heading.column,
            message,
            "headings the importer understands say what they are: `Priority Area 1: …`, `Activity 1.1: …`, `Projected outcomes for 2027`, `Indicative tasks for 2024`, `Ongoing activities …`, `Colophon`",
        );
        let body = self.body();
        body.heading(&heading.text);
        body.text(lines);
    }

    fn title(&mut self, heading: Heading, lines: Vec<Line>) {
        let years = years_in(&heading.text);
        if let Some(found) = years.first().filter(|_| !years.contains(&self.year)) {
            let message = format!("the title says {found} but --year is {}", self.year);
            let d = Diagnostic::warning(message)
                .at(self.source.at(heading.line, heading.column))
                .help("check --year: it names the folder written and the `year` key");
            self.draft.warnings.push(d);
        }
        self.draft.title = Some((heading.text, heading.line));
        let lines = self.repaired(lines);
        let mut rest = Vec::new();
        for (start, end) in paragraphs(&lines) {
            let texts: Vec<&str> = lines[start..end].iter().map(|l| l.text.as_str()).collect();
            let first = texts[0].trim();
            if self.draft.subtitle.is_none() && self.draft.version.is_none() && rest.is_empty() && emphasised(&texts) {
                self.draft.subtitle = Some(plain(&join_paragraph(&texts)));
            } else if self.draft.version.is_none() && first.get(..7).is_some_and(|w| w.eq_ignore_ascii_case("version"))
            {
                self.draft.version = Some(join_paragraph(&texts));
            } else {
                rest.extend_from_slice(&lines[start..end]);
                rest.push(Line { no: lines[end - 1].no, text: String::new() });
            }
        }
        self.keep_unclassified(rest, "text under the title");
    }

    fn toc(&mut self, heading: Heading, lines: Vec<Line>) {
        let mut last = heading.line;
        self.draft.dropped.push(heading.line);
        let mut kept = Vec::new();
        for (k, line) in lines.iter().enumerate() {
            if line.is_blank() {
                kept.push(line.clone());
            } else if is_toc_entry(&line.text) || lines.get(k + 1).is_some_and(|n| is_toc_entry(&n.text)) {
                last = line.no;
                self.draft.dropped.push(line.no);
            } else {
                kept.push(line.clone());
            }
        }
        self.draft.toc = Some((heading.line, last));
        let kept = self.repaired(kept);
        self.keep_unclassified(kept, "text in the table of contents");
    }

    fn introduction(&mut self, heading: Heading, lines: Vec<Line>) {
        self.seen_intro = true;
        let mut lines = self.repaired(lines);
        self.draft.signature = take_signature(&mut lines);
        self.draft.body.heading(&heading.text);
        self.draft.body.text(lines);
    }

    fn area(&mut self, heading: Heading, number: u32, label: String, title: String, lines: Vec<Line>) {
        if let Some(first) = self.area_lines.get(&number) {
            let message = format!("{label} appears twice (first on line {first})");
            self.error(
                heading.line,
                heading.column,
                message,
                "each priority area has its own number; correct this heading's number",
            );
        }
        self.area_lines.entry(number).or_insert(heading.line);
        let title = if title.is_empty() {
            let message = format!("{label} has no title after its number");
            self.warn(
                heading.line,
                heading.column,
                message,
                "write the title after a colon: `Priority Area 1: Science and Research`",
            );
            label.clone()
        } else {
            title
        };
        let mut lines = self.repaired(lines);
        let tagline = take_tagline(&mut lines);
        let mut body = Body::default();
        body.text(lines);
        self.draft.areas.push(AreaDraft {
            number,
            label,
            title,
            line: heading.line,
            tagline,
            body,
            activities: Vec::new(),
            ongoing: None,
        });
        self.at = At::Area(self.draft.areas.len() - 1);
    }

    fn current_area(&self) -> Option<usize> {
        match self.at {
            At::Area(a) | At::Activity(a, _) | At::Ongoing(a) => Some(a),
            At::Programme | At::Colophon => None,
        }
    }

    fn activity(&mut self, heading: Heading, id: String, label: String, title: String, lines: Vec<Line>) {
        let lines = self.repaired(lines);
        let Some(a) = self.current_area() else {
            let where_ = if self.at == At::Colophon { "after the colophon" } else { "before the first priority area" };
            let message = format!("{label} is outside any priority area ({where_})");
            self.error(
                heading.line,
                heading.column,
                message,
                "put the priority area's heading (`## Priority Area 1: …`) before its activities, or correct this heading",
            );
            let body = self.body();
            body.heading(&heading.text);
            body.text(lines);
            return;
        };
        if let Some(first) = self.activity_lines.get(&id) {
            let message = format!("activity {id} appears twice (first on line {first})");
            self.error(
                heading.line,
                heading.column,
                message,
                "each activity id is unique; correct the number in one of the two headings",
            );
        }
        self.activity_lines.entry(id.clone()).or_insert(heading.line);
        let number = self.draft.areas[a].number;
        if id.split('.').next().and_then(|n| n.parse::<u32>().ok()) != Some(number) {
            let message = format!(
                "activity {id} is under {}, whose activities are numbered {number}.N",
                self.draft.areas[a].label
            );
            self.warn(
                heading.line,
                heading.column,
                message,
                "check the activity's number or where it sits in the document",
            );
        }
        let title = if title.is_empty() {
            let message = format!("{label} has no title after its number");
            self.warn(heading.line, heading.column, message, "write the title after a colon: `Activity 1.1: …`");
            label.clone()
        } else {
            title
        };
        let mut body = Body::default();
        body.text(lines);
        let area = &mut self.draft.areas[a];
        area.activities.push(ActivityDraft { id, label, title, line: heading.line, body });
        self.at = At::Activity(a, area.activities.len() - 1);
    }

    fn ongoing(&mut self, heading: Heading, lines: Vec<Line>) {
        let Some(a) = self.current_area() else { return self.unrecognised(heading, lines) };
        let lines = self.repaired(lines);
        if self.draft.areas[a].ongoing.is_some() {
            self.at = At::Ongoing(a);
            let message = format!("a second ongoing block in {}; it is added to the first", self.draft.areas[a].label);
            self.warn(
                heading.line,
                heading.column,
                message,
                "one `Ongoing activities …` heading per priority area is expected",
            );
            let body = self.body();
            body.heading(&heading.text);
            body.text(lines);
            return;
        }
        let mut body = Body::default();
        body.text(lines);
        self.draft.areas[a].ongoing = Some(PageDraft { title: heading.text, line: heading.line, body });
        self.at = At::Ongoing(a);
    }

    fn colophon(&mut self, heading: Heading, lines: Vec<Line>) {
        let lines = self.repaired(lines);
        if self.draft.colophon.is_some() {
            self.at = At::Colophon;
            self.warn(
                heading.line,
                heading.column,
                "a second colophon; it is added to the first".into(),
                "keep one colophon",
            );
            let body = self.body();
            body.heading(&heading.text);
            body.text(lines);
            return;
        }
        let mut body = Body::default();
        body.text(lines);
        self.draft.colophon = Some(PageDraft { title: heading.text, line: heading.line, body });
        self.at = At::Colophon;
    }

    fn colophon_part(&mut self, heading: Heading, lines: Vec<Line>) {
        if self.draft.colophon.is_none() {
            let message = format!(
                "\u{201c}{}\u{201d} comes without a `Colophon` heading; a colophon page is started",
                heading.text
            );
            self.warn(heading.line, heading.column, message, "add a `## Colophon` heading before it");
            self.draft.colophon =
                Some(PageDraft { title: "Colophon".to_string(), line: heading.line, body: Body::default() });
        }
        self.at = At::Colophon;
        let lines = self.repaired(lines);
        let body = self.body();
        body.heading(&heading.text);
        body.text(lines);
    }

    fn finish(mut self) -> Result<Draft, Diagnostics> {
        if self.draft.areas.is_empty() && self.errors.is_empty() {
            let (line, column) = match &self.draft.title {
                Some((_, line)) => (*line, 1),
                None => (self.source.lines().iter().find(|l| !l.is_blank()).map_or(1, |l| l.no), 1),
            };
            let message = format!("no priority area found in {}", self.source.file.display());
            self.error(
                line,
                column,
                message,
                "the importer looks for headings such as `## Priority Area 1: Science and Research` (any level; `Priority area` works too)",
            );
        }
        if !self.errors.is_empty() {
            let mut diagnostics = Diagnostics { items: self.errors };
            diagnostics.sort();
            return Err(diagnostics);
        }
        if self.draft.title.is_none() {
            let message =
                "the document has no title heading; the title is set to `GBIF Work Programme <year>`".to_string();
            self.warn(1, 1, message, "start the document with its title: `# GBIF Work Programme 2024`");
        }
        Ok(self.draft)
    }
}

/// Splits lines into blocks at headings (not inside fenced code).
fn blocks(lines: Vec<Line>) -> Vec<Block> {
    let mut out = vec![Block { heading: None, lines: Vec::new() }];
    let mut fenced = false;
    for line in lines {
        if is_fence(&line.text) {
            fenced = !fenced;
        } else if !fenced {
            if let Some(heading) = heading(&line) {
                out.push(Block { heading: Some(heading), lines: Vec::new() });
                continue;
            }
        }
        if let Some(block) = out.last_mut() {
            block.lines.push(line);
        }
    }
    out
}

/// An ATX heading of any level, or a line that is only bold text and says
/// it is a structural heading (`**Activity 1.1: …**`).
fn heading(line: &Line) -> Option<Heading> {
    if let Some(content) = atx_heading(&line.text) {
        let offset = content.as_ptr() as usize - line.text.as_ptr() as usize;
        let text = plain(content);
        let column = line.text.get(..offset).map_or(0, |s| s.chars().count()) + 1;
        return Some(Heading { line: line.no, column, kind: classify(&text), text });
    }
    let text = plain(bold_only(&line.text)?);
    let kind = classify(&text);
    let column = line.text.len() - line.text.trim_start().len() + 1;
    (!matches!(kind, Kind::Other | Kind::Toc)).then_some(Heading { line: line.no, column, text, kind })
}

/// What a heading's words say it is.
pub(crate) fn classify(text: &str) -> Kind {
    let lower = text.to_ascii_lowercase();
    let bare = lower.trim_end_matches([':', '.']).trim();
    match bare {
        "table of contents" | "contents" => return Kind::Toc,
        "introduction" => return Kind::Introduction,
        "colophon" => return Kind::Colophon,
        "suggested citation" | "persistent uri" | "persistent url" | "persistent identifier" | "document control" => {
            return Kind::ColophonPart
        }
        _ => {}
    }
    if let Some((label, number, title)) = numbered(text, &["priority", "area"]) {
        if let Ok(number) = number.parse::<u32>() {
            return Kind::PriorityArea { number, label, title };
        }
    }
    if let Some((label, id, title)) = numbered(text, &["activity"]) {
        let parts: Vec<&str> = id.split('.').collect();
        if parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4) {
            return Kind::Activity { id, label, title };
        }
    }
    if bare.starts_with("projected outcomes") {
        Kind::Outcomes
    } else if bare.starts_with("indicative tasks") {
        Kind::Tasks
    } else if bare.starts_with("ongoing activities") {
        Kind::Ongoing
    } else {
        Kind::Other
    }
}

/// `Priority Area 1: Title` -> (`Priority Area 1`, `1`, `Title`): the words
/// (any case, any spacing), a number (digits and dots), a separator.
fn numbered(text: &str, words: &[&str]) -> Option<(String, String, String)> {
    let mut rest = text;
    for (k, word) in words.iter().enumerate() {
        if k > 0 {
            let trimmed = rest.trim_start();
            if trimmed.len() == rest.len() {
                return None;
            }
            rest = trimmed;
        }
        if !rest.get(..word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word)) {
            return None;
        }
        rest = &rest[word.len()..];
    }
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() {
        return None;
    }
    rest = trimmed;
    let length = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    let number = rest[..length].trim_end_matches('.');
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) || number.contains("..") {
        return None;
    }
    let label_end = text.len() - rest.len() + number.len();
    let after = text[label_end..].trim_start();
    if after.starts_with(|c: char| c.is_alphanumeric()) && after.len() == text[label_end..].len() {
        return None;
    }
    let title = after.strip_prefix([':', '.', '\u{2013}', '\u{2014}', '-', '|']).unwrap_or(after).trim();
    Some((text[..label_end].to_string(), number.to_string(), title.to_string()))
}

/// A table of contents line: dot leaders (or a tab) and a page number.
fn is_toc_entry(text: &str) -> bool {
    let t = text.trim_end();
    let number = t.trim_end_matches(|c: char| c.is_ascii_digit());
    if number.len() == t.len() || number.trim().is_empty() {
        return false;
    }
    let leader = number.trim_end_matches([' ', '\t']);
    leader.ends_with("...") || leader.ends_with('\u{2026}') || number.ends_with('\t')
}

/// Non-blank runs of lines, as index ranges.
pub(crate) fn paragraphs(lines: &[Line]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, line) in lines.iter().enumerate() {
        match (line.is_blank(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, lines.len()));
    }
    out
}

/// The signature closing the introduction: a bold name and a role, on one
/// or two lines or paragraphs. Removed from `lines`.
fn take_signature(lines: &mut Vec<Line>) -> Option<(String, Option<String>)> {
    let paras = paragraphs(lines);
    let &(start, end) = paras.last()?;
    let is_role = |text: &str| text.chars().count() <= 120 && !text.trim_end().ends_with('.');
    if let Some(name) = bold_only(&lines[start].text) {
        let name = plain(name);
        if end - start == 1 {
            lines.truncate(start);
            return Some((name, None));
        }
        let rest: Vec<&str> = lines[start + 1..end].iter().map(|l| l.text.as_str()).collect();
        let role = plain(&join_paragraph(&rest));
        if end - start <= 3 && is_role(&role) {
            lines.truncate(start);
            return Some((name, Some(role)));
        }
        return None;
    }
    let &(name_start, name_end) = paras.iter().rev().nth(1)?;
    let name = bold_only(&lines[name_start].text).filter(|_| name_end - name_start == 1)?;
    let texts: Vec<&str> = lines[start..end].iter().map(|l| l.text.as_str()).collect();
    let role = plain(&join_paragraph(&texts));
    if end - start > 2 || !is_role(&role) || list_item(texts[0]).is_some() {
        return None;
    }
    let name = plain(name);
    lines.truncate(name_start);
    Some((name, Some(role)))
}

/// The italic line under a priority area's heading. Removed from `lines`.
fn take_tagline(lines: &mut Vec<Line>) -> Option<String> {
    let &(start, end) = paragraphs(lines).first()?;
    let texts: Vec<&str> = lines[start..end].iter().map(|l| l.text.as_str()).collect();
    if !emphasised(&texts) {
        return None;
    }
    let tagline = plain(&join_paragraph(&texts));
    lines.drain(..end);
    Some(tagline)
}

/// Four-digit years (1900–2999) among the words of `text`.
fn years_in(text: &str) -> Vec<u16> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse::<u16>().ok())
        .filter(|y| (1900..3000).contains(y))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_words() {
        assert_eq!(
            classify("Priority area 12 – Data"),
            Kind::PriorityArea { number: 12, label: "Priority area 12".into(), title: "Data".into() }
        );
        assert_eq!(
            classify("Activity 5.12: Mature things"),
            Kind::Activity { id: "5.12".into(), label: "Activity 5.12".into(), title: "Mature things".into() }
        );
        assert_eq!(classify("Activity 1: no"), Kind::Other);
        assert_eq!(classify("Activityx 1.1: no"), Kind::Other);
        assert_eq!(classify("Activity 1.1a"), Kind::Other);
        assert_eq!(classify("Indicative tasks for 2031"), Kind::Tasks);
        assert_eq!(classify("PROJECTED OUTCOMES FOR 2027"), Kind::Outcomes);
        assert_eq!(classify("Ongoing activities to support x"), Kind::Ongoing);
        assert_eq!(classify("Table of Contents"), Kind::Toc);
        assert_eq!(classify("Persistent URI"), Kind::ColophonPart);
        assert_eq!(classify("Background"), Kind::Other);
    }

    #[test]
    fn toc_entries() {
        assert!(is_toc_entry("Introduction .....\t1"));
        assert!(is_toc_entry("Activity 1.1: Drive 4.4 .....\t12"));
        assert!(is_toc_entry("Colophon\t12"));
        assert!(!is_toc_entry("Version 1.0, 19 October 2023"));
        assert!(!is_toc_entry("2024"));
    }

    fn lines(text: &str) -> Vec<Line> {
        text.split('\n').enumerate().map(|(i, t)| Line { no: i + 1, text: t.to_string() }).collect()
    }

    #[test]
    fn signatures() {
        let mut l = lines("Para.\n\n**Joe Miller**\n\nExecutive Secretary, GBIF\n");
        assert_eq!(take_signature(&mut l), Some(("Joe Miller".into(), Some("Executive Secretary, GBIF".into()))));
        assert_eq!(l.len(), 2);
        let mut l = lines("Para.\n\n**Ann**  \n*Head*\n");
        assert_eq!(take_signature(&mut l), Some(("Ann".into(), Some("Head".into()))));
        let mut l = lines("Para.\n\nLast paragraph ends.\n");
        assert_eq!(take_signature(&mut l), None);
        assert_eq!(l.len(), 4);
    }
}
