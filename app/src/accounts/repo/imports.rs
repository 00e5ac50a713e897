//! Uploaded user files waiting between preview and commit.

use uuid::Uuid;

use crate::db::Exec;
use crate::sql;
use crate::time::Timestamp;

use super::super::model::UserId;
use super::R;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRecord {
    pub id: Uuid,
    pub created_by: UserId,
    pub file_name: String,
    pub report_json: String,
    pub password_hash: String,
    pub committed_at: Option<Timestamp>,
}

pub async fn insert_import(
    ex: &mut impl Exec,
    id: Uuid,
    created_by: UserId,
    now: Timestamp,
    file_name: &str,
    report_json: &str,
    password_hash: &str,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO user_imports (id, created_by, created_at, file_name, report_json, \
           password_hash) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(id)
    .bind(created_by)
    .bind(now)
    .bind(file_name)
    .bind(report_json)
    .bind(password_hash)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_import(ex: &mut impl Exec, id: Uuid) -> R<Option<ImportRecord>> {
    sql!(ex, |c| sqlx::query_as::<_, ImportRecord>(
        "SELECT id, created_by, file_name, report_json, password_hash, committed_at \
         FROM user_imports \
         WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

/// Marks the import committed; returns false when it already was (a double submit).
pub async fn mark_import_committed(ex: &mut impl Exec, id: Uuid, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE user_imports SET committed_at = $2 WHERE id = $1 AND committed_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}
