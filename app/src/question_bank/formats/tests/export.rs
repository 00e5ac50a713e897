//! Export: every format reads back to the drafts it was written from.

use proptest::prelude::*;

use super::strategies::{drafts, MOODLE, XLSX};
use super::*;

fn read_back(name: &str, bytes: &[u8]) -> Vec<QuestionDraft> {
    let file = parse(name, bytes);
    assert!(invalids(&file).is_empty(), "{:?}", invalids(&file));
    assert!(skips(&file).is_empty(), "{:?}", skips(&file));
    oks(&file).into_iter().cloned().collect()
}

#[test]
fn drafts_exported_to_xlsx_import_back_identical() {
    let drafts = sample();
    assert_eq!(read_back("export.xlsx", &to_xlsx(&drafts)), drafts);
}

#[test]
fn drafts_exported_to_moodle_xml_import_back_identical() {
    let drafts = sample();
    let xml = to_moodle_xml(&drafts);
    assert_eq!(read_back("export.xml", xml.as_bytes()), drafts, "{xml}");
}

#[test]
fn the_xlsx_export_has_exactly_the_template_columns() {
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    let bytes = to_xlsx(&sample());
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(&bytes[..])).expect("workbook");
    assert_eq!(wb.sheet_names(), vec!["题目"]);
    let range = wb.worksheet_range("题目").expect("sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0], super::super::sheet::HEADERS);
    assert_eq!(rows.len(), 1 + sample().len());
    assert_eq!(rows[6][10], "党员/党的成员|党章/CPC Constitution");
    assert_eq!(rows[6][12], "党章党规");
    assert_eq!(rows[2][12], "党章党规/纪律//处分条例");
    assert_eq!((rows[6][16].as_str(), rows[6][17].as_str()), ("是", "否"));
    assert_eq!((rows[1][13].as_str(), rows[1][15].as_str()), ("2", "2.5"));
}

#[test]
fn moodle_xml_switches_category_only_when_it_changes() {
    let mut drafts = sample();
    drafts.truncate(4);
    let xml = to_moodle_xml(&drafts);
    // Chapter, discipline, none, discipline: four switches for four questions.
    assert_eq!(xml.matches("<question type=\"category\">").count(), 4);
    let same = vec![drafts[0].clone(), drafts[0].clone()];
    assert_eq!(to_moodle_xml(&same).matches("type=\"category\"").count(), 1);
    let uncategorised = vec![drafts[2].clone()];
    assert_eq!(
        to_moodle_xml(&uncategorised)
            .matches("type=\"category\"")
            .count(),
        0
    );
}

#[test]
fn a_fill_in_question_with_several_blanks_becomes_a_moodle_cloze_question() {
    let xml = to_moodle_xml(&sample()[5..]);
    assert!(xml.contains("type=\"multianswer\""), "{xml}");
    assert!(
        xml.contains("{1:SA:=党员~=党的成员} {1:SA:=党章~=CPC Constitution}"),
        "{xml}"
    );
}

#[test]
fn exporting_nothing_gives_files_without_questions() {
    assert_eq!(
        parse_file("x.xlsx", &to_xlsx(&[])).err(),
        Some(Msg::ErrNoQuestions)
    );
    assert_eq!(
        parse_file("x.xml", to_moodle_xml(&[]).as_bytes()).err(),
        Some(Msg::ErrNoQuestions)
    );
    assert_eq!(to_gift(&[]), "");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_drafts_exported_to_xlsx_import_back_identical(
        drafts in proptest::collection::vec(drafts(XLSX), 1..6),
    ) {
        let got = parse_file("x.xlsx", &to_xlsx(&drafts))
            .map(|f| oks(&f).into_iter().cloned().collect::<Vec<_>>());
        prop_assert_eq!(got, Ok(drafts));
    }

    #[test]
    fn generated_drafts_exported_to_moodle_xml_import_back_identical(
        drafts in proptest::collection::vec(drafts(MOODLE), 1..6),
    ) {
        let xml = to_moodle_xml(&drafts);
        let got = parse_file("x.xml", xml.as_bytes())
            .map(|f| oks(&f).into_iter().cloned().collect::<Vec<_>>());
        prop_assert_eq!(got, Ok(drafts), "{}", xml);
    }
}
