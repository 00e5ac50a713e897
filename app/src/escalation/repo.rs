//! Storage of escalation cases and their events.

use std::collections::HashSet;

use crate::accounts::model::{UnitId, UserId};
use crate::db::Exec;
use crate::papers::model::ExamId;
use crate::sql;
use crate::time::Timestamp;

use super::model::CaseId;

type R<T> = Result<T, sqlx::Error>;

pub struct NewCase<'a> {
    pub id: CaseId,
    pub kind: &'a str,
    pub exam: ExamId,
    pub user: Option<UserId>,
    pub unit: UnitId,
    pub interviewer: Option<UserId>,
    pub reasons: &'a str,
    pub due_at: Timestamp,
}

/// Inserts a case unless an equivalent one exists (an open person case for the same
/// candidate and exam, or a unit case for the same unit and exam). Returns whether it
/// was inserted.
pub async fn insert_case(ex: &mut impl Exec, c: &NewCase<'_>, now: Timestamp) -> R<bool> {
    sql!(ex, |conn| sqlx::query(
        "INSERT INTO cases (id, kind, exam_id, user_id, unit_id, interviewer_id, state, reasons, \
           due_at, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $9) \
         ON CONFLICT DO NOTHING"
    )
    .bind(c.id)
    .bind(c.kind)
    .bind(c.exam)
    .bind(c.user)
    .bind(c.unit)
    .bind(c.interviewer)
    .bind(c.reasons)
    .bind(c.due_at)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected() > 0))
}

pub async fn add_event(
    ex: &mut impl Exec,
    case: CaseId,
    at: Timestamp,
    actor: Option<(UserId, &str)>,
    action: &str,
    detail: &str,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO case_events (case_id, at, actor_id, actor_login, action, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(case)
    .bind(at)
    .bind(actor.map(|a| a.0))
    .bind(actor.map_or("system", |a| a.1))
    .bind(action)
    .bind(detail)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: CaseId,
    pub kind: String,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub user_id: Option<UserId>,
    pub user_login: Option<String>,
    pub user_name: Option<String>,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub unit_path: String,
    pub interviewer_id: Option<UserId>,
    pub interviewer_name: Option<String>,
    pub state: String,
    pub reasons: String,
    pub due_at: Timestamp,
    pub interview_at: Option<Timestamp>,
    pub place: Option<String>,
    pub notes: Option<String>,
    pub outcome: Option<String>,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

const CASE_SELECT: &str = "SELECT c.id, c.kind, c.exam_id, e.title AS exam_title, c.user_id, \
    p.login AS user_login, p.display_name AS user_name, c.unit_id, un.name AS unit_name, \
    un.path AS unit_path, c.interviewer_id, i.display_name AS interviewer_name, c.state, \
    c.reasons, c.due_at, c.interview_at, c.place, c.notes, c.outcome, c.opened_at, c.closed_at \
    FROM cases c JOIN exams e ON e.id = c.exam_id JOIN units un ON un.id = c.unit_id \
    LEFT JOIN users p ON p.id = c.user_id LEFT JOIN users i ON i.id = c.interviewer_id";

pub async fn get_case(ex: &mut impl Exec, id: CaseId) -> R<Option<CaseRow>> {
    let q = format!("{CASE_SELECT} WHERE c.id = $1");
    sql!(ex, |c| sqlx::query_as::<_, CaseRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

/// Cases of units under `scope_path`, optionally only those of one interviewer.
pub async fn list_cases(
    ex: &mut impl Exec,
    scope_path: &str,
    interviewer: Option<UserId>,
) -> R<Vec<CaseRow>> {
    let q = format!(
        "{CASE_SELECT} WHERE un.path LIKE $1 ESCAPE '\\' \
         AND ($2 IS NULL OR c.interviewer_id = $2) ORDER BY c.opened_at DESC, c.id LIMIT 2000"
    );
    let scope = format!("{}%", crate::db::like_escape(scope_path));
    sql!(ex, |c| sqlx::query_as::<_, CaseRow>(&q)
        .bind(&scope)
        .bind(interviewer)
        .fetch_all(&mut *c)
        .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: Timestamp,
    pub actor_login: String,
    pub action: String,
    pub detail: String,
}

pub async fn events(ex: &mut impl Exec, case: CaseId) -> R<Vec<EventRow>> {
    sql!(ex, |c| sqlx::query_as::<_, EventRow>(
        "SELECT at, actor_login, action, detail FROM case_events WHERE case_id = $1 ORDER BY id"
    )
    .bind(case)
    .fetch_all(&mut *c)
    .await)
}

/// Moves a case from `from` to `to` (compare-and-set, so two people acting at once
/// cannot both succeed); with the fields of that step.
#[allow(clippy::too_many_arguments)]
pub async fn set_state(
    ex: &mut impl Exec,
    id: CaseId,
    from: &str,
    to: &str,
    interview_at: Option<Timestamp>,
    place: Option<&str>,
    notes: Option<&str>,
    outcome: Option<&str>,
    now: Timestamp,
) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE cases SET state = $3, interview_at = COALESCE($4, interview_at), \
           place = COALESCE($5, place), notes = COALESCE($6, notes), \
           outcome = COALESCE($7, outcome), updated_at = $8, \
           closed_at = CASE WHEN $3 = 'closed' THEN $8 ELSE closed_at END \
         WHERE id = $1 AND state = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(interview_at)
    .bind(place)
    .bind(notes)
    .bind(outcome)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() > 0))
}

/// The open person case of a candidate for an exam.
pub async fn open_person_case(ex: &mut impl Exec, exam: ExamId, user: UserId) -> R<Option<CaseId>> {
    sql!(ex, |c| sqlx::query_scalar::<_, CaseId>(
        "SELECT id FROM cases WHERE kind = 'person' AND exam_id = $1 AND user_id = $2 \
           AND state <> 'closed'"
    )
    .bind(exam)
    .bind(user)
    .fetch_optional(&mut *c)
    .await)
}

/// Candidates of the exam with a person case that was not withdrawn.
pub async fn person_case_users(ex: &mut impl Exec, exam: ExamId) -> R<HashSet<UserId>> {
    let v = sql!(ex, |c| sqlx::query_scalar::<_, UserId>(
        "SELECT user_id FROM cases WHERE kind = 'person' AND exam_id = $1 \
           AND user_id IS NOT NULL AND (outcome IS NULL OR outcome <> 'withdrawn')"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)?;
    Ok(v.into_iter().collect())
}

/// Active interviewers with the unit path of their scope (scope unit, else own unit).
pub async fn interviewers(ex: &mut impl Exec) -> R<Vec<(UserId, String)>> {
    sql!(ex, |c| sqlx::query_as::<_, (UserId, String)>(
        "SELECT u.id, COALESCE(s.path, un.path) FROM users u \
         JOIN units un ON un.id = u.unit_id LEFT JOIN units s ON s.id = u.scope_unit_id \
         WHERE u.is_interviewer AND u.active ORDER BY u.id"
    )
    .fetch_all(&mut *c)
    .await)
}

/// An active user with the interviewer role, by login.
pub async fn active_interviewer_by_login(ex: &mut impl Exec, login: &str) -> R<Option<UserId>> {
    sql!(ex, |c| sqlx::query_scalar::<_, UserId>(
        "SELECT id FROM users WHERE login = $1 AND active AND is_interviewer"
    )
    .bind(login)
    .fetch_optional(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitResultRow {
    pub user_id: UserId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub unit_path: String,
    pub outcome: String,
    pub open_case: bool,
}

/// First-sitting results of an exam with each candidate's unit.
pub async fn first_results_by_unit(ex: &mut impl Exec, exam: ExamId) -> R<Vec<UnitResultRow>> {
    sql!(ex, |c| sqlx::query_as::<_, UnitResultRow>(
        "SELECT r.user_id, u.unit_id, un.name AS unit_name, un.path AS unit_path, r.outcome, \
           EXISTS (SELECT 1 FROM cases k WHERE k.kind = 'person' AND k.exam_id = r.exam_id \
             AND k.user_id = r.user_id AND k.state <> 'closed') AS open_case \
         FROM sitting_results r JOIN sittings s ON s.id = r.sitting_id \
           JOIN users u ON u.id = r.user_id JOIN units un ON un.id = u.unit_id \
         WHERE r.exam_id = $1 AND NOT s.is_retake"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DossierAttemptRow {
    pub sitting_id: crate::sittings::model::SittingId,
    pub sitting_name: String,
    pub is_retake: bool,
    pub window_start: Timestamp,
    pub outcome: Option<String>,
    pub attempt_id: Option<crate::attempts::model::AttemptId>,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub started_at: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub paper: Option<String>,
    pub item_points: Option<String>,
    pub regrade_count: Option<i32>,
    pub extra_minutes: i32,
    pub extra_percent: i32,
    pub accommodation_reason: String,
}

/// Every sitting of the exam the candidate was assigned to, with their attempt.
pub async fn dossier_rounds(
    ex: &mut impl Exec,
    exam: ExamId,
    user: UserId,
) -> R<Vec<DossierAttemptRow>> {
    sql!(ex, |c| sqlx::query_as::<_, DossierAttemptRow>(
        "SELECT s.id AS sitting_id, s.name AS sitting_name, s.is_retake, s.window_start, \
           r.outcome, t.id AS attempt_id, t.score, t.max_score, t.started_at, t.submitted_at, \
           t.paper, t.item_points, t.regrade_count, a.extra_minutes, a.extra_percent, \
           a.accommodation_reason \
         FROM assignments a JOIN sittings s ON s.id = a.sitting_id \
           LEFT JOIN sitting_results r ON r.sitting_id = a.sitting_id AND r.user_id = a.user_id \
           LEFT JOIN attempts t ON t.sitting_id = a.sitting_id AND t.user_id = a.user_id \
         WHERE s.exam_id = $1 AND a.user_id = $2 ORDER BY s.window_start, s.id"
    )
    .bind(exam)
    .bind(user)
    .fetch_all(&mut *c)
    .await)
}

pub async fn event_counts(
    ex: &mut impl Exec,
    attempt: crate::attempts::model::AttemptId,
) -> R<Vec<(String, i64)>> {
    sql!(ex, |c| {
        sqlx::query_as::<_, (String, i64)>(
        "SELECT kind, COUNT(*) FROM attempt_events WHERE attempt_id = $1 GROUP BY kind ORDER BY kind"
    )
    .bind(attempt)
    .fetch_all(&mut *c)
    .await
    })
}

/// The category (name path) of a question, empty when uncategorised.
pub async fn question_category(
    ex: &mut impl Exec,
    q: crate::question_bank::model::QuestionId,
) -> R<String> {
    sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT COALESCE(k.name_path, '') FROM questions q \
         LEFT JOIN categories k ON k.id = q.category_id WHERE q.id = $1"
    )
    .bind(q)
    .fetch_optional(&mut *c)
    .await
    .map(Option::unwrap_or_default))
}

pub async fn regrades(ex: &mut impl Exec, exam: ExamId) -> R<Vec<(Timestamp, String, String)>> {
    sql!(ex, |c| sqlx::query_as::<_, (Timestamp, String, String)>(
        "SELECT created_at, mode, reason FROM regrades WHERE exam_id = $1 ORDER BY created_at"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}
