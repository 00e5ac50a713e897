//! Server functions for accounts: each gets the request context, checks the caller's
//! role, calls the service and returns its result or error.

// A server function posted by a plain HTML form takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{AdminStats, ImportPreview, Me, Page, UnitView, UserQuery, UserSummary};

#[cfg(feature = "ssr")]
use super::model::{Role, Roles};
#[cfg(feature = "ssr")]
use uuid::Uuid;

#[cfg(feature = "ssr")]
use super::service;
#[cfg(feature = "ssr")]
use crate::server::ctx;

#[cfg(feature = "ssr")]
fn set_cookie(value: String) {
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&value),
    ) {
        res.append_header(axum::http::header::SET_COOKIE, v);
    }
}

/// For a plain form post (no JavaScript) that failed, sends the browser back to the
/// form's page with the error *and* the values typed, so nothing is lost. With
/// JavaScript the form keeps its values by itself and this does nothing.
#[cfg(feature = "ssr")]
fn keep_input_on_error<T>(
    result: Result<T, AppError>,
    fn_path: &str,
    fields: &[(&str, &str)],
) -> Result<T, AppError> {
    use axum::http::header::{ACCEPT, REFERER};
    use server_fn::error::ServerFnUrlError;
    let Err(err) = result else { return result };
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Err(err);
    };
    let plain_form = parts
        .headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let referer = parts.headers.get(REFERER).and_then(|v| v.to_str().ok());
    if let (true, Some(referer)) = (plain_form, referer) {
        let mut base = referer
            .split(['?', '#'])
            .next()
            .unwrap_or(referer)
            .to_owned();
        let query: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::ui::qs_encode(v)))
            .collect();
        if !query.is_empty() {
            base = format!("{base}?{}", query.join("&"));
        }
        if let Ok(url) = ServerFnUrlError::new(fn_path, err.clone()).to_url(&base) {
            leptos_axum::redirect(url.as_str());
        }
    }
    Err(err)
}

#[cfg(feature = "ssr")]
use crate::server::parse_id;

#[cfg(feature = "ssr")]
fn roles_from(
    admin: Option<String>,
    organizer: Option<String>,
    candidate: Option<String>,
    interviewer: Option<String>,
) -> Roles {
    Roles {
        admin: admin.is_some(),
        organizer: organizer.is_some(),
        candidate: candidate.is_some(),
        interviewer: interviewer.is_some(),
    }
}

/// The viewer and the interface language. Open to everyone.
#[server(endpoint = "me")]
pub async fn get_me() -> Result<Me, AppError> {
    let cx = ctx()?;
    let unread_notifications = match cx.info.auth.as_ref() {
        Some(a) => crate::notifications::service::unread(&cx.state, a).await?,
        None => 0,
    };
    Ok(Me {
        user: cx.info.auth.as_ref().map(|a| a.current_user()),
        lang: cx.lang(),
        unread_notifications,
    })
}

#[server(endpoint = "login")]
pub async fn login(login: String, password: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let previous = cx.info.auth.as_ref().map(|a| a.token_hash.clone());
    let result = service::login(
        &cx.state,
        &login,
        password,
        &cx.info.client_addr,
        previous.as_deref(),
    )
    .await;
    let token = keep_input_on_error(
        result,
        <Login as server_fn::ServerFn>::PATH,
        &[("login", &login)],
    )?;
    set_cookie(service::session_cookie(&token, cx.state.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let cx = ctx()?;
    if let Some(a) = cx.info.auth.as_ref() {
        service::logout(&cx.state, a, &cx.info.client_addr).await?;
    }
    set_cookie(service::clear_session_cookie(cx.state.secure_cookies));
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(endpoint = "password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm: String,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.user_pending_password()?;
    let token = service::change_password(
        &cx.state,
        a,
        &cx.info.client_addr,
        current_password,
        new_password,
        confirm,
    )
    .await?;
    set_cookie(service::session_cookie(&token, cx.state.secure_cookies));
    leptos_axum::redirect("/?changed=1");
    Ok(())
}

/// Switches the interface language: remembered in a cookie, and per user when signed in.
#[server(endpoint = "lang")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let lang = crate::i18n::Lang::parse(&lang)
        .ok_or_else(|| AppError::invalid("lang", crate::i18n::Msg::ErrBadRequest))?;
    if let Some(a) = cx.info.auth.as_ref() {
        service::set_lang(&cx.state, a, lang).await?;
    }
    set_cookie(service::lang_cookie(lang, cx.state.secure_cookies));
    Ok(())
}

#[server(endpoint = "admin/stats")]
pub async fn get_admin_stats() -> Result<AdminStats, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::admin_stats(&cx.state, a).await
}

#[server(endpoint = "users/list")]
pub async fn list_users(query: UserQuery) -> Result<Page<UserSummary>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::list_users(&cx.state, a, &query).await
}

#[server(endpoint = "users/get")]
pub async fn get_user(id: String) -> Result<UserSummary, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    service::get_user(&cx.state, a, parse_id(&id)?).await
}

#[server(endpoint = "users/create")]
pub async fn create_user(
    login: String,
    display_name: String,
    unit_id: String,
    scope_unit_id: String,
    role_admin: Option<String>,
    role_organizer: Option<String>,
    role_candidate: Option<String>,
    role_interviewer: Option<String>,
    rank_tag: String,
    initial_password: String,
    email: Option<String>,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    let roles = roles_from(role_admin, role_organizer, role_candidate, role_interviewer);
    // The values typed, for a plain-form post that fails (never the password).
    let typed: Vec<(&str, String)> = vec![
        ("login", login.clone()),
        ("display_name", display_name.clone()),
        ("unit_id", unit_id.clone()),
        ("scope_unit_id", scope_unit_id.clone()),
        ("rank_tag", rank_tag.clone()),
        ("email", email.clone().unwrap_or_default()),
        (
            "roles",
            roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(","),
        ),
    ];
    let input = service::UserInput {
        display_name,
        unit_id,
        scope_unit_id,
        roles,
        rank_tag,
        email,
    };
    let result = service::create_user(
        &cx.state,
        a,
        &cx.info.client_addr,
        &login,
        input,
        initial_password,
    )
    .await;
    let fields: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let id = keep_input_on_error(result, <CreateUser as server_fn::ServerFn>::PATH, &fields)?;
    leptos_axum::redirect(&format!("/admin/users/{id}?saved=1"));
    Ok(())
}

#[server(endpoint = "users/update")]
pub async fn update_user(
    id: String,
    display_name: String,
    unit_id: String,
    scope_unit_id: String,
    role_admin: Option<String>,
    role_organizer: Option<String>,
    role_candidate: Option<String>,
    role_interviewer: Option<String>,
    rank_tag: String,
    email: Option<String>,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    let roles = roles_from(role_admin, role_organizer, role_candidate, role_interviewer);
    let role_keys = roles.iter().map(|r| r.key()).collect::<Vec<_>>().join(",");
    let typed = [
        ("display_name", display_name.clone()),
        ("unit_id", unit_id.clone()),
        ("scope_unit_id", scope_unit_id.clone()),
        ("rank_tag", rank_tag.clone()),
        ("email", email.clone().unwrap_or_default()),
        ("roles", role_keys),
    ];
    let input = service::UserInput {
        display_name,
        unit_id,
        scope_unit_id,
        roles,
        rank_tag,
        email,
    };
    let result = match parse_id(&id) {
        Ok(uid) => service::update_user(&cx.state, a, &cx.info.client_addr, uid, input).await,
        Err(e) => Err(e),
    };
    let fields: Vec<(&str, &str)> = typed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    keep_input_on_error(result, <UpdateUser as server_fn::ServerFn>::PATH, &fields)
}

#[server(endpoint = "users/active")]
pub async fn set_user_active(id: String, active: bool) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    service::set_active(&cx.state, a, &cx.info.client_addr, parse_id(&id)?, active).await
}

#[server(endpoint = "users/reset-password")]
pub async fn reset_password(id: String, new_password: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    service::reset_password(
        &cx.state,
        a,
        &cx.info.client_addr,
        parse_id(&id)?,
        new_password,
    )
    .await
}

#[server(endpoint = "users/end-sessions")]
pub async fn end_user_sessions(id: String) -> Result<u64, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    service::end_sessions(&cx.state, a, &cx.info.client_addr, parse_id(&id)?).await
}

#[server(endpoint = "units/list")]
pub async fn list_units() -> Result<Vec<UnitView>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::list_units(&cx.state, a).await
}

#[server(endpoint = "units/create")]
pub async fn create_unit(code: String, name: String, parent_id: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    let result = match parent_id.parse() {
        Ok(parent) => {
            service::create_unit(&cx.state, a, &cx.info.client_addr, &code, &name, parent).await
        }
        Err(_) => Err(AppError::invalid(
            "parent_id",
            crate::i18n::Msg::ErrRequired,
        )),
    };
    let fields = [
        ("code", code.as_str()),
        ("name", name.as_str()),
        ("parent_id", parent_id.as_str()),
    ];
    keep_input_on_error(result, <CreateUnit as server_fn::ServerFn>::PATH, &fields)?;
    leptos_axum::redirect("/admin/units?saved=1");
    Ok(())
}

#[server(endpoint = "units/update")]
pub async fn update_unit(
    id: String,
    code: String,
    name: String,
    parent_id: String,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    let parent = match parent_id.trim() {
        "" => Ok(None),
        p => p
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("parent_id", crate::i18n::Msg::ErrBadRequest)),
    };
    let result = match (parent, parse_id(&id)) {
        (Ok(parent), Ok(uid)) => {
            service::update_unit(
                &cx.state,
                a,
                &cx.info.client_addr,
                uid,
                &code,
                &name,
                parent,
            )
            .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let fields = [
        ("code", code.as_str()),
        ("name", name.as_str()),
        ("parent_id", parent_id.as_str()),
    ];
    keep_input_on_error(result, <UpdateUnit as server_fn::ServerFn>::PATH, &fields)
}

#[server(endpoint = "units/delete")]
pub async fn delete_unit(id: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    service::delete_unit(&cx.state, a, &cx.info.client_addr, parse_id(&id)?).await?;
    leptos_axum::redirect("/admin/units?deleted=1");
    Ok(())
}

#[server(endpoint = "imports/get")]
pub async fn get_import(id: String) -> Result<ImportPreview, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    service::get_import(&cx.state, a, parse_id::<Uuid>(&id)?).await
}

#[server(endpoint = "imports/commit")]
pub async fn commit_import(id: String) -> Result<u64, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    let n =
        service::commit_import(&cx.state, a, &cx.info.client_addr, parse_id::<Uuid>(&id)?).await?;
    leptos_axum::redirect(&format!("/admin/import/{id}?done={n}"));
    Ok(n)
}
