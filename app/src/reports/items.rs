//! Item analysis of an exam's graded first-round attempts: per question facility,
//! discrimination, point-biserial and option frequencies, and KR-20 for the whole test
//! when every candidate had the same questions. Pure; the job runner feeds it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::question_bank::model::QuestionId;

use super::domain::{self, ItemFlag};
use super::model::ItemLine;

/// One item of one graded attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct GradedItem {
    pub question: QuestionId,
    /// Full points for the item.
    pub correct: bool,
    /// Options chosen, in the question's own order; `None` for non-choice items.
    pub chosen: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GradedAttempt {
    /// Total score in hundredths.
    pub total: u32,
    pub items: Vec<GradedItem>,
}

/// What the analysis shows of a question besides the numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuestionInfo {
    pub stem: String,
    /// 0 for non-choice questions.
    pub option_count: u8,
    pub correct: Vec<u8>,
}

/// The cached body of an exam's analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    pub attempts: u32,
    pub kr20: Option<f64>,
    pub items: Vec<ItemLine>,
}

/// Characters of a stem shown in the table.
const STEM_CHARS: usize = 40;
/// Fewer answers than this say nothing reliable about an item: it gets its figures but
/// no flag (drawn papers spread a bank thinly over the candidates).
pub const MIN_ANSWERS_TO_FLAG: usize = 10;

/// Totals, right/wrong and chosen options of the candidates who had one question.
#[derive(Default)]
struct Column {
    totals: Vec<u32>,
    correct: Vec<bool>,
    chosen: Vec<Vec<u8>>,
}

pub fn analyse(attempts: &[GradedAttempt], info: &HashMap<QuestionId, QuestionInfo>) -> Stored {
    // Questions in order of first appearance; each with the attempts that had it.
    let mut order: Vec<QuestionId> = Vec::new();
    let mut per: HashMap<QuestionId, Column> = HashMap::new();
    for a in attempts {
        for it in &a.items {
            let e = per.entry(it.question).or_insert_with(|| {
                order.push(it.question);
                Default::default()
            });
            e.totals.push(a.total);
            e.correct.push(it.correct);
            if let Some(c) = &it.chosen {
                e.chosen.push(c.clone());
            }
        }
    }
    let mut items: Vec<ItemLine> = order
        .iter()
        .map(|q| {
            let Column {
                totals,
                correct,
                chosen,
            } = &per[q];
            let qi = info.get(q).cloned().unwrap_or_default();
            let facility = domain::facility(correct);
            let discrimination = domain::discrimination(totals, correct);
            let flags = if correct.len() >= MIN_ANSWERS_TO_FLAG {
                domain::item_flags(facility, discrimination)
            } else {
                Vec::new()
            };
            ItemLine {
                question_id: *q,
                stem: qi.stem.chars().take(STEM_CHARS).collect(),
                n: correct.len() as u32,
                facility,
                discrimination,
                point_biserial: domain::point_biserial(totals, correct),
                options: domain::option_frequencies(chosen, qi.option_count),
                correct: qi.correct,
                negative_discrimination: flags.contains(&ItemFlag::NegativeDiscrimination),
                too_easy: flags.contains(&ItemFlag::TooEasy),
                too_hard: flags.contains(&ItemFlag::TooHard),
            }
        })
        .collect();
    // Flagged items first (they are what the page is for), otherwise as first met.
    items.sort_by_key(|i: &ItemLine| !(i.negative_discrimination || i.too_easy || i.too_hard));
    Stored {
        attempts: attempts.len() as u32,
        kr20: kr20_if_same_questions(attempts),
        items,
    }
}

/// KR-20 needs one item set for everyone; drawn papers differ, and then there is none.
fn kr20_if_same_questions(attempts: &[GradedAttempt]) -> Option<f64> {
    let mut set: Vec<QuestionId> = attempts.first()?.items.iter().map(|i| i.question).collect();
    set.sort();
    let rows: Option<Vec<Vec<bool>>> = attempts
        .iter()
        .map(|a| {
            let mut items: Vec<(QuestionId, bool)> =
                a.items.iter().map(|i| (i.question, i.correct)).collect();
            items.sort_by_key(|i| i.0);
            let ids: Vec<QuestionId> = items.iter().map(|i| i.0).collect();
            (ids == set).then(|| items.into_iter().map(|i| i.1).collect())
        })
        .collect();
    domain::kr20(&rows?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: u128) -> QuestionId {
        QuestionId(uuid::Uuid::from_u128(n))
    }

    fn attempt(total: u32, items: &[(u128, bool, Option<&[u8]>)]) -> GradedAttempt {
        GradedAttempt {
            total,
            items: items
                .iter()
                .map(|(id, c, ch)| GradedItem {
                    question: q(*id),
                    correct: *c,
                    chosen: ch.map(|c| c.to_vec()),
                })
                .collect(),
        }
    }

    #[test]
    fn a_fixed_paper_gets_per_item_figures_and_kr20() {
        // Two items. Item 1 right for the better half, item 2 for the worse half.
        // Three candidates at each score, so the items have enough answers to be flagged.
        let one = [
            attempt(90, &[(1, true, Some(&[0])), (2, false, None)]),
            attempt(70, &[(1, true, Some(&[0])), (2, false, None)]),
            attempt(40, &[(1, false, Some(&[2])), (2, true, None)]),
            attempt(10, &[(1, false, Some(&[1])), (2, true, None)]),
        ];
        let attempts: Vec<GradedAttempt> = one
            .iter()
            .flat_map(|a| [a.clone(), a.clone(), a.clone()])
            .collect();
        let mut info = HashMap::new();
        info.insert(
            q(1),
            QuestionInfo {
                stem: "党章规定……".into(),
                option_count: 4,
                correct: vec![0],
            },
        );
        let s = analyse(&attempts, &info);
        assert_eq!(s.attempts, 12);
        let (i2, i1) = (&s.items[0], &s.items[1]);
        assert_eq!(i2.question_id, q(2), "the flagged item comes first");
        assert_eq!((i1.n, i1.facility), (12, Some(0.5)));
        assert_eq!(
            i1.discrimination,
            Some(1.0),
            "groups of three: the best right, the worst wrong"
        );
        assert_eq!(i1.options, vec![6, 3, 3, 0]);
        assert_eq!(i2.discrimination, Some(-1.0));
        assert!(i2.negative_discrimination && !i1.negative_discrimination);
        assert!(i2.options.is_empty());
        // Number right is 1 for everyone: no variance, no KR-20.
        assert_eq!(s.kr20, None);
    }

    #[test]
    fn drawn_papers_have_no_kr20_but_still_have_item_figures() {
        let attempts = [
            attempt(90, &[(1, true, None), (2, true, None)]),
            attempt(10, &[(1, false, None), (3, false, None)]),
        ];
        let s = analyse(&attempts, &HashMap::new());
        assert_eq!(s.kr20, None);
        assert_eq!(s.items.len(), 3);
        assert_eq!(s.items[1].n, 1);
        assert_eq!(
            (s.items[1].facility, s.items[2].facility),
            (Some(1.0), Some(0.0))
        );
        assert!(
            !s.items[2].too_hard && !s.items[1].too_easy,
            "one answer is too few to flag an item"
        );
    }

    #[test]
    fn kr20_is_computed_when_everyone_had_the_same_questions_in_any_order() {
        let attempts = [
            attempt(30, &[(1, true, None), (2, true, None), (3, true, None)]),
            attempt(20, &[(3, false, None), (1, true, None), (2, true, None)]),
            attempt(0, &[(2, false, None), (3, false, None), (1, false, None)]),
        ];
        let k = analyse(&attempts, &HashMap::new()).kr20.unwrap();
        // Totals 3, 2, 0: σ² = 14/9; Σpq = 2/9 + 2/9 + 2/9; KR-20 = 3/2 · (1 − (6/9)/(14/9)).
        assert!((k - 1.5 * (1.0 - 6.0 / 14.0)).abs() < 1e-9);
    }

    #[test]
    fn no_attempts_give_an_empty_analysis() {
        let s = analyse(&[], &HashMap::new());
        assert_eq!((s.attempts, s.kr20, s.items.len()), (0, None, 0));
    }
}
