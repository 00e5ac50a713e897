//! Pure rules of attempts: when a write is admitted, when a result may be shown, and
//! the bounds of invigilator actions. No IO and no clock: instants are parameters.

use crate::papers::model::ResultVisibility;
use crate::time::Timestamp;

/// The longest grace an installation may configure after a deadline.
pub const MAX_GRACE_MS: i64 = 60_000;
/// How long after deadline + grace the finaliser waits, so a save that arrived in time
/// and is still queued for the group commit is stored before the attempt is graded.
pub const FINALIZE_SLACK_MS: i64 = 1_000;
pub const MAX_EXTEND_MINUTES: u32 = 240;
/// Events an attempt may hold at most: a browser that reports in a loop (or a script
/// posting events) cannot fill the database; invigilators still see that it happened.
pub const MAX_EVENTS_PER_ATTEMPT: i64 = 500;
/// Reports of the same kind closer together than this are one event (a tab flicking
/// between windows sends bursts).
pub const EVENT_COALESCE_MS: i64 = 2_000;
pub const MAX_REASON_CHARS: usize = 200;

/// The configured grace, clamped to 0–60 s.
pub fn clamp_grace_ms(ms: i64) -> i64 {
    ms.clamp(0, MAX_GRACE_MS)
}

/// Whether a write that arrived at `arrived` is in time.
pub fn in_time(arrived: Timestamp, deadline: Timestamp, grace_ms: i64) -> bool {
    arrived.0 <= deadline.0.saturating_add(grace_ms)
}

/// The instant the background finaliser treats as "now" for deadlines: attempts whose
/// deadline is at or before it are due.
pub fn due_cutoff(now: Timestamp, grace_ms: i64) -> Timestamp {
    Timestamp(now.0 - grace_ms - FINALIZE_SLACK_MS)
}

/// When a candidate's own submission counts as made: its arrival, but never later than
/// the deadline plus grace (a late click submits what was saved in time).
pub fn submitted_at(arrived: Timestamp, deadline: Timestamp, grace_ms: i64) -> Timestamp {
    Timestamp(arrived.0.min(deadline.0.saturating_add(grace_ms)))
}

/// Whether a candidate may see the score of a submitted attempt now.
pub fn result_visible(policy: ResultVisibility, now: Timestamp, window_end: Timestamp) -> bool {
    match policy {
        ResultVisibility::Immediately => true,
        ResultVisibility::AfterClose => now >= window_end,
        ResultVisibility::Never => false,
    }
}

/// A deadline moved by an invigilator's extension: from the later of the current
/// deadline and now, so extending an attempt that has just run out still gives the
/// minutes granted.
pub fn extended_deadline(deadline: Timestamp, now: Timestamp, minutes: u32) -> Timestamp {
    Timestamp(deadline.0.max(now.0) + i64::from(minutes) * 60_000)
}

/// Whether a reported integrity event is stored, given how many events the attempt
/// already has and when the last one of the same kind was recorded.
pub fn record_event(stored: i64, last_same_kind: Option<Timestamp>, arrived: Timestamp) -> bool {
    stored < MAX_EVENTS_PER_ATTEMPT
        && last_same_kind.is_none_or(|t| arrived.0 - t.0 >= EVENT_COALESCE_MS)
}

/// Milliseconds left, never negative.
pub fn remaining_ms(deadline: Timestamp, now: Timestamp) -> i64 {
    (deadline.0 - now.0).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    const T: i64 = 1_796_086_800_000;

    #[test]
    fn a_burst_of_one_kind_of_event_is_stored_once_and_an_attempt_holds_a_bounded_number() {
        assert!(record_event(0, None, Timestamp(0)));
        assert!(!record_event(1, Some(Timestamp(0)), Timestamp(1_999)));
        assert!(record_event(1, Some(Timestamp(0)), Timestamp(2_000)));
        assert!(!record_event(MAX_EVENTS_PER_ATTEMPT, None, Timestamp(0)));
        assert!(record_event(
            MAX_EVENTS_PER_ATTEMPT - 1,
            Some(Timestamp(0)),
            Timestamp(60_000)
        ));
    }

    #[test]
    fn a_save_arriving_exactly_at_the_deadline_is_in_time_and_one_millisecond_later_is_not() {
        assert!(in_time(Timestamp(T), Timestamp(T), 0));
        assert!(!in_time(Timestamp(T + 1), Timestamp(T), 0));
        assert!(in_time(Timestamp(T + 30_000), Timestamp(T), 30_000));
        assert!(!in_time(Timestamp(T + 30_001), Timestamp(T), 30_000));
    }

    #[test]
    fn the_grace_is_clamped_to_at_most_sixty_seconds_and_never_negative() {
        assert_eq!(clamp_grace_ms(120_000), 60_000);
        assert_eq!(clamp_grace_ms(-5), 0);
        assert_eq!(clamp_grace_ms(15_000), 15_000);
    }

    #[test]
    fn results_after_close_appear_only_once_the_window_has_ended() {
        let end = Timestamp(T);
        assert!(!result_visible(
            ResultVisibility::AfterClose,
            Timestamp(T - 1),
            end
        ));
        assert!(result_visible(ResultVisibility::AfterClose, end, end));
        assert!(result_visible(
            ResultVisibility::Immediately,
            Timestamp(0),
            end
        ));
        assert!(!result_visible(
            ResultVisibility::Never,
            Timestamp(i64::MAX),
            end
        ));
    }

    #[test]
    fn extending_an_attempt_that_just_ran_out_counts_from_now() {
        assert_eq!(
            extended_deadline(Timestamp(T), Timestamp(T + 10_000), 5),
            Timestamp(T + 10_000 + 300_000)
        );
        assert_eq!(
            extended_deadline(Timestamp(T), Timestamp(T - 10_000), 5),
            Timestamp(T + 300_000)
        );
    }

    proptest! {
        #[test]
        fn an_attempt_is_never_due_before_its_deadline_plus_grace(
            deadline in 0i64..T, now in 0i64..T, grace in 0i64..=MAX_GRACE_MS,
        ) {
            let due = Timestamp(deadline) <= due_cutoff(Timestamp(now), grace);
            if due {
                prop_assert!(now > deadline + grace);
                prop_assert!(!in_time(Timestamp(now), Timestamp(deadline), grace));
            }
        }

        #[test]
        fn a_submission_never_counts_later_than_the_deadline_plus_grace(
            arrived in 0i64..T, deadline in 0i64..T, grace in 0i64..=MAX_GRACE_MS,
        ) {
            let at = submitted_at(Timestamp(arrived), Timestamp(deadline), grace);
            prop_assert!(at.0 <= deadline + grace);
            prop_assert!(at.0 <= arrived);
        }
    }
}
