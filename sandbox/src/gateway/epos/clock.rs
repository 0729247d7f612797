//! Wall-clock text in the forms the ePOS API writes: zone-less ISO date-times
//! (`2025-10-27T09:56:24`), dates, and the terminal's `yyMMddHHmmss`. UTC throughout.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::calendar::Day;

/// A UTC instant broken into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    year: i64,
    month: u32,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
}

impl Stamp {
    pub fn now() -> Self {
        Self::at(SystemTime::now())
    }

    pub fn at(time: SystemTime) -> Self {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs();
        let (year, month, day) = Day((secs / 86_400) as i64).ymd();
        let rest = secs % 86_400;
        Self {
            year,
            // 1–12 and 1–31.
            month: month as u32,
            day: day as u32,
            hour: rest / 3600,
            minute: rest % 3600 / 60,
            second: rest % 60,
        }
    }

    /// `2025-10-27T09:56:24`
    pub fn date_time(&self) -> String {
        format!("{}T{}", self.date(), self.time())
    }

    /// `2025-10-27`
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `09:56:24`
    pub fn time(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }

    /// `251027095624`
    pub fn terminal_local(&self) -> String {
        format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}",
            self.year % 100,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let stamp = Stamp::at(UNIX_EPOCH + Duration::from_secs(1_761_558_984));
        assert_eq!(stamp.date_time(), "2025-10-27T09:56:24");
        assert_eq!(stamp.terminal_local(), "251027095624");
        assert_eq!(Stamp::at(UNIX_EPOCH).date(), "1970-01-01");
        let leap = Stamp::at(UNIX_EPOCH + Duration::from_secs(951_782_400));
        assert_eq!(leap.date(), "2000-02-29");
    }
}
