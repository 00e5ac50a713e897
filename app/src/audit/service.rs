//! Reading the audit log a page at a time.

use crate::accounts::model::Page;
use crate::error::AppError;
use crate::server::AppState;

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
