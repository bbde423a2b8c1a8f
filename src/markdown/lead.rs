//! A page's lead: the words of its first paragraph (else of its first list
//! item: a programme activity opens with its outcomes as a list), shortened,
//! which a page without a `description` gives search engines and link
//! previews instead of the site's description (every shared activity would
//! otherwise preview as the same sentence).

use pulldown_cmark::{Event, Tag, TagEnd};

/// Longest lead, in characters; previews cut near 160–200.
const MAX_CHARS: usize = 200;

/// Watches a body's events as they stream past and keeps the text of the
/// first paragraph that stands on its own (not inside a list, quote, table
/// or footnote), so the lead costs no second parse.
#[derive(Default)]
pub struct Lead {
    state: State,
    /// Depth of containers (lists, quotes, tables, footnotes) open now.
    depth: usize,
    text: String,
    /// The first top-level list item's own words, kept in case no
    /// paragraph stands on its own.
    item: String,
    item_state: State,
}

#[derive(Default, PartialEq)]
enum State {
    #[default]
    Looking,
    InParagraph,
    Found,
}

impl Lead {
    pub fn observe(&mut self, event: &Event) {
        if self.state == State::Found {
            return;
        }
        self.observe_item(event);
        match event {
            Event::Start(Tag::Paragraph) if self.depth == 0 => self.state = State::InParagraph,
            Event::End(TagEnd::Paragraph) if self.state == State::InParagraph => {
                self.state = if self.text.trim().is_empty() { State::Looking } else { State::Found };
            }
            Event::Start(
                Tag::List(_) | Tag::BlockQuote(_) | Tag::Table(_) | Tag::FootnoteDefinition(_) | Tag::HtmlBlock,
            ) => self.depth += 1,
            Event::End(
                TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition
                | TagEnd::HtmlBlock,
            ) => self.depth = self.depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if self.state == State::InParagraph => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak if self.state == State::InParagraph => self.text.push(' '),
            _ => {}
        }
    }

    /// The first item of a list that is not inside anything else, up to its
    /// first nested block.
    fn observe_item(&mut self, event: &Event) {
        match (&self.item_state, event) {
            (State::Looking, Event::Start(Tag::Item)) if self.depth == 1 => self.item_state = State::InParagraph,
            (State::InParagraph, Event::Text(t) | Event::Code(t)) => self.item.push_str(t),
            (State::InParagraph, Event::SoftBreak | Event::HardBreak) => self.item.push(' '),
            (State::InParagraph, Event::End(TagEnd::Item | TagEnd::Paragraph) | Event::Start(Tag::List(_))) => {
                self.item_state = State::Found;
            }
            _ => {}
        }
    }

    /// The lead, cut at a word before `MAX_CHARS` and ended with `…` when
    /// cut; empty when the body has neither a paragraph of its own nor a
    /// list.
    pub fn finish(self) -> String {
        let words = match (self.state, self.item_state) {
            (State::Found, _) => self.text,
            (_, State::Found | State::InParagraph) => self.item,
            _ => return String::new(),
        };
        shorten(&words)
    }
}

/// `text` on one line, cut at a word before `MAX_CHARS` and ended with `…`
/// when cut.
pub fn shorten(text: &str) -> String {
    // The words one space apart, only as far as the cut can reach: a first
    // paragraph may be pages long.
    let mut words = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > MAX_CHARS {
            break;
        }
        if !words.is_empty() {
            words.push(' ');
            chars += 1;
        }
        words.push_str(word);
        chars += word.chars().count();
    }
    if chars <= MAX_CHARS {
        return words;
    }
    let text = words;
    let cut = text.char_indices().nth(MAX_CHARS).map_or(text.len(), |(at, _)| at);
    let head = &text[..cut];
    let head = head.rfind(' ').map_or(head, |space| &head[..space]);
    format!("{}…", head.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn lead(markdown: &str) -> String {
        let mut lead = Lead::default();
        for event in Parser::new_ext(markdown, crate::markdown::options()) {
            lead.observe(&event);
        }
        lead.finish()
    }

    #[test]
    fn the_first_paragraph_of_its_own_without_markup() {
        let md = "# Title\n\n- a list item\n\n> a quote\n\nThe **first** [paragraph](/x/) with `code`\nover two lines.\n\nThe second.";
        assert_eq!(lead(md), "The first paragraph with code over two lines.");
    }

    #[test]
    fn a_long_paragraph_is_cut_at_a_word() {
        let md = "word ".repeat(100);
        let lead = lead(&md);
        assert!(lead.ends_with("word…"), "{lead}");
        assert!(lead.chars().count() <= MAX_CHARS + 1, "{lead}");
    }

    #[test]
    fn shortened_at_the_limit_exactly() {
        assert_eq!(shorten("  a \n\t b  "), "a b");
        let whole = "x".repeat(MAX_CHARS);
        assert_eq!(shorten(&whole), whole);
        assert_eq!(shorten(&format!("{whole}x")), format!("{whole}…"));
        let last_word_over = format!("{} b", "a".repeat(MAX_CHARS - 1));
        assert_eq!(shorten(&last_word_over), format!("{}…", "a".repeat(MAX_CHARS - 1)));
        // Spaces count once however many were written.
        let spaced = format!("{}   b", "a".repeat(MAX_CHARS - 2));
        assert_eq!(shorten(&spaced), format!("{} b", "a".repeat(MAX_CHARS - 2)));
    }

    #[test]
    fn without_a_paragraph_the_first_list_item() {
        assert_eq!(lead("## Outcomes\n\n- The **first** outcome\n  - nested\n- The second\n"), "The first outcome");
        assert_eq!(lead("- Loose item\n\n  with a second paragraph\n\n- Next\n"), "Loose item");
    }

    #[test]
    fn no_paragraph_and_no_list_no_lead() {
        assert_eq!(lead("# Only a heading\n"), "");
        assert_eq!(lead(""), "");
    }
}
