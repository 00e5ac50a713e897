//! Reading the audit log a page at a time, and recording what a signed-in user did.

use crate::accounts::model::Page;
use crate::db::Exec;
use crate::error::AppError;
use crate::server::{AppState, Authed};
use crate::time::Timestamp;

use super::model::{AuditAction, AuditEntry};

pub const PER_PAGE: u32 = 50;

pub async fn list(
    state: &AppState,
    action: &str,
    actor: &str,
    page: u32,
) -> Result<Page<AuditEntry>, AppError> {
    let action = AuditAction::from_key(action.trim()).map(|a| a.key());
    let page = page.max(1);
    let offset = u64::from(page - 1) * u64::from(PER_PAGE);
    let mut c = state.db.read().await?;
    let (items, total) = super::repo::list(&mut c, action, actor, PER_PAGE, offset).await?;
    Ok(Page {
        items,
        total: total.max(0) as u64,
        page,
        per_page: PER_PAGE,
    })
}

/// Appends what the signed-in user `a` did from `addr`, inside the caller's transaction.
pub async fn record(
    ex: &mut impl Exec,
    at: Timestamp,
    a: &Authed,
    addr: &str,
    action: AuditAction,
    target: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    super::repo::append(
        ex,
        &super::repo::Record {
            at,
            actor_id: Some(a.user.id),
            actor_login: &a.user.login,
            action,
            target,
            detail,
            client_addr: addr,
        },
    )
    .await
}
