//! Repairs of the damage PDF conversion does at page breaks. Each works on
//! the lines between two headings, keeps every word, and says what it did
//! and where.

use serde::Serialize;

use super::lines::{ends_sentence, fenced, first_word, head, is_fence, list_item, tail};
use super::source::Line;

/// One repair, at the input line where it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    pub line: usize,
    pub kind: RepairKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepairKind {
    /// A paragraph or list item cut by a page break, joined again.
    PageBreakJoin,
    /// Bullets that lost their indent after a page break, put back in the
    /// nested list they continue.
    Reindent,
    /// Blank lines a page break left between two items of one list.
    ListGap,
}

/// The repairs made on the lines under one heading, before the lines are
/// given to a page: page-break joins, then re-indented bullets.
pub(crate) fn repair_chunk(lines: Vec<Line>, repairs: &mut Vec<Repair>) -> Vec<Line> {
    let mut lines = join_page_breaks(lines, repairs);
    reindent_after_nested_list(&mut lines, repairs);
    lines
}

/// A line that does not end a sentence, one or more blank lines, then a
/// line that starts with a lower-case letter: one text cut in two.
fn join_page_breaks(lines: Vec<Line>, repairs: &mut Vec<Repair>) -> Vec<Line> {
    let mask = fenced(&lines);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        out.push(lines[i].clone());
        let fenced_line = mask[i];
        i += 1;
        if fenced_line {
            continue;
        }
        // The line just pushed, joined with as many continuations as follow.
        while let Some(last) = out.last().filter(|l| can_be_cut(&l.text)) {
            let mut j = i;
            while j < lines.len() && lines[j].is_blank() && !mask[j] {
                j += 1;
            }
            if j == i || j >= lines.len() || mask[j] || !continues(&lines[j].text) {
                break;
            }
            let next = &lines[j];
            let joined = format!("{} {}", last.text.trim_end(), next.text.trim());
            repairs.push(Repair {
                line: last.no,
                kind: RepairKind::PageBreakJoin,
                message: format!(
                    "joined a text cut by a page break with its continuation on line {}: \u{201c}{}\u{201d} + \u{201c}{}\u{201d}",
                    next.no,
                    tail(&last.text, 40),
                    head(&next.text, 40)
                ),
            });
            if let Some(last) = out.last_mut() {
                last.text = joined;
            }
            i = j + 1;
        }
    }
    out
}

fn can_be_cut(text: &str) -> bool {
    let t = text.trim_start();
    !t.is_empty()
        && !ends_sentence(text)
        && super::lines::atx_heading(text).is_none()
        && !is_fence(text)
        && !t.starts_with(['|', '<', '>'])
        && !t.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '))
}

fn continues(text: &str) -> bool {
    text.trim_start().chars().next().is_some_and(char::is_lowercase)
        && list_item(text).is_none()
        && super::lines::atx_heading(text).is_none()
}

/// A nested list, a page break (two or more blank lines), then bullets at
/// the outer level that start with the same word as most of the nested
/// list's items: they lost their indent and belong to the nested list.
fn reindent_after_nested_list(lines: &mut [Line], repairs: &mut Vec<Repair>) {
    let mask = fenced(lines);
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].is_blank() || mask[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].is_blank() {
            i += 1;
        }
        if i - start < 2 || start == 0 || i >= lines.len() {
            continue;
        }
        let Some((indent, words)) = nested_list_before(lines, start - 1) else { continue };
        let Some(word) = majority(&words) else { continue };
        let mut moved = Vec::new();
        let mut j = i;
        while j < lines.len() && !mask[j] {
            let Some((item_indent, offset)) = list_item(&lines[j].text) else { break };
            if item_indent >= indent || first_word(&lines[j].text[offset..]) != word {
                break;
            }
            lines[j].text = format!("{}{}", " ".repeat(indent), lines[j].text.trim_start());
            moved.push(lines[j].no);
            j += 1;
        }
        if let (Some(first), Some(last)) = (moved.first(), moved.last()) {
            let which = if first == last {
                "a bullet that lost its indent".to_string()
            } else {
                format!("{} bullets (lines {first}\u{2013}{last}) that lost their indent", moved.len())
            };
            repairs.push(Repair {
                line: *first,
                kind: RepairKind::Reindent,
                message: format!(
                    "re-indented {which} after a page break: they continue the nested list above, most of whose items start with \u{201c}{}\u{201d}",
                    first_word_as_written(lines, *first)
                ),
            });
        }
    }
}

/// The first word of line `no` as it is written, for the report.
fn first_word_as_written(lines: &[Line], no: usize) -> String {
    let line = lines.iter().find(|l| l.no == no).map_or("", |l| l.text.as_str());
    let content = list_item(line).map_or(line, |(_, o)| &line[o..]);
    content.split_whitespace().next().unwrap_or("").to_string()
}

/// The indent and first words of the nested list that ends at line `last`
/// (an item of a deeper level than the item it sits under).
fn nested_list_before(lines: &[Line], last: usize) -> Option<(usize, Vec<String>)> {
    let mut indent = None;
    let mut words = Vec::new();
    let mut k = last + 1;
    while k > 0 {
        k -= 1;
        let line = &lines[k];
        if line.is_blank() {
            return None;
        }
        let Some((item_indent, offset)) = list_item(&line.text) else { continue };
        match indent {
            None if item_indent == 0 => return None,
            None => {
                indent = Some(item_indent);
                words.push(first_word(&line.text[offset..]));
            }
            Some(nested) if item_indent == nested => words.push(first_word(&line.text[offset..])),
            Some(nested) if item_indent < nested => return (words.len() >= 2).then_some((nested, words)),
            Some(_) => {}
        }
    }
    None
}

/// The word more than half of `words` are, if there is one.
fn majority(words: &[String]) -> Option<String> {
    words.iter().find(|w| !w.is_empty() && words.iter().filter(|x| x == w).count() * 2 > words.len()).cloned()
}

/// Removes blank lines between two items of one list (a page break made
/// the list "loose"); runs of blank lines elsewhere become one.
pub(crate) fn close_list_gaps(lines: Vec<Line>, repairs: &mut Vec<Repair>) -> Vec<Line> {
    let mask = fenced(&lines);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].is_blank() || mask[i] {
            out.push(lines[i].clone());
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && lines[i].is_blank() && !mask[i] {
            i += 1;
        }
        let between_items = i < lines.len() && !mask[i] && list_item(&lines[i].text).is_some() && in_list(&out);
        if between_items {
            let n = i - start;
            let what = if n == 1 { "a blank line".to_string() } else { format!("{n} blank lines") };
            repairs.push(Repair {
                line: lines[start].no,
                kind: RepairKind::ListGap,
                message: format!(
                    "removed {what} between two items of a list (left by a page break) before line {}",
                    lines[i].no
                ),
            });
        } else if !out.is_empty() && i < lines.len() {
            out.push(lines[start].clone());
        }
    }
    out
}

/// Whether the last paragraph of `lines` belongs to a list.
fn in_list(lines: &[Line]) -> bool {
    lines.iter().rev().take_while(|l| !l.is_blank()).any(|l| list_item(&l.text).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line> {
        text.split('\n').enumerate().map(|(i, t)| Line { no: i + 1, text: t.to_string() }).collect()
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn joins_a_cut_item_and_keeps_sentences_apart() {
        let mut repairs = Vec::new();
        let out = repair_chunk(lines("- a [b](#)\n\nc d\n\n- E.\n\nf"), &mut repairs);
        assert_eq!(texts(&out), ["- a [b](#) c d", "", "- E.", "", "f"]);
        assert_eq!(repairs.len(), 1);
        assert_eq!(repairs[0].line, 1);
        assert!(repairs[0].message.contains("line 3"), "{}", repairs[0].message);
    }

    #[test]
    fn reindents_orphaned_siblings() {
        let mut repairs = Vec::new();
        let text = "- Refresh:\n  - GBIF's a\n  - GBIF's b\n  - The c\n\n\n\n- GBIF\u{2019}s d\n- GBIF\u{2019}s e\n- Prepare f";
        let out = repair_chunk(lines(text), &mut repairs);
        assert_eq!(out[7].text, "  - GBIF\u{2019}s d");
        assert_eq!(out[8].text, "  - GBIF\u{2019}s e");
        assert_eq!(out[9].text, "- Prepare f");
        assert_eq!(repairs[0].kind, RepairKind::Reindent);
        assert_eq!(repairs[0].line, 8);
        let closed = close_list_gaps(out, &mut repairs);
        assert_eq!(closed.len(), 7);
        assert_eq!(repairs[1].kind, RepairKind::ListGap);
    }

    #[test]
    fn one_blank_line_is_not_a_page_break_for_reindenting() {
        let mut repairs = Vec::new();
        let out = repair_chunk(lines("- R:\n  - A x\n  - A y\n\n- A z"), &mut repairs);
        assert_eq!(out[4].text, "- A z");
        assert!(repairs.is_empty());
    }

    #[test]
    fn gaps_only_between_list_items() {
        let mut repairs = Vec::new();
        let out = close_list_gaps(lines("\n\nPara\n\n\n- a\n\n- b\n\nPara 2\n\n"), &mut repairs);
        assert_eq!(texts(&out), ["Para", "", "- a", "- b", "", "Para 2"]);
        assert_eq!(repairs.len(), 1);
        assert_eq!(repairs[0].line, 7);
    }
}
