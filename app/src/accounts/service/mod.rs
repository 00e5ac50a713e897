//! Account use cases: sign-in and sessions, users, units and imports. Each write is one
//! transaction and is audited inside it; authorization by scope is checked here, where
//! the rows are at hand.

mod imports;
mod sessions;
mod units;
mod users;

pub use imports::{commit_import, get_import, preview_import};
pub use sessions::{change_password, login, logout, resolve_session, set_lang};
pub use units::{create_unit, delete_unit, list_units, update_unit};
pub use users::{
    admin_stats, create_user, end_sessions, get_user, list_users, reset_password, set_active,
    update_user, UserFields, UserInput,
};

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::audit::model::AuditAction;
use crate::audit::repo as audit;
use crate::db::Exec;
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::server::Authed;
use crate::time::Timestamp;

use super::model::{UnitId, UserId};
use super::repo;

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

pub(super) async fn record(
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

pub(super) async fn unit_in_scope(
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

pub(super) fn conflict_as(e: sqlx::Error, msg: Msg) -> AppError {
    match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(msg),
        other => other,
    }
}

pub(super) async fn user_in_scope(
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
