//! Users, their roles, scopes, passwords and language.

use crate::db::{like_escape, Exec};
use crate::sql;
use crate::time::Timestamp;

use super::super::model::{Roles, StatusFilter, UnitId, UserId, UserQuery};
use super::R;
use super::{Credentials, NewUser, UserRow, USER_COLUMNS};

pub async fn insert_user(ex: &mut impl Exec, u: &NewUser<'_>) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO users (id, login, display_name, unit_id, scope_unit_id, is_admin, \
           is_organizer, is_candidate, is_interviewer, rank_tag, active, password_hash, \
           must_change_password, lang, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $13, $9, TRUE, $10, $11, NULL, $12, $12)"
    )
    .bind(u.id)
    .bind(u.login)
    .bind(u.display_name)
    .bind(u.unit_id)
    .bind(u.scope_unit_id)
    .bind(u.roles.admin)
    .bind(u.roles.organizer)
    .bind(u.roles.candidate)
    .bind(u.rank_tag)
    .bind(u.password_hash)
    .bind(u.must_change_password)
    .bind(u.now)
    .bind(u.roles.interviewer)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_user(ex: &mut impl Exec, id: UserId) -> R<Option<UserRow>> {
    let q = format!("SELECT {USER_COLUMNS} WHERE u.id = $1");
    sql!(ex, |c| sqlx::query_as::<_, UserRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

pub async fn credentials(ex: &mut impl Exec, login: &str) -> R<Option<Credentials>> {
    sql!(ex, |c| sqlx::query_as::<_, Credentials>(
        "SELECT id, password_hash, active FROM users WHERE login = $1"
    )
    .bind(login)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn password_hash(ex: &mut impl Exec, id: UserId) -> R<Option<String>> {
    sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT password_hash FROM users WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

#[allow(clippy::too_many_arguments)]
pub async fn update_user(
    ex: &mut impl Exec,
    id: UserId,
    display_name: &str,
    unit_id: UnitId,
    scope_unit_id: Option<UnitId>,
    roles: Roles,
    rank_tag: Option<&str>,
    now: Timestamp,
) -> R<u64> {
    sql!(ex, |c| {
        sqlx::query(
        "UPDATE users SET display_name = $2, unit_id = $3, scope_unit_id = $4, is_admin = $5, \
           is_organizer = $6, is_candidate = $7, rank_tag = $8, updated_at = $9, is_interviewer = $10 WHERE id = $1"
    )
    .bind(id)
    .bind(display_name)
    .bind(unit_id)
    .bind(scope_unit_id)
    .bind(roles.admin)
    .bind(roles.organizer)
    .bind(roles.candidate)
    .bind(rank_tag)
    .bind(now)
    .bind(roles.interviewer)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })
}

/// Sets or clears the address notification mail goes to.
pub async fn set_email(ex: &mut impl Exec, id: UserId, email: Option<&str>) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE users SET email = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(email)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn set_active(ex: &mut impl Exec, id: UserId, active: bool, now: Timestamp) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE users SET active = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(active)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn set_password(
    ex: &mut impl Exec,
    id: UserId,
    hash: &str,
    must_change: bool,
    now: Timestamp,
) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4 \
         WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .bind(must_change)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn set_lang(ex: &mut impl Exec, id: UserId, lang: &str) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "UPDATE users SET lang = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(lang)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

/// One page of users in the subtree at `scope_path` matching `q`, and the total count.
pub async fn list_users(
    ex: &mut impl Exec,
    scope_path: &str,
    q: &UserQuery,
    per_page: u32,
) -> R<(Vec<UserRow>, i64)> {
    let scope = format!("{}%", like_escape(scope_path));
    let text = format!("%{}%", like_escape(&q.q.trim().to_lowercase()));
    let unit = q.unit_id;
    let want = |r: super::super::model::Role| (q.role == Some(r)).then_some(true);
    let want_admin = want(super::super::model::Role::Admin);
    let want_org = want(super::super::model::Role::Organizer);
    let want_cand = want(super::super::model::Role::Candidate);
    let want_interviewer = want(super::super::model::Role::Interviewer);
    let active = match q.status {
        StatusFilter::All => None,
        StatusFilter::Active => Some(true),
        StatusFilter::Disabled => Some(false),
    };
    let filter = "WHERE un.path LIKE $1 ESCAPE '\\' \
         AND (LOWER(u.login) LIKE $2 ESCAPE '\\' OR LOWER(u.display_name) LIKE $2 ESCAPE '\\') \
         AND ($3 IS NULL OR u.unit_id = $3) \
         AND ($4 IS NULL OR u.is_admin = $4) AND ($5 IS NULL OR u.is_organizer = $5) \
         AND ($6 IS NULL OR u.is_candidate = $6) AND ($7 IS NULL OR u.active = $7) \
         AND ($8 IS NULL OR u.is_interviewer = $8)";
    let count_q =
        format!("SELECT COUNT(*) FROM users u JOIN units un ON un.id = u.unit_id {filter}");
    let page_q = format!("SELECT {USER_COLUMNS} {filter} ORDER BY u.login LIMIT $9 OFFSET $10");
    let total = sql!(ex, |c| sqlx::query_scalar::<_, i64>(&count_q)
        .bind(&scope)
        .bind(&text)
        .bind(unit)
        .bind(want_admin)
        .bind(want_org)
        .bind(want_cand)
        .bind(active)
        .bind(want_interviewer)
        .fetch_one(&mut *c)
        .await)?;
    let page = super::super::domain::clamp_page(q.page, total as u64, per_page);
    let offset = i64::from(page - 1) * i64::from(per_page);
    let rows = sql!(ex, |c| sqlx::query_as::<_, UserRow>(&page_q)
        .bind(&scope)
        .bind(&text)
        .bind(unit)
        .bind(want_admin)
        .bind(want_org)
        .bind(want_cand)
        .bind(active)
        .bind(want_interviewer)
        .bind(i64::from(per_page))
        .bind(offset)
        .fetch_all(&mut *c)
        .await)?;
    Ok((rows, total))
}

pub async fn count_users(ex: &mut impl Exec, scope_path: &str) -> R<i64> {
    let scope = format!("{}%", like_escape(scope_path));
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM users u JOIN units un ON un.id = u.unit_id \
         WHERE un.path LIKE $1 ESCAPE '\\'"
    )
    .bind(&scope)
    .fetch_one(&mut *c)
    .await)
}

pub async fn all_logins(ex: &mut impl Exec) -> R<Vec<String>> {
    sql!(ex, |c| sqlx::query_scalar::<_, String>(
        "SELECT login FROM users"
    )
    .fetch_all(&mut *c)
    .await)
}
