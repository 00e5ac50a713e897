//! The job runner: every app server runs one. A tick enqueues the sittings that are due
//! to close, then claims and runs due jobs one at a time, then brings the report
//! aggregates up to date. A database job's effects and
//! its completion commit in one transaction, so a job whose lease ran out on a stalled
//! worker cannot take effect twice; mail is sent before that transaction (at least once).

use std::time::Duration;

use crate::db::Tx;
use crate::error::AppError;
use crate::server::{AppState, Authed};
use crate::time::Timestamp;

use super::domain;
use super::model::{JobId, JobsOverview};
use super::repo::{self, ClaimedRow};

pub const CLOSE_SITTING: &str = "close_sitting";
pub const REEVALUATE_EXAM: &str = "reevaluate_exam";
pub const UNIT_ESCALATION: &str = "unit_escalation";
pub const SEND_EMAIL: &str = "send_email";

/// Why a try failed, kept for admins.
#[derive(Debug)]
pub struct JobError(pub String);

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError(format!("database: {e}"))
    }
}

impl From<AppError> for JobError {
    fn from(e: AppError) -> Self {
        JobError(format!("{e}"))
    }
}

/// What a handler did with its job.
pub enum Handled {
    /// Finished; the handler has called [`finish`] in its transaction and committed.
    Done,
    /// Not yet possible (e.g. an attempt still open): run again at this time, not
    /// counted as a failure.
    Later(Timestamp),
}

/// Marks the claimed job done inside the handler's transaction. Fails (so the effects
/// roll back) when another worker took the job over after this one's lease ran out.
pub async fn finish(tx: &mut Tx, job: &Claimed, now: Timestamp) -> Result<(), JobError> {
    if repo::complete(tx, job.row.id, &job.worker, now).await? {
        Ok(())
    } else {
        Err(JobError("lease lost to another worker".to_owned()))
    }
}

/// A job this worker holds.
pub struct Claimed {
    pub row: ClaimedRow,
    pub worker: String,
}

/// Enqueues the close job of every sitting past its window and grace that is not closed.
async fn sweep(state: &AppState, now: Timestamp) -> Result<u64, JobError> {
    let due = {
        let mut c = state.db.read().await?;
        crate::retakes::repo::sittings_due_to_close(
            &mut c,
            Timestamp(now.0 - state.attempts.grace_ms),
        )
        .await?
    };
    if due.is_empty() {
        return Ok(0);
    }
    let mut tx = state.db.begin().await?;
    let mut added = 0;
    for (sitting, run_at) in due {
        let key = sitting.to_string();
        if repo::enqueue(&mut tx, CLOSE_SITTING, &key, &key, run_at, now).await? {
            added += 1;
        }
    }
    tx.commit().await?;
    Ok(added)
}

async fn dispatch(state: &AppState, job: &Claimed, now: Timestamp) -> Result<Handled, JobError> {
    let payload = job.row.payload.as_str();
    let id = || {
        payload
            .parse::<uuid::Uuid>()
            .map_err(|_| JobError(format!("bad payload {payload:?}")))
    };
    match job.row.kind.as_str() {
        CLOSE_SITTING => {
            crate::retakes::service::close_sitting(
                state,
                job,
                crate::sittings::model::SittingId(id()?),
                now,
            )
            .await
        }
        REEVALUATE_EXAM => {
            crate::retakes::service::reevaluate_exam(
                state,
                job,
                crate::papers::model::ExamId(id()?),
                now,
            )
            .await
        }
        UNIT_ESCALATION => {
            crate::escalation::service::escalate_units(
                state,
                job,
                crate::papers::model::ExamId(id()?),
                now,
            )
            .await
        }
        SEND_EMAIL => {
            crate::notifications::service::deliver(
                state,
                job,
                crate::notifications::model::NotificationId(id()?),
                now,
            )
            .await
        }
        other => Err(JobError(format!("unknown job kind {other:?}"))),
    }
}

/// Claims and runs due jobs until none is due or `max` have run. Returns how many ran.
pub async fn run_due(state: &AppState, worker: &str, max: usize) -> Result<usize, AppError> {
    let mut ran = 0;
    while ran < max {
        let now = state.clock.now();
        {
            let mut c = state.db.read().await?;
            if !repo::any_due(&mut c, now).await? {
                break;
            }
        }
        let row = {
            let mut tx = state.db.begin().await?;
            let row =
                repo::claim(&mut tx, worker, now, Timestamp(now.0 + domain::LEASE_MS)).await?;
            tx.commit().await?;
            row
        };
        let Some(row) = row else { break };
        let job = Claimed {
            row,
            worker: worker.to_owned(),
        };
        let outcome = dispatch(state, &job, now).await;
        let mut tx = state.db.begin().await?;
        match outcome {
            Ok(Handled::Done) => {}
            Ok(Handled::Later(at)) => {
                repo::postpone(&mut tx, job.row.id, worker, at).await?;
            }
            Err(JobError(e)) => {
                let attempts = job.row.attempts;
                let gives_up = domain::gives_up(attempts);
                if gives_up {
                    tracing::error!(kind = %job.row.kind, key = %job.row.job_key, error = %e, "job failed for good");
                } else {
                    tracing::warn!(kind = %job.row.kind, key = %job.row.job_key, attempts, error = %e, "job failed; will retry");
                }
                let next = Timestamp(now.0 + domain::backoff_ms(attempts));
                repo::fail(
                    &mut tx,
                    job.row.id,
                    worker,
                    &e,
                    next,
                    gives_up.then_some(now),
                )
                .await?;
            }
        }
        tx.commit().await?;
        ran += 1;
    }
    Ok(ran)
}

/// One pass of the runner: enqueue due sittings, run due jobs.
pub async fn tick(state: &AppState, worker: &str) -> Result<usize, AppError> {
    let now = state.clock.now();
    if let Err(JobError(e)) = sweep(state, now).await {
        tracing::warn!(error = %e, "cannot enqueue sittings to close");
    }
    let ran = run_due(state, worker, 100).await?;
    // After the jobs, so results they wrote are in this tick's report figures.
    if let Err(e) = crate::reports::refresh::refresh(state, now).await {
        tracing::warn!(error = ?e, "cannot refresh the report aggregates");
    }
    if let Err(e) = crate::reports::refresh::refresh_items(state, now).await {
        tracing::warn!(error = ?e, "cannot refresh item analyses");
    }
    Ok(ran)
}

/// The runner loop of this app server, ticking every `every`.
pub async fn run_forever(state: AppState, every: Duration) {
    let worker = format!("{}", uuid::Uuid::new_v4());
    let mut t = tokio::time::interval(every);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        t.tick().await;
        match tick(&state, &worker).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "background jobs ran"),
            Err(e) => tracing::warn!(error = ?e, "job runner pass failed; retrying"),
        }
    }
}

pub async fn overview(state: &AppState) -> Result<JobsOverview, AppError> {
    let mut c = state.db.read().await?;
    let (pending, done) = repo::counts(&mut c).await?;
    Ok(JobsOverview {
        pending,
        done,
        problems: repo::problems(&mut c, 200).await?,
    })
}

pub async fn retry(state: &AppState, a: &Authed, addr: &str, id: JobId) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if repo::retry(&mut tx, id, now).await? == 0 {
        return Err(AppError::NotFound);
    }
    crate::audit::service::record(
        &mut tx,
        now,
        a,
        addr,
        crate::audit::model::AuditAction::JobRetried,
        &id.to_string(),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
