//! Question files in and out: reading Excel/CSV sheets, GIFT and Moodle XML into drafts,
//! and writing drafts back. Pure, no IO.
//!
//! Uploads are hostile: every size is bounded, nothing panics, a whole-file problem is an
//! `Err(Msg)` and a bad question only marks its own item.

use crate::error::FieldProblem;
use crate::i18n::Msg;

use super::domain;
use super::model::QuestionDraft;

mod export;
mod gift;
mod moodle_xml;
mod sheet;
mod template;
mod text;

pub use export::{to_gift, to_moodle_xml, to_xlsx};
pub use template::template_xlsx;

/// Largest accepted upload.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most questions (or sheet rows) one file may hold.
pub const MAX_ITEMS: usize = 20_000;

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedItem {
    pub locator: Locator,
    pub outcome: Outcome,
}

/// Where an item is, in the file's own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locator {
    /// 1-based spreadsheet row, as Excel numbers it.
    Row(u32),
    /// 1-based line where a GIFT question starts (its first line that is not a comment).
    Line(u32),
    /// 1-based index of the `<question>` element in a Moodle XML file, category
    /// pseudo-questions included, so the count matches what a reader of the file sees.
    Question(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Valid, in the cleaned form `domain::validate` returns.
    Ok(QuestionDraft),
    Invalid(Vec<FieldProblem>),
    /// A question examhall cannot hold (essay, matching…); `detail` names the file's own
    /// type when the reason is generic.
    Skipped {
        reason: Msg,
        detail: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    pub items: Vec<ParsedItem>,
}

/// What a format parser yields before validation.
struct RawItem {
    locator: Locator,
    parsed: Parsed,
}

enum Parsed {
    /// A draft, with problems the parser already found (their fields' own checks by
    /// `validate` are then not repeated).
    Draft(QuestionDraft, Vec<FieldProblem>),
    /// Too broken to make a draft of.
    Invalid(Vec<FieldProblem>),
    Skipped {
        reason: Msg,
        detail: Option<String>,
    },
}

impl Parsed {
    fn skipped(reason: Msg) -> Parsed {
        Parsed::Skipped {
            reason,
            detail: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sheet,
    MoodleXml,
    Gift,
}

/// Reads a question file: .xlsx/.csv sheets, Moodle XML, or GIFT (.gift/.txt).
pub fn parse_file(file_name: &str, bytes: &[u8]) -> Result<ParsedFile, Msg> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Msg::ErrFileTooLarge);
    }
    let raw = match detect(file_name, bytes)? {
        Kind::Sheet => sheet::parse(file_name, bytes)?,
        Kind::MoodleXml => moodle_xml::parse(&decode(bytes)?)?,
        Kind::Gift => gift::parse(&decode(bytes)?)?,
    };
    if raw.is_empty() {
        return Err(Msg::ErrNoQuestions);
    }
    if raw.len() > MAX_ITEMS {
        return Err(Msg::ErrTooManyQuestions);
    }
    Ok(ParsedFile {
        items: raw.into_iter().map(finish).collect(),
    })
}

/// Runs a parsed draft through the domain rules; the parser's own problems come first and
/// `validate` adds only problems with fields the parser had no complaint about.
fn finish(item: RawItem) -> ParsedItem {
    let outcome = match item.parsed {
        Parsed::Draft(draft, mut problems) => match domain::validate(draft) {
            Ok(valid) if problems.is_empty() => Outcome::Ok(valid.draft),
            Ok(_) => Outcome::Invalid(problems),
            Err(more) => {
                let seen: Vec<String> = problems.iter().map(|p| p.field.clone()).collect();
                problems.extend(more.into_iter().filter(|p| !seen.contains(&p.field)));
                Outcome::Invalid(problems)
            }
        },
        Parsed::Invalid(problems) => Outcome::Invalid(problems),
        Parsed::Skipped { reason, detail } => Outcome::Skipped { reason, detail },
    };
    ParsedItem {
        locator: item.locator,
        outcome,
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Compound File Binary: legacy .xls or an encrypted .xlsx; the sheet reader explains.
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Content decides before the name where it can: a zip is a workbook whatever it is
/// called. A .txt may be GIFT or a sheet saved as "Unicode text"; its first line tells.
fn detect(file_name: &str, bytes: &[u8]) -> Result<Kind, Msg> {
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(CFB_MAGIC) {
        return Ok(Kind::Sheet);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Msg::ErrNoQuestions);
    }
    match extension(file_name).as_str() {
        "csv" | "xlsx" | "xlsm" | "xls" => Ok(Kind::Sheet),
        "xml" => Ok(Kind::MoodleXml),
        "gift" => Ok(Kind::Gift),
        "txt" => Ok(match decode(bytes) {
            Ok(text) if sheet::looks_like_header_line(&text) => Kind::Sheet,
            _ => Kind::Gift,
        }),
        _ => match decode(bytes) {
            Ok(text) if text.trim_start().starts_with('<') => Ok(Kind::MoodleXml),
            _ => Err(Msg::ErrQuestionFileFormat),
        },
    }
}

fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or("");
    match base.rsplit_once('.') {
        Some((_, ext)) => ext.trim().to_ascii_lowercase(),
        None => String::new(),
    }
}

/// Text files as Windows and Moodle write them: UTF-8 with or without a BOM, UTF-16 with
/// a BOM, or GBK/GB18030. NUL never occurs in text, so it marks a binary file.
fn decode(bytes: &[u8]) -> Result<String, Msg> {
    let text = crate::accounts::import::decode_text(bytes).map_err(|_| Msg::ErrFileEncoding)?;
    if text.contains('\0') {
        return Err(Msg::ErrQuestionFileFormat);
    }
    if text.trim().is_empty() {
        return Err(Msg::ErrNoQuestions);
    }
    Ok(text.into_owned())
}

/// Splits a category path as Moodle writes it: a leading context (`$course$`,
/// `$system$`…) and `top` are not categories.
fn split_category(path: &str) -> Vec<String> {
    let mut segments = split_path(path);
    let is_context = |s: &str| s.len() >= 2 && s.starts_with('$') && s.ends_with('$');
    if segments.first().is_some_and(|s| is_context(s)) {
        segments.remove(0);
    }
    if segments.first().is_some_and(|s| s == "top") {
        segments.remove(0);
    }
    segments
}

/// Splits a category path: "/" separates, "//" is a literal "/" (Moodle's escape, so
/// names with a slash survive export and import), blank segments are dropped.
fn split_path(path: &str) -> Vec<String> {
    let mut segments = vec![String::new()];
    let mut chars = path.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                chars.next();
                if let Some(s) = segments.last_mut() {
                    s.push('/');
                }
            }
            '/' => segments.push(String::new()),
            c => {
                if let Some(s) = segments.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    segments
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The inverse of [`split_path`].
fn join_path(category: &[String]) -> String {
    category
        .iter()
        .map(|segment| segment.replace('/', "//"))
        .collect::<Vec<_>>()
        .join("/")
}

/// The inverse of [`split_category`], under Moodle's usual `$course$/top`.
fn join_category(category: &[String]) -> String {
    if category.is_empty() {
        "$course$/top".to_owned()
    } else {
        format!("$course$/top/{}", join_path(category))
    }
}

/// Reads a short answer as Moodle means it: `*` matches anything and `\*` is a literal
/// star. None when the answer relies on the wildcard, which exact matching cannot honour.
fn literal_short_answer(answer: &str) -> Option<String> {
    let mut out = String::with_capacity(answer.len());
    let mut chars = answer.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'*') => {
                chars.next();
                out.push('*');
            }
            '*' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The inverse of [`literal_short_answer`].
fn escape_short_answer(answer: &str) -> String {
    answer.replace('*', "\\*")
}

/// Positive share of the grade, as GIFT weights and Moodle fractions write it ("50",
/// "-100", "33.33333"). None when it is not a number.
fn parse_fraction(s: &str) -> Option<f64> {
    let s = s.trim();
    let valid = !s.is_empty()
        && s.len() <= 20
        && s.trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.');
    valid
        .then(|| s.parse::<f64>().ok())
        .flatten()
        .filter(|f| f.is_finite())
}

/// The share of the grade each of `n` correct options gets, as Moodle lists them.
fn share_of(n: usize) -> String {
    let n = n.max(1) as f64;
    let share = format!("{:.5}", 100.0 / n);
    share.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests;
