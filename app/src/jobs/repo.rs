//! Storage of jobs: enqueue by idempotency key, claim under a lease, complete or fail.

use uuid::Uuid;

use crate::db::{Exec, Raw};
use crate::sql;
use crate::time::Timestamp;

use super::model::{JobId, JobProblem};

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedRow {
    pub id: JobId,
    pub kind: String,
    pub job_key: String,
    pub payload: String,
    pub attempts: i32,
}

/// Adds a job unless one with the same kind and key exists (done or not). Returns
/// whether a row was added.
pub async fn enqueue(
    ex: &mut impl Exec,
    kind: &str,
    key: &str,
    payload: &str,
    run_at: Timestamp,
    now: Timestamp,
) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO jobs (id, kind, job_key, payload, run_at, attempts, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (kind, job_key) DO NOTHING"
    )
    .bind(JobId(Uuid::new_v4()))
    .bind(kind)
    .bind(key)
    .bind(payload)
    .bind(run_at)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

const CLAIM: &str = "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 \
     WHERE id = (SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL \
       AND run_at <= $3 AND (locked_until IS NULL OR locked_until <= $3) \
       ORDER BY run_at, id LIMIT 1 {lock}) \
     RETURNING id, kind, job_key, payload, attempts";

/// Reserves the most overdue job for `worker` until `lease_until`. On PostgreSQL the
/// candidate row is locked with SKIP LOCKED, so workers on several servers never wait
/// for or claim the same row; SQLite has one writer, which serialises claims anyway.
pub async fn claim(
    ex: &mut impl Exec,
    worker: &str,
    now: Timestamp,
    lease_until: Timestamp,
) -> R<Option<ClaimedRow>> {
    match ex.raw() {
        Raw::Sqlite(c) => {
            sqlx::query_as::<_, ClaimedRow>(&CLAIM.replace("{lock}", ""))
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .fetch_optional(&mut *c)
                .await
        }
        Raw::Postgres(c) => {
            sqlx::query_as::<_, ClaimedRow>(&CLAIM.replace("{lock}", "FOR UPDATE SKIP LOCKED"))
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .fetch_optional(&mut *c)
                .await
        }
    }
}

/// Whether any job is due, read without taking SQLite's write lock, so an idle runner
/// never competes with the attempt writer.
pub async fn any_due(ex: &mut impl Exec, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM (SELECT 1 FROM jobs WHERE done_at IS NULL AND failed_at IS NULL \
           AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) LIMIT 1) due"
    )
    .bind(now)
    .fetch_one(&mut *c)
    .await
    .map(|n| n > 0))
}

/// Marks the job done if `worker` still holds it; false when the lease was lost (the
/// caller must then roll back the job's effects).
pub async fn complete(ex: &mut impl Exec, id: JobId, worker: &str, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL \
         WHERE id = $1 AND locked_by = $2 AND done_at IS NULL"
    )
    .bind(id)
    .bind(worker)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

/// Puts the job back for a later run without counting this try as a failure.
pub async fn postpone(ex: &mut impl Exec, id: JobId, worker: &str, run_at: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE jobs SET run_at = $3, attempts = attempts - 1, locked_by = NULL, \
           locked_until = NULL WHERE id = $1 AND locked_by = $2"
    )
    .bind(id)
    .bind(worker)
    .bind(run_at)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

/// Records a failed try: the error, the next run, and `failed_at` when giving up.
pub async fn fail(
    ex: &mut impl Exec,
    id: JobId,
    worker: &str,
    error: &str,
    next_run: Timestamp,
    failed_at: Option<Timestamp>,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE jobs SET last_error = $3, run_at = $4, failed_at = $5, locked_by = NULL, \
           locked_until = NULL WHERE id = $1 AND locked_by = $2"
    )
    .bind(id)
    .bind(worker)
    .bind(error)
    .bind(next_run)
    .bind(failed_at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Gives a failed job a fresh set of attempts, due now.
pub async fn retry(ex: &mut impl Exec, id: JobId, now: Timestamp) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE jobs SET failed_at = NULL, attempts = 0, run_at = $2 \
         WHERE id = $1 AND done_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ProblemRow {
    id: JobId,
    kind: String,
    job_key: String,
    attempts: i32,
    last_error: Option<String>,
    run_at: Timestamp,
    failed_at: Option<Timestamp>,
}

/// Jobs not done that have failed at least once, given-up ones first.
pub async fn problems(ex: &mut impl Exec, limit: i64) -> R<Vec<JobProblem>> {
    let rows = sql!(ex, |c| sqlx::query_as::<_, ProblemRow>(
        "SELECT id, kind, job_key, attempts, last_error, run_at, failed_at FROM jobs \
         WHERE done_at IS NULL AND last_error IS NOT NULL \
         ORDER BY failed_at IS NULL, run_at LIMIT $1"
    )
    .bind(limit)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| JobProblem {
            id: r.id,
            kind: r.kind,
            key: r.job_key,
            attempts: r.attempts,
            last_error: r.last_error.unwrap_or_default(),
            next_run: r.run_at,
            failed_at: r.failed_at,
        })
        .collect())
}

/// (pending, done) job counts.
pub async fn counts(ex: &mut impl Exec) -> R<(i64, i64)> {
    sql!(ex, |c| sqlx::query_as::<_, (i64, i64)>(
        "SELECT COALESCE(SUM(CASE WHEN done_at IS NULL THEN 1 ELSE 0 END), 0), \
                COALESCE(SUM(CASE WHEN done_at IS NULL THEN 0 ELSE 1 END), 0) FROM jobs"
    )
    .fetch_one(&mut *c)
    .await)
}

/// Whether a job with this kind and key has completed.
pub async fn is_done(ex: &mut impl Exec, kind: &str, key: &str) -> R<bool> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM jobs WHERE kind = $1 AND job_key = $2 AND done_at IS NOT NULL"
    )
    .bind(kind)
    .bind(key)
    .fetch_one(&mut *c)
    .await
    .map(|n| n > 0))
}
