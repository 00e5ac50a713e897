//! Pure figures of results: what one candidate's seats in an exam came to (the row the
//! report aggregates keep), and how candidates add up for an exam or a unit.

use super::domain::UnitFigures;

/// One assignment of a candidate to a sitting of an exam, with what came of it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatRecord<U> {
    pub user: U,
    pub is_retake: bool,
    /// The attempt was started.
    pub started: bool,
    pub submitted: bool,
    pub voided: bool,
    /// Graded score and its maximum, in hundredths.
    pub score: Option<(u32, u32)>,
    pub passed: Option<bool>,
    /// Seconds from start to submission.
    pub time_used_secs: Option<i64>,
    /// The sitting has closed and this candidate's result is final.
    pub decided: bool,
}

/// What one candidate's seats in one exam came to. Only candidates with a first
/// (non-retake) seat have figures: they are the exam's candidates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CandidateFigures {
    pub started: bool,
    pub submitted: bool,
    /// A first sitting closed with a final result for this candidate.
    pub decided: bool,
    /// A valid (not voided) pass in a first sitting.
    pub passed_first: bool,
    /// A valid pass in any round.
    pub passed_any: bool,
    /// The best valid first-round score, in hundredths.
    pub score: Option<u32>,
    /// Full marks of the first-round papers (hundredths); 0 when none was graded.
    pub max_points: u32,
    /// Mean time from start to submission over the first-round attempts.
    pub time_used_secs: Option<i64>,
    /// Retake seats the candidate was given.
    pub retake_rounds: u32,
}

impl CandidateFigures {
    /// Decided without having started any first sitting.
    pub fn absent(&self) -> bool {
        self.decided && !self.started
    }
}

/// `None` when the seats hold no first sitting. Seats of other candidates must not be
/// passed in.
pub fn candidate_figures<U>(seats: &[SeatRecord<U>]) -> Option<CandidateFigures> {
    let mut f = CandidateFigures::default();
    let mut first = false;
    let mut times = Vec::new();
    for s in seats {
        let valid_pass = s.passed == Some(true) && !s.voided;
        f.passed_any |= valid_pass;
        if s.is_retake {
            f.retake_rounds += 1;
            continue;
        }
        first = true;
        f.started |= s.started;
        f.submitted |= s.submitted;
        f.decided |= s.decided;
        f.passed_first |= valid_pass;
        if let (Some((score, max)), false) = (s.score, s.voided) {
            f.max_points = f.max_points.max(max);
            f.score = Some(f.score.map_or(score, |b| b.max(score)));
        }
        if let Some(t) = s.time_used_secs.filter(|_| s.submitted) {
            times.push(t);
        }
    }
    f.time_used_secs = mean_secs(&times);
    first.then_some(f)
}

fn mean_secs(times: &[i64]) -> Option<i64> {
    (!times.is_empty()).then(|| times.iter().sum::<i64>() / times.len() as i64)
}

/// The figures of an exam's overview. Each candidate counts once however many first
/// sittings they had.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamFigures {
    pub candidates: u32,
    pub started: u32,
    pub submitted: u32,
    /// Decided, and never started any first sitting.
    pub absent: u32,
    /// Candidates with a final first-round result.
    pub decided: u32,
    pub passed_first: u32,
    /// Passed in any round, among the decided.
    pub passed_eventually: u32,
    /// First-round scores (each candidate's best valid first-round attempt).
    pub scores: Vec<u32>,
    pub max_points: u32,
    /// Mean over the candidates who submitted of their time used.
    pub mean_time_secs: Option<i64>,
}

pub fn add_up<'a>(candidates: impl IntoIterator<Item = &'a CandidateFigures>) -> ExamFigures {
    let mut e = ExamFigures {
        candidates: 0,
        started: 0,
        submitted: 0,
        absent: 0,
        decided: 0,
        passed_first: 0,
        passed_eventually: 0,
        scores: Vec::new(),
        max_points: 0,
        mean_time_secs: None,
    };
    let mut times = Vec::new();
    for c in candidates {
        e.candidates += 1;
        e.started += u32::from(c.started);
        e.submitted += u32::from(c.submitted);
        e.absent += u32::from(c.absent());
        e.decided += u32::from(c.decided);
        e.passed_first += u32::from(c.decided && c.passed_first);
        e.passed_eventually += u32::from(c.decided && c.passed_any);
        e.scores.extend(c.score);
        e.max_points = e.max_points.max(c.max_points);
        times.extend(c.time_used_secs);
    }
    e.mean_time_secs = mean_secs(&times);
    e
}

/// Groups seats by candidate and adds them up.
pub fn exam_figures<U: Ord + Clone>(seats: &[SeatRecord<U>]) -> ExamFigures {
    let mut by_user: std::collections::BTreeMap<U, Vec<SeatRecord<U>>> = Default::default();
    for s in seats {
        by_user.entry(s.user.clone()).or_default().push(s.clone());
    }
    let people: Vec<CandidateFigures> = by_user
        .values()
        .filter_map(|s| candidate_figures(s))
        .collect();
    add_up(&people)
}

/// What a unit's candidates add up to, possibly over several exams (each candidate and
/// exam counts once). Totals add, so a county's totals are the sum of its departments'.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitTotals {
    pub candidates: u32,
    pub decided: u32,
    pub passed_first: u32,
    pub passed_any: u32,
    pub absent: u32,
    pub open_cases: u32,
    /// Sum and count of the decided candidates' scores as fractions of full marks.
    pub fraction_sum: f64,
    pub scored: u32,
}

impl UnitTotals {
    pub fn of(c: &CandidateFigures, open_case: bool) -> UnitTotals {
        let scored = c.decided && c.score.is_some() && c.max_points > 0;
        UnitTotals {
            candidates: 1,
            decided: u32::from(c.decided),
            passed_first: u32::from(c.decided && c.passed_first),
            passed_any: u32::from(c.decided && c.passed_any),
            absent: u32::from(c.absent()),
            open_cases: u32::from(open_case),
            fraction_sum: if scored {
                f64::from(c.score.unwrap_or(0)) / f64::from(c.max_points)
            } else {
                0.0
            },
            scored: u32::from(scored),
        }
    }

    pub fn add(&mut self, o: &UnitTotals) {
        self.candidates += o.candidates;
        self.decided += o.decided;
        self.passed_first += o.passed_first;
        self.passed_any += o.passed_any;
        self.absent += o.absent;
        self.open_cases += o.open_cases;
        self.fraction_sum += o.fraction_sum;
        self.scored += o.scored;
    }

    /// The ranking's view: candidates are the decided ones, so a sitting still running
    /// does not pull a unit down; the mean is a percentage of full marks, so exams with
    /// different full marks compare.
    pub fn figures<U>(&self, unit: U) -> UnitFigures<U> {
        UnitFigures {
            unit,
            candidates: self.decided,
            passed: self.passed_first,
            absent: self.absent,
            open_cases: self.open_cases,
            mean_score: (self.scored > 0)
                .then(|| self.fraction_sum * 100.0 / f64::from(self.scored)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::domain::{percent, summarize};
    use proptest::prelude::*;

    fn seat(user: u8, is_retake: bool, score: Option<u32>, passed: Option<bool>) -> SeatRecord<u8> {
        SeatRecord {
            user,
            is_retake,
            started: score.is_some(),
            submitted: score.is_some(),
            voided: false,
            score: score.map(|s| (s, 10_000)),
            passed,
            time_used_secs: score.map(|_| 600),
            decided: true,
        }
    }

    #[test]
    fn exam_figures_count_each_candidate_once_and_follow_retakes() {
        let seats = [
            // 1 passes first time; 2 fails then passes the retake; 3 is absent twice (two
            // first sittings) then fails the retake; 4 is still undecided.
            seat(1, false, Some(8_000), Some(true)),
            seat(2, false, Some(4_000), Some(false)),
            seat(2, true, Some(7_000), Some(true)),
            seat(3, false, None, None),
            seat(3, false, None, None),
            seat(3, true, Some(1_000), Some(false)),
            SeatRecord {
                decided: false,
                ..seat(4, false, None, None)
            },
        ];
        let f = exam_figures(&seats);
        assert_eq!(
            (f.candidates, f.started, f.submitted, f.absent, f.decided),
            (4, 2, 2, 1, 3)
        );
        assert_eq!((f.passed_first, f.passed_eventually), (1, 2));
        let mut scores = f.scores.clone();
        scores.sort_unstable();
        assert_eq!(scores, vec![4_000, 8_000], "first-round scores only");
        assert_eq!(f.max_points, 10_000);
        assert_eq!(f.mean_time_secs, Some(600));
    }

    #[test]
    fn a_voided_pass_is_not_a_pass() {
        let seats = [SeatRecord {
            voided: true,
            ..seat(1, false, Some(9_000), Some(true))
        }];
        let f = exam_figures(&seats);
        assert_eq!((f.passed_first, f.passed_eventually), (0, 0));
        assert!(f.scores.is_empty());
    }

    #[test]
    fn an_exam_without_candidates_has_empty_figures() {
        let f = exam_figures::<u8>(&[]);
        assert_eq!((f.candidates, f.decided), (0, 0));
        assert_eq!(summarize(&f.scores), None);
        assert_eq!(percent(f.passed_first, f.decided), None);
    }

    #[test]
    fn a_candidate_without_a_first_seat_has_no_figures() {
        assert_eq!(
            candidate_figures(&[seat(1, true, Some(9_000), Some(true))]),
            None
        );
        let f = candidate_figures(&[
            seat(1, false, Some(4_000), Some(false)),
            seat(1, true, Some(9_000), Some(true)),
        ])
        .unwrap();
        assert!(!f.passed_first && f.passed_any && f.retake_rounds == 1 && f.score == Some(4_000));
    }

    #[test]
    fn a_unit_counts_only_decided_candidates_and_averages_percentages() {
        let c = |decided, started, passed, score: Option<u32>| CandidateFigures {
            started,
            submitted: started,
            decided,
            passed_first: passed,
            passed_any: passed,
            score,
            max_points: 10_000,
            ..CandidateFigures::default()
        };
        let mut t = UnitTotals::default();
        for (f, case) in [
            (c(true, true, true, Some(8_000)), false),
            (c(true, true, false, Some(4_000)), false),
            (c(true, false, false, None), false),
            (c(false, true, false, Some(10_000)), false),
            (c(true, true, false, Some(3_000)), true),
        ] {
            t.add(&UnitTotals::of(&f, case));
        }
        let f = t.figures('u');
        assert_eq!(
            (t.candidates, f.candidates, f.passed, f.absent, f.open_cases),
            (5, 4, 1, 1, 1)
        );
        assert!((f.mean_score.unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(UnitTotals::default().figures('e').mean_score, None);
    }

    proptest! {
        #[test]
        fn adding_up_candidates_equals_grouping_their_seats(
            raw in proptest::collection::vec((0u8..6, any::<bool>(), proptest::option::of(0u32..10_000), any::<bool>(), any::<bool>()), 0..40),
        ) {
            let seats: Vec<SeatRecord<u8>> = raw.iter().map(|(u, retake, score, pass, decided)| SeatRecord {
                decided: *decided,
                ..seat(*u, *retake, *score, score.map(|_| *pass))
            }).collect();
            let whole = exam_figures(&seats);
            prop_assert!(whole.passed_first <= whole.passed_eventually);
            prop_assert!(whole.passed_eventually <= whole.decided && whole.decided <= whole.candidates);
            prop_assert!(whole.absent <= whole.decided && whole.started + whole.absent <= whole.candidates);
            let firsts = seats.iter().filter(|s| !s.is_retake).map(|s| s.user).collect::<std::collections::BTreeSet<_>>();
            prop_assert_eq!(whole.candidates as usize, firsts.len());
        }
    }
}
