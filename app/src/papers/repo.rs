//! Storage of exams: settings and sections as JSON documents, with the totals mirrored
//! in columns for lists.

use crate::accounts::model::{UnitId, UserId};
use crate::db::{like_escape, Exec};
use crate::question_bank::model::BankId;
use crate::sql;
use crate::time::Timestamp;

use super::model::ExamId;

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExamRow {
    pub id: ExamId,
    pub bank_id: BankId,
    pub bank_name: String,
    pub owner_unit_id: UnitId,
    pub owner_path: String,
    pub title: String,
    pub settings: String,
    pub sections: String,
    pub total_points: i32,
    pub question_count: i32,
    pub sitting_count: i64,
    pub updated_at: Timestamp,
}

const EXAM_COLUMNS: &str = "e.id, e.bank_id, b.name AS bank_name, e.owner_unit_id, \
    u.path AS owner_path, e.title, e.settings, e.sections, e.total_points, \
    e.question_count, \
    (SELECT COUNT(*) FROM sittings s WHERE s.exam_id = e.id) AS sitting_count, e.updated_at";

const EXAM_FROM: &str =
    "exams e JOIN banks b ON b.id = e.bank_id JOIN units u ON u.id = e.owner_unit_id";

pub struct NewExam<'a> {
    pub id: ExamId,
    pub bank_id: BankId,
    pub owner: UnitId,
    pub title: &'a str,
    pub settings: &'a str,
    pub sections: &'a str,
    pub by: UserId,
    pub now: Timestamp,
}

pub async fn insert_exam(ex: &mut impl Exec, e: &NewExam<'_>) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO exams (id, bank_id, owner_unit_id, title, settings, sections, \
           total_points, question_count, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, 0, $7, $8, $8)"
    )
    .bind(e.id)
    .bind(e.bank_id)
    .bind(e.owner)
    .bind(e.title)
    .bind(e.settings)
    .bind(e.sections)
    .bind(e.by)
    .bind(e.now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn update_exam(
    ex: &mut impl Exec,
    id: ExamId,
    title: &str,
    settings: &str,
    sections: &str,
    totals: (i32, i32),
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE exams SET title = $2, settings = $3, sections = $4, total_points = $5, \
           question_count = $6, updated_at = $7 WHERE id = $1"
    )
    .bind(id)
    .bind(title)
    .bind(settings)
    .bind(sections)
    .bind(totals.0)
    .bind(totals.1)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_exam(ex: &mut impl Exec, id: ExamId) -> R<Option<ExamRow>> {
    let q = format!("SELECT {EXAM_COLUMNS} FROM {EXAM_FROM} WHERE e.id = $1");
    sql!(ex, |c| sqlx::query_as::<_, ExamRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

/// Exams owned inside the scope, newest first.
pub async fn list_exams(ex: &mut impl Exec, scope_path: &str) -> R<Vec<ExamRow>> {
    let pattern = format!("{}%", like_escape(scope_path));
    let q = format!(
        "SELECT {EXAM_COLUMNS} FROM {EXAM_FROM} WHERE u.path LIKE $1 ESCAPE '\\' \
         ORDER BY e.updated_at DESC"
    );
    sql!(ex, |c| sqlx::query_as::<_, ExamRow>(&q)
        .bind(&pattern)
        .fetch_all(&mut *c)
        .await)
}
