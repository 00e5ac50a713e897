//! The unit tree: listing, creating, renaming, moving and deleting units within a scope.

use uuid::Uuid;

use crate::audit::model::AuditAction;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::{AppState, Authed};

use super::super::domain::{self, CODE_MAX_CHARS, NAME_MAX_CHARS};
use super::super::model::{UnitId, UnitView};
use super::super::repo;
use super::{conflict_as, record, unit_in_scope, Actor};

pub async fn list_units(state: &AppState, a: &Authed) -> Result<Vec<UnitView>, AppError> {
    let mut c = state.db.read().await?;
    let rows = repo::list_units(&mut c, &a.scope.path).await?;
    let views = rows
        .into_iter()
        .map(|r| UnitView {
            id: r.id,
            code: r.code,
            name: r.name,
            parent_id: r.parent_id,
            depth: domain::path_depth(&r.path),
            member_count: r.member_count.max(0) as u64,
            child_count: r.child_count.max(0) as u64,
        })
        .collect();
    Ok(domain::tree_order(
        views,
        |u| u.id,
        |u| u.parent_id,
        |u| u.code.clone(),
    ))
}

pub async fn create_unit(
    state: &AppState,
    a: &Authed,
    addr: &str,
    code: &str,
    name: &str,
    parent: UnitId,
) -> Result<UnitId, AppError> {
    let now = state.clock.now();
    let id = UnitId(Uuid::new_v4());
    let mut tx = state.db.begin().await?;
    let parent = unit_in_scope(&mut tx, a, parent).await?;
    let code =
        domain::required_text(code, CODE_MAX_CHARS).map_err(|m| AppError::invalid("code", m))?;
    let name =
        domain::required_text(name, NAME_MAX_CHARS).map_err(|m| AppError::invalid("name", m))?;
    let path = domain::unit_path(Some(&parent.path), id);
    repo::insert_unit(&mut tx, id, &code, &name, Some(parent.id), &path, now)
        .await
        .map_err(|e| conflict_as(e, Msg::ErrDuplicateUnitCode))?;
    let detail = format!("{code} {name}");
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::UnitCreated,
        &code,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_unit(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: UnitId,
    code: &str,
    name: &str,
    parent: Option<UnitId>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let unit = unit_in_scope(&mut tx, a, id).await?;
    let code =
        domain::required_text(code, CODE_MAX_CHARS).map_err(|m| AppError::invalid("code", m))?;
    let name =
        domain::required_text(name, NAME_MAX_CHARS).map_err(|m| AppError::invalid("name", m))?;
    // The root stays the root; a non-root unit always keeps a parent inside the scope.
    let (parent_id, new_path) = match (unit.parent_id, parent) {
        (None, _) => (None, unit.path.clone()),
        (Some(old), new) => {
            let target = new.unwrap_or(old);
            let parent = unit_in_scope(&mut tx, a, target).await?;
            if domain::move_creates_cycle(&unit.path, &parent.path) {
                return Err(AppError::invalid("parent_id", Msg::ErrUnitCycle));
            }
            (
                Some(parent.id),
                domain::unit_path(Some(&parent.path), unit.id),
            )
        }
    };
    if unit.id == a.scope.id && parent_id != unit.parent_id {
        // Moving one's own scope root would move it out from under oneself.
        return Err(AppError::Forbidden);
    }
    repo::update_unit(&mut tx, id, &code, &name, parent_id, &new_path, now)
        .await
        .map_err(|e| conflict_as(e, Msg::ErrDuplicateUnitCode))?;
    if new_path != unit.path {
        repo::rebase_descendants(&mut tx, &unit.path, &new_path).await?;
    }
    let detail = format!("{} {} → {} {}", unit.code, unit.name, code, name);
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::UnitUpdated,
        &code,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_unit(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: UnitId,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let unit = unit_in_scope(&mut tx, a, id).await?;
    if unit.parent_id.is_none() || unit.id == a.scope.id {
        return Err(AppError::Forbidden);
    }
    if repo::count_unit_children(&mut tx, id).await? > 0 {
        return Err(AppError::Conflict(Msg::ErrUnitHasChildren));
    }
    if repo::count_unit_members(&mut tx, id).await? > 0 {
        return Err(AppError::Conflict(Msg::ErrUnitHasMembers));
    }
    repo::delete_unit(&mut tx, id).await?;
    let detail = format!("{} {}", unit.code, unit.name);
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::UnitDeleted,
        &unit.code,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
