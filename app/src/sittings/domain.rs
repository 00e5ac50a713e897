//! Pure rules of sittings: window validation, overlap, deadlines and accommodations.
//!
//! No IO and no clock: the current instant is always a parameter. Windows are half-open
//! intervals `[window_start, window_end)` of epoch milliseconds.
//!
//! # Deadlines
//!
//! * Fixed start: everyone's time runs from the window start, so a late starter loses the
//!   minutes they are late: deadline = window start + duration + extra.
//! * Flexible: time runs from the candidate's own start, but the window end cuts a normal
//!   candidate off: deadline = min(start + duration, window end) + extra.
//!
//! An accommodated candidate's extra time is added after that cut, so it may run past the
//! window end: otherwise an accommodation given to someone who starts late in a flexible
//! window, or in a fixed-start sitting whose window is exactly as long as the exam, would
//! be worth nothing. The sitting's phase still turns to closed at the window end; that
//! stops new starts and changes, not attempts already running to their own deadline.

use serde::{Deserialize, Serialize};

use crate::error::FieldProblem;
use crate::i18n::Msg;
use crate::time::Timestamp;

use super::model::{Accommodation, SittingMode, SittingPhase, SittingSpec};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_LOCATION_CHARS: usize = 200;
pub const MAX_CAPACITY: u32 = 100_000;
pub const MAX_EXTRA_MINUTES: u32 = 600;
pub const MAX_EXTRA_PERCENT: u32 = 200;
pub const MAX_REASON_CHARS: usize = 200;

const MINUTE_MS: i64 = 60_000;

fn minutes_ms(minutes: u32) -> i64 {
    i64::from(minutes) * MINUTE_MS
}

fn too_long(field: &str, text: &str, max: usize) -> Option<FieldProblem> {
    (text.chars().count() > max)
        .then(|| FieldProblem::with_detail(field, Msg::ErrTooLong, max.to_string()))
}

/// Checks a sitting against the exam's duration. That the start is in the future is the
/// service's business (it knows the clock).
pub fn validate_spec(spec: &SittingSpec, duration_minutes: u32) -> Vec<FieldProblem> {
    let mut errs = Vec::new();
    let name = spec.name.trim();
    if name.is_empty() {
        errs.push(FieldProblem::new("name", Msg::ErrRequired));
    }
    errs.extend(too_long("name", name, MAX_NAME_CHARS));
    if spec.window_end <= spec.window_start {
        errs.push(FieldProblem::new("window_end", Msg::ErrWindowOrder));
    } else if spec
        .window_start
        .0
        .saturating_add(minutes_ms(duration_minutes))
        > spec.window_end.0
    {
        // In both modes a candidate who starts on time must be able to use the full
        // duration inside the window.
        errs.push(FieldProblem::new("window_end", Msg::ErrWindowTooShort));
    }
    if !(1..=MAX_CAPACITY).contains(&spec.capacity) {
        errs.push(FieldProblem::new("capacity", Msg::ErrCapacityRange));
    }
    if let SittingMode::FixedStart { late_entry_minutes } = spec.mode {
        if late_entry_minutes > duration_minutes {
            errs.push(FieldProblem::new(
                "late_entry_minutes",
                Msg::ErrLateEntryRange,
            ));
        }
    }
    errs.extend(too_long(
        "location",
        spec.location.trim(),
        MAX_LOCATION_CHARS,
    ));
    errs
}

/// Whether two half-open windows share an instant. Touching windows (one ends when the
/// other starts) do not overlap, and an empty window overlaps nothing.
pub fn overlaps(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < a.1 && b.0 < b.1 && a.0 < b.1 && b.0 < a.1
}

/// Scheduled before the window, open inside it, closed from its end on.
pub fn phase(spec: &SittingSpec, now: Timestamp) -> SittingPhase {
    if now < spec.window_start {
        SittingPhase::Scheduled
    } else if now < spec.window_end {
        SittingPhase::Open
    } else {
        SittingPhase::Closed
    }
}

/// Why a candidate cannot start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StartRefusal {
    NotYetOpen,
    /// Fixed-start sitting whose late-entry time has passed.
    LateEntryClosed,
    Closed,
    /// No paper has been drawn for the candidate (the exam had no questions when the
    /// candidate was assigned); an organizer must save the exam's paper first.
    NoPaper,
}

impl StartRefusal {
    pub fn msg(self) -> Msg {
        match self {
            StartRefusal::NotYetOpen => Msg::StartNotYetOpen,
            StartRefusal::LateEntryClosed => Msg::StartLateEntryClosed,
            StartRefusal::Closed => Msg::StartClosed,
            StartRefusal::NoPaper => Msg::StartNoPaper,
        }
    }
}

/// Whether a candidate may start at `now`. In a fixed-start sitting entry is allowed up
/// to and including `late_entry_minutes` after the start.
pub fn can_start(spec: &SittingSpec, now: Timestamp) -> Result<(), StartRefusal> {
    match phase(spec, now) {
        SittingPhase::Scheduled => Err(StartRefusal::NotYetOpen),
        SittingPhase::Closed => Err(StartRefusal::Closed),
        SittingPhase::Open => match spec.mode {
            SittingMode::FixedStart { late_entry_minutes }
                if now.0
                    > spec
                        .window_start
                        .0
                        .saturating_add(minutes_ms(late_entry_minutes)) =>
            {
                Err(StartRefusal::LateEntryClosed)
            }
            _ => Ok(()),
        },
    }
}

/// A candidate's extra time in milliseconds: the minutes plus the percentage of the
/// duration (exact: a percent of a whole minute is a whole number of milliseconds).
pub fn extra_ms(acc: &Accommodation, duration_minutes: u32) -> i64 {
    minutes_ms(acc.extra_minutes)
        + minutes_ms(duration_minutes) * i64::from(acc.extra_percent) / 100
}

/// When a candidate who started at `started_at` must submit (see the module comment).
/// Never before `started_at`, so a late start gives zero time rather than negative time.
pub fn deadline(
    spec: &SittingSpec,
    duration_minutes: u32,
    acc: &Accommodation,
    started_at: Timestamp,
) -> Timestamp {
    let duration = minutes_ms(duration_minutes);
    let regular = match spec.mode {
        SittingMode::FixedStart { .. } => spec.window_start.0.saturating_add(duration),
        SittingMode::Flexible => started_at.0.saturating_add(duration).min(spec.window_end.0),
    };
    Timestamp(
        regular
            .saturating_add(extra_ms(acc, duration_minutes))
            .max(started_at.0),
    )
}

/// Checks an accommodation: bounded extra time, and a recorded reason whenever any is
/// given (accommodations are audited).
pub fn validate_accommodation(acc: &Accommodation) -> Vec<FieldProblem> {
    let mut errs = Vec::new();
    if acc.extra_minutes > MAX_EXTRA_MINUTES {
        errs.push(FieldProblem::new(
            "extra_minutes",
            Msg::ErrExtraMinutesRange,
        ));
    }
    if acc.extra_percent > MAX_EXTRA_PERCENT {
        errs.push(FieldProblem::new(
            "extra_percent",
            Msg::ErrExtraPercentRange,
        ));
    }
    let reason = acc.reason.trim();
    if (acc.extra_minutes > 0 || acc.extra_percent > 0) && reason.is_empty() {
        errs.push(FieldProblem::new("reason", Msg::ErrAccommodationReason));
    }
    errs.extend(too_long("reason", reason, MAX_REASON_CHARS));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const H: i64 = 3_600_000;
    const T0: i64 = 1_796_086_800_000; // 2026-12-01 09:00 Asia/Shanghai

    fn spec(mode: SittingMode, start: i64, end: i64) -> SittingSpec {
        SittingSpec {
            name: "第一场".into(),
            window_start: Timestamp(start),
            window_end: Timestamp(end),
            mode,
            capacity: 50,
            location: "三楼机房".into(),
            is_retake: false,
        }
    }

    fn fixed(late: u32) -> SittingMode {
        SittingMode::FixedStart {
            late_entry_minutes: late,
        }
    }

    fn acc(minutes: u32, percent: u32) -> Accommodation {
        Accommodation {
            extra_minutes: minutes,
            extra_percent: percent,
            reason: "视力障碍".into(),
        }
    }

    fn fields(problems: Vec<FieldProblem>) -> Vec<(String, Msg)> {
        problems.into_iter().map(|p| (p.field, p.reason)).collect()
    }

    #[test]
    fn a_window_exactly_as_long_as_the_exam_is_accepted() {
        assert_eq!(validate_spec(&spec(fixed(15), T0, T0 + 2 * H), 120), vec![]);
        assert_eq!(
            validate_spec(&spec(SittingMode::Flexible, T0, T0 + 2 * H), 120),
            vec![]
        );
    }

    #[test]
    fn each_sitting_limit_is_reported_on_its_field() {
        let too_short = spec(SittingMode::Flexible, T0, T0 + 2 * H - 1);
        assert_eq!(
            fields(validate_spec(&too_short, 120)),
            vec![("window_end".into(), Msg::ErrWindowTooShort)]
        );
        let backwards = spec(fixed(0), T0, T0);
        assert_eq!(
            fields(validate_spec(&backwards, 60)),
            vec![("window_end".into(), Msg::ErrWindowOrder)]
        );
        let mut s = spec(fixed(61), T0, T0 + 2 * H);
        s.name = " ".into();
        s.capacity = 0;
        s.location = "楼".repeat(201);
        assert_eq!(
            fields(validate_spec(&s, 60)),
            vec![
                ("name".into(), Msg::ErrRequired),
                ("capacity".into(), Msg::ErrCapacityRange),
                ("late_entry_minutes".into(), Msg::ErrLateEntryRange),
                ("location".into(), Msg::ErrTooLong),
            ]
        );
        s = spec(fixed(60), T0, T0 + 2 * H);
        s.name = "场".repeat(101);
        s.capacity = 100_001;
        assert_eq!(
            fields(validate_spec(&s, 60)),
            vec![
                ("name".into(), Msg::ErrTooLong),
                ("capacity".into(), Msg::ErrCapacityRange),
            ]
        );
        s.name = "场".repeat(100);
        s.capacity = 100_000;
        assert_eq!(validate_spec(&s, 60), vec![]);
    }

    #[test]
    fn touching_windows_do_not_overlap() {
        let (a, b, c) = (Timestamp(0), Timestamp(10), Timestamp(20));
        assert!(!overlaps((a, b), (b, c)));
        assert!(overlaps((a, c), (b, c)));
        assert!(overlaps((a, Timestamp(11)), (b, c)));
        assert!(!overlaps((b, b), (a, c)));
    }

    #[test]
    fn the_phase_follows_the_half_open_window() {
        let s = spec(SittingMode::Flexible, T0, T0 + H);
        assert_eq!(phase(&s, Timestamp(T0 - 1)), SittingPhase::Scheduled);
        assert_eq!(phase(&s, Timestamp(T0)), SittingPhase::Open);
        assert_eq!(phase(&s, Timestamp(T0 + H - 1)), SittingPhase::Open);
        assert_eq!(phase(&s, Timestamp(T0 + H)), SittingPhase::Closed);
    }

    #[test]
    fn a_fixed_start_sitting_admits_late_candidates_only_within_the_late_entry_time() {
        let s = spec(fixed(15), T0, T0 + 2 * H);
        let at = |min: i64| can_start(&s, Timestamp(T0 + min * 60_000));
        assert_eq!(
            can_start(&s, Timestamp(T0 - 1)),
            Err(StartRefusal::NotYetOpen)
        );
        assert_eq!(at(0), Ok(()));
        assert_eq!(at(15), Ok(()));
        assert_eq!(
            can_start(&s, Timestamp(T0 + 15 * 60_000 + 1)),
            Err(StartRefusal::LateEntryClosed)
        );
        assert_eq!(at(120), Err(StartRefusal::Closed));
        let flexible = spec(SittingMode::Flexible, T0, T0 + 2 * H);
        assert_eq!(can_start(&flexible, Timestamp(T0 + 2 * H - 1)), Ok(()));
        assert_eq!(
            StartRefusal::LateEntryClosed.msg(),
            Msg::StartLateEntryClosed
        );
    }

    #[test]
    fn a_late_starter_in_a_fixed_start_sitting_gets_no_extra_time() {
        let s = spec(fixed(15), T0, T0 + 3 * H);
        let none = Accommodation::default();
        assert_eq!(
            deadline(&s, 60, &none, Timestamp(T0 + 10 * 60_000)),
            Timestamp(T0 + H)
        );
        assert_eq!(
            deadline(&s, 60, &acc(10, 50), Timestamp(T0)),
            Timestamp(T0 + H + 40 * 60_000)
        );
    }

    #[test]
    fn in_a_flexible_sitting_the_window_end_cuts_off_only_the_regular_time() {
        let s = spec(SittingMode::Flexible, T0, T0 + 3 * H);
        let none = Accommodation::default();
        assert_eq!(
            deadline(&s, 60, &none, Timestamp(T0 + H)),
            Timestamp(T0 + 2 * H)
        );
        assert_eq!(
            deadline(&s, 60, &none, Timestamp(T0 + 150 * 60_000)),
            Timestamp(T0 + 3 * H)
        );
        // Starting 30 minutes before the end with 20 extra minutes: 30 + 20.
        assert_eq!(
            deadline(&s, 60, &acc(20, 0), Timestamp(T0 + 150 * 60_000)),
            Timestamp(T0 + 3 * H + 20 * 60_000)
        );
    }

    #[test]
    fn extra_time_is_minutes_plus_a_share_of_the_duration() {
        assert_eq!(extra_ms(&acc(0, 0), 90), 0);
        assert_eq!(extra_ms(&acc(10, 0), 90), 10 * 60_000);
        assert_eq!(extra_ms(&acc(0, 25), 90), 22 * 60_000 + 30_000);
        assert_eq!(extra_ms(&acc(600, 200), 1440), (600 + 2880) * 60_000);
    }

    #[test]
    fn an_accommodation_needs_a_reason_and_bounded_extra_time() {
        assert_eq!(validate_accommodation(&acc(600, 200)), vec![]);
        assert_eq!(validate_accommodation(&Accommodation::default()), vec![]);
        let mut a = acc(601, 201);
        a.reason = "  ".into();
        assert_eq!(
            fields(validate_accommodation(&a)),
            vec![
                ("extra_minutes".into(), Msg::ErrExtraMinutesRange),
                ("extra_percent".into(), Msg::ErrExtraPercentRange),
                ("reason".into(), Msg::ErrAccommodationReason),
            ]
        );
        a = acc(5, 0);
        a.reason = "因".repeat(201);
        assert_eq!(
            fields(validate_accommodation(&a)),
            vec![("reason".into(), Msg::ErrTooLong)]
        );
    }

    prop_compose! {
        /// A valid sitting, the exam's duration, and an instant the candidate may start at.
        fn arb_started()(
            duration in 1u32..=1440,
            flexible in any::<bool>(),
            late_frac in 0u32..=100,
            slack in 0i64..=48 * H,
            start in 0i64..=4_000_000_000_000,
        )(
            // Flexible: any instant before the end; fixed: up to the late-entry limit.
            start_offset in if flexible {
                0..=i64::from(duration) * 60_000 + slack - 1
            } else {
                0..=i64::from(duration * late_frac / 100) * 60_000
            },
            duration in Just(duration),
            flexible in Just(flexible),
            late_frac in Just(late_frac),
            slack in Just(slack),
            start in Just(start),
        ) -> (SittingSpec, u32, Timestamp) {
            let mode = if flexible {
                SittingMode::Flexible
            } else {
                fixed(duration * late_frac / 100)
            };
            let end = start + i64::from(duration) * 60_000 + slack;
            let s = spec(mode, start, end);
            (s, duration, Timestamp(start + start_offset))
        }
    }

    fn arb_acc() -> impl Strategy<Value = Accommodation> {
        (0u32..=600, 0u32..=200).prop_map(|(m, p)| acc(m, p))
    }

    proptest! {
        #[test]
        fn overlap_is_symmetric(a in any::<(i64, i64)>(), b in any::<(i64, i64)>()) {
            let a = (Timestamp(a.0), Timestamp(a.1));
            let b = (Timestamp(b.0), Timestamp(b.1));
            prop_assert_eq!(overlaps(a, b), overlaps(b, a));
        }

        #[test]
        fn overlap_means_a_shared_instant(a in (0i64..50, 0i64..50), b in (0i64..50, 0i64..50)) {
            let shared = (0..50).any(|t| a.0 <= t && t < a.1 && b.0 <= t && t < b.1);
            let a = (Timestamp(a.0), Timestamp(a.1));
            let b = (Timestamp(b.0), Timestamp(b.1));
            prop_assert_eq!(overlaps(a, b), shared);
        }

        #[test]
        fn generated_sittings_are_valid_and_their_start_instants_are_admitted(
            (s, duration, started) in arb_started(),
        ) {
            prop_assert_eq!(validate_spec(&s, duration), vec![]);
            prop_assert_eq!(can_start(&s, started), Ok(()));
        }

        #[test]
        fn a_deadline_is_never_before_the_start(
            (s, duration, started) in arb_started(),
            a in arb_acc(),
            any_start in any::<i64>(),
        ) {
            prop_assert!(deadline(&s, duration, &a, started) > started);
            let anywhen = Timestamp(any_start);
            prop_assert!(deadline(&s, duration, &a, anywhen) >= anywhen);
        }

        #[test]
        fn an_accommodation_never_shortens_the_time(
            (s, duration, started) in arb_started(),
            a in arb_acc(),
        ) {
            let regular = deadline(&s, duration, &Accommodation::default(), started);
            let accommodated = deadline(&s, duration, &a, started);
            prop_assert_eq!(accommodated.0 - regular.0, extra_ms(&a, duration));
            prop_assert!(regular.0 <= s.window_end.0);
        }

        #[test]
        fn a_candidate_starting_on_time_gets_the_full_duration(
            (s, duration, _) in arb_started(),
            a in arb_acc(),
        ) {
            let d = deadline(&s, duration, &a, s.window_start);
            prop_assert_eq!(d.0 - s.window_start.0, i64::from(duration) * 60_000 + extra_ms(&a, duration));
        }
    }
}
