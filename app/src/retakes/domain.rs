//! Pure rules of the retake chain. No IO and no clock: the current instant and every
//! record of the candidate's history are parameters.
//!
//! # Invariants (property-tested below)
//!
//! * A pass ends the chain, whatever came before or after it.
//! * The decision depends on the set of rounds, never on the order they are given in.
//! * A candidate never gets a second open retake assignment for the same exam: while one
//!   is open the decision is [`Next::Wait`].
//! * Escalation happens exactly when the allowed retakes are used up without a pass, no
//!   retake is pending, and no case was opened since the latest result (so re-running a
//!   decision never opens a second case for the same failures).

use crate::sittings::model::SittingId;
use crate::time::Timestamp;

pub const DAY_MS: i64 = 86_400_000;

/// The retake policy of one exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetakePolicy {
    /// Retakes allowed after the first sitting (0: a failure escalates at once).
    pub retakes: u32,
    /// The least time between a result and the retake sitting's opening.
    pub min_wait_ms: i64,
    /// A voided attempt counts as a failure to be retaken.
    pub voided_qualifies: bool,
}

/// How one sitting ended for one candidate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Outcome {
    Passed,
    Failed,
    /// Assigned but never started.
    Absent,
    /// The attempt was voided by an invigilator.
    Voided,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Passed,
        Outcome::Failed,
        Outcome::Absent,
        Outcome::Voided,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Absent => "absent",
            Outcome::Voided => "voided",
        }
    }

    pub fn from_key(k: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.key() == k)
    }

    /// How a sitting ended for a candidate, from their attempt (if any). An attempt that
    /// is not graded yet cannot be decided.
    pub fn of_attempt(started: bool, voided: bool, passed: Option<bool>) -> Option<Outcome> {
        match (started, voided, passed) {
            (false, _, _) => Some(Outcome::Absent),
            (true, true, _) => Some(Outcome::Voided),
            (true, false, Some(true)) => Some(Outcome::Passed),
            (true, false, Some(false)) => Some(Outcome::Failed),
            (true, false, None) => None,
        }
    }
}

/// One finished sitting in a candidate's history of an exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sitting: SittingId,
    pub is_retake: bool,
    pub outcome: Outcome,
    /// When the result became final (the sitting's closing).
    pub decided_at: Timestamp,
}

/// What the chain needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Passed: nothing more, and any open retake assignment is cancelled.
    Done,
    /// No result that calls for anything (nothing final yet, or only rounds that do not
    /// qualify under the policy).
    Nothing,
    /// A retake assignment exists and is still to be sat.
    Wait,
    /// Assign retake number `round` (1-based) into a sitting opening at or after
    /// `not_before`.
    Retake { round: u32, not_before: Timestamp },
    /// The allowed retakes are used up without a pass.
    Escalate { failed_rounds: u32 },
}

fn qualifies(policy: &RetakePolicy, o: Outcome) -> bool {
    match o {
        Outcome::Passed => false,
        Outcome::Failed | Outcome::Absent => true,
        Outcome::Voided => policy.voided_qualifies,
    }
}

/// What is in flight for the candidate besides the finished rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chain {
    /// A retake assignment for this exam is open (assigned or awaiting a sitting).
    pub open_assignment: bool,
    /// When the latest escalation case of this candidate and exam was opened.
    pub case_opened_at: Option<Timestamp>,
}

impl Chain {
    pub const IDLE: Chain = Chain {
        open_assignment: false,
        case_opened_at: None,
    };
    pub const OPEN: Chain = Chain {
        open_assignment: true,
        case_opened_at: None,
    };
}

/// The next step of one candidate's chain for one exam.
pub fn decide(policy: &RetakePolicy, rounds: &[Round], chain: Chain) -> Next {
    if rounds.iter().any(|r| r.outcome == Outcome::Passed) {
        return Next::Done;
    }
    let counted: Vec<&Round> = rounds
        .iter()
        .filter(|r| qualifies(policy, r.outcome))
        .collect();
    if counted.is_empty() || chain.open_assignment {
        return if chain.open_assignment {
            Next::Wait
        } else {
            Next::Nothing
        };
    }
    // The wait runs from the latest result of any kind: a retake voided after the failure
    // that called for it still resets the candidate's preparation time.
    let latest = rounds
        .iter()
        .map(|r| r.decided_at)
        .max()
        .unwrap_or(Timestamp(0));
    let retakes_sat = counted.iter().filter(|r| r.is_retake).count() as u32;
    if retakes_sat >= policy.retakes {
        if chain.case_opened_at.is_some_and(|at| at >= latest) {
            return Next::Nothing;
        }
        return Next::Escalate {
            failed_rounds: counted.len() as u32,
        };
    }
    Next::Retake {
        round: retakes_sat + 1,
        not_before: Timestamp(latest.0.saturating_add(policy.min_wait_ms.max(0))),
    }
}

/// A retake sitting that could take a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub sitting: SittingId,
    pub window_start: Timestamp,
    pub free_seats: u32,
}

/// The earliest retake sitting opening at or after `not_before` with a free seat (ties
/// broken by sitting id, so every server picks the same one); `None` puts the candidate
/// on the awaiting list.
pub fn choose_sitting(not_before: Timestamp, slots: &[Slot]) -> Option<SittingId> {
    slots
        .iter()
        .filter(|s| s.free_seats > 0 && s.window_start >= not_before)
        .min_by_key(|s| (s.window_start, s.sitting))
        .map(|s| s.sitting)
}

/// A sitting's results are final once its window and the grace for late saves are over
/// and no attempt is still running (an attempt extended past the window keeps it open).
pub fn sitting_closed(
    window_end: Timestamp,
    grace_ms: i64,
    now: Timestamp,
    open_attempts: u64,
) -> bool {
    open_attempts == 0 && now.0 >= window_end.0.saturating_add(grace_ms.max(0))
}

/// Where a candidate's chain stands, for the overview. `open_retake` is `Some(placed)`
/// when a retake assignment is open.
pub fn chain_status(
    rounds: &[Round],
    open_retake: Option<bool>,
    has_case: bool,
) -> super::model::ChainStatus {
    use super::model::ChainStatus;
    let first_pass = rounds
        .iter()
        .filter(|r| r.outcome == Outcome::Passed)
        .min_by_key(|r| (r.decided_at, r.sitting));
    if let Some(p) = first_pass {
        return if p.is_retake {
            ChainStatus::PassedOnRetake
        } else {
            ChainStatus::PassedFirst
        };
    }
    match open_retake {
        Some(true) => ChainStatus::RetakeAssigned,
        Some(false) => ChainStatus::AwaitingSitting,
        None if has_case => ChainStatus::Escalated,
        None => ChainStatus::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sid(n: u8) -> SittingId {
        SittingId(uuid::Uuid::from_bytes([n; 16]))
    }

    const POLICY: RetakePolicy = RetakePolicy {
        retakes: 1,
        min_wait_ms: 3 * DAY_MS,
        voided_qualifies: false,
    };

    fn chain(open: bool) -> Chain {
        Chain {
            open_assignment: open,
            case_opened_at: None,
        }
    }

    fn round(n: u8, is_retake: bool, outcome: Outcome, at: i64) -> Round {
        Round {
            sitting: sid(n),
            is_retake,
            outcome,
            decided_at: Timestamp(at),
        }
    }

    #[test]
    fn a_failure_in_the_first_sitting_asks_for_a_retake_after_the_minimum_wait() {
        let r = [round(1, false, Outcome::Failed, 1_000)];
        assert_eq!(
            decide(&POLICY, &r, Chain::IDLE),
            Next::Retake {
                round: 1,
                not_before: Timestamp(1_000 + 3 * DAY_MS)
            }
        );
    }

    #[test]
    fn an_absentee_is_treated_like_a_failure() {
        let r = [round(1, false, Outcome::Absent, 0)];
        assert!(matches!(
            decide(&POLICY, &r, Chain::IDLE),
            Next::Retake { round: 1, .. }
        ));
    }

    #[test]
    fn a_voided_attempt_qualifies_only_when_the_policy_says_so() {
        let r = [round(1, false, Outcome::Voided, 0)];
        assert_eq!(decide(&POLICY, &r, Chain::IDLE), Next::Nothing);
        let with = RetakePolicy {
            voided_qualifies: true,
            ..POLICY
        };
        assert!(matches!(
            decide(&with, &r, Chain::IDLE),
            Next::Retake { .. }
        ));
    }

    #[test]
    fn failing_the_last_allowed_retake_escalates() {
        let r = [
            round(1, false, Outcome::Failed, 0),
            round(2, true, Outcome::Failed, 5 * DAY_MS),
        ];
        assert_eq!(
            decide(&POLICY, &r, Chain::IDLE),
            Next::Escalate { failed_rounds: 2 }
        );
    }

    #[test]
    fn missing_the_retake_escalates_like_failing_it() {
        let r = [
            round(1, false, Outcome::Failed, 0),
            round(2, true, Outcome::Absent, 5 * DAY_MS),
        ];
        assert!(matches!(
            decide(&POLICY, &r, Chain::IDLE),
            Next::Escalate { .. }
        ));
    }

    #[test]
    fn with_no_retakes_allowed_a_failure_escalates_at_once() {
        let none = RetakePolicy {
            retakes: 0,
            ..POLICY
        };
        let r = [round(1, false, Outcome::Failed, 0)];
        assert_eq!(
            decide(&none, &r, Chain::IDLE),
            Next::Escalate { failed_rounds: 1 }
        );
    }

    #[test]
    fn a_second_retake_is_numbered_two_and_waits_from_the_latest_result() {
        let two = RetakePolicy {
            retakes: 2,
            ..POLICY
        };
        let r = [
            round(2, true, Outcome::Failed, 10 * DAY_MS),
            round(1, false, Outcome::Failed, 0),
        ];
        assert_eq!(
            decide(&two, &r, Chain::IDLE),
            Next::Retake {
                round: 2,
                not_before: Timestamp(13 * DAY_MS)
            }
        );
    }

    #[test]
    fn an_open_assignment_is_waited_for_not_doubled() {
        let r = [round(1, false, Outcome::Failed, 0)];
        assert_eq!(decide(&POLICY, &r, Chain::OPEN), Next::Wait);
    }

    #[test]
    fn a_case_opened_after_the_latest_result_is_not_opened_again() {
        let r = [
            round(1, false, Outcome::Failed, 0),
            round(2, true, Outcome::Failed, 5 * DAY_MS),
        ];
        let covered = Chain {
            open_assignment: false,
            case_opened_at: Some(Timestamp(5 * DAY_MS)),
        };
        assert_eq!(decide(&POLICY, &r, covered), Next::Nothing);
    }

    #[test]
    fn failing_a_re_test_ordered_by_an_interview_escalates_again() {
        // The first case was opened when the retake failed; the re-test failed later.
        let r = [
            round(1, false, Outcome::Failed, 0),
            round(2, true, Outcome::Failed, 5 * DAY_MS),
            round(3, true, Outcome::Failed, 20 * DAY_MS),
        ];
        let earlier_case = Chain {
            open_assignment: false,
            case_opened_at: Some(Timestamp(5 * DAY_MS)),
        };
        assert_eq!(
            decide(&POLICY, &r, earlier_case),
            Next::Escalate { failed_rounds: 3 }
        );
        assert_eq!(decide(&POLICY, &r, Chain::OPEN), Next::Wait);
    }

    #[test]
    fn a_pass_on_the_retake_ends_the_chain() {
        let r = [
            round(1, false, Outcome::Failed, 0),
            round(2, true, Outcome::Passed, 5 * DAY_MS),
        ];
        assert_eq!(decide(&POLICY, &r, Chain::IDLE), Next::Done);
        assert_eq!(decide(&POLICY, &r, Chain::OPEN), Next::Done);
    }

    #[test]
    fn the_earliest_open_retake_sitting_with_a_free_seat_after_the_wait_is_chosen() {
        let slots = [
            Slot {
                sitting: sid(1),
                window_start: Timestamp(50),
                free_seats: 10,
            },
            Slot {
                sitting: sid(2),
                window_start: Timestamp(200),
                free_seats: 0,
            },
            Slot {
                sitting: sid(3),
                window_start: Timestamp(300),
                free_seats: 1,
            },
            Slot {
                sitting: sid(4),
                window_start: Timestamp(250),
                free_seats: 2,
            },
        ];
        assert_eq!(choose_sitting(Timestamp(100), &slots), Some(sid(4)));
        assert_eq!(choose_sitting(Timestamp(301), &slots), None);
        assert_eq!(choose_sitting(Timestamp(50), &slots), Some(sid(1)));
    }

    #[test]
    fn a_sitting_closes_after_its_window_and_grace_once_no_attempt_runs() {
        assert!(!sitting_closed(Timestamp(100), 10, Timestamp(105), 0));
        assert!(sitting_closed(Timestamp(100), 10, Timestamp(110), 0));
        assert!(!sitting_closed(Timestamp(100), 10, Timestamp(500), 1));
    }

    fn arb_outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Outcome::Passed),
            Just(Outcome::Failed),
            Just(Outcome::Absent),
            Just(Outcome::Voided),
        ]
    }

    fn arb_rounds() -> impl Strategy<Value = Vec<Round>> {
        proptest::collection::vec((any::<bool>(), arb_outcome(), 0i64..1_000_000_000), 0..6)
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (retake, outcome, at))| round(i as u8, retake || i > 0, outcome, at))
                    .collect()
            })
    }

    fn arb_policy() -> impl Strategy<Value = RetakePolicy> {
        (0u32..4, 0i64..10 * DAY_MS, any::<bool>()).prop_map(|(retakes, wait, voided)| {
            RetakePolicy {
                retakes,
                min_wait_ms: wait,
                voided_qualifies: voided,
            }
        })
    }

    proptest! {
        #[test]
        fn a_pass_anywhere_always_ends_the_chain(
            policy in arb_policy(), mut rounds in arb_rounds(), pos in any::<prop::sample::Index>(),
            open in any::<bool>(),
        ) {
            let at = if rounds.is_empty() { 0 } else { pos.index(rounds.len() + 1) };
            rounds.insert(at, round(99, at > 0, Outcome::Passed, 7));
            prop_assert_eq!(decide(&policy, &rounds, chain(open)), Next::Done);
        }

        #[test]
        fn the_decision_does_not_depend_on_the_order_of_the_history(
            policy in arb_policy(), rounds in arb_rounds(), open in any::<bool>(),
            seed in any::<u64>(),
        ) {
            let mut shuffled = rounds.clone();
            // A deterministic Fisher–Yates driven by the seed.
            let mut s = seed | 1;
            for i in (1..shuffled.len()).rev() {
                s ^= s << 13; s ^= s >> 7; s ^= s << 17;
                shuffled.swap(i, (s % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(decide(&policy, &rounds, chain(open)), decide(&policy, &shuffled, chain(open)));
        }

        #[test]
        fn an_open_assignment_never_leads_to_a_second_one(
            policy in arb_policy(), rounds in arb_rounds(),
        ) {
            let is_retake = matches!(decide(&policy, &rounds, Chain::OPEN), Next::Retake { .. });
            prop_assert!(!is_retake);
        }

        #[test]
        fn escalation_comes_exactly_when_the_allowed_retakes_are_used_up(
            policy in arb_policy(), rounds in arb_rounds(), open in any::<bool>(),
        ) {
            let passed = rounds.iter().any(|r| r.outcome == Outcome::Passed);
            let sat = rounds
                .iter()
                .filter(|r| r.is_retake && qualifies(&policy, r.outcome))
                .count() as u32;
            let counted = rounds.iter().any(|r| qualifies(&policy, r.outcome));
            let escalates = matches!(decide(&policy, &rounds, chain(open)), Next::Escalate { .. });
            prop_assert_eq!(escalates, !passed && counted && !open && sat >= policy.retakes);
        }

        #[test]
        fn deciding_again_after_opening_a_case_opens_nothing_more(
            policy in arb_policy(), rounds in arb_rounds(), later in 0i64..1_000,
        ) {
            if matches!(decide(&policy, &rounds, Chain::IDLE), Next::Escalate { .. }) {
                let latest = rounds.iter().map(|r| r.decided_at.0).max().unwrap_or(0);
                let after = Chain { open_assignment: false, case_opened_at: Some(Timestamp(latest + later)) };
                prop_assert_eq!(decide(&policy, &rounds, after), Next::Nothing);
            }
        }

        #[test]
        fn a_retake_never_opens_before_the_minimum_wait_after_the_latest_result(
            policy in arb_policy(), rounds in arb_rounds(),
        ) {
            if let Next::Retake { not_before, round } = decide(&policy, &rounds, Chain::IDLE) {
                let latest = rounds.iter().map(|r| r.decided_at.0).max().unwrap_or(0);
                prop_assert!(not_before.0 >= latest + policy.min_wait_ms);
                prop_assert!(round >= 1 && round <= policy.retakes);
            }
        }

        #[test]
        fn the_chosen_sitting_is_the_earliest_eligible_one(
            starts in proptest::collection::vec((0i64..1000, 0u32..3), 0..8),
            not_before in 0i64..1000,
        ) {
            let slots: Vec<Slot> = starts
                .iter()
                .enumerate()
                .map(|(i, (s, free))| Slot { sitting: sid(i as u8), window_start: Timestamp(*s), free_seats: *free })
                .collect();
            let eligible: Vec<&Slot> = slots
                .iter()
                .filter(|s| s.free_seats > 0 && s.window_start.0 >= not_before)
                .collect();
            match choose_sitting(Timestamp(not_before), &slots) {
                None => prop_assert!(eligible.is_empty()),
                Some(id) => {
                    let chosen = slots.iter().find(|s| s.sitting == id).unwrap();
                    prop_assert!(eligible.iter().all(|s| s.window_start >= chosen.window_start));
                    prop_assert!(chosen.free_seats > 0 && chosen.window_start.0 >= not_before);
                }
            }
        }
    }
}
