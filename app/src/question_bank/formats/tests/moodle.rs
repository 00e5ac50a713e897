//! Moodle XML: the fixture, each supported and skipped type, Cloze, and refusals.

use super::*;

fn quiz(questions: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n{questions}\n</quiz>\n")
}

fn xml(questions: &str) -> ParsedFile {
    parse_text("quiz.xml", &quiz(questions))
}

fn question(kind: &str, body: &str) -> String {
    format!(
        "<question type=\"{kind}\"><name><text>n</text></name>\
         <questiontext format=\"html\"><text><![CDATA[<p>Stem &amp; <b>more</b></p>]]></text></questiontext>\
         {body}</question>"
    )
}

fn answer(fraction: &str, text: &str) -> String {
    format!("<answer fraction=\"{fraction}\" format=\"html\"><text>{text}</text><feedback><text>fb</text></feedback></answer>")
}

#[test]
fn moodles_nested_category_fixture_imports_four_questions_and_skips_the_essay() {
    let file = parse(
        "nested_categories_with_questions.xml",
        &fixture("nested_categories_with_questions.xml"),
    );
    assert_eq!(file.items.len(), 5);
    assert_eq!(skips(&file), vec![(Locator::Question(4), Msg::SkipEssay)]);
    let locators: Vec<Locator> = file.items.iter().map(|i| i.locator).collect();
    assert_eq!(locators, [2, 4, 5, 7, 9].map(Locator::Question).to_vec());
    let got: Vec<(String, Vec<String>)> = oks(&file)
        .iter()
        .map(|d| (d.stem.clone(), d.category.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Testing Iota Question".into(), strings(&["Iota"])),
            ("Testing Kappa Question".into(), strings(&["Iota", "Kappa"])),
            (
                "Testing Lambda Question".into(),
                strings(&["Iota", "Kappa", "Lambda"])
            ),
            ("Testing Mu Question".into(), strings(&["Iota", "Mu"])),
        ]
    );
    for d in oks(&file) {
        assert_eq!(
            (d.key.clone(), d.points),
            (KeyForm::TrueFalse(true), Points(100))
        );
    }
}

#[test]
fn moodle_multichoice_reads_single_and_multiple_answers_from_fractions() {
    let single = question(
        "multichoice",
        &format!(
            "<single>true</single>{}{}{}",
            answer("100", "&lt;p&gt;Right &amp;amp; proper&lt;/p&gt;"),
            answer("50", "Half"),
            answer("0", "Wrong")
        ),
    );
    let multiple = question(
        "multichoice",
        &format!(
            "<single>false</single>{}{}{}",
            answer("33.33333", "A"),
            answer("-100", "B"),
            answer("66.66667", "C")
        ),
    );
    let one_right = question(
        "multichoice",
        &format!(
            "<single>false</single>{}{}",
            answer("100", "A"),
            answer("0", "B")
        ),
    );
    let file = xml(&format!("{single}{multiple}{one_right}"));
    let got = oks(&file);
    assert_eq!(got.len(), 3, "{:?}", invalids(&file));
    assert_eq!(got[0].stem, "Stem & more");
    assert_eq!(
        got[0].options,
        strings(&["Right & proper", "Half", "Wrong"])
    );
    assert_eq!(
        (got[0].qtype, &got[0].key),
        (QuestionType::Single, &KeyForm::Choice(vec![0]))
    );
    assert_eq!(
        (got[1].qtype, &got[1].key),
        (QuestionType::Multiple, &KeyForm::Choice(vec![0, 2]))
    );
    assert_eq!(
        (got[2].qtype, &got[2].key),
        (QuestionType::Single, &KeyForm::Choice(vec![0]))
    );
}

#[test]
fn moodle_grades_tags_difficulty_and_feedback_are_read() {
    let body = format!(
        "<generalfeedback format=\"moodle_auto_format\"><text>Line one\nline &amp;lt;two&amp;gt; &lt;b&gt;bold&lt;/b&gt;</text></generalfeedback>\
         <defaultgrade>2.5000000</defaultgrade>{}{}\
         <tags><tag><text>difficulty:4</text></tag><tag><text>党章</text></tag></tags>",
        answer("0", "true"),
        answer("100", "false"),
    );
    let file = xml(&question("truefalse", &body));
    let d = only_ok(&file);
    assert_eq!(d.key, KeyForm::TrueFalse(false));
    assert_eq!(d.explanation, "Line one\nline <two> bold");
    assert_eq!(
        (d.points, d.difficulty, d.tags.clone()),
        (Points(250), 4, strings(&["党章"]))
    );
}

#[test]
fn a_moodle_grade_finer_than_hundredths_makes_the_question_invalid() {
    let body = format!(
        "<defaultgrade>0.3333333</defaultgrade>{}",
        answer("100", "true")
    );
    let file = xml(&question("truefalse", &body));
    let Outcome::Invalid(p) = only(&file) else {
        panic!("expected invalid");
    };
    assert_eq!(reasons(p), vec![("points", Msg::ErrPointsInvalid)]);
}

#[test]
fn moodle_short_answers_keep_their_case_rule_and_refuse_wildcards() {
    let body = format!(
        "<usecase>1</usecase>{}{}{}",
        answer("100", "Paris"),
        answer("50", "paris \\* city"),
        answer("0", "*")
    );
    let file = xml(&question("shortanswer", &body));
    assert_eq!(
        only_ok(&file).key,
        blanks(&[&["Paris", "paris * city"]], false, false)
    );

    let wild = format!("<usecase>0</usecase>{}", answer("100", "Par*"));
    assert_eq!(
        skips(&xml(&question("shortanswer", &wild))),
        vec![(Locator::Question(1), Msg::SkipWildcard)]
    );
}

#[test]
fn moodle_types_examhall_cannot_hold_are_skipped_with_reasons() {
    let file = xml(&[
        question("essay", ""),
        question("match", ""),
        question("numerical", ""),
        question("calculated", ""),
        question("description", ""),
        question("ddwtos", ""),
        question("gapselect", ""),
    ]
    .concat());
    let got: Vec<(Msg, Option<String>)> = file
        .items
        .iter()
        .map(|i| match &i.outcome {
            Outcome::Skipped { reason, detail } => (*reason, detail.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Msg::SkipEssay, None),
            (Msg::SkipMatching, None),
            (Msg::SkipNumerical, None),
            (Msg::SkipNumerical, None),
            (Msg::SkipDescription, None),
            (Msg::SkipUnsupportedType, Some("ddwtos".into())),
            (Msg::SkipUnsupportedType, Some("gapselect".into())),
        ]
    );
}

#[test]
fn a_cloze_question_of_short_answers_is_a_fill_in_question_with_gaps() {
    let cloze = "<question type=\"multianswer\"><questiontext format=\"html\"><text>\
        &lt;p&gt;{1:SHORTANSWER:=Berlin~%50%berlin#close} is the capital of {2:SAC:=Germany\\}}.&lt;/p&gt;\
        </text></questiontext></question>";
    let menu = "<question type=\"multianswer\"><questiontext><text>Pick {1:MULTICHOICE:=a~b}</text></questiontext></question>";
    let file = xml(&format!("{cloze}{menu}"));
    let d = only_ok_at(&file, 0);
    assert_eq!(d.stem, "_____ is the capital of _____.");
    assert_eq!(
        d.key,
        blanks(&[&["Berlin", "berlin"], &["Germany}"]], false, false)
    );
    assert!(matches!(
        &file.items[1].outcome,
        Outcome::Skipped { reason: Msg::SkipUnsupportedType, detail: Some(t) } if t == "multianswer"
    ));
}

fn only_ok_at(file: &ParsedFile, i: usize) -> &QuestionDraft {
    match &file.items[i].outcome {
        Outcome::Ok(d) => d,
        other => panic!("item {i}: {other:?}"),
    }
}

#[test]
fn entity_expansion_is_refused_before_anything_expands() {
    let laughs = concat!(
        "<?xml version=\"1.0\"?>\n",
        "<!DOCTYPE lolz [\n",
        " <!ENTITY lol \"lol\">\n",
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n",
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n",
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n",
        " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n",
        "]>\n",
        "<quiz><question type=\"truefalse\"><questiontext><text>&lol9;</text></questiontext></question></quiz>\n",
    );
    assert_eq!(
        parse_file("lol.xml", laughs.as_bytes()).err(),
        Some(Msg::ErrXmlDoctype)
    );
    // Without the declaration the reference is simply undefined.
    let undeclared = quiz(&question(
        "truefalse",
        "<generalfeedback><text>&lol9;</text></generalfeedback>",
    ));
    assert_eq!(
        parse_file("lol.xml", undeclared.as_bytes()).err(),
        Some(Msg::ErrXmlInvalid)
    );
    let external = "<?xml version=\"1.0\"?><!DOCTYPE quiz SYSTEM \"file:///etc/passwd\"><quiz/>";
    assert_eq!(
        parse_file("x.xml", external.as_bytes()).err(),
        Some(Msg::ErrXmlDoctype)
    );
}

#[test]
fn files_that_are_not_moodle_xml_are_refused_as_a_whole() {
    for (bytes, msg) in [
        (&b"just some words"[..], Msg::ErrXmlInvalid),
        (b"<html><body>hi</body></html>", Msg::ErrXmlInvalid),
        (b"<quiz><question type=\"truefalse\">", Msg::ErrXmlInvalid),
        (b"<quiz></wrong>", Msg::ErrXmlInvalid),
        (b"<quiz></quiz><quiz></quiz>", Msg::ErrXmlInvalid),
        (b"<quiz></quiz>", Msg::ErrNoQuestions),
        (b"<quiz><question type=\"category\"><category><text>$course$/A</text></category></question></quiz>", Msg::ErrNoQuestions),
        (b"", Msg::ErrNoQuestions),
        (b"\xef\xbb\xbf  \n", Msg::ErrNoQuestions),
    ] {
        assert_eq!(parse_file("quiz.xml", bytes).err(), Some(msg), "{}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn an_xml_file_is_recognised_by_content_whatever_its_name() {
    let file = parse_text(
        "export (1)",
        &quiz(&question("truefalse", &answer("100", "true"))),
    );
    assert_eq!(only_ok(&file).key, KeyForm::TrueFalse(true));
}

#[test]
fn deeply_nested_or_sprawling_questions_are_refused() {
    let deep = quiz(&format!("{}{}", "<a>".repeat(100), "</a>".repeat(100)));
    assert_eq!(
        parse_file("x.xml", deep.as_bytes()).err(),
        Some(Msg::ErrXmlInvalid)
    );
    let wide = quiz(&question("truefalse", &"<x/>".repeat(10_000)));
    assert_eq!(
        parse_file("x.xml", wide.as_bytes()).err(),
        Some(Msg::ErrFileTooLarge)
    );
}
