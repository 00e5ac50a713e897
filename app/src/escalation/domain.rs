//! Pure rules of escalation cases: the workflow, overdue, who interviews, and which
//! units are the weakest. No IO; time is a parameter.

use crate::accounts::model::UserId;

use super::model::{CaseOutcome, CaseState};
use crate::time::Timestamp;

/// What an interviewer or admin does to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Set (or move) the interview's date and place.
    Schedule,
    /// Record that the interview took place, with notes and an outcome.
    Record,
    Close,
}

/// The state a step leads to, or `None` when the step is not allowed from `from`.
/// The workflow only moves forward: open → scheduled → interviewed → closed; an
/// interview may be rescheduled until it is recorded.
pub fn transition(from: CaseState, step: Step) -> Option<CaseState> {
    match (from, step) {
        (CaseState::Open | CaseState::Scheduled, Step::Schedule) => Some(CaseState::Scheduled),
        (CaseState::Scheduled, Step::Record) => Some(CaseState::Interviewed),
        (CaseState::Interviewed, Step::Close) => Some(CaseState::Closed),
        _ => None,
    }
}

/// An outcome an interviewer may record (the system's "withdrawn" is not one).
pub fn recordable(o: CaseOutcome) -> bool {
    CaseOutcome::RECORDABLE.contains(&o)
}

/// A case is overdue when its interview has not been held by the due date.
pub fn overdue(state: CaseState, due_at: Timestamp, now: Timestamp) -> bool {
    matches!(state, CaseState::Open | CaseState::Scheduled) && now > due_at
}

/// The interviewer for a unit: among interviewers whose scope (a unit path) contains the
/// unit, the one with the deepest scope (the nearest head up the unit chain); ties go
/// to the smaller id so every server picks the same person.
pub fn nearest_interviewer(unit_path: &str, interviewers: &[(UserId, String)]) -> Option<UserId> {
    interviewers
        .iter()
        .filter(|(_, scope)| crate::accounts::domain::within_scope(unit_path, scope))
        .max_by(|(a_id, a), (b_id, b)| a.len().cmp(&b.len()).then(b_id.cmp(a_id)))
        .map(|(id, _)| *id)
}

/// A unit's first-sitting figures for one exam.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitStat<U> {
    pub unit: U,
    pub candidates: u32,
    pub passed: u32,
    pub absent: u32,
    pub open_cases: u32,
}

/// The `n` weakest units by pass rate among those with at least `min_candidates`
/// candidates, weakest first. Ties: more candidates first (a larger failing unit
/// weighs more), then unit order, so the result does not depend on input order.
pub fn bottom_units<U: Ord + Clone>(
    stats: &[UnitStat<U>],
    n: usize,
    min_candidates: u32,
) -> Vec<UnitStat<U>> {
    let mut ranked: Vec<&UnitStat<U>> = stats
        .iter()
        .filter(|s| s.candidates > 0 && s.candidates >= min_candidates.max(1))
        .collect();
    // Compare passed/candidates as fractions without rounding: a/b < c/d ⇔ a·d < c·b.
    ranked.sort_by(|x, y| {
        (u64::from(x.passed) * u64::from(y.candidates))
            .cmp(&(u64::from(y.passed) * u64::from(x.candidates)))
            .then(y.candidates.cmp(&x.candidates))
            .then(x.unit.cmp(&y.unit))
    });
    ranked.into_iter().take(n).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_workflow_moves_forward_one_step_at_a_time() {
        use CaseState::*;
        assert_eq!(transition(Open, Step::Schedule), Some(Scheduled));
        assert_eq!(transition(Scheduled, Step::Schedule), Some(Scheduled));
        assert_eq!(transition(Scheduled, Step::Record), Some(Interviewed));
        assert_eq!(transition(Interviewed, Step::Close), Some(Closed));
        assert_eq!(transition(Open, Step::Record), None);
        assert_eq!(transition(Open, Step::Close), None);
        assert_eq!(transition(Interviewed, Step::Schedule), None);
    }

    #[test]
    fn only_a_case_whose_interview_is_still_to_come_is_overdue() {
        let due = Timestamp(100);
        assert!(overdue(CaseState::Open, due, Timestamp(101)));
        assert!(overdue(CaseState::Scheduled, due, Timestamp(101)));
        assert!(!overdue(CaseState::Open, due, Timestamp(100)));
        assert!(!overdue(CaseState::Interviewed, due, Timestamp(500)));
        assert!(!overdue(CaseState::Closed, due, Timestamp(500)));
    }

    #[test]
    fn the_interviewer_is_the_nearest_head_up_the_unit_chain() {
        let city = UserId(uuid::Uuid::from_bytes([1; 16]));
        let county = UserId(uuid::Uuid::from_bytes([2; 16]));
        let other = UserId(uuid::Uuid::from_bytes([3; 16]));
        let heads = vec![
            (city, "/c/".to_owned()),
            (county, "/c/k/".to_owned()),
            (other, "/c/x/".to_owned()),
        ];
        assert_eq!(nearest_interviewer("/c/k/d/", &heads), Some(county));
        assert_eq!(nearest_interviewer("/c/y/", &heads), Some(city));
        assert_eq!(nearest_interviewer("/z/", &heads), None);
    }

    #[test]
    fn the_weakest_units_are_ranked_by_pass_rate_and_small_units_are_not_ranked() {
        let s = |unit: u8, candidates, passed| UnitStat {
            unit,
            candidates,
            passed,
            absent: 0,
            open_cases: 0,
        };
        let stats = [
            s(1, 10, 9),
            s(2, 10, 5),
            s(3, 2, 0),
            s(4, 20, 10),
            s(5, 8, 6),
        ];
        let bottom: Vec<u8> = bottom_units(&stats, 2, 5).iter().map(|u| u.unit).collect();
        // Units 2 and 4 both pass 50 %; the larger one ranks weaker.
        assert_eq!(bottom, vec![4, 2]);
        assert!(bottom_units(&stats, 10, 5).iter().all(|u| u.unit != 3));
        assert!(bottom_units(&stats, 0, 1).is_empty());
    }

    fn arb_stats() -> impl Strategy<Value = Vec<UnitStat<u8>>> {
        proptest::collection::vec((0u32..30, 0u32..30), 0..12).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (c, p))| UnitStat {
                    unit: i as u8,
                    candidates: c,
                    passed: p.min(c),
                    absent: 0,
                    open_cases: 0,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn no_ranked_unit_passes_more_often_than_an_unranked_eligible_one(
            stats in arb_stats(), n in 0usize..6, min in 0u32..10,
        ) {
            let bottom = bottom_units(&stats, n, min);
            prop_assert!(bottom.len() <= n);
            for b in &bottom {
                prop_assert!(b.candidates >= min.max(1));
                for s in stats.iter().filter(|s| s.candidates >= min.max(1) && !bottom.iter().any(|x| x.unit == s.unit)) {
                    // b.passed/b.candidates <= s.passed/s.candidates
                    prop_assert!(u64::from(b.passed) * u64::from(s.candidates) <= u64::from(s.passed) * u64::from(b.candidates));
                }
            }
        }

        #[test]
        fn the_ranking_does_not_depend_on_input_order(stats in arb_stats(), n in 0usize..6, min in 0u32..10) {
            let mut rev = stats.clone();
            rev.reverse();
            prop_assert_eq!(bottom_units(&stats, n, min), bottom_units(&rev, n, min));
        }

        #[test]
        fn a_closed_case_accepts_no_further_step(step in prop_oneof![Just(Step::Schedule), Just(Step::Record), Just(Step::Close)]) {
            prop_assert_eq!(transition(CaseState::Closed, step), None);
        }
    }
}
