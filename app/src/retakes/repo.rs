//! Storage of sitting results and retake assignments.

use uuid::Uuid;

use crate::accounts::model::UserId;
use crate::db::Exec;
use crate::papers::model::ExamId;
use crate::sittings::model::SittingId;
use crate::sql;
use crate::time::Timestamp;

type R<T> = Result<T, sqlx::Error>;

crate::uuid_id!(
    /// A retake assignment.
    RetakeId
);

/// Sittings past `cutoff` (their window end) that are not closed, with their window end.
pub async fn sittings_due_to_close(
    ex: &mut impl Exec,
    cutoff: Timestamp,
) -> R<Vec<(SittingId, Timestamp)>> {
    sql!(ex, |c| sqlx::query_as::<_, (SittingId, Timestamp)>(
        "SELECT id, window_end FROM sittings WHERE closed_at IS NULL AND window_end <= $1 \
         ORDER BY window_end LIMIT 500"
    )
    .bind(cutoff)
    .fetch_all(&mut *c)
    .await)
}

/// Attempts of the sitting still open, and the latest of their deadlines.
pub async fn open_attempts(ex: &mut impl Exec, sitting: SittingId) -> R<(i64, Option<Timestamp>)> {
    sql!(ex, |c| sqlx::query_as::<_, (i64, Option<Timestamp>)>(
        "SELECT COUNT(*), MAX(deadline) FROM attempts WHERE sitting_id = $1 AND status = 'open'"
    )
    .bind(sitting)
    .fetch_one(&mut *c)
    .await)
}

pub async fn set_closed(ex: &mut impl Exec, sitting: SittingId, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE sittings SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL"
    )
    .bind(sitting)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignedOutcome {
    pub user_id: UserId,
    pub started: bool,
    pub voided: bool,
    pub passed: Option<bool>,
}

/// Everyone assigned to the sitting with what their attempt (if any) says.
pub async fn assigned_outcomes(ex: &mut impl Exec, sitting: SittingId) -> R<Vec<AssignedOutcome>> {
    sql!(ex, |c| sqlx::query_as::<_, AssignedOutcome>(
        "SELECT a.user_id, (t.id IS NOT NULL) AS started, (t.voided_at IS NOT NULL) AS voided, \
           t.passed FROM assignments a \
         LEFT JOIN attempts t ON t.sitting_id = a.sitting_id AND t.user_id = a.user_id \
         WHERE a.sitting_id = $1 ORDER BY a.user_id"
    )
    .bind(sitting)
    .fetch_all(&mut *c)
    .await)
}

/// Writes a result; returns whether it is new or its outcome changed.
pub async fn put_result(
    ex: &mut impl Exec,
    sitting: SittingId,
    user: UserId,
    exam: ExamId,
    outcome: &str,
    decided_at: Timestamp,
) -> R<bool> {
    let before = sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT outcome FROM sitting_results WHERE sitting_id = $1 AND user_id = $2"
    )
    .bind(sitting)
    .bind(user)
    .fetch_optional(&mut *c)
    .await)?;
    match before {
        Some(b) if b == outcome => Ok(false),
        Some(_) => sql!(ex, |c| sqlx::query(
            "UPDATE sitting_results SET outcome = $3 WHERE sitting_id = $1 AND user_id = $2"
        )
        .bind(sitting)
        .bind(user)
        .bind(outcome)
        .execute(&mut *c)
        .await
        .map(|_| true)),
        None => sql!(ex, |c| sqlx::query(
            "INSERT INTO sitting_results (sitting_id, user_id, exam_id, outcome, decided_at) \
             VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(sitting)
        .bind(user)
        .bind(exam)
        .bind(outcome)
        .bind(decided_at)
        .execute(&mut *c)
        .await
        .map(|_| true)),
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RoundRow {
    pub sitting_id: SittingId,
    pub is_retake: bool,
    pub outcome: String,
    pub decided_at: Timestamp,
}

/// A candidate's finished rounds of an exam.
pub async fn rounds(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<Vec<RoundRow>> {
    sql!(ex, |c| sqlx::query_as::<_, RoundRow>(
        "SELECT r.sitting_id, s.is_retake, r.outcome, r.decided_at FROM sitting_results r \
         JOIN sittings s ON s.id = r.sitting_id WHERE r.exam_id = $1 AND r.user_id = $2 \
         ORDER BY r.decided_at, r.sitting_id"
    )
    .bind(exam)
    .bind(user)
    .fetch_all(&mut *c)
    .await)
}

/// Closed sittings of an exam and their close time.
pub async fn closed_sittings(ex: &mut impl Exec, exam: ExamId) -> R<Vec<(SittingId, Timestamp)>> {
    sql!(ex, |c| sqlx::query_as::<_, (SittingId, Timestamp)>(
        "SELECT id, closed_at FROM sittings WHERE exam_id = $1 AND closed_at IS NOT NULL \
         ORDER BY closed_at, id"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}

/// Whether every first (non-retake) sitting of the exam has closed.
pub async fn first_sittings_all_closed(ex: &mut impl Exec, exam: ExamId) -> R<bool> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sittings WHERE exam_id = $1 AND NOT is_retake AND closed_at IS NULL"
    )
    .bind(exam)
    .fetch_one(&mut *c)
    .await
    .map(|n| n == 0))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RetakeRow {
    pub id: RetakeId,
    pub exam_id: ExamId,
    pub user_id: UserId,
    pub round: i32,
    pub sitting_id: Option<SittingId>,
    pub not_before: Timestamp,
    pub state: String,
    pub warning: Option<String>,
}

const RETAKE_COLUMNS: &str =
    "id, exam_id, user_id, round, sitting_id, not_before, state, warning FROM retakes";

pub async fn open_retake(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<Option<RetakeRow>> {
    let q = format!(
        "SELECT {RETAKE_COLUMNS} WHERE exam_id = $1 AND user_id = $2 \
         AND state IN ('awaiting', 'assigned')"
    );
    sql!(ex, |c| sqlx::query_as::<_, RetakeRow>(&q)
        .bind(exam)
        .bind(user)
        .fetch_optional(&mut *c)
        .await)
}

pub async fn awaiting(ex: &mut impl Exec, exam: ExamId) -> R<Vec<RetakeRow>> {
    let q = format!(
        "SELECT {RETAKE_COLUMNS} WHERE exam_id = $1 AND state = 'awaiting' ORDER BY not_before, user_id"
    );
    sql!(ex, |c| sqlx::query_as::<_, RetakeRow>(&q)
        .bind(exam)
        .fetch_all(&mut *c)
        .await)
}

/// The highest round number used for a candidate and exam (0 when none).
pub async fn max_round(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<i32> {
    sql!(ex, |c| {
        sqlx::query_scalar::<_, Option<i32>>(
        "SELECT MAX(round) FROM retakes WHERE exam_id = $1 AND user_id = $2 AND state <> 'cancelled'"
    )
    .bind(exam)
    .bind(user)
    .fetch_one(&mut *c)
    .await
    .map(|n| n.unwrap_or(0))
    })
}

pub struct NewRetake<'a> {
    pub exam: ExamId,
    pub user: UserId,
    pub round: i32,
    pub source_sitting: Option<SittingId>,
    pub case: Option<Uuid>,
    pub sitting: Option<SittingId>,
    pub not_before: Timestamp,
    pub warning: Option<&'a str>,
}

pub async fn insert_retake(ex: &mut impl Exec, r: &NewRetake<'_>, now: Timestamp) -> R<RetakeId> {
    let id = RetakeId(Uuid::new_v4());
    let state = if r.sitting.is_some() {
        "assigned"
    } else {
        "awaiting"
    };
    sql!(ex, |c| sqlx::query(
        "INSERT INTO retakes (id, exam_id, user_id, round, source_sitting_id, case_id, \
           sitting_id, not_before, state, warning, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    )
    .bind(id)
    .bind(r.exam)
    .bind(r.user)
    .bind(r.round)
    .bind(r.source_sitting)
    .bind(r.case)
    .bind(r.sitting)
    .bind(r.not_before)
    .bind(state)
    .bind(r.warning)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| id))
}

/// Places an awaiting retake into a sitting.
pub async fn place(
    ex: &mut impl Exec,
    id: RetakeId,
    sitting: SittingId,
    warning: Option<&str>,
    now: Timestamp,
) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE retakes SET sitting_id = $2, state = 'assigned', warning = $3, updated_at = $4 \
         WHERE id = $1 AND state = 'awaiting'"
    )
    .bind(id)
    .bind(sitting)
    .bind(warning)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

pub async fn cancel(ex: &mut impl Exec, id: RetakeId, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE retakes SET state = 'cancelled', updated_at = $2 \
         WHERE id = $1 AND state IN ('awaiting', 'assigned')"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

/// The retakes placed in a sitting that just closed have been sat.
pub async fn mark_sat(ex: &mut impl Exec, sitting: SittingId, now: Timestamp) -> R<u64> {
    sql!(ex, |c| {
        sqlx::query(
        "UPDATE retakes SET state = 'sat', updated_at = $2 WHERE sitting_id = $1 AND state = 'assigned'"
    )
    .bind(sitting)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlotRow {
    pub id: SittingId,
    pub window_start: Timestamp,
    pub capacity: i32,
    pub assigned: i64,
}

/// Retake sittings of the exam that have not opened yet, with their seats.
pub async fn retake_slots(ex: &mut impl Exec, exam: ExamId, now: Timestamp) -> R<Vec<SlotRow>> {
    sql!(ex, |c| sqlx::query_as::<_, SlotRow>(
        "SELECT s.id, s.window_start, s.capacity, \
           (SELECT COUNT(*) FROM assignments a WHERE a.sitting_id = s.id) AS assigned \
         FROM sittings s WHERE s.exam_id = $1 AND s.is_retake AND s.closed_at IS NULL \
           AND s.window_start > $2 ORDER BY s.window_start, s.id"
    )
    .bind(exam)
    .bind(now)
    .fetch_all(&mut *c)
    .await)
}

/// The drawn papers of a candidate's attempts at an exam (to avoid repeating questions).
pub async fn papers_seen(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<Vec<String>> {
    sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT paper FROM attempts WHERE exam_id = $1 AND user_id = $2"
    )
    .bind(exam)
    .bind(user)
    .fetch_all(&mut *c)
    .await)
}

/// Everything the overview needs about one candidate's chain, as rows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResultRow {
    pub user_id: UserId,
    pub sitting_id: SittingId,
    pub is_retake: bool,
    pub outcome: String,
    pub decided_at: Timestamp,
}

pub async fn results_of_exam(ex: &mut impl Exec, exam: ExamId) -> R<Vec<ResultRow>> {
    sql!(ex, |c| sqlx::query_as::<_, ResultRow>(
        "SELECT r.user_id, r.sitting_id, s.is_retake, r.outcome, r.decided_at \
         FROM sitting_results r JOIN sittings s ON s.id = r.sitting_id WHERE r.exam_id = $1"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RetakeListRow {
    pub user_id: UserId,
    pub round: i32,
    pub state: String,
    pub not_before: Timestamp,
    pub warning: Option<String>,
    pub sitting_id: Option<SittingId>,
    pub sitting_name: Option<String>,
    pub sitting_start: Option<Timestamp>,
    pub sitting_end: Option<Timestamp>,
    pub location: Option<String>,
}

pub async fn retakes_of_exam(ex: &mut impl Exec, exam: ExamId) -> R<Vec<RetakeListRow>> {
    sql!(ex, |c| sqlx::query_as::<_, RetakeListRow>(
        "SELECT r.user_id, r.round, r.state, r.not_before, r.warning, r.sitting_id, \
           s.name AS sitting_name, s.window_start AS sitting_start, s.window_end AS sitting_end, \
           s.location FROM retakes r LEFT JOIN sittings s ON s.id = r.sitting_id \
         WHERE r.exam_id = $1 AND r.state <> 'cancelled' ORDER BY r.created_at"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyRetakeRow {
    pub exam_title: String,
    pub round: i32,
    pub state: String,
    pub not_before: Timestamp,
    pub sitting_id: Option<SittingId>,
    pub sitting_name: Option<String>,
    pub sitting_start: Option<Timestamp>,
    pub sitting_end: Option<Timestamp>,
    pub location: Option<String>,
}

/// A candidate's open retakes.
pub async fn retakes_of_user(ex: &mut impl Exec, user: UserId) -> R<Vec<MyRetakeRow>> {
    sql!(ex, |c| sqlx::query_as::<_, MyRetakeRow>(
        "SELECT e.title AS exam_title, r.round, r.state, r.not_before, r.sitting_id, \
           s.name AS sitting_name, s.window_start AS sitting_start, s.window_end AS sitting_end, \
           s.location FROM retakes r JOIN exams e ON e.id = r.exam_id \
           LEFT JOIN sittings s ON s.id = r.sitting_id \
         WHERE r.user_id = $1 AND r.state IN ('awaiting', 'assigned') ORDER BY r.created_at"
    )
    .bind(user)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub unit_path: String,
}

pub async fn person(ex: &mut impl Exec, id: UserId) -> R<Option<PersonRow>> {
    sql!(ex, |c| sqlx::query_as::<_, PersonRow>(
        "SELECT u.id, u.login, u.display_name, un.name AS unit_name, un.path AS unit_path \
         FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

/// When the latest person case of this candidate and exam was opened.
pub async fn last_case_opened(
    ex: &mut impl Exec,
    exam: ExamId,
    user: UserId,
) -> R<Option<Timestamp>> {
    sql!(ex, |c| sqlx::query_scalar::<_, Option<Timestamp>>(
        "SELECT MAX(opened_at) FROM cases WHERE kind = 'person' AND exam_id = $1 AND user_id = $2 \
           AND (outcome IS NULL OR outcome <> 'withdrawn')"
    )
    .bind(exam)
    .bind(user)
    .fetch_one(&mut *c)
    .await)
}
