//! Storage of sittings and assignments (with each candidate's pre-drawn paper).

use crate::accounts::model::UserId;
use crate::db::{like_escape, Exec};
use crate::papers::model::ExamId;
use crate::sql;
use crate::time::Timestamp;

use super::model::SittingId;

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SittingRow {
    pub id: SittingId,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub owner_path: String,
    pub name: String,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub mode: String,
    pub late_entry_minutes: i32,
    pub capacity: i32,
    pub location: String,
    pub is_retake: bool,
    pub closed_at: Option<Timestamp>,
    pub assigned: i64,
}

const SITTING_COLUMNS: &str = "s.id, s.exam_id, e.title AS exam_title, u.path AS owner_path, \
    s.name, s.window_start, s.window_end, s.mode, s.late_entry_minutes, s.capacity, \
    s.location, s.is_retake, s.closed_at, \
    (SELECT COUNT(*) FROM assignments a WHERE a.sitting_id = s.id) AS assigned";

const SITTING_FROM: &str =
    "sittings s JOIN exams e ON e.id = s.exam_id JOIN units u ON u.id = e.owner_unit_id";

pub struct SittingData<'a> {
    pub name: &'a str,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub mode: &'a str,
    pub late_entry_minutes: i32,
    pub capacity: i32,
    pub location: &'a str,
    pub is_retake: bool,
}

pub async fn insert_sitting(
    ex: &mut impl Exec,
    id: SittingId,
    exam: ExamId,
    d: &SittingData<'_>,
    by: UserId,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO sittings (id, exam_id, name, window_start, window_end, mode, \
           late_entry_minutes, capacity, location, is_retake, created_by, created_at, \
           updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)"
    )
    .bind(id)
    .bind(exam)
    .bind(d.name)
    .bind(d.window_start)
    .bind(d.window_end)
    .bind(d.mode)
    .bind(d.late_entry_minutes)
    .bind(d.capacity)
    .bind(d.location)
    .bind(d.is_retake)
    .bind(by)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn update_sitting(
    ex: &mut impl Exec,
    id: SittingId,
    d: &SittingData<'_>,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE sittings SET name = $2, window_start = $3, window_end = $4, mode = $5, \
           late_entry_minutes = $6, capacity = $7, location = $8, is_retake = $9, \
           updated_at = $10 WHERE id = $1"
    )
    .bind(id)
    .bind(d.name)
    .bind(d.window_start)
    .bind(d.window_end)
    .bind(d.mode)
    .bind(d.late_entry_minutes)
    .bind(d.capacity)
    .bind(d.location)
    .bind(d.is_retake)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    sql!(ex, |c| sqlx::query(
        "UPDATE assignments SET window_start = $2, window_end = $3 WHERE sitting_id = $1"
    )
    .bind(id)
    .bind(d.window_start)
    .bind(d.window_end)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_sitting(ex: &mut impl Exec, id: SittingId) -> R<Option<SittingRow>> {
    let q = format!("SELECT {SITTING_COLUMNS} FROM {SITTING_FROM} WHERE s.id = $1");
    sql!(ex, |c| sqlx::query_as::<_, SittingRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

/// Sittings of exams owned inside the scope whose window ends after `from`.
pub async fn list_sittings(
    ex: &mut impl Exec,
    scope_path: &str,
    from: Timestamp,
) -> R<Vec<SittingRow>> {
    let pattern = format!("{}%", like_escape(scope_path));
    let q = format!(
        "SELECT {SITTING_COLUMNS} FROM {SITTING_FROM} \
         WHERE u.path LIKE $1 ESCAPE '\\' AND s.window_end > $2 ORDER BY s.window_start"
    );
    sql!(ex, |c| sqlx::query_as::<_, SittingRow>(&q)
        .bind(&pattern)
        .bind(from)
        .fetch_all(&mut *c)
        .await)
}

pub async fn sittings_of_exam(ex: &mut impl Exec, exam: ExamId) -> R<Vec<SittingRow>> {
    let q = format!(
        "SELECT {SITTING_COLUMNS} FROM {SITTING_FROM} WHERE s.exam_id = $1 \
         ORDER BY s.window_start"
    );
    sql!(ex, |c| sqlx::query_as::<_, SittingRow>(&q)
        .bind(exam)
        .fetch_all(&mut *c)
        .await)
}

/// A user considered for assignment, with what the checks need.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub unit_path: String,
    pub is_candidate: bool,
    pub active: bool,
}

const CANDIDATE_COLUMNS: &str = "u.id, u.login, u.display_name, un.name AS unit_name, \
    un.path AS unit_path, u.is_candidate, u.active";

pub async fn users_by_login(ex: &mut impl Exec, login: &str) -> R<Option<CandidateRow>> {
    let q = format!(
        "SELECT {CANDIDATE_COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id \
         WHERE u.login = $1"
    );
    sql!(ex, |c| sqlx::query_as::<_, CandidateRow>(&q)
        .bind(login)
        .fetch_optional(&mut *c)
        .await)
}

/// Users in units whose path starts with `path_prefix` (a subtree), or exactly in one
/// unit when `exact_unit_path` is given instead.
pub async fn users_in_units(ex: &mut impl Exec, path_pattern: &str) -> R<Vec<CandidateRow>> {
    let q = format!(
        "SELECT {CANDIDATE_COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id \
         WHERE un.path LIKE $1 ESCAPE '\\' ORDER BY un.path, u.login"
    );
    sql!(ex, |c| sqlx::query_as::<_, CandidateRow>(&q)
        .bind(path_pattern)
        .fetch_all(&mut *c)
        .await)
}

pub async fn users_with_rank(
    ex: &mut impl Exec,
    scope_pattern: &str,
    rank: &str,
) -> R<Vec<CandidateRow>> {
    let q = format!(
        "SELECT {CANDIDATE_COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id \
         WHERE un.path LIKE $1 ESCAPE '\\' AND u.rank_tag = $2 ORDER BY un.path, u.login"
    );
    sql!(ex, |c| sqlx::query_as::<_, CandidateRow>(&q)
        .bind(scope_pattern)
        .bind(rank)
        .fetch_all(&mut *c)
        .await)
}

/// The name of another sitting of this user whose window overlaps `[start, end)`.
pub async fn overlapping(
    ex: &mut impl Exec,
    user: UserId,
    sitting: SittingId,
    start: Timestamp,
    end: Timestamp,
) -> R<Option<String>> {
    sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT e.title || ' ' || s.name FROM assignments a \
         JOIN sittings s ON s.id = a.sitting_id JOIN exams e ON e.id = s.exam_id \
         WHERE a.user_id = $1 AND a.sitting_id <> $2 \
           AND a.window_start < $4 AND a.window_end > $3 LIMIT 1"
    )
    .bind(user)
    .bind(sitting)
    .bind(start)
    .bind(end)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn is_assigned(ex: &mut impl Exec, sitting: SittingId, user: UserId) -> R<bool> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM assignments WHERE sitting_id = $1 AND user_id = $2"
    )
    .bind(sitting)
    .bind(user)
    .fetch_one(&mut *c)
    .await
    .map(|n| n > 0))
}

pub async fn insert_assignment(
    ex: &mut impl Exec,
    sitting: &SittingRow,
    user: UserId,
    by: Option<UserId>,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO assignments (sitting_id, user_id, window_start, window_end, \
           assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(sitting.id)
    .bind(user)
    .bind(sitting.window_start)
    .bind(sitting.window_end)
    .bind(by)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn delete_assignment(ex: &mut impl Exec, sitting: SittingId, user: UserId) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM assignments WHERE sitting_id = $1 AND user_id = $2"
    )
    .bind(sitting)
    .bind(user)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn set_paper(
    ex: &mut impl Exec,
    sitting: SittingId,
    user: UserId,
    paper: Option<&str>,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE assignments SET paper = $3 WHERE sitting_id = $1 AND user_id = $2"
    )
    .bind(sitting)
    .bind(user)
    .bind(paper)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn set_accommodation(
    ex: &mut impl Exec,
    sitting: SittingId,
    user: UserId,
    minutes: i32,
    percent: i32,
    reason: &str,
) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE assignments SET extra_minutes = $3, extra_percent = $4, \
           accommodation_reason = $5 WHERE sitting_id = $1 AND user_id = $2"
    )
    .bind(sitting)
    .bind(user)
    .bind(minutes)
    .bind(percent)
    .bind(reason)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignmentRow {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub extra_minutes: i32,
    pub extra_percent: i32,
    pub accommodation_reason: String,
    pub assigned_at: Timestamp,
    pub has_paper: bool,
}

pub async fn roster(ex: &mut impl Exec, sitting: SittingId) -> R<Vec<AssignmentRow>> {
    sql!(ex, |c| sqlx::query_as::<_, AssignmentRow>(
        "SELECT a.user_id, u.login, u.display_name, un.name AS unit_name, a.extra_minutes, \
           a.extra_percent, a.accommodation_reason, a.assigned_at, \
           (a.paper IS NOT NULL) AS has_paper \
         FROM assignments a JOIN users u ON u.id = a.user_id \
         JOIN units un ON un.id = u.unit_id \
         WHERE a.sitting_id = $1 ORDER BY un.path, u.login"
    )
    .bind(sitting)
    .fetch_all(&mut *c)
    .await)
}

pub async fn assigned_users(ex: &mut impl Exec, sitting: SittingId) -> R<Vec<UserId>> {
    sql!(ex, |c| sqlx::query_scalar::<_, UserId>(
        "SELECT user_id FROM assignments WHERE sitting_id = $1"
    )
    .bind(sitting)
    .fetch_all(&mut *c)
    .await)
}

/// A candidate's upcoming or current sittings.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MySittingRow {
    pub sitting_id: SittingId,
    pub exam_title: String,
    pub name: String,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub location: String,
    pub settings: String,
}

pub async fn my_sittings(ex: &mut impl Exec, user: UserId, now: Timestamp) -> R<Vec<MySittingRow>> {
    sql!(ex, |c| sqlx::query_as::<_, MySittingRow>(
        "SELECT s.id AS sitting_id, e.title AS exam_title, s.name, s.window_start, \
           s.window_end, s.location, e.settings \
         FROM assignments a JOIN sittings s ON s.id = a.sitting_id \
         JOIN exams e ON e.id = s.exam_id \
         WHERE a.user_id = $1 AND s.window_end > $2 ORDER BY s.window_start"
    )
    .bind(user)
    .bind(now)
    .fetch_all(&mut *c)
    .await)
}
