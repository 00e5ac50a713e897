//! Storage of attempts, answers, integrity events and regrades.
//!
//! Every write to a running attempt starts with [`gate`], a conditional UPDATE of the
//! attempt row: it checks status, deadline and device in one statement and, on
//! PostgreSQL, takes the row lock that orders the write against a concurrent submit or
//! finalisation on another app server.

use crate::accounts::model::UserId;
use crate::db::Exec;
use crate::papers::model::ExamId;
use crate::question_bank::model::{QuestionId, VersionId};
use crate::sittings::model::SittingId;
use crate::sql;
use crate::time::Timestamp;

use super::model::AttemptId;

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: AttemptId,
    pub sitting_id: SittingId,
    pub user_id: UserId,
    pub exam_id: ExamId,
    pub status: String,
    pub started_at: Timestamp,
    pub deadline: Timestamp,
    pub content: String,
    pub paper: String,
    pub shapes: String,
    pub session_hash: Option<String>,
    pub current_pos: i32,
    pub last_save_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub submit_reason: Option<String>,
    pub max_score: i32,
    pub score: Option<i32>,
    pub threshold: Option<i32>,
    pub passed: Option<bool>,
    pub item_points: Option<String>,
    pub regrade_count: i32,
    pub voided_at: Option<Timestamp>,
}

const ATTEMPT_COLUMNS: &str = "id, sitting_id, user_id, exam_id, status, started_at, deadline, \
    content, paper, shapes, session_hash, current_pos, last_save_at, submitted_at, \
    submit_reason, max_score, score, threshold, passed, item_points, regrade_count, voided_at";

pub struct NewAttempt {
    pub id: AttemptId,
    pub sitting_id: SittingId,
    pub user_id: UserId,
    pub exam_id: ExamId,
    pub started_at: Timestamp,
    pub deadline: Timestamp,
    pub content: String,
    pub paper: String,
    pub shapes: String,
    pub session_hash: String,
    pub max_score: i32,
}

/// Inserts the attempt unless the candidate already has one for the sitting; returns
/// whether this call created it.
pub async fn insert_if_absent(ex: &mut impl Exec, a: &NewAttempt) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO attempts (id, sitting_id, user_id, exam_id, status, started_at, deadline, \
           content, paper, shapes, session_hash, max_score) \
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (sitting_id, user_id) DO NOTHING"
    )
    .bind(a.id)
    .bind(a.sitting_id)
    .bind(a.user_id)
    .bind(a.exam_id)
    .bind(a.started_at)
    .bind(a.deadline)
    .bind(&a.content)
    .bind(&a.paper)
    .bind(&a.shapes)
    .bind(&a.session_hash)
    .bind(a.max_score)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

pub async fn get(ex: &mut impl Exec, id: AttemptId) -> R<Option<AttemptRow>> {
    let q = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1");
    sql!(ex, |c| sqlx::query_as::<_, AttemptRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

pub async fn of_candidate(
    ex: &mut impl Exec,
    sitting: SittingId,
    user: UserId,
) -> R<Option<AttemptRow>> {
    let q =
        format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE sitting_id = $1 AND user_id = $2");
    sql!(ex, |c| sqlx::query_as::<_, AttemptRow>(&q)
        .bind(sitting)
        .bind(user)
        .fetch_optional(&mut *c)
        .await)
}

/// What a refused write is measured against.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GateState {
    pub user_id: UserId,
    pub status: String,
    pub deadline: Timestamp,
    pub session_hash: Option<String>,
}

/// Admits one write to an open attempt: the caller owns it, it is open, the request
/// arrived no later than deadline + grace, and the caller's session holds the attempt
/// (or nobody does, after an unlock: then this session takes it). Returns the deadline,
/// or `None` when refused (see [`gate_state`] for why).
#[allow(clippy::too_many_arguments)]
pub async fn gate(
    ex: &mut impl Exec,
    id: AttemptId,
    user: UserId,
    session: &str,
    arrived: Timestamp,
    grace_ms: i64,
    now: Timestamp,
    position: Option<i32>,
) -> R<Option<Timestamp>> {
    sql!(ex, |c| sqlx::query_scalar::<_, Timestamp>(
        "UPDATE attempts SET last_save_at = $6, session_hash = $3, \
           current_pos = COALESCE($7, current_pos) \
         WHERE id = $1 AND user_id = $2 AND status = 'open' AND deadline + $5 >= $4 \
           AND (session_hash = $3 OR session_hash IS NULL) \
         RETURNING deadline"
    )
    .bind(id)
    .bind(user)
    .bind(session)
    .bind(arrived)
    .bind(grace_ms)
    .bind(now)
    .bind(position)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn gate_state(ex: &mut impl Exec, id: AttemptId) -> R<Option<GateState>> {
    sql!(ex, |c| sqlx::query_as::<_, GateState>(
        "SELECT user_id, status, deadline, session_hash FROM attempts WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

/// Binds the attempt to `session` when it is unbound; returns the session now holding it.
pub async fn claim_session(ex: &mut impl Exec, id: AttemptId, session: &str) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET session_hash = $2 WHERE id = $1 AND session_hash IS NULL"
    )
    .bind(id)
    .bind(session)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

/// Stores an answer unless the stored one has the same or a higher sequence number.
/// Returns whether it was stored.
pub async fn upsert_answer(
    ex: &mut impl Exec,
    id: AttemptId,
    position: i32,
    response: Option<&str>,
    flagged: bool,
    seq: i64,
    now: Timestamp,
) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO attempt_answers (attempt_id, position, response, flagged, seq, saved_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (attempt_id, position) DO UPDATE SET response = excluded.response, \
           flagged = excluded.flagged, seq = excluded.seq, saved_at = excluded.saved_at \
         WHERE excluded.seq > attempt_answers.seq"
    )
    .bind(id)
    .bind(position)
    .bind(response)
    .bind(flagged)
    .bind(seq)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnswerRow {
    pub position: i32,
    pub response: Option<String>,
    pub flagged: bool,
    pub seq: i64,
    pub saved_at: Timestamp,
}

pub async fn answer(ex: &mut impl Exec, id: AttemptId, position: i32) -> R<Option<AnswerRow>> {
    sql!(ex, |c| sqlx::query_as::<_, AnswerRow>(
        "SELECT position, response, flagged, seq, saved_at FROM attempt_answers \
         WHERE attempt_id = $1 AND position = $2"
    )
    .bind(id)
    .bind(position)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn answers(ex: &mut impl Exec, id: AttemptId) -> R<Vec<AnswerRow>> {
    sql!(ex, |c| sqlx::query_as::<_, AnswerRow>(
        "SELECT position, response, flagged, seq, saved_at FROM attempt_answers \
         WHERE attempt_id = $1 ORDER BY position"
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await)
}

pub async fn insert_event(
    ex: &mut impl Exec,
    attempt: AttemptId,
    at: Timestamp,
    kind: &str,
    detail: &str,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO attempt_events (id, attempt_id, at, kind, detail) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(uuid::Uuid::new_v4())
    .bind(attempt)
    .bind(at)
    .bind(kind)
    .bind(detail)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// How many events the attempt holds, and when the latest of `kind` was recorded.
pub async fn event_budget(
    ex: &mut impl Exec,
    attempt: AttemptId,
    kind: &str,
) -> R<(i64, Option<Timestamp>)> {
    sql!(ex, |c| sqlx::query_as::<_, (i64, Option<Timestamp>)>(
        "SELECT COUNT(*), MAX(CASE WHEN kind = $2 THEN at END) FROM attempt_events \
         WHERE attempt_id = $1"
    )
    .bind(attempt)
    .bind(kind)
    .fetch_one(&mut *c)
    .await)
}

/// Open attempts whose deadline is at or before `cutoff`, oldest first.
pub async fn due(ex: &mut impl Exec, cutoff: Timestamp, limit: i64) -> R<Vec<AttemptId>> {
    sql!(ex, |c| sqlx::query_scalar::<_, AttemptId>(
        "SELECT id FROM attempts WHERE status = 'open' AND deadline <= $1 \
         ORDER BY deadline, id LIMIT $2"
    )
    .bind(cutoff)
    .bind(limit)
    .fetch_all(&mut *c)
    .await)
}

/// Marks an open attempt submitted at `at` (`None`: at its deadline). Only one caller ever succeeds for an attempt: the
/// conditional UPDATE is the exactly-once point of finalisation, also across app
/// servers on PostgreSQL (a concurrent second UPDATE waits for the row lock, re-checks
/// `status` and changes nothing). With `due_by` set, only an attempt whose deadline is
/// at or before it is submitted (the background finaliser's condition).
pub async fn mark_submitted(
    ex: &mut impl Exec,
    id: AttemptId,
    at: Option<Timestamp>,
    reason: &str,
    due_by: Option<Timestamp>,
) -> R<bool> {
    sql!(ex, |c| {
        sqlx::query(
        "UPDATE attempts SET status = 'submitted', submitted_at = COALESCE($2, deadline), submit_reason = $3 \
         WHERE id = $1 AND status = 'open' AND ($4 IS NULL OR deadline <= $4)"
    )
    .bind(id)
    .bind(at)
    .bind(reason)
    .bind(due_by)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1)
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn store_grade(
    ex: &mut impl Exec,
    id: AttemptId,
    score: i32,
    max: i32,
    threshold: i32,
    passed: bool,
    item_points: &str,
    rules_version: i32,
    at: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET score = $2, max_score = $3, threshold = $4, passed = $5, \
           item_points = $6, rules_version = $7, graded_at = $8 WHERE id = $1"
    )
    .bind(id)
    .bind(score)
    .bind(max)
    .bind(threshold)
    .bind(passed)
    .bind(item_points)
    .bind(rules_version)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn bump_regrade_count(ex: &mut impl Exec, id: AttemptId) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET regrade_count = regrade_count + 1 WHERE id = $1"
    )
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Moves the deadline of one open attempt. Returns whether it was open.
pub async fn set_deadline(ex: &mut impl Exec, id: AttemptId, deadline: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET deadline = $2 WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(deadline)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

pub async fn release_session(ex: &mut impl Exec, id: AttemptId) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET session_hash = NULL WHERE id = $1"
    )
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

/// Puts a submitted attempt back to open with a new deadline and clears its grade.
pub async fn reopen(ex: &mut impl Exec, id: AttemptId, deadline: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET status = 'open', deadline = $2, submitted_at = NULL, \
           submit_reason = NULL, score = NULL, threshold = NULL, passed = NULL, \
           item_points = NULL, rules_version = NULL, graded_at = NULL, session_hash = NULL \
         WHERE id = $1 AND status = 'submitted'"
    )
    .bind(id)
    .bind(deadline)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

/// Voids a submitted attempt (once); its score no longer counts.
pub async fn void(ex: &mut impl Exec, id: AttemptId, reason: &str, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE attempts SET voided_at = $2, void_reason = $3 \
         WHERE id = $1 AND status = 'submitted' AND voided_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .bind(reason)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

pub async fn of_sitting(ex: &mut impl Exec, sitting: SittingId) -> R<Vec<AttemptRow>> {
    let q = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE sitting_id = $1");
    sql!(ex, |c| sqlx::query_as::<_, AttemptRow>(&q)
        .bind(sitting)
        .fetch_all(&mut *c)
        .await)
}

pub async fn submitted_of_exam(ex: &mut impl Exec, exam: ExamId) -> R<Vec<AttemptRow>> {
    let q = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE exam_id = $1 AND status = 'submitted' \
         ORDER BY id"
    );
    sql!(ex, |c| sqlx::query_as::<_, AttemptRow>(&q)
        .bind(exam)
        .fetch_all(&mut *c)
        .await)
}

/// Per attempt of a sitting: answered questions and integrity events.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProgressRow {
    pub attempt_id: AttemptId,
    pub answered: i64,
    pub events: i64,
}

pub async fn progress_of_sitting(ex: &mut impl Exec, sitting: SittingId) -> R<Vec<ProgressRow>> {
    sql!(ex, |c| sqlx::query_as::<_, ProgressRow>(
        "SELECT a.id AS attempt_id, \
           (SELECT COUNT(*) FROM attempt_answers x WHERE x.attempt_id = a.id \
              AND x.response IS NOT NULL) AS answered, \
           (SELECT COUNT(*) FROM attempt_events e WHERE e.attempt_id = a.id) AS events \
         FROM attempts a WHERE a.sitting_id = $1"
    )
    .bind(sitting)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: Timestamp,
    pub login: String,
    pub display_name: String,
    pub kind: String,
    pub detail: String,
}

pub async fn events_of_sitting(
    ex: &mut impl Exec,
    sitting: SittingId,
    limit: i64,
) -> R<Vec<EventRow>> {
    sql!(ex, |c| sqlx::query_as::<_, EventRow>(
        "SELECT e.at, u.login, u.display_name, e.kind, e.detail FROM attempt_events e \
         JOIN attempts a ON a.id = e.attempt_id JOIN users u ON u.id = a.user_id \
         WHERE a.sitting_id = $1 ORDER BY e.at DESC LIMIT $2"
    )
    .bind(sitting)
    .bind(limit)
    .fetch_all(&mut *c)
    .await)
}

/// A candidate's attempts with what the landing page needs to apply the visibility policy.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MyAttemptRow {
    pub id: AttemptId,
    pub sitting_id: SittingId,
    pub exam_title: String,
    pub sitting_name: String,
    pub window_end: Timestamp,
    pub settings: String,
    pub status: String,
    pub deadline: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub score: Option<i32>,
    pub max_score: i32,
    pub passed: Option<bool>,
}

pub async fn of_user(ex: &mut impl Exec, user: UserId) -> R<Vec<MyAttemptRow>> {
    sql!(ex, |c| sqlx::query_as::<_, MyAttemptRow>(
        "SELECT a.id, a.sitting_id, e.title AS exam_title, s.name AS sitting_name, \
           s.window_end, e.settings, a.status, a.deadline, a.submitted_at, a.score, \
           a.max_score, a.passed \
         FROM attempts a JOIN sittings s ON s.id = a.sitting_id JOIN exams e ON e.id = a.exam_id \
         WHERE a.user_id = $1 ORDER BY a.started_at DESC"
    )
    .bind(user)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RegradeRow {
    pub question_id: QuestionId,
    pub mode: String,
    pub version_id: Option<VersionId>,
}

/// The regrades of an exam, oldest first (later rows override earlier ones).
pub async fn regrades_of_exam(ex: &mut impl Exec, exam: ExamId) -> R<Vec<RegradeRow>> {
    sql!(ex, |c| sqlx::query_as::<_, RegradeRow>(
        "SELECT question_id, mode, version_id FROM regrades WHERE exam_id = $1 \
         ORDER BY created_at, id"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_regrade(
    ex: &mut impl Exec,
    exam: ExamId,
    question: QuestionId,
    mode: &str,
    version: Option<VersionId>,
    reason: &str,
    by: UserId,
    at: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO regrades (id, exam_id, question_id, mode, version_id, reason, created_by, \
           created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(uuid::Uuid::new_v4())
    .bind(exam)
    .bind(question)
    .bind(mode)
    .bind(version)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// The answer key and content of one question version.
pub async fn version_key(ex: &mut impl Exec, id: VersionId) -> R<Option<(String, String)>> {
    sql!(ex, |c| sqlx::query_as::<_, (String, String)>(
        "SELECT content, answer_key FROM question_versions WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn current_version(ex: &mut impl Exec, q: QuestionId) -> R<Option<VersionId>> {
    sql!(ex, |c| sqlx::query_scalar::<_, VersionId>(
        "SELECT current_version_id FROM questions WHERE id = $1"
    )
    .bind(q)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn shapes(ex: &mut impl Exec, id: AttemptId) -> R<Option<String>> {
    sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT shapes FROM attempts WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignmentRow {
    pub extra_minutes: i32,
    pub extra_percent: i32,
    pub accommodation_reason: String,
    pub paper: Option<String>,
}

pub async fn assignment(
    ex: &mut impl Exec,
    sitting: SittingId,
    user: UserId,
) -> R<Option<AssignmentRow>> {
    sql!(ex, |c| sqlx::query_as::<_, AssignmentRow>(
        "SELECT extra_minutes, extra_percent, accommodation_reason, paper FROM assignments \
         WHERE sitting_id = $1 AND user_id = $2"
    )
    .bind(sitting)
    .bind(user)
    .fetch_optional(&mut *c)
    .await)
}

/// Login and name of the candidate of every attempt of an exam.
pub async fn names_of_exam(
    ex: &mut impl Exec,
    exam: ExamId,
) -> R<Vec<(AttemptId, String, String)>> {
    sql!(ex, |c| sqlx::query_as::<_, (AttemptId, String, String)>(
        "SELECT a.id, u.login, u.display_name FROM attempts a JOIN users u ON u.id = a.user_id \
         WHERE a.exam_id = $1"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}
