//! Units and their materialised paths.

use crate::db::{like_escape, Exec};
use crate::sql;
use crate::time::Timestamp;

use super::super::model::UnitId;
use super::UnitCountsRow;
use super::UnitRow;
use super::R;

pub async fn insert_unit(
    ex: &mut impl Exec,
    id: UnitId,
    code: &str,
    name: &str,
    parent_id: Option<UnitId>,
    path: &str,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO units (id, code, name, parent_id, path, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)"
    )
    .bind(id)
    .bind(code)
    .bind(name)
    .bind(parent_id)
    .bind(path)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_unit(ex: &mut impl Exec, id: UnitId) -> R<Option<UnitRow>> {
    sql!(ex, |c| sqlx::query_as::<_, UnitRow>(
        "SELECT id, code, name, parent_id, path FROM units WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn unit_by_code(ex: &mut impl Exec, code: &str) -> R<Option<UnitRow>> {
    sql!(ex, |c| sqlx::query_as::<_, UnitRow>(
        "SELECT id, code, name, parent_id, path FROM units WHERE code = $1"
    )
    .bind(code)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn units_by_codes(ex: &mut impl Exec) -> R<Vec<UnitRow>> {
    sql!(ex, |c| sqlx::query_as::<_, UnitRow>(
        "SELECT id, code, name, parent_id, path FROM units"
    )
    .fetch_all(&mut *c)
    .await)
}

pub async fn root_unit(ex: &mut impl Exec) -> R<Option<UnitRow>> {
    sql!(ex, |c| sqlx::query_as::<_, UnitRow>(
        "SELECT id, code, name, parent_id, path FROM units WHERE parent_id IS NULL \
         ORDER BY created_at LIMIT 1"
    )
    .fetch_optional(&mut *c)
    .await)
}

/// Units in the subtree at `scope_path`, in tree order (a parent before its children).
pub async fn list_units(ex: &mut impl Exec, scope_path: &str) -> R<Vec<UnitCountsRow>> {
    let pattern = format!("{}%", like_escape(scope_path));
    sql!(ex, |c| sqlx::query_as::<_, UnitCountsRow>(
        "SELECT un.id, un.code, un.name, un.parent_id, un.path, \
           (SELECT COUNT(*) FROM users u WHERE u.unit_id = un.id) AS member_count, \
           (SELECT COUNT(*) FROM units ch WHERE ch.parent_id = un.id) AS child_count \
         FROM units un WHERE un.path LIKE $1 ESCAPE '\\' ORDER BY un.path"
    )
    .bind(&pattern)
    .fetch_all(&mut *c)
    .await)
}

pub async fn update_unit(
    ex: &mut impl Exec,
    id: UnitId,
    code: &str,
    name: &str,
    parent_id: Option<UnitId>,
    path: &str,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE units SET code = $2, name = $3, parent_id = $4, path = $5, updated_at = $6 \
         WHERE id = $1"
    )
    .bind(id)
    .bind(code)
    .bind(name)
    .bind(parent_id)
    .bind(path)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Rewrites the paths of every strict descendant after a move from `old` to `new`.
pub async fn rebase_descendants(ex: &mut impl Exec, old: &str, new: &str) -> R<u64> {
    let pattern = format!("{}_%", like_escape(old));
    let cut = i32::try_from(old.len() + 1).unwrap_or(i32::MAX);
    sql!(ex, |c| sqlx::query(
        "UPDATE units SET path = $1 || substr(path, $2) WHERE path LIKE $3 ESCAPE '\\'"
    )
    .bind(new)
    .bind(cut)
    .bind(&pattern)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn count_unit_members(ex: &mut impl Exec, id: UnitId) -> R<i64> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM users WHERE unit_id = $1 OR scope_unit_id = $1"
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await)
}

pub async fn count_unit_children(ex: &mut impl Exec, id: UnitId) -> R<i64> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM units WHERE parent_id = $1"
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await)
}

pub async fn delete_unit(ex: &mut impl Exec, id: UnitId) -> R<u64> {
    sql!(ex, |c| sqlx::query("DELETE FROM units WHERE id = $1")
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))
}

pub async fn count_units(ex: &mut impl Exec, scope_path: &str) -> R<i64> {
    let pattern = format!("{}%", like_escape(scope_path));
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM units WHERE path LIKE $1 ESCAPE '\\'"
    )
    .bind(&pattern)
    .fetch_one(&mut *c)
    .await)
}
