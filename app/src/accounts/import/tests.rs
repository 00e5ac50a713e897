//! Tests of the import reader and validator, on real encodings and hostile files.

use super::*;
use crate::accounts::model::UnitId;
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;
use std::io::Write;
use uuid::Uuid;
use zip::write::SimpleFileOptions;

const SCOPE: &str = "/1/2/";

fn unit(n: u128, code: &str, path: &str) -> UnitRow {
    UnitRow {
        id: UnitId(Uuid::from_u128(n)),
        code: code.to_owned(),
        name: format!("单位{n}"),
        parent_id: None,
        path: path.to_owned(),
    }
}

fn units() -> Vec<UnitRow> {
    vec![
        unit(2, "110101", "/1/2/"),
        unit(3, "110102", "/1/2/3/"),
        unit(4, "BJ01", "/1/2/4/"),
        unit(9, "990000", "/1/9/"),
    ]
}

fn csv(text: &str) -> Result<Table, Msg> {
    read_table("users.csv", text.as_bytes())
}

fn check(table: &Table, existing: &[&str]) -> (Vec<ImportRow>, Vec<RowError>) {
    let existing: Vec<String> = existing.iter().map(|s| s.to_string()).collect();
    validate(table, &units(), &existing, SCOPE).unwrap()
}

fn err(row: u32, column: &str, reason: Msg) -> RowError {
    RowError {
        row,
        column: column.to_owned(),
        reason,
    }
}

const HEADER: &str = "登录名,姓名,单位代码,角色,职级类别\n";

fn xlsx(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut wb = Workbook::new();
    build(wb.add_worksheet());
    wb.save_to_buffer().unwrap()
}

/// Rewrites entries of a zip, keeping the others, with valid checksums throughout.
fn rezip(bytes: &[u8], replace: &[(&str, &str)]) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if let Some((_, new)) = replace.iter().find(|(n, _)| *n == name) {
            data = new.as_bytes().to_vec();
        }
        out.start_file(name, SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn utf8_csv_is_read_with_trimmed_cells() {
    let t = csv(&format!("{HEADER} ZhangSan , 张三 ,110101,考生,科员\n")).unwrap();
    assert_eq!(t.headers, TEMPLATE_HEADERS);
    assert_eq!(
        t.rows,
        vec![vec!["ZhangSan", "张三", "110101", "考生", "科员"]]
    );
    assert_eq!(t.row_numbers, vec![2]);
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty());
    assert_eq!(good[0].login, "zhangsan");
    assert_eq!(good[0].rank_tag.as_deref(), Some("科员"));
    assert_eq!(good[0].row, 2);
}

#[test]
fn utf8_csv_with_a_bom_has_a_clean_first_header() {
    let mut bytes = UTF8_BOM.to_vec();
    bytes.extend_from_slice(format!("{HEADER}lisi,李四,110101,考生,\n").as_bytes());
    let t = read_table("users.csv", &bytes).unwrap();
    assert_eq!(t.headers[0], "登录名");
    assert_eq!(check(&t, &[]).0.len(), 1);
}

#[test]
fn gbk_encoded_csv_is_read_like_utf8() {
    let text = format!("{HEADER}wangwu,王五,110101,\"考生，组织者\",处级\n");
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    assert!(std::str::from_utf8(&gbk).is_err());
    let from_gbk = read_table("用户.CSV", &gbk).unwrap();
    assert_eq!(from_gbk, csv(&text).unwrap());
    let (good, _) = check(&from_gbk, &[]);
    assert_eq!(good[0].display_name, "王五");
    assert!(good[0].roles.candidate && good[0].roles.organizer);
}

#[test]
fn utf16_text_with_a_bom_and_tabs_is_read() {
    let text = "登录名\t姓名\t单位代码\t角色\nzhaoliu\t赵六\t110101\t管理员\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let t = read_table("users.txt", &bytes).unwrap();
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(good[0].roles.admin);
}

#[test]
fn english_headers_in_any_order_and_case_are_recognised() {
    let t = csv(
        "Roles, Unit Code ,Display_Name,LOGIN,rank\ncandidate; organizer,110101,Zhang San,zs,\n",
    )
    .unwrap();
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(good[0].login, "zs");
    assert_eq!(good[0].display_name, "Zhang San");
    assert_eq!(good[0].rank_tag, None);
}

#[test]
fn an_optional_email_column_is_read_and_checked() {
    let t = csv("登录名,姓名,单位代码,角色,邮箱\n\
         zs,张三,110101,考生, zs@example.org \n\
         ls,李四,110101,考生,\n\
         ww,王五,110101,考生,not-an-address\n")
    .unwrap();
    let (good, errors) = check(&t, &[]);
    assert_eq!(
        good.iter().map(|g| g.email.clone()).collect::<Vec<_>>(),
        vec![Some("zs@example.org".to_owned()), None]
    );
    assert_eq!(errors, vec![err(4, "邮箱", Msg::ErrEmailInvalid)]);
    let english =
        csv("login,name,unit code,roles,E-mail\nzs,张三,110101,考生,zs@example.org\n").unwrap();
    let (good, errors) = check(&english, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(good[0].email.as_deref(), Some("zs@example.org"));
}

#[test]
fn decorated_headers_and_a_title_row_above_them_are_accepted() {
    let t =
        csv("用户导入表,,,\n登录名*,姓名*,单位代码（必填）,角色(可多选)\nzs,张三,110101,考生\n")
            .unwrap();
    assert_eq!(t.headers[0], "登录名*");
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty());
    assert_eq!(good[0].row, 3);
    assert_eq!(good[0].rank_tag, None);
}

#[test]
fn a_missing_required_header_is_refused() {
    assert_eq!(
        csv("登录名,姓名,单位代码,职级类别\nzs,张三,110101,科员\n"),
        Err(Msg::ErrFileNoHeader)
    );
    let hand_built = Table::new(
        vec!["login".into(), "name".into()],
        vec![vec!["zs".into(), "张三".into()]],
    );
    assert_eq!(
        validate(&hand_built, &units(), &[], SCOPE),
        Err(Msg::ErrFileNoHeader)
    );
}

#[test]
fn files_without_data_rows_are_empty() {
    assert_eq!(read_table("users.csv", b""), Err(Msg::ErrFileEmpty));
    assert_eq!(csv(HEADER), Err(Msg::ErrFileEmpty));
    assert_eq!(csv(&format!("{HEADER}\n , ,,\n\n")), Err(Msg::ErrFileEmpty));
    let blank_only = Table::new(
        TEMPLATE_HEADERS.map(String::from).to_vec(),
        vec![vec![" ".into()]],
    );
    assert_eq!(
        validate(&blank_only, &units(), &[], SCOPE),
        Err(Msg::ErrFileEmpty)
    );
}

#[test]
fn blank_rows_are_skipped_but_still_counted_in_row_numbers() {
    let t = csv(&format!(
        "{HEADER}\r\n,,,,\r\na1,甲,110101,考生\r\n\r\n\"b\n1\",乙,110101,考生\r\nc1,丙,999,考生\r\n"
    ))
    .unwrap();
    assert_eq!(t.row_numbers, vec![4, 6, 7]);
    let lf = csv(&format!(
        "{HEADER}\n\na1,甲,110101,考生\n,\n\rb1,乙,110101,考生"
    ))
    .unwrap();
    assert_eq!(lf.row_numbers, vec![4, 7]);
    let (good, errors) = check(&t, &[]);
    assert_eq!(good.len(), 1);
    assert_eq!(
        errors,
        vec![
            err(6, "登录名", Msg::RowInvalidLogin),
            err(7, "单位代码", Msg::RowUnknownUnit),
        ]
    );
}

#[test]
fn every_kind_of_row_error_is_reported_with_its_row_and_column() {
    let long_name = "名".repeat(NAME_MAX_CHARS + 1);
    let long_login = "a".repeat(LOGIN_MAX_CHARS + 1);
    let long_rank = "级".repeat(NAME_MAX_CHARS + 1);
    let text = format!(
        "{HEADER}\
         ok1,张三,110101,考生,\n\
         ,李四,110101,考生,\n\
         a b,王五,110101,考生,\n\
         ok2,{long_name},110101,考生,\n\
         ok3,赵六,123456,考生,\n\
         ok4,钱七,990000,考生,\n\
         ok5,孙八,110101,校长,\n\
         taken,周九,110101,考生,\n\
         OK1,吴十,110101,考生,\n\
         ok6,,,,{long_rank}\n\
         {long_login},郑一,110101,考生,\n"
    );
    let (good, errors) = check(&csv(&text).unwrap(), &["Taken "]);
    assert_eq!(good.iter().map(|g| g.row).collect::<Vec<_>>(), vec![2]);
    assert_eq!(
        errors,
        vec![
            err(3, "登录名", Msg::RowMissingField),
            err(4, "登录名", Msg::RowInvalidLogin),
            err(5, "姓名", Msg::RowTooLong),
            err(6, "单位代码", Msg::RowUnknownUnit),
            err(7, "单位代码", Msg::RowUnitOutOfScope),
            err(8, "角色", Msg::RowInvalidRole),
            err(9, "登录名", Msg::RowDuplicateLogin),
            err(10, "登录名", Msg::RowDuplicateInFile),
            err(11, "姓名", Msg::RowMissingField),
            err(11, "单位代码", Msg::RowMissingField),
            err(11, "角色", Msg::RowMissingField),
            err(11, "职级类别", Msg::RowTooLong),
            err(12, "登录名", Msg::RowTooLong),
        ]
    );
}

#[test]
fn a_login_repeated_in_the_file_is_flagged_on_every_later_occurrence() {
    let t = csv(&format!(
        "{HEADER}dup,甲,110101,考生\nDup,乙,110101,考生\nold,丙,110101,考生\n dup ,丁,110101,考生\nOLD,戊,110101,考生\n"
    ))
    .unwrap();
    let (good, errors) = check(&t, &["OLD"]);
    assert_eq!(good.iter().map(|g| g.row).collect::<Vec<_>>(), vec![2]);
    assert_eq!(
        errors,
        vec![
            err(3, "登录名", Msg::RowDuplicateInFile),
            err(4, "登录名", Msg::RowDuplicateLogin),
            err(5, "登录名", Msg::RowDuplicateInFile),
            err(6, "登录名", Msg::RowDuplicateLogin),
            err(6, "登录名", Msg::RowDuplicateInFile),
        ]
    );
}

#[test]
fn unit_codes_match_exactly_then_case_insensitively_and_respect_scope() {
    let t = csv(&format!(
        "{HEADER}a1,甲,bj01,考生\na2,乙,110102,考生\na3,丙,990000,考生\n"
    ))
    .unwrap();
    let (good, errors) = check(&t, &[]);
    assert_eq!(good[0].unit_code, "BJ01");
    assert_eq!(good[1].unit_code, "110102");
    assert_eq!(errors, vec![err(4, "单位代码", Msg::RowUnitOutOfScope)]);
    // From the root every unit is in scope.
    let (good, errors) = validate(&t, &units(), &[], "/1/").unwrap();
    assert_eq!((good.len(), errors.len()), (3, 0));
}

#[test]
fn over_long_cells_are_kept_long_enough_to_be_flagged() {
    let huge = "x".repeat(5_000);
    let t = csv(&format!("{HEADER}ok,{huge},110101,考生\n")).unwrap();
    assert_eq!(t.rows[0][1].chars().count(), MAX_CELL_CHARS);
    assert_eq!(check(&t, &[]).1, vec![err(2, "姓名", Msg::RowTooLong)]);
}

#[test]
fn ten_thousand_rows_against_ten_thousand_logins_validate_quickly() {
    let existing: Vec<String> = (0..10_000).map(|i| format!("Old{i}")).collect();
    let rows: Vec<Vec<String>> = (0..10_000)
        .map(|i| {
            let login = if i % 100 == 0 {
                format!("old{i}")
            } else {
                format!("new{i}")
            };
            vec![login, "某人".into(), "110101".into(), "考生".into()]
        })
        .collect();
    let table = Table::new(
        TEMPLATE_HEADERS[..4]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        rows,
    );
    let started = std::time::Instant::now();
    let (good, errors) = validate(&table, &units(), &existing, SCOPE).unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!((good.len(), errors.len()), (9_900, 100));
    assert!(errors.iter().all(|e| e.reason == Msg::RowDuplicateLogin));
}

#[test]
fn files_over_the_size_or_row_limit_are_too_large() {
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    assert_eq!(read_table("users.csv", &big), Err(Msg::ErrFileTooLarge));
    assert_eq!(read_table("users.xlsx", &big), Err(Msg::ErrFileTooLarge));

    let rows = |n: usize| {
        let mut s = String::from(HEADER);
        for i in 0..n {
            s.push_str(&format!("u{i},某人,110101,考生\n"));
        }
        s
    };
    assert_eq!(csv(&rows(MAX_DATA_ROWS)).unwrap().rows.len(), MAX_DATA_ROWS);
    assert_eq!(csv(&rows(MAX_DATA_ROWS + 1)), Err(Msg::ErrFileTooLarge));
}

#[test]
fn xlsx_round_trip_reads_numeric_unit_codes_as_digits() {
    let bytes = xlsx(|s| {
        for (c, h) in (0u16..).zip(TEMPLATE_HEADERS) {
            s.write_string(0, c, h).unwrap();
        }
        s.write_string(1, 0, "ZhangSan").unwrap();
        s.write_string(1, 1, "张三").unwrap();
        s.write_number(1, 2, 110101.0).unwrap();
        s.write_string(1, 3, "考生,组织者").unwrap();
        s.write_number(1, 4, 1.5).unwrap();
        // Row 3 left blank on purpose; row 4 follows it.
        s.write_string(3, 0, "lisi").unwrap();
        s.write_string(3, 1, "李四").unwrap();
        s.write_number(3, 2, 110102.0).unwrap();
        s.write_string(3, 3, "管理员").unwrap();
        s.write_boolean(3, 4, true).unwrap();
    });
    let t = read_table("users.xlsx", &bytes).unwrap();
    assert_eq!(
        t.rows[0],
        vec!["ZhangSan", "张三", "110101", "考生,组织者", "1.5"]
    );
    assert_eq!(t.rows[1][4], "TRUE");
    assert_eq!(t.row_numbers, vec![2, 4]);
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(good[0].unit_code, "110101");
    assert_eq!(good[1].row, 4);
}

#[test]
fn xlsx_is_recognised_by_content_whatever_its_name() {
    let bytes = template_xlsx();
    for name in ["a.xlsx", "a.csv", "a", "a.xls"] {
        assert_eq!(read_table(name, &bytes), Err(Msg::ErrFileEmpty), "{name}");
    }
}

#[test]
fn cells_far_to_the_right_or_below_do_not_blow_up_the_table() {
    let bytes = xlsx(|s| {
        for (c, h) in (0u16..).zip(TEMPLATE_HEADERS) {
            s.write_string(0, c, h).unwrap();
        }
        for (c, v) in (0u16..).zip(["zs", "张三", "110101", "考生"]) {
            s.write_string(1, c, v).unwrap();
        }
        s.write_string(1, 16_383, "far right").unwrap();
        s.write_string(1_048_575, 0, "bottom").unwrap();
    });
    let t = read_table("users.xlsx", &bytes).unwrap();
    assert_eq!(t.rows[0].len(), 4);
    assert_eq!(t.row_numbers, vec![2, 1_048_576]);
    let (good, errors) = check(&t, &[]);
    assert_eq!(good.len(), 1);
    assert_eq!(errors[0].row, 1_048_576);
}

#[test]
fn truncated_xlsx_is_unreadable() {
    let bytes = template_xlsx();
    for cut in [bytes.len() / 2, bytes.len() - 10, 30] {
        assert_eq!(
            read_table("users.xlsx", &bytes[..cut]),
            Err(Msg::ErrFileUnreadable)
        );
    }
}

#[test]
fn a_corrupted_entry_is_unreadable() {
    let mut bytes = template_xlsx();
    // Flip bytes inside the first entry's data: the checksum no longer matches.
    for b in &mut bytes[60..80] {
        *b ^= 0x55;
    }
    assert_eq!(
        read_table("users.xlsx", &bytes),
        Err(Msg::ErrFileUnreadable)
    );
}

#[test]
fn a_workbook_that_crashes_the_parser_is_unreadable() {
    let base = xlsx(|s| {
        s.write_string(0, 0, "登录名").unwrap();
    });
    let sheet = |cells: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{cells}</row></sheetData></worksheet>"#
        )
    };
    let hostile = [
        // A shared string index past the end of the table.
        sheet(r#"<c r="A1" t="s"><v>999999</v></c>"#),
        // A row number too large for the arithmetic that decodes it.
        sheet(r#"<c r="A99999999999999999999" t="inlineStr"><is><t>x</t></is></c>"#),
    ];
    let bytes = rezip(&base, &[("xl/worksheets/sheet1.xml", &hostile[0])]);
    assert_eq!(
        read_table("users.xlsx", &bytes),
        Err(Msg::ErrFileUnreadable)
    );
    // Debug builds panic on the overflow; release builds wrap and read nonsense.
    // Either way the answer is an error, not a crash.
    let bytes = rezip(&base, &[("xl/worksheets/sheet1.xml", &hostile[1])]);
    assert!(read_table("users.xlsx", &bytes).is_err());
}

#[test]
fn old_xls_random_bytes_and_other_zips_are_not_a_recognised_format() {
    let mut xls = CFB_MAGIC.to_vec();
    xls.resize(4096, 0);
    assert_eq!(read_table("users.xls", &xls), Err(Msg::ErrFileFormat));
    // An encrypted .xlsx uses the same container; it is a workbook we cannot open.
    assert_eq!(read_table("users.xlsx", &xls), Err(Msg::ErrFileUnreadable));

    let mut state: u32 = 0x1234_5678;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .chain([0])
        .collect();
    for name in [
        "random.bin",
        "random.xlsx",
        "random.csv",
        "random",
        "random.pdf",
    ] {
        assert_eq!(read_table(name, &random), Err(Msg::ErrFileFormat), "{name}");
    }
    assert_eq!(
        read_table("users.xlsx", b"\x00\x01 hello"),
        Err(Msg::ErrFileFormat)
    );

    let mut docx = zip::ZipWriter::new(Cursor::new(Vec::new()));
    docx.start_file("word/document.xml", SimpleFileOptions::default())
        .unwrap();
    docx.write_all(b"<w:document/>").unwrap();
    let docx = docx.finish().unwrap().into_inner();
    assert_eq!(read_table("users.xlsx", &docx), Err(Msg::ErrFileFormat));
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    let mut bomb = zip::ZipWriter::new(Cursor::new(Vec::new()));
    bomb.start_file("xl/workbook.xml", SimpleFileOptions::default())
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..200 {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap().into_inner();
    assert!(bomb.len() < MAX_FILE_BYTES);
    assert_eq!(read_table("bomb.xlsx", &bomb), Err(Msg::ErrFileTooLarge));
}

#[test]
fn a_zip_entry_that_understates_its_size_is_caught_while_inflating() {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("xl/workbook.xml", SimpleFileOptions::default())
        .unwrap();
    z.write_all(&vec![0u8; 64 * 1024]).unwrap();
    let mut bytes = z.finish().unwrap().into_inner();
    // Claim 100 bytes in both the local and the central header.
    for (sig, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let at = bytes.windows(4).position(|w| w == sig).unwrap() + offset;
        bytes[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
    }
    let small = ZipLimits {
        max_entries: 10,
        max_unzipped: 10 * 1024,
    };
    assert_eq!(check_zip(&bytes, &small), Err(Msg::ErrFileTooLarge));
}

#[test]
fn a_zip_with_too_many_entries_is_refused() {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..=MAX_ZIP_ENTRIES {
        z.start_file(format!("f{i}"), SimpleFileOptions::default())
            .unwrap();
    }
    let bytes = z.finish().unwrap().into_inner();
    assert_eq!(read_table("many.xlsx", &bytes), Err(Msg::ErrFileTooLarge));
}

#[test]
fn the_xlsx_template_has_the_headers_and_a_valid_example_sheet() {
    let bytes = template_xlsx();
    // The sheet to fill in is empty, which is the only complaint.
    assert_eq!(read_table("template.xlsx", &bytes), Err(Msg::ErrFileEmpty));

    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(&bytes[..])).unwrap();
    assert_eq!(wb.sheet_names(), vec!["用户", "示例"]);
    let users = wb.worksheet_range("用户").unwrap();
    let headers: Vec<String> = users
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(headers, TEMPLATE_HEADERS);

    // The example sheet, moved first, reads and validates cleanly: its note row sits
    // above the header.
    let mut rows = Rows::default();
    let mut cells = wb.worksheet_cells_reader("示例").unwrap();
    while let Some(cell) = cells.next_cell().unwrap() {
        let (r, c) = cell.get_position();
        if let Some(text) = cell_text(cell.get_value()) {
            rows.put(r + 1, c as usize, &text).unwrap();
        }
    }
    let t = into_table(rows).unwrap();
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(good.len(), 3);
    assert!(good[1].roles.candidate && good[1].roles.organizer);
}

#[test]
fn the_csv_template_reads_back_with_its_example_valid() {
    let bytes = template_csv();
    assert!(bytes.starts_with(UTF8_BOM));
    let t = read_table("template.csv", &bytes).unwrap();
    assert_eq!(t.headers, TEMPLATE_HEADERS);
    let (good, errors) = check(&t, &[]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(good[0].login, "zhangsan");
    assert!(good[0].roles.candidate && good[0].roles.organizer);
}

#[test]
fn the_role_dropdown_choices_all_parse() {
    for choice in ["考生", "组织者", "管理员", "考生，组织者"] {
        assert!(parse_roles(choice).is_ok(), "{choice}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn read_table_never_panics_on_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
        zip_prefix in any::<bool>(),
        name in prop::sample::select(vec!["a.csv", "a.xlsx", "a.txt", "a", "a.xls"]),
    ) {
        let bytes = if zip_prefix { [XLSX_MAGIC, &bytes[..]].concat() } else { bytes };
        let _ = read_table(name, &bytes);
    }

    #[test]
    fn read_table_never_panics_on_a_damaged_template(
        at in 0usize..10_000,
        len in 1usize..64,
        fill in any::<u8>(),
    ) {
        let mut bytes = template_xlsx();
        let start = at % bytes.len();
        let end = (start + len).min(bytes.len());
        bytes[start..end].fill(fill);
        let _ = read_table("template.xlsx", &bytes);
    }
}
