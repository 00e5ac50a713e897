//! Reading user import files (.xlsx, .csv in UTF-8, UTF-8 with BOM, GBK/GB18030) and validating their rows; pure, no IO.
//!
//! Files come from users' own spreadsheets and must be treated as hostile: every limit
//! below exists so that a small upload cannot cost the server large amounts of memory or
//! time, and every failure becomes a [`Msg`] rather than a panic.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Cursor, Read};

use calamine::{open_workbook_from_rs, DataRef, Reader, SheetType, SheetVisible, Xlsx};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, Workbook, XlsxError,
};

use crate::accounts::domain::{
    normalize_login, optional_text, parse_roles, required_text, within_scope, CODE_MAX_CHARS,
    LOGIN_MAX_CHARS, NAME_MAX_CHARS,
};
use crate::accounts::model::{ImportRow, RowError};
use crate::accounts::repo::UnitRow;
use crate::i18n::Msg;

/// Largest accepted upload.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most data rows (header excluded, blank rows not counted) one import may hold.
pub const MAX_DATA_ROWS: usize = 20_000;

/// An xlsx is a zip: 10 MiB of deflate can claim gigabytes once inflated.
const MAX_UNZIPPED_BYTES: u64 = 100 * 1024 * 1024;
const MAX_ZIP_ENTRIES: usize = 1_000;
/// Cells further right are ignored: one stray cell in column XFD must not make every
/// row sixteen thousand cells wide.
const MAX_COLUMNS: usize = 100;
/// Longer cells are cut. Every field limit is far below this, so a cut cell is still
/// reported as too long.
const MAX_CELL_CHARS: usize = 1_000;
/// Shared strings let one long string be referenced from millions of cells; this caps
/// the text a table may hold after expansion.
const MAX_TABLE_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// The header may sit below a few title or note rows.
const HEADER_SEARCH_ROWS: usize = 10;

const XLSX_MAGIC: &[u8] = b"PK\x03\x04";
/// Compound File Binary: legacy .xls, and also password-protected .xlsx.
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// The template's headers, in template order.
const TEMPLATE_HEADERS: [&str; 5] = ["登录名", "姓名", "单位代码", "角色", "职级类别"];

/// A sheet as read from a file: the header row and the non-blank rows below it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The spreadsheet row number (header is usually 1) of each entry of `rows`, so
    /// errors point at the row the user sees even when blank rows were skipped. When it
    /// does not match `rows` in length, rows are taken to follow a header on row 1.
    pub row_numbers: Vec<u32>,
}

impl Table {
    /// A table whose header is row 1 and whose rows follow it without gaps.
    pub fn new(headers: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        let row_numbers = (0..rows.len()).map(index_row_number).collect();
        Table {
            headers,
            rows,
            row_numbers,
        }
    }

    fn row_number(&self, index: usize) -> u32 {
        if self.row_numbers.len() == self.rows.len() {
            self.row_numbers[index]
        } else {
            index_row_number(index)
        }
    }
}

fn index_row_number(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX).saturating_add(2)
}

/// Reads the first worksheet of an .xlsx or a .csv into a [`Table`].
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, Msg> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Msg::ErrFileTooLarge);
    }
    let rows = match detect(file_name, bytes)? {
        Kind::Xlsx => read_xlsx(bytes)?,
        Kind::Csv => read_csv(bytes)?,
    };
    into_table(rows)
}

// ---- format detection ----

enum Kind {
    Xlsx,
    Csv,
}

/// Content decides before the name does: browsers and users rename files freely, but a
/// zip is a zip.
fn detect(file_name: &str, bytes: &[u8]) -> Result<Kind, Msg> {
    let ext = extension(file_name);
    if bytes.starts_with(XLSX_MAGIC) {
        return Ok(Kind::Xlsx);
    }
    if bytes.starts_with(CFB_MAGIC) {
        // Excel wraps an encrypted .xlsx in the same container as a legacy .xls; the
        // name is the only hint which of the two the user meant to send.
        return Err(if matches!(ext.as_str(), "xlsx" | "xlsm") {
            Msg::ErrFileUnreadable
        } else {
            Msg::ErrFileFormat
        });
    }
    match ext.as_str() {
        "csv" | "txt" if bytes.is_empty() => Err(Msg::ErrFileEmpty),
        // Text never contains NUL except as UTF-16, which announces itself with a BOM.
        "csv" | "txt" if !has_utf16_bom(bytes) && bytes.contains(&0) => Err(Msg::ErrFileFormat),
        "csv" | "txt" => Ok(Kind::Csv),
        _ => Err(Msg::ErrFileFormat),
    }
}

fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    match base.rsplit_once('.') {
        Some((_, ext)) => ext.trim().to_ascii_lowercase(),
        None => String::new(),
    }
}

fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

// ---- collecting rows ----

/// Non-blank rows with their spreadsheet row numbers, bounded in count and total text.
#[derive(Default)]
struct Rows {
    rows: BTreeMap<u32, Vec<String>>,
    text_bytes: usize,
}

impl Rows {
    /// Header candidates plus the data rows they may be followed by.
    const MAX_ROWS: usize = MAX_DATA_ROWS + HEADER_SEARCH_ROWS;

    /// Stores one non-empty cell. Cells may arrive in any order: a workbook's XML does
    /// not have to list them sorted.
    fn put(&mut self, row: u32, col: usize, raw: &str) -> Result<(), Msg> {
        let text = clip(raw);
        if text.is_empty() || col >= MAX_COLUMNS {
            return Ok(());
        }
        self.text_bytes += text.len();
        if self.text_bytes > MAX_TABLE_TEXT_BYTES {
            return Err(Msg::ErrFileTooLarge);
        }
        if !self.rows.contains_key(&row) && self.rows.len() >= Self::MAX_ROWS {
            return Err(Msg::ErrFileTooLarge);
        }
        let cells = self.rows.entry(row).or_default();
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text.to_owned();
        Ok(())
    }
}

/// Trims a cell and cuts it to [`MAX_CELL_CHARS`] without splitting a character.
fn clip(raw: &str) -> &str {
    let s = raw.trim();
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// Finds the header among the first rows and keeps what follows it.
fn into_table(rows: Rows) -> Result<Table, Msg> {
    if rows.rows.is_empty() {
        return Err(Msg::ErrFileEmpty);
    }
    let mut rows = rows.rows.into_iter();
    let mut headers = None;
    for (_, cells) in rows.by_ref().take(HEADER_SEARCH_ROWS) {
        if Columns::find(&cells).is_some() {
            headers = Some(cells);
            break;
        }
    }
    let headers = headers.ok_or(Msg::ErrFileNoHeader)?;
    let (row_numbers, rows): (Vec<u32>, Vec<Vec<String>>) = rows.unzip();
    if rows.is_empty() {
        return Err(Msg::ErrFileEmpty);
    }
    if rows.len() > MAX_DATA_ROWS {
        return Err(Msg::ErrFileTooLarge);
    }
    Ok(Table {
        headers,
        rows,
        row_numbers,
    })
}

// ---- CSV ----

fn read_csv(bytes: &[u8]) -> Result<Rows, Msg> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut out = Rows::default();
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    loop {
        let start = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(Msg::ErrFileUnreadable),
        }
        // The csv crate silently consumes empty lines before a record, but a spreadsheet
        // shows each as a row; count them back in so row numbers match what users see.
        let end = reader.position().byte();
        let (start, end) = (clamp_offset(start, &text), clamp_offset(end, &text));
        let blank_end = text
            .as_bytes()
            .get(start..end)
            .and_then(|span| span.iter().position(|b| !matches!(b, b'\r' | b'\n')))
            .map_or(end, |i| start + i);
        row = row
            .saturating_add(count_line_breaks(text.as_bytes(), start, blank_end))
            .saturating_add(1);
        for (col, cell) in record.iter().take(MAX_COLUMNS).enumerate() {
            out.put(row, col, cell)?;
        }
    }
    Ok(out)
}

/// Excel writes CSV as UTF-8 with a BOM or, on Chinese Windows, as GBK; "Unicode text"
/// is UTF-16 with a BOM. Text that is valid UTF-8 is taken as such: GB18030 would also
/// accept most of it, but as mojibake.
fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, Msg> {
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return std::str::from_utf8(rest)
            .map(Cow::Borrowed)
            .map_err(|_| Msg::ErrFileUnreadable);
    }
    let (encoding, body) = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (encoding_rs::UTF_16LE, rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (encoding_rs::UTF_16BE, rest)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(s));
    } else {
        // GBK is a subset of GB18030, so one decoder serves both.
        (encoding_rs::GB18030, bytes)
    };
    encoding
        .decode_without_bom_handling_and_without_replacement(body)
        .ok_or(Msg::ErrFileUnreadable)
}

/// Comma unless the first line is plainly split by tabs ("Unicode text") or semicolons
/// (Excel in locales whose decimal mark is a comma).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (commas, tabs, semis) = (count(','), count('\t'), count(';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas && semis > tabs {
        b';'
    } else {
        b','
    }
}

fn clamp_offset(byte: u64, text: &str) -> usize {
    usize::try_from(byte).map_or(text.len(), |b| b.min(text.len()))
}

/// Line breaks in `bytes[from..to]` as a spreadsheet counts them: "\n", "\r\n" and a
/// lone "\r" are one each. The csv reader may stop between the "\r" and "\n" of a
/// record's terminator, so a "\n" is judged by the byte before it even outside the range.
fn count_line_breaks(bytes: &[u8], from: usize, to: usize) -> u32 {
    let span = bytes.get(from..to).unwrap_or_default();
    let mut prev = from.checked_sub(1).and_then(|i| bytes.get(i)).copied();
    let mut n: u32 = 0;
    for &b in span {
        if b == b'\r' || (b == b'\n' && prev != Some(b'\r')) {
            n = n.saturating_add(1);
        }
        prev = Some(b);
    }
    n
}

// ---- XLSX ----

struct ZipLimits {
    max_entries: usize,
    max_unzipped: u64,
}

const ZIP_LIMITS: ZipLimits = ZipLimits {
    max_entries: MAX_ZIP_ENTRIES,
    max_unzipped: MAX_UNZIPPED_BYTES,
};

fn read_xlsx(bytes: &[u8]) -> Result<Rows, Msg> {
    check_zip(bytes, &ZIP_LIMITS)?;
    // calamine indexes shared strings and does arithmetic on cell references without
    // checking them, so a crafted workbook can make it panic. That must end this one
    // upload with an error, not the request.
    std::panic::catch_unwind(|| read_workbook(bytes)).unwrap_or(Err(Msg::ErrFileUnreadable))
}

/// Refuses archives that would inflate past the limits, before calamine inflates them.
fn check_zip(bytes: &[u8], limits: &ZipLimits) -> Result<(), Msg> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Msg::ErrFileUnreadable)?;
    if zip.len() > limits.max_entries {
        return Err(Msg::ErrFileTooLarge);
    }
    let mut declared: u64 = 0;
    let mut is_workbook = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| Msg::ErrFileUnreadable)?;
        declared = declared.saturating_add(entry.size());
        is_workbook |= entry.name().eq_ignore_ascii_case("xl/workbook.xml");
    }
    if declared > limits.max_unzipped {
        return Err(Msg::ErrFileTooLarge);
    }
    if !is_workbook {
        // A zip, but a .docx, .ods or plain archive rather than a workbook.
        return Err(Msg::ErrFileFormat);
    }
    // Declared sizes are only the sender's claim and the zip reader does not hold an
    // entry to its claim, so inflate everything once, counting. This also verifies
    // every checksum, so calamine only ever sees intact data.
    let mut remaining = limits.max_unzipped;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|_| Msg::ErrFileUnreadable)?;
        let inflated = io::copy(
            &mut entry.take(remaining.saturating_add(1)),
            &mut io::sink(),
        )
        .map_err(|_| Msg::ErrFileUnreadable)?;
        if inflated > remaining {
            return Err(Msg::ErrFileTooLarge);
        }
        remaining -= inflated;
    }
    Ok(())
}

/// Streams the cells of the first worksheet. calamine's `worksheet_range` is avoided on
/// purpose: it allocates the whole bounding rectangle, so two cells at A1 and XFD1048576
/// would ask for seventeen billion of them.
fn read_workbook(bytes: &[u8]) -> Result<Rows, Msg> {
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| Msg::ErrFileUnreadable)?;
    let sheet = first_worksheet(&workbook).ok_or(Msg::ErrFileEmpty)?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|_| Msg::ErrFileUnreadable)?;
    let mut rows = Rows::default();
    while let Some(cell) = cells.next_cell().map_err(|_| Msg::ErrFileUnreadable)? {
        let (row, col) = cell.get_position();
        let Ok(col) = usize::try_from(col) else {
            continue;
        };
        if col >= MAX_COLUMNS {
            continue;
        }
        if let Some(text) = cell_text(cell.get_value()) {
            rows.put(row.saturating_add(1), col, &text)?;
        }
    }
    Ok(rows)
}

/// The first visible worksheet, else the first worksheet: a hidden first sheet is
/// usually a lookup list, not what the user filled in.
fn first_worksheet<RS: Read + io::Seek>(workbook: &Xlsx<RS>) -> Option<String> {
    let sheets = workbook.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    worksheets()
        .find(|s| s.visible == SheetVisible::Visible)
        .or_else(|| worksheets().next())
        .map(|s| s.name.clone())
}

fn cell_text<'a>(value: &'a DataRef<'_>) -> Option<Cow<'a, str>> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Borrowed(s.as_str())
        }
        DataRef::SharedString(s) => Cow::Borrowed(*s),
        DataRef::Int(n) => Cow::Owned(n.to_string()),
        DataRef::Float(f) => Cow::Owned(number_text(*f)),
        DataRef::DateTime(d) => Cow::Owned(number_text(d.as_f64())),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
    })
}

/// Excel stores every number as a float; codes typed as numbers (110101) must read back
/// as the digits the user typed, not "110101.0".
fn number_text(f: f64) -> String {
    // Below 2^53 every integer is exact, so the conversion cannot change the value.
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

// ---- columns ----

/// Where each field sits in a table. The first column with a matching header wins.
struct Columns {
    login: usize,
    name: usize,
    unit: usize,
    roles: usize,
    rank: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Login,
    Name,
    Unit,
    Roles,
    Rank,
}

impl Columns {
    fn find(headers: &[String]) -> Option<Columns> {
        let at = |field: Field| headers.iter().position(|h| field_of(h) == Some(field));
        Some(Columns {
            login: at(Field::Login)?,
            name: at(Field::Name)?,
            unit: at(Field::Unit)?,
            roles: at(Field::Roles)?,
            rank: at(Field::Rank),
        })
    }
}

fn field_of(header: &str) -> Option<Field> {
    Some(match header_key(header).as_str() {
        "登录名" | "登录账号" | "账号" | "帐号" | "用户名" | "login" | "login name"
        | "loginname" | "username" | "user name" | "account" => Field::Login,
        "姓名" | "名字" | "name" | "display name" | "displayname" | "full name" => Field::Name,
        "单位代码" | "单位编码" | "unit code" | "unitcode" => Field::Unit,
        "角色" | "role" | "roles" => Field::Roles,
        "职级类别" | "职级" | "rank" | "rank tag" | "ranktag" => Field::Rank,
        _ => return None,
    })
}

/// Normalises a header so the common decorations users add still match: "登录名*",
/// "角色（可多选）", " Login_Name ".
fn header_key(header: &str) -> String {
    let h = header.trim_start_matches('\u{feff}');
    let h = h.split(['(', '（']).next().unwrap_or("");
    let h = h.trim_matches(|c: char| c == '*' || c == '＊' || c.is_whitespace());
    h.to_lowercase()
        .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---- validation ----

/// Checks every row and reports every problem found, several per row if need be. Rows
/// without problems come back as [`ImportRow`]s with the login normalised and the unit
/// code as the unit tree spells it.
pub fn validate(
    table: &Table,
    units: &[UnitRow],
    existing_logins: &[String],
    scope_path: &str,
) -> Result<(Vec<ImportRow>, Vec<RowError>), Msg> {
    let cols = Columns::find(&table.headers).ok_or(Msg::ErrFileNoHeader)?;
    let data: Vec<(u32, &[String])> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, cells)| (table.row_number(i), cells.as_slice()))
        .collect();
    if data.is_empty() {
        return Err(Msg::ErrFileEmpty);
    }
    if data.len() > MAX_DATA_ROWS {
        return Err(Msg::ErrFileTooLarge);
    }

    let units = UnitIndex::new(units);
    let existing: HashSet<String> = existing_logins
        .iter()
        .map(|l| l.trim().to_lowercase())
        .collect();
    let mut seen: HashSet<String> = HashSet::with_capacity(data.len());
    let column_name = |i: usize| table.headers.get(i).map_or("", |h| h.trim()).to_owned();

    let mut good = Vec::new();
    let mut errors = Vec::new();
    for (row, cells) in data {
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let before = errors.len();
        let mut fail = |col: usize, reason: Msg| {
            errors.push(RowError {
                row,
                column: column_name(col),
                reason,
            })
        };

        let raw_login = cell(cols.login).trim();
        let login = if raw_login.chars().count() > LOGIN_MAX_CHARS {
            fail(cols.login, Msg::RowTooLong);
            None
        } else {
            normalize_login(raw_login)
                .map_err(|m| fail(cols.login, row_reason(m)))
                .ok()
        };
        if let Some(login) = &login {
            if existing.contains(login) {
                fail(cols.login, Msg::RowDuplicateLogin);
            }
            // The first occurrence is the one kept; later ones are the duplicates.
            if !seen.insert(login.clone()) {
                fail(cols.login, Msg::RowDuplicateInFile);
            }
        }

        let name = required_text(cell(cols.name), NAME_MAX_CHARS)
            .map_err(|m| fail(cols.name, row_reason(m)))
            .ok();

        let unit_code = match required_text(cell(cols.unit), CODE_MAX_CHARS) {
            Err(m) => {
                fail(cols.unit, row_reason(m));
                None
            }
            Ok(code) => match units.get(&code) {
                None => {
                    fail(cols.unit, Msg::RowUnknownUnit);
                    None
                }
                Some(unit) if !within_scope(&unit.path, scope_path) => {
                    fail(cols.unit, Msg::RowUnitOutOfScope);
                    None
                }
                Some(unit) => Some(unit.code.clone()),
            },
        };

        let roles = parse_roles(cell(cols.roles))
            .map_err(|m| fail(cols.roles, row_reason(m)))
            .ok();

        let rank_tag = match cols.rank {
            Some(col) => optional_text(cell(col), NAME_MAX_CHARS)
                .map_err(|m| fail(col, row_reason(m)))
                .ok(),
            None => Some(None),
        };

        if errors.len() > before {
            continue;
        }
        if let (Some(login), Some(display_name), Some(unit_code), Some(roles), Some(rank_tag)) =
            (login, name, unit_code, roles, rank_tag)
        {
            good.push(ImportRow {
                row,
                login,
                display_name,
                unit_code,
                roles,
                rank_tag,
            });
        }
    }
    Ok((good, errors))
}

/// The field-level messages of the domain rules, as row-level reasons.
fn row_reason(m: Msg) -> Msg {
    match m {
        Msg::ErrRequired => Msg::RowMissingField,
        Msg::ErrTooLong => Msg::RowTooLong,
        Msg::ErrLoginFormat => Msg::RowInvalidLogin,
        other => other,
    }
}

/// Units by code: exact first, then ignoring case when that is unambiguous, since "bj01"
/// and "BJ01" are the same code to whoever typed it.
struct UnitIndex<'a> {
    exact: HashMap<&'a str, &'a UnitRow>,
    folded: HashMap<String, Option<&'a UnitRow>>,
}

impl<'a> UnitIndex<'a> {
    fn new(units: &'a [UnitRow]) -> Self {
        let mut exact = HashMap::with_capacity(units.len());
        let mut folded: HashMap<String, Option<&UnitRow>> = HashMap::with_capacity(units.len());
        for unit in units {
            exact.entry(unit.code.as_str()).or_insert(unit);
            folded
                .entry(unit.code.to_lowercase())
                .and_modify(|u| *u = None)
                .or_insert(Some(unit));
        }
        UnitIndex { exact, folded }
    }

    fn get(&self, code: &str) -> Option<&'a UnitRow> {
        self.exact
            .get(code)
            .copied()
            .or_else(|| self.folded.get(&code.to_lowercase()).copied().flatten())
    }
}

// ---- templates ----

/// The downloadable workbook: an empty "用户" sheet to fill in and a "示例" sheet.
pub fn template_xlsx() -> Vec<u8> {
    // Built from constants only; the tests build it, so failure here is a programming
    // error, not something a request can cause.
    build_template_xlsx().expect("the import template is built from constants")
}

/// Header and one example line, UTF-8 with a BOM so Excel does not read it as GBK.
pub fn template_csv() -> Vec<u8> {
    let mut out = UTF8_BOM.to_vec();
    out.extend_from_slice(TEMPLATE_HEADERS.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice("zhangsan,张三,110101,\"考生,组织者\",科员\r\n".as_bytes());
    out
}

const TEMPLATE_WIDTHS: [f64; 5] = [18.0, 14.0, 14.0, 20.0, 14.0];
const ROLES_NOTE: &str =
    "角色可填：考生、组织者、管理员；一人可有多个角色，用逗号分隔，如“考生,组织者”。职级类别可不填。";

fn build_template_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    // Codes and logins typed into a General cell lose leading zeros; text keeps them.
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet();
    sheet.set_name("用户")?;
    for (col, (header, width)) in (0u16..).zip(TEMPLATE_HEADERS.iter().zip(TEMPLATE_WIDTHS)) {
        sheet.set_column_width(col, width)?;
        sheet.write_string_with_format(0, col, *header, &bold)?;
    }
    sheet.set_column_format(0, &text)?;
    sheet.set_column_format(2, &text)?;
    sheet.set_freeze_panes(1, 0)?;
    // Excel splits an inline list on ASCII commas, so the combined choice uses the
    // full-width comma, which parse_roles accepts too. A warning rather than a stop
    // leaves other combinations typeable.
    let roles = DataValidation::new()
        .allow_list_strings(&["考生", "组织者", "管理员", "考生，组织者"])?
        .set_input_title("角色")?
        .set_input_message("可选择，或填写多个角色并用逗号分隔，如：考生,管理员")?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title("角色")?
        .set_error_message(ROLES_NOTE)?;
    let last_row = u32::try_from(MAX_DATA_ROWS).unwrap_or(u32::MAX);
    sheet.add_data_validation(1, 3, last_row, 3, &roles)?;

    let example = workbook.add_worksheet();
    example.set_name("示例")?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    example.merge_range(0, 0, 0, 4, ROLES_NOTE, &wrap)?;
    example.set_row_height(0, 36)?;
    for (col, (header, width)) in (0u16..).zip(TEMPLATE_HEADERS.iter().zip(TEMPLATE_WIDTHS)) {
        example.set_column_width(col, width)?;
        example.write_string_with_format(1, col, *header, &bold)?;
    }
    let rows: [[&str; 5]; 3] = [
        ["zhangsan", "张三", "110101", "考生", "科员"],
        ["lisi", "李四", "110102", "考生,组织者", ""],
        ["wangwu", "王五", "110101", "管理员", "处级"],
    ];
    for (r, values) in (2u32..).zip(rows) {
        for (col, value) in (0u16..).zip(values) {
            if !value.is_empty() {
                example.write_string(r, col, value)?;
            }
        }
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::model::UnitId;
    use proptest::prelude::*;
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
        let t = csv("Roles, Unit Code ,Display_Name,LOGIN,rank\ncandidate; organizer,110101,Zhang San,zs,\n")
            .unwrap();
        let (good, errors) = check(&t, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(good[0].login, "zs");
        assert_eq!(good[0].display_name, "Zhang San");
        assert_eq!(good[0].rank_tag, None);
    }

    #[test]
    fn decorated_headers_and_a_title_row_above_them_are_accepted() {
        let t = csv(
            "用户导入表,,,\n登录名*,姓名*,单位代码（必填）,角色(可多选)\nzs,张三,110101,考生\n",
        )
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
}
