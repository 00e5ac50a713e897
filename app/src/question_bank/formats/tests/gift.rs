//! GIFT: the Moodle fixtures, every question kind, escapes, categories, and properties.

use proptest::prelude::*;

use super::strategies::{drafts, GIFT};
use super::*;

fn gift(text: &str) -> ParsedFile {
    parse_text("questions.gift", text)
}

fn only_skip(text: &str) -> Msg {
    match only(&gift(text)) {
        Outcome::Skipped { reason, .. } => *reason,
        other => panic!("expected a skip, got {other:?}"),
    }
}

#[test]
fn moodles_gift_fixture_imports_six_questions_and_skips_three_with_reasons() {
    let file = parse("questions.gift.txt", &fixture("questions.gift.txt"));
    assert_eq!(file.items.len(), 9);
    assert_eq!(
        skips(&file),
        vec![
            (Locator::Line(2), Msg::SkipEssay),
            (Locator::Line(5), Msg::SkipMatching),
            (Locator::Line(31), Msg::SkipNumerical),
        ]
    );
    assert!(invalids(&file).is_empty(), "{:?}", invalids(&file));
    let got = oks(&file);
    assert_eq!(got.len(), 6);

    let spectrum = "What's between orange and green in the spectrum?";
    assert_eq!(
        *got[0],
        draft(
            QuestionType::Single,
            spectrum,
            &["yellow", "red", "blue"],
            KeyForm::Choice(vec![0])
        )
    );
    assert_eq!(
        *got[1],
        draft(
            QuestionType::Multiple,
            spectrum,
            &["yellow", "red", "off-beige", "blue"],
            KeyForm::Choice(vec![0, 2])
        )
    );
    // The 0% "*" is the catch-all for wrong answers; the 50% Cat is accepted.
    assert_eq!(
        *got[2],
        draft(
            QuestionType::FillBlank,
            "Which is the best animal?",
            &[],
            blanks(&[&["Frog", "Cat"]], true, false)
        )
    );
    // Text after the answers makes Moodle's "missing word" gap, stray quote included.
    let mut q1 = draft(
        QuestionType::TrueFalse,
        "42 is the Absolute Answer to everything._____\";",
        &[],
        KeyForm::TrueFalse(false),
    );
    q1.explanation = "This is, of course, a Hitchiker's Guide to the Galaxy reference.".into();
    assert_eq!(*got[3], q1);
    let tsl = draft(
        QuestionType::TrueFalse,
        "TSL is blablabla.",
        &[],
        KeyForm::TrueFalse(true),
    );
    assert_eq!((got[4], got[5]), (&tsl, &tsl));
    let lines: Vec<Locator> = file.items.iter().map(|i| i.locator).collect();
    assert_eq!(lines[2..4], [Locator::Line(14), Locator::Line(22)]);
}

#[test]
fn moodles_gift_fixture_with_a_category_imports_three_html_questions_into_it() {
    let file = parse(
        "questions_in_category.gift.txt",
        &fixture("questions_in_category.gift.txt"),
    );
    assert_eq!(file.items.len(), 4);
    assert_eq!(skips(&file), vec![(Locator::Line(5), Msg::SkipMatching)]);
    let got = oks(&file);
    assert_eq!(got.len(), 3);
    for d in &got {
        assert_eq!(d.category, strings(&["Default for New Features"]));
    }
    // Escaped "=" and ":" inside the HTML, tags dropped, <br /> kept as line breaks.
    assert_eq!(
        got[0].stem,
        "Listen to this greeting:\n\nWhat language is being spoken?"
    );
    assert_eq!(
        got[0].options,
        strings(&["English", "French", "German", "Spanish"])
    );
    assert_eq!(got[0].key, KeyForm::Choice(vec![1]));
    assert_eq!(got[1].stem, "Anyone who uses Moodle is a ...");
    assert_eq!(got[1].key, blanks(&[&["Moodler"]], true, false));
    assert_eq!(
        got[2].stem,
        "Moodle is an acronym for Modular Object-Oriented Dynamic Learning Environment."
    );
    assert_eq!(got[2].key, KeyForm::TrueFalse(true));
}

#[test]
fn a_gift_essay_question_is_skipped_with_a_reason() {
    assert_eq!(only_skip("Write about discipline. {}"), Msg::SkipEssay);
    assert_eq!(
        only_skip("Write about it. {####Any answer.}"),
        Msg::SkipEssay
    );
}

#[test]
fn a_gift_matching_question_is_skipped_with_a_reason() {
    assert_eq!(
        only_skip("Match. {=a -> 1 =b -> 2 =c -> 3}"),
        Msg::SkipMatching
    );
}

#[test]
fn a_gift_numerical_question_is_skipped_with_a_reason() {
    assert_eq!(
        only_skip("When was Grant born? {#1822:5}"),
        Msg::SkipNumerical
    );
    assert_eq!(
        only_skip("Pi? {#=%100%3.14:0.01 =%50%3.1:0.1}"),
        Msg::SkipNumerical
    );
}

#[test]
fn gift_text_without_answers_is_a_description_and_skipped() {
    assert_eq!(
        only_skip("::Intro:: Read this first."),
        Msg::SkipDescription
    );
}

#[test]
fn a_gift_short_answer_accepting_a_wildcard_is_skipped_but_a_literal_star_is_kept() {
    assert_eq!(only_skip("Any animal? {=*at =Dog}"), Msg::SkipWildcard);
    let d = gift("Star? {=a\\*b}");
    assert_eq!(only_ok(&d).key, blanks(&[&["a*b"]], true, false));
}

#[test]
fn gift_escapes_make_syntax_characters_plain_text() {
    let file = gift("::t\\:1::a\\{b\\} \\= \\~ \\# c\\: d\\\\e\\nf{=x\\=y ~z\\#w # feedback}");
    let d = only_ok(&file);
    assert_eq!(d.stem, "a{b} = ~ # c: d\\e\nf");
    assert_eq!(d.options, strings(&["x=y", "z#w"]));
    assert_eq!(d.key, KeyForm::Choice(vec![0]));
}

#[test]
fn gift_category_switches_set_the_path_of_the_questions_below() {
    let file = gift(concat!(
        "Q0 {T}\n\n",
        "$CATEGORY: $system$/top/党章党规/纪律//处分\n\n",
        "Q1 {T}\n\n",
        "// comment\n$CATEGORY: top\nQ2 {F}\n\n",
        "$CATEGORY:a / b\n\nQ3 {F}\n",
    ));
    let cats: Vec<Vec<String>> = oks(&file).iter().map(|d| d.category.clone()).collect();
    assert_eq!(
        cats,
        vec![
            vec![],
            strings(&["党章党规", "纪律/处分"]),
            vec![],
            strings(&["a", "b"])
        ]
    );
    let lines: Vec<Locator> = file.items.iter().map(|i| i.locator).collect();
    assert_eq!(
        lines,
        [1, 5, 9, 13].map(Locator::Line).to_vec(),
        "a question right below its category line starts on the next line"
    );
}

#[test]
fn gift_multiple_response_with_one_positive_weight_is_single_choice() {
    let d = gift("Pick {~%100%right ~%-50%wrong ~other}");
    let d = only_ok(&d);
    assert_eq!(
        (d.qtype, &d.key),
        (QuestionType::Single, &KeyForm::Choice(vec![0]))
    );
}

#[test]
fn gift_single_choice_keys_the_full_credit_answer_over_partial_ones() {
    let d = gift("Pick {=best ~%50%half ~none}");
    assert_eq!(only_ok(&d).key, KeyForm::Choice(vec![0]));
}

#[test]
fn gift_true_false_reads_every_spelling_and_its_general_feedback() {
    for (answer, truth) in [
        ("T", true),
        ("TRUE", true),
        ("F", false),
        ("FALSE", false),
        ("true", true),
    ] {
        let file = gift(&format!(
            "Sky is blue. {{{answer}#wrong#right####Because.}}"
        ));
        let d = only_ok(&file);
        assert_eq!(d.key, KeyForm::TrueFalse(truth), "{answer}");
        assert_eq!(d.explanation, "Because.");
    }
}

#[test]
fn gift_braces_that_do_not_pair_make_the_question_invalid_not_the_file() {
    let file = gift("Broken { =a ~b\n\nBroken too } {\n\nFine {T}");
    assert_eq!(file.items.len(), 3);
    for (_, p) in invalids(&file) {
        assert_eq!(reasons(&p), vec![("answer", Msg::ErrGiftBraces)]);
    }
    assert_eq!(oks(&file).len(), 1);
}

#[test]
fn gift_html_is_reduced_to_text_and_other_formats_are_kept_as_written() {
    let file = gift(concat!(
        "[html]<p>One &amp; <b>two</b></p><p>three</p>{=<i>a</i> ~b}\n\n",
        "[markdown]**bold** < plain {T}\n\n",
        "[plain]<b>kept</b> {T}\n",
    ));
    let got = oks(&file);
    assert_eq!(got[0].stem, "One & two\nthree");
    assert_eq!(got[0].options, strings(&["a", "b"]));
    assert_eq!(got[1].stem, "**bold** < plain");
    assert_eq!(got[2].stem, "<b>kept</b>");
}

#[test]
fn a_gift_question_that_parses_but_breaks_the_rules_is_invalid() {
    let file = gift("Only one option {=a}\n\nNo right answer {~a ~b}\n\n{T}");
    assert_eq!(invalids(&file).len(), 2);
    assert_eq!(only_reason(&file, 1), ("answer", Msg::ErrAnswerRequired));
    assert_eq!(only_reason(&file, 2), ("stem", Msg::ErrStemRequired));
    // "{=a}" is a short answer, Moodle's reading too.
    assert_eq!(oks(&file)[0].qtype, QuestionType::FillBlank);
}

fn only_reason(file: &ParsedFile, index: usize) -> (&str, Msg) {
    match &file.items[index].outcome {
        Outcome::Invalid(p) if p.len() == 1 => (p[0].field.as_str(), p[0].reason),
        other => panic!("item {index}: {other:?}"),
    }
}

#[test]
fn drafts_written_as_gift_read_back_the_same() {
    let drafts: Vec<QuestionDraft> = sample()
        .into_iter()
        .filter_map(|mut d| {
            if let KeyForm::Blanks { answers, policy } = &mut d.key {
                if answers.len() != 1 {
                    return None;
                }
                policy.case_insensitive = true;
                policy.fold_width = false;
            }
            d.difficulty = 3;
            d.points = Points(100);
            d.tags.clear();
            Some(d)
        })
        .collect();
    assert_eq!(drafts.len(), 5);
    let text = to_gift(&drafts);
    let file = parse_text("export.gift", &text);
    let got: Vec<QuestionDraft> = oks(&file).into_iter().cloned().collect();
    assert_eq!(got, drafts, "{text}");
}

#[test]
fn a_fill_in_question_with_several_blanks_is_left_out_of_gift_with_a_comment() {
    let two = draft(
        QuestionType::FillBlank,
        "（  ）和（  ）",
        &[],
        blanks(&[&["a"], &["b"]], true, false),
    );
    let text = to_gift(&[two]);
    assert!(
        text.starts_with("// examhall: question 1 has 2 blanks"),
        "{text}"
    );
    assert_eq!(
        parse_file("x.gift", text.as_bytes()).err(),
        Some(Msg::ErrNoQuestions)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_gift_reader_never_panics_on_gift_like_text(
        text in "[a-z \\n{}~=#:%\\\\\\[\\]<>&$/.T0-9-]{0,300}",
    ) {
        let _ = parse_file("x.gift", text.as_bytes());
    }

    #[test]
    fn the_gift_reader_never_panics_on_any_text(text in "\\PC{0,300}") {
        let _ = parse_file("x.txt", text.as_bytes());
    }

    #[test]
    fn generated_drafts_written_as_gift_read_back_the_same(
        drafts in proptest::collection::vec(drafts(GIFT), 1..6),
    ) {
        let text = to_gift(&drafts);
        let file = parse_file("x.gift", text.as_bytes());
        let got: Vec<QuestionDraft> = file
            .map(|f| oks(&f).into_iter().cloned().collect())
            .unwrap_or_default();
        prop_assert_eq!(got, drafts, "{}", text);
    }
}
