//! Sign-in, sign-out, password changes and resolving a session cookie to a user.

use crate::audit::model::AuditAction;
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::server::{AppState, Authed};

use super::super::domain::{self, ThrottlePolicy};
use super::super::password::Verified;
use super::super::repo;
use super::{hash_token, new_session_token, record, Actor};

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
