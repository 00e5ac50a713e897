//! Server functions of exams and papers: each gets the request context, checks that the
//! caller is staff, calls the service and returns its result.

// A server function posted by a plain HTML form takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{EditorData, ExamDetail, ExamSummary, PreviewItem};

#[cfg(feature = "ssr")]
use super::model::{DrawRule, ExamSettings, MultiScoring, PassMark, ResultVisibility};
#[cfg(feature = "ssr")]
use super::service::{self, SectionEdit};
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
#[cfg(feature = "ssr")]
use crate::question_bank::model::{Points, QuestionType};
#[cfg(feature = "ssr")]
use crate::server::ctx;
#[cfg(feature = "ssr")]
use crate::server::forms::keep_input_on_error;

#[cfg(feature = "ssr")]
use crate::server::parse_id;

#[cfg(feature = "ssr")]
fn number<T: std::str::FromStr>(field: &str, s: &str) -> Result<T, AppError> {
    s.trim()
        .parse::<T>()
        .map_err(|_| AppError::invalid(field, Msg::ErrNotANumber))
}

#[server(endpoint = "exams/list")]
pub async fn list_exams() -> Result<Vec<ExamSummary>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::list_exams(&cx.state, a).await
}

#[server(endpoint = "exams/get")]
pub async fn get_exam(id: String) -> Result<ExamDetail, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::get_exam(&cx.state, a, parse_id(&id)?).await
}

#[server(endpoint = "exams/create")]
pub async fn create_exam(bank_id: String, title: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let result = match parse_id(&bank_id) {
        Ok(bank) => service::create_exam(&cx.state, a, &cx.info.client_addr, bank, &title).await,
        Err(_) => Err(AppError::invalid("bank_id", Msg::ErrRequired)),
    };
    let fields = [("bank_id", bank_id), ("title", title)];
    let id = keep_input_on_error(result, <CreateExam as server_fn::ServerFn>::PATH, &fields)?;
    leptos_axum::redirect(&format!("/organize/exams/{id}"));
    Ok(())
}

#[server(endpoint = "exams/settings")]
pub async fn save_exam_settings(
    id: String,
    title: String,
    instructions: String,
    duration_minutes: String,
    pass_kind: String,
    pass_value: String,
    multi_scoring: String,
    visibility: String,
    retake_count: String,
    retake_min_wait_days: String,
    shuffle_questions: Option<String>,
    shuffle_options: Option<String>,
    fill_per_blank: Option<String>,
    review_after_close: Option<String>,
    retake_fresh_paper: Option<String>,
    voided_qualifies: Option<String>,
    interviewer_login: Option<String>,
    case_due_days: Option<String>,
    unit_escalation_bottom: Option<String>,
    unit_escalation_min_candidates: Option<String>,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let defaults = ExamSettings::default();
    let follow_up = (|| {
        let num = |field: &str, v: &Option<String>, d: u32| match v {
            Some(s) => number(field, s),
            None => Ok(d),
        };
        Ok::<_, AppError>(FollowUp {
            voided_qualifies: voided_qualifies.is_some(),
            interviewer_login: interviewer_login
                .clone()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            case_due_days: num("case_due_days", &case_due_days, defaults.case_due_days)?,
            unit_escalation_bottom: num(
                "unit_escalation_bottom",
                &unit_escalation_bottom,
                defaults.unit_escalation_bottom,
            )?,
            unit_escalation_min_candidates: num(
                "unit_escalation_min_candidates",
                &unit_escalation_min_candidates,
                defaults.unit_escalation_min_candidates,
            )?,
        })
    })();
    let flag = |f: &Option<String>| if f.is_some() { "1" } else { "" }.to_owned();
    let typed = [
        ("title", title.clone()),
        ("instructions", instructions.clone()),
        ("duration_minutes", duration_minutes.clone()),
        ("pass_kind", pass_kind.clone()),
        ("pass_value", pass_value.clone()),
        ("multi_scoring", multi_scoring.clone()),
        ("visibility", visibility.clone()),
        ("retake_count", retake_count.clone()),
        ("retake_min_wait_days", retake_min_wait_days.clone()),
        ("shuffle_questions", flag(&shuffle_questions)),
        ("shuffle_options", flag(&shuffle_options)),
        ("fill_per_blank", flag(&fill_per_blank)),
        ("review_after_close", flag(&review_after_close)),
        ("retake_fresh_paper", flag(&retake_fresh_paper)),
        ("voided_qualifies", flag(&voided_qualifies)),
        (
            "interviewer_login",
            interviewer_login.clone().unwrap_or_default(),
        ),
        ("case_due_days", case_due_days.clone().unwrap_or_default()),
        (
            "unit_escalation_bottom",
            unit_escalation_bottom.clone().unwrap_or_default(),
        ),
        (
            "unit_escalation_min_candidates",
            unit_escalation_min_candidates.clone().unwrap_or_default(),
        ),
    ];
    let result = match follow_up {
        Err(e) => Err(e),
        Ok(follow_up) => {
            save_settings_inner(
                &cx,
                a,
                &id,
                title,
                instructions,
                &duration_minutes,
                &pass_kind,
                &pass_value,
                &multi_scoring,
                &visibility,
                &retake_count,
                &retake_min_wait_days,
                [
                    shuffle_questions.is_some(),
                    shuffle_options.is_some(),
                    fill_per_blank.is_some(),
                    review_after_close.is_some(),
                    retake_fresh_paper.is_some(),
                ],
                follow_up,
            )
            .await
        }
    };
    keep_input_on_error(
        result,
        <SaveExamSettings as server_fn::ServerFn>::PATH,
        &typed,
    )
}

/// The follow-up part of the settings form (retakes and escalation).
#[cfg(feature = "ssr")]
struct FollowUp {
    voided_qualifies: bool,
    interviewer_login: String,
    case_due_days: u32,
    unit_escalation_bottom: u32,
    unit_escalation_min_candidates: u32,
}

/// Reads the settings form; `flags` are shuffle questions, shuffle options, fill per
/// blank, review after close and retake fresh paper.
#[cfg(feature = "ssr")]
async fn save_settings_inner(
    cx: &crate::server::Ctx,
    a: &crate::server::Authed,
    id: &str,
    title: String,
    instructions: String,
    duration_minutes: &str,
    pass_kind: &str,
    pass_value: &str,
    multi_scoring: &str,
    visibility: &str,
    retake_count: &str,
    retake_min_wait_days: &str,
    flags: [bool; 5],
    follow_up: FollowUp,
) -> Result<(), AppError> {
    let [shuffle_questions, shuffle_options, fill_per_blank, review_after_close, retake_fresh_paper] =
        flags;
    let pass_mark = match pass_kind {
        "points" => PassMark::Points(
            Points::parse(pass_value)
                .ok_or(AppError::invalid("pass_value", Msg::ErrPointsInvalid))?,
        ),
        _ => PassMark::Percent(number("pass_value", pass_value)?),
    };
    let settings = ExamSettings {
        title,
        instructions,
        duration_minutes: number("duration_minutes", duration_minutes)?,
        pass_mark,
        shuffle_questions,
        shuffle_options,
        multi_scoring: match multi_scoring {
            "partial" => MultiScoring::Partial,
            _ => MultiScoring::AllOrNothing,
        },
        fill_per_blank,
        visibility: ResultVisibility::from_key(visibility).unwrap_or_default(),
        review_after_close,
        retake_count: number("retake_count", retake_count)?,
        retake_min_wait_days: number("retake_min_wait_days", retake_min_wait_days)?,
        retake_fresh_paper,
        voided_qualifies: follow_up.voided_qualifies,
        interviewer_login: follow_up.interviewer_login,
        case_due_days: follow_up.case_due_days,
        unit_escalation_bottom: follow_up.unit_escalation_bottom,
        unit_escalation_min_candidates: follow_up.unit_escalation_min_candidates,
    };
    let lang = cx.lang();
    service::save_settings(
        &cx.state,
        a,
        &cx.info.client_addr,
        lang,
        parse_id(id)?,
        settings,
    )
    .await
}

#[cfg(feature = "ssr")]
async fn edit(id: &str, e: SectionEdit) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let lang = cx.lang();
    service::edit_sections(&cx.state, a, &cx.info.client_addr, lang, parse_id(id)?, e).await
}

#[server(endpoint = "exams/section-add")]
pub async fn add_section(id: String, title: String) -> Result<(), AppError> {
    edit(&id, SectionEdit::AddSection(title)).await
}

#[server(endpoint = "exams/section-rename")]
pub async fn rename_section(id: String, section: usize, title: String) -> Result<(), AppError> {
    edit(&id, SectionEdit::RenameSection(section, title)).await
}

#[server(endpoint = "exams/section-remove")]
pub async fn remove_section(id: String, section: usize) -> Result<(), AppError> {
    edit(&id, SectionEdit::RemoveSection(section)).await
}

#[server(endpoint = "exams/rule-add")]
pub async fn add_rule(
    id: String,
    section: usize,
    category: String,
    qtype: String,
    difficulty: String,
    count: String,
    points_each: String,
) -> Result<(), AppError> {
    let typed = [
        ("section", section.to_string()),
        ("category", category.clone()),
        ("qtype", qtype.clone()),
        ("difficulty", difficulty.clone()),
        ("count", count.clone()),
        ("points_each", points_each.clone()),
    ];
    let result = match rule_from(&category, &qtype, &difficulty, &count, &points_each) {
        Ok(rule) => edit(&id, SectionEdit::AddRule(section, rule)).await,
        Err(e) => Err(e),
    };
    keep_input_on_error(result, <AddRule as server_fn::ServerFn>::PATH, &typed)
}

#[cfg(feature = "ssr")]
fn rule_from(
    category: &str,
    qtype: &str,
    difficulty: &str,
    count: &str,
    points_each: &str,
) -> Result<DrawRule, AppError> {
    Ok(DrawRule {
        category: match category.trim() {
            "" => None,
            c => Some(
                c.parse()
                    .map_err(|_| AppError::invalid("category", Msg::ErrBadRequest))?,
            ),
        },
        qtype: QuestionType::from_key(qtype).ok_or(AppError::invalid("qtype", Msg::ErrRequired))?,
        difficulty: match difficulty.trim() {
            "" => None,
            d => Some(number("difficulty", d)?),
        },
        count: number("count", count)?,
        points_each: Points::parse(points_each)
            .ok_or(AppError::invalid("points_each", Msg::ErrPointsInvalid))?,
    })
}

#[server(endpoint = "exams/rule-remove")]
pub async fn remove_rule(id: String, section: usize, rule: usize) -> Result<(), AppError> {
    edit(&id, SectionEdit::RemoveRule(section, rule)).await
}

/// `question_ids` lists question IDs separated by commas, spaces or line breaks.
#[server(endpoint = "exams/fixed-add")]
pub async fn add_fixed(
    id: String,
    section: usize,
    question_ids: String,
    points: String,
) -> Result<(), AppError> {
    let typed = [
        ("section", section.to_string()),
        ("question_ids", question_ids.clone()),
        ("points", points.clone()),
    ];
    let parsed = question_ids
        .split([',', ' ', '\n', '\r', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| AppError::invalid("question_ids", Msg::ErrBadRequest))
        })
        .collect::<Result<Vec<_>, _>>();
    let result = match (parsed, Points::parse(&points)) {
        (Ok(ids), _) if ids.is_empty() => Err(AppError::invalid("question_ids", Msg::ErrRequired)),
        (Ok(ids), Some(points)) => edit(&id, SectionEdit::AddFixed(section, ids, points)).await,
        (Ok(_), None) => Err(AppError::invalid("points", Msg::ErrPointsInvalid)),
        (Err(e), _) => Err(e),
    };
    keep_input_on_error(result, <AddFixed as server_fn::ServerFn>::PATH, &typed)
}

#[server(endpoint = "exams/fixed-remove")]
pub async fn remove_fixed(id: String, section: usize, item: usize) -> Result<(), AppError> {
    edit(&id, SectionEdit::RemoveFixed(section, item)).await
}

/// A sample paper drawn with `seed`, as a candidate sees it or, with `with_answers`, with
/// the key for the organizer.
#[server(endpoint = "exams/preview")]
pub async fn preview_exam(
    id: String,
    seed: u64,
    with_answers: bool,
) -> Result<Vec<PreviewItem>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let lang = cx.lang();
    service::preview(&cx.state, a, lang, parse_id(&id)?, seed, with_answers).await
}

/// The exam with its bank's name and categories and the text of its fixed questions;
/// one request instead of one per fixed question.
#[server(endpoint = "exams/editor-data")]
pub async fn exam_editor_data(id: String) -> Result<EditorData, AppError> {
    use crate::question_bank::api::{get_bank, get_question, list_categories};
    let exam = get_exam(id).await?;
    let bank_id = exam.bank_id.to_string();
    let bank_name = get_bank(bank_id.clone()).await?.name;
    let categories = list_categories(bank_id).await?;
    // Collected first: an iterator over borrowed items must not live across an await.
    let ids: Vec<crate::question_bank::model::QuestionId> = exam
        .sections
        .iter()
        .flat_map(|s| s.fixed.iter())
        .map(|f| f.question_id)
        .collect();
    let mut fixed = std::collections::HashMap::new();
    for qid in ids {
        if fixed.contains_key(&qid) {
            continue;
        }
        if let Ok(q) = get_question(qid.to_string()).await {
            fixed.insert(
                qid,
                super::model::FixedInfo {
                    stem: q.draft.stem,
                    qtype: q.draft.qtype,
                },
            );
        }
    }
    Ok(EditorData {
        exam,
        bank_name,
        categories,
        fixed,
    })
}
