//! Dates in a page's language, from CLDR's patterns through ICU4X (its
//! compiled data holds every locale): "28 June 2021", "28 de junio de
//! 2021", "28 juin 2021", "٢٨ يونيو ٢٠٢١" as each language writes them.

use std::cell::RefCell;
use std::collections::HashMap;

use icu_calendar::Gregorian;
use icu_datetime::fieldsets::{MDE, YMD, YMDE};
use icu_datetime::input::Date;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_locale_core::Locale;

/// How much of a date to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateStyle {
    /// Day, month and year: "28 June 2021".
    Long,
    /// With the weekday: "Monday, 28 June 2021".
    Full,
    /// Weekday, day and month, abbreviated: "Mon 28 Jun".
    Short,
    /// Weekday, day and month: "Monday 28 June".
    Weekday,
}

impl DateStyle {
    pub fn from_name(name: &str) -> Option<DateStyle> {
        Some(match name {
            "long" => DateStyle::Long,
            "full" => DateStyle::Full,
            "short" => DateStyle::Short,
            "weekday" => DateStyle::Weekday,
            _ => return None,
        })
    }
}

enum Formatter {
    Ymd(FixedCalendarDateTimeFormatter<Gregorian, YMD>),
    Ymde(FixedCalendarDateTimeFormatter<Gregorian, YMDE>),
    Mde(FixedCalendarDateTimeFormatter<Gregorian, MDE>),
}

impl Formatter {
    fn new(locale: &str, style: DateStyle) -> Option<Formatter> {
        let locale: Locale = locale.parse().ok()?;
        let prefs = (&locale).into();
        Some(match style {
            DateStyle::Long => Formatter::Ymd(FixedCalendarDateTimeFormatter::try_new(prefs, YMD::long()).ok()?),
            DateStyle::Full => Formatter::Ymde(FixedCalendarDateTimeFormatter::try_new(prefs, YMDE::long()).ok()?),
            DateStyle::Short => Formatter::Mde(FixedCalendarDateTimeFormatter::try_new(prefs, MDE::medium()).ok()?),
            DateStyle::Weekday => Formatter::Mde(FixedCalendarDateTimeFormatter::try_new(prefs, MDE::long()).ok()?),
        })
    }

    fn format(&self, date: &Date<Gregorian>) -> String {
        match self {
            Formatter::Ymd(f) => f.format(date).to_string(),
            Formatter::Ymde(f) => f.format(date).to_string(),
            Formatter::Mde(f) => f.format(date).to_string(),
        }
    }
}

thread_local! {
    /// Formatters are made once per thread, language and style: making one
    /// looks its patterns and names up in ICU4X's data.
    static FORMATTERS: RefCell<HashMap<(String, DateStyle), Option<Formatter>>> = RefCell::new(HashMap::new());
}

/// `date` in `style`, as `locale` writes it; a locale ICU4X cannot read
/// is written as English.
pub fn format(date: jiff::civil::Date, style: DateStyle, locale: &str) -> String {
    // Every date jiff holds (years -9999 to 9999) is a Gregorian date ICU4X takes.
    let Ok(gregorian) = Date::try_new_gregorian(i32::from(date.year()), date.month() as u8, date.day() as u8) else {
        return date.to_string();
    };
    FORMATTERS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = (locale.to_string(), style);
        let formatter =
            cache.entry(key).or_insert_with(|| Formatter::new(locale, style).or_else(|| Formatter::new("en", style)));
        formatter.as_ref().map_or_else(|| date.to_string(), |f| f.format(&gregorian))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_pages_language() {
        let date = jiff::civil::date(2021, 6, 28);
        assert_eq!(format(date, DateStyle::Long, "es"), "28 de junio de 2021");
        assert_eq!(format(date, DateStyle::Long, "fr"), "28 juin 2021");
        assert_eq!(format(date, DateStyle::Long, "pt"), "28 de junho de 2021");
        assert_eq!(format(date, DateStyle::Long, "en-GB"), "28 June 2021");
        assert_eq!(format(date, DateStyle::Long, "en"), "June 28, 2021");
        assert_eq!(format(date, DateStyle::Full, "es"), "lunes, 28 de junio de 2021");
        assert_eq!(format(date, DateStyle::Short, "en-GB"), "Mon 28 Jun");
        assert_eq!(format(date, DateStyle::Weekday, "fr"), "lundi 28 juin");
        assert_eq!(format(date, DateStyle::Long, "not a locale"), "June 28, 2021");
    }
}
