//! Where a picture's subject is, as CSS `object-position` reads it
//! (`70% 45%`, `right`, `left top`): a crop keeps that point at the same
//! place in the copy as in the original, and a theme can give the same
//! value to `object-position` so a band cut by the browser keeps it too.

use std::fmt;

/// Horizontal and vertical percentages, 0 to 100 (50 50 is the centre).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Focus {
    pub x: u8,
    pub y: u8,
}

impl Default for Focus {
    fn default() -> Focus {
        Focus::CENTRE
    }
}

impl Focus {
    pub const CENTRE: Focus = Focus { x: 50, y: 50 };

    /// Reads one or two of `left`, `center`, `right`, `top`, `bottom` or
    /// percentages, horizontal first unless a keyword says otherwise
    /// (`top right` is `right top`). The error says what was wrong.
    pub fn parse(text: &str) -> Result<Focus, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let parts: Vec<Part> = words.iter().map(|w| Part::parse(w)).collect::<Result<_, _>>()?;
        let (x, y) = match parts.as_slice() {
            [one] => match one {
                Part::Vertical(y) => (50, *y),
                Part::Horizontal(x) | Part::Either(x) => (*x, 50),
            },
            [a, b] => match (a, b) {
                (Part::Vertical(y), Part::Horizontal(x) | Part::Either(x))
                | (Part::Horizontal(x) | Part::Either(x), Part::Vertical(y) | Part::Either(y)) => (*x, *y),
                _ => return Err(format!("`{text}` names the same direction twice")),
            },
            [] => return Err("it is empty".into()),
            _ => return Err(format!("`{text}` has more than two values")),
        };
        Ok(Focus { x, y })
    }

    /// The point as fractions of the width and height (0.0 to 1.0).
    pub fn fractions(self) -> (f64, f64) {
        (f64::from(self.x) / 100.0, f64::from(self.y) / 100.0)
    }
}

/// CSS `object-position`: `70% 45%`.
impl fmt::Display for Focus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}% {}%", self.x, self.y)
    }
}

enum Part {
    Horizontal(u8),
    Vertical(u8),
    /// `center` or a percentage: whichever axis is left.
    Either(u8),
}

impl Part {
    fn parse(word: &str) -> Result<Part, String> {
        Ok(match word.to_ascii_lowercase().as_str() {
            "left" => Part::Horizontal(0),
            "right" => Part::Horizontal(100),
            "top" => Part::Vertical(0),
            "bottom" => Part::Vertical(100),
            "center" | "centre" => Part::Either(50),
            other => {
                let number =
                    other.strip_suffix('%').ok_or_else(|| format!("`{word}` is not a keyword or a percentage"))?;
                match number.trim().parse::<f64>() {
                    Ok(n) if (0.0..=100.0).contains(&n) => Part::Either(n.round() as u8),
                    _ => return Err(format!("`{word}` is not a percentage from 0% to 100%")),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keywords_and_percentages_as_css_does() {
        assert_eq!(Focus::parse("70% 45%"), Ok(Focus { x: 70, y: 45 }));
        assert_eq!(Focus::parse("right"), Ok(Focus { x: 100, y: 50 }));
        assert_eq!(Focus::parse("top"), Ok(Focus { x: 50, y: 0 }));
        assert_eq!(Focus::parse("top right"), Ok(Focus { x: 100, y: 0 }));
        assert_eq!(Focus::parse("left 30%"), Ok(Focus { x: 0, y: 30 }));
        assert_eq!(Focus::parse("center bottom"), Ok(Focus { x: 50, y: 100 }));
        assert_eq!(Focus::parse("25%"), Ok(Focus { x: 25, y: 50 }));
        assert!(Focus::parse("left right").is_err());
        assert!(Focus::parse("120% 0%").is_err());
        assert!(Focus::parse("70px").is_err());
        assert!(Focus::parse("").is_err());
        assert_eq!(Focus::parse("right top").unwrap().to_string(), "100% 0%");
    }
}
