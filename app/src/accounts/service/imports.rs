//! User imports: parse and validate an upload for preview, then apply its good rows in
//! one transaction.

use uuid::Uuid;

use crate::audit::model::AuditAction;
use crate::db::{Exec, Tx};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::{AppState, Authed};

use super::super::domain;
use super::super::model::{ImportPreview, UserId};
use super::super::repo::{self, NewUser};
use super::{conflict_as, record, Actor};

/// What is kept between preview and commit: the preview plus the batch password's hash.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredImport {
    preview: ImportPreview,
}

/// Parses and validates an uploaded file and stores the result for preview. Nothing is
/// applied until [`commit_import`].
pub async fn preview_import(
    state: &AppState,
    a: &Authed,
    file_name: &str,
    bytes: &[u8],
    initial_password: String,
) -> Result<ImportPreview, AppError> {
    domain::check_password(&initial_password)
        .map_err(|m| AppError::invalid("initial_password", m))?;
    let table = super::super::import::read_table(file_name, bytes)
        .map_err(|m| AppError::invalid("file", m))?;
    let (units, logins) = {
        let mut c = state.db.read().await?;
        (
            repo::units_by_codes(&mut c).await?,
            repo::all_logins(&mut c).await?,
        )
    };
    let (good, errors) = super::super::import::validate(&table, &units, &logins, &a.scope.path)
        .map_err(|m| AppError::invalid("file", m))?;
    let hash = state.hasher.hash(initial_password).await;
    let preview = ImportPreview {
        id: Uuid::new_v4(),
        file_name: file_name.chars().take(200).collect(),
        good,
        errors,
        committed_at: None,
    };
    let json = serde_json::to_string(&StoredImport {
        preview: preview.clone(),
    })
    .map_err(|e| {
        tracing::error!(error = %e, "cannot serialise an import preview");
        AppError::Internal
    })?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    repo::insert_import(
        &mut tx,
        preview.id,
        a.user.id,
        now,
        &preview.file_name,
        &json,
        &hash,
    )
    .await?;
    tx.commit().await?;
    Ok(preview)
}

async fn load_import(
    ex: &mut impl Exec,
    a: &Authed,
    id: Uuid,
) -> Result<(ImportPreview, String), AppError> {
    let rec = repo::get_import(ex, id).await?.ok_or(AppError::NotFound)?;
    if rec.created_by != a.user.id {
        return Err(AppError::NotFound);
    }
    let stored: StoredImport = serde_json::from_str(&rec.report_json).map_err(|e| {
        tracing::error!(error = %e, "stored import does not parse");
        AppError::Internal
    })?;
    let mut preview = stored.preview;
    preview.committed_at = rec.committed_at;
    Ok((preview, rec.password_hash))
}

pub async fn get_import(state: &AppState, a: &Authed, id: Uuid) -> Result<ImportPreview, AppError> {
    let mut c = state.db.read().await?;
    Ok(load_import(&mut c, a, id).await?.0)
}

/// Applies every good row of a previewed import in one transaction, or nothing. Rows are
/// re-validated against the database as it is now: a login taken since the preview
/// fails the whole commit with a conflict rather than half-applying it.
pub async fn commit_import(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: Uuid,
) -> Result<u64, AppError> {
    let now = state.clock.now();
    let mut tx: Tx = state.db.begin().await?;
    let (preview, hash) = load_import(&mut tx, a, id).await?;
    if preview.committed_at.is_some() {
        return Err(AppError::Conflict(Msg::ImportAlreadyCommitted));
    }
    if preview.good.is_empty() {
        return Err(AppError::invalid("file", Msg::ImportNothingToCommit));
    }
    let units = repo::units_by_codes(&mut tx).await?;
    for row in &preview.good {
        let unit = units
            .iter()
            .find(|u| u.code == row.unit_code)
            .filter(|u| a.covers(&u.path))
            .ok_or(AppError::Conflict(Msg::RowUnknownUnit))?;
        let user = UserId(Uuid::new_v4());
        repo::insert_user(
            &mut tx,
            &NewUser {
                id: user,
                login: &row.login,
                display_name: &row.display_name,
                unit_id: unit.id,
                scope_unit_id: None,
                roles: row.roles,
                rank_tag: row.rank_tag.as_deref(),
                password_hash: &hash,
                must_change_password: true,
                now,
            },
        )
        .await
        .map_err(|e| conflict_as(e, Msg::ErrDuplicateLogin))?;
        if let Some(email) = &row.email {
            repo::set_email(&mut tx, user, Some(email)).await?;
        }
    }
    if !repo::mark_import_committed(&mut tx, id, now).await? {
        return Err(AppError::Conflict(Msg::ImportAlreadyCommitted));
    }
    let n = preview.good.len() as u64;
    let detail = format!("{} ({n})", preview.file_name);
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::UsersImported,
        &preview.file_name,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}
