//! Group commit for attempt writes. One task per app server takes every queued write
//! (starts, saves, navigation, submissions, integrity events), runs as many as are
//! waiting in one transaction and answers each only after that transaction committed:
//! an acknowledgement always means "on disk" (one fsync per batch under SQLite's
//! synchronous=FULL), yet throughput does not fall to one fsync per save.
//!
//! Each job runs inside its own savepoint, so a job that fails on a database error is
//! rolled back alone and the rest of its batch still commits. Jobs are ordered by
//! attempt id inside a batch, so two app servers on PostgreSQL lock attempt rows in
//! the same order and cannot deadlock each other.

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::accounts::model::UserId;
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::grading::domain::{is_answered, validate_response};
use crate::i18n::Msg;
use crate::sql;
use crate::time::Timestamp;

use super::model::{AttemptId, AttemptRefusal, AttemptStatus, SaveAck, SaveRequest};
use super::{domain, grade, repo};
use crate::server::Clock;

/// The most jobs one transaction takes. Bounded so one commit's latency stays short.
const MAX_BATCH: usize = 512;
/// Queue length; a full queue makes callers wait (back-pressure), never drops a job.
const QUEUE: usize = 8192;

/// Who asks, and when the request arrived (the instant deadlines are checked against).
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserId,
    pub session: String,
    pub arrived: Timestamp,
}

pub enum Job {
    Start(
        repo::NewAttempt,
        oneshot::Sender<Result<AttemptId, AppError>>,
    ),
    Save(
        Caller,
        SaveRequest,
        oneshot::Sender<Result<SaveAck, AppError>>,
    ),
    Navigate(
        Caller,
        AttemptId,
        u32,
        oneshot::Sender<Result<(), AppError>>,
    ),
    Event(
        Caller,
        AttemptId,
        String,
        String,
        oneshot::Sender<Result<(), AppError>>,
    ),
    Submit(Caller, AttemptId, oneshot::Sender<Result<(), AppError>>),
}

impl Job {
    fn attempt(&self) -> AttemptId {
        match self {
            Job::Start(a, _) => a.id,
            Job::Save(_, r, _) => r.attempt,
            Job::Navigate(_, a, _, _) | Job::Event(_, a, _, _, _) | Job::Submit(_, a, _) => *a,
        }
    }
}

enum Out {
    Attempt(AttemptId),
    Ack(SaveAck),
    Done,
}

/// The queue side of the writer, cheap to clone into every request.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer task on the current Tokio runtime.
    pub fn spawn(db: Db, clock: Arc<dyn Clock>, grading: grade::Grader, grace_ms: i64) -> Writer {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, clock, grading, grace_ms, rx));
        Writer { tx }
    }

    async fn send<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<Result<T, AppError>>) -> Job,
    ) -> Result<T, AppError> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(job(reply)).await.map_err(|_| {
            tracing::error!("attempt writer stopped");
            AppError::Internal
        })?;
        rx.await.map_err(|_| {
            tracing::error!("attempt writer dropped a job");
            AppError::Internal
        })?
    }

    pub async fn start(&self, a: repo::NewAttempt) -> Result<AttemptId, AppError> {
        self.send(|r| Job::Start(a, r)).await
    }

    pub async fn save(&self, who: Caller, req: SaveRequest) -> Result<SaveAck, AppError> {
        self.send(|r| Job::Save(who, req, r)).await
    }

    pub async fn navigate(&self, who: Caller, id: AttemptId, pos: u32) -> Result<(), AppError> {
        self.send(|r| Job::Navigate(who, id, pos, r)).await
    }

    pub async fn event(
        &self,
        who: Caller,
        id: AttemptId,
        kind: String,
        detail: String,
    ) -> Result<(), AppError> {
        self.send(|r| Job::Event(who, id, kind, detail, r)).await
    }

    pub async fn submit(&self, who: Caller, id: AttemptId) -> Result<(), AppError> {
        self.send(|r| Job::Submit(who, id, r)).await
    }
}

async fn run(
    db: Db,
    clock: Arc<dyn Clock>,
    grading: grade::Grader,
    grace_ms: i64,
    mut rx: mpsc::Receiver<Job>,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        batch.sort_by_key(Job::attempt);
        let now = clock.now();
        let results = match db.begin().await {
            Ok(mut tx) => {
                let mut outs = Vec::with_capacity(batch.len());
                for job in &batch {
                    outs.push(run_isolated(&mut tx, job, now, grace_ms, &grading).await);
                }
                match tx.commit().await {
                    Ok(()) => outs,
                    Err(e) => {
                        tracing::error!(error = %e, jobs = batch.len(), "attempt batch commit failed");
                        batch.iter().map(|_| Err(AppError::Internal)).collect()
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "attempt writer cannot begin a transaction");
                batch.iter().map(|_| Err(AppError::Internal)).collect()
            }
        };
        for (job, out) in batch.drain(..).zip(results) {
            reply(job, out);
        }
    }
}

fn reply(job: Job, out: Result<Out, AppError>) {
    // A caller that went away (closed connection) no longer needs the answer; its
    // write stands either way.
    match job {
        Job::Start(_, r) => {
            let _ = r.send(out.and_then(|o| match o {
                Out::Attempt(id) => Ok(id),
                _ => Err(AppError::Internal),
            }));
        }
        Job::Save(_, _, r) => {
            let _ = r.send(out.and_then(|o| match o {
                Out::Ack(a) => Ok(a),
                _ => Err(AppError::Internal),
            }));
        }
        Job::Navigate(.., r) | Job::Event(.., r) | Job::Submit(.., r) => {
            let _ = r.send(out.map(|_| ()));
        }
    }
}

async fn exec(tx: &mut Tx, statement: &'static str) -> Result<(), sqlx::Error> {
    sql!(tx, |c| sqlx::query(statement)
        .execute(&mut *c)
        .await
        .map(|_| ()))
}

async fn run_isolated(
    tx: &mut Tx,
    job: &Job,
    now: Timestamp,
    grace_ms: i64,
    grading: &grade::Grader,
) -> Result<Out, AppError> {
    if let Err(e) = exec(tx, "SAVEPOINT job").await {
        tracing::error!(error = %e, "cannot open a savepoint");
        return Err(AppError::Internal);
    }
    let out = run_job(tx, job, now, grace_ms, grading).await;
    // A refused job leaves nothing behind, not even the gate's bookkeeping (last save,
    // current question) that preceded the refusal.
    let end = if out.is_err() {
        exec(tx, "ROLLBACK TO SAVEPOINT job")
            .await
            .and(exec(tx, "RELEASE SAVEPOINT job").await)
    } else {
        exec(tx, "RELEASE SAVEPOINT job").await
    };
    if let Err(e) = end {
        tracing::error!(error = %e, "cannot close a savepoint");
        return Err(AppError::Internal);
    }
    out
}

/// Why the gate refused: the attempt is missing or someone else's (not found), already
/// submitted, out of time, or held by another session.
async fn refusal(tx: &mut Tx, id: AttemptId, who: &Caller, grace_ms: i64) -> AppError {
    match repo::gate_state(tx, id).await {
        Ok(Some(s)) if s.user_id == who.user => {
            if AttemptStatus::from_key(&s.status) != Some(AttemptStatus::Open) {
                AppError::Attempt(AttemptRefusal::Submitted)
            } else if !domain::in_time(who.arrived, s.deadline, grace_ms) {
                AppError::Attempt(AttemptRefusal::DeadlinePassed)
            } else {
                AppError::Attempt(AttemptRefusal::OtherDevice)
            }
        }
        Ok(_) => AppError::NotFound,
        Err(e) => AppError::from(e),
    }
}

async fn run_job(
    tx: &mut Tx,
    job: &Job,
    now: Timestamp,
    grace_ms: i64,
    grading: &grade::Grader,
) -> Result<Out, AppError> {
    match job {
        Job::Start(a, _) => {
            repo::insert_if_absent(tx, a).await?;
            let row = repo::of_candidate(tx, a.sitting_id, a.user_id)
                .await?
                .ok_or(AppError::Internal)?;
            Ok(Out::Attempt(row.id))
        }
        Job::Save(who, req, _) => {
            let Some(deadline) = repo::gate(
                tx,
                req.attempt,
                who.user,
                &who.session,
                who.arrived,
                grace_ms,
                now,
                None,
            )
            .await?
            else {
                return Err(refusal(tx, req.attempt, who, grace_ms).await);
            };
            let shape = grading.shape(tx, req.attempt, req.position).await?;
            let response = match &req.response {
                Some(r) => Some(
                    validate_response(shape, r.clone())
                        .map_err(|_| AppError::invalid("response", Msg::ErrResponseInvalid))?,
                ),
                None => None,
            }
            // A cleared answer (no option ticked, every blank empty) is stored as none, so
            // progress counts agree with the candidate's answer card.
            .filter(is_answered);
            let json = response
                .as_ref()
                .map(|r| serde_json::to_string(r).map_err(|_| AppError::Internal))
                .transpose()?;
            let pos = i32::try_from(req.position).map_err(|_| AppError::NotFound)?;
            let stored = repo::upsert_answer(
                tx,
                req.attempt,
                pos,
                json.as_deref(),
                req.flagged,
                req.seq,
                now,
            )
            .await?;
            let (seq, saved_at) = if stored {
                (req.seq, now)
            } else {
                let row = repo::answer(tx, req.attempt, pos)
                    .await?
                    .ok_or(AppError::Internal)?;
                (row.seq, row.saved_at)
            };
            Ok(Out::Ack(SaveAck {
                position: req.position,
                seq,
                saved_at,
                deadline,
                server_now: now,
            }))
        }
        Job::Navigate(who, id, pos, _) => {
            grading.shape(tx, *id, *pos).await?;
            let pos = i32::try_from(*pos).map_err(|_| AppError::NotFound)?;
            match repo::gate(
                tx,
                *id,
                who.user,
                &who.session,
                who.arrived,
                grace_ms,
                now,
                Some(pos),
            )
            .await?
            {
                Some(_) => Ok(Out::Done),
                None => Err(refusal(tx, *id, who, grace_ms).await),
            }
        }
        Job::Event(who, id, kind, detail, _) => match repo::gate_state(tx, *id).await? {
            Some(s) if s.user_id == who.user => {
                if is_open(&s.status) {
                    let (stored, last) = repo::event_budget(tx, *id, kind).await?;
                    if domain::record_event(stored, last, who.arrived) {
                        repo::insert_event(tx, *id, who.arrived, kind, detail).await?;
                    }
                }
                Ok(Out::Done)
            }
            _ => Err(AppError::NotFound),
        },
        Job::Submit(who, id, _) => {
            let Some(s) = repo::gate_state(tx, *id).await? else {
                return Err(AppError::NotFound);
            };
            if s.user_id != who.user {
                return Err(AppError::NotFound);
            }
            if !is_open(&s.status) {
                return Ok(Out::Done);
            }
            if s.session_hash.as_deref().is_some_and(|h| h != who.session) {
                return Err(AppError::Attempt(AttemptRefusal::OtherDevice));
            }
            let at = domain::submitted_at(who.arrived, s.deadline, grace_ms);
            let reason = if domain::in_time(who.arrived, s.deadline, 0) {
                "candidate"
            } else {
                "deadline"
            };
            if repo::mark_submitted(tx, *id, Some(at), reason, None).await? {
                grading.grade(tx, *id, now).await?;
            }
            Ok(Out::Done)
        }
    }
}

fn is_open(status: &str) -> bool {
    AttemptStatus::from_key(status) == Some(AttemptStatus::Open)
}
