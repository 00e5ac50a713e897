//! Report storage: the stale marks the triggers leave, the per-candidate aggregate rows
//! and the item-analysis cache.

use crate::accounts::model::{UnitId, UserId};
use crate::db::{Exec, Raw};
use crate::papers::model::ExamId;
use crate::sql;
use crate::time::Timestamp;

type R<T> = Result<T, sqlx::Error>;

/// Read without SQLite's write lock, so an idle runner never competes with the writer.
pub async fn any_stale(ex: &mut impl Exec) -> R<bool> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM (SELECT 1 FROM report_stale LIMIT 1) s"
    )
    .fetch_one(&mut *c)
    .await
    .map(|n| n > 0))
}

/// Takes up to `limit` marks for this transaction; another server's runner skips them.
pub async fn claim_stale(ex: &mut impl Exec, limit: i64) -> R<Vec<(ExamId, UserId)>> {
    const Q: &str = "SELECT exam_id, user_id FROM report_stale LIMIT $1";
    match ex.raw() {
        Raw::Sqlite(c) => {
            sqlx::query_as::<_, (ExamId, UserId)>(Q)
                .bind(limit)
                .fetch_all(&mut *c)
                .await
        }
        Raw::Postgres(c) => {
            sqlx::query_as::<_, (ExamId, UserId)>(&format!("{Q} FOR UPDATE SKIP LOCKED"))
                .bind(limit)
                .fetch_all(&mut *c)
                .await
        }
    }
}

pub async fn unmark(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM report_stale WHERE exam_id = $1 AND user_id = $2"
    )
    .bind(exam)
    .bind(user)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeatRow {
    pub is_retake: bool,
    pub window_start: Timestamp,
    pub status: Option<String>,
    pub voided: bool,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub passed: Option<bool>,
    pub started_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub decided: bool,
}

/// Every seat of one candidate in one exam, with its attempt and result if any.
pub async fn seats_of(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<Vec<SeatRow>> {
    sql!(ex, |c| sqlx::query_as::<_, SeatRow>(
        "SELECT s.is_retake, s.window_start, t.status, (t.voided_at IS NOT NULL) AS voided, \
           t.score, t.max_score, t.passed, t.started_at, t.submitted_at, \
           (r.outcome IS NOT NULL) AS decided \
         FROM assignments a JOIN sittings s ON s.id = a.sitting_id \
           LEFT JOIN attempts t ON t.sitting_id = a.sitting_id AND t.user_id = a.user_id \
           LEFT JOIN sitting_results r ON r.sitting_id = a.sitting_id AND r.user_id = a.user_id \
         WHERE s.exam_id = $1 AND a.user_id = $2"
    )
    .bind(exam)
    .bind(user)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChainRow {
    pub unit_id: UnitId,
    pub open_retakes: i64,
    pub open_cases: i64,
    pub events: i64,
}

/// The candidate's unit and what is still open for them in the exam.
pub async fn chain_of(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<Option<ChainRow>> {
    sql!(ex, |c| sqlx::query_as::<_, ChainRow>(
        "SELECT u.unit_id, \
           (SELECT COUNT(*) FROM retakes r WHERE r.exam_id = $1 AND r.user_id = u.id \
              AND r.state IN ('awaiting', 'assigned')) AS open_retakes, \
           (SELECT COUNT(*) FROM cases k WHERE k.exam_id = $1 AND k.user_id = u.id \
              AND k.kind = 'person' AND k.state <> 'closed') AS open_cases, \
           (SELECT COUNT(*) FROM attempt_events e JOIN attempts t ON t.id = e.attempt_id \
              WHERE t.exam_id = $1 AND t.user_id = u.id) AS events \
         FROM users u WHERE u.id = $2"
    )
    .bind(exam)
    .bind(user)
    .fetch_optional(&mut *c)
    .await)
}

/// One aggregate row (see the migration for the columns' meaning).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CandidateRow {
    pub exam_id: ExamId,
    pub user_id: UserId,
    pub unit_id: UnitId,
    pub exam_date: Timestamp,
    pub started: bool,
    pub submitted: bool,
    pub decided: bool,
    pub absent: bool,
    pub passed_first: bool,
    pub passed_any: bool,
    pub score: Option<i32>,
    pub max_points: i32,
    pub time_used_secs: Option<i64>,
    pub retake_rounds: i32,
    pub open_retake: bool,
    pub open_case: bool,
    pub integrity_events: i32,
    pub refreshed_at: Timestamp,
}

pub async fn upsert(ex: &mut impl Exec, r: &CandidateRow) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO report_candidates (exam_id, user_id, unit_id, exam_date, started, \
           submitted, decided, absent, passed_first, passed_any, score, max_points, \
           time_used_secs, retake_rounds, open_retake, open_case, integrity_events, refreshed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (exam_id, user_id) DO UPDATE SET unit_id = excluded.unit_id, \
           exam_date = excluded.exam_date, started = excluded.started, \
           submitted = excluded.submitted, decided = excluded.decided, absent = excluded.absent, \
           passed_first = excluded.passed_first, passed_any = excluded.passed_any, \
           score = excluded.score, max_points = excluded.max_points, \
           time_used_secs = excluded.time_used_secs, retake_rounds = excluded.retake_rounds, \
           open_retake = excluded.open_retake, open_case = excluded.open_case, \
           integrity_events = excluded.integrity_events, refreshed_at = excluded.refreshed_at"
    )
    .bind(r.exam_id)
    .bind(r.user_id)
    .bind(r.unit_id)
    .bind(r.exam_date)
    .bind(r.started)
    .bind(r.submitted)
    .bind(r.decided)
    .bind(r.absent)
    .bind(r.passed_first)
    .bind(r.passed_any)
    .bind(r.score)
    .bind(r.max_points)
    .bind(r.time_used_secs)
    .bind(r.retake_rounds)
    .bind(r.open_retake)
    .bind(r.open_case)
    .bind(r.integrity_events)
    .bind(r.refreshed_at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn remove(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM report_candidates WHERE exam_id = $1 AND user_id = $2"
    )
    .bind(exam)
    .bind(user)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Marks the exam's item analysis as out of date (the latest mark's time wins, so a
/// computation can tell whether marks arrived while it ran).
pub async fn mark_items_stale(ex: &mut impl Exec, exam: ExamId, now: Timestamp) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO report_items (exam_id, stale_since) VALUES ($1, $2) \
         ON CONFLICT (exam_id) DO UPDATE SET stale_since = excluded.stale_since"
    )
    .bind(exam)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Exams whose item analysis is stale and was last computed before `before`.
pub async fn items_due(ex: &mut impl Exec, before: Timestamp) -> R<Vec<(ExamId, Timestamp)>> {
    sql!(ex, |c| sqlx::query_as::<_, (ExamId, Timestamp)>(
        "SELECT exam_id, stale_since FROM report_items WHERE stale_since IS NOT NULL \
           AND (computed_at IS NULL OR computed_at <= $1) ORDER BY stale_since LIMIT 10"
    )
    .bind(before)
    .fetch_all(&mut *c)
    .await)
}

/// Stores a computed analysis; it stays marked stale if a newer mark arrived meanwhile.
pub async fn store_items(
    ex: &mut impl Exec,
    exam: ExamId,
    body: &str,
    seen_mark: Timestamp,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE report_items SET body = $2, computed_at = $4, \
           stale_since = CASE WHEN stale_since = $3 THEN NULL ELSE stale_since END \
         WHERE exam_id = $1"
    )
    .bind(exam)
    .bind(body)
    .bind(seen_mark)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn items_of(
    ex: &mut impl Exec,
    exam: ExamId,
) -> R<Option<(Option<String>, Option<Timestamp>)>> {
    sql!(ex, |c| sqlx::query_as::<
        _,
        (Option<String>, Option<Timestamp>),
    >(
        "SELECT body, computed_at FROM report_items WHERE exam_id = $1"
    )
    .bind(exam)
    .fetch_optional(&mut *c)
    .await)
}

/// The aggregate rows of one exam within a unit subtree (by materialised path prefix).
pub async fn exam_rows(ex: &mut impl Exec, exam: ExamId, scope_path: &str) -> R<Vec<CandidateRow>> {
    let scope = format!("{}%", crate::db::like_escape(scope_path));
    sql!(ex, |c| sqlx::query_as::<_, CandidateRow>(
        "SELECT rc.* FROM report_candidates rc JOIN units un ON un.id = rc.unit_id \
         WHERE rc.exam_id = $1 AND un.path LIKE $2 ESCAPE '\\'"
    )
    .bind(exam)
    .bind(&scope)
    .fetch_all(&mut *c)
    .await)
}

/// When the aggregates were last brought up to date for an exam, and whether marks are
/// still waiting.
pub async fn freshness(ex: &mut impl Exec, exam: ExamId) -> R<(Option<Timestamp>, bool)> {
    sql!(ex, |c| sqlx::query_as::<_, (Option<Timestamp>, bool)>(
        "SELECT (SELECT MAX(refreshed_at) FROM report_candidates WHERE exam_id = $1), \
           EXISTS (SELECT 1 FROM report_stale WHERE exam_id = $1)"
    )
    .bind(exam)
    .fetch_one(&mut *c)
    .await)
}
