//! Pure rules of the question bank: validating a question, the answer key, fill-in
//! normalisation and the duplicate key. No IO.

use crate::i18n::Msg;

use super::model::{BlankPolicy, FieldProblem, KeyForm, Points, QuestionDraft, QuestionType};

pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 8;
pub const MAX_BLANKS: usize = 20;
pub const MAX_STEM_CHARS: usize = 5_000;
pub const MAX_OPTION_CHARS: usize = 1_000;
pub const MAX_EXPLANATION_CHARS: usize = 5_000;
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 30;
pub const MAX_CATEGORY_DEPTH: usize = 6;
pub const MAX_CATEGORY_CHARS: usize = 60;

/// The answer key used for grading. Deliberately not `Serialize`: no server function can
/// return it, so it cannot reach a candidate by accident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerKey {
    /// Sorted, distinct option indices.
    Choice(Vec<usize>),
    TrueFalse(bool),
    Blanks {
        answers: Vec<Vec<String>>,
        policy: BlankPolicy,
    },
}

impl AnswerKey {
    /// The editable form, for organizer/admin views only.
    pub fn to_form(&self) -> KeyForm {
        match self {
            AnswerKey::Choice(c) => KeyForm::Choice(c.clone()),
            AnswerKey::TrueFalse(b) => KeyForm::TrueFalse(*b),
            AnswerKey::Blanks { answers, policy } => KeyForm::Blanks {
                answers: answers.clone(),
                policy: *policy,
            },
        }
    }

    /// Whether a fill-in response matches one of a blank's accepted answers.
    pub fn blank_accepts(&self, blank: usize, response: &str) -> bool {
        match self {
            AnswerKey::Blanks { answers, policy } => answers.get(blank).is_some_and(|acc| {
                let r = normalize_answer(response, *policy);
                acc.iter().any(|a| normalize_answer(a, *policy) == r)
            }),
            _ => false,
        }
    }
}

/// A question that passed validation: trimmed, within limits, key consistent with type.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidQuestion {
    pub draft: QuestionDraft,
    pub key: AnswerKey,
    pub dup_key: String,
}

fn problem(field: &str, reason: Msg) -> FieldProblem {
    FieldProblem {
        field: field.to_owned(),
        reason,
        detail: None,
    }
}

fn too_long(field: &str, text: &str, max: usize) -> Option<FieldProblem> {
    (text.chars().count() > max).then(|| FieldProblem {
        field: field.to_owned(),
        reason: Msg::ErrTooLong,
        detail: Some(max.to_string()),
    })
}

/// Checks a draft and returns it cleaned (trimmed text, de-duplicated tags, sorted key),
/// or every problem found.
pub fn validate(mut d: QuestionDraft) -> Result<ValidQuestion, Vec<FieldProblem>> {
    let mut errs = Vec::new();
    d.stem = d.stem.trim().replace("\r\n", "\n");
    d.explanation = d.explanation.trim().replace("\r\n", "\n");
    if d.stem.is_empty() {
        errs.push(problem("stem", Msg::ErrStemRequired));
    }
    errs.extend(too_long("stem", &d.stem, MAX_STEM_CHARS));
    errs.extend(too_long(
        "explanation",
        &d.explanation,
        MAX_EXPLANATION_CHARS,
    ));
    if !(1..=5).contains(&d.difficulty) {
        errs.push(problem("difficulty", Msg::ErrDifficultyRange));
    }
    if d.points == Points(0) || d.points > Points::MAX {
        errs.push(problem("points", Msg::ErrPointsInvalid));
    }

    for o in d.options.iter_mut() {
        *o = o.trim().to_owned();
    }
    let key = match (d.qtype, &d.key) {
        (QuestionType::Single | QuestionType::Multiple, KeyForm::Choice(chosen)) => {
            check_options(&d.options, &mut errs);
            let mut chosen = chosen.clone();
            chosen.sort_unstable();
            chosen.dedup();
            if chosen.iter().any(|&i| i >= d.options.len()) {
                errs.push(problem("answer", Msg::ErrAnswerOutOfRange));
            } else if chosen.is_empty() {
                errs.push(problem("answer", Msg::ErrAnswerRequired));
            } else if d.qtype == QuestionType::Single && chosen.len() != 1 {
                errs.push(problem("answer", Msg::ErrSingleOneAnswer));
            } else if d.qtype == QuestionType::Multiple && chosen.len() < 2 {
                errs.push(problem("answer", Msg::ErrMultipleTwoAnswers));
            }
            AnswerKey::Choice(chosen)
        }
        (QuestionType::TrueFalse, KeyForm::TrueFalse(b)) => {
            d.options.clear();
            AnswerKey::TrueFalse(*b)
        }
        (QuestionType::FillBlank, KeyForm::Blanks { answers, policy }) => {
            d.options.clear();
            let answers: Vec<Vec<String>> = answers
                .iter()
                .map(|acc| {
                    let mut out: Vec<String> = Vec::new();
                    for a in acc.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
                        if !out.iter().any(|o| o == a) {
                            out.push(a.to_owned());
                        }
                    }
                    out
                })
                .collect();
            if answers.is_empty() {
                errs.push(problem("answer", Msg::ErrBlankRequired));
            } else if answers.len() > MAX_BLANKS {
                errs.push(FieldProblem {
                    field: "answer".into(),
                    reason: Msg::ErrTooManyBlanks,
                    detail: Some(MAX_BLANKS.to_string()),
                });
            } else if answers.iter().any(|a| a.is_empty()) {
                errs.push(problem("answer", Msg::ErrBlankAnswerEmpty));
            }
            for a in answers.iter().flatten() {
                errs.extend(too_long("answer", a, MAX_OPTION_CHARS));
            }
            AnswerKey::Blanks {
                answers,
                policy: *policy,
            }
        }
        _ => {
            errs.push(problem("answer", Msg::ErrKeyMismatch));
            AnswerKey::Choice(Vec::new())
        }
    };

    let mut tags: Vec<String> = Vec::new();
    for t in d.tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    if tags.len() > MAX_TAGS {
        errs.push(FieldProblem {
            field: "tags".into(),
            reason: Msg::ErrTooManyTags,
            detail: Some(MAX_TAGS.to_string()),
        });
    }
    for t in &tags {
        errs.extend(too_long("tags", t, MAX_TAG_CHARS));
    }
    d.tags = tags;

    d.category = d
        .category
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if d.category.len() > MAX_CATEGORY_DEPTH {
        errs.push(problem("category", Msg::ErrCategoryTooDeep));
    }
    for c in &d.category {
        errs.extend(too_long("category", c, MAX_CATEGORY_CHARS));
    }

    if errs.is_empty() {
        let dup_key = duplicate_key(d.qtype, &d.stem);
        d.key = key.to_form();
        Ok(ValidQuestion {
            draft: d,
            key,
            dup_key,
        })
    } else {
        Err(errs)
    }
}

fn check_options(options: &[String], errs: &mut Vec<FieldProblem>) {
    if options.len() < MIN_OPTIONS || options.len() > MAX_OPTIONS {
        errs.push(problem("options", Msg::ErrOptionCount));
    }
    if options.iter().any(|o| o.is_empty()) {
        errs.push(problem("options", Msg::ErrOptionEmpty));
    }
    for o in options {
        errs.extend(too_long("options", o, MAX_OPTION_CHARS));
    }
    let folded: Vec<String> = options
        .iter()
        .map(|o| {
            normalize_answer(
                o,
                BlankPolicy {
                    fold_width: true,
                    case_insensitive: true,
                },
            )
        })
        .collect();
    let has_dup = folded
        .iter()
        .enumerate()
        .any(|(i, o)| !o.is_empty() && folded[..i].contains(o));
    if has_dup {
        errs.push(problem("options", Msg::ErrOptionDuplicate));
    }
}

/// Maps a full-width form (ＡＢＣ１２３，！ and the ideographic space) to its half-width one.
pub fn fold_width_char(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A fill-in response or accepted answer in the form that is compared.
pub fn normalize_answer(s: &str, policy: BlankPolicy) -> String {
    let folded: String = if policy.fold_width {
        s.chars().map(fold_width_char).collect()
    } else {
        s.to_owned()
    };
    let trimmed = folded.trim();
    if policy.case_insensitive {
        trimmed.to_lowercase()
    } else {
        trimmed.to_owned()
    }
}

/// Two questions are duplicates when they have the same type and the same stem after
/// width folding, lower-casing and dropping all white space.
pub fn duplicate_key(qtype: QuestionType, stem: &str) -> String {
    let body: String = stem
        .chars()
        .map(fold_width_char)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    format!("{}:{body}", qtype.key())
}

/// Letters shown before options: A, B, C…
pub fn option_letter(i: usize) -> char {
    (b'A' + (i % 26) as u8) as char
}

/// Parses option letters such as "AC", "A,C", "a、c" into sorted indices.
pub fn parse_letters(s: &str) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for c in s.chars().map(fold_width_char) {
        match c {
            'A'..='Z' => out.push(c as usize - 'A' as usize),
            'a'..='z' => out.push(c as usize - 'a' as usize),
            ',' | '、' | ' ' | ';' | '，' | '；' => {}
            _ => return None,
        }
    }
    out.sort_unstable();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// Reads an answer as people type it in a form or a spreadsheet cell: option letters for
/// choice questions ("AC", "A、C"), 正确/错误 (or T/F, 对/错, √/×) for true/false, and for
/// fill-in blanks separated by "|" with alternatives separated by "/".
pub fn parse_answer(
    qtype: QuestionType,
    text: &str,
    policy: BlankPolicy,
) -> Result<KeyForm, FieldProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(problem("answer", Msg::ErrAnswerRequired));
    }
    match qtype {
        QuestionType::Single | QuestionType::Multiple => parse_letters(text)
            .map(KeyForm::Choice)
            .ok_or_else(|| problem("answer", Msg::ErrAnswerLetters)),
        QuestionType::TrueFalse => parse_truth(text)
            .map(KeyForm::TrueFalse)
            .ok_or_else(|| problem("answer", Msg::ErrAnswerTruth)),
        QuestionType::FillBlank => Ok(KeyForm::Blanks {
            answers: text
                .split(['|', '｜'])
                .map(|blank| {
                    blank
                        .split(['/', '／'])
                        .map(|a| a.trim().to_owned())
                        .filter(|a| !a.is_empty())
                        .collect()
                })
                .collect(),
            policy,
        }),
    }
}

/// 正确/错误 and the other ways a true/false answer is written.
pub fn parse_truth(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "正确" | "对" | "是" | "√" | "✓" | "t" | "true" | "y" | "yes" => Some(true),
        "错误" | "错" | "否" | "×" | "✗" | "x" | "f" | "false" | "n" | "no" => Some(false),
        _ => None,
    }
}

/// The inverse of [`parse_answer`], for filling a form or a cell.
pub fn format_answer(key: &KeyForm) -> String {
    match key {
        KeyForm::Choice(c) => c.iter().map(|&i| option_letter(i)).collect(),
        KeyForm::TrueFalse(true) => "正确".into(),
        KeyForm::TrueFalse(false) => "错误".into(),
        KeyForm::Blanks { answers, .. } => answers
            .iter()
            .map(|alts| alts.join("/"))
            .collect::<Vec<_>>()
            .join("|"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn single(stem: &str, options: &[&str], key: Vec<usize>) -> QuestionDraft {
        QuestionDraft {
            qtype: QuestionType::Single,
            stem: stem.into(),
            options: options.iter().map(|s| s.to_string()).collect(),
            key: KeyForm::Choice(key),
            explanation: String::new(),
            category: vec!["党章党规".into()],
            difficulty: 3,
            tags: vec![],
            points: Points(200),
            image: None,
        }
    }

    fn reasons(r: Result<ValidQuestion, Vec<FieldProblem>>) -> Vec<Msg> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.reason)
            .collect()
    }

    #[test]
    fn a_well_formed_single_choice_question_is_cleaned_and_accepted() {
        let v = validate(single(
            "  党的最高领导机关是？ ",
            &[" 全国代表大会", "中央委员会"],
            vec![0],
        ))
        .expect("valid");
        assert_eq!(v.draft.stem, "党的最高领导机关是？");
        assert_eq!(v.draft.options[0], "全国代表大会");
        assert_eq!(v.key, AnswerKey::Choice(vec![0]));
    }

    #[test]
    fn choice_questions_need_two_to_eight_distinct_options_and_a_key_in_range() {
        assert_eq!(
            reasons(validate(single("题", &["甲"], vec![0]))),
            vec![Msg::ErrOptionCount]
        );
        let nine = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];
        assert_eq!(
            reasons(validate(single("题", &nine, vec![0]))),
            vec![Msg::ErrOptionCount]
        );
        assert_eq!(
            reasons(validate(single("题", &["ａ", "A"], vec![0]))),
            vec![Msg::ErrOptionDuplicate]
        );
        assert_eq!(
            reasons(validate(single("题", &["甲", "乙"], vec![2]))),
            vec![Msg::ErrAnswerOutOfRange]
        );
        assert_eq!(
            reasons(validate(single("题", &["甲", "乙"], vec![0, 1]))),
            vec![Msg::ErrSingleOneAnswer]
        );
    }

    #[test]
    fn multiple_choice_needs_at_least_two_correct_options() {
        let mut d = single("题", &["甲", "乙", "丙"], vec![1]);
        d.qtype = QuestionType::Multiple;
        assert_eq!(
            reasons(validate(d.clone())),
            vec![Msg::ErrMultipleTwoAnswers]
        );
        d.key = KeyForm::Choice(vec![2, 0, 2]);
        assert_eq!(
            validate(d).expect("valid").key,
            AnswerKey::Choice(vec![0, 2])
        );
    }

    #[test]
    fn a_key_of_the_wrong_kind_for_the_type_is_refused() {
        let mut d = single("题", &["甲", "乙"], vec![0]);
        d.key = KeyForm::TrueFalse(true);
        assert_eq!(reasons(validate(d)), vec![Msg::ErrKeyMismatch]);
    }

    #[test]
    fn fill_in_blanks_need_an_accepted_answer_each() {
        let mut d = single("（  ）是党的根本组织原则", &[], vec![]);
        d.qtype = QuestionType::FillBlank;
        d.key = KeyForm::Blanks {
            answers: vec![
                vec!["民主集中制".into(), " 民主集中制 ".into()],
                vec![" ".into()],
            ],
            policy: BlankPolicy::default(),
        };
        assert_eq!(reasons(validate(d.clone())), vec![Msg::ErrBlankAnswerEmpty]);
        d.key = KeyForm::Blanks {
            answers: vec![vec!["民主集中制".into(), " 民主集中制 ".into()]],
            policy: BlankPolicy::default(),
        };
        let v = validate(d).expect("valid");
        assert_eq!(
            v.draft.key,
            KeyForm::Blanks {
                answers: vec![vec!["民主集中制".into()]],
                policy: BlankPolicy::default(),
            }
        );
    }

    #[test]
    fn fill_in_answers_follow_the_chosen_normalisation() {
        let strict = AnswerKey::Blanks {
            answers: vec![vec!["CPC 20".into()]],
            policy: BlankPolicy::default(),
        };
        assert!(strict.blank_accepts(0, "  CPC 20 "));
        assert!(!strict.blank_accepts(0, "ＣＰＣ　２０"));
        assert!(!strict.blank_accepts(0, "cpc 20"));
        let lenient = AnswerKey::Blanks {
            answers: vec![vec!["CPC 20".into()]],
            policy: BlankPolicy {
                fold_width: true,
                case_insensitive: true,
            },
        };
        assert!(lenient.blank_accepts(0, "ｃｐｃ　２０"));
        assert!(!lenient.blank_accepts(1, "CPC 20"));
    }

    #[test]
    fn the_duplicate_key_ignores_width_case_and_spacing_but_not_type() {
        assert_eq!(
            duplicate_key(QuestionType::Single, "党的 最高领导机关是（ ）？"),
            duplicate_key(QuestionType::Single, "党的最高领导机关是（）?")
        );
        assert_ne!(
            duplicate_key(QuestionType::Single, "题"),
            duplicate_key(QuestionType::Multiple, "题")
        );
    }

    #[test]
    fn answers_typed_in_a_form_read_back_as_keys_and_print_the_same() {
        let p = BlankPolicy::default();
        for (t, text) in [
            (QuestionType::Single, "B"),
            (QuestionType::Multiple, "AC"),
            (QuestionType::TrueFalse, "错误"),
            (QuestionType::FillBlank, "民主集中制|党员/党的成员"),
        ] {
            let key = parse_answer(t, text, p).expect("parses");
            assert_eq!(format_answer(&key), text);
        }
        assert_eq!(
            parse_answer(QuestionType::TrueFalse, "√", p),
            Ok(KeyForm::TrueFalse(true))
        );
        assert_eq!(
            parse_answer(QuestionType::Single, "甲", p).map_err(|e| e.reason),
            Err(Msg::ErrAnswerLetters)
        );
    }

    #[test]
    fn option_letters_parse_in_any_common_notation() {
        assert_eq!(parse_letters("AC"), Some(vec![0, 2]));
        assert_eq!(parse_letters("c、a"), Some(vec![0, 2]));
        assert_eq!(parse_letters("Ａ，Ｂ"), Some(vec![0, 1]));
        assert_eq!(parse_letters("A1"), None);
        assert_eq!(parse_letters(""), None);
    }

    #[test]
    fn points_parse_and_print_with_up_to_two_decimals() {
        assert_eq!(Points::parse("2"), Some(Points(200)));
        assert_eq!(Points::parse("2.5"), Some(Points(250)));
        assert_eq!(Points::parse("0.25"), Some(Points(25)));
        assert_eq!(Points::parse("1.234"), None);
        assert_eq!(Points::parse("-1"), None);
        assert_eq!(Points::parse("1001"), None);
        assert_eq!(Points(250).to_string(), "2.5");
        assert_eq!(Points(225).to_string(), "2.25");
        assert_eq!(Points(300).to_string(), "3");
    }

    proptest! {
        #[test]
        fn points_print_and_parse_back_to_the_same_value(p in 0u32..=100_000) {
            prop_assert_eq!(Points::parse(&Points(p).to_string()), Some(Points(p)));
        }

        #[test]
        fn normalising_twice_changes_nothing(s in "\\PC{0,40}", fold in any::<bool>(), ci in any::<bool>()) {
            let policy = BlankPolicy { fold_width: fold, case_insensitive: ci };
            let once = normalize_answer(&s, policy);
            prop_assert_eq!(normalize_answer(&once, policy), once);
        }

        #[test]
        fn validation_never_panics_and_a_valid_result_validates_again(
            stem in "\\PC{0,30}",
            options in proptest::collection::vec("\\PC{0,8}", 0..10),
            key in proptest::collection::vec(0usize..10, 0..4),
            difficulty in 0u8..7,
        ) {
            let mut d = single(&stem, &[], key);
            d.options = options;
            d.difficulty = difficulty;
            if let Ok(v) = validate(d) {
                let again = validate(v.draft.clone()).expect("still valid");
                prop_assert_eq!(again.draft, v.draft);
            }
        }
    }
}
