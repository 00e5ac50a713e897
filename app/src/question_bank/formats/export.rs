//! Writing drafts out: the template's .xlsx columns, Moodle XML and GIFT. Each reads back
//! through `parse_file` to the same drafts, as far as the format can hold them.

use std::fmt::Write as _;

use rust_xlsxwriter::{Workbook, XlsxError};

use crate::question_bank::domain::format_answer;
use crate::question_bank::model::{KeyForm, QuestionDraft, QuestionType};

use super::moodle_xml::{DIFFICULTY_TAG, FOLD_WIDTH_ELEMENT};
use super::sheet::TYPE_NAMES;
use super::template::{prepare_sheet, SHEET_NAME};
use super::{escape_short_answer, join_category, join_path, share_of};

/// Excel's limits: longer text cannot be stored, and a sheet has this many rows.
const EXCEL_MAX_CHARS: usize = 32_767;
const EXCEL_MAX_ROWS: usize = 1_048_576;

// ---- xlsx ----

/// The drafts as a workbook in exactly the template's columns.
pub fn to_xlsx(drafts: &[QuestionDraft]) -> Vec<u8> {
    // Every string is cut to Excel's limit and rows stop at its last row, so writing
    // cannot fail on any draft.
    build_xlsx(drafts).expect("values are kept within Excel's limits")
}

enum Cell {
    Text(String),
    Number(f64),
}

fn build_xlsx(drafts: &[QuestionDraft]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET_NAME)?;
    prepare_sheet(sheet, 0)?;
    for (row, draft) in (1u32..).zip(drafts.iter().take(EXCEL_MAX_ROWS - 1)) {
        for (col, cell) in (0u16..).zip(row_cells(draft)) {
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string(row, col, clip(&s))?;
                }
                Cell::Number(n) => {
                    sheet.write_number(row, col, n)?;
                }
            }
        }
    }
    workbook.save_to_buffer()
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(EXCEL_MAX_CHARS) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

fn row_cells(d: &QuestionDraft) -> Vec<Cell> {
    let type_name = TYPE_NAMES
        .iter()
        .find(|(t, _)| *t == d.qtype)
        .map_or("", |(_, name)| *name);
    let mut cells = vec![Cell::Text(type_name.into()), Cell::Text(d.stem.clone())];
    for i in 0..super::domain::MAX_OPTIONS {
        cells.push(Cell::Text(d.options.get(i).cloned().unwrap_or_default()));
    }
    let (case, width) = match &d.key {
        KeyForm::Blanks { policy, .. } => {
            (yes_no(policy.case_insensitive), yes_no(policy.fold_width))
        }
        _ => ("", ""),
    };
    cells.extend([
        Cell::Text(format_answer(&d.key)),
        Cell::Text(d.explanation.clone()),
        Cell::Text(join_path(&d.category)),
        Cell::Number(f64::from(d.difficulty)),
        Cell::Text(d.tags.join(",")),
        Cell::Number(f64::from(d.points.0) / 100.0),
        Cell::Text(case.into()),
        Cell::Text(width.into()),
    ]);
    cells
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

// ---- Moodle XML ----

/// The drafts as a Moodle XML quiz, with a category switch wherever the category
/// changes. Difficulty travels as a `difficulty:N` tag and points as the default grade;
/// a fill-in question with several blanks becomes a Cloze question, its blanks on a
/// last line of their own.
pub fn to_moodle_xml(drafts: &[QuestionDraft]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut current: Option<&[String]> = None;
    for d in drafts {
        let changed = match current {
            Some(c) => c != d.category.as_slice(),
            None => !d.category.is_empty(),
        };
        if changed {
            out.push_str("  <question type=\"category\">\n    <category>\n      <text>");
            out.push_str(&xml_text(&join_category(&d.category)));
            out.push_str("</text>\n    </category>\n  </question>\n");
        }
        current = Some(&d.category);
        moodle_question(&mut out, d);
    }
    out.push_str("</quiz>\n");
    out
}

fn moodle_question(out: &mut String, d: &QuestionDraft) {
    let blanks = match &d.key {
        KeyForm::Blanks { answers, .. } => answers.as_slice(),
        _ => &[],
    };
    let kind = match d.qtype {
        QuestionType::Single | QuestionType::Multiple => "multichoice",
        QuestionType::TrueFalse => "truefalse",
        QuestionType::FillBlank if blanks.len() == 1 => "shortanswer",
        QuestionType::FillBlank => "multianswer",
    };
    let stem = if kind == "multianswer" {
        cloze_text(d)
    } else {
        d.stem.clone()
    };
    let _ = writeln!(out, "  <question type=\"{kind}\">");
    let _ = writeln!(
        out,
        "    <name>\n      <text>{}</text>\n    </name>",
        xml_text(&name_of(d))
    );
    text_field(out, "questiontext", &stem);
    text_field(out, "generalfeedback", &d.explanation);
    let _ = writeln!(out, "    <defaultgrade>{}</defaultgrade>", d.points);
    let penalty = if d.qtype == QuestionType::TrueFalse {
        "1"
    } else {
        "0"
    };
    let _ = writeln!(
        out,
        "    <penalty>{penalty}</penalty>\n    <hidden>0</hidden>"
    );
    match &d.key {
        KeyForm::Choice(correct) => choice_answers(out, d, correct),
        KeyForm::TrueFalse(truth) => {
            answer(out, if *truth { "100" } else { "0" }, "true");
            answer(out, if *truth { "0" } else { "100" }, "false");
        }
        KeyForm::Blanks { answers, policy } => {
            if kind == "shortanswer" {
                let usecase = if policy.case_insensitive { 0 } else { 1 };
                let _ = writeln!(out, "    <usecase>{usecase}</usecase>");
                for a in answers.iter().flatten() {
                    answer(out, "100", &escape_short_answer(a));
                }
            }
            if policy.fold_width {
                let _ = writeln!(out, "    <{FOLD_WIDTH_ELEMENT}>1</{FOLD_WIDTH_ELEMENT}>");
            }
        }
    }
    out.push_str("    <tags>\n");
    let difficulty = format!("{DIFFICULTY_TAG}{}", d.difficulty);
    for tag in std::iter::once(&difficulty).chain(&d.tags) {
        let _ = writeln!(out, "      <tag><text>{}</text></tag>", xml_text(tag));
    }
    out.push_str("    </tags>\n  </question>\n");
}

fn choice_answers(out: &mut String, d: &QuestionDraft, correct: &[usize]) {
    let single = d.qtype == QuestionType::Single;
    let _ = writeln!(
        out,
        "    <single>{single}</single>\n    <shuffleanswers>false</shuffleanswers>\n    <answernumbering>ABCD</answernumbering>"
    );
    let share = share_of(correct.len());
    for (i, option) in d.options.iter().enumerate() {
        let fraction = match (correct.contains(&i), single) {
            (true, true) => "100",
            (true, false) => share.as_str(),
            (false, true) => "0",
            (false, false) => "-100",
        };
        answer(out, fraction, option);
    }
}

fn text_field(out: &mut String, name: &str, text: &str) {
    let _ = writeln!(
        out,
        "    <{name} format=\"plain_text\">\n      <text>{}</text>\n    </{name}>",
        xml_text(text)
    );
}

fn answer(out: &mut String, fraction: &str, text: &str) {
    let _ = writeln!(
        out,
        "    <answer fraction=\"{fraction}\" format=\"plain_text\">\n      <text>{}</text>\n      <feedback format=\"plain_text\">\n        <text></text>\n      </feedback>\n    </answer>",
        xml_text(text)
    );
}

/// A Cloze question's text: the stem, then one short-answer gap per blank.
fn cloze_text(d: &QuestionDraft) -> String {
    let KeyForm::Blanks { answers, policy } = &d.key else {
        return d.stem.clone();
    };
    let kind = if policy.case_insensitive { "SA" } else { "SAC" };
    let gaps: Vec<String> = answers
        .iter()
        .map(|alts| {
            let alts: Vec<String> = alts
                .iter()
                .map(|a| format!("={}", cloze_escape(a)))
                .collect();
            format!("{{1:{kind}:{}}}", alts.join("~"))
        })
        .collect();
    format!("{}\n{}", d.stem, gaps.join(" "))
}

fn cloze_escape(answer: &str) -> String {
    let mut out = String::with_capacity(answer.len());
    for c in answer.chars() {
        if matches!(c, '\\' | '}' | '~' | '#' | '*') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Moodle needs a name; the start of the stem on one line serves.
fn name_of(d: &QuestionDraft) -> String {
    let name: String = d
        .stem
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(40)
        .collect();
    if name.is_empty() {
        "question".into()
    } else {
        name
    }
}

/// Escapes text for an XML element or attribute and drops characters XML 1.0 cannot
/// carry at all (most control characters).
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A raw carriage return would be read back as a line feed.
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

// ---- GIFT ----

/// The drafts as GIFT. GIFT has no difficulty, points or tags (they read back as the
/// defaults), and its short answers hold one blank, ignoring case: a fill-in question
/// with several blanks is left out, with a comment saying so.
pub fn to_gift(drafts: &[QuestionDraft]) -> String {
    let mut out = String::new();
    let mut current: Option<&[String]> = None;
    for (i, d) in drafts.iter().enumerate() {
        let changed = match current {
            Some(c) => c != d.category.as_slice(),
            None => !d.category.is_empty(),
        };
        if changed {
            let path = join_category(&d.category).replace(['\n', '\r'], " ");
            let _ = writeln!(out, "$CATEGORY: {path}\n");
        }
        current = Some(&d.category);
        gift_question(&mut out, i + 1, d);
        out.push('\n');
    }
    out
}

fn gift_question(out: &mut String, n: usize, d: &QuestionDraft) {
    if let KeyForm::Blanks { answers, .. } = &d.key {
        if answers.len() != 1 {
            let _ = writeln!(
                out,
                "// examhall: question {n} has {} blanks; GIFT holds only one, so it is left out.",
                answers.len()
            );
            return;
        }
    }
    let _ = write!(
        out,
        "::{}::{}{{",
        gift_escape(&name_of(d)),
        gift_text(&d.stem)
    );
    match &d.key {
        KeyForm::Choice(correct) => {
            out.push('\n');
            let share = share_of(correct.len());
            for (i, option) in d.options.iter().enumerate() {
                let marker = match (correct.contains(&i), d.qtype == QuestionType::Single) {
                    (true, true) => "=".to_owned(),
                    (true, false) => format!("~%{share}%"),
                    (false, true) if option.starts_with('%') => "~%0%".to_owned(),
                    (false, true) => "~".to_owned(),
                    (false, false) => "~%-100%".to_owned(),
                };
                let _ = writeln!(out, "\t{marker}{}", gift_text(option));
            }
        }
        KeyForm::TrueFalse(truth) => {
            out.push_str(if *truth { "TRUE\n" } else { "FALSE\n" });
        }
        KeyForm::Blanks { answers, .. } => {
            out.push('\n');
            for a in answers.iter().flatten() {
                let _ = writeln!(out, "\t=%100%{}", gift_text(&escape_short_answer(a)));
            }
        }
    }
    if !d.explanation.is_empty() {
        let _ = writeln!(out, "\t####{}", gift_text(&d.explanation));
    }
    out.push_str("}\n");
}

/// Escaped GIFT text; one starting with "[" is marked plain so it is not mistaken for
/// a format such as "[html]".
fn gift_text(s: &str) -> String {
    let escaped = gift_escape(s);
    if s.starts_with('[') {
        format!("[plain]{escaped}")
    } else {
        escaped
    }
}

fn gift_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}
