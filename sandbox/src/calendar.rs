//! Calendar days in UTC, as the banking and ecommerce APIs write them (`2025-05-01`).

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar day: days since 1970-01-01 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Day(pub i64);

impl Day {
    pub fn today() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day((secs / 86_400) as i64)
    }

    /// `YYYY-MM-DD`, or the date part of an ISO date-time (`2025-05-01T10:15:00Z`), which the
    /// legacy API used for its filters.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() < 10 || (b.len() > 10 && b[10] != b'T') || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        valid.then(|| Day(days_from_civil(year, month, day)))
    }

    pub fn ymd(self) -> (i64, i64, i64) {
        civil_from_days(self.0)
    }

    /// `250501`: the MT940 form.
    pub fn yymmdd(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{:02}{m:02}{d:02}", y.rem_euclid(100))
    }

    /// 1 for January 1st.
    pub fn day_of_year(self) -> i64 {
        let (y, _, _) = self.ymd();
        self.0 - days_from_civil(y, 1, 1) + 1
    }

    pub fn minus(self, days: i64) -> Self {
        Day(self.0 - days)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The current UTC time as `2025-05-01T10:15:00`.
pub(crate) fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    date_time(Day((secs / 86_400) as i64), (secs % 86_400) as u32)
}

/// `2025-05-01T10:15:00` for a day and a second of it.
pub(crate) fn date_time(day: Day, second: u32) -> String {
    let (h, m, s) = (second / 3600, second % 3600 / 60, second % 60);
    format!("{day}T{h:02}:{m:02}:{s:02}")
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// (year, month, day) → days since 1970-01-01 (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 → (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_text() {
        for text in ["1970-01-01", "2000-02-29", "2024-12-31", "2025-05-01"] {
            assert_eq!(Day::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Day::parse("1970-01-02"), Some(Day(1)));
        assert_eq!(
            Day::parse("2025-05-01T10:15:00Z").unwrap().to_string(),
            "2025-05-01"
        );
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-5-01",
            "01.05.2025",
            "2025-05-01 10:00",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
        let day = Day::parse("2024-03-01").unwrap();
        assert_eq!((day.yymmdd(), day.day_of_year()), ("240301".into(), 61));
        assert_eq!(date_time(day, 3661), "2024-03-01T01:01:01");
    }
}
