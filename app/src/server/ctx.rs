//! The context of one request: resolved once by the server's session middleware and
//! read by server functions and server-side rendering alike.

use axum::http::request::Parts;
use leptos::prelude::use_context;

use crate::accounts::model::{CurrentUser, Role, UnitId};
use crate::accounts::repo::{UnitRow, UserRow};
use crate::error::AppError;
use crate::i18n::Lang;

use super::state::AppState;

/// A signed-in user with the facts authorization needs.
#[derive(Debug, Clone)]
pub struct Authed {
    pub token_hash: String,
    pub user: UserRow,
    /// The unit subtree this user manages (their scope unit, else their own unit).
    pub scope: UnitRow,
}

impl Authed {
    pub fn has(&self, role: Role) -> bool {
        self.user.roles().has(role)
    }

    /// A scope at the root of the tree covers everything.
    pub fn global(&self) -> bool {
        self.scope.parent_id.is_none()
    }

    pub fn covers(&self, unit_path: &str) -> bool {
        crate::accounts::domain::within_scope(unit_path, &self.scope.path)
    }

    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.user.id,
            login: self.user.login.clone(),
            display_name: self.user.display_name.clone(),
            unit_name: self.user.unit_name.clone(),
            roles: self.user.roles(),
            scope_unit_id: self.scope.id,
            scope_name: self.scope.name.clone(),
            global: self.global(),
            must_change_password: self.user.must_change_password,
        }
    }

    pub fn scope_id(&self) -> UnitId {
        self.scope.id
    }
}

/// Put into the request's extensions by the session middleware.
#[derive(Debug, Clone, Default)]
pub struct RequestInfo {
    pub auth: Option<Authed>,
    pub lang: Lang,
    pub client_addr: String,
    /// Whether the browser sent a session cookie (valid or not), so a stale one can be cleared.
    pub had_session_cookie: bool,
}

impl RequestInfo {
    /// A signed-in user who may use the application.
    pub fn user(&self) -> Result<&Authed, AppError> {
        let a = self.auth.as_ref().ok_or(AppError::Unauthenticated)?;
        if a.user.must_change_password {
            Err(AppError::PasswordChangeRequired)
        } else {
            Ok(a)
        }
    }

    /// An admin or an organizer: someone who may look at people in their scope.
    pub fn staff(&self) -> Result<&Authed, AppError> {
        let a = self.user()?;
        if a.has(Role::Admin) || a.has(Role::Organizer) {
            Ok(a)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

pub struct Ctx {
    pub state: AppState,
    pub info: RequestInfo,
}

/// The context of the server function or render in progress.
pub fn ctx() -> Result<Ctx, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })?;
    let info = use_context::<Parts>()
        .and_then(|p| p.extensions.get::<RequestInfo>().cloned())
        .unwrap_or_default();
    Ok(Ctx { state, info })
}

impl Ctx {
    /// The signed-in user, even one who still has to change the password.
    pub fn user_pending_password(&self) -> Result<&Authed, AppError> {
        self.info.auth.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// A signed-in user who may use the application.
    pub fn user(&self) -> Result<&Authed, AppError> {
        self.info.user()
    }

    pub fn require(&self, role: Role) -> Result<&Authed, AppError> {
        let a = self.user()?;
        if a.has(role) {
            Ok(a)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// An admin or an organizer: someone who may look at people in their scope.
    pub fn staff(&self) -> Result<&Authed, AppError> {
        self.info.staff()
    }

    pub fn now(&self) -> crate::time::Timestamp {
        self.state.clock.now()
    }

    pub fn lang(&self) -> Lang {
        self.info.lang
    }
}
