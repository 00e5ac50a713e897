//! Hostile and broken uploads: each ends in a clear message or a per-item problem.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use zip::write::SimpleFileOptions;

use super::*;

const HEADER: &str = "题型,题干,选项A,选项B,答案,解析,标签\n";

fn err(name: &str, bytes: &[u8]) -> Option<Msg> {
    parse_file(name, bytes).err()
}

#[test]
fn a_truncated_xlsx_is_unreadable() {
    let bytes = to_xlsx(&sample());
    assert_eq!(
        err("q.xlsx", &bytes[..bytes.len() / 2]),
        Some(Msg::ErrFileUnreadable)
    );
    assert_eq!(err("q.xlsx", &bytes[..10]), Some(Msg::ErrFileUnreadable));
}

#[test]
fn a_zip_bomb_named_xlsx_is_refused_before_it_is_inflated() {
    let mut bomb = zip::ZipWriter::new(Cursor::new(Vec::new()));
    bomb.start_file("xl/workbook.xml", SimpleFileOptions::default())
        .expect("entry");
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        bomb.write_all(&zeros).expect("write");
    }
    let bomb = bomb.finish().expect("zip").into_inner();
    assert!(bomb.len() < MAX_FILE_BYTES);
    assert_eq!(err("bomb.xlsx", &bomb), Some(Msg::ErrFileTooLarge));
}

#[test]
fn other_office_files_and_legacy_xls_are_not_a_recognised_format() {
    let mut docx = zip::ZipWriter::new(Cursor::new(Vec::new()));
    docx.start_file("word/document.xml", SimpleFileOptions::default())
        .expect("entry");
    docx.write_all(b"<w:document/>").expect("write");
    let docx = docx.finish().expect("zip").into_inner();
    assert_eq!(err("q.xlsx", &docx), Some(Msg::ErrQuestionFileFormat));
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    assert_eq!(err("q.xls", &xls), Some(Msg::ErrQuestionFileFormat));
    assert_eq!(
        err("q.pdf", b"%PDF-1.7 stuff"),
        Some(Msg::ErrQuestionFileFormat)
    );
}

#[test]
fn gbk_and_utf16_csv_read_like_utf8() {
    let text =
        format!("{HEADER}单选,党的最高领导机关是？,全国代表大会,中央委员会,A,见党章。,党章\n");
    let utf8 = parse_text("q.csv", &text);
    let expected: Vec<QuestionDraft> = oks(&utf8).into_iter().cloned().collect();
    assert_eq!(expected.len(), 1);

    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy && std::str::from_utf8(&gbk).is_err());
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    for bytes in [gbk.to_vec(), le, be] {
        let got: Vec<QuestionDraft> = oks(&parse("q.csv", &bytes)).into_iter().cloned().collect();
        assert_eq!(got, expected);
    }
}

#[test]
fn gbk_gift_text_is_read_like_utf8() {
    let (gbk, _, _) = encoding_rs::GBK.encode("党员有表决权。{T}\n");
    assert_eq!(only_ok(&parse("q.gift", &gbk)).stem, "党员有表决权。");
}

#[test]
fn bytes_in_no_known_encoding_are_refused_with_a_clear_message() {
    // Invalid as UTF-8 and as GB18030 alike.
    let bad = b"\x80\x80\xff abc {T}";
    assert_eq!(err("q.csv", bad), Some(Msg::ErrFileUnreadable));
    assert_eq!(err("q.gift", bad), Some(Msg::ErrFileEncoding));
    assert_eq!(err("q.xml", bad), Some(Msg::ErrFileEncoding));
    // UTF-16 cut in the middle of a character.
    assert_eq!(
        err("q.txt", &[0xFF, 0xFE, 0x41]),
        Some(Msg::ErrFileEncoding)
    );
    // Binary data that happens to decode.
    assert_eq!(
        err("q.txt", b"\x89PNG\r\n\x1a\n\0\0\0"),
        Some(Msg::ErrQuestionFileFormat)
    );
}

#[test]
fn empty_and_blank_files_have_no_questions() {
    for name in ["q.xlsx", "q.csv", "q.xml", "q.gift", "q.txt", "q"] {
        assert_eq!(err(name, b""), Some(Msg::ErrNoQuestions), "{name}");
        assert_eq!(err(name, b" \r\n\t "), Some(Msg::ErrNoQuestions), "{name}");
    }
    assert_eq!(
        err("q.gift", "\u{feff}// only a comment\n".as_bytes()),
        Some(Msg::ErrNoQuestions)
    );
}

#[test]
fn files_over_ten_megabytes_are_too_large() {
    let big = vec![b' '; MAX_FILE_BYTES + 1];
    for name in ["q.xlsx", "q.csv", "q.xml", "q.gift"] {
        assert_eq!(err(name, &big), Some(Msg::ErrFileTooLarge), "{name}");
    }
}

#[test]
fn more_than_twenty_thousand_questions_are_refused() {
    let gift = "Q {T}\n\n".repeat(MAX_ITEMS + 1);
    assert_eq!(
        err("q.gift", gift.as_bytes()),
        Some(Msg::ErrTooManyQuestions)
    );
    let xml = format!(
        "<quiz>{}</quiz>",
        "<question type=\"truefalse\"/>".repeat(MAX_ITEMS + 1)
    );
    assert_eq!(err("q.xml", xml.as_bytes()), Some(Msg::ErrTooManyQuestions));
    let csv = format!("{HEADER}{}", "判断,题,,,对,,\n".repeat(MAX_ITEMS + 1));
    assert_eq!(err("q.csv", csv.as_bytes()), Some(Msg::ErrFileTooLarge));
    let exactly = "Q {T}\n\n".repeat(MAX_ITEMS);
    assert_eq!(parse_text("q.gift", &exactly).items.len(), MAX_ITEMS);
}

#[test]
fn huge_cells_and_fields_are_reported_too_long_not_cut_to_fit() {
    let huge = "长".repeat(100_000);
    let long_option = "x".repeat(1_001);
    let csv = format!(
        "{HEADER}单选,{huge},{long_option},乙,A,{huge},{}\n",
        "标".repeat(31)
    );
    let file = parse_text("q.csv", &csv);
    let Outcome::Invalid(problems) = only(&file) else {
        panic!("expected invalid");
    };
    let got: Vec<(&str, Msg, Option<&str>)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.reason, p.detail.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("stem", Msg::ErrTooLong, Some("5000")),
            ("explanation", Msg::ErrTooLong, Some("5000")),
            ("options", Msg::ErrTooLong, Some("1000")),
            ("tags", Msg::ErrTooLong, Some("30")),
        ]
    );

    let gift = format!("{huge} {{T}}\n\nShort {{T}}\n");
    let file = parse_text("q.gift", &gift);
    assert_eq!(file.items.len(), 2);
    assert!(
        matches!(&file.items[0].outcome, Outcome::Invalid(p) if p[0].reason == Msg::ErrTooLong)
    );
    assert!(matches!(&file.items[1].outcome, Outcome::Ok(_)));

    let xml = format!(
        "<quiz><question type=\"truefalse\"><questiontext format=\"plain_text\"><text>{huge}</text></questiontext>\
         <answer fraction=\"100\"><text>true</text></answer></question></quiz>"
    );
    let file = parse_text("q.xml", &xml);
    assert!(
        matches!(only(&file), Outcome::Invalid(p) if p[0].field == "stem" && p[0].reason == Msg::ErrTooLong)
    );
}

#[test]
fn pathological_markup_is_read_in_linear_time() {
    let start = Instant::now();
    for body in [
        "&lt;a".repeat(300_000),
        "&amp;".repeat(300_000),
        "&lt;script&gt;".repeat(100_000),
        "{1:SA:=a".repeat(100_000),
        "{".repeat(1_000_000),
    ] {
        for kind in ["truefalse", "multianswer"] {
            let xml = format!(
                "<quiz><question type=\"{kind}\"><questiontext format=\"html\"><text>{body}</text></questiontext></question></quiz>"
            );
            let file = parse_text("q.xml", &xml);
            assert_eq!(file.items.len(), 1);
        }
    }
    let gift = format!("{} {{T}}", "<".repeat(150_000));
    let _ = parse_text("q.gift", &format!("[html]{gift}"));
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_file_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        prefix in prop::sample::select(vec![&b""[..], b"PK\x03\x04", b"<quiz>", b"\xef\xbb\xbf", b"\xff\xfe"]),
        name in prop::sample::select(vec!["a.csv", "a.xlsx", "a.txt", "a.gift", "a.xml", "a", "a.xls"]),
    ) {
        let bytes = [prefix, &bytes[..]].concat();
        let _ = parse_file(name, &bytes);
    }

    #[test]
    fn parse_file_never_panics_on_damaged_exports(
        at in 0usize..20_000,
        len in 1usize..64,
        fill in any::<u8>(),
        which in 0usize..3,
    ) {
        let drafts = sample();
        let (name, mut bytes) = match which {
            0 => ("a.xlsx", to_xlsx(&drafts)),
            1 => ("a.xml", to_moodle_xml(&drafts).into_bytes()),
            _ => ("a.gift", to_gift(&drafts).into_bytes()),
        };
        let at = at % bytes.len();
        let end = (at + len).min(bytes.len());
        bytes[at..end].fill(fill);
        let _ = parse_file(name, &bytes);
    }
}
