//! Plain HTTP endpoints of the import flow that server functions do not fit: the
//! multipart upload (a normal form post, so it works without JavaScript) and the
//! template downloads. Authorization is the same as for the server functions.

use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use crate::accounts::model::Role;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::{AppState, RequestInfo};

/// The largest upload accepted; the body limit of the route is set a little above it.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

fn require_admin(info: &RequestInfo) -> Result<&crate::server::Authed, AppError> {
    let a = info.auth.as_ref().ok_or(AppError::Unauthenticated)?;
    if a.user.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    if !a.has(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    Ok(a)
}

fn back_with(msg: Msg) -> Response {
    let key = serde_json::to_string(&msg).unwrap_or_default();
    Redirect::to(&format!("/admin/import?error={}", key.trim_matches('"'))).into_response()
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    mut form: Multipart,
) -> Response {
    let a = match require_admin(&info) {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut password = String::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable upload");
                return back_with(Msg::ErrFileTooLarge);
            }
        };
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                match field.bytes().await {
                    Ok(b) if b.len() > MAX_UPLOAD_BYTES => return back_with(Msg::ErrFileTooLarge),
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(_) => return back_with(Msg::ErrFileTooLarge),
                }
            }
            Some("initial_password") => password = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back_with(Msg::ErrFileEmpty);
    };
    match crate::accounts::service::preview_import(&state, a, &name, &bytes, password).await {
        Ok(p) => Redirect::to(&format!("/admin/import/{}", p.id)).into_response(),
        Err(AppError::Invalid { msg, .. }) => back_with(msg),
        Err(e) => e.into_response(),
    }
}

pub async fn template_xlsx(Extension(info): Extension<RequestInfo>) -> Response {
    if let Err(e) = require_admin(&info) {
        return e.into_response();
    }
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"examhall-users.xlsx\"",
            ),
        ],
        crate::accounts::import::template_xlsx(),
    )
        .into_response()
}

pub async fn template_csv(Extension(info): Extension<RequestInfo>) -> Response {
    if let Err(e) = require_admin(&info) {
        return e.into_response();
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"examhall-users.csv\"",
            ),
        ],
        crate::accounts::import::template_csv(),
    )
        .into_response()
}
