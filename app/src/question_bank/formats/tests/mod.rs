//! Tests of question import and export: every format, the real Moodle fixtures, round
//! trips and hostile files.

use super::*;
use crate::question_bank::model::{BlankPolicy, KeyForm, Points, QuestionType};

mod export;
mod gift;
mod hostile;
mod moodle;
mod sheet;
mod strategies;

/// A file of the shared Moodle fixtures (read-only, beside the project).
fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../shared/fixtures/moodle/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

fn parse(name: &str, bytes: &[u8]) -> ParsedFile {
    match parse_file(name, bytes) {
        Ok(f) => f,
        Err(m) => panic!("{name}: {m:?}"),
    }
}

fn parse_text(name: &str, text: &str) -> ParsedFile {
    parse(name, text.as_bytes())
}

fn oks(file: &ParsedFile) -> Vec<&QuestionDraft> {
    file.items
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Ok(d) => Some(d),
            _ => None,
        })
        .collect()
}

fn skips(file: &ParsedFile) -> Vec<(Locator, Msg)> {
    file.items
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Skipped { reason, .. } => Some((i.locator, *reason)),
            _ => None,
        })
        .collect()
}

fn invalids(file: &ParsedFile) -> Vec<(Locator, Vec<FieldProblem>)> {
    file.items
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Invalid(p) => Some((i.locator, p.clone())),
            _ => None,
        })
        .collect()
}

/// The one item of a file that must hold exactly one.
fn only(file: &ParsedFile) -> &Outcome {
    assert_eq!(file.items.len(), 1, "expected one item");
    &file.items[0].outcome
}

fn only_ok(file: &ParsedFile) -> &QuestionDraft {
    match only(file) {
        Outcome::Ok(d) => d,
        other => panic!("expected a valid question, got {other:?}"),
    }
}

fn reasons(problems: &[FieldProblem]) -> Vec<(&str, Msg)> {
    problems
        .iter()
        .map(|p| (p.field.as_str(), p.reason))
        .collect()
}

fn draft(qtype: QuestionType, stem: &str, options: &[&str], key: KeyForm) -> QuestionDraft {
    QuestionDraft {
        qtype,
        stem: stem.into(),
        options: options.iter().map(|s| s.to_string()).collect(),
        key,
        explanation: String::new(),
        category: Vec::new(),
        difficulty: 3,
        tags: Vec::new(),
        points: Points(100),
        image: None,
    }
}

fn blanks(answers: &[&[&str]], case_insensitive: bool, fold_width: bool) -> KeyForm {
    KeyForm::Blanks {
        answers: answers
            .iter()
            .map(|alts| alts.iter().map(|a| a.to_string()).collect())
            .collect(),
        policy: BlankPolicy {
            fold_width,
            case_insensitive,
        },
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Drafts covering every type and field, in cleaned form: special characters of every
/// format, Chinese text, line breaks, categories (one with a slash), tags, difficulty,
/// points, explanations and both blank policies.
fn sample() -> Vec<QuestionDraft> {
    let mut single = draft(
        QuestionType::Single,
        "党的最高领导机关是（  ）？\n请选出 <最佳> 答案 & 说明",
        &[
            "全国代表大会 \"甲\"",
            "中央委员会 '乙'",
            "x < y > z",
            "a]]>b {c} ~d =e #f :g",
        ],
        KeyForm::Choice(vec![0]),
    );
    single.explanation = "见党章第十条。\n第二行：[html] 不是格式".into();
    single.category = strings(&["党章党规", "中国共产党章程"]);
    single.difficulty = 2;
    single.tags = strings(&["党章", "基础"]);
    single.points = Points(250);

    let mut multiple = draft(
        QuestionType::Multiple,
        "[html] 党的纪律包括（  ）。",
        &[
            "政治纪律",
            "组织纪律",
            "廉洁纪律",
            "%50% 群众纪律",
            "[plain]工作纪律",
        ],
        KeyForm::Choice(vec![0, 2, 4]),
    );
    multiple.category = strings(&["党章党规", "纪律/处分条例"]);
    multiple.difficulty = 5;
    multiple.tags = strings(&["纪律"]);

    let mut truth = draft(
        QuestionType::TrueFalse,
        "花括号 {} 与 ####、~、=、:: 都只是文字。",
        &[],
        KeyForm::TrueFalse(true),
    );
    truth.explanation = "正确。".into();
    truth.difficulty = 1;
    truth.points = Points(50);

    let mut falsehood = draft(
        QuestionType::TrueFalse,
        "党员可以不参加党的组织生活。",
        &[],
        KeyForm::TrueFalse(false),
    );
    falsehood.category = strings(&["党章党规", "纪律/处分条例"]);

    let mut fill_one = draft(
        QuestionType::FillBlank,
        "（  ）是党的根本组织原则。",
        &[],
        blanks(&[&["民主集中制", "民主 集中制", "a*b \\ c"]], false, true),
    );
    fill_one.tags = strings(&["填空", "组织原则"]);
    fill_one.points = Points(225);
    fill_one.explanation = "第二行\n第三行".into();

    let mut fill_two = draft(
        QuestionType::FillBlank,
        "（  ）必须履行（  ）规定的义务。",
        &[],
        blanks(
            &[&["党员", "党的成员"], &["党章", "CPC Constitution"]],
            true,
            false,
        ),
    );
    fill_two.category = strings(&["党章党规"]);
    fill_two.difficulty = 4;
    fill_two.points = Points(7);

    [single, multiple, truth, falsehood, fill_one, fill_two]
        .into_iter()
        .map(clean)
        .collect()
}

/// A draft as `validate` cleans it; panics if it is not valid.
fn clean(d: QuestionDraft) -> QuestionDraft {
    match domain::validate(d) {
        Ok(v) => v.draft,
        Err(p) => panic!("sample draft is invalid: {p:?}"),
    }
}
