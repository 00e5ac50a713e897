//! Sitting use cases: scheduling, assigning candidates (previewed with every conflict
//! listed, then committed in one transaction), accommodations, and drawing each
//! candidate's paper ahead of time. A sitting's papers are frozen once it opens.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::accounts::model::{UnitId, UserId};
use crate::audit::model::AuditAction;
use crate::audit::service::record;
use crate::db::{like_escape, Exec};
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::papers::model::ExamId;
use crate::papers::service as papers;
use crate::server::{AppState, Authed};
use crate::time::Timestamp;

use super::domain;
use super::model::*;
use super::repo::{self, CandidateRow, SittingRow};

fn mode_of(row: &SittingRow) -> SittingMode {
    match row.mode.as_str() {
        "fixed" => SittingMode::FixedStart {
            late_entry_minutes: row.late_entry_minutes.max(0) as u32,
        },
        _ => SittingMode::Flexible,
    }
}

pub fn spec_of(row: &SittingRow) -> SittingSpec {
    SittingSpec {
        name: row.name.clone(),
        window_start: row.window_start,
        window_end: row.window_end,
        mode: mode_of(row),
        capacity: row.capacity.max(0) as u32,
        location: row.location.clone(),
        is_retake: row.is_retake,
    }
}

fn view(row: SittingRow, now: Timestamp) -> SittingView {
    let spec = spec_of(&row);
    let phase = domain::phase(&spec, now);
    SittingView {
        id: row.id,
        exam_id: row.exam_id,
        exam_title: row.exam_title,
        assigned: row.assigned.max(0) as u32,
        editable: phase == SittingPhase::Scheduled,
        phase,
        spec,
    }
}

pub(crate) async fn sitting_for(
    ex: &mut impl Exec,
    a: &Authed,
    id: SittingId,
) -> Result<SittingRow, AppError> {
    let row = repo::get_sitting(ex, id).await?.ok_or(AppError::NotFound)?;
    if a.covers(&row.owner_path) {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

fn data_of(spec: &SittingSpec) -> repo::SittingData<'_> {
    let (mode, late) = match spec.mode {
        SittingMode::FixedStart { late_entry_minutes } => ("fixed", late_entry_minutes),
        SittingMode::Flexible => ("flexible", 0),
    };
    repo::SittingData {
        name: spec.name.trim(),
        window_start: spec.window_start,
        window_end: spec.window_end,
        mode,
        late_entry_minutes: late.min(i32::MAX as u32) as i32,
        capacity: spec.capacity.min(i32::MAX as u32) as i32,
        location: spec.location.trim(),
        is_retake: spec.is_retake,
    }
}

/// Stores a new sitting (already validated by the caller).
pub(crate) async fn insert_spec(
    ex: &mut impl Exec,
    id: SittingId,
    exam: ExamId,
    spec: &SittingSpec,
    by: UserId,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    repo::insert_sitting(ex, id, exam, &data_of(spec), by, now).await
}

pub async fn create_sitting(
    state: &AppState,
    a: &Authed,
    addr: &str,
    exam: ExamId,
    spec: SittingSpec,
) -> Result<SittingId, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let exam_row = papers::exam_for(&mut tx, a, exam).await?;
    let settings = papers::settings_of(&exam_row)?;
    let problems = domain::validate_spec(&spec, settings.duration_minutes);
    if !problems.is_empty() {
        return Err(AppError::Problems(problems));
    }
    if spec.window_start <= now {
        return Err(AppError::invalid("window_start", Msg::ErrSittingInPast));
    }
    let id = SittingId(Uuid::new_v4());
    repo::insert_sitting(&mut tx, id, exam, &data_of(&spec), a.user.id, now).await?;
    let detail = format!("{} {}", exam_row.title, spec.name.trim());
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::SittingCreated,
        &id.to_string(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_sitting(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: SittingId,
    spec: SittingSpec,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let row = sitting_for(&mut tx, a, id).await?;
    if domain::phase(&spec_of(&row), now) != SittingPhase::Scheduled {
        return Err(AppError::Conflict(Msg::ErrSittingOpened));
    }
    let exam_row = papers::exam_for(&mut tx, a, row.exam_id).await?;
    let settings = papers::settings_of(&exam_row)?;
    let problems = domain::validate_spec(&spec, settings.duration_minutes);
    if !problems.is_empty() {
        return Err(AppError::Problems(problems));
    }
    if spec.capacity < row.assigned.max(0) as u32 {
        return Err(AppError::invalid("capacity", Msg::ErrCapacityBelowAssigned));
    }
    // A new window must not make an assigned candidate sit two exams at once.
    let mut clashes = Vec::new();
    for user in repo::assigned_users(&mut tx, id).await? {
        if let Some(other) =
            repo::overlapping(&mut tx, user, id, spec.window_start, spec.window_end).await?
        {
            let login = crate::accounts::repo::get_user(&mut tx, user)
                .await?
                .map(|u| u.login)
                .unwrap_or_default();
            clashes.push(crate::error::FieldProblem::with_detail(
                "window_start",
                Msg::ErrWindowClashes,
                format!("{login}: {other}"),
            ));
        }
    }
    if !clashes.is_empty() {
        return Err(AppError::Problems(clashes));
    }
    repo::update_sitting(&mut tx, id, &data_of(&spec), now).await?;
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::SittingUpdated,
        &id.to_string(),
        spec.name.trim(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_sittings(
    state: &AppState,
    a: &Authed,
    from: Timestamp,
) -> Result<Vec<SittingView>, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    Ok(repo::list_sittings(&mut c, &a.scope.path, from)
        .await?
        .into_iter()
        .map(|r| view(r, now))
        .collect())
}

pub async fn sittings_of_exam(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<Vec<SittingView>, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    papers::exam_for(&mut c, a, exam).await?;
    Ok(repo::sittings_of_exam(&mut c, exam)
        .await?
        .into_iter()
        .map(|r| view(r, now))
        .collect())
}

pub async fn get_sitting(
    state: &AppState,
    a: &Authed,
    id: SittingId,
) -> Result<SittingView, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    Ok(view(sitting_for(&mut c, a, id).await?, now))
}

pub async fn roster(
    state: &AppState,
    a: &Authed,
    id: SittingId,
) -> Result<Vec<AssignedCandidate>, AppError> {
    let mut c = state.db.read().await?;
    sitting_for(&mut c, a, id).await?;
    Ok(repo::roster(&mut c, id)
        .await?
        .into_iter()
        .map(|r| AssignedCandidate {
            user_id: r.user_id,
            login: r.login,
            display_name: r.display_name,
            unit_name: r.unit_name,
            accommodation: Accommodation {
                extra_minutes: r.extra_minutes.max(0) as u32,
                extra_percent: r.extra_percent.max(0) as u32,
                reason: r.accommodation_reason,
            },
            assigned_at: r.assigned_at,
        })
        .collect())
}

/// Who to assign.
#[derive(Debug, Clone)]
pub enum Selector {
    Logins(Vec<String>),
    /// A unit, with or without its sub-units.
    Unit {
        unit: UnitId,
        with_sub_units: bool,
    },
    RankTag(String),
}

struct Evaluation {
    ok: Vec<CandidateRow>,
    conflicts: Vec<ConflictRow>,
    seats_left: u32,
}

fn conflict(c: &CandidateRow, conflict: AssignConflict, detail: Option<String>) -> ConflictRow {
    ConflictRow {
        login: c.login.clone(),
        display_name: c.display_name.clone(),
        conflict,
        detail,
    }
}

/// Sorts every selected person into "will be assigned" or a listed conflict. Nobody is
/// dropped silently: unknown logins, people out of scope and seats over capacity are
/// all reported.
async fn evaluate(
    ex: &mut impl Exec,
    a: &Authed,
    sitting: &SittingRow,
    selector: &Selector,
) -> Result<Evaluation, AppError> {
    let mut conflicts = Vec::new();
    let mut people: BTreeMap<String, CandidateRow> = BTreeMap::new();
    match selector {
        Selector::Logins(logins) => {
            for login in logins {
                match repo::users_by_login(ex, login).await? {
                    Some(u) => {
                        people.insert(u.login.clone(), u);
                    }
                    None => conflicts.push(ConflictRow {
                        login: login.clone(),
                        display_name: String::new(),
                        conflict: AssignConflict::UnknownLogin,
                        detail: None,
                    }),
                }
            }
        }
        Selector::Unit {
            unit,
            with_sub_units,
        } => {
            let u = crate::accounts::repo::get_unit(ex, *unit)
                .await?
                .ok_or(AppError::NotFound)?;
            if !a.covers(&u.path) {
                return Err(AppError::NotFound);
            }
            let pattern = format!("{}%", like_escape(&u.path));
            for row in repo::users_in_units(ex, &pattern).await? {
                if *with_sub_units || row.unit_path == u.path {
                    people.insert(row.login.clone(), row);
                }
            }
        }
        Selector::RankTag(tag) => {
            let pattern = format!("{}%", like_escape(&a.scope.path));
            for row in repo::users_with_rank(ex, &pattern, tag.trim()).await? {
                people.insert(row.login.clone(), row);
            }
        }
    }
    let seats = (sitting.capacity.max(0) as u32).saturating_sub(sitting.assigned.max(0) as u32);
    let mut ok = Vec::new();
    for (_, p) in people {
        if !a.covers(&p.unit_path) {
            conflicts.push(conflict(&p, AssignConflict::OutOfScope, None));
        } else if !p.is_candidate {
            conflicts.push(conflict(&p, AssignConflict::NotCandidate, None));
        } else if !p.active {
            conflicts.push(conflict(&p, AssignConflict::Disabled, None));
        } else if repo::is_assigned(ex, sitting.id, p.id).await? {
            conflicts.push(conflict(&p, AssignConflict::AlreadyAssigned, None));
        } else if let Some(other) = repo::overlapping(
            ex,
            p.id,
            sitting.id,
            sitting.window_start,
            sitting.window_end,
        )
        .await?
        {
            conflicts.push(conflict(&p, AssignConflict::Overlap, Some(other)));
        } else if ok.len() as u32 >= seats {
            conflicts.push(conflict(&p, AssignConflict::OverCapacity, None));
        } else {
            ok.push(p);
        }
    }
    Ok(Evaluation {
        seats_left: seats - ok.len() as u32,
        ok,
        conflicts,
    })
}

pub async fn preview_assign(
    state: &AppState,
    a: &Authed,
    id: SittingId,
    selector: Selector,
) -> Result<AssignPreview, AppError> {
    let mut c = state.db.read().await?;
    let sitting = sitting_for(&mut c, a, id).await?;
    let e = evaluate(&mut c, a, &sitting, &selector).await?;
    Ok(AssignPreview {
        will_assign: e.ok.len() as u32,
        conflicts: e.conflicts,
        seats_left: e.seats_left,
    })
}

/// Assigns everyone without a conflict and draws their papers, in one transaction.
pub async fn assign(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: SittingId,
    selector: Selector,
) -> Result<AssignPreview, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let sitting = sitting_for(&mut tx, a, id).await?;
    if domain::phase(&spec_of(&sitting), now) == SittingPhase::Closed {
        return Err(AppError::Conflict(Msg::ErrSittingClosed));
    }
    let e = evaluate(&mut tx, a, &sitting, &selector).await?;
    for p in &e.ok {
        repo::insert_assignment(&mut tx, &sitting, p.id, Some(a.user.id), now).await?;
    }
    let users: Vec<UserId> = e.ok.iter().map(|p| p.id).collect();
    generate_papers(&mut tx, &sitting, &users).await?;
    let detail = format!("{} × {}", sitting.name, users.len());
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::CandidatesAssigned,
        &id.to_string(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(AssignPreview {
        will_assign: e.ok.len() as u32,
        conflicts: e.conflicts,
        seats_left: e.seats_left,
    })
}

pub async fn unassign(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: SittingId,
    user: UserId,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let sitting = sitting_for(&mut tx, a, id).await?;
    if domain::phase(&spec_of(&sitting), now) != SittingPhase::Scheduled {
        return Err(AppError::Conflict(Msg::ErrSittingOpened));
    }
    if repo::delete_assignment(&mut tx, id, user).await? == 0 {
        return Err(AppError::NotFound);
    }
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::CandidateUnassigned,
        &id.to_string(),
        &user.to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_accommodation(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: SittingId,
    user: UserId,
    acc: Accommodation,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    sitting_for(&mut tx, a, id).await?;
    let problems = domain::validate_accommodation(&acc);
    if !problems.is_empty() {
        return Err(AppError::Problems(problems));
    }
    let n = repo::set_accommodation(
        &mut tx,
        id,
        user,
        acc.extra_minutes as i32,
        acc.extra_percent as i32,
        acc.reason.trim(),
    )
    .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    let detail = format!(
        "{user}: +{}min +{}% {}",
        acc.extra_minutes,
        acc.extra_percent,
        acc.reason.trim()
    );
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::AccommodationSet,
        &id.to_string(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Draws and stores the papers of `users` in `sitting`. An exam without sections yet
/// leaves them empty; saving the exam later fills them (see [`regenerate_unopened`]).
pub async fn generate_papers(
    ex: &mut impl Exec,
    sitting: &SittingRow,
    users: &[UserId],
) -> Result<(), AppError> {
    if users.is_empty() {
        return Ok(());
    }
    let exam = crate::papers::repo::get_exam(ex, sitting.exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let settings = papers::settings_of(&exam)?;
    let sections = papers::sections_of(&exam)?;
    if !papers::has_items(&sections) {
        for u in users {
            repo::set_paper(ex, sitting.id, *u, None).await?;
        }
        return Ok(());
    }
    let (plan, pool) = papers::plan_for(ex, exam.bank_id, &sections, Lang::default()).await?;
    let mut used = std::collections::BTreeSet::new();
    for u in users {
        let seed = crate::papers::domain::derive_seed(sitting.id.0, u.0, 0);
        let items = papers::draw_paper(&plan, &pool, &settings, seed);
        used.extend(items.iter().map(|i| i.version_id));
        let json = serde_json::to_string(&items).map_err(|e| {
            tracing::error!(error = %e, "cannot store a paper");
            AppError::Internal
        })?;
        repo::set_paper(ex, sitting.id, *u, Some(&json)).await?;
    }
    let used: Vec<_> = used.into_iter().collect();
    crate::question_bank::repo::mark_in_use(ex, &used).await?;
    Ok(())
}

/// After an exam changed: redraws the papers of its sittings that have not opened yet.
/// Opened sittings keep the papers they were given.
pub async fn regenerate_unopened(
    ex: &mut impl Exec,
    exam: ExamId,
    now: Timestamp,
) -> Result<(), AppError> {
    for s in repo::sittings_of_exam(ex, exam).await? {
        if s.window_start > now {
            let users = repo::assigned_users(ex, s.id).await?;
            generate_papers(ex, &s, &users).await?;
        }
    }
    Ok(())
}

/// A candidate's upcoming and current sittings, for the landing page.
pub async fn my_sittings(state: &AppState, a: &Authed) -> Result<Vec<UpcomingSitting>, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    Ok(repo::my_sittings(&mut c, a.user.id, now)
        .await?
        .into_iter()
        .map(|r| {
            let duration = serde_json::from_str::<crate::papers::model::ExamSettings>(&r.settings)
                .map(|s| s.duration_minutes)
                .unwrap_or_default();
            UpcomingSitting {
                sitting_id: r.sitting_id,
                exam_title: r.exam_title,
                name: r.name,
                window_start: r.window_start,
                window_end: r.window_end,
                location: r.location,
                duration_minutes: duration,
            }
        })
        .collect())
}
