//! Retry rules of background jobs. Pure: the attempt count is the only input.

/// Attempts before a job is given up and shown to admins as failed.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long a claimed job stays reserved for its worker; a worker that dies mid-job
/// releases it by letting the lease run out.
pub const LEASE_MS: i64 = 60_000;

const FIRST_RETRY_MS: i64 = 5_000;
const MAX_RETRY_MS: i64 = 3_600_000;

/// The wait before the next try after `attempts` failed tries (1-based): 5 s, doubling,
/// at most an hour.
pub fn backoff_ms(attempts: i32) -> i64 {
    let doublings = attempts.saturating_sub(1).clamp(0, 30) as u32;
    FIRST_RETRY_MS
        .saturating_mul(1i64 << doublings)
        .min(MAX_RETRY_MS)
}

/// A failed try is the last one when the job has used all its attempts.
pub fn gives_up(attempts: i32) -> bool {
    attempts >= MAX_ATTEMPTS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn retries_start_at_five_seconds_and_double() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(3), 20_000);
        assert_eq!(backoff_ms(100), 3_600_000);
    }

    #[test]
    fn a_job_is_given_up_after_its_last_attempt() {
        assert!(!gives_up(MAX_ATTEMPTS - 1));
        assert!(gives_up(MAX_ATTEMPTS));
    }

    proptest! {
        #[test]
        fn the_wait_never_shrinks_and_never_exceeds_an_hour(a in -5i32..1_000) {
            prop_assert!(backoff_ms(a) <= backoff_ms(a + 1));
            prop_assert!((FIRST_RETRY_MS..=MAX_RETRY_MS).contains(&backoff_ms(a)));
        }
    }
}
