//! Users within a scope: listing, creating, editing, disabling, password resets, and
//! ending sessions.

use uuid::Uuid;

use crate::audit::model::AuditAction;
use crate::db::Exec;
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::server::{AppState, Authed};

use super::super::domain::{self, NAME_MAX_CHARS, PER_PAGE};
use super::super::model::{AdminStats, Page, Role, Roles, UnitId, UserId, UserQuery, UserSummary};
use super::super::repo::{self, NewUser};
use super::{conflict_as, record, unit_in_scope, user_in_scope, Actor};

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
    /// Blank or missing: no address (a plain form sends an emptied field as missing).
    pub email: Option<String>,
}

/// The editable fields of a user, validated.
#[derive(Debug, Clone)]
pub struct UserFields {
    pub display_name: String,
    pub unit_id: UnitId,
    pub scope_unit_id: Option<UnitId>,
    pub roles: Roles,
    pub rank_tag: Option<String>,
    pub email: Option<String>,
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
        let email = domain::optional_email(self.email.as_deref().unwrap_or_default())
            .map_err(|m| AppError::invalid("email", m))?;
        Ok(UserFields {
            display_name,
            unit_id,
            scope_unit_id,
            roles: self.roles,
            rank_tag,
            email,
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
    if let Some(email) = &fields.email {
        repo::set_email(&mut tx, id, Some(email)).await?;
    }
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
    repo::set_email(&mut tx, id, fields.email.as_deref()).await?;
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
