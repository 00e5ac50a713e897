//! The retake chain at work: closing a sitting (results, absentees, retakes, escalation),
//! re-evaluating after a regrade, the organizer's overview and "create a retake sitting
//! for everyone awaiting one", and a candidate's own retakes.

use std::collections::{BTreeMap, HashSet};

use uuid::Uuid;

use crate::accounts::model::UserId;
use crate::audit::model::AuditAction;
use crate::audit::service::record;
use crate::db::Tx;
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::jobs::service::{finish, Claimed, Handled, JobError, UNIT_ESCALATION};
use crate::notifications::model::Note;
use crate::notifications::service::{notify, staff_covering};
use crate::papers::model::{ExamId, ExamSettings};
use crate::papers::service as papers;
use crate::question_bank::model::QuestionId;
use crate::server::{AppState, Authed};
use crate::sittings::model::{SittingId, SittingMode, SittingSpec};
use crate::sittings::repo::{self as srepo, SittingRow};
use crate::time::Timestamp;

use super::domain::{self, Chain, Next, Outcome, RetakePolicy, Round, Slot, DAY_MS};
use super::model::*;
use super::repo::{self, NewRetake};

/// The warning stored when a retake paper had to reuse questions already seen.
pub const FRESH_PAPER_FALLBACK: &str = "fresh_paper_fallback";

pub fn policy_of(s: &ExamSettings) -> RetakePolicy {
    RetakePolicy {
        retakes: s.retake_count,
        min_wait_ms: i64::from(s.retake_min_wait_days) * DAY_MS,
        voided_qualifies: s.voided_qualifies,
    }
}

/// What the chain of one exam needs to act.
pub(crate) struct ExamCtx {
    pub id: ExamId,
    pub title: String,
    pub owner_path: String,
    pub settings: ExamSettings,
    pub policy: RetakePolicy,
    pub mail: bool,
}

impl ExamCtx {
    pub(crate) async fn load(
        tx: &mut Tx,
        state: &AppState,
        exam: ExamId,
    ) -> Result<ExamCtx, JobError> {
        let row = crate::papers::repo::get_exam(tx, exam)
            .await?
            .ok_or_else(|| JobError(format!("exam {exam} not found")))?;
        let settings = papers::settings_of(&row)?;
        Ok(ExamCtx {
            id: exam,
            title: row.title,
            owner_path: row.owner_path,
            policy: policy_of(&settings),
            settings,
            mail: state.mailer.is_some(),
        })
    }
}

/// Side effects gathered while deciding many candidates, reported once.
#[derive(Default)]
pub(crate) struct Effects {
    pub newly_awaiting: u32,
}

fn round_of(r: &repo::RoundRow) -> Option<Round> {
    Some(Round {
        sitting: r.sitting_id,
        is_retake: r.is_retake,
        outcome: Outcome::from_key(&r.outcome)?,
        decided_at: r.decided_at,
    })
}

/// The close job of one sitting: once its window and grace are over and no attempt is
/// open, records every assigned candidate's outcome (absent when never started), marks
/// the retakes placed in it as sat, and decides each candidate's chain.
pub async fn close_sitting(
    state: &AppState,
    job: &Claimed,
    id: SittingId,
    now: Timestamp,
) -> Result<Handled, JobError> {
    let mut tx = state.db.begin().await?;
    let Some(s) = srepo::get_sitting(&mut tx, id).await? else {
        finish(&mut tx, job, now).await?;
        tx.commit().await?;
        return Ok(Handled::Done);
    };
    if s.closed_at.is_some() {
        finish(&mut tx, job, now).await?;
        tx.commit().await?;
        return Ok(Handled::Done);
    }
    let grace = state.attempts.grace_ms;
    let (open, latest_deadline) = repo::open_attempts(&mut tx, id).await?;
    if !domain::sitting_closed(s.window_end, grace, now, open.max(0) as u64) {
        let wait_for = latest_deadline
            .unwrap_or(s.window_end)
            .0
            .max(s.window_end.0)
            + grace;
        return Ok(Handled::Later(Timestamp(wait_for.max(now.0 + 1_000))));
    }
    let outcomes = repo::assigned_outcomes(&mut tx, id).await?;
    // An attempt submitted but not graded yet cannot be decided: try again shortly.
    let mut decided = Vec::with_capacity(outcomes.len());
    for o in &outcomes {
        match Outcome::of_attempt(o.started, o.voided, o.passed) {
            Some(out) => decided.push((o.user_id, out)),
            None => return Ok(Handled::Later(Timestamp(now.0 + 2_000))),
        }
    }
    repo::set_closed(&mut tx, id, now).await?;
    for (user, out) in &decided {
        repo::put_result(&mut tx, id, *user, s.exam_id, out.key(), now).await?;
    }
    repo::mark_sat(&mut tx, id, now).await?;
    let cx = ExamCtx::load(&mut tx, state, s.exam_id).await?;
    let mut fx = Effects::default();
    for (user, _) in &decided {
        evaluate(&mut tx, &cx, *user, Some(id), now, &mut fx).await?;
    }
    report_awaiting(&mut tx, &cx, &fx, now).await?;
    if !s.is_retake
        && cx.settings.unit_escalation_bottom > 0
        && repo::first_sittings_all_closed(&mut tx, s.exam_id).await?
    {
        let key = s.exam_id.to_string();
        crate::jobs::repo::enqueue(&mut tx, UNIT_ESCALATION, &key, &key, now, now).await?;
    }
    finish(&mut tx, job, now).await?;
    tx.commit().await?;
    Ok(Handled::Done)
}

/// After a regrade: rewrites the outcomes of the exam's closed sittings from the
/// attempts' new grades and re-decides every candidate whose outcome changed.
pub async fn reevaluate_exam(
    state: &AppState,
    job: &Claimed,
    exam: ExamId,
    now: Timestamp,
) -> Result<Handled, JobError> {
    let mut tx = state.db.begin().await?;
    let cx = ExamCtx::load(&mut tx, state, exam).await?;
    let mut changed: Vec<(UserId, SittingId)> = Vec::new();
    for (sitting, closed_at) in repo::closed_sittings(&mut tx, exam).await? {
        for o in repo::assigned_outcomes(&mut tx, sitting).await? {
            let Some(out) = Outcome::of_attempt(o.started, o.voided, o.passed) else {
                continue;
            };
            if repo::put_result(&mut tx, sitting, o.user_id, exam, out.key(), closed_at).await? {
                changed.push((o.user_id, sitting));
            }
        }
    }
    let mut fx = Effects::default();
    let mut seen = HashSet::new();
    for (user, sitting) in changed {
        if seen.insert(user) {
            evaluate(&mut tx, &cx, user, Some(sitting), now, &mut fx).await?;
        }
    }
    report_awaiting(&mut tx, &cx, &fx, now).await?;
    finish(&mut tx, job, now).await?;
    tx.commit().await?;
    Ok(Handled::Done)
}

pub(crate) async fn report_awaiting(
    tx: &mut Tx,
    cx: &ExamCtx,
    fx: &Effects,
    now: Timestamp,
) -> Result<(), JobError> {
    if fx.newly_awaiting == 0 {
        return Ok(());
    }
    let count = repo::awaiting(tx, cx.id).await?.len() as u32;
    let note = Note::RetakesAwaitingSitting {
        exam: cx.title.clone(),
        count,
    };
    let link = format!("/organize/exams/{}/retakes", cx.id);
    for org in staff_covering(tx, &cx.owner_path).await? {
        notify(tx, cx.mail, org, &note, &link, now).await?;
    }
    Ok(())
}

/// Decides one candidate's chain and acts on it.
async fn evaluate(
    tx: &mut Tx,
    cx: &ExamCtx,
    user: UserId,
    source: Option<SittingId>,
    now: Timestamp,
    fx: &mut Effects,
) -> Result<(), JobError> {
    let rounds: Vec<Round> = repo::rounds(tx, cx.id, user)
        .await?
        .iter()
        .filter_map(round_of)
        .collect();
    let open = repo::open_retake(tx, cx.id, user).await?;
    let chain = Chain {
        open_assignment: open.is_some(),
        case_opened_at: repo::last_case_opened(tx, cx.id, user).await?,
    };
    match domain::decide(&cx.policy, &rounds, chain) {
        Next::Nothing | Next::Wait => {}
        Next::Done => {
            if let Some(r) = open {
                cancel_retake(tx, cx, &r, now).await?;
            }
            crate::escalation::service::withdraw_person_case(tx, cx.id, user, now).await?;
        }
        Next::Retake { round, not_before } => {
            assign_retake(
                tx,
                cx,
                user,
                round as i32,
                source,
                None,
                not_before,
                now,
                fx,
            )
            .await?;
        }
        Next::Escalate { .. } => {
            crate::escalation::service::open_person_case(tx, cx, user, &rounds, now).await?;
        }
    }
    Ok(())
}

async fn cancel_retake(
    tx: &mut Tx,
    cx: &ExamCtx,
    r: &repo::RetakeRow,
    now: Timestamp,
) -> Result<(), JobError> {
    repo::cancel(tx, r.id, now).await?;
    if let Some(sitting) = r.sitting_id {
        // The seat is given back while the retake sitting has not opened; an opened one
        // keeps its roster (the candidate simply need not come).
        if let Some(s) = srepo::get_sitting(tx, sitting).await? {
            if s.window_start > now {
                srepo::delete_assignment(tx, sitting, r.user_id).await?;
            }
        }
    }
    let note = Note::RetakeCancelled {
        exam: cx.title.clone(),
    };
    notify(tx, cx.mail, r.user_id, &note, "/", now).await?;
    Ok(())
}

/// Creates a retake assignment: into the earliest retake sitting at or after
/// `not_before` with a free seat, else onto the awaiting list. Used by the chain and by
/// an interview's "re-test" outcome (`case` set).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn assign_retake(
    tx: &mut Tx,
    cx: &ExamCtx,
    user: UserId,
    round: i32,
    source: Option<SittingId>,
    case: Option<Uuid>,
    not_before: Timestamp,
    now: Timestamp,
    fx: &mut Effects,
) -> Result<(), JobError> {
    let slots: Vec<Slot> = repo::retake_slots(tx, cx.id, now)
        .await?
        .into_iter()
        .filter(|r| r.id != source.unwrap_or(SittingId(Uuid::nil())))
        .map(|r| Slot {
            sitting: r.id,
            window_start: r.window_start,
            free_seats: (i64::from(r.capacity) - r.assigned).max(0) as u32,
        })
        .collect();
    let mut chosen = None;
    if let Some(sid) = domain::choose_sitting(not_before, &slots) {
        if let Some(s) = srepo::get_sitting(tx, sid).await? {
            if !srepo::is_assigned(tx, sid, user).await? {
                chosen = Some(s);
            }
        }
    }
    match chosen {
        Some(s) => {
            let warning = place_into(tx, cx, &s, user, now).await?;
            repo::insert_retake(
                tx,
                &NewRetake {
                    exam: cx.id,
                    user,
                    round,
                    source_sitting: source,
                    case,
                    sitting: Some(s.id),
                    not_before,
                    warning: warning.then_some(FRESH_PAPER_FALLBACK),
                },
                now,
            )
            .await?;
            notify_assigned(tx, cx, user, &s, now).await?;
        }
        None => {
            repo::insert_retake(
                tx,
                &NewRetake {
                    exam: cx.id,
                    user,
                    round,
                    source_sitting: source,
                    case,
                    sitting: None,
                    not_before,
                    warning: None,
                },
                now,
            )
            .await?;
            let note = Note::RetakeAwaiting {
                exam: cx.title.clone(),
            };
            notify(tx, cx.mail, user, &note, "/", now).await?;
            fx.newly_awaiting += 1;
        }
    }
    Ok(())
}

async fn notify_assigned(
    tx: &mut Tx,
    cx: &ExamCtx,
    user: UserId,
    s: &SittingRow,
    now: Timestamp,
) -> Result<(), JobError> {
    let note = Note::RetakeAssigned {
        exam: cx.title.clone(),
        sitting: s.name.clone(),
        start: s.window_start,
        location: s.location.clone(),
    };
    notify(tx, cx.mail, user, &note, &format!("/exam/{}", s.id), now).await?;
    Ok(())
}

/// Assigns `user` to the retake sitting and draws the paper, avoiding the questions of
/// the candidate's earlier attempts when the policy asks for a fresh paper. Returns true
/// when the bank could not satisfy that and the full bank was used.
async fn place_into(
    tx: &mut Tx,
    cx: &ExamCtx,
    s: &SittingRow,
    user: UserId,
    now: Timestamp,
) -> Result<bool, JobError> {
    srepo::insert_assignment(tx, s, user, None, now).await?;
    let exam = crate::papers::repo::get_exam(tx, cx.id)
        .await?
        .ok_or_else(|| JobError("exam vanished".to_owned()))?;
    let sections = papers::sections_of(&exam)?;
    if !papers::has_items(&sections) {
        srepo::set_paper(tx, s.id, user, None).await?;
        return Ok(false);
    }
    let pool = papers::pool_for(tx, exam.bank_id, &sections).await?;
    let seed = crate::papers::domain::derive_seed(s.id.0, user.0, 0);
    let mut fallback = false;
    let mut items = None;
    if cx.settings.retake_fresh_paper {
        let fixed: HashSet<QuestionId> = sections
            .iter()
            .flat_map(|sec| sec.fixed.iter().map(|f| f.question_id))
            .collect();
        let mut seen: HashSet<QuestionId> = HashSet::new();
        for paper in repo::papers_seen(tx, cx.id, user).await? {
            if let Ok(drawn) = serde_json::from_str::<Vec<crate::papers::domain::DrawnItem>>(&paper)
            {
                seen.extend(drawn.into_iter().map(|d| d.question_id));
            }
        }
        let fresh: Vec<_> = pool
            .iter()
            .filter(|q| fixed.contains(&q.id) || !seen.contains(&q.id))
            .cloned()
            .collect();
        match crate::papers::domain::validate_sections(&sections, &fresh, &|_| String::new()) {
            Ok(plan) => items = Some(papers::draw_paper(&plan, &fresh, &cx.settings, seed)),
            Err(_) => fallback = true,
        }
    }
    let items = match items {
        Some(i) => i,
        None => {
            let (plan, pool) =
                papers::plan_for(tx, exam.bank_id, &sections, Lang::default()).await?;
            papers::draw_paper(&plan, &pool, &cx.settings, seed)
        }
    };
    let json = serde_json::to_string(&items).map_err(|e| JobError(format!("paper: {e}")))?;
    srepo::set_paper(tx, s.id, user, Some(&json)).await?;
    let used: Vec<_> = items.iter().map(|i| i.version_id).collect();
    crate::question_bank::repo::mark_in_use(tx, &used).await?;
    Ok(fallback)
}

// The organizer's side.

pub async fn overview(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<RetakeOverview, AppError> {
    let mut c = state.db.read().await?;
    let row = papers::exam_for(&mut c, a, exam).await?;
    let results = repo::results_of_exam(&mut c, exam).await?;
    let retakes = repo::retakes_of_exam(&mut c, exam).await?;
    let cases = crate::escalation::repo::person_case_users(&mut c, exam).await?;
    let closed = repo::closed_sittings(&mut c, exam).await?.len() as u32;

    let mut by_user: BTreeMap<UserId, Vec<Round>> = BTreeMap::new();
    for r in &results {
        if let Some(out) = Outcome::from_key(&r.outcome) {
            by_user.entry(r.user_id).or_default().push(Round {
                sitting: r.sitting_id,
                is_retake: r.is_retake,
                outcome: out,
                decided_at: r.decided_at,
            });
        }
    }
    let mut rows = Vec::new();
    let (mut qualified, mut assigned, mut awaiting, mut passed_on_retake, mut escalated) =
        (0, 0, 0, 0, 0);
    let mut awaiting_not_before: Option<Timestamp> = None;
    let policy = policy_of(&papers::settings_of(&row)?);
    for (user, mut rounds) in by_user {
        rounds.sort_by_key(|r| (r.decided_at, r.sitting));
        let Some(p) = repo::person(&mut c, user).await? else {
            continue;
        };
        if !a.covers(&p.unit_path) {
            continue;
        }
        let open = retakes
            .iter()
            .filter(|r| r.user_id == user && (r.state == "awaiting" || r.state == "assigned"))
            .max_by_key(|r| r.round);
        let status = domain::chain_status(
            &rounds,
            open.map(|r| r.state == "assigned"),
            cases.contains(&user),
        );
        let first = rounds.iter().find(|r| !r.is_retake).map(|r| r.outcome);
        if first.is_some_and(|o| {
            o != Outcome::Passed && (o != Outcome::Voided || policy.voided_qualifies)
        }) {
            qualified += 1;
        }
        match status {
            ChainStatus::RetakeAssigned => assigned += 1,
            ChainStatus::AwaitingSitting => {
                awaiting += 1;
                if let Some(r) = open {
                    awaiting_not_before =
                        Some(awaiting_not_before.map_or(r.not_before, |t| t.max(r.not_before)));
                }
            }
            ChainStatus::PassedOnRetake => passed_on_retake += 1,
            ChainStatus::Escalated => escalated += 1,
            _ => {}
        }
        rows.push(ChainRow {
            user_id: user,
            login: p.login,
            display_name: p.display_name,
            unit_name: p.unit_name,
            outcomes: rounds.iter().map(|r| r.outcome).collect(),
            status,
            sitting: open
                .and_then(|r| Some((r.sitting_id?, r.sitting_name.clone()?, r.sitting_start?))),
            not_before: open.map(|r| r.not_before),
            paper_warning: open.is_some_and(|r| r.warning.is_some()),
        });
    }
    rows.sort_by(|x, y| x.unit_name.cmp(&y.unit_name).then(x.login.cmp(&y.login)));
    Ok(RetakeOverview {
        exam_id: exam,
        exam_title: row.title,
        closed_sittings: closed,
        qualified,
        assigned,
        awaiting,
        passed_on_retake,
        escalated,
        awaiting_not_before,
        rows,
    })
}

/// Creates a retake sitting for everyone awaiting one (within the organizer's scope)
/// and places them in it, with fresh papers, in one transaction.
pub async fn create_sitting_for_awaiting(
    state: &AppState,
    a: &Authed,
    addr: &str,
    exam: ExamId,
    window_start: Timestamp,
    location: String,
) -> Result<SittingId, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row = papers::exam_for(&mut tx, a, exam).await?;
    let mut waiting = Vec::new();
    for r in repo::awaiting(&mut tx, exam).await? {
        if let Some(p) = repo::person(&mut tx, r.user_id).await? {
            if a.covers(&p.unit_path) {
                waiting.push(r);
            }
        }
    }
    if waiting.is_empty() {
        return Err(AppError::Conflict(Msg::ErrNoneAwaitingRetake));
    }
    if window_start <= now {
        return Err(AppError::invalid("window_start", Msg::ErrSittingInPast));
    }
    let latest_wait = waiting.iter().map(|r| r.not_before).max().unwrap_or(now);
    if window_start < latest_wait {
        return Err(AppError::invalid("window_start", Msg::ErrRetakeBeforeWait));
    }
    let settings = papers::settings_of(&row)?;
    let spec = SittingSpec {
        name: format!(
            "{} {}",
            Msg::RetakeSittingDefaultName.text(Lang::default()),
            crate::time::format_local_datetime(window_start).replace('T', " ")
        ),
        window_start,
        // The duration plus half an hour for arrival and accommodations.
        window_end: Timestamp(
            window_start.0 + (i64::from(settings.duration_minutes) + 30) * 60_000,
        ),
        mode: SittingMode::Flexible,
        capacity: waiting.len() as u32,
        location: location.trim().to_owned(),
        is_retake: true,
    };
    let problems = crate::sittings::domain::validate_spec(&spec, settings.duration_minutes);
    if !problems.is_empty() {
        return Err(AppError::Problems(problems));
    }
    let id = SittingId(Uuid::new_v4());
    crate::sittings::service::insert_spec(&mut tx, id, exam, &spec, a.user.id, now).await?;
    let sitting = srepo::get_sitting(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cx = ExamCtx {
        id: exam,
        title: row.title.clone(),
        owner_path: row.owner_path.clone(),
        policy: policy_of(&settings),
        settings,
        mail: state.mailer.is_some(),
    };
    for r in &waiting {
        let warning = place_into(&mut tx, &cx, &sitting, r.user_id, now)
            .await
            .map_err(job_to_app)?;
        repo::place(
            &mut tx,
            r.id,
            id,
            warning.then_some(FRESH_PAPER_FALLBACK),
            now,
        )
        .await?;
        notify_assigned(&mut tx, &cx, r.user_id, &sitting, now)
            .await
            .map_err(job_to_app)?;
    }
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::RetakeSittingCreated,
        &id.to_string(),
        &format!("{} × {}", row.title, waiting.len()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn job_to_app(e: JobError) -> AppError {
    tracing::error!(error = %e.0, "placing a retake failed");
    AppError::Internal
}

/// A candidate's open retakes.
pub async fn mine(state: &AppState, a: &Authed) -> Result<Vec<MyRetake>, AppError> {
    let mut c = state.db.read().await?;
    Ok(repo::retakes_of_user(&mut c, a.user.id)
        .await?
        .into_iter()
        .map(|r| MyRetake {
            exam_title: r.exam_title,
            round: r.round.max(0) as u32,
            sitting_id: r.sitting_id,
            sitting_name: r.sitting_name,
            window: r.sitting_start.zip(r.sitting_end),
            location: r.location,
            not_before: r.not_before,
        })
        .collect())
}
