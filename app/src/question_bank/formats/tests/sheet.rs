//! Excel/CSV sheets and the template.

use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Reader, Xlsx};

use super::*;
use crate::accounts::import::Table;
use crate::question_bank::formats::sheet::{parse_table, HEADERS};
use crate::question_bank::formats::template::{EXAMPLES, EXAMPLE_SHEET_NAME, SHEET_NAME};

const HEADER: &str =
    "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度,标签,分值,忽略大小写,全半角等同\n";

fn csv(rows: &str) -> ParsedFile {
    parse_text("题目.csv", &format!("{HEADER}{rows}"))
}

#[test]
fn a_csv_sheet_reads_every_type_with_the_row_numbers_excel_shows() {
    let file = csv(concat!(
        "单选,党的最高领导机关是？,全国代表大会,中央委员会,,,A,见党章。,党章党规/中国共产党章程,2,\"党章，基础、入门\",2.5,,\n",
        "\n",
        "多选题,党的纪律包括？,政治纪律,组织纪律,廉洁纪律,,\"A,C\",,,,,,,\n",
        "判断,党员有表决权。,,,,,√,,,,,,,\n",
        "填空,（  ）是党的根本组织原则。,,,,,民主集中制|党员/党的成员,,,5,,1,是,否\n",
    ));
    let locators: Vec<Locator> = file.items.iter().map(|i| i.locator).collect();
    assert_eq!(
        locators,
        vec![
            Locator::Row(2),
            Locator::Row(4),
            Locator::Row(5),
            Locator::Row(6)
        ]
    );
    let got = oks(&file);
    assert_eq!(got.len(), 4, "{:?}", invalids(&file));

    let mut single = draft(
        QuestionType::Single,
        "党的最高领导机关是？",
        &["全国代表大会", "中央委员会"],
        KeyForm::Choice(vec![0]),
    );
    single.explanation = "见党章。".into();
    single.category = strings(&["党章党规", "中国共产党章程"]);
    single.difficulty = 2;
    single.tags = strings(&["党章", "基础", "入门"]);
    single.points = Points(250);
    assert_eq!(*got[0], single);

    assert_eq!(got[1].qtype, QuestionType::Multiple);
    assert_eq!(got[1].key, KeyForm::Choice(vec![0, 2]));
    assert_eq!((got[1].difficulty, got[1].points), (3, Points(100)));
    assert_eq!(got[2].key, KeyForm::TrueFalse(true));
    assert_eq!(
        got[3].key,
        blanks(&[&["民主集中制"], &["党员", "党的成员"]], true, false)
    );
    assert_eq!(got[3].difficulty, 5);
}

#[test]
fn english_headers_and_type_keys_are_understood() {
    let file = parse_text(
        "questions.csv",
        "Type,Question,Option A,Option B,Answer,Explanation,Category,Difficulty,Tags,Points,Ignore case,Fold width\n\
         single,Which?,yes,no,B,because,a/b,4,x,3,,\n\
         true_false,Sky is blue.,,,F,,,,,,,\n\
         fill_blank,Capital of France?,,,Paris,,,,,,yes,no\n",
    );
    let got = oks(&file);
    assert_eq!(got.len(), 3, "{:?}", invalids(&file));
    assert_eq!(got[0].key, KeyForm::Choice(vec![1]));
    assert_eq!(got[0].category, strings(&["a", "b"]));
    assert_eq!(got[1].key, KeyForm::TrueFalse(false));
    assert_eq!(got[2].key, blanks(&[&["Paris"]], true, false));
}

#[test]
fn choice_and_true_false_answers_are_read_in_every_common_notation() {
    for (answer, key) in [
        ("AC", vec![0, 2]),
        ("A、C", vec![0, 2]),
        ("\"a,c\"", vec![0, 2]),
        ("Ｃ，Ａ", vec![0, 2]),
    ] {
        let file = csv(&format!("多选,题,甲,乙,丙,,{answer},,,,,,,\n"));
        assert_eq!(only_ok(&file).key, KeyForm::Choice(key), "{answer}");
    }
    for (answer, truth) in [
        ("正确", true),
        ("对", true),
        ("T", true),
        ("true", true),
        ("错误", false),
        ("×", false),
        ("F", false),
        ("错", false),
    ] {
        let file = csv(&format!("判断,题,,,,,{answer},,,,,,,\n"));
        assert_eq!(only_ok(&file).key, KeyForm::TrueFalse(truth), "{answer}");
    }
}

#[test]
fn row_problems_name_the_field_the_reason_and_the_row() {
    let file = csv(concat!(
        "问答,题,,,,,A,,,,,,,\n",
        "单选,题,甲,乙,,,E,,,,,,,\n",
        "单选,题,甲,乙,,,甲,,,,,,,\n",
        "单选,题,甲,乙,,,A,,,6,,0,,\n",
        "填空,题,,,,,答,,,,,,也许,\n",
        "判断,题,,,,,也许,,,,,,,\n",
        "多选,题,甲,,丙,,AC,,,,,,,\n",
        "单选,,甲,乙,,,A,,,,,,,\n",
    ));
    let invalid = invalids(&file);
    let got: Vec<(Locator, Vec<(&str, Msg)>)> =
        invalid.iter().map(|(l, p)| (*l, reasons(p))).collect();
    assert_eq!(
        got,
        vec![
            (
                Locator::Row(2),
                vec![("qtype", Msg::ErrQuestionTypeUnknown)]
            ),
            (Locator::Row(3), vec![("answer", Msg::ErrAnswerOutOfRange)]),
            (Locator::Row(4), vec![("answer", Msg::ErrAnswerLetters)]),
            (
                Locator::Row(5),
                vec![
                    ("difficulty", Msg::ErrDifficultyRange),
                    ("points", Msg::ErrPointsInvalid)
                ]
            ),
            (Locator::Row(6), vec![("case_insensitive", Msg::ErrYesNo)]),
            (Locator::Row(7), vec![("answer", Msg::ErrAnswerTruth)]),
            (Locator::Row(8), vec![("options", Msg::ErrOptionEmpty)]),
            (Locator::Row(9), vec![("stem", Msg::ErrStemRequired)]),
        ]
    );
}

#[test]
fn a_row_that_fails_to_parse_still_reports_the_other_fields_problems() {
    let file = csv("单选,,甲,甲,,,？,,,9,,,,\n");
    let Outcome::Invalid(problems) = only(&file) else {
        panic!("expected invalid");
    };
    assert_eq!(
        reasons(problems),
        vec![
            ("difficulty", Msg::ErrDifficultyRange),
            ("answer", Msg::ErrAnswerLetters),
            ("stem", Msg::ErrStemRequired),
            ("options", Msg::ErrOptionDuplicate),
        ]
    );
}

#[test]
fn blank_policies_apply_to_fill_in_questions_only() {
    let file = csv(concat!(
        "判断,题一,,,,,正确,,,,,,也许,也许\n",
        "填空,题二,,,,,ABC,,,,,,否,是\n",
        "填空,题三,,,,,ABC,,,,,,,\n",
    ));
    let got = oks(&file);
    assert_eq!(got.len(), 3);
    assert_eq!(got[1].key, blanks(&[&["ABC"]], false, true));
    assert_eq!(got[2].key, blanks(&[&["ABC"]], false, false));
}

#[test]
fn a_sheet_without_the_required_headers_is_refused() {
    assert_eq!(
        parse_file("q.csv", "题干,答案\n题,A\n".as_bytes()).err(),
        Some(Msg::ErrQuestionFileNoHeader)
    );
    assert_eq!(
        parse_file("q.csv", HEADER.as_bytes()).err(),
        Some(Msg::ErrNoQuestions)
    );
}

#[test]
fn a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers() {
    let file = parse_text(
        "q.csv",
        &format!("2026 年题库\n{HEADER}判断,题,,,,,对,,,,,,,\n"),
    );
    assert_eq!(file.items[0].locator, Locator::Row(3));
}

#[test]
fn a_sheet_saved_as_unicode_text_is_read_as_a_sheet() {
    let text = HEADER.replace(',', "\t") + "判断\t党员有表决权。\t\t\t\t\t正确\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let file = parse("题目.txt", &bytes);
    assert_eq!(only_ok(&file).key, KeyForm::TrueFalse(true));
    assert_eq!(file.items[0].locator, Locator::Row(2));
}

fn template_sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("workbook");
    let range = wb.worksheet_range(name).expect("sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_template_has_the_headers_and_example_rows_of_every_type_that_import_cleanly() {
    let bytes = template_xlsx();
    // The sheet to fill in is empty, which is the only complaint.
    assert_eq!(
        parse_file("template.xlsx", &bytes).err(),
        Some(Msg::ErrNoQuestions)
    );
    let wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(&bytes[..])).expect("workbook");
    assert_eq!(wb.sheet_names(), vec![SHEET_NAME, EXAMPLE_SHEET_NAME]);
    assert_eq!(template_sheet(&bytes, SHEET_NAME)[0], HEADERS);

    let rows = template_sheet(&bytes, EXAMPLE_SHEET_NAME);
    assert!(rows[0][0].contains("填写说明"));
    assert_eq!(rows[1], HEADERS);
    let table = Table::new(rows[1].clone(), rows[2..].to_vec());
    let items = parse_table(&table).expect("header");
    let file = ParsedFile {
        items: items.into_iter().map(finish).collect(),
    };
    let got = oks(&file);
    assert_eq!(got.len(), EXAMPLES.len(), "{:?}", invalids(&file));
    let types: Vec<QuestionType> = got.iter().map(|d| d.qtype).collect();
    assert_eq!(types, QuestionType::ALL);
    assert_eq!(
        got[3].key,
        blanks(&[&["民主集中制"], &["党员", "党的成员"]], false, true)
    );
}

#[test]
fn the_template_offers_dropdowns_for_type_difficulty_and_the_blank_rules() {
    let bytes = template_xlsx();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).expect("zip");
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .read_to_string(&mut sheet)
        .expect("utf-8");
    assert!(sheet.contains("\"单选,多选,判断,填空\""), "{sheet}");
    assert!(sheet.contains("\"1,2,3,4,5\""));
    assert!(sheet.contains("\"是,否\""));
}
