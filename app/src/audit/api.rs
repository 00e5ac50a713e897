//! Server functions of the audit log: browsing is for administrators of the whole tree.

use leptos::prelude::*;

use crate::accounts::model::Page;
use crate::error::AppError;

use super::model::AuditEntry;

#[server(endpoint = "audit/list")]
pub async fn list_audit(
    action: String,
    actor: String,
    page: u32,
) -> Result<Page<AuditEntry>, AppError> {
    use crate::accounts::model::Role;
    let cx = crate::server::ctx()?;
    let a = cx.require(Role::Admin)?;
    if !a.global() {
        return Err(AppError::Forbidden);
    }
    super::service::list(&cx.state, &action, &actor, page).await
}
