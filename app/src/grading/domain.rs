//! Pure grading rules: checking a response against what an item accepts, scoring one item
//! against its key, and totalling a paper. No IO, no clock.
//!
//! A response is in the candidate's shown option order; a key is in the question's
//! original order. Grading maps shown → original through the item's `option_order`
//! before comparing. Grading is total: a missing response, a response of the wrong kind,
//! a key that does not fit the type or an index out of range scores 0 and never panics.
//! Every item scores between 0 and its own points.

use crate::papers::domain::{pass_threshold, passes};
use crate::papers::model::{MultiScoring, PassMark};
use crate::question_bank::domain::AnswerKey;
use crate::question_bank::model::{Points, QuestionType};

use super::model::{ItemShape, Response};

/// Identifies the rules below; stored with a result so a later change of the rules can
/// tell which results it would regrade differently.
pub const GRADING_RULES_VERSION: i32 = 1;
/// Longest text accepted for one blank, in characters.
pub const MAX_BLANK_CHARS: usize = 1_000;

/// The exam's scoring options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub multi: MultiScoring,
    /// Fill-in items score per correct blank instead of all-or-nothing.
    pub fill_per_blank: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum ItemKey<'a> {
    Key(&'a AnswerKey),
    /// A voided question: everyone gets its full points.
    Voided,
}

/// One item of a candidate's paper with everything needed to score it.
#[derive(Debug, Clone)]
pub struct ItemToGrade<'a> {
    pub qtype: QuestionType,
    pub key: ItemKey<'a>,
    /// `option_order[shown] = original`. Empty = identity; a shown index beyond its end
    /// maps to itself.
    pub option_order: &'a [u8],
    pub points: Points,
    pub response: Option<&'a Response>,
}

/// A graded paper. `score <= max`; `item_points[i] <= items[i].points`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graded {
    /// In the order of the items graded.
    pub item_points: Vec<Points>,
    /// Sum of `item_points`.
    pub score: Points,
    /// Sum of the items' points.
    pub max: Points,
    /// The pass mark in points for `max`.
    pub threshold: Points,
    pub passed: bool,
}

/// Why a response cannot be saved for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseError {
    /// The response's variant does not fit the item's type.
    WrongKind,
    OptionOutOfRange,
    /// More than one option for a single-choice item.
    TooManyChoices,
    WrongBlankCount,
    BlankTooLong,
}

/// Whether the candidate has given any answer: a choice, a truth value, or a blank with
/// text other than white space.
pub fn is_answered(r: &Response) -> bool {
    match r {
        Response::Choice(c) => !c.is_empty(),
        Response::TrueFalse(_) => true,
        Response::Blanks(b) => b.iter().any(|t| !t.trim().is_empty()),
    }
}

/// Checks a response against the item's shape and returns it normalised (choices sorted
/// and distinct; blank texts unchanged). The result validates to itself.
pub fn validate_response(shape: ItemShape, r: Response) -> Result<Response, ResponseError> {
    match (shape.qtype, r) {
        (QuestionType::Single | QuestionType::Multiple, Response::Choice(mut chosen)) => {
            chosen.sort_unstable();
            chosen.dedup();
            if chosen.iter().any(|&i| i >= shape.options) {
                return Err(ResponseError::OptionOutOfRange);
            }
            if shape.qtype == QuestionType::Single && chosen.len() > 1 {
                return Err(ResponseError::TooManyChoices);
            }
            Ok(Response::Choice(chosen))
        }
        (QuestionType::TrueFalse, r @ Response::TrueFalse(_)) => Ok(r),
        (QuestionType::FillBlank, Response::Blanks(texts)) => {
            if texts.len() != usize::from(shape.blanks) {
                return Err(ResponseError::WrongBlankCount);
            }
            if texts.iter().any(|t| t.chars().count() > MAX_BLANK_CHARS) {
                return Err(ResponseError::BlankTooLong);
            }
            Ok(Response::Blanks(texts))
        }
        _ => Err(ResponseError::WrongKind),
    }
}

/// `points * num / den` floored to whole hundredths, and exactly `points` when
/// `num >= den`. `den > 0`.
fn share(points: Points, num: usize, den: usize) -> Points {
    if num >= den {
        return points;
    }
    // num < den, so the result is below points.0 and fits in u32.
    Points((u64::from(points.0) * num as u64 / den as u64) as u32)
}

fn to_original(option_order: &[u8], shown: u8) -> usize {
    option_order
        .get(usize::from(shown))
        .map_or(usize::from(shown), |&o| usize::from(o))
}

fn grade_choice(item: &ItemToGrade, key: &[usize], shown: &[u8], multi: MultiScoring) -> Points {
    let mut chosen: Vec<usize> = shown
        .iter()
        .map(|&s| to_original(item.option_order, s))
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    // The key is stored sorted and distinct; normalising again costs little and keeps a
    // malformed key from turning a right answer wrong.
    let mut key = key.to_vec();
    key.sort_unstable();
    key.dedup();
    if chosen.is_empty() || key.is_empty() {
        return Points(0);
    }
    if chosen == key {
        return item.points;
    }
    let partial = item.qtype == QuestionType::Multiple && multi == MultiScoring::Partial;
    if partial && chosen.iter().all(|c| key.binary_search(c).is_ok()) {
        // chosen ⊊ key here, so this is below full points.
        share(item.points, chosen.len(), key.len())
    } else {
        Points(0)
    }
}

fn grade_blanks(
    item: &ItemToGrade,
    key: &AnswerKey,
    blanks: usize,
    texts: &[String],
    per_blank: bool,
) -> Points {
    if blanks == 0 {
        return Points(0);
    }
    // Texts beyond the key's blanks are ignored; a blank left empty is never correct.
    let correct = texts
        .iter()
        .take(blanks)
        .enumerate()
        .filter(|(i, t)| !t.trim().is_empty() && key.blank_accepts(*i, t))
        .count();
    if correct == blanks {
        item.points
    } else if per_blank {
        share(item.points, correct, blanks)
    } else {
        Points(0)
    }
}

/// The points an item earns: between 0 and `item.points`.
pub fn grade_item(item: &ItemToGrade, policy: Policy) -> Points {
    let key = match item.key {
        ItemKey::Voided => return item.points,
        ItemKey::Key(k) => k,
    };
    let Some(response) = item.response else {
        return Points(0);
    };
    match (item.qtype, key, response) {
        (
            QuestionType::Single | QuestionType::Multiple,
            AnswerKey::Choice(k),
            Response::Choice(shown),
        ) => grade_choice(item, k, shown, policy.multi),
        (QuestionType::TrueFalse, AnswerKey::TrueFalse(k), Response::TrueFalse(r)) => {
            if k == r {
                item.points
            } else {
                Points(0)
            }
        }
        (QuestionType::FillBlank, AnswerKey::Blanks { answers, .. }, Response::Blanks(texts)) => {
            grade_blanks(item, key, answers.len(), texts, policy.fill_per_blank)
        }
        _ => Points(0),
    }
}

fn sum(points: impl Iterator<Item = Points>) -> Points {
    let total: u64 = points.map(|p| u64::from(p.0)).sum();
    Points(total.min(u64::from(u32::MAX)) as u32)
}

/// Grades every item and totals the paper against its pass mark.
pub fn grade_paper(items: &[ItemToGrade], policy: Policy, pass_mark: PassMark) -> Graded {
    let item_points: Vec<Points> = items.iter().map(|i| grade_item(i, policy)).collect();
    let score = sum(item_points.iter().copied());
    let max = sum(items.iter().map(|i| i.points));
    let threshold = pass_threshold(pass_mark, max);
    Graded {
        item_points,
        score,
        max,
        threshold,
        passed: passes(score, threshold),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question_bank::model::BlankPolicy;
    use proptest::prelude::*;

    // Option letters as original (key) or shown (response) indices.
    const A: u8 = 0;
    const B: u8 = 1;
    const C: u8 = 2;
    const D: u8 = 3;

    const PARTIAL: Policy = Policy {
        multi: MultiScoring::Partial,
        fill_per_blank: true,
    };
    const STRICT: Policy = Policy {
        multi: MultiScoring::AllOrNothing,
        fill_per_blank: false,
    };

    fn choice_key(original: &[u8]) -> AnswerKey {
        AnswerKey::Choice(original.iter().map(|&i| usize::from(i)).collect())
    }

    fn blanks_key(answers: &[&[&str]]) -> AnswerKey {
        AnswerKey::Blanks {
            answers: answers
                .iter()
                .map(|acc| acc.iter().map(|a| a.to_string()).collect())
                .collect(),
            policy: BlankPolicy {
                fold_width: true,
                case_insensitive: true,
            },
        }
    }

    fn blanks(texts: &[&str]) -> Response {
        Response::Blanks(texts.iter().map(|t| t.to_string()).collect())
    }

    fn grade(
        qtype: QuestionType,
        key: &AnswerKey,
        option_order: &[u8],
        points: u32,
        response: Option<Response>,
        policy: Policy,
    ) -> Points {
        grade_item(
            &ItemToGrade {
                qtype,
                key: ItemKey::Key(key),
                option_order,
                points: Points(points),
                response: response.as_ref(),
            },
            policy,
        )
    }

    #[test]
    fn worked_examples_of_multiple_choice_credit_score_as_the_rules_say() {
        let acd = choice_key(&[A, C, D]);
        let abc = choice_key(&[A, B, C]);
        // Shown D, A, C, B: shown 0 is original D, shown 3 is original B.
        let shuffled: &[u8] = &[D, A, C, B];
        // Shown B first, then identity beyond the short order.
        let short: &[u8] = &[B];
        type Row<'a> = (&'a str, &'a AnswerKey, &'a [u8], u32, &'a [u8], Policy, u32);
        let rows: &[Row] = &[
            ("partial ACD: A", &acd, &[], 300, &[A], PARTIAL, 100),
            ("partial ACD: A+C", &acd, &[], 300, &[A, C], PARTIAL, 200),
            ("partial ACD: A+B", &acd, &[], 300, &[A, B], PARTIAL, 0),
            (
                "partial ACD: all three",
                &acd,
                &[],
                300,
                &[A, C, D],
                PARTIAL,
                300,
            ),
            (
                "partial ACD: all four",
                &acd,
                &[],
                300,
                &[A, B, C, D],
                PARTIAL,
                0,
            ),
            ("partial ACD: nothing", &acd, &[], 300, &[], PARTIAL, 0),
            ("partial ABC 1pt: A", &abc, &[], 100, &[A], PARTIAL, 33),
            ("partial ABC 1pt: A+B", &abc, &[], 100, &[A, B], PARTIAL, 66),
            (
                "partial ABC 1pt: all",
                &abc,
                &[],
                100,
                &[A, B, C],
                PARTIAL,
                100,
            ),
            ("strict ACD: A", &acd, &[], 300, &[A], STRICT, 0),
            ("strict ACD: A+C", &acd, &[], 300, &[A, C], STRICT, 0),
            (
                "strict ACD: all three",
                &acd,
                &[],
                300,
                &[A, C, D],
                STRICT,
                300,
            ),
            (
                "strict ACD: all four",
                &acd,
                &[],
                300,
                &[A, B, C, D],
                STRICT,
                0,
            ),
            // Shown 1 is original A.
            (
                "shuffled partial: shown 1",
                &acd,
                shuffled,
                300,
                &[1],
                PARTIAL,
                100,
            ),
            // Shown 0, 2 are D, C.
            (
                "shuffled partial: shown 0+2",
                &acd,
                shuffled,
                300,
                &[0, 2],
                PARTIAL,
                200,
            ),
            // Shown 0, 1, 2 are D, A, C: the key. Read as original they would be A, B, C.
            (
                "shuffled partial: shown 0+1+2",
                &acd,
                shuffled,
                300,
                &[0, 1, 2],
                PARTIAL,
                300,
            ),
            (
                "shuffled strict: shown 0+1+2",
                &acd,
                shuffled,
                300,
                &[0, 1, 2],
                STRICT,
                300,
            ),
            // Shown 3 is B, wrong; read as original it would be D, right.
            (
                "shuffled partial: shown 3",
                &acd,
                shuffled,
                300,
                &[3],
                PARTIAL,
                0,
            ),
            (
                "shuffled partial: shown 1+3",
                &acd,
                shuffled,
                300,
                &[1, 3],
                PARTIAL,
                0,
            ),
            // Shown 2, 3 are C, B: B is wrong. Read as original they would be C, D.
            (
                "shuffled partial: shown 2+3",
                &acd,
                shuffled,
                300,
                &[2, 3],
                PARTIAL,
                0,
            ),
            // Shown 0 is B, wrong; read as original it would be A, right.
            ("short order: shown 0", &acd, short, 300, &[0], PARTIAL, 0),
            // Beyond the short order, shown 2, 3 map to themselves: C, D.
            (
                "short order: shown 2+3",
                &acd,
                short,
                300,
                &[2, 3],
                PARTIAL,
                200,
            ),
        ];
        for &(what, key, order, points, chosen, policy, want) in rows {
            let got = grade(
                QuestionType::Multiple,
                key,
                order,
                points,
                Some(Response::Choice(chosen.to_vec())),
                policy,
            );
            assert_eq!(got, Points(want), "{what}");
        }
    }

    #[test]
    fn worked_examples_of_fill_in_credit_score_per_blank_or_all_or_nothing() {
        let key = blanks_key(&[&["北京"], &["ABC", "xyz"], &["1921"]]);
        let rows: &[(&str, Response, u32, u32)] = &[
            ("1 of 3", blanks(&["北京", "nope", ""]), 66, 0),
            (
                "2 of 3, folded and case-blind",
                blanks(&["北京", "ａｂｃ", ""]),
                133,
                0,
            ),
            (
                "3 of 3, trimmed",
                blanks(&[" 北京 ", "XYZ", "１９２１"]),
                200,
                200,
            ),
            ("none", blanks(&["", "  ", ""]), 0, 0),
            ("all wrong", blanks(&["上海", "d", "1949"]), 0, 0),
            ("too few texts", blanks(&["北京"]), 66, 0),
            (
                "extra texts ignored",
                blanks(&["北京", "abc", "1921", "x"]),
                200,
                200,
            ),
        ];
        for (what, response, per_blank, strict) in rows {
            let g = |policy| {
                grade(
                    QuestionType::FillBlank,
                    &key,
                    &[],
                    200,
                    Some(response.clone()),
                    policy,
                )
            };
            assert_eq!(g(PARTIAL), Points(*per_blank), "per blank: {what}");
            assert_eq!(g(STRICT), Points(*strict), "all or nothing: {what}");
        }
    }

    #[test]
    fn a_single_choice_scores_only_the_keyed_option_in_the_candidates_order() {
        let key = choice_key(&[B]);
        let g = |order: &[u8], chosen: &[u8]| {
            grade(
                QuestionType::Single,
                &key,
                order,
                200,
                Some(Response::Choice(chosen.to_vec())),
                PARTIAL,
            )
        };
        assert_eq!(g(&[], &[B]), Points(200));
        assert_eq!(g(&[], &[A]), Points(0));
        assert_eq!(g(&[], &[]), Points(0));
        // Shown B, A, C, D: the key is shown first.
        assert_eq!(g(&[B, A, C, D], &[0]), Points(200));
        assert_eq!(g(&[B, A, C, D], &[1]), Points(0));
        // Partial credit never applies to single choice.
        assert_eq!(g(&[], &[A, B]), Points(0));
    }

    #[test]
    fn a_true_false_item_scores_only_the_right_truth_value() {
        let key = AnswerKey::TrueFalse(true);
        let g = |r| grade(QuestionType::TrueFalse, &key, &[], 150, Some(r), STRICT);
        assert_eq!(g(Response::TrueFalse(true)), Points(150));
        assert_eq!(g(Response::TrueFalse(false)), Points(0));
        assert_eq!(g(Response::Choice(vec![0])), Points(0));
    }

    #[test]
    fn a_wrong_option_in_a_partial_multiple_choice_scores_zero() {
        let key = choice_key(&[A, B, C, D]);
        let r = Response::Choice(vec![A, B, C, 4]);
        assert_eq!(
            grade(QuestionType::Multiple, &key, &[], 400, Some(r), PARTIAL),
            Points(0)
        );
    }

    #[test]
    fn no_response_a_wrong_kind_or_a_key_not_fitting_the_type_scores_zero() {
        let choice = choice_key(&[A]);
        let text = blanks_key(&[&["a"]]);
        assert_eq!(
            grade(QuestionType::Single, &choice, &[], 100, None, PARTIAL),
            Points(0)
        );
        assert_eq!(
            grade(
                QuestionType::Single,
                &choice,
                &[],
                100,
                Some(Response::TrueFalse(true)),
                PARTIAL
            ),
            Points(0)
        );
        assert_eq!(
            grade(
                QuestionType::FillBlank,
                &choice,
                &[],
                100,
                Some(blanks(&["a"])),
                PARTIAL
            ),
            Points(0)
        );
        assert_eq!(
            grade(
                QuestionType::Single,
                &text,
                &[],
                100,
                Some(Response::Choice(vec![A])),
                PARTIAL
            ),
            Points(0)
        );
        assert_eq!(
            grade(
                QuestionType::TrueFalse,
                &choice,
                &[],
                100,
                Some(Response::TrueFalse(true)),
                PARTIAL
            ),
            Points(0)
        );
        // A fill-in key with no blanks accepts nothing.
        let empty = AnswerKey::Blanks {
            answers: vec![],
            policy: BlankPolicy::default(),
        };
        assert_eq!(
            grade(
                QuestionType::FillBlank,
                &empty,
                &[],
                100,
                Some(blanks(&[])),
                PARTIAL
            ),
            Points(0)
        );
    }

    #[test]
    fn a_voided_item_gives_full_points_even_without_a_response() {
        let item = ItemToGrade {
            qtype: QuestionType::Multiple,
            key: ItemKey::Voided,
            option_order: &[],
            points: Points(250),
            response: None,
        };
        assert_eq!(grade_item(&item, STRICT), Points(250));
    }

    #[test]
    fn a_paper_totals_its_items_and_passes_at_the_threshold() {
        let k = AnswerKey::TrueFalse(true);
        let yes = Response::TrueFalse(true);
        let no = Response::TrueFalse(false);
        let item = |r| ItemToGrade {
            qtype: QuestionType::TrueFalse,
            key: ItemKey::Key(&k),
            option_order: &[],
            points: Points(100),
            response: Some(r),
        };
        let items = [item(&yes), item(&no), item(&yes), item(&yes), item(&no)];
        let g = grade_paper(&items, STRICT, PassMark::Percent(60));
        assert_eq!(g.item_points, [100, 0, 100, 100, 0].map(Points).to_vec());
        assert_eq!(
            (g.score, g.max, g.threshold),
            (Points(300), Points(500), Points(300))
        );
        assert!(g.passed);
        let g = grade_paper(&items, STRICT, PassMark::Points(Points(301)));
        assert!(!g.passed);
        let g = grade_paper(&[], STRICT, PassMark::Percent(60));
        assert_eq!(
            (g.score, g.max, g.threshold, g.passed),
            (Points(0), Points(0), Points(0), true)
        );
    }

    #[test]
    fn an_answer_is_a_choice_a_truth_value_or_a_blank_with_text() {
        assert!(!is_answered(&Response::Choice(vec![])));
        assert!(is_answered(&Response::Choice(vec![0])));
        assert!(is_answered(&Response::TrueFalse(false)));
        assert!(!is_answered(&blanks(&[])));
        assert!(!is_answered(&blanks(&["", " \u{3000}"])));
        assert!(is_answered(&blanks(&["", "x"])));
    }

    fn shape(qtype: QuestionType, options: u8, blanks: u8) -> ItemShape {
        ItemShape {
            qtype,
            options,
            blanks,
        }
    }

    #[test]
    fn a_saved_choice_is_sorted_and_deduplicated() {
        let s = shape(QuestionType::Multiple, 4, 0);
        assert_eq!(
            validate_response(s, Response::Choice(vec![3, 0, 3, 1])),
            Ok(Response::Choice(vec![0, 1, 3]))
        );
        let s = shape(QuestionType::Single, 4, 0);
        assert_eq!(
            validate_response(s, Response::Choice(vec![])),
            Ok(Response::Choice(vec![]))
        );
        assert_eq!(
            validate_response(s, Response::Choice(vec![2, 2])),
            Ok(Response::Choice(vec![2]))
        );
    }

    #[test]
    fn a_response_of_the_wrong_kind_is_refused() {
        let cases = [
            (shape(QuestionType::Single, 4, 0), Response::TrueFalse(true)),
            (shape(QuestionType::Multiple, 4, 0), blanks(&["a"])),
            (
                shape(QuestionType::TrueFalse, 0, 0),
                Response::Choice(vec![0]),
            ),
            (
                shape(QuestionType::FillBlank, 0, 1),
                Response::Choice(vec![]),
            ),
            (
                shape(QuestionType::FillBlank, 0, 1),
                Response::TrueFalse(false),
            ),
        ];
        for (s, r) in cases {
            assert_eq!(
                validate_response(s, r),
                Err(ResponseError::WrongKind),
                "{s:?}"
            );
        }
    }

    #[test]
    fn an_option_beyond_the_shown_ones_is_refused() {
        let s = shape(QuestionType::Multiple, 4, 0);
        assert_eq!(
            validate_response(s, Response::Choice(vec![0, 4])),
            Err(ResponseError::OptionOutOfRange)
        );
        let s = shape(QuestionType::Single, 2, 0);
        assert_eq!(
            validate_response(s, Response::Choice(vec![2])),
            Err(ResponseError::OptionOutOfRange)
        );
    }

    #[test]
    fn a_single_choice_with_two_options_chosen_is_refused() {
        let s = shape(QuestionType::Single, 4, 0);
        assert_eq!(
            validate_response(s, Response::Choice(vec![0, 1])),
            Err(ResponseError::TooManyChoices)
        );
    }

    #[test]
    fn a_fill_in_with_the_wrong_number_of_blanks_is_refused() {
        let s = shape(QuestionType::FillBlank, 0, 2);
        assert_eq!(
            validate_response(s, blanks(&["a"])),
            Err(ResponseError::WrongBlankCount)
        );
        assert_eq!(
            validate_response(s, blanks(&["a", "b", "c"])),
            Err(ResponseError::WrongBlankCount)
        );
        assert_eq!(
            validate_response(s, blanks(&["", ""])),
            Ok(blanks(&["", ""]))
        );
    }

    #[test]
    fn a_blank_longer_than_the_limit_is_refused_and_one_at_the_limit_is_kept() {
        let s = shape(QuestionType::FillBlank, 0, 1);
        let at_limit = "字".repeat(MAX_BLANK_CHARS);
        assert_eq!(
            validate_response(s, Response::Blanks(vec![at_limit.clone()])),
            Ok(Response::Blanks(vec![at_limit]))
        );
        let over = "a".repeat(MAX_BLANK_CHARS + 1);
        assert_eq!(
            validate_response(s, Response::Blanks(vec![over])),
            Err(ResponseError::BlankTooLong)
        );
    }

    #[test]
    fn a_true_false_response_is_kept_as_is() {
        let s = shape(QuestionType::TrueFalse, 0, 0);
        assert_eq!(
            validate_response(s, Response::TrueFalse(false)),
            Ok(Response::TrueFalse(false))
        );
    }

    /// An item as owned test data; `key: None` = voided.
    #[derive(Debug, Clone)]
    struct Case {
        qtype: QuestionType,
        key: Option<AnswerKey>,
        option_order: Vec<u8>,
        points: Points,
        response: Option<Response>,
    }

    impl Case {
        fn item(&self) -> ItemToGrade<'_> {
            ItemToGrade {
                qtype: self.qtype,
                key: self.key.as_ref().map_or(ItemKey::Voided, ItemKey::Key),
                option_order: &self.option_order,
                points: self.points,
                response: self.response.as_ref(),
            }
        }
    }

    const TEXTS: &[&str] = &[
        "",
        " ",
        "a",
        "A",
        "ａ",
        " b ",
        "c",
        "北京",
        "１９２１",
        "1921",
    ];

    fn arb_text() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => prop::sample::select(TEXTS).prop_map(str::to_owned),
            1 => Just("x".repeat(MAX_BLANK_CHARS + 1)),
        ]
    }

    fn arb_points() -> impl Strategy<Value = Points> {
        (1u32..=Points::MAX.0).prop_map(Points)
    }

    fn arb_policy() -> impl Strategy<Value = Policy> {
        (any::<bool>(), any::<bool>()).prop_map(|(partial, fill_per_blank)| Policy {
            multi: if partial {
                MultiScoring::Partial
            } else {
                MultiScoring::AllOrNothing
            },
            fill_per_blank,
        })
    }

    fn arb_pass_mark() -> impl Strategy<Value = PassMark> {
        prop_oneof![
            (1u8..=100).prop_map(PassMark::Percent),
            (1u32..=500_000).prop_map(|p| PassMark::Points(Points(p))),
        ]
    }

    fn arb_qtype() -> impl Strategy<Value = QuestionType> {
        prop::sample::select(QuestionType::ALL.to_vec())
    }

    /// Any response, including ones out of range or of the wrong kind.
    fn arb_response() -> impl Strategy<Value = Response> {
        prop_oneof![
            prop::collection::vec(0u8..10, 0..6).prop_map(Response::Choice),
            any::<bool>().prop_map(Response::TrueFalse),
            prop::collection::vec(arb_text(), 0..5).prop_map(Response::Blanks),
        ]
    }

    fn arb_blank_policy() -> impl Strategy<Value = BlankPolicy> {
        (any::<bool>(), any::<bool>()).prop_map(|(fold_width, case_insensitive)| BlankPolicy {
            fold_width,
            case_insensitive,
        })
    }

    /// Any key, whether or not it fits the item's type or is well formed.
    fn arb_any_key() -> impl Strategy<Value = AnswerKey> {
        prop_oneof![
            prop::collection::vec(0usize..10, 0..5).prop_map(AnswerKey::Choice),
            any::<bool>().prop_map(AnswerKey::TrueFalse),
            (
                prop::collection::vec(prop::collection::vec(arb_text(), 0..3), 0..4),
                arb_blank_policy()
            )
                .prop_map(|(answers, policy)| AnswerKey::Blanks { answers, policy }),
        ]
    }

    /// A well-formed choice item: a permuted option order and a response of shown indices
    /// in range, in any order, possibly repeated.
    fn arb_choice_case() -> impl Strategy<Value = Case> {
        (any::<bool>(), 2u8..=8)
            .prop_flat_map(|(multiple, n)| {
                let all: Vec<usize> = (0..usize::from(n)).collect();
                let key = if multiple {
                    prop::sample::subsequence(all, 2..=usize::from(n)).boxed()
                } else {
                    prop::sample::subsequence(all, 1).boxed()
                };
                (
                    Just(multiple),
                    key,
                    Just((0..n).collect::<Vec<u8>>()).prop_shuffle(),
                    prop::collection::vec(0..n, 0..=usize::from(n)),
                    arb_points(),
                )
            })
            .prop_map(|(multiple, key, option_order, chosen, points)| Case {
                qtype: if multiple {
                    QuestionType::Multiple
                } else {
                    QuestionType::Single
                },
                key: Some(AnswerKey::Choice(key)),
                option_order,
                points,
                response: Some(Response::Choice(chosen)),
            })
    }

    fn arb_true_false_case() -> impl Strategy<Value = Case> {
        (any::<bool>(), any::<bool>(), arb_points()).prop_map(|(k, r, points)| Case {
            qtype: QuestionType::TrueFalse,
            key: Some(AnswerKey::TrueFalse(k)),
            option_order: vec![],
            points,
            response: Some(Response::TrueFalse(r)),
        })
    }

    fn arb_blank_case() -> impl Strategy<Value = Case> {
        (1usize..=4)
            .prop_flat_map(|n| {
                (
                    prop::collection::vec(prop::collection::vec(arb_text(), 1..3), n),
                    arb_blank_policy(),
                    prop::collection::vec(arb_text(), n),
                    arb_points(),
                )
            })
            .prop_map(|(answers, policy, texts, points)| Case {
                qtype: QuestionType::FillBlank,
                key: Some(AnswerKey::Blanks { answers, policy }),
                option_order: vec![],
                points,
                response: Some(Response::Blanks(texts)),
            })
    }

    /// Anything at all: type, key, order and response chosen independently.
    fn arb_junk_case() -> impl Strategy<Value = Case> {
        (
            arb_qtype(),
            prop::option::weighted(0.9, arb_any_key()),
            prop::collection::vec(0u8..12, 0..8),
            arb_points(),
            prop::option::weighted(0.8, arb_response()),
        )
            .prop_map(|(qtype, key, option_order, points, response)| Case {
                qtype,
                key,
                option_order,
                points,
                response,
            })
    }

    fn arb_case() -> impl Strategy<Value = Case> {
        (
            prop_oneof![
                3 => arb_choice_case(),
                1 => arb_true_false_case(),
                2 => arb_blank_case(),
                2 => arb_junk_case(),
            ],
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(mut c, voided, unanswered)| {
                if voided {
                    c.key = None;
                }
                if unanswered {
                    c.response = None;
                }
                c
            })
    }

    /// A shape and a response, half of them built to fit the shape.
    fn arb_shape_and_response() -> impl Strategy<Value = (ItemShape, Response)> {
        (arb_qtype(), 0u8..10, 0u8..5).prop_flat_map(|(qtype, options, blanks)| {
            let s = ItemShape {
                qtype,
                options,
                blanks,
            };
            let fitting = match qtype {
                QuestionType::Single | QuestionType::Multiple => {
                    prop::collection::vec(0..options.max(1), 0..4)
                        .prop_map(Response::Choice)
                        .boxed()
                }
                QuestionType::TrueFalse => any::<bool>().prop_map(Response::TrueFalse).boxed(),
                QuestionType::FillBlank => prop::collection::vec(arb_text(), usize::from(blanks))
                    .prop_map(Response::Blanks)
                    .boxed(),
            };
            (Just(s), prop_oneof![fitting, arb_response()])
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn no_item_scores_above_its_points_and_no_score_above_the_maximum(
            cases in prop::collection::vec(arb_case(), 0..12),
            policy in arb_policy(),
            pass_mark in arb_pass_mark(),
        ) {
            let items: Vec<ItemToGrade> = cases.iter().map(Case::item).collect();
            let g = grade_paper(&items, policy, pass_mark);
            prop_assert_eq!(g.item_points.len(), items.len());
            for (got, item) in g.item_points.iter().zip(&items) {
                prop_assert!(*got <= item.points);
                prop_assert_eq!(*got, grade_item(item, policy));
            }
            let sum: u32 = g.item_points.iter().map(|p| p.0).sum();
            prop_assert_eq!(g.score, Points(sum));
            prop_assert!(g.score <= g.max);
            prop_assert_eq!(g.threshold, pass_threshold(pass_mark, g.max));
            prop_assert_eq!(g.passed, g.score >= g.threshold);
        }

        #[test]
        fn the_order_of_the_chosen_options_does_not_change_the_grade(
            (case, permuted) in arb_choice_case().prop_flat_map(|c| {
                let chosen = match &c.response {
                    Some(Response::Choice(v)) => v.clone(),
                    _ => vec![],
                };
                (Just(c), Just(chosen).prop_shuffle())
            }),
            policy in arb_policy(),
        ) {
            let mut other = case.clone();
            other.response = Some(Response::Choice(permuted));
            prop_assert_eq!(grade_item(&case.item(), policy), grade_item(&other.item(), policy));
        }

        #[test]
        fn the_order_of_the_items_does_not_change_the_total(
            (cases, shuffled) in prop::collection::vec(arb_case(), 0..12)
                .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
            policy in arb_policy(),
            pass_mark in arb_pass_mark(),
        ) {
            let a: Vec<ItemToGrade> = cases.iter().map(Case::item).collect();
            let b: Vec<ItemToGrade> = shuffled.iter().map(Case::item).collect();
            let (ga, gb) = (grade_paper(&a, policy, pass_mark), grade_paper(&b, policy, pass_mark));
            prop_assert_eq!((ga.score, ga.max, ga.threshold, ga.passed), (gb.score, gb.max, gb.threshold, gb.passed));
            let (mut pa, mut pb) = (ga.item_points, gb.item_points);
            pa.sort();
            pb.sort();
            prop_assert_eq!(pa, pb);
        }

        #[test]
        fn a_validated_response_validates_to_itself_and_grades_within_the_items_points(
            (shape, response) in arb_shape_and_response(),
            key in arb_any_key(),
            option_order in prop::collection::vec(0u8..12, 0..8),
            points in arb_points(),
            policy in arb_policy(),
        ) {
            let Ok(valid) = validate_response(shape, response) else {
                return Ok(());
            };
            prop_assert_eq!(validate_response(shape, valid.clone()), Ok(valid.clone()));
            let item = ItemToGrade {
                qtype: shape.qtype,
                key: ItemKey::Key(&key),
                option_order: &option_order,
                points,
                response: Some(&valid),
            };
            prop_assert!(grade_item(&item, policy) <= points);
        }

        #[test]
        fn a_voided_item_always_gives_its_full_points(case in arb_case(), policy in arb_policy()) {
            let mut item = case.item();
            item.key = ItemKey::Voided;
            prop_assert_eq!(grade_item(&item, policy), case.points);
        }

        #[test]
        fn partial_credit_never_scores_below_all_or_nothing(
            case in arb_case(),
            fill_per_blank in any::<bool>(),
        ) {
            let item = case.item();
            let strict = Policy { multi: MultiScoring::AllOrNothing, fill_per_blank: false };
            let lenient = Policy { multi: MultiScoring::Partial, fill_per_blank };
            prop_assert!(grade_item(&item, lenient) >= grade_item(&item, strict));
        }
    }
}
