//! Taking an exam: start, (re)open, save, navigate, submit and the background
//! finalisation at the deadline; the invigilator's actions; regrades.
//!
//! Writes to running attempts go through the group-commit [`Writer`]; everything that
//! only reads uses the read pool. The server's clock is read once per request, at
//! arrival, and that instant is what deadlines are checked against.

use std::collections::HashMap;

use crate::accounts::model::UserId;
use crate::audit::model::AuditAction;
use crate::error::AppError;
use crate::grading::model::ItemShape;
use crate::i18n::Msg;
use crate::papers::domain::DrawnItem;
use crate::papers::model::{ExamId, ExamSettings, PaperQuestion};
use crate::question_bank::model::{Points, QuestionId};
use crate::server::{AppState, Authed};
use crate::sittings::domain::{self as sdomain, StartRefusal};
use crate::sittings::model::{Accommodation, SittingId};
use crate::time::Timestamp;

use super::domain;
use super::grade::{Grader, Override};
use super::model::*;
use super::repo::{self, AttemptRow};
use super::writer::{Caller, Writer};

/// The attempt machinery of one app server: its group-commit writer, the grading
/// caches and the configured grace after deadlines.
#[derive(Clone)]
pub struct Runtime {
    pub writer: Writer,
    pub grader: Grader,
    pub grace_ms: i64,
}

impl Runtime {
    /// Starts the writer task; call inside the Tokio runtime.
    pub fn start(
        db: crate::db::Db,
        clock: std::sync::Arc<dyn crate::server::Clock>,
        grace_ms: i64,
    ) -> Runtime {
        let grace_ms = domain::clamp_grace_ms(grace_ms);
        let grader = Grader::default();
        Runtime {
            writer: Writer::spawn(db, clock, grader.clone(), grace_ms),
            grader,
            grace_ms,
        }
    }
}

fn caller(a: &Authed, arrived: Timestamp) -> Caller {
    Caller {
        user: a.user.id,
        session: a.token_hash.clone(),
        arrived,
    }
}

fn json_err(what: &'static str) -> impl FnOnce(serde_json::Error) -> AppError {
    move |e| {
        tracing::error!(error = %e, "{what} unreadable");
        AppError::Internal
    }
}

fn points(v: Option<i32>) -> Points {
    Points(v.unwrap_or(0).max(0) as u32)
}

fn status_of(row: &AttemptRow) -> AttemptStatus {
    AttemptStatus::from_key(&row.status).unwrap_or(AttemptStatus::Submitted)
}

fn accommodation(a: &repo::AssignmentRow) -> Accommodation {
    Accommodation {
        extra_minutes: a.extra_minutes.max(0) as u32,
        extra_percent: a.extra_percent.max(0) as u32,
        reason: a.accommodation_reason.clone(),
    }
}

fn result_of(row: &AttemptRow) -> Option<ResultView> {
    Some(ResultView {
        score: Points(row.score?.max(0) as u32),
        max: Points(row.max_score.max(0) as u32),
        passed: row.passed?,
    })
}

/// The start page of a sitting for the signed-in candidate.
pub async fn start_info(
    state: &AppState,
    a: &Authed,
    id: SittingId,
) -> Result<StartInfo, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let sitting = crate::sittings::repo::get_sitting(&mut c, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let asg = repo::assignment(&mut c, id, a.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let exam = crate::papers::repo::get_exam(&mut c, sitting.exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = crate::papers::service::settings_of(&exam)?;
    let attempt = repo::of_candidate(&mut c, id, a.user.id).await?;
    let spec = crate::sittings::service::spec_of(&sitting);
    let paper: Option<Vec<DrawnItem>> = asg
        .paper
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(json_err("assignment paper"))?;
    let refusal = match (&attempt, &paper) {
        (Some(_), _) => None,
        (None, None) => Some(StartRefusal::NoPaper),
        (None, Some(_)) => sdomain::can_start(&spec, now).err(),
    };
    let (count, total) = match &paper {
        Some(p) => (p.len() as u32, Points(p.iter().map(|i| i.points.0).sum())),
        None => (0, Points(0)),
    };
    let acc = accommodation(&asg);
    Ok(StartInfo {
        sitting_id: id,
        exam_id: sitting.exam_id,
        exam_title: sitting.exam_title,
        sitting_name: sitting.name,
        instructions: settings.instructions.clone(),
        duration_minutes: settings.duration_minutes,
        extra_minutes: (sdomain::extra_ms(&acc, settings.duration_minutes) / 60_000) as u32,
        question_count: count,
        total_points: total,
        window_start: sitting.window_start,
        window_end: sitting.window_end,
        location: sitting.location,
        server_now: now,
        refusal,
        attempt_status: attempt.as_ref().map(status_of),
        attempt: attempt.map(|r| r.id),
    })
}

/// Starts (or, if already started, returns) the candidate's attempt. Idempotent: the
/// unique (sitting, candidate) key makes concurrent starts converge on one attempt.
pub async fn start(
    state: &AppState,
    a: &Authed,
    id: SittingId,
    pledged: bool,
) -> Result<AttemptId, AppError> {
    let arrived = state.clock.now();
    let mut c = state.db.read().await?;
    if let Some(existing) = repo::of_candidate(&mut c, id, a.user.id).await? {
        return Ok(existing.id);
    }
    let sitting = crate::sittings::repo::get_sitting(&mut c, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let asg = repo::assignment(&mut c, id, a.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !pledged {
        return Err(AppError::invalid("pledge", Msg::ErrPledgeRequired));
    }
    let spec = crate::sittings::service::spec_of(&sitting);
    sdomain::can_start(&spec, arrived).map_err(|r| AppError::Conflict(r.msg()))?;
    let Some(paper_json) = asg.paper.clone() else {
        return Err(AppError::Conflict(StartRefusal::NoPaper.msg()));
    };
    let paper: Vec<DrawnItem> =
        serde_json::from_str(&paper_json).map_err(json_err("assignment paper"))?;
    let exam = crate::papers::repo::get_exam(&mut c, sitting.exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = crate::papers::service::settings_of(&exam)?;
    let sections = crate::papers::service::sections_of(&exam)?;
    let grader = &state.attempts.grader;
    let mut items = Vec::with_capacity(paper.len());
    let mut shapes = Vec::with_capacity(paper.len());
    for item in &paper {
        let v = grader.version(&mut c, item.version_id).await?;
        let options: Vec<String> = item
            .option_order
            .iter()
            .filter_map(|&i| v.content.options.get(usize::from(i)).cloned())
            .collect();
        shapes.push(ItemShape {
            qtype: v.content.qtype,
            options: options.len().min(u8::MAX as usize) as u8,
            blanks: v.content.blanks.min(u8::MAX as usize) as u8,
        });
        items.push(AttemptItem {
            section_title: sections
                .get(item.section as usize)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            question: PaperQuestion {
                qtype: v.content.qtype,
                stem: v.content.stem.clone(),
                options,
                blanks: v.content.blanks,
                points: item.points,
                image: v.content.image,
            },
        });
    }
    drop(c);
    let max: u32 = paper.iter().map(|i| i.points.0).sum();
    let deadline = sdomain::deadline(
        &spec,
        settings.duration_minutes,
        &accommodation(&asg),
        arrived,
    );
    state
        .attempts
        .writer
        .start(repo::NewAttempt {
            id: AttemptId(uuid::Uuid::new_v4()),
            sitting_id: id,
            user_id: a.user.id,
            exam_id: sitting.exam_id,
            started_at: arrived,
            deadline,
            content: serde_json::to_string(&items).map_err(|_| AppError::Internal)?,
            paper: paper_json,
            shapes: serde_json::to_string(&shapes).map_err(|_| AppError::Internal)?,
            session_hash: a.token_hash.clone(),
            max_score: i32::try_from(max).unwrap_or(i32::MAX),
        })
        .await
}

async fn owned(state: &AppState, a: &Authed, id: AttemptId) -> Result<AttemptRow, AppError> {
    let mut c = state.db.read().await?;
    match repo::get(&mut c, id).await? {
        Some(r) if r.user_id == a.user.id => Ok(r),
        _ => Err(AppError::NotFound),
    }
}

async fn visible_result(
    state: &AppState,
    row: &AttemptRow,
    now: Timestamp,
) -> Result<Option<ResultView>, AppError> {
    if status_of(row) != AttemptStatus::Submitted {
        return Ok(None);
    }
    let mut c = state.db.read().await?;
    let exam = crate::papers::repo::get_exam(&mut c, row.exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = crate::papers::service::settings_of(&exam)?;
    let sitting = crate::sittings::repo::get_sitting(&mut c, row.sitting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(
        domain::result_visible(settings.visibility, now, sitting.window_end)
            .then(|| result_of(row))
            .flatten(),
    )
}

/// Opens an attempt in this browser session. A session other than the one holding the
/// attempt is refused (and the refusal recorded) until an invigilator unlocks it.
pub async fn view(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: AttemptId,
) -> Result<AttemptView, AppError> {
    let now = state.clock.now();
    let row = owned(state, a, id).await?;
    let status = status_of(&row);
    if status == AttemptStatus::Open {
        match row.session_hash.as_deref() {
            Some(h) if h == a.token_hash => {}
            Some(_) => {
                let mut tx = state.db.begin().await?;
                repo::insert_event(&mut tx, id, now, "second_session_refused", addr).await?;
                crate::audit::service::record(
                    &mut tx,
                    now,
                    a,
                    addr,
                    AuditAction::AttemptSecondSessionRefused,
                    &id.to_string(),
                    "",
                )
                .await?;
                tx.commit().await?;
                return Err(AppError::Attempt(AttemptRefusal::OtherDevice));
            }
            None => {
                let mut tx = state.db.begin().await?;
                let took = repo::claim_session(&mut tx, id, &a.token_hash).await?;
                tx.commit().await?;
                if took == 0 {
                    return Err(AppError::Attempt(AttemptRefusal::OtherDevice));
                }
            }
        }
    }
    let result = visible_result(state, &row, now).await?;
    let (items, answers) = if status == AttemptStatus::Open {
        let items: Vec<AttemptItem> =
            serde_json::from_str(&row.content).map_err(json_err("attempt content"))?;
        let mut c = state.db.read().await?;
        let answers = repo::answers(&mut c, id)
            .await?
            .into_iter()
            .map(|r| {
                Ok(SavedAnswer {
                    position: r.position.max(0) as u32,
                    response: r
                        .response
                        .as_deref()
                        .map(serde_json::from_str)
                        .transpose()
                        .map_err(json_err("stored response"))?,
                    flagged: r.flagged,
                    seq: r.seq,
                    saved_at: r.saved_at,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        (items, answers)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut c = state.db.read().await?;
    let sitting = crate::sittings::repo::get_sitting(&mut c, row.sitting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AttemptView {
        id,
        exam_title: sitting.exam_title,
        sitting_name: sitting.name,
        status,
        items,
        answers,
        current: row.current_pos.max(0) as u32,
        deadline: row.deadline,
        server_now: now,
        submitted_at: row.submitted_at,
        result,
    })
}

pub async fn save(state: &AppState, a: &Authed, req: SaveRequest) -> Result<SaveAck, AppError> {
    let who = caller(a, state.clock.now());
    state.attempts.writer.save(who, req).await
}

pub async fn navigate(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
    position: u32,
) -> Result<(), AppError> {
    let who = caller(a, state.clock.now());
    state.attempts.writer.navigate(who, id, position).await
}

pub async fn event(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
    ev: ClientEvent,
) -> Result<(), AppError> {
    let who = caller(a, state.clock.now());
    state
        .attempts
        .writer
        .event(who, id, ev.key().to_owned(), String::new())
        .await
}

/// The shape of one item and the number of items, for the plain answer form.
pub async fn shape_and_count(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
    position: u32,
) -> Result<(ItemShape, u32), AppError> {
    let mut c = state.db.read().await?;
    match repo::gate_state(&mut c, id).await? {
        Some(s) if s.user_id == a.user.id => {}
        _ => return Err(AppError::NotFound),
    }
    let shape = state.attempts.grader.shape(&mut c, id, position).await?;
    let json = repo::shapes(&mut c, id).await?.ok_or(AppError::NotFound)?;
    let count = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&json)
        .map_err(json_err("attempt shapes"))?
        .len() as u32;
    Ok((shape, count))
}

/// A stem image shown in the candidate's own attempt.
pub async fn attempt_image(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
    image: crate::question_bank::model::ImageId,
) -> Result<(String, Vec<u8>), AppError> {
    let row = owned(state, a, id).await?;
    let items: Vec<AttemptItem> =
        serde_json::from_str(&row.content).map_err(json_err("attempt content"))?;
    if !items.iter().any(|i| i.question.image == Some(image)) {
        return Err(AppError::NotFound);
    }
    let mut c = state.db.read().await?;
    let img = crate::question_bank::repo::get_image(&mut c, image)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((img.content_type, img.bytes))
}

/// The attempt's status and deadline, for the countdown's re-synchronisation.
pub async fn clock(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
) -> Result<(AttemptStatus, Timestamp), AppError> {
    let mut c = state.db.read().await?;
    match repo::gate_state(&mut c, id).await? {
        Some(s) if s.user_id == a.user.id => Ok((
            AttemptStatus::from_key(&s.status).unwrap_or(AttemptStatus::Submitted),
            s.deadline,
        )),
        _ => Err(AppError::NotFound),
    }
}

/// Submits the attempt (idempotent) and returns the result if the policy shows it now.
pub async fn submit(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
) -> Result<Option<ResultView>, AppError> {
    let who = caller(a, state.clock.now());
    state.attempts.writer.submit(who, id).await?;
    let row = owned(state, a, id).await?;
    visible_result(state, &row, state.clock.now()).await
}

/// The candidate's running and finished attempts, for the landing page.
pub async fn mine(
    state: &AppState,
    a: &Authed,
) -> Result<(Vec<OpenAttempt>, Vec<PastAttempt>), AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let mut open = Vec::new();
    let mut past = Vec::new();
    for r in repo::of_user(&mut c, a.user.id).await? {
        if AttemptStatus::from_key(&r.status) == Some(AttemptStatus::Open) {
            open.push(OpenAttempt {
                attempt: r.id,
                exam_title: r.exam_title,
                sitting_name: r.sitting_name,
                deadline: r.deadline,
            });
        } else {
            let settings: ExamSettings =
                serde_json::from_str(&r.settings).map_err(json_err("exam settings"))?;
            let result = match (r.score, r.passed) {
                (Some(s), Some(p))
                    if domain::result_visible(settings.visibility, now, r.window_end) =>
                {
                    Some(ResultView {
                        score: Points(s.max(0) as u32),
                        max: Points(r.max_score.max(0) as u32),
                        passed: p,
                    })
                }
                _ => None,
            };
            past.push(PastAttempt {
                attempt: r.id,
                exam_title: r.exam_title,
                sitting_name: r.sitting_name,
                submitted_at: r.submitted_at.unwrap_or(r.deadline),
                result,
            });
        }
    }
    Ok((open, past))
}

/// Submits and grades every open attempt whose deadline (plus grace and the finaliser's
/// slack) has passed. Safe to run on every app server at once: each attempt is
/// finalised by exactly one of them (see [`repo::mark_submitted`]). Returns how many
/// attempts this call finalised.
pub async fn finalize_due(state: &AppState) -> Result<usize, AppError> {
    const CHUNK: i64 = 200;
    let mut done = 0;
    loop {
        let now = state.clock.now();
        let cutoff = domain::due_cutoff(now, state.attempts.grace_ms);
        let mut ids = {
            let mut c = state.db.read().await?;
            repo::due(&mut c, cutoff, CHUNK).await?
        };
        if ids.is_empty() {
            return Ok(done);
        }
        ids.sort();
        let n = ids.len();
        let mut tx = state.db.begin().await?;
        let mut rules = super::grade::ExamRules::default();
        for id in ids {
            if repo::mark_submitted(&mut tx, id, None, "deadline", Some(cutoff)).await? {
                state
                    .attempts
                    .grader
                    .grade_with(&mut tx, id, now, &mut rules)
                    .await?;
                done += 1;
            }
        }
        tx.commit().await?;
        if (n as i64) < CHUNK {
            return Ok(done);
        }
    }
}

// Invigilation.

fn check_reason(reason: &str) -> Result<String, AppError> {
    let r = reason.trim();
    if r.is_empty() || r.chars().count() > domain::MAX_REASON_CHARS {
        return Err(AppError::invalid("reason", Msg::ErrReasonRequired));
    }
    Ok(r.to_owned())
}

pub async fn proctor_view(
    state: &AppState,
    a: &Authed,
    id: SittingId,
) -> Result<ProctorView, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let sitting = crate::sittings::service::sitting_for(&mut c, a, id).await?;
    let roster = crate::sittings::repo::roster(&mut c, id).await?;
    let attempts: HashMap<UserId, AttemptRow> = repo::of_sitting(&mut c, id)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r))
        .collect();
    let progress: HashMap<AttemptId, repo::ProgressRow> = repo::progress_of_sitting(&mut c, id)
        .await?
        .into_iter()
        .map(|p| (p.attempt_id, p))
        .collect();
    let events = repo::events_of_sitting(&mut c, id, 200).await?;
    let rows = roster
        .into_iter()
        .map(|r| {
            let at = attempts.get(&r.user_id);
            let pr = at.and_then(|x| progress.get(&x.id));
            let total = at
                .and_then(|x| serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&x.shapes).ok())
                .map(|v| v.len() as u32)
                .unwrap_or(0);
            ProctorRow {
                user_id: r.user_id,
                login: r.login,
                display_name: r.display_name,
                unit_name: r.unit_name,
                attempt: at.map(|x| x.id),
                status: at.map(status_of),
                started_at: at.map(|x| x.started_at),
                deadline: at.map(|x| x.deadline),
                answered: pr.map(|p| p.answered.max(0) as u32).unwrap_or(0),
                total,
                last_save_at: at.and_then(|x| x.last_save_at),
                events: pr.map(|p| p.events.max(0) as u32).unwrap_or(0),
                unlocked: at.is_some_and(|x| {
                    x.session_hash.is_none() && status_of(x) == AttemptStatus::Open
                }),
                score: at.and_then(|x| x.score.map(|s| Points(s.max(0) as u32))),
                passed: at.and_then(|x| x.passed),
                voided: at.is_some_and(|x| x.voided_at.is_some()),
            }
        })
        .collect();
    Ok(ProctorView {
        sitting_id: id,
        sitting_name: sitting.name,
        exam_title: sitting.exam_title,
        window_start: sitting.window_start,
        window_end: sitting.window_end,
        server_now: now,
        rows,
        events: events
            .into_iter()
            .map(|e| EventView {
                at: e.at,
                login: e.login,
                display_name: e.display_name,
                kind: e.kind,
                detail: e.detail,
            })
            .collect(),
    })
}

/// An attempt in the invigilator's scope.
async fn attempt_in_scope(
    state: &AppState,
    a: &Authed,
    id: AttemptId,
) -> Result<AttemptRow, AppError> {
    let mut c = state.db.read().await?;
    let row = repo::get(&mut c, id).await?.ok_or(AppError::NotFound)?;
    crate::sittings::service::sitting_for(&mut c, a, row.sitting_id).await?;
    Ok(row)
}

/// Gives running attempts more time: one candidate's (`user`) or everyone's in the sitting.
pub async fn extend(
    state: &AppState,
    a: &Authed,
    addr: &str,
    sitting: SittingId,
    user: Option<UserId>,
    minutes: u32,
    reason: &str,
) -> Result<u32, AppError> {
    let now = state.clock.now();
    if !(1..=domain::MAX_EXTEND_MINUTES).contains(&minutes) {
        return Err(AppError::invalid("minutes", Msg::ErrExtendMinutesRange));
    }
    let reason = check_reason(reason)?;
    {
        let mut c = state.db.read().await?;
        crate::sittings::service::sitting_for(&mut c, a, sitting).await?;
    }
    let mut tx = state.db.begin().await?;
    let mut changed = 0;
    let mut rows = repo::of_sitting(&mut tx, sitting).await?;
    rows.sort_by_key(|r| r.id);
    for r in rows {
        if user.is_some_and(|u| u != r.user_id) || status_of(&r) != AttemptStatus::Open {
            continue;
        }
        let new = domain::extended_deadline(r.deadline, now, minutes);
        if repo::set_deadline(&mut tx, r.id, new).await? {
            changed += 1;
            repo::insert_event(
                &mut tx,
                r.id,
                now,
                "time_extended",
                &format!("+{minutes} min: {reason}"),
            )
            .await?;
        }
    }
    if changed == 0 {
        return Err(AppError::Conflict(Msg::ErrNoRunningAttempt));
    }
    let target = match user {
        Some(u) => format!("{sitting}/{u}"),
        None => sitting.to_string(),
    };
    crate::audit::service::record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::AttemptExtended,
        &target,
        &format!("+{minutes} min × {changed}: {reason}"),
    )
    .await?;
    tx.commit().await?;
    Ok(changed)
}

/// Releases an attempt from the browser session holding it, so the candidate can go on
/// in another browser (the next one to open it takes it).
pub async fn unlock(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: AttemptId,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let reason = check_reason(reason)?;
    let row = attempt_in_scope(state, a, id).await?;
    if status_of(&row) != AttemptStatus::Open {
        return Err(AppError::Conflict(Msg::ErrNoRunningAttempt));
    }
    let mut tx = state.db.begin().await?;
    repo::release_session(&mut tx, id).await?;
    repo::insert_event(&mut tx, id, now, "unlocked", &reason).await?;
    crate::audit::service::record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::AttemptUnlocked,
        &id.to_string(),
        &reason,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reopens an attempt submitted by mistake, with `minutes` to go from now.
pub async fn reopen(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: AttemptId,
    minutes: u32,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    if !(1..=domain::MAX_EXTEND_MINUTES).contains(&minutes) {
        return Err(AppError::invalid("minutes", Msg::ErrExtendMinutesRange));
    }
    let reason = check_reason(reason)?;
    attempt_in_scope(state, a, id).await?;
    let mut tx = state.db.begin().await?;
    if !repo::reopen(&mut tx, id, now.plus_secs(i64::from(minutes) * 60)).await? {
        return Err(AppError::Conflict(Msg::ErrNotSubmitted));
    }
    repo::insert_event(
        &mut tx,
        id,
        now,
        "reopened",
        &format!("+{minutes} min: {reason}"),
    )
    .await?;
    crate::audit::service::record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::AttemptReopened,
        &id.to_string(),
        &format!("+{minutes} min: {reason}"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Voids a submitted attempt (e.g. for cheating): it no longer counts as a pass or a
/// failure. If the sitting has closed, the retake chain is decided again.
pub async fn void(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: AttemptId,
    reason: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let reason = check_reason(reason)?;
    let row = attempt_in_scope(state, a, id).await?;
    let mut tx = state.db.begin().await?;
    if !repo::void(&mut tx, id, &reason, now).await? {
        return Err(AppError::Conflict(Msg::ErrNotSubmitted));
    }
    repo::insert_event(&mut tx, id, now, "voided", &reason).await?;
    let key = format!("{}/void/{id}", row.exam_id);
    crate::jobs::repo::enqueue(
        &mut tx,
        crate::jobs::service::REEVALUATE_EXAM,
        &key,
        &row.exam_id.to_string(),
        now,
        now,
    )
    .await?;
    crate::audit::service::record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::AttemptVoided,
        &id.to_string(),
        &reason,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// Regrades.

/// The questions that submitted attempts of an exam contain, with the regrade in force.
pub async fn regrade_questions(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<Vec<RegradeQuestion>, AppError> {
    let mut c = state.db.read().await?;
    crate::papers::service::exam_for(&mut c, a, exam).await?;
    let overrides = Grader::overrides(&mut c, exam).await?;
    let mut counts: HashMap<QuestionId, (u32, crate::question_bank::model::VersionId)> =
        HashMap::new();
    for row in repo::submitted_of_exam(&mut c, exam).await? {
        let paper: Vec<DrawnItem> =
            serde_json::from_str(&row.paper).map_err(json_err("attempt paper"))?;
        for item in paper {
            counts
                .entry(item.question_id)
                .or_insert((0, item.version_id))
                .0 += 1;
        }
    }
    let mut out = Vec::with_capacity(counts.len());
    for (q, (n, v)) in counts {
        let cached = state.attempts.grader.version(&mut c, v).await?;
        out.push(RegradeQuestion {
            question_id: q,
            stem: cached.content.stem.clone(),
            attempts: n,
            current: overrides.get(&q).map(|o| match o {
                Override::Void => "void".to_owned(),
                Override::Key(_) => "key".to_owned(),
            }),
        });
    }
    out.sort_by(|x, y| x.stem.cmp(&y.stem));
    Ok(out)
}

async fn regrade_changes(
    state: &AppState,
    ex: &mut impl crate::db::Exec,
    exam: ExamId,
    question: QuestionId,
    mode: RegradeMode,
) -> Result<
    (
        Vec<(RegradeChange, crate::grading::domain::Graded)>,
        Option<crate::question_bank::model::VersionId>,
    ),
    AppError,
> {
    let row = crate::papers::repo::get_exam(ex, exam)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = crate::papers::service::settings_of(&row)?;
    let mut overrides = Grader::overrides(ex, exam).await?;
    let version = match mode {
        RegradeMode::Void => {
            overrides.insert(question, Override::Void);
            None
        }
        RegradeMode::CurrentKey => {
            let v = repo::current_version(ex, question)
                .await?
                .ok_or(AppError::NotFound)?;
            overrides.insert(question, Override::Key(v));
            Some(v)
        }
    };
    let names: HashMap<AttemptId, (String, String)> = repo::names_of_exam(ex, exam)
        .await?
        .into_iter()
        .map(|(id, l, n)| (id, (l, n)))
        .collect();
    let mut out = Vec::new();
    for r in repo::submitted_of_exam(ex, exam).await? {
        let paper: Vec<DrawnItem> =
            serde_json::from_str(&r.paper).map_err(json_err("attempt paper"))?;
        if !paper.iter().any(|i| i.question_id == question) {
            continue;
        }
        let g = state
            .attempts
            .grader
            .compute(ex, &r, &settings, &overrides)
            .await?;
        let old_score = points(r.score);
        let old_passed = r.passed.unwrap_or(false);
        if g.score != old_score || g.passed != old_passed {
            let (login, display_name) = names.get(&r.id).cloned().unwrap_or_default();
            out.push((
                RegradeChange {
                    attempt: r.id,
                    login,
                    display_name,
                    old_score,
                    new_score: g.score,
                    old_passed,
                    new_passed: g.passed,
                },
                g,
            ));
        }
    }
    out.sort_by(|a, b| a.0.login.cmp(&b.0.login));
    Ok((out, version))
}

/// A dry run: every submitted attempt whose score or verdict the regrade would change.
pub async fn regrade_preview(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
    question: QuestionId,
    mode: RegradeMode,
) -> Result<Vec<RegradeChange>, AppError> {
    let mut c = state.db.read().await?;
    crate::papers::service::exam_for(&mut c, a, exam).await?;
    let (changes, _) = regrade_changes(state, &mut c, exam, question, mode).await?;
    Ok(changes.into_iter().map(|(c, _)| c).collect())
}

/// Applies a regrade in one transaction: records it (so later gradings follow it),
/// re-stores every changed result and audits the change.
pub async fn regrade_apply(
    state: &AppState,
    a: &Authed,
    addr: &str,
    exam: ExamId,
    question: QuestionId,
    mode: RegradeMode,
    reason: &str,
) -> Result<Vec<RegradeChange>, AppError> {
    let now = state.clock.now();
    let reason = check_reason(reason)?;
    {
        let mut c = state.db.read().await?;
        crate::papers::service::exam_for(&mut c, a, exam).await?;
    }
    let mut tx = state.db.begin().await?;
    let (changes, version) = regrade_changes(state, &mut tx, exam, question, mode).await?;
    repo::insert_regrade(
        &mut tx,
        exam,
        question,
        mode.key(),
        version,
        &reason,
        a.user.id,
        now,
    )
    .await?;
    for (c, g) in &changes {
        super::grade::store(&mut tx, c.attempt, g, now).await?;
        repo::bump_regrade_count(&mut tx, c.attempt).await?;
    }
    // Results of closed sittings, retakes and cases follow the new grades.
    if !changes.is_empty() {
        let key = format!("{exam}/{}", uuid::Uuid::new_v4());
        crate::jobs::repo::enqueue(
            &mut tx,
            crate::jobs::service::REEVALUATE_EXAM,
            &key,
            &exam.to_string(),
            now,
            now,
        )
        .await?;
    }
    crate::audit::service::record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::RegradeApplied,
        &format!("{exam}/{question}"),
        &format!("{} ({} changed): {reason}", mode.key(), changes.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(changes.into_iter().map(|(c, _)| c).collect())
}
