//! The table of contents: the page's headings as a nested tree, handed to
//! templates as data (`page.toc`).

use serde::Serialize;

use super::Heading;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Nests each heading under the nearest heading before it with a smaller
/// level; a level that skips (`##` then `####`) still nests one step.
pub fn build(headings: &[Heading]) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    for h in headings {
        let entry = TocEntry { level: h.level, id: h.id.clone(), title: h.title.clone(), children: Vec::new() };
        let mut siblings = &mut roots;
        while siblings.last().is_some_and(|last| last.level < h.level) {
            siblings = &mut siblings.last_mut().expect("checked above").children;
        }
        siblings.push(entry);
    }
    roots
}

/// Drops entries deeper than `max_level` (Jekyll's `tocMaxDepth`).
pub fn limit(entries: &[TocEntry], max_level: u8) -> Vec<TocEntry> {
    entries
        .iter()
        .filter(|e| e.level <= max_level)
        .map(|e| TocEntry { children: limit(&e.children, max_level), ..e.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u8, id: &str) -> Heading {
        Heading { level, id: id.into(), title: id.into() }
    }

    #[test]
    fn nests_by_level() {
        let toc = build(&[h(2, "a"), h(3, "a1"), h(4, "a1x"), h(3, "a2"), h(2, "b"), h(4, "b-deep")]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[0].children[0].children[0].id, "a1x");
        assert_eq!(toc[1].children[0].id, "b-deep");
        let limited = limit(&toc, 3);
        assert!(limited[0].children[0].children.is_empty());
        assert!(limited[1].children.is_empty());
    }
}
