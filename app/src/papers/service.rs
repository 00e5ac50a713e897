//! Exam use cases: create, change settings and sections (validated against the bank,
//! with exact shortfalls), preview a sample draw, and the draw itself for candidates'
//! papers. Every change is one transaction that also regenerates the papers of sittings
//! that have not opened yet; opened sittings keep theirs.

use std::collections::HashMap;

use uuid::Uuid;

use crate::audit::model::AuditAction;
use crate::audit::service::record;
use crate::db::Exec;
use crate::error::{AppError, FieldProblem};
use crate::i18n::{Lang, Msg};
use crate::question_bank::domain::{option_letter, AnswerKey};
use crate::question_bank::model::{BankId, CategoryId, QuestionId, QuestionType, VersionId};
use crate::question_bank::repo as qrepo;
use crate::question_bank::service::{bank_for, decode_content, decode_key, Access};
use crate::server::{AppState, Authed};

use super::domain::{self, DrawnItem, PaperPlan, PoolQuestion};
use super::model::*;
use super::repo::{self, ExamRow};

fn corrupt(e: serde_json::Error) -> AppError {
    tracing::error!(error = %e, "stored exam unreadable");
    AppError::Internal
}

pub fn settings_of(row: &ExamRow) -> Result<ExamSettings, AppError> {
    serde_json::from_str(&row.settings).map_err(corrupt)
}

pub fn sections_of(row: &ExamRow) -> Result<Vec<SectionSpec>, AppError> {
    serde_json::from_str(&row.sections).map_err(corrupt)
}

/// The exam if it is owned inside the caller's scope.
pub async fn exam_for(ex: &mut impl Exec, a: &Authed, id: ExamId) -> Result<ExamRow, AppError> {
    let row = repo::get_exam(ex, id).await?.ok_or(AppError::NotFound)?;
    if a.covers(&row.owner_path) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

fn summary(r: ExamRow) -> ExamSummary {
    let duration = serde_json::from_str::<ExamSettings>(&r.settings)
        .map(|s| s.duration_minutes)
        .unwrap_or_default();
    ExamSummary {
        id: r.id,
        title: r.title,
        bank_id: r.bank_id,
        bank_name: r.bank_name,
        owner_unit_id: r.owner_unit_id,
        question_count: r.question_count.max(0) as u32,
        total_points: crate::question_bank::model::Points(r.total_points.max(0) as u32),
        duration_minutes: duration,
        sitting_count: r.sitting_count.max(0) as u32,
        updated_at: r.updated_at,
    }
}

pub async fn list_exams(state: &AppState, a: &Authed) -> Result<Vec<ExamSummary>, AppError> {
    let mut c = state.db.read().await?;
    Ok(repo::list_exams(&mut c, &a.scope.path)
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

pub async fn get_exam(state: &AppState, a: &Authed, id: ExamId) -> Result<ExamDetail, AppError> {
    let mut c = state.db.read().await?;
    let row = exam_for(&mut c, a, id).await?;
    Ok(ExamDetail {
        id: row.id,
        bank_id: row.bank_id,
        owner_unit_id: row.owner_unit_id,
        settings: settings_of(&row)?,
        sections: sections_of(&row)?,
        total_points: crate::question_bank::model::Points(row.total_points.max(0) as u32),
        question_count: row.question_count.max(0) as u32,
        editable: true,
    })
}

pub async fn create_exam(
    state: &AppState,
    a: &Authed,
    addr: &str,
    bank: BankId,
    title: &str,
) -> Result<ExamId, AppError> {
    let settings = ExamSettings {
        title: title.trim().to_owned(),
        ..ExamSettings::default()
    };
    let now = state.clock.now();
    let id = ExamId(Uuid::new_v4());
    let mut tx = state.db.begin().await?;
    bank_for(&mut tx, a, bank, Access::Read).await?;
    let problems = domain::validate_settings(&settings);
    if !problems.is_empty() {
        return Err(AppError::Problems(problems));
    }
    let settings_json = serde_json::to_string(&settings).map_err(corrupt)?;
    repo::insert_exam(
        &mut tx,
        &repo::NewExam {
            id,
            bank_id: bank,
            owner: a.scope.id,
            title: &settings.title,
            settings: &settings_json,
            sections: "[]",
            by: a.user.id,
            now,
        },
    )
    .await?;
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::ExamCreated,
        &id.to_string(),
        &settings.title,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The bank's active questions as the draw sees them, with fixed questions at the
/// version the paper pinned.
pub async fn pool_for(
    ex: &mut impl Exec,
    bank: BankId,
    sections: &[SectionSpec],
) -> Result<Vec<PoolQuestion>, AppError> {
    let rows = qrepo::active_pool(ex, bank).await?;
    let pinned: HashMap<QuestionId, VersionId> = sections
        .iter()
        .flat_map(|s| s.fixed.iter())
        .filter_map(|f| f.version_id.map(|v| (f.question_id, v)))
        .collect();
    let mut pool = Vec::with_capacity(rows.len());
    for r in rows {
        let (version_id, content) = match pinned.get(&r.id) {
            Some(v) if *v != r.current_version_id => {
                let old = qrepo::get_version(ex, *v)
                    .await?
                    .ok_or(AppError::NotFound)?;
                (*v, old.content)
            }
            _ => (r.current_version_id, r.content),
        };
        let content = decode_content(&content)?;
        pool.push(PoolQuestion {
            id: r.id,
            version_id,
            category_path: r
                .category_path
                .split('/')
                .filter(|s| !s.is_empty())
                .filter_map(|s| s.parse().ok())
                .collect(),
            qtype: QuestionType::from_key(&r.qtype).unwrap_or(QuestionType::Single),
            difficulty: r.difficulty.clamp(0, 5) as u8,
            option_count: content.options.len().min(255) as u8,
        });
    }
    Ok(pool)
}

/// Checks sections against the bank; problems come back in the caller's language.
pub async fn plan_for(
    ex: &mut impl Exec,
    bank: BankId,
    sections: &[SectionSpec],
    lang: Lang,
) -> Result<(PaperPlan, Vec<PoolQuestion>), AppError> {
    let pool = pool_for(ex, bank, sections).await?;
    let categories: HashMap<CategoryId, String> = qrepo::list_categories(ex, bank)
        .await?
        .into_iter()
        .map(|k| (k.id, k.name_path.replace('/', " / ")))
        .collect();
    let names = |id: CategoryId| categories.get(&id).cloned().unwrap_or_default();
    match domain::validate_sections(sections, &pool, &names) {
        Ok(plan) => Ok((plan, pool)),
        Err(problems) => Err(AppError::Problems(problems.into_field_problems(lang))),
    }
}

pub fn has_items(sections: &[SectionSpec]) -> bool {
    sections
        .iter()
        .any(|s| !s.fixed.is_empty() || !s.rules.is_empty())
}

/// Validates and stores new settings and sections, pins fixed questions' versions and
/// regenerates papers of sittings that have not opened.
async fn store(
    state: &AppState,
    a: &Authed,
    addr: &str,
    lang: Lang,
    id: ExamId,
    change: impl FnOnce(&mut ExamSettings, &mut Vec<SectionSpec>) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row = exam_for(&mut tx, a, id).await?;
    let mut settings = settings_of(&row)?;
    let mut sections = sections_of(&row)?;
    change(&mut settings, &mut sections)?;
    let mut problems = domain::validate_settings(&settings);
    // An exam under construction may have no questions yet; it is saved, and its papers
    // stay empty until it has some.
    let plan = if !has_items(&sections) {
        None
    } else {
        match plan_for(&mut tx, row.bank_id, &sections, lang).await {
            Ok((plan, pool)) => {
                let current: HashMap<QuestionId, VersionId> =
                    pool.iter().map(|p| (p.id, p.version_id)).collect();
                let mut pins = Vec::new();
                for item in sections.iter_mut().flat_map(|s| s.fixed.iter_mut()) {
                    if item.version_id.is_none() {
                        item.version_id = current.get(&item.question_id).copied();
                    }
                    pins.extend(item.version_id);
                }
                qrepo::mark_in_use(&mut tx, &pins).await?;
                Some(plan)
            }
            Err(AppError::Problems(p)) => {
                problems.extend(p);
                None
            }
            Err(e) => return Err(e),
        }
    };
    if let (Some(plan), PassMark::Points(p)) = (&plan, settings.pass_mark) {
        if p > plan.total_points {
            problems.push(FieldProblem::new("pass_mark", Msg::ErrPassMarkAboveTotal));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Problems(problems));
    }
    let totals = plan
        .as_ref()
        .map(|p| (p.total_points.0 as i32, p.question_count as i32))
        .unwrap_or((0, 0));
    let settings_json = serde_json::to_string(&settings).map_err(corrupt)?;
    let sections_json = serde_json::to_string(&sections).map_err(corrupt)?;
    repo::update_exam(
        &mut tx,
        id,
        &settings.title,
        &settings_json,
        &sections_json,
        totals,
        now,
    )
    .await?;
    crate::sittings::service::regenerate_unopened(&mut tx, id, now).await?;
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::ExamUpdated,
        &id.to_string(),
        &settings.title,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn save_settings(
    state: &AppState,
    a: &Authed,
    addr: &str,
    lang: Lang,
    id: ExamId,
    new: ExamSettings,
) -> Result<(), AppError> {
    let login = new.interviewer_login.trim();
    if !login.is_empty() {
        let mut c = state.db.read().await?;
        if crate::escalation::repo::active_interviewer_by_login(&mut c, login)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "interviewer_login",
                Msg::ErrNotInterviewer,
            ));
        }
    }
    store(state, a, addr, lang, id, |settings, _| {
        *settings = new;
        Ok(())
    })
    .await
}

/// One edit of the paper's sections, as the editor's small forms send them.
#[derive(Debug, Clone)]
pub enum SectionEdit {
    AddSection(String),
    RenameSection(usize, String),
    RemoveSection(usize),
    AddRule(usize, DrawRule),
    RemoveRule(usize, usize),
    AddFixed(usize, Vec<QuestionId>, crate::question_bank::model::Points),
    RemoveFixed(usize, usize),
}

pub async fn edit_sections(
    state: &AppState,
    a: &Authed,
    addr: &str,
    lang: Lang,
    id: ExamId,
    edit: SectionEdit,
) -> Result<(), AppError> {
    store(state, a, addr, lang, id, |_, sections| {
        let missing = || AppError::invalid("section", Msg::ErrBadRequest);
        match edit {
            SectionEdit::AddSection(title) => sections.push(SectionSpec {
                title: title.trim().to_owned(),
                fixed: Vec::new(),
                rules: Vec::new(),
            }),
            SectionEdit::RenameSection(i, title) => {
                sections.get_mut(i).ok_or_else(missing)?.title = title.trim().to_owned()
            }
            SectionEdit::RemoveSection(i) => {
                if i >= sections.len() {
                    return Err(missing());
                }
                sections.remove(i);
            }
            SectionEdit::AddRule(i, rule) => {
                sections.get_mut(i).ok_or_else(missing)?.rules.push(rule)
            }
            SectionEdit::RemoveRule(i, r) => {
                let s = sections.get_mut(i).ok_or_else(missing)?;
                if r >= s.rules.len() {
                    return Err(missing());
                }
                s.rules.remove(r);
            }
            SectionEdit::AddFixed(i, ids, points) => {
                let s = sections.get_mut(i).ok_or_else(missing)?;
                for question_id in ids {
                    s.fixed.push(FixedItem {
                        question_id,
                        version_id: None,
                        points,
                    });
                }
            }
            SectionEdit::RemoveFixed(i, f) => {
                let s = sections.get_mut(i).ok_or_else(missing)?;
                if f >= s.fixed.len() {
                    return Err(missing());
                }
                s.fixed.remove(f);
            }
        }
        Ok(())
    })
    .await
}

/// Draws one candidate's paper for an exam.
pub fn draw_paper(
    plan: &PaperPlan,
    pool: &[PoolQuestion],
    settings: &ExamSettings,
    seed: u64,
) -> Vec<DrawnItem> {
    domain::draw(
        plan,
        pool,
        settings.shuffle_questions,
        settings.shuffle_options,
        seed,
    )
}

/// Renders drawn items as the candidate sees them (options in the candidate's order),
/// and, for organizers only, the key in the same order.
pub async fn render_items(
    ex: &mut impl Exec,
    sections: &[SectionSpec],
    items: &[DrawnItem],
    with_key: bool,
) -> Result<Vec<PreviewItem>, AppError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let v = qrepo::get_version(ex, item.version_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let content = decode_content(&v.content)?;
        let order: Vec<usize> = item.option_order.iter().map(|&i| usize::from(i)).collect();
        let options = order
            .iter()
            .filter_map(|&i| content.options.get(i).cloned())
            .collect();
        let key = if with_key {
            Some(match decode_key(&v.answer_key)? {
                AnswerKey::Choice(c) => order
                    .iter()
                    .enumerate()
                    .filter(|(_, orig)| c.contains(orig))
                    .map(|(shown, _)| option_letter(shown))
                    .collect(),
                AnswerKey::TrueFalse(true) => "正确 / True".to_owned(),
                AnswerKey::TrueFalse(false) => "错误 / False".to_owned(),
                AnswerKey::Blanks { answers, .. } => answers
                    .iter()
                    .map(|a| a.join(" / "))
                    .collect::<Vec<_>>()
                    .join(" | "),
            })
        } else {
            None
        };
        let section = item.section as usize;
        out.push(PreviewItem {
            section: item.section,
            section_title: sections
                .get(section)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            question: PaperQuestion {
                qtype: content.qtype,
                stem: content.stem,
                options,
                blanks: content.blanks,
                points: item.points,
                image: content.image,
            },
            key,
            explanation: with_key.then_some(content.explanation),
        });
    }
    Ok(out)
}

/// A sample draw exactly as a candidate would get one; with answers for organizers.
pub async fn preview(
    state: &AppState,
    a: &Authed,
    lang: Lang,
    id: ExamId,
    seed: u64,
    with_key: bool,
) -> Result<Vec<PreviewItem>, AppError> {
    let mut c = state.db.read().await?;
    let row = exam_for(&mut c, a, id).await?;
    let settings = settings_of(&row)?;
    let sections = sections_of(&row)?;
    if !has_items(&sections) {
        return Ok(Vec::new());
    }
    let (plan, pool) = plan_for(&mut c, row.bank_id, &sections, lang).await?;
    let items = draw_paper(&plan, &pool, &settings, seed);
    render_items(&mut c, &sections, &items, with_key).await
}
