//! Appending to and reading the audit log. Rows are never updated or deleted (the
//! schema's triggers refuse it).

use crate::accounts::model::UserId;
use crate::db::{like_escape, Exec};
use crate::sql;
use crate::time::Timestamp;

use super::model::{AuditAction, AuditEntry};

/// One audit record, written in the same transaction as the change it describes.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub at: Timestamp,
    pub actor_id: Option<UserId>,
    pub actor_login: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: &'a str,
    pub client_addr: &'a str,
}

pub async fn append(ex: &mut impl Exec, r: &Record<'_>) -> Result<(), sqlx::Error> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_login, action, target, detail, client_addr) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(r.at)
    .bind(r.actor_id)
    .bind(r.actor_login)
    .bind(r.action.key())
    .bind(r.target)
    .bind(r.detail)
    .bind(r.client_addr)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: Timestamp,
    actor_login: String,
    action: String,
    target: String,
    detail: String,
    client_addr: String,
}

/// Newest first; `action` filters by key, `actor` by a substring of the actor's login.
pub async fn list(
    ex: &mut impl Exec,
    action: Option<&str>,
    actor: &str,
    limit: u32,
    offset: u64,
) -> Result<(Vec<AuditEntry>, i64), sqlx::Error> {
    let actor = format!("%{}%", like_escape(&actor.trim().to_lowercase()));
    let filter = "WHERE ($1 IS NULL OR action = $1) AND LOWER(actor_login) LIKE $2 ESCAPE '\\'";
    let count_q = format!("SELECT COUNT(*) FROM audit_log {filter}");
    let page_q = format!(
        "SELECT id, at, actor_login, action, target, detail, client_addr FROM audit_log \
         {filter} ORDER BY id DESC LIMIT $3 OFFSET $4"
    );
    let total = sql!(ex, |c| sqlx::query_scalar::<_, i64>(&count_q)
        .bind(action)
        .bind(&actor)
        .fetch_one(&mut *c)
        .await)?;
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let rows = sql!(ex, |c| sqlx::query_as::<_, Row>(&page_q)
        .bind(action)
        .bind(&actor)
        .bind(i64::from(limit))
        .bind(offset)
        .fetch_all(&mut *c)
        .await)?;
    Ok((
        rows.into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor_login: r.actor_login,
                action: r.action,
                target: r.target,
                detail: r.detail,
                client_addr: r.client_addr,
            })
            .collect(),
        total,
    ))
}
