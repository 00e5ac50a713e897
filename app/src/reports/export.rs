//! Report tables as downloadable files: a workbook with one sheet per table, or a CSV of one
//! table. Pure: no database, no request, and no input can make writing fail.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::time::{format_local_datetime, Timestamp};

/// One sheet of a report: a header row over rows of typed cells. Rows may be ragged (a
/// CSV is padded to its widest row); no headers means no header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// Shown with two decimals; the workbook keeps the full value.
    Number(f64),
    /// A fraction (0.62), shown as a whole percent ("62%").
    Percent(f64),
    /// Shown in China Standard Time as "2026-11-29 09:00"; a real date in the workbook.
    DateTime(Timestamp),
}

// Excel's limits. Strings and sheet names are budgeted in UTF-16 units, which is how
// Excel counts; that also keeps them within rust_xlsxwriter's count of chars.
const EXCEL_MAX_CHARS: usize = 32_767;
const EXCEL_MAX_ROWS: usize = 1_048_576;
const EXCEL_MAX_COLS: usize = 16_384;
const SHEET_NAME_MAX: usize = 31;

/// Column widths in Excel's units (about one digit each): at least about Excel's default,
/// and no wider than a screen can spare.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// The offset `crate::time` shows every instant in: Asia/Shanghai, UTC+8 all year.
const CST_OFFSET_MS: i64 = 8 * 3600 * 1000;
const DAY_MS: i64 = 86_400_000;
/// Excel's serial day of 1970-01-01 (days since 1899-12-30).
const EXCEL_UNIX_EPOCH: i64 = 25_569;
/// Serials from 1900-03-01 (before it Excel counts a 29 February 1900 that never was)
/// to the last day of 9999.
const EXCEL_FIRST_SERIAL: i64 = 61;
const EXCEL_END_SERIAL: i64 = 2_958_466;

const NUMBER_FORMAT: &str = "0.00";
const PERCENT_FORMAT: &str = "0%";
const DATETIME_FORMAT: &str = "yyyy-mm-dd hh:mm";

// ---- xlsx ----

/// The tables as one workbook, a sheet each, in order.
pub fn to_xlsx(tables: &[Table]) -> Vec<u8> {
    // Text, rows, columns and sheet names are all cut to Excel's limits and numbers Excel
    // cannot hold are left out, so only a bug can make this fail.
    build_xlsx(tables).expect("every value is kept within Excel's limits")
}

fn build_xlsx(tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats {
        header: Format::new().set_bold(),
        // Excel's General format shows 12 digits and more as 1.23457E+11.
        int: Format::new().set_num_format("0"),
        number: Format::new().set_num_format(NUMBER_FORMAT),
        percent: Format::new().set_num_format(PERCENT_FORMAT),
        datetime: Format::new().set_num_format(DATETIME_FORMAT),
    };
    let mut workbook = Workbook::new();
    for (table, name) in tables.iter().zip(sheet_names(tables)) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        write_sheet(sheet, table, &formats)?;
    }
    workbook.save_to_buffer()
}

struct Formats {
    header: Format,
    int: Format,
    number: Format,
    percent: Format,
    datetime: Format,
}

fn write_sheet(sheet: &mut Worksheet, table: &Table, f: &Formats) -> Result<(), XlsxError> {
    let mut widths = vec![0usize; width_of(table).min(EXCEL_MAX_COLS)];
    let has_header = !table.headers.is_empty();
    for (col, header) in (0u16..).zip(table.headers.iter().take(EXCEL_MAX_COLS)) {
        let header = clip(header);
        note_width(&mut widths, col, header);
        sheet.write_string_with_format(0, col, header, &f.header)?;
    }
    if has_header {
        sheet.set_freeze_panes(1, 0)?;
    }
    let first = u32::from(has_header);
    let room = EXCEL_MAX_ROWS - first as usize;
    for (row, cells) in (first..).zip(table.rows.iter().take(room)) {
        for (col, cell) in (0u16..).zip(cells.iter().take(EXCEL_MAX_COLS)) {
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    // A string is never evaluated, so text needs no guard against
                    // formulas here, unlike in CSV.
                    let s = clip(s);
                    note_width(&mut widths, col, s);
                    if !s.is_empty() {
                        sheet.write_string(row, col, s)?;
                    }
                }
                Cell::Int(n) => {
                    note_width(&mut widths, col, &n.to_string());
                    // Excel holds 15 significant digits; larger values lose precision
                    // there whatever we do.
                    sheet.write_number_with_format(row, col, *n as f64, &f.int)?;
                }
                Cell::Number(x) if x.is_finite() => {
                    note_width(&mut widths, col, &two_decimals(*x));
                    sheet.write_number_with_format(row, col, *x, &f.number)?;
                }
                Cell::Percent(x) if x.is_finite() => {
                    note_width(&mut widths, col, &percent_text(*x));
                    sheet.write_number_with_format(row, col, *x, &f.percent)?;
                }
                // Excel has no NaN or infinity; an empty cell says "no value" best.
                Cell::Number(_) | Cell::Percent(_) => {}
                Cell::DateTime(ts) => match excel_serial(*ts) {
                    Some(serial) => {
                        note_width(&mut widths, col, DATETIME_FORMAT);
                        sheet.write_number_with_format(row, col, serial, &f.datetime)?;
                    }
                    // Outside Excel's calendar: the text is still worth showing.
                    None => {
                        let text = local_text(*ts);
                        note_width(&mut widths, col, &text);
                        if !text.is_empty() {
                            sheet.write_string(row, col, clip(&text))?;
                        }
                    }
                },
            }
        }
    }
    for (col, width) in (0u16..).zip(widths) {
        // Two characters of padding, as Excel's own autofit leaves.
        let width = (width + 2).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet.set_column_width(col, width as f64)?;
    }
    Ok(())
}

fn note_width(widths: &mut [usize], col: u16, text: &str) {
    if let Some(w) = widths.get_mut(usize::from(col)) {
        *w = (*w).max(display_width(text));
    }
}

/// The width of the widest line, counting East Asian wide characters double, as they
/// take two digits' room in Excel's default fonts.
fn display_width(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum())
        .max()
        .unwrap_or(0)
}

/// East Asian Wide and Fullwidth characters, by their main blocks: enough for widths.
fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x1F900..=0x1F9FF
            | 0x20000..=0x3FFFD
    )
}

/// The longest prefix of `s` that fits in `max` UTF-16 units, cut between characters.
fn take_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

fn clip(s: &str) -> &str {
    take_utf16(s, EXCEL_MAX_CHARS)
}

/// The instant as Excel's serial date in China Standard Time, or None outside the dates
/// Excel can show.
fn excel_serial(ts: Timestamp) -> Option<f64> {
    let local = ts.0.checked_add(CST_OFFSET_MS)?;
    let day = local.div_euclid(DAY_MS) + EXCEL_UNIX_EPOCH;
    if !(EXCEL_FIRST_SERIAL..EXCEL_END_SERIAL).contains(&day) {
        return None;
    }
    Some(day as f64 + local.rem_euclid(DAY_MS) as f64 / DAY_MS as f64)
}

/// Sheet names Excel accepts for every table, in order: forbidden characters replaced,
/// cut to 31 characters, never blank, and unique ignoring case (" (2)", " (3)", …).
fn sheet_names(tables: &[Table]) -> Vec<String> {
    // "History" is reserved by Excel for change tracking.
    let mut taken: Vec<String> = vec!["history".into()];
    let mut names = Vec::with_capacity(tables.len());
    for (i, table) in tables.iter().enumerate() {
        let mut base = clean_sheet_name(&table.sheet, SHEET_NAME_MAX);
        if base.is_empty() {
            base = format!("Sheet{}", i + 1);
        }
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let stem = clean_sheet_name(&base, SHEET_NAME_MAX - suffix.encode_utf16().count());
            name = format!("{stem}{suffix}");
            n += 1;
        }
        taken.push(name.to_lowercase());
        names.push(name);
    }
    names
}

fn clean_sheet_name(raw: &str, max: usize) -> String {
    let replaced: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c => c,
        })
        .collect();
    // Excel refuses a name that starts or ends with an apostrophe; cutting can expose one.
    let trim = |s: &str| {
        s.trim_matches(|c: char| c == '\'' || c.is_whitespace())
            .to_owned()
    };
    trim(take_utf16(&trim(&replaced), max))
}

// ---- csv ----

/// One table as CSV the way Excel in a Chinese locale reads it: UTF-8 with a byte order
/// mark, CRLF line ends, header first. Text that a spreadsheet would take for a formula
/// starts with an apostrophe.
pub fn to_csv(table: &Table) -> Vec<u8> {
    let width = width_of(table);
    let out = vec![0xEF, 0xBB, 0xBF];
    if width == 0 {
        return out;
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let pad = |mut fields: Vec<String>| {
        fields.resize(width, String::new());
        fields
    };
    let mut records = Vec::with_capacity(table.rows.len() + 1);
    if !table.headers.is_empty() {
        records.push(pad(table.headers.iter().map(|h| defuse(h)).collect()));
    }
    records.extend(
        table
            .rows
            .iter()
            .map(|row| pad(row.iter().map(csv_field).collect())),
    );
    for record in records {
        writer
            .write_record(&record)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => defuse(s),
        Cell::Int(n) => n.to_string(),
        Cell::Number(x) if x.is_finite() => two_decimals(*x),
        Cell::Percent(x) if x.is_finite() => percent_text(*x),
        Cell::Number(_) | Cell::Percent(_) => String::new(),
        Cell::DateTime(ts) => local_text(*ts),
    }
}

/// Text that would start a formula (or, after a tab or carriage return a spreadsheet
/// trims, could) gets a leading apostrophe, so opening an export never runs anything a
/// candidate typed.
fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

// ---- shared ----

/// Columns in the widest row, the header included.
fn width_of(table: &Table) -> usize {
    table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.headers.len()])
        .max()
        .unwrap_or(0)
}

/// "2026-11-29 09:00" in China Standard Time, as the app shows times everywhere.
fn local_text(ts: Timestamp) -> String {
    format_local_datetime(ts).replacen('T', " ", 1)
}

/// Two decimals, rounding halves away from zero as Excel's "0.00" does.
fn two_decimals(x: f64) -> String {
    format!("{:.2}", round_to(x, 100.0))
}

/// A whole percent, rounding as Excel's "0%" does.
fn percent_text(fraction: f64) -> String {
    format!("{:.0}%", round_to(fraction * 100.0, 1.0))
}

fn round_to(x: f64, scale: f64) -> f64 {
    let scaled = x * scale;
    if !scaled.is_finite() {
        return x;
    }
    let rounded = scaled.round() / scale;
    // No "-0.00" for a small negative value.
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use chrono::NaiveDate;

    use super::*;
    use crate::time::parse_local_datetime;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn table(sheet: &str, headers: &[&str], rows: Vec<Vec<Cell>>) -> Table {
        Table {
            sheet: sheet.into(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows,
        }
    }

    fn csv_text(t: &Table) -> String {
        let bytes = to_csv(t);
        assert_eq!(bytes[..3], [0xEF, 0xBB, 0xBF]);
        String::from_utf8(bytes[3..].to_vec()).expect("utf-8")
    }

    fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("workbook")
    }

    /// Excel's serial for a Shanghai wall-clock time, computed independently.
    fn serial_of(local: &str) -> f64 {
        let at = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").expect("time");
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
            .expect("date")
            .and_hms_opt(0, 0, 0)
            .expect("time");
        (at - epoch).num_seconds() as f64 / 86_400.0
    }

    fn nine_am() -> Timestamp {
        parse_local_datetime("2026-11-29T09:00").expect("valid")
    }

    fn scores() -> Table {
        table(
            "成绩汇总",
            &["单位", "姓名", "人数", "平均分", "通过率", "开始时间"],
            vec![
                vec![
                    text("上城区"),
                    text("张伟"),
                    Cell::Int(12),
                    Cell::Number(86.456),
                    Cell::Percent(0.625),
                    Cell::DateTime(nine_am()),
                ],
                vec![
                    text("西湖区"),
                    Cell::Empty,
                    Cell::Int(-3),
                    Cell::Number(-0.5),
                    Cell::Percent(0.0),
                ],
            ],
        )
    }

    #[test]
    fn csv_starts_with_a_bom_and_quotes_commas_and_newlines() {
        let t = table(
            "名单",
            &["姓名", "备注"],
            vec![
                vec![text("王芳"), text("迟到, 补考")],
                vec![text("李\"强\""), text("第一行\n第二行")],
            ],
        );
        assert_eq!(
            csv_text(&t),
            "姓名,备注\r\n王芳,\"迟到, 补考\"\r\n\"李\"\"强\"\"\",\"第一行\n第二行\"\r\n"
        );
    }

    #[test]
    fn csv_shows_numbers_percents_and_local_times_like_the_workbook() {
        assert_eq!(
            csv_text(&scores()),
            "单位,姓名,人数,平均分,通过率,开始时间\r\n\
             上城区,张伟,12,86.46,63%,2026-11-29 09:00\r\n\
             西湖区,,-3,-0.50,0%,\r\n"
        );
    }

    #[test]
    fn formula_like_text_is_defused_in_csv() {
        let t = table(
            "=危险",
            &["=SUM(A1)", "备注"],
            vec![
                vec![text("=HYPERLINK(\"http://x\")"), text("+86 138")],
                vec![text("-2+3"), text("@SUM(1)")],
                vec![text("\t=1"), text("\r=1")],
                vec![text("正常 = 文本"), Cell::Int(-7)],
                vec![Cell::Number(-1.5), Cell::Percent(-0.1)],
            ],
        );
        let got = csv_text(&t);
        let lines: Vec<&str> = got.split("\r\n").collect();
        assert_eq!(lines[0], "'=SUM(A1),备注");
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\")\",'+86 138");
        assert_eq!(lines[2], "'-2+3,'@SUM(1)");
        assert_eq!(lines[3], "'\t=1,\"'\r=1\"");
        assert_eq!(lines[4], "正常 = 文本,-7");
        assert_eq!(lines[5], "-1.50,-10%");
    }

    #[test]
    fn ragged_rows_are_padded_to_the_widest_row_in_csv() {
        let t = table(
            "表",
            &["甲"],
            vec![vec![Cell::Int(1), Cell::Int(2)], vec![]],
        );
        assert_eq!(csv_text(&t), "甲,\r\n1,2\r\n,\r\n");
        assert_eq!(csv_text(&table("空", &[], vec![])), "");
    }

    #[test]
    fn an_xlsx_reads_back_with_one_sheet_per_table_and_chinese_headers() {
        let names = table(
            "单位排名",
            &["排名", "单位"],
            vec![vec![Cell::Int(1), text("上城区")]],
        );
        let mut wb = workbook(to_xlsx(&[scores(), names]));
        assert_eq!(wb.sheet_names(), vec!["成绩汇总", "单位排名"]);

        let range = wb.worksheet_range("成绩汇总").expect("sheet");
        let header: Vec<String> = range
            .rows()
            .next()
            .expect("header")
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            header,
            ["单位", "姓名", "人数", "平均分", "通过率", "开始时间"]
        );
        assert_eq!(range.get((1, 0)), Some(&Data::String("上城区".into())));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(12.0)));
        assert_eq!(range.get((1, 3)), Some(&Data::Float(86.456)));
        assert_eq!(range.get((1, 4)), Some(&Data::Float(0.625)));
        assert_eq!(range.get((2, 1)), Some(&Data::Empty));
        assert_eq!(range.get((2, 2)), Some(&Data::Float(-3.0)));
        match range.get((1, 5)) {
            Some(Data::DateTime(dt)) => {
                assert!((dt.as_f64() - serial_of("2026-11-29 09:00")).abs() < 1e-9);
            }
            other => panic!("expected a datetime, got {other:?}"),
        }

        let range = wb.worksheet_range("单位排名").expect("sheet");
        assert_eq!(range.get((0, 1)), Some(&Data::String("单位".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::String("上城区".into())));
    }

    #[test]
    fn the_xlsx_has_a_bold_frozen_header_and_formats_for_numbers_percents_and_dates() {
        // calamine reads no styles, so look at the parts of the file themselves.
        let bytes = to_xlsx(&[scores()]);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut part = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(name).expect(name), &mut s)
                .expect("utf-8");
            s
        };
        let sheet = part("xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"ySplit="1""#), "{sheet}");
        assert!(sheet.contains(r#"state="frozen""#));
        assert!(sheet.contains("<cols>"));
        let styles = part("xl/styles.xml");
        assert!(styles.contains("<b/>"));
        assert!(
            styles.contains(r#"formatCode="yyyy-mm-dd hh:mm""#),
            "{styles}"
        );
        assert!(styles.contains(r#"formatCode="0.00""#));
        assert!(styles.contains(r#"formatCode="0%""#));
    }

    #[test]
    fn datetimes_are_stored_in_china_standard_time_and_shown_as_text_outside_excels_calendar() {
        // 16:30 UTC is half past midnight the next day in Shanghai.
        let late = parse_local_datetime("2026-11-30T00:30").expect("valid");
        let serial = excel_serial(late).expect("in range");
        assert!((serial - serial_of("2026-11-30 00:30")).abs() < 1e-9);
        assert_eq!(excel_serial(Timestamp(0)), Some(25_569.0 + 8.0 / 24.0));
        let old = parse_local_datetime("1899-06-01T08:00").expect("valid");
        assert_eq!(excel_serial(old), None);
        assert_eq!(excel_serial(Timestamp(i64::MAX)), None);

        let t = table(
            "时间",
            &["时间"],
            vec![
                vec![Cell::DateTime(old)],
                vec![Cell::DateTime(Timestamp(i64::MIN))],
            ],
        );
        let mut wb = workbook(to_xlsx(&[t]));
        let range = wb.worksheet_range("时间").expect("sheet");
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("1899-06-01 08:00".into()))
        );
        assert_eq!(range.get((2, 0)), None);
    }

    #[test]
    fn sheet_names_are_cleaned_and_made_unique() {
        let long = "二〇二六年度干部党内法规知识测试各单位成绩汇总表（含补考）及约谈情况";
        let tables: Vec<Table> = [
            "成绩",
            "成绩",
            "成绩",
            "上城区/西湖区 [第1场]: 结果?",
            "",
            "'约谈'",
            long,
            long,
            "History",
            "SCORES",
            "scores",
            "a\u{0}b",
        ]
        .iter()
        .map(|n| table(n, &["列"], vec![]))
        .collect();
        let names = sheet_names(&tables);
        assert_eq!(
            names[..6],
            [
                "成绩",
                "成绩 (2)",
                "成绩 (3)",
                "上城区_西湖区 _第1场__ 结果_",
                "Sheet5",
                "约谈"
            ]
        );
        assert_eq!(names[6].chars().count(), 31);
        assert!(long.starts_with(names[6].as_str()));
        assert_eq!(names[7].chars().count(), 31);
        assert!(names[7].ends_with(" (2)"));
        assert_eq!(names[8..], ["History (2)", "SCORES", "scores (2)", "ab"]);

        // And the workbook takes them all.
        let mut wb = workbook(to_xlsx(&tables));
        assert_eq!(wb.sheet_names(), names);
        assert!(wb.worksheet_range("成绩 (3)").is_ok());
    }

    #[test]
    fn no_input_can_make_the_workbook_fail() {
        let huge = "题".repeat(EXCEL_MAX_CHARS + 10);
        let emoji = "😀".repeat(40);
        let t = table(
            &emoji,
            &[&huge],
            vec![
                vec![
                    text(&huge),
                    Cell::Number(f64::NAN),
                    Cell::Percent(f64::INFINITY),
                    Cell::Number(f64::NEG_INFINITY),
                    Cell::Int(i64::MIN),
                    Cell::DateTime(Timestamp(i64::MIN)),
                ],
                (0..EXCEL_MAX_COLS + 5).map(|_| Cell::Int(1)).collect(),
            ],
        );
        let mut wb = workbook(to_xlsx(&[t.clone(), t]));
        let names = wb.sheet_names();
        assert_eq!(names.len(), 2);
        assert!(names
            .iter()
            .all(|n| n.encode_utf16().count() <= SHEET_NAME_MAX));
        let range = wb.worksheet_range(&names[0]).expect("sheet");
        match range.get((1, 0)) {
            Some(Data::String(s)) => assert_eq!(s.chars().count(), EXCEL_MAX_CHARS),
            other => panic!("expected clipped text, got {other:?}"),
        }
        assert_eq!(range.get((1, 1)), Some(&Data::Empty));
        assert_eq!(range.width(), EXCEL_MAX_COLS);

        // No tables still makes a workbook Excel opens.
        assert_eq!(workbook(to_xlsx(&[])).sheet_names().len(), 1);
    }

    #[test]
    fn column_widths_count_chinese_characters_double() {
        assert_eq!(display_width("上城区"), 6);
        assert_eq!(display_width("A1 上"), 5);
        assert_eq!(display_width("短\n更长的一行"), 10);
        assert_eq!(display_width(""), 0);
    }

    #[test]
    fn rounding_matches_excels_display() {
        assert_eq!(two_decimals(0.125), "0.13");
        assert_eq!(two_decimals(-0.001), "0.00");
        assert_eq!(two_decimals(1e300), format!("{:.2}", 1e300));
        assert_eq!(percent_text(0.62), "62%");
        assert_eq!(percent_text(1.0), "100%");
        assert_eq!(percent_text(0.125), "13%");
    }
}
