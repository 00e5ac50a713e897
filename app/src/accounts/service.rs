//! Account use cases: sign-in and sessions, users, units and imports. Each write is one
//! transaction and is audited inside it; authorization by scope is checked here, where
//! the rows are at hand.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::model::AuditAction;
use crate::audit::repo as audit;
use crate::db::{Exec, Tx};
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::server::{AppState, Authed};
use crate::time::Timestamp;

use super::domain::{self, ThrottlePolicy, CODE_MAX_CHARS, NAME_MAX_CHARS, PER_PAGE};
use super::model::{
    AdminStats, ImportPreview, Page, Role, Roles, UnitId, UnitView, UserId, UserQuery, UserSummary,
};
use super::password::Verified;
use super::repo::{self, NewUser};

pub const SESSION_COOKIE: &str = "examhall_session";
pub const LANG_COOKIE: &str = "examhall_lang";

/// A fresh session token (256 random bits, base64url) and the hash stored for it.
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

pub fn lang_cookie(lang: Lang, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
        lang.code()
    )
}

/// Who acted and from where, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<UserId>,
    pub login: &'a str,
    pub addr: &'a str,
}

impl<'a> Actor<'a> {
    pub fn of(a: &'a Authed, addr: &'a str) -> Self {
        Actor {
            id: Some(a.user.id),
            login: &a.user.login,
            addr,
        }
    }
}

async fn record(
    ex: &mut impl Exec,
    at: Timestamp,
    actor: Actor<'_>,
    action: AuditAction,
    target: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    audit::append(
        ex,
        &audit::Record {
            at,
            actor_id: actor.id,
            actor_login: actor.login,
            action,
            target,
            detail,
            client_addr: actor.addr,
        },
    )
    .await
}

// ---- sessions ----

/// Resolves a session cookie to a signed-in user, enforcing the idle and absolute
/// timeouts and the account's state. Expired sessions are deleted on sight.
pub async fn resolve_session(state: &AppState, token: &str) -> Result<Option<Authed>, AppError> {
    let hash = hash_token(token);
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let Some(session) = repo::get_session(&mut c, &hash).await? else {
        return Ok(None);
    };
    let live = state
        .sessions
        .is_live(session.last_seen_at, session.expires_at, now);
    let user = if live {
        repo::get_user(&mut c, session.user_id).await?
    } else {
        None
    };
    let Some(user) = user.filter(|u| u.active) else {
        drop(c);
        let mut tx = state.db.begin().await?;
        repo::delete_session(&mut tx, &hash).await?;
        tx.commit().await?;
        return Ok(None);
    };
    let scope_id = user.scope_unit_id.unwrap_or(user.unit_id);
    let Some(scope) = repo::get_unit(&mut c, scope_id).await? else {
        return Ok(None);
    };
    drop(c);
    if state.sessions.needs_touch(session.last_seen_at, now) {
        let mut tx = state.db.begin().await?;
        repo::touch_session(&mut tx, &hash, now).await?;
        tx.commit().await?;
    }
    Ok(Some(Authed {
        token_hash: hash,
        user,
        scope,
    }))
}

fn throttle_keys(login: &str, addr: &str) -> (String, String) {
    (format!("account:{login}"), format!("address:{addr}"))
}

/// Checks the password and opens a new session; returns the session token. The old
/// session (if the browser had one) is ended, so a token never survives a sign-in.
pub async fn login(
    state: &AppState,
    login: &str,
    password: String,
    addr: &str,
    previous_token_hash: Option<&str>,
) -> Result<String, AppError> {
    let login = login.trim().to_lowercase();
    let now = state.clock.now();
    let (acct_key, addr_key) = throttle_keys(&login, addr);
    let creds = {
        let mut c = state.db.read().await?;
        let acct = repo::get_throttle(&mut c, &acct_key).await?;
        let by_addr = repo::get_throttle(&mut c, &addr_key).await?;
        let wait = ThrottlePolicy::PER_ACCOUNT
            .wait_secs(acct.as_ref(), now)
            .max(ThrottlePolicy::PER_ADDRESS.wait_secs(by_addr.as_ref(), now));
        if let Some(secs) = wait {
            return Err(AppError::Throttled {
                retry_after_secs: secs,
            });
        }
        repo::credentials(&mut c, &login).await?
    };
    let verdict = state
        .hasher
        .verify(
            password.clone(),
            creds.as_ref().map(|c| c.password_hash.clone()),
        )
        .await;
    let now = state.clock.now();
    let ok_user = match (&creds, &verdict) {
        (Some(c), Verified::Ok { .. }) if c.active => Some(c.id),
        _ => None,
    };
    let Some(user_id) = ok_user else {
        let mut tx = state.db.begin().await?;
        let acct = repo::get_throttle(&mut tx, &acct_key).await?;
        let by_addr = repo::get_throttle(&mut tx, &addr_key).await?;
        let acct = ThrottlePolicy::PER_ACCOUNT.after_failure(acct.as_ref(), now);
        let by_addr = ThrottlePolicy::PER_ADDRESS.after_failure(by_addr.as_ref(), now);
        repo::put_throttle(&mut tx, &acct_key, &acct).await?;
        repo::put_throttle(&mut tx, &addr_key, &by_addr).await?;
        let actor = Actor {
            id: creds.as_ref().map(|c| c.id),
            login: &login,
            addr,
        };
        record(&mut tx, now, actor, AuditAction::LoginFailed, &login, "").await?;
        tx.commit().await?;
        return Err(AppError::Invalid {
            field: None,
            msg: Msg::LoginFailed,
        });
    };
    let rehash = match verdict {
        Verified::Ok { rehash: true } => Some(state.hasher.hash(password).await),
        _ => None,
    };
    let (token, hash) = new_session_token();
    let mut tx = state.db.begin().await?;
    if let Some(prev) = previous_token_hash {
        repo::delete_session(&mut tx, prev).await?;
    }
    if let Some(new_hash) = &rehash {
        let must_change = repo::get_user(&mut tx, user_id)
            .await?
            .map(|u| u.must_change_password)
            .unwrap_or(false);
        repo::set_password(&mut tx, user_id, new_hash, must_change, now).await?;
    }
    repo::insert_session(
        &mut tx,
        &hash,
        user_id,
        now,
        now.plus_secs(state.sessions.absolute_secs),
        addr,
    )
    .await?;
    repo::clear_throttle(&mut tx, &acct_key).await?;
    let actor = Actor {
        id: Some(user_id),
        login: &login,
        addr,
    };
    record(&mut tx, now, actor, AuditAction::LoginSucceeded, &login, "").await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn logout(state: &AppState, a: &Authed, addr: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    repo::delete_session(&mut tx, &a.token_hash).await?;
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::Logout,
        &a.user.login,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the caller's own password, ends all their sessions and opens a new one;
/// returns the new session token.
pub async fn change_password(
    state: &AppState,
    a: &Authed,
    addr: &str,
    current: String,
    new: String,
    confirm: String,
) -> Result<String, AppError> {
    if new != confirm {
        return Err(AppError::invalid("confirm", Msg::ErrPasswordMismatch));
    }
    domain::check_password(&new).map_err(|m| AppError::invalid("new_password", m))?;
    if new == current {
        return Err(AppError::invalid("new_password", Msg::ErrPasswordSame));
    }
    let stored = {
        let mut c = state.db.read().await?;
        repo::password_hash(&mut c, a.user.id).await?
    };
    if !matches!(
        state.hasher.verify(current, stored).await,
        Verified::Ok { .. }
    ) {
        return Err(AppError::invalid(
            "current_password",
            Msg::ErrWrongCurrentPassword,
        ));
    }
    let hash = state.hasher.hash(new).await;
    let now = state.clock.now();
    let (token, token_hash) = new_session_token();
    let mut tx = state.db.begin().await?;
    repo::set_password(&mut tx, a.user.id, &hash, false, now).await?;
    repo::delete_user_sessions(&mut tx, a.user.id).await?;
    repo::insert_session(
        &mut tx,
        &token_hash,
        a.user.id,
        now,
        now.plus_secs(state.sessions.absolute_secs),
        addr,
    )
    .await?;
    let actor = Actor::of(a, addr);
    record(
        &mut tx,
        now,
        actor,
        AuditAction::PasswordChanged,
        &a.user.login,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn set_lang(state: &AppState, a: &Authed, lang: Lang) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    repo::set_lang(&mut tx, a.user.id, lang.code()).await?;
    tx.commit().await?;
    Ok(())
}

// ---- units ----

pub async fn list_units(state: &AppState, a: &Authed) -> Result<Vec<UnitView>, AppError> {
    let mut c = state.db.read().await?;
    let rows = repo::list_units(&mut c, &a.scope.path).await?;
    Ok(rows
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
        .collect())
}

async fn unit_in_scope(
    ex: &mut impl Exec,
    a: &Authed,
    id: UnitId,
) -> Result<repo::UnitRow, AppError> {
    let unit = repo::get_unit(ex, id).await?.ok_or(AppError::NotFound)?;
    if a.covers(&unit.path) {
        Ok(unit)
    } else {
        Err(AppError::Forbidden)
    }
}

fn conflict_as(e: sqlx::Error, msg: Msg) -> AppError {
    match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(msg),
        other => other,
    }
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

// ---- users ----

pub async fn list_users(
    state: &AppState,
    a: &Authed,
    q: &UserQuery,
) -> Result<Page<UserSummary>, AppError> {
    let mut c = state.db.read().await?;
    let (rows, total) = repo::list_users(&mut c, &a.scope.path, q, PER_PAGE).await?;
    let total = total.max(0) as u64;
    Ok(Page {
        items: rows.iter().map(|r| r.summary()).collect(),
        total,
        page: domain::clamp_page(q.page, total, PER_PAGE),
        per_page: PER_PAGE,
    })
}

async fn user_in_scope(
    ex: &mut impl Exec,
    a: &Authed,
    id: UserId,
) -> Result<repo::UserRow, AppError> {
    let user = repo::get_user(ex, id).await?.ok_or(AppError::NotFound)?;
    if a.covers(&user.unit_path) {
        Ok(user)
    } else {
        // Outside the scope a user does not exist, as far as the caller may know.
        Err(AppError::NotFound)
    }
}

pub async fn get_user(state: &AppState, a: &Authed, id: UserId) -> Result<UserSummary, AppError> {
    let mut c = state.db.read().await?;
    Ok(user_in_scope(&mut c, a, id).await?.summary())
}

/// The editable fields of a user as submitted.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub display_name: String,
    pub unit_id: String,
    pub scope_unit_id: String,
    pub roles: Roles,
    pub rank_tag: String,
}

/// The editable fields of a user, validated.
#[derive(Debug, Clone)]
pub struct UserFields {
    pub display_name: String,
    pub unit_id: UnitId,
    pub scope_unit_id: Option<UnitId>,
    pub roles: Roles,
    pub rank_tag: Option<String>,
}

impl UserInput {
    /// Validates the input, checking first that every unit it names is in the caller's
    /// scope: someone outside the scope learns nothing from validation messages.
    async fn validate(self, ex: &mut impl Exec, a: &Authed) -> Result<UserFields, AppError> {
        let unit_id = self
            .unit_id
            .parse::<UnitId>()
            .map_err(|_| AppError::invalid("unit_id", Msg::ErrRequired))?;
        unit_in_scope(ex, a, unit_id).await?;
        let scope_unit_id = match self.scope_unit_id.trim() {
            "" => None,
            s => Some(
                s.parse::<UnitId>()
                    .map_err(|_| AppError::invalid("scope_unit_id", Msg::ErrBadRequest))?,
            ),
        };
        if let Some(s) = scope_unit_id {
            unit_in_scope(ex, a, s).await?;
        }
        let display_name = domain::required_text(&self.display_name, NAME_MAX_CHARS)
            .map_err(|m| AppError::invalid("display_name", m))?;
        if self.roles.is_empty() {
            return Err(AppError::invalid("roles", Msg::ErrNoRole));
        }
        let rank_tag = domain::optional_text(&self.rank_tag, NAME_MAX_CHARS)
            .map_err(|m| AppError::invalid("rank_tag", m))?;
        Ok(UserFields {
            display_name,
            unit_id,
            scope_unit_id,
            roles: self.roles,
            rank_tag,
        })
    }
}

pub async fn create_user(
    state: &AppState,
    a: &Authed,
    addr: &str,
    login: &str,
    input: UserInput,
    initial_password: String,
) -> Result<UserId, AppError> {
    let fields = {
        let mut c = state.db.read().await?;
        input.validate(&mut c, a).await?
    };
    let login = domain::normalize_login(login).map_err(|m| AppError::invalid("login", m))?;
    domain::check_password(&initial_password)
        .map_err(|m| AppError::invalid("initial_password", m))?;
    let hash = state.hasher.hash(initial_password).await;
    let now = state.clock.now();
    let id = UserId(Uuid::new_v4());
    let mut tx = state.db.begin().await?;
    // Re-checked inside the transaction: the unit may have moved since.
    unit_in_scope(&mut tx, a, fields.unit_id).await?;
    repo::insert_user(
        &mut tx,
        &NewUser {
            id,
            login: &login,
            display_name: &fields.display_name,
            unit_id: fields.unit_id,
            scope_unit_id: fields.scope_unit_id,
            roles: fields.roles,
            rank_tag: fields.rank_tag.as_deref(),
            password_hash: &hash,
            must_change_password: true,
            now,
        },
    )
    .await
    .map_err(|e| conflict_as(e, Msg::ErrDuplicateLogin))?;
    let detail = format!(
        "{} [{}]",
        fields.display_name,
        fields.roles.labels(Lang::En)
    );
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::UserCreated,
        &login,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_user(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: UserId,
    input: UserInput,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = user_in_scope(&mut tx, a, id).await?;
    let fields = input.validate(&mut tx, a).await?;
    if id == a.user.id && a.has(Role::Admin) && !fields.roles.admin {
        return Err(AppError::invalid("roles", Msg::ErrCannotRemoveOwnAdmin));
    }
    repo::update_user(
        &mut tx,
        id,
        &fields.display_name,
        fields.unit_id,
        fields.scope_unit_id,
        fields.roles,
        fields.rank_tag.as_deref(),
        now,
    )
    .await?;
    let detail = format!(
        "{} [{}] → {} [{}]",
        user.display_name,
        user.roles().labels(Lang::En),
        fields.display_name,
        fields.roles.labels(Lang::En)
    );
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::UserUpdated,
        &user.login,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_active(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: UserId,
    active: bool,
) -> Result<(), AppError> {
    if id == a.user.id && !active {
        return Err(AppError::invalid("active", Msg::ErrCannotDisableSelf));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = user_in_scope(&mut tx, a, id).await?;
    repo::set_active(&mut tx, id, active, now).await?;
    let action = if active {
        AuditAction::UserEnabled
    } else {
        repo::delete_user_sessions(&mut tx, id).await?;
        AuditAction::UserDisabled
    };
    record(&mut tx, now, Actor::of(a, addr), action, &user.login, "").await?;
    tx.commit().await?;
    Ok(())
}

pub async fn reset_password(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: UserId,
    new_password: String,
) -> Result<(), AppError> {
    {
        let mut c = state.db.read().await?;
        user_in_scope(&mut c, a, id).await?;
    }
    domain::check_password(&new_password).map_err(|m| AppError::invalid("new_password", m))?;
    let hash = state.hasher.hash(new_password).await;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = user_in_scope(&mut tx, a, id).await?;
    repo::set_password(&mut tx, id, &hash, true, now).await?;
    repo::delete_user_sessions(&mut tx, id).await?;
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::PasswordReset,
        &user.login,
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn end_sessions(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: UserId,
) -> Result<u64, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let user = user_in_scope(&mut tx, a, id).await?;
    let n = repo::delete_user_sessions(&mut tx, id).await?;
    let detail = n.to_string();
    record(
        &mut tx,
        now,
        Actor::of(a, addr),
        AuditAction::SessionsEnded,
        &user.login,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

pub async fn admin_stats(state: &AppState, a: &Authed) -> Result<AdminStats, AppError> {
    let now = state.clock.now();
    let mut c = state.db.read().await?;
    let users = repo::count_users(&mut c, &a.scope.path).await?;
    let units = repo::count_units(&mut c, &a.scope.path).await?;
    let sessions = if a.global() {
        let idle_cutoff = now.plus_secs(-state.sessions.idle_secs);
        repo::count_live_sessions(&mut c, now, idle_cutoff).await?
    } else {
        0
    };
    Ok(AdminStats {
        users: users.max(0) as u64,
        units: units.max(0) as u64,
        active_sessions: sessions.max(0) as u64,
    })
}

// ---- import ----

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
    let table =
        super::import::read_table(file_name, bytes).map_err(|m| AppError::invalid("file", m))?;
    let (units, logins) = {
        let mut c = state.db.read().await?;
        (
            repo::units_by_codes(&mut c).await?,
            repo::all_logins(&mut c).await?,
        )
    };
    let (good, errors) = super::import::validate(&table, &units, &logins, &a.scope.path)
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
        repo::insert_user(
            &mut tx,
            &NewUser {
                id: UserId(Uuid::new_v4()),
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
