//! Escalation use cases: opening person cases (from the retake chain) and unit cases (the
//! weakest units of an exam), the case list and dossier, and the workflow steps.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::accounts::model::{Role, UnitId, UserId};
use crate::audit::model::AuditAction;
use crate::audit::service::record;
use crate::db::{Exec, Tx};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::jobs::service::{finish, Claimed, Handled, JobError};
use crate::notifications::model::Note;
use crate::notifications::service::notify;
use crate::papers::model::ExamId;
use crate::question_bank::model::Points;
use crate::retakes::domain::{Outcome, Round, DAY_MS};
use crate::retakes::service::{assign_retake, report_awaiting, Effects, ExamCtx};
use crate::server::{AppState, Authed};
use crate::sittings::model::Accommodation;
use crate::time::Timestamp;

use super::domain::{self, Step, UnitStat};
use super::model::*;
use super::repo::{self, CaseRow, NewCase};

fn reasons_json(r: &CaseReasons) -> String {
    serde_json::to_string(r).unwrap_or_else(|_| "null".to_owned())
}

/// The interviewer of a case about a unit: the exam's named interviewer when set,
/// else the nearest interviewer up the unit chain.
async fn interviewer_for(
    tx: &mut Tx,
    cx: &ExamCtx,
    unit_path: &str,
) -> Result<Option<UserId>, JobError> {
    let login = cx.settings.interviewer_login.trim();
    if !login.is_empty() {
        if let Some(id) = repo::active_interviewer_by_login(tx, login).await? {
            return Ok(Some(id));
        }
    }
    let all = repo::interviewers(tx).await?;
    Ok(domain::nearest_interviewer(unit_path, &all))
}

fn due(cx: &ExamCtx, now: Timestamp) -> Timestamp {
    Timestamp(now.0 + i64::from(cx.settings.case_due_days.max(1)) * DAY_MS)
}

/// Opens the case of a candidate whose allowed retakes are used up (once: an open case
/// for the same candidate and exam is kept).
pub(crate) async fn open_person_case(
    tx: &mut Tx,
    cx: &ExamCtx,
    user: UserId,
    rounds: &[Round],
    now: Timestamp,
) -> Result<(), JobError> {
    let Some(p) = crate::retakes::repo::person(tx, user).await? else {
        return Ok(());
    };
    let unit = crate::accounts::repo::get_user(tx, user)
        .await?
        .map(|u| u.unit_id)
        .ok_or_else(|| JobError(format!("user {user} vanished")))?;
    let interviewer = interviewer_for(tx, cx, &p.unit_path).await?;
    let failed = rounds
        .iter()
        .filter(|r| r.outcome != Outcome::Passed)
        .count() as u32;
    let id = CaseId(Uuid::new_v4());
    let inserted = repo::insert_case(
        tx,
        &NewCase {
            id,
            kind: CaseKind::Person.key(),
            exam: cx.id,
            user: Some(user),
            unit,
            interviewer,
            reasons: &reasons_json(&CaseReasons::Person {
                failed_rounds: failed,
            }),
            due_at: due(cx, now),
        },
        now,
    )
    .await?;
    if !inserted {
        return Ok(());
    }
    repo::add_event(tx, id, now, None, "opened", "").await?;
    if let Some(i) = interviewer {
        let note = Note::CaseOpened {
            exam: cx.title.clone(),
            candidate: format!("{}（{}）", p.display_name, p.unit_name),
        };
        notify(tx, cx.mail, i, &note, &format!("/cases/{id}"), now).await?;
    }
    Ok(())
}

/// Closes a candidate's open case as withdrawn (a regrade turned the failure into a pass).
pub(crate) async fn withdraw_person_case(
    tx: &mut Tx,
    exam: ExamId,
    user: UserId,
    now: Timestamp,
) -> Result<(), JobError> {
    let Some(id) = repo::open_person_case(tx, exam, user).await? else {
        return Ok(());
    };
    let Some(row) = repo::get_case(tx, id).await? else {
        return Ok(());
    };
    if repo::set_state(
        tx,
        id,
        &row.state,
        CaseState::Closed.key(),
        None,
        None,
        None,
        Some(CaseOutcome::Withdrawn.key()),
        now,
    )
    .await?
    {
        repo::add_event(tx, id, now, None, "withdrawn", "regrade").await?;
    }
    Ok(())
}

/// The unit-escalation job of an exam, run once all its first sittings have closed:
/// opens a unit case for each of the bottom N units by first-sitting pass rate.
pub async fn escalate_units(
    state: &AppState,
    job: &Claimed,
    exam: ExamId,
    now: Timestamp,
) -> Result<Handled, JobError> {
    let mut tx = state.db.begin().await?;
    let cx = ExamCtx::load(&mut tx, state, exam).await?;
    let n = cx.settings.unit_escalation_bottom as usize;
    if n > 0 {
        // A candidate counts once per unit: passed if any first sitting was passed,
        // absent if every first sitting was missed.
        let mut people: BTreeMap<UserId, (repo::UnitResultRow, bool, bool)> = BTreeMap::new();
        for r in repo::first_results_by_unit(&mut tx, exam).await? {
            let passed = r.outcome == Outcome::Passed.key();
            let absent = r.outcome == Outcome::Absent.key();
            let e = people.entry(r.user_id).or_insert((r, false, true));
            e.1 |= passed;
            e.2 &= absent;
        }
        let mut stats: BTreeMap<UnitId, (String, String, UnitStat<UnitId>)> = BTreeMap::new();
        for (r, passed, absent) in people.into_values() {
            let e = stats.entry(r.unit_id).or_insert_with(|| {
                (
                    r.unit_name.clone(),
                    r.unit_path.clone(),
                    UnitStat {
                        unit: r.unit_id,
                        candidates: 0,
                        passed: 0,
                        absent: 0,
                        open_cases: 0,
                    },
                )
            });
            e.2.candidates += 1;
            if passed {
                e.2.passed += 1;
            } else if absent {
                e.2.absent += 1;
            }
            if r.open_case {
                e.2.open_cases += 1;
            }
        }
        let all: Vec<UnitStat<UnitId>> = stats.values().map(|v| v.2.clone()).collect();
        let bottom = domain::bottom_units(&all, n, cx.settings.unit_escalation_min_candidates);
        for (rank, s) in bottom.iter().enumerate() {
            let (name, path, _) = &stats[&s.unit];
            let interviewer = interviewer_for(&mut tx, &cx, path).await?;
            let id = CaseId(Uuid::new_v4());
            let reasons = CaseReasons::Unit {
                candidates: s.candidates,
                passed: s.passed,
                absent: s.absent,
                open_cases: s.open_cases,
                rank_from_bottom: rank as u32 + 1,
            };
            let inserted = repo::insert_case(
                &mut tx,
                &NewCase {
                    id,
                    kind: CaseKind::Unit.key(),
                    exam,
                    user: None,
                    unit: s.unit,
                    interviewer,
                    reasons: &reasons_json(&reasons),
                    due_at: due(&cx, now),
                },
                now,
            )
            .await?;
            if inserted {
                repo::add_event(&mut tx, id, now, None, "opened", "").await?;
                if let Some(i) = interviewer {
                    let note = Note::UnitCaseOpened {
                        exam: cx.title.clone(),
                        unit: name.clone(),
                    };
                    notify(&mut tx, cx.mail, i, &note, &format!("/cases/{id}"), now).await?;
                }
            }
        }
    }
    finish(&mut tx, job, now).await?;
    tx.commit().await?;
    Ok(Handled::Done)
}

// Reading cases.

fn summary(r: &CaseRow, now: Timestamp) -> CaseSummary {
    let state = CaseState::from_key(&r.state).unwrap_or(CaseState::Open);
    CaseSummary {
        id: r.id,
        kind: CaseKind::from_key(&r.kind).unwrap_or(CaseKind::Person),
        exam_id: r.exam_id,
        exam_title: r.exam_title.clone(),
        candidate: r.user_id.map(|u| {
            (
                u,
                r.user_login.clone().unwrap_or_default(),
                r.user_name.clone().unwrap_or_default(),
            )
        }),
        unit_id: r.unit_id,
        unit_name: r.unit_name.clone(),
        interviewer: r.interviewer_name.clone(),
        state,
        due_at: r.due_at,
        opened_at: r.opened_at,
        interview_at: r.interview_at,
        overdue: domain::overdue(state, r.due_at, now),
    }
}

/// Admins see the cases of units in their scope; interviewers (who are not admins) see
/// only their own cases; nobody else sees cases.
fn viewer_filter(a: &Authed) -> Result<Option<UserId>, AppError> {
    if a.has(Role::Admin) {
        Ok(None)
    } else if a.has(Role::Interviewer) {
        Ok(Some(a.user.id))
    } else {
        Err(AppError::Forbidden)
    }
}

fn may_see(a: &Authed, r: &CaseRow) -> bool {
    if a.has(Role::Admin) && a.covers(&r.unit_path) {
        return true;
    }
    a.has(Role::Interviewer) && r.interviewer_id == Some(a.user.id)
}

pub async fn list(state: &AppState, a: &Authed, f: CaseFilter) -> Result<CaseList, AppError> {
    let only = viewer_filter(a)?;
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let scope = if only.is_some() {
        "/"
    } else {
        a.scope.path.as_str()
    };
    let rows = repo::list_cases(&mut c, scope, only).await?;
    let mut exams = BTreeMap::new();
    let mut units = BTreeMap::new();
    let mut cases = Vec::new();
    for r in &rows {
        exams.insert(r.exam_id, r.exam_title.clone());
        units.insert(r.unit_id, r.unit_name.clone());
        let s = summary(r, now);
        let keep = f.exam.is_none_or(|e| e == s.exam_id)
            && f.unit.is_none_or(|u| u == s.unit_id)
            && f.state.is_none_or(|st| st == s.state)
            && (!f.overdue_only || s.overdue);
        if keep {
            cases.push(s);
        }
    }
    // Overdue first, then the soonest due.
    cases.sort_by_key(|s| (!s.overdue, s.state == CaseState::Closed, s.due_at));
    Ok(CaseList {
        cases,
        exams: exams.into_iter().collect(),
        units: units.into_iter().collect(),
    })
}

async fn case_for(ex: &mut impl Exec, a: &Authed, id: CaseId) -> Result<CaseRow, AppError> {
    viewer_filter(a)?;
    let row = repo::get_case(ex, id).await?.ok_or(AppError::NotFound)?;
    if may_see(a, &row) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

fn points(v: Option<i32>) -> Option<Points> {
    v.map(|p| Points(p.max(0) as u32))
}

pub async fn detail(state: &AppState, a: &Authed, id: CaseId) -> Result<CaseDetail, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let row = case_for(&mut c, a, id).await?;
    let reasons = serde_json::from_str::<CaseReasons>(&row.reasons)
        .unwrap_or(CaseReasons::Person { failed_rounds: 0 });
    let mut rounds = Vec::new();
    if let Some(user) = row.user_id {
        for d in repo::dossier_rounds(&mut c, row.exam_id, user).await? {
            let mut categories: BTreeMap<String, (u32, u32)> = BTreeMap::new();
            if let (Some(paper), Some(pts)) = (&d.paper, &d.item_points) {
                let items: Vec<crate::papers::domain::DrawnItem> =
                    serde_json::from_str(paper).unwrap_or_default();
                let got: Vec<u32> = serde_json::from_str(pts).unwrap_or_default();
                for (i, item) in items.iter().enumerate() {
                    let cat = repo::question_category(&mut c, item.question_id).await?;
                    let e = categories.entry(cat).or_default();
                    e.0 += got.get(i).copied().unwrap_or(0);
                    e.1 += item.points.0;
                }
            }
            let events = match d.attempt_id {
                Some(t) => repo::event_counts(&mut c, t)
                    .await?
                    .into_iter()
                    .map(|(k, n)| (k, n.max(0) as u32))
                    .collect(),
                None => Vec::new(),
            };
            let accommodation =
                (d.extra_minutes > 0 || d.extra_percent > 0).then(|| Accommodation {
                    extra_minutes: d.extra_minutes.max(0) as u32,
                    extra_percent: d.extra_percent.max(0) as u32,
                    reason: d.accommodation_reason.clone(),
                });
            rounds.push(DossierRound {
                sitting_name: d.sitting_name,
                is_retake: d.is_retake,
                window_start: d.window_start,
                outcome: d.outcome.as_deref().and_then(Outcome::from_key),
                score: points(d.score),
                max: points(d.max_score),
                time_used_secs: d
                    .started_at
                    .zip(d.submitted_at)
                    .map(|(s, e)| s.secs_until(e).max(0)),
                categories: categories
                    .into_iter()
                    .map(|(category, (got, max))| CategoryScore {
                        category,
                        got: Points(got),
                        max: Points(max),
                    })
                    .collect(),
                events,
                accommodation,
                regraded: d.regrade_count.unwrap_or(0).max(0) as u32,
            });
        }
    }
    let events = repo::events(&mut c, id)
        .await?
        .into_iter()
        .map(|e| CaseEventView {
            at: e.at,
            actor: e.actor_login,
            action: e.action,
            detail: e.detail,
        })
        .collect();
    let can_act = may_act(a, &row);
    Ok(CaseDetail {
        summary: summary(&row, now),
        reasons,
        place: row.place.clone(),
        notes: row.notes.clone(),
        outcome: row.outcome.as_deref().and_then(CaseOutcome::from_key),
        closed_at: row.closed_at,
        rounds,
        regrades: repo::regrades(&mut c, row.exam_id).await?,
        events,
        can_act,
    })
}

fn may_act(a: &Authed, r: &CaseRow) -> bool {
    (a.has(Role::Admin) && a.covers(&r.unit_path))
        || (a.has(Role::Interviewer) && r.interviewer_id == Some(a.user.id))
}

// The workflow.

/// What a workflow step carries.
pub enum StepInput {
    Schedule { at: Timestamp, place: String },
    Record { notes: String, outcome: CaseOutcome },
    Close,
}

pub const MAX_NOTES_CHARS: usize = 5_000;
pub const MAX_PLACE_CHARS: usize = 200;

pub async fn step(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: CaseId,
    input: StepInput,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row = case_for(&mut tx, a, id).await?;
    if !may_act(a, &row) {
        return Err(AppError::Forbidden);
    }
    let from = CaseState::from_key(&row.state).unwrap_or(CaseState::Open);
    let kind = match &input {
        StepInput::Schedule { .. } => Step::Schedule,
        StepInput::Record { .. } => Step::Record,
        StepInput::Close => Step::Close,
    };
    let to = domain::transition(from, kind).ok_or(AppError::Conflict(Msg::ErrCaseStep))?;
    let actor = Some((a.user.id, a.user.login.as_str()));
    let (action, detail) = match &input {
        StepInput::Schedule { at, place } => {
            let place = place.trim();
            if place.is_empty() || place.chars().count() > MAX_PLACE_CHARS {
                return Err(AppError::invalid("place", Msg::ErrPlaceRequired));
            }
            if *at <= now {
                return Err(AppError::invalid("interview_at", Msg::ErrInterviewInPast));
            }
            repo::set_state(
                &mut tx,
                id,
                from.key(),
                to.key(),
                Some(*at),
                Some(place),
                None,
                None,
                now,
            )
            .await?
            .then_some(())
            .ok_or(AppError::Conflict(Msg::ErrCaseStep))?;
            if let Some(user) = row.user_id {
                let note = Note::InterviewScheduled {
                    exam: row.exam_title.clone(),
                    at: *at,
                    place: place.to_owned(),
                };
                notify(
                    &mut tx,
                    state.mailer.is_some(),
                    user,
                    &note,
                    "/notifications",
                    now,
                )
                .await?;
            }
            ("scheduled", format!("{} {}", at.display_cst(), place))
        }
        StepInput::Record { notes, outcome } => {
            let notes = notes.trim();
            if notes.is_empty() || notes.chars().count() > MAX_NOTES_CHARS {
                return Err(AppError::invalid("notes", Msg::ErrNotesRequired));
            }
            if !domain::recordable(*outcome) {
                return Err(AppError::invalid("outcome", Msg::ErrRequired));
            }
            repo::set_state(
                &mut tx,
                id,
                from.key(),
                to.key(),
                None,
                None,
                Some(notes),
                Some(outcome.key()),
                now,
            )
            .await?
            .then_some(())
            .ok_or(AppError::Conflict(Msg::ErrCaseStep))?;
            ("interviewed", outcome.key().to_owned())
        }
        StepInput::Close => {
            repo::set_state(
                &mut tx,
                id,
                from.key(),
                to.key(),
                None,
                None,
                None,
                None,
                now,
            )
            .await?
            .then_some(())
            .ok_or(AppError::Conflict(Msg::ErrCaseStep))?;
            if row.outcome.as_deref() == Some(CaseOutcome::Retest.key()) {
                if let Some(user) = row.user_id {
                    retest(&mut tx, state, &row, user, now).await?;
                }
            }
            ("closed", String::new())
        }
    };
    repo::add_event(&mut tx, id, now, actor, action, &detail).await?;
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::CaseUpdated,
        &id.to_string(),
        action,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A "re-test" outcome: the candidate gets one more retake assignment, due at once.
async fn retest(
    tx: &mut Tx,
    state: &AppState,
    row: &CaseRow,
    user: UserId,
    now: Timestamp,
) -> Result<(), AppError> {
    let run = async {
        let cx = ExamCtx::load(tx, state, row.exam_id).await?;
        if crate::retakes::repo::open_retake(tx, row.exam_id, user)
            .await?
            .is_some()
        {
            return Ok(());
        }
        let round = crate::retakes::repo::max_round(tx, row.exam_id, user).await? + 1;
        let mut fx = Effects::default();
        assign_retake(
            tx,
            &cx,
            user,
            round,
            None,
            Some(row.id.0),
            now,
            now,
            &mut fx,
        )
        .await?;
        report_awaiting(tx, &cx, &fx, now).await?;
        Ok::<(), JobError>(())
    };
    run.await.map_err(|e| {
        tracing::error!(error = %e.0, "creating the re-test failed");
        AppError::Internal
    })
}
