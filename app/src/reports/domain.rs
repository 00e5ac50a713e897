//! Pure statistics of results: score summaries and histograms, item analysis (facility,
//! discrimination, point-biserial, KR-20, option frequencies) and unit rankings with their
//! generated reasons. Scores are hundredths of a point, as stored.

/// Mean, median, population standard deviation, minimum and maximum of some scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: u32,
    pub mean: f64,
    pub median: f64,
    pub std_dev: f64,
    pub min: u32,
    pub max: u32,
}

/// `None` for no scores.
pub fn summarize(scores: &[u32]) -> Option<Summary> {
    if scores.is_empty() {
        return None;
    }
    let mut sorted = scores.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let mean = sorted.iter().map(|&s| f64::from(s)).sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        f64::from(sorted[n / 2])
    } else {
        (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0
    };
    let var = sorted
        .iter()
        .map(|&s| (f64::from(s) - mean).powi(2))
        .sum::<f64>()
        / n as f64;
    Some(Summary {
        n: n as u32,
        mean,
        median,
        std_dev: var.sqrt(),
        min: sorted[0],
        max: sorted[n - 1],
    })
}

/// Counts of scores in `bins` equal bins over `0..=max`; the last bin includes `max`.
/// A score above `max` (a regraded paper) counts in the last bin.
pub fn histogram(scores: &[u32], max: u32, bins: u32) -> Vec<u32> {
    let bins = bins.max(1);
    let mut out = vec![0u32; bins as usize];
    for &s in scores {
        let i = if max == 0 {
            0
        } else {
            (u64::from(s.min(max)) * u64::from(bins) / u64::from(max)).min(u64::from(bins - 1))
        };
        out[i as usize] += 1;
    }
    out
}

/// Whole percent, rounded half up; `None` when there is nobody.
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    (whole > 0)
        .then(|| ((u64::from(part) * 200 + u64::from(whole)) / (2 * u64::from(whole))) as u32)
}

/// Proportion of candidates who got the item right (the facility index).
pub fn facility(correct: &[bool]) -> Option<f64> {
    (!correct.is_empty())
        .then(|| correct.iter().filter(|&&c| c).count() as f64 / correct.len() as f64)
}

/// The size of the upper and lower groups: 27 % of the candidates, at least one.
pub fn group_size(n: usize) -> usize {
    ((n as f64 * 0.27).round() as usize).max(1).min(n)
}

/// Facility in the top 27 % by total score minus facility in the bottom 27 %. Candidates
/// with equal totals keep their input order, so ties are broken the same way every time.
/// `None` with fewer than two candidates.
pub fn discrimination(totals: &[u32], correct: &[bool]) -> Option<f64> {
    let n = totals.len().min(correct.len());
    if n < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| totals[i]);
    let g = group_size(n);
    let share = |idx: &[usize]| idx.iter().filter(|&&i| correct[i]).count() as f64 / g as f64;
    Some(share(&order[n - g..]) - share(&order[..g]))
}

/// Point-biserial correlation of an item with the total score: (M₁ − M₀) / s · √(p q),
/// with s the population standard deviation of the totals. `None` when everyone or no one
/// got the item right, or every total is the same.
pub fn point_biserial(totals: &[u32], correct: &[bool]) -> Option<f64> {
    let n = totals.len().min(correct.len());
    let right: Vec<f64> = (0..n)
        .filter(|&i| correct[i])
        .map(|i| f64::from(totals[i]))
        .collect();
    let wrong: Vec<f64> = (0..n)
        .filter(|&i| !correct[i])
        .map(|i| f64::from(totals[i]))
        .collect();
    if right.is_empty() || wrong.is_empty() {
        return None;
    }
    let s = summarize(&totals[..n])?.std_dev;
    if s == 0.0 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let p = right.len() as f64 / n as f64;
    Some((mean(&right) - mean(&wrong)) / s * (p * (1.0 - p)).sqrt())
}

/// Kuder–Richardson 20 reliability of a test of right/wrong items, one row per candidate:
/// k/(k−1) · (1 − Σ pᵢqᵢ / σ²) with σ² the population variance of the number right.
/// `None` with fewer than two items or two candidates, or when every total is the same.
pub fn kr20(rows: &[Vec<bool>]) -> Option<f64> {
    let k = rows.first()?.len();
    if k < 2 || rows.len() < 2 || rows.iter().any(|r| r.len() != k) {
        return None;
    }
    let n = rows.len() as f64;
    let pq: f64 = (0..k)
        .map(|j| {
            let p = rows.iter().filter(|r| r[j]).count() as f64 / n;
            p * (1.0 - p)
        })
        .sum();
    let totals: Vec<u32> = rows
        .iter()
        .map(|r| r.iter().filter(|&&c| c).count() as u32)
        .collect();
    let var = summarize(&totals)?.std_dev.powi(2);
    if var == 0.0 {
        return None;
    }
    Some(k as f64 / (k as f64 - 1.0) * (1.0 - pq / var))
}

/// How often each original option was chosen (a candidate choosing several counts for
/// each); options out of range are ignored.
pub fn option_frequencies(choices: &[Vec<u8>], option_count: u8) -> Vec<u32> {
    let mut out = vec![0u32; usize::from(option_count)];
    for c in choices {
        for &o in c {
            if let Some(slot) = out.get_mut(usize::from(o)) {
                *slot += 1;
            }
        }
    }
    out
}

/// Why an item deserves a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemFlag {
    /// Stronger candidates got it wrong more often than weaker ones: a wrong key or a
    /// misleading stem.
    NegativeDiscrimination,
    /// Almost everyone got it right (facility above 0.95).
    TooEasy,
    /// Almost no one got it right (facility below 0.05).
    TooHard,
}

pub fn item_flags(facility: Option<f64>, discrimination: Option<f64>) -> Vec<ItemFlag> {
    let mut out = Vec::new();
    if discrimination.is_some_and(|d| d < 0.0) {
        out.push(ItemFlag::NegativeDiscrimination);
    }
    match facility {
        Some(f) if f > 0.95 => out.push(ItemFlag::TooEasy),
        Some(f) if f < 0.05 => out.push(ItemFlag::TooHard),
        _ => {}
    }
    out
}

/// A unit's figures for a ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFigures<U> {
    pub unit: U,
    pub candidates: u32,
    pub passed: u32,
    pub absent: u32,
    pub open_cases: u32,
    /// Mean score of those who sat, as a percentage of full marks; `None` when nobody
    /// sat.
    pub mean_score: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    PassRate,
    MeanScore,
}

/// A unit's place: `None` when it has fewer candidates than the minimum (shown, not
/// ranked). Equal values share a place and the next place is skipped (1, 1, 3).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked<U> {
    pub figures: UnitFigures<U>,
    pub rank: Option<u32>,
}

/// Best first; unranked units after the ranked ones, in unit order.
pub fn rank_units<U: Ord + Clone>(
    figures: &[UnitFigures<U>],
    by: RankBy,
    min_candidates: u32,
) -> Vec<Ranked<U>> {
    let eligible = |f: &UnitFigures<U>| f.candidates > 0 && f.candidates >= min_candidates;
    // Descending by the chosen value; pass rates compared as exact fractions.
    let cmp = |a: &UnitFigures<U>, b: &UnitFigures<U>| match by {
        RankBy::PassRate => (u64::from(b.passed) * u64::from(a.candidates))
            .cmp(&(u64::from(a.passed) * u64::from(b.candidates))),
        RankBy::MeanScore => b
            .mean_score
            .unwrap_or(-1.0)
            .total_cmp(&a.mean_score.unwrap_or(-1.0)),
    };
    let mut ranked: Vec<&UnitFigures<U>> = figures.iter().filter(|f| eligible(f)).collect();
    ranked.sort_by(|a, b| cmp(a, b).then(a.unit.cmp(&b.unit)));
    let mut out: Vec<Ranked<U>> = Vec::with_capacity(figures.len());
    for (i, f) in ranked.iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if cmp(&prev.figures, f).is_eq() => prev.rank,
            _ => Some(i as u32 + 1),
        };
        out.push(Ranked {
            figures: (*f).clone(),
            rank,
        });
    }
    let mut rest: Vec<&UnitFigures<U>> = figures.iter().filter(|f| !eligible(f)).collect();
    rest.sort_by(|a, b| a.unit.cmp(&b.unit));
    out.extend(rest.into_iter().map(|f| Ranked {
        figures: f.clone(),
        rank: None,
    }));
    out
}

/// "通过率 62%（8/13），缺考 2 人，约谈 1 人": the reasons shown beside a weak unit.
pub fn unit_reason_zh<U>(f: &UnitFigures<U>) -> String {
    let mut s = match percent(f.passed, f.candidates) {
        Some(p) => format!("通过率 {p}%（{}/{}）", f.passed, f.candidates),
        None => "无考生".to_owned(),
    };
    if f.absent > 0 {
        s.push_str(&format!("，缺考 {} 人", f.absent));
    }
    if f.open_cases > 0 {
        s.push_str(&format!("，约谈 {} 人", f.open_cases));
    }
    s
}

/// The same in English.
pub fn unit_reason_en<U>(f: &UnitFigures<U>) -> String {
    let mut s = match percent(f.passed, f.candidates) {
        Some(p) => format!("pass rate {p}% ({}/{})", f.passed, f.candidates),
        None => "no candidates".to_owned(),
    };
    if f.absent > 0 {
        s.push_str(&format!(", {} absent", f.absent));
    }
    if f.open_cases > 0 {
        s.push_str(&format!(", {} in interview", f.open_cases));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_summary_of_hand_computed_scores() {
        // 60, 70, 70, 100 points (hundredths): mean 75, median 70, σ² = (225+25+25+625)/4.
        let s = summarize(&[7000, 6000, 10000, 7000]).unwrap();
        assert_eq!((s.n, s.min, s.max), (4, 6000, 10000));
        assert!(close(s.mean, 7500.0));
        assert!(close(s.median, 7000.0));
        assert!(close(s.std_dev, (900.0f64 / 4.0).sqrt() * 100.0));
        assert_eq!(summarize(&[]), None);
        let one = summarize(&[4200]).unwrap();
        assert!(close(one.std_dev, 0.0) && close(one.median, 4200.0));
    }

    #[test]
    fn the_histogram_puts_the_full_mark_in_the_last_bin() {
        assert_eq!(
            histogram(&[0, 999, 1000, 5000, 10000], 10000, 10),
            vec![2, 1, 0, 0, 0, 1, 0, 0, 0, 1]
        );
        assert_eq!(histogram(&[], 10000, 4), vec![0; 4]);
        assert_eq!(histogram(&[7], 0, 3), vec![1, 0, 0]);
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(8, 13), Some(62));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(5, 5), Some(100));
    }

    #[test]
    fn item_analysis_of_a_hand_computed_class() {
        // Ten candidates, totals 1..=10; the item is right for the top four only.
        let totals: Vec<u32> = (1..=10).collect();
        let correct: Vec<bool> = (1..=10).map(|t| t > 6).collect();
        assert!(close(facility(&correct).unwrap(), 0.4));
        // Groups of round(2.7) = 3: top all right, bottom all wrong.
        assert_eq!(group_size(10), 3);
        assert!(close(discrimination(&totals, &correct).unwrap(), 1.0));
        // M1 = 8.5, M0 = 3.5, σ = √8.25, p = 0.4.
        let r = point_biserial(&totals, &correct).unwrap();
        assert!(close(r, 5.0 / 8.25f64.sqrt() * (0.24f64).sqrt()));
        // Reversed: the weakest get it right.
        let reversed: Vec<bool> = correct.iter().rev().copied().collect();
        assert!(discrimination(&totals, &reversed).unwrap() < 0.0);
        assert_eq!(
            item_flags(facility(&reversed), discrimination(&totals, &reversed)),
            vec![ItemFlag::NegativeDiscrimination]
        );
    }

    #[test]
    fn everyone_right_or_a_single_candidate_has_no_correlation() {
        assert_eq!(point_biserial(&[1, 2, 3], &[true, true, true]), None);
        assert_eq!(discrimination(&[5], &[true]), None);
        assert_eq!(item_flags(Some(1.0), None), vec![ItemFlag::TooEasy]);
        assert_eq!(item_flags(Some(0.0), None), vec![ItemFlag::TooHard]);
    }

    #[test]
    fn kr20_of_a_hand_computed_test() {
        // Three items, four candidates: totals 3, 2, 1, 0 (variance 1.25);
        // p = 0.75, 0.5, 0.25 → Σpq = 0.1875 + 0.25 + 0.1875 = 0.625.
        let rows = vec![
            vec![true, true, true],
            vec![true, true, false],
            vec![true, false, false],
            vec![false, false, false],
        ];
        assert!(close(kr20(&rows).unwrap(), 1.5 * (1.0 - 0.625 / 1.25)));
        let all_pass = vec![vec![true, true]; 5];
        assert_eq!(kr20(&all_pass), None, "no variance");
        assert_eq!(kr20(&[vec![true, false]]), None, "one candidate");
    }

    #[test]
    fn option_frequencies_count_every_choice() {
        let choices = vec![vec![0], vec![0, 2], vec![3], vec![9]];
        assert_eq!(option_frequencies(&choices, 4), vec![2, 0, 1, 1]);
    }

    fn fig(unit: u8, candidates: u32, passed: u32, mean: Option<f64>) -> UnitFigures<u8> {
        UnitFigures {
            unit,
            candidates,
            passed,
            absent: 0,
            open_cases: 0,
            mean_score: mean,
        }
    }

    #[test]
    fn units_rank_by_pass_rate_with_shared_places_and_small_units_unranked() {
        let figs = [
            fig(1, 10, 5, Some(60.0)),
            fig(2, 4, 4, Some(90.0)),
            fig(3, 20, 10, Some(70.0)),
            fig(4, 2, 2, Some(95.0)),
            fig(5, 0, 0, None),
        ];
        let r = rank_units(&figs, RankBy::PassRate, 3);
        let places: Vec<(u8, Option<u32>)> = r.iter().map(|x| (x.figures.unit, x.rank)).collect();
        assert_eq!(
            places,
            vec![
                (2, Some(1)),
                (1, Some(2)),
                (3, Some(2)),
                (4, None),
                (5, None)
            ]
        );
        let by_mean = rank_units(&figs, RankBy::MeanScore, 3);
        assert_eq!(by_mean[0].figures.unit, 2);
        assert_eq!(by_mean[1].figures.unit, 3);
    }

    #[test]
    fn a_weak_units_reasons_read_as_the_department_writes_them() {
        let f = UnitFigures {
            unit: 1u8,
            candidates: 13,
            passed: 8,
            absent: 2,
            open_cases: 1,
            mean_score: None,
        };
        assert_eq!(
            unit_reason_zh(&f),
            "通过率 62%（8/13），缺考 2 人，约谈 1 人"
        );
        assert_eq!(
            unit_reason_en(&f),
            "pass rate 62% (8/13), 2 absent, 1 in interview"
        );
        assert_eq!(unit_reason_zh(&fig(2, 5, 5, None)), "通过率 100%（5/5）");
    }

    proptest! {
        #[test]
        fn a_summary_stays_within_the_scores(scores in proptest::collection::vec(0u32..20_000, 1..60)) {
            let s = summarize(&scores).unwrap();
            prop_assert!(f64::from(s.min) <= s.median && s.median <= f64::from(s.max));
            prop_assert!(f64::from(s.min) <= s.mean + 1e-9 && s.mean <= f64::from(s.max) + 1e-9);
            prop_assert!(s.std_dev >= 0.0);
        }

        #[test]
        fn the_histogram_counts_everyone_once(
            scores in proptest::collection::vec(0u32..20_000, 0..60), max in 0u32..20_000, bins in 1u32..20,
        ) {
            prop_assert_eq!(histogram(&scores, max, bins).iter().sum::<u32>() as usize, scores.len());
        }

        #[test]
        fn item_indices_stay_in_their_ranges(
            rows in proptest::collection::vec((0u32..100, any::<bool>()), 2..40),
        ) {
            let totals: Vec<u32> = rows.iter().map(|r| r.0).collect();
            let correct: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let f = facility(&correct).unwrap();
            prop_assert!((0.0..=1.0).contains(&f));
            let d = discrimination(&totals, &correct).unwrap();
            prop_assert!((-1.0..=1.0).contains(&d));
            if let Some(r) = point_biserial(&totals, &correct) {
                prop_assert!((-1.0 - 1e-9..=1.0 + 1e-9).contains(&r));
            }
        }

        #[test]
        fn kr20_never_exceeds_one(rows in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 4), 2..30)) {
            if let Some(k) = kr20(&rows) {
                prop_assert!(k <= 1.0 + 1e-9);
            }
        }

        #[test]
        fn the_ranking_does_not_depend_on_input_order(
            raw in proptest::collection::vec((0u32..20, 0u32..20), 0..12), min in 0u32..6,
        ) {
            let figs: Vec<UnitFigures<u8>> = raw
                .iter()
                .enumerate()
                .map(|(i, (c, p))| fig(i as u8, *c, (*p).min(*c), None))
                .collect();
            let mut rev = figs.clone();
            rev.reverse();
            prop_assert_eq!(rank_units(&figs, RankBy::PassRate, min), rank_units(&rev, RankBy::PassRate, min));
            for r in rank_units(&figs, RankBy::PassRate, min) {
                prop_assert_eq!(r.rank.is_some(), r.figures.candidates > 0 && r.figures.candidates >= min);
            }
        }
    }
}
