//! Storage of units, users, sessions, login throttling and pending imports. Every
//! statement is written once and runs on both backends through [`crate::sql!`].

use uuid::Uuid;

use crate::db::{like_escape, Exec};
use crate::sql;
use crate::time::Timestamp;

use super::domain::ThrottleState;
use super::model::{Roles, StatusFilter, UnitId, UserId, UserQuery, UserSummary};

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub path: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitCountsRow {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<UnitId>,
    pub path: String,
    pub member_count: i64,
    pub child_count: i64,
}

/// A user with the unit and scope facts authorization needs. No password hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_id: UnitId,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub scope_unit_id: Option<UnitId>,
    pub is_admin: bool,
    pub is_organizer: bool,
    pub is_candidate: bool,
    pub rank_tag: Option<String>,
    pub active: bool,
    pub must_change_password: bool,
    pub lang: Option<String>,
}

impl UserRow {
    pub fn roles(&self) -> Roles {
        Roles {
            admin: self.is_admin,
            organizer: self.is_organizer,
            candidate: self.is_candidate,
        }
    }

    pub fn summary(&self) -> UserSummary {
        UserSummary {
            id: self.id,
            login: self.login.clone(),
            display_name: self.display_name.clone(),
            unit_id: self.unit_id,
            unit_code: self.unit_code.clone(),
            unit_name: self.unit_name.clone(),
            roles: self.roles(),
            rank_tag: self.rank_tag.clone(),
            scope_unit_id: self.scope_unit_id,
            active: self.active,
        }
    }
}

const USER_COLUMNS: &str = "u.id, u.login, u.display_name, u.unit_id, un.code AS unit_code, \
     un.name AS unit_name, un.path AS unit_path, u.scope_unit_id, u.is_admin, u.is_organizer, \
     u.is_candidate, u.rank_tag, u.active, u.must_change_password, u.lang \
     FROM users u JOIN units un ON un.id = u.unit_id";

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub id: UserId,
    pub login: &'a str,
    pub display_name: &'a str,
    pub unit_id: UnitId,
    pub scope_unit_id: Option<UnitId>,
    pub roles: Roles,
    pub rank_tag: Option<&'a str>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub now: Timestamp,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub active: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: UserId,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
}

// ---- units ----

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

// ---- users ----

pub async fn insert_user(ex: &mut impl Exec, u: &NewUser<'_>) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO users (id, login, display_name, unit_id, scope_unit_id, is_admin, \
           is_organizer, is_candidate, rank_tag, active, password_hash, must_change_password, \
           lang, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $11, NULL, $12, $12)"
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
    sql!(ex, |c| sqlx::query(
        "UPDATE users SET display_name = $2, unit_id = $3, scope_unit_id = $4, is_admin = $5, \
           is_organizer = $6, is_candidate = $7, rank_tag = $8, updated_at = $9 WHERE id = $1"
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
    let (want_admin, want_org, want_cand) = match q.role {
        Some(super::model::Role::Admin) => (Some(true), None, None),
        Some(super::model::Role::Organizer) => (None, Some(true), None),
        Some(super::model::Role::Candidate) => (None, None, Some(true)),
        None => (None, None, None),
    };
    let active = match q.status {
        StatusFilter::All => None,
        StatusFilter::Active => Some(true),
        StatusFilter::Disabled => Some(false),
    };
    let filter = "WHERE un.path LIKE $1 ESCAPE '\\' \
         AND (LOWER(u.login) LIKE $2 ESCAPE '\\' OR LOWER(u.display_name) LIKE $2 ESCAPE '\\') \
         AND ($3 IS NULL OR u.unit_id = $3) \
         AND ($4 IS NULL OR u.is_admin = $4) AND ($5 IS NULL OR u.is_organizer = $5) \
         AND ($6 IS NULL OR u.is_candidate = $6) AND ($7 IS NULL OR u.active = $7)";
    let count_q =
        format!("SELECT COUNT(*) FROM users u JOIN units un ON un.id = u.unit_id {filter}");
    let page_q = format!("SELECT {USER_COLUMNS} {filter} ORDER BY u.login LIMIT $8 OFFSET $9");
    let total = sql!(ex, |c| sqlx::query_scalar::<_, i64>(&count_q)
        .bind(&scope)
        .bind(&text)
        .bind(unit)
        .bind(want_admin)
        .bind(want_org)
        .bind(want_cand)
        .bind(active)
        .fetch_one(&mut *c)
        .await)?;
    let page = super::domain::clamp_page(q.page, total as u64, per_page);
    let offset = i64::from(page - 1) * i64::from(per_page);
    let rows = sql!(ex, |c| sqlx::query_as::<_, UserRow>(&page_q)
        .bind(&scope)
        .bind(&text)
        .bind(unit)
        .bind(want_admin)
        .bind(want_org)
        .bind(want_cand)
        .bind(active)
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

// ---- sessions ----

pub async fn insert_session(
    ex: &mut impl Exec,
    token_hash: &str,
    user_id: UserId,
    now: Timestamp,
    expires_at: Timestamp,
    client_addr: &str,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, \
           client_addr) VALUES ($1, $2, $3, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(client_addr)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_session(ex: &mut impl Exec, token_hash: &str) -> R<Option<SessionRow>> {
    sql!(ex, |c| sqlx::query_as::<_, SessionRow>(
        "SELECT user_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn touch_session(ex: &mut impl Exec, token_hash: &str, now: Timestamp) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1"
    )
    .bind(token_hash)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn delete_session(ex: &mut impl Exec, token_hash: &str) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn delete_user_sessions(ex: &mut impl Exec, user_id: UserId) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn delete_stale_sessions(
    ex: &mut impl Exec,
    now: Timestamp,
    idle_cutoff: Timestamp,
) -> R<u64> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2"
    )
    .bind(now)
    .bind(idle_cutoff)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn count_live_sessions(
    ex: &mut impl Exec,
    now: Timestamp,
    idle_cutoff: Timestamp,
) -> R<i64> {
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sessions WHERE expires_at > $1 AND last_seen_at > $2"
    )
    .bind(now)
    .bind(idle_cutoff)
    .fetch_one(&mut *c)
    .await)
}

// ---- login throttling ----

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    failures: i64,
    window_start: Timestamp,
    blocked_until: Timestamp,
}

pub async fn get_throttle(ex: &mut impl Exec, key: &str) -> R<Option<ThrottleState>> {
    let row = sql!(ex, |c| {
        sqlx::query_as::<_, ThrottleRow>(
        "SELECT failures, window_start, blocked_until FROM login_throttle WHERE throttle_key = $1"
    )
    .bind(key)
    .fetch_optional(&mut *c)
    .await
    })?;
    Ok(row.map(|r| ThrottleState {
        failures: r.failures,
        window_start: r.window_start,
        blocked_until: r.blocked_until,
    }))
}

pub async fn put_throttle(ex: &mut impl Exec, key: &str, s: &ThrottleState) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, window_start, blocked_until) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (throttle_key) DO UPDATE SET \
         failures = excluded.failures, window_start = excluded.window_start, \
         blocked_until = excluded.blocked_until"
    )
    .bind(key)
    .bind(s.failures)
    .bind(s.window_start)
    .bind(s.blocked_until)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn clear_throttle(ex: &mut impl Exec, key: &str) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM login_throttle WHERE throttle_key = $1"
    )
    .bind(key)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

// ---- pending imports ----

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
