//! Reading user import files (.xlsx, .csv in UTF-8, UTF-8 with BOM, GBK/GB18030) and validating their rows; pure, no IO.
//!
//! Files come from users' own spreadsheets and must be treated as hostile: every limit
//! below exists so that a small upload cannot cost the server large amounts of memory or
//! time, and every failure becomes a [`Msg`] rather than a panic.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Cursor, Read};

use calamine::{open_workbook_from_rs, DataRef, Reader, SheetType, SheetVisible, Xlsx};

use crate::accounts::domain::{
    normalize_login, optional_email, optional_text, parse_roles, required_text, within_scope,
    CODE_MAX_CHARS, LOGIN_MAX_CHARS, NAME_MAX_CHARS,
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

/// What a caller's table looks like: which row is its header, and how long a cell may be
/// before it is cut (keep it above every field limit, so a cut cell is still too long).
pub struct TableSpec {
    pub is_header: fn(&[String]) -> bool,
    pub max_cell_chars: usize,
}

const USER_TABLE: TableSpec = TableSpec {
    is_header: is_user_header,
    max_cell_chars: MAX_CELL_CHARS,
};

fn is_user_header(cells: &[String]) -> bool {
    Columns::find(cells).is_some()
}

/// Reads the first worksheet of a user import .xlsx or .csv into a [`Table`].
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, Msg> {
    read_table_with(file_name, bytes, &USER_TABLE)
}

/// Reads the first worksheet of an .xlsx or a .csv whose header `spec` recognises.
pub fn read_table_with(file_name: &str, bytes: &[u8], spec: &TableSpec) -> Result<Table, Msg> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Msg::ErrFileTooLarge);
    }
    let rows = match detect(file_name, bytes)? {
        Kind::Xlsx => read_xlsx(bytes, spec.max_cell_chars)?,
        Kind::Csv => read_csv(bytes, spec.max_cell_chars)?,
    };
    into_table_with(rows, spec.is_header)
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
struct Rows {
    rows: BTreeMap<u32, Vec<String>>,
    text_bytes: usize,
    max_cell_chars: usize,
}

impl Default for Rows {
    fn default() -> Self {
        Rows::new(MAX_CELL_CHARS)
    }
}

impl Rows {
    fn new(max_cell_chars: usize) -> Rows {
        Rows {
            rows: BTreeMap::new(),
            text_bytes: 0,
            max_cell_chars,
        }
    }

    /// Header candidates plus the data rows they may be followed by.
    const MAX_ROWS: usize = MAX_DATA_ROWS + HEADER_SEARCH_ROWS;

    /// Stores one non-empty cell. Cells may arrive in any order: a workbook's XML does
    /// not have to list them sorted.
    fn put(&mut self, row: u32, col: usize, raw: &str) -> Result<(), Msg> {
        let text = clip(raw, self.max_cell_chars);
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

/// Trims a cell and cuts it to `max_chars` without splitting a character.
fn clip(raw: &str, max_chars: usize) -> &str {
    let s = raw.trim();
    match s.char_indices().nth(max_chars) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

#[cfg(test)]
fn into_table(rows: Rows) -> Result<Table, Msg> {
    into_table_with(rows, is_user_header)
}

/// Finds the header among the first rows and keeps what follows it.
fn into_table_with(rows: Rows, is_header: fn(&[String]) -> bool) -> Result<Table, Msg> {
    if rows.rows.is_empty() {
        return Err(Msg::ErrFileEmpty);
    }
    let mut rows = rows.rows.into_iter();
    let mut headers = None;
    for (_, cells) in rows.by_ref().take(HEADER_SEARCH_ROWS) {
        if is_header(&cells) {
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

fn read_csv(bytes: &[u8], max_cell_chars: usize) -> Result<Rows, Msg> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut out = Rows::new(max_cell_chars);
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
pub(crate) fn decode_text(bytes: &[u8]) -> Result<Cow<'_, str>, Msg> {
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

fn read_xlsx(bytes: &[u8], max_cell_chars: usize) -> Result<Rows, Msg> {
    check_zip(bytes, &ZIP_LIMITS)?;
    // calamine indexes shared strings and does arithmetic on cell references without
    // checking them, so a crafted workbook can make it panic. That must end this one
    // upload with an error, not the request.
    std::panic::catch_unwind(|| read_workbook(bytes, max_cell_chars))
        .unwrap_or(Err(Msg::ErrFileUnreadable))
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
fn read_workbook(bytes: &[u8], max_cell_chars: usize) -> Result<Rows, Msg> {
    let mut workbook: Xlsx<_> =
        open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| Msg::ErrFileUnreadable)?;
    let sheet = first_worksheet(&workbook).ok_or(Msg::ErrFileEmpty)?;
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|_| Msg::ErrFileUnreadable)?;
    let mut rows = Rows::new(max_cell_chars);
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

mod columns;
mod template;
mod validate;

use columns::Columns;
pub use template::{template_csv, template_xlsx};
pub use validate::validate;

#[cfg(test)]
mod tests;
