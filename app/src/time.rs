//! Instants as UTC epoch milliseconds, shown in Asia/Shanghai (UTC+8, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
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
        match cst().timestamp_millis_opt(self.0).single() {
            Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => String::from("—"),
        }
    }

    /// "21:53:07" in China Standard Time.
    pub fn display_cst_clock(self) -> String {
        match cst().timestamp_millis_opt(self.0).single() {
            Some(dt) => dt.format("%H:%M:%S").to_string(),
            None => String::from("—"),
        }
    }
}

/// China Standard Time. Asia/Shanghai has kept UTC+8 without daylight saving since 1991,
/// and every instant examhall handles is later than that.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Reads the `YYYY-MM-DDTHH:MM` (optionally `:SS`) that `<input type=datetime-local>`
/// sends, as Asia/Shanghai wall-clock time. A space may stand for the `T`. Only four-digit
/// years are accepted, so nothing outside 1000–9999 (and no sign or stray text) gets in.
pub fn parse_local_datetime(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let b = s.as_bytes();
    if !(b.len() == 16 || b.len() == 19) || !s.is_ascii() {
        return None;
    }
    // Byte positions of the separators; everything else must be a digit.
    let seps: &[(usize, &[u8])] = &[(4, b"-"), (7, b"-"), (10, b"T "), (13, b":"), (16, b":")];
    for (i, &c) in b.iter().enumerate() {
        match seps.iter().find(|(at, _)| *at == i) {
            Some((_, allowed)) => {
                if !allowed.contains(&c) {
                    return None;
                }
            }
            None => {
                if !c.is_ascii_digit() {
                    return None;
                }
            }
        }
    }
    let num = |from: usize, to: usize| s[from..to].parse::<u32>().ok();
    let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?;
    let secs = if b.len() == 19 { num(17, 19)? } else { 0 };
    let naive = date.and_hms_opt(num(11, 13)?, num(14, 16)?, secs)?;
    // A fixed offset maps every wall-clock time to exactly one instant.
    let dt = cst().from_local_datetime(&naive).single()?;
    Some(Timestamp(dt.timestamp_millis()))
}

/// The inverse of [`parse_local_datetime`]: `YYYY-MM-DDTHH:MM` in Asia/Shanghai, ready for
/// the `value` of a datetime-local input. Seconds are dropped (the input works in minutes),
/// so `parse_local_datetime(&format_local_datetime(t))` is `t` floored to the minute.
pub fn format_local_datetime(ts: Timestamp) -> String {
    match cst().timestamp_millis_opt(ts.0).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M").to_string(),
        None => String::new(),
    }
}

/// Midnight in Asia/Shanghai at the start of a `YYYY-MM-DD` day (what `<input type=date>`
/// sends).
pub fn parse_local_date(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    (s.len() == 10).then(|| parse_local_datetime(&format!("{s}T00:00")))?
}

/// The `YYYY-MM-DD` day in Asia/Shanghai of an instant.
pub fn format_local_date(ts: Timestamp) -> String {
    format_local_datetime(ts).chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_date_is_the_start_of_that_day_in_china() {
        let t = parse_local_date("2026-12-01").expect("valid");
        assert_eq!(t, parse_local_datetime("2026-12-01T00:00").unwrap());
        assert_eq!(format_local_date(t.plus_secs(86_399)), "2026-12-01");
        assert_eq!(parse_local_date("2026-12-01T00:00"), None);
        assert_eq!(parse_local_date("2026-13-01"), None);
    }

    #[test]
    fn a_datetime_local_value_is_read_as_china_standard_time() {
        // 2026-12-01 09:00 in Shanghai is 01:00 UTC.
        let ts = parse_local_datetime("2026-12-01T09:00").expect("valid");
        assert_eq!(ts, Timestamp(1_796_086_800_000));
        assert_eq!(
            parse_local_datetime("2026-12-01 09:00:30"),
            Some(ts.plus_secs(30))
        );
        assert_eq!(format_local_datetime(ts), "2026-12-01T09:00");
    }

    #[test]
    fn malformed_or_impossible_datetimes_are_refused() {
        for bad in [
            "",
            "2026-12-01",
            "2026-12-01T9:00",
            "2026-02-30T09:00",
            "2026-12-01T24:00",
            "2026-12-01T09:60",
            "+2026-12-01T09:00",
            "2026/12/01T09:00",
            "2026-12-01T09:00Z",
            "２０２６-12-01T09:00",
        ] {
            assert_eq!(parse_local_datetime(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_gives_the_instant_back_to_the_minute(
            ms in 0i64..253_402_000_000_000,
        ) {
            let back = parse_local_datetime(&format_local_datetime(Timestamp(ms)));
            prop_assert_eq!(back, Some(Timestamp(ms - ms.rem_euclid(60_000))));
        }

        #[test]
        fn parsing_then_formatting_gives_the_text_back(
            y in 1000i32..=9999, mo in 1u32..=12, d in 1u32..=28, h in 0u32..24, mi in 0u32..60,
        ) {
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}");
            let ts = parse_local_datetime(&text).expect("valid");
            prop_assert_eq!(format_local_datetime(ts), text);
        }
    }

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
