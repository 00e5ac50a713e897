//! Generated drafts for the round-trip properties, within what each format can hold.

use proptest::prelude::*;

use super::*;

/// Text that is hard on every format: syntax characters of GIFT, XML, HTML and Cloze,
/// Chinese, full-width forms and line breaks.
const HARD: &str = "[a-zA-Z0-9 党章纪律规定：，。（）　ＡＢ<>&\"'{}~=#:%\\[\\]*\\\\\n!?.-]";

/// Text for a field of a format; `alphabet` is a regex character class.
fn text(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("{alphabet}{{1,{max}}}"))
        .expect("valid regex")
        .prop_filter("not blank", |s| !s.trim().is_empty())
}

/// What may vary in a draft, per format.
#[derive(Debug, Clone, Copy)]
pub(super) struct Caps {
    /// Difficulty, points and tags survive.
    pub extras: bool,
    /// Fill-in questions may have several blanks and any policy.
    pub blanks: bool,
    /// Characters allowed in fill-in answers.
    pub answer_alphabet: &'static str,
}

pub(super) const XLSX: Caps = Caps {
    extras: true,
    blanks: true,
    // "|" and "/" separate blanks and alternatives in a cell.
    answer_alphabet: "[a-zA-Z0-9 党章纪律：，。ＡＢ<>&\"'{}~=#:%*\\\\-]",
};
pub(super) const MOODLE: Caps = Caps {
    extras: true,
    blanks: true,
    answer_alphabet: "[a-zA-Z0-9 党章纪律：，。ＡＢ<>&\"'{}~=#:%*/|\\\\-]",
};
pub(super) const GIFT: Caps = Caps {
    extras: false,
    blanks: false,
    // "->" in a short answer reads as matching, which is GIFT's own ambiguity.
    answer_alphabet: "[a-zA-Z0-9 党章纪律：，。ＡＢ<&\"'{}~=#:%*/|\\\\-]",
};

fn segment() -> impl Strategy<Value = String> {
    text("[a-zA-Z0-9 党章纪律规定$&<]", 8)
}

fn tag() -> impl Strategy<Value = String> {
    text("[a-zA-Z0-9党章纪律规定&<]", 8)
}

fn key_and_options(caps: Caps) -> impl Strategy<Value = (QuestionType, Vec<String>, KeyForm)> {
    let choice = (
        proptest::collection::vec(text(HARD, 12), 2..=8),
        any::<u8>(),
    )
        .prop_map(|(texts, pick)| {
            // A distinct last character keeps options distinct after any folding.
            let options: Vec<String> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| format!("{t}{i}"))
                .collect();
            let n = options.len();
            let first = usize::from(pick) % n;
            if pick % 2 == 0 {
                (QuestionType::Single, options, KeyForm::Choice(vec![first]))
            } else {
                let second = (first + 1) % n;
                let key = KeyForm::Choice(vec![first, second]);
                (QuestionType::Multiple, options, key)
            }
        });
    let truth =
        any::<bool>().prop_map(|b| (QuestionType::TrueFalse, Vec::new(), KeyForm::TrueFalse(b)));
    let blank_count = if caps.blanks { 1..=3usize } else { 1..=1usize };
    let blank = proptest::collection::vec(text(caps.answer_alphabet, 10), 1..=3);
    let fill = (
        proptest::collection::vec(blank, blank_count),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(answers, ci, fold)| {
            let policy = if caps.blanks {
                BlankPolicy {
                    fold_width: fold,
                    case_insensitive: ci,
                }
            } else {
                BlankPolicy {
                    fold_width: false,
                    case_insensitive: true,
                }
            };
            (
                QuestionType::FillBlank,
                Vec::new(),
                KeyForm::Blanks { answers, policy },
            )
        });
    prop_oneof![choice, truth, fill]
}

/// A valid draft in cleaned form that `caps`' format can hold.
pub(super) fn drafts(caps: Caps) -> impl Strategy<Value = QuestionDraft> {
    (
        key_and_options(caps),
        text(HARD, 40),
        proptest::option::of(text(HARD, 30)),
        proptest::collection::vec(segment(), 0..3),
        1u8..=5,
        proptest::collection::vec(tag(), 0..4),
        1u32..=100_000,
    )
        .prop_filter_map(
            "valid",
            move |((qtype, options, key), stem, expl, category, difficulty, tags, points)| {
                let mut d = draft(qtype, &stem, &[], key);
                d.options = options;
                d.explanation = expl.unwrap_or_default();
                d.category = category;
                if caps.extras {
                    d.difficulty = difficulty;
                    d.tags = tags;
                    d.points = Points(points);
                }
                domain::validate(d).ok().map(|v| v.draft)
            },
        )
}
