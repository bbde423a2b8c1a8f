//! The "Expected funding mechanisms and sources" line of an activity: its
//! label, its text, the euro amounts in it (with what each pays for and
//! whether it is core or supplementary money) and the supplementary
//! sources it names.

use super::lines::{bold_only, item_content};
use crate::content::kinds::{Funding, FundingAmount, FundingType};

/// Whether a line (list item at any indent, bold or not) is a funding line.
pub(crate) fn is_funding_line(text: &str) -> bool {
    let content = item_content(text).trim_start_matches(['*', '_']).trim_start();
    content.get(..16).is_some_and(|s| s.eq_ignore_ascii_case("expected funding"))
}

/// Parses a funding line's content (its list marker already removed).
pub(crate) fn parse(content: &str) -> Funding {
    let (label, text) = split_label(content.trim());
    Funding { amounts: amounts(&text), supplementary_sources: supplementary_sources(&text), label: Some(label), text }
}

/// `**Label:** text`, `**Label**: text`, `Label: text`.
fn split_label(content: &str) -> (String, String) {
    for marker in ["**", "__"] {
        if let Some(rest) = content.strip_prefix(marker) {
            if let Some(end) = rest.find(marker) {
                let label = rest[..end].trim().trim_end_matches(':').trim_end();
                let text = rest[end + marker.len()..].trim_start().trim_start_matches(':').trim();
                return (label.to_string(), text.to_string());
            }
        }
    }
    if let Some(inner) = bold_only(content) {
        return (inner.trim_end_matches(':').trim().to_string(), String::new());
    }
    match content.find(':') {
        Some(i) => (content[..i].trim().to_string(), content[i + 1..].trim().to_string()),
        None => {
            let lower = content.to_ascii_lowercase();
            let words = content.char_indices().nth(16).map_or(content.len(), |(i, _)| i);
            let end = lower.find("sources").map_or(words, |i| i + "sources".len());
            (
                content[..end].trim().to_string(),
                content[end..].trim_start_matches([' ', '-', '\u{2013}', '\u{2014}']).trim().to_string(),
            )
        }
    }
}

/// Every `€N` in `text`, with its type and purpose.
pub(crate) fn amounts(text: &str) -> Vec<FundingAmount> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices('\u{20ac}') {
        let after = at + '\u{20ac}'.len_utf8();
        let Some((eur, end)) = number_at(text, after) else { continue };
        let purpose = Some(purpose_before(text, at)).filter(|p| !p.is_empty());
        found.push(FundingAmount { eur: eur as f64, funding_type: kind_after(&text[end..]), purpose });
    }
    found
}

/// The amount that starts at `from` (`20,000`, `1.5 million`, `40k`) and
/// the byte offset where it ends.
fn number_at(text: &str, from: usize) -> Option<(u64, usize)> {
    let rest = &text[from..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\u{a0}', '\u{202f}']).len();
    let start = from + skipped;
    let bytes = text.as_bytes();
    let mut end = start;
    while end < bytes.len() {
        let b = bytes[end];
        let separator_then_digit =
            matches!(b, b',' | b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) && end > start;
        if b.is_ascii_digit() || separator_then_digit {
            end += 1;
        } else {
            break;
        }
    }
    if end == start {
        return None;
    }
    let digits = &text[start..end];
    let tail = text[end..].trim_start().to_ascii_lowercase();
    let (multiplier, end) = if tail.starts_with("million") {
        (1_000_000.0, end + text[end..].to_ascii_lowercase().find("million").unwrap_or(0) + "million".len())
    } else if text[end..].starts_with(['k', 'K']) && !text[end + 1..].starts_with(char::is_alphanumeric) {
        (1_000.0, end + 1)
    } else {
        (1.0, end)
    };
    let value = if multiplier > 1.0 {
        let decimal = digits.replace(',', ".");
        decimal.parse::<f64>().ok().filter(|v| v.is_finite()).map(|v| (v * multiplier).round() as u64)?
    } else {
        // Thousands separators; a last group of one or two digits is cents.
        let whole = match digits.rfind([',', '.']) {
            Some(i) if digits.len() - i - 1 < 3 => &digits[..i],
            _ => digits,
        };
        whole.replace([',', '.'], "").parse::<u64>().ok()?
    };
    Some((value, end))
}

/// `core` or `supplementary`, from the words right after the amount (up to
/// the next comma, semicolon or parenthesis).
fn kind_after(rest: &str) -> FundingType {
    let clause = rest.split([',', ';', '(', ')']).next().unwrap_or("").to_ascii_lowercase();
    let words: Vec<&str> = clause.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    if words.contains(&"core") {
        FundingType::Core
    } else if words.iter().any(|w| w.starts_with("supplementar")) {
        FundingType::Supplementary
    } else {
        FundingType::Unspecified
    }
}

/// The clause an amount at byte `at` belongs to: the words before the
/// parenthesis that holds it, back to the previous `;`, `:` or `)`.
fn purpose_before(text: &str, at: usize) -> String {
    let bytes = text.as_bytes();
    let mut end = enclosing_open(text, at).unwrap_or(at);
    loop {
        let mut start = 0;
        let mut i = end;
        while i > 0 {
            i -= 1;
            match bytes[i] {
                b';' | b':' | b'(' => {
                    start = i + 1;
                    break;
                }
                b')' => match link_target_open(text, i) {
                    Some(open) => i = open,
                    None => {
                        start = i + 1;
                        break;
                    }
                },
                _ => {}
            }
        }
        let purpose = text[start..end].trim().trim_matches([',', ' ']).trim();
        // `Combined cost of contractors: €287,000`: the words before the colon.
        if purpose.is_empty() && start > 0 && bytes[start - 1] == b':' {
            end = start - 1;
            continue;
        }
        return purpose.to_string();
    }
}

/// The `(` of the parenthesis that holds byte `at`, if any (before a `;`).
fn enclosing_open(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = at;
    while i > 0 {
        i -= 1;
        match bytes[i] {
            b')' => match link_target_open(text, i) {
                Some(open) => i = open,
                None => depth += 1,
            },
            b'(' if depth == 0 => return Some(i),
            b'(' => depth -= 1,
            b';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// When the `)` at `close` ends a link target `](...)`, the target's `(`.
fn link_target_open(text: &str, close: usize) -> Option<usize> {
    let open = text[..close].rfind('(')?;
    (text[..open].ends_with(']') && !text[open..close].contains(')')).then_some(open)
}

/// When a link target `](` starts at `open` (the `(`), its closing `)`.
fn link_target_close(text: &str, open: usize) -> Option<usize> {
    (open > 0 && text.as_bytes()[open - 1] == b']').then(|| text[open..].find(')').map(|i| open + i))?
}

const SOURCE_PHRASES: [&str; 4] =
    ["supplementary funds:", "supplementary funding:", "supplementary funds from ", "supplementary funding from "];

/// What follows each "supplementary funds:" (and the like), up to the end
/// of its parenthesis, clause or line.
pub(crate) fn supplementary_sources(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut sources = Vec::new();
    for (at, _) in lower.match_indices("supplementary fund") {
        let Some(phrase) = SOURCE_PHRASES.iter().find(|p| lower[at..].starts_with(**p)) else { continue };
        let start = at + phrase.len();
        let mut depth = 0usize;
        let mut i = start;
        while i < bytes.len() {
            match bytes[i] {
                b'(' => match link_target_close(text, i) {
                    Some(close) => i = close,
                    None => depth += 1,
                },
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b';' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        let source = text[start..i.min(text.len())].trim().trim_end_matches(['.', ',']).trim();
        if !source.is_empty() {
            sources.push(source.to_string());
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(eur: f64, funding_type: FundingType, purpose: &str) -> FundingAmount {
        FundingAmount { eur, funding_type, purpose: Some(purpose.to_string()) }
    }

    #[test]
    fn activity_1_1() {
        let f = parse("**Expected funding mechanisms and sources:** Salaried staff time apart from: external contract for systematic review update (\u{20ac}20,000 core funds); external contracts for priority thematic areas of relevance (\u{20ac}20,000 core funds, possible supplementary funds); contract for expanding data flows on human disease vectors (supplementary funds: [Bill & Melinda Gates Foundation](#) through the Vector Atlas project)");
        assert_eq!(f.label.as_deref(), Some("Expected funding mechanisms and sources"));
        assert!(f.text.starts_with("Salaried staff time apart from: external"));
        assert_eq!(
            f.amounts,
            [
                amount(20000.0, FundingType::Core, "external contract for systematic review update"),
                amount(20000.0, FundingType::Core, "external contracts for priority thematic areas of relevance"),
            ]
        );
        assert_eq!(f.supplementary_sources, ["[Bill & Melinda Gates Foundation](#) through the Vector Atlas project"]);
    }

    #[test]
    fn unbalanced_parentheses_and_comma_clauses() {
        let t = "Salaried staff apart from: travel costs for Digital Twin activities (supplementary funds: [Horizon Europe](#) (BioDT); workshop costs for managing ecological data streams (\u{20ac}20,000 core funds, possible supplementary funds from [Cornell Lab for Ornithology](#) )";
        assert_eq!(
            amounts(t),
            [amount(20000.0, FundingType::Core, "workshop costs for managing ecological data streams")]
        );
        assert_eq!(supplementary_sources(t), ["[Horizon Europe](#) (BioDT)", "[Cornell Lab for Ornithology](#)"]);
        let t = "salaried staff apart from: contractor to support ChecklistBank (core funding) costs of ticketing system (\u{20ac}20,000 core funding).";
        assert_eq!(amounts(t), [amount(20000.0, FundingType::Core, "costs of ticketing system")]);
        let t = "a (\u{20ac}45,000 core funds), meeting costs for forum (\u{20ac}40,000 core funds, potential supplementary funds from Data4Nature partners)";
        assert_eq!(amounts(t)[1], amount(40000.0, FundingType::Core, "meeting costs for forum"));
        assert_eq!(supplementary_sources(t), ["Data4Nature partners"]);
    }

    #[test]
    fn numbers_and_types() {
        assert_eq!(amounts("x (\u{20ac}1.5 million supplementary)")[0].eur, 1_500_000.0);
        assert_eq!(amounts("x (\u{20ac}1.5 million supplementary)")[0].funding_type, FundingType::Supplementary);
        assert_eq!(amounts("\u{20ac}40k")[0].eur, 40_000.0);
        assert_eq!(amounts("costs: \u{20ac} 287,000 from core funds")[0], amount(287000.0, FundingType::Core, "costs"));
        assert_eq!(amounts("\u{20ac}12.50 for tea")[0].funding_type, FundingType::Unspecified);
        assert_eq!(amounts("\u{20ac}12.50 for tea")[0].eur, 12.0);
        assert!(amounts("\u{20ac} and \u{20ac}, \u{20ac}99999999999999999999999").is_empty());
    }

    #[test]
    fn funding_lines_at_any_indent() {
        assert!(is_funding_line("  - **Expected funding mechanisms and sources:** x"));
        assert!(is_funding_line("- Expected funding mechanisms and sources: x"));
        assert!(is_funding_line("**Expected funding:** x"));
        assert!(!is_funding_line("- Expected outcomes"));
        let f = parse("Expected funding mechanisms and sources: core funds");
        assert_eq!(
            (f.label.as_deref(), f.text.as_str()),
            (Some("Expected funding mechanisms and sources"), "core funds")
        );
        let f = parse("**Expected funding mechanisms and sources**: core funds");
        assert_eq!(
            (f.label.as_deref(), f.text.as_str()),
            (Some("Expected funding mechanisms and sources"), "core funds")
        );
    }
}
