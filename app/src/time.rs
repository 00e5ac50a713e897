//! Instants as UTC epoch milliseconds, shown in Asia/Shanghai (UTC+8, no daylight saving).

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// A UTC instant in milliseconds since the Unix epoch: the one representation used in
/// storage and on the wire, so both database backends compare times identically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_datetime(dt: DateTime<Utc>) -> Self {
        Timestamp(dt.timestamp_millis())
    }

    pub fn plus_secs(self, secs: i64) -> Self {
        Timestamp(self.0 + secs * 1000)
    }

    pub fn secs_until(self, later: Timestamp) -> i64 {
        (later.0 - self.0).div_euclid(1000)
    }

    /// "2026-11-28 21:53" in China Standard Time.
    pub fn display_cst(self) -> String {
        let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
        match cst.timestamp_millis_opt(self.0).single() {
            Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => String::from("—"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_in_china_standard_time() {
        let ts = Timestamp(0);
        assert_eq!(ts.display_cst(), "1970-01-01 08:00:00");
    }

    #[test]
    fn seconds_until_rounds_towards_the_past() {
        assert_eq!(Timestamp(0).secs_until(Timestamp(1999)), 1);
        assert_eq!(Timestamp(0).secs_until(Timestamp(-1)), -1);
    }
}
