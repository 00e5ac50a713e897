//! Request middleware: who is asking (session cookie → user, language, client address),
//! cross-site request refusal, and security headers.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use app::accounts::service::{clear_session_cookie, resolve_session, LANG_COOKIE, SESSION_COOKIE};
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::server::{AppState, RequestInfo};

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn client_addr(req: &Request<Body>, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(f) = forwarded {
            return f.to_owned();
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.ico" || path == "/healthz" || path == "/metrics"
}

/// Resolves the session and language once per request and stores them as
/// [`RequestInfo`] for server functions and rendering.
pub async fn request_info(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    if is_static(req.uri().path()) {
        return next.run(req).await;
    }
    let addr = client_addr(&req, state.trust_forwarded_for);
    let token = cookie(req.headers(), SESSION_COOKIE).map(str::to_owned);
    let auth = match token.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => match resolve_session(&state, t).await {
            Ok(a) => a,
            Err(e) => return e.into_response(),
        },
        None => None,
    };
    let lang = auth
        .as_ref()
        .and_then(|a| a.user.lang.as_deref())
        .and_then(Lang::parse)
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(Lang::parse))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let stale_cookie = token.is_some() && auth.is_none();
    req.extensions_mut().insert(RequestInfo {
        auth,
        lang,
        client_addr: addr,
        had_session_cookie: token.is_some(),
    });
    let mut res = next.run(req).await;
    if stale_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&clear_session_cookie(state.secure_cookies)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Refuses state-changing requests that a browser says come from another origin.
/// Browsers send `Origin` on every cross-origin POST (forms included), and `Sec-Fetch-Site`
/// where supported; a request with neither is not from a browser page and carries no
/// ambient credentials worth protecting beyond the `SameSite=Lax` session cookie.
pub async fn same_origin(req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site" || v == "same-site");
    let origin_mismatch = match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        host,
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/') != host)
            .unwrap_or(true),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if cross_site || origin_mismatch {
        tracing::warn!(origin = ?headers.get(header::ORIGIN), host = ?host, "cross-origin write refused");
        return (
            StatusCode::FORBIDDEN,
            axum::Json(AppError::Invalid {
                field: None,
                msg: Msg::ErrCrossOrigin,
            }),
        )
            .into_response();
    }
    next.run(req).await
}

/// Headers every response carries. Pages get a nonce-based CSP from the renderer; every
/// other response gets a CSP that allows nothing.
pub async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    res
}

/// Server functions answer every error with status 500; give refusals and bad input
/// their proper status (401, 403, 404, 409, 400, 429) so clients, proxies and logs can
/// tell them from real failures. The body, the serialised [`AppError`], is unchanged.
pub async fn server_fn_error_status(req: Request<Body>, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response(),
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = err.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; examhall_session=tok; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}
