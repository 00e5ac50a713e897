//! Questions as spreadsheet rows (.xlsx, .csv): the columns, their Chinese and English
//! headers, and reading one row into a draft.

use crate::accounts::import::{read_table_with, Table, TableSpec};
use crate::error::FieldProblem;
use crate::i18n::Msg;
use crate::question_bank::domain::{self, MAX_EXPLANATION_CHARS, MAX_OPTIONS, MAX_STEM_CHARS};
use crate::question_bank::model::{BlankPolicy, KeyForm, Points, QuestionDraft, QuestionType};

use super::{Locator, Parsed, RawItem};

/// The template's columns, in order; export writes exactly these.
pub(super) const HEADERS: [&str; 18] = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "选项G",
    "选项H",
    "答案",
    "解析",
    "分类",
    "难度",
    "标签",
    "分值",
    "忽略大小写",
    "全半角等同",
];

pub(super) const DEFAULT_DIFFICULTY: u8 = 3;
pub(super) const DEFAULT_POINTS: Points = Points(100);
/// Type names written to files; other spellings are read too.
pub(super) const TYPE_NAMES: [(QuestionType, &str); 4] = [
    (QuestionType::Single, "单选"),
    (QuestionType::Multiple, "多选"),
    (QuestionType::TrueFalse, "判断"),
    (QuestionType::FillBlank, "填空"),
];

/// Cells are cut just past the longest field limit, so an over-long cell is still
/// reported as too long rather than silently shortened.
const SPEC: TableSpec = TableSpec {
    is_header,
    max_cell_chars: if MAX_STEM_CHARS > MAX_EXPLANATION_CHARS {
        MAX_STEM_CHARS + 1
    } else {
        MAX_EXPLANATION_CHARS + 1
    },
};

pub(super) fn parse(file_name: &str, bytes: &[u8]) -> Result<Vec<RawItem>, Msg> {
    let table = read_table_with(file_name, bytes, &SPEC).map_err(|m| match m {
        Msg::ErrFileEmpty => Msg::ErrNoQuestions,
        Msg::ErrFileNoHeader => Msg::ErrQuestionFileNoHeader,
        Msg::ErrFileFormat => Msg::ErrQuestionFileFormat,
        other => other,
    })?;
    parse_table(&table)
}

pub(super) fn parse_table(table: &Table) -> Result<Vec<RawItem>, Msg> {
    let cols = Columns::find(&table.headers).ok_or(Msg::ErrQuestionFileNoHeader)?;
    let numbered = table.row_numbers.len() == table.rows.len();
    Ok(table
        .rows
        .iter()
        .enumerate()
        .map(|(i, cells)| RawItem {
            locator: Locator::Row(if numbered {
                table.row_numbers[i]
            } else {
                u32::try_from(i).unwrap_or(u32::MAX).saturating_add(2)
            }),
            parsed: parse_row(&cols, cells),
        })
        .collect())
}

fn is_header(cells: &[String]) -> bool {
    Columns::find(cells).is_some()
}

/// Whether the first line of a text file is a question sheet's header, split by tabs,
/// commas or semicolons (a sheet saved as text rather than a GIFT file).
pub(super) fn looks_like_header_line(text: &str) -> bool {
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    ['\t', ',', ';'].into_iter().any(|sep| {
        let cells: Vec<String> = first
            .split(sep)
            .map(|c| c.trim().trim_matches('"').to_owned())
            .collect();
        is_header(&cells)
    })
}

// ---- columns ----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Type,
    Stem,
    Option(usize),
    Answer,
    Explanation,
    Category,
    Difficulty,
    Tags,
    Points,
    CaseInsensitive,
    FoldWidth,
}

/// Where each field sits. The first column with a matching header wins.
struct Columns {
    qtype: usize,
    stem: usize,
    answer: usize,
    options: [Option<usize>; MAX_OPTIONS],
    explanation: Option<usize>,
    category: Option<usize>,
    difficulty: Option<usize>,
    tags: Option<usize>,
    points: Option<usize>,
    case_insensitive: Option<usize>,
    fold_width: Option<usize>,
}

impl Columns {
    fn find(headers: &[String]) -> Option<Columns> {
        let at = |field: Field| headers.iter().position(|h| field_of(h) == Some(field));
        let mut options = [None; MAX_OPTIONS];
        for (i, slot) in options.iter_mut().enumerate() {
            *slot = at(Field::Option(i));
        }
        Some(Columns {
            qtype: at(Field::Type)?,
            stem: at(Field::Stem)?,
            answer: at(Field::Answer)?,
            options,
            explanation: at(Field::Explanation),
            category: at(Field::Category),
            difficulty: at(Field::Difficulty),
            tags: at(Field::Tags),
            points: at(Field::Points),
            case_insensitive: at(Field::CaseInsensitive),
            fold_width: at(Field::FoldWidth),
        })
    }
}

fn field_of(header: &str) -> Option<Field> {
    let key = header_key(header);
    if let Some(i) = option_index(&key) {
        return Some(Field::Option(i));
    }
    Some(match key.as_str() {
        "题型" | "题目类型" | "试题类型" | "类型" | "type" | "questiontype" | "qtype" => {
            Field::Type
        }
        "题干" | "题目" | "试题" | "题目内容" | "stem" | "question" | "questiontext" => {
            Field::Stem
        }
        "答案" | "正确答案" | "参考答案" | "标准答案" | "answer" | "key" | "correctanswer" => {
            Field::Answer
        }
        "解析" | "答案解析" | "试题解析" | "explanation" | "analysis" | "feedback" => {
            Field::Explanation
        }
        "分类" | "类别" | "题目分类" | "category" | "categorypath" => Field::Category,
        "难度" | "难度系数" | "difficulty" | "level" => Field::Difficulty,
        "标签" | "tags" | "tag" | "keywords" => Field::Tags,
        "分值" | "分数" | "points" | "score" | "mark" | "marks" => Field::Points,
        "忽略大小写" | "不区分大小写" | "caseinsensitive" | "ignorecase" => {
            Field::CaseInsensitive
        }
        "全半角等同" | "忽略全半角" | "全角半角等同" | "foldwidth" | "ignorewidth" => {
            Field::FoldWidth
        }
        _ => return None,
    })
}

/// "选项A", "Option B", "c" → the option's index.
fn option_index(key: &str) -> Option<usize> {
    let letter = key
        .strip_prefix("选项")
        .or_else(|| key.strip_prefix("option"))
        .unwrap_or(key);
    let mut chars = letter.chars();
    let c = chars.next()?;
    if chars.next().is_some() || !c.is_ascii_lowercase() {
        return None;
    }
    let i = usize::from(c as u8 - b'a');
    (i < MAX_OPTIONS).then_some(i)
}

/// Normalises a header so the decorations users add still match: "题干*", "答案（必填）",
/// " Question_Type ".
fn header_key(header: &str) -> String {
    let h = header.trim_start_matches('\u{feff}');
    let h = h.split(['(', '（']).next().unwrap_or("");
    h.chars()
        .map(domain::fold_width_char)
        .filter(|c| !(c.is_whitespace() || matches!(c, '*' | '_' | '-')))
        .flat_map(char::to_lowercase)
        .collect()
}

// ---- one row ----

fn parse_row(cols: &Columns, cells: &[String]) -> Parsed {
    let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map_or("", |s| s.trim());
    let mut problems = Vec::new();
    let difficulty = parse_difficulty(cell(cols.difficulty)).unwrap_or_else(|p| {
        problems.push(p);
        DEFAULT_DIFFICULTY
    });
    let points = parse_points(cell(cols.points)).unwrap_or_else(|p| {
        problems.push(p);
        DEFAULT_POINTS
    });
    let Some(qtype) = parse_type(cell(Some(cols.qtype))) else {
        problems.insert(0, FieldProblem::new("qtype", Msg::ErrQuestionTypeUnknown));
        return Parsed::Invalid(problems);
    };
    let mut policy = BlankPolicy::default();
    if qtype == QuestionType::FillBlank {
        let mut flag = |col: Option<usize>, field: &str| {
            parse_yes_no(cell(col)).unwrap_or_else(|| {
                problems.push(FieldProblem::new(field, Msg::ErrYesNo));
                false
            })
        };
        policy.case_insensitive = flag(cols.case_insensitive, "case_insensitive");
        policy.fold_width = flag(cols.fold_width, "fold_width");
    }
    let key = domain::parse_answer(qtype, cell(Some(cols.answer)), policy).unwrap_or_else(|p| {
        problems.push(p);
        empty_key(qtype, policy)
    });
    let options: Vec<String> = cols.options.iter().map(|&c| cell(c).to_owned()).collect();
    let used = options
        .iter()
        .rposition(|o| !o.is_empty())
        .map_or(0, |i| i + 1);
    let draft = QuestionDraft {
        qtype,
        stem: cell(Some(cols.stem)).to_owned(),
        options: options.into_iter().take(used).collect(),
        key,
        explanation: cell(cols.explanation).to_owned(),
        category: super::split_path(cell(cols.category)),
        difficulty,
        tags: split_tags(cell(cols.tags)),
        points,
        image: None,
    };
    Parsed::Draft(draft, problems)
}

/// A key of the right kind that `validate` reports as missing, standing in for an
/// answer that did not parse.
fn empty_key(qtype: QuestionType, policy: BlankPolicy) -> KeyForm {
    match qtype {
        QuestionType::Single | QuestionType::Multiple => KeyForm::Choice(Vec::new()),
        QuestionType::TrueFalse => KeyForm::TrueFalse(false),
        QuestionType::FillBlank => KeyForm::Blanks {
            answers: Vec::new(),
            policy,
        },
    }
}

fn parse_type(s: &str) -> Option<QuestionType> {
    let key = header_key(s);
    let key = key.strip_suffix('题').unwrap_or(&key);
    if let Some((t, _)) = TYPE_NAMES.iter().find(|(_, name)| *name == key) {
        return Some(*t);
    }
    Some(match key {
        "单项选择" | "单选择" | "single" | "singlechoice" => QuestionType::Single,
        "多项选择" | "多选择" | "不定项选择" | "multiple" | "multiplechoice" => {
            QuestionType::Multiple
        }
        "是非" | "对错" | "truefalse" | "true/false" => QuestionType::TrueFalse,
        "fillblank" | "fillintheblank" | "blank" | "fill" => QuestionType::FillBlank,
        _ => return None,
    })
}

fn parse_difficulty(s: &str) -> Result<u8, FieldProblem> {
    if s.is_empty() {
        return Ok(DEFAULT_DIFFICULTY);
    }
    s.parse::<u8>()
        .ok()
        .filter(|d| (1..=5).contains(d))
        .ok_or_else(|| FieldProblem::with_detail("difficulty", Msg::ErrDifficultyRange, s))
}

fn parse_points(s: &str) -> Result<Points, FieldProblem> {
    if s.is_empty() {
        return Ok(DEFAULT_POINTS);
    }
    Points::parse(s)
        .filter(|p| *p > Points(0))
        .ok_or_else(|| FieldProblem::with_detail("points", Msg::ErrPointsInvalid, s))
}

/// 是/否 and the other ways a yes or no is typed; empty is no.
fn parse_yes_no(s: &str) -> Option<bool> {
    match s {
        "" | "0" => Some(false),
        "1" => Some(true),
        s => domain::parse_truth(s),
    }
}

fn split_tags(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}
