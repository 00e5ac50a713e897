//! Plain HTML form posts (no JavaScript) to server functions: sending the typed values
//! back after a failure, and a clean page after a success.
//!
//! Typed values travel in the query under keys starting with [`TYPED_PREFIX`]; a page
//! that finds them prefers them to the stored values, so nothing typed is lost. A later
//! success drops them again, together with earlier notices and errors.

use axum::http::header::{ACCEPT, REFERER};
use leptos::prelude::use_context;
use server_fn::error::ServerFnUrlError;

use crate::error::AppError;

/// Prefix of the query keys that carry typed values back to a form.
pub const TYPED_PREFIX: &str = "t_";

/// Query keys that describe the outcome of an earlier post, never worth keeping.
const OUTCOME_KEYS: &[&str] = &["__path", "__err", "saved", "error", "bulk", "image"];

/// The referer of a plain form post; `None` when JavaScript sent the request (then the
/// client keeps its own state and no redirect is wanted).
fn plain_form_referer() -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    let plain_form = parts
        .headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !plain_form {
        return None;
    }
    parts
        .headers
        .get(REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `url` without its fragment, earlier typed values and earlier outcomes; the rest of the
/// query (a list's filters, say) is kept as it was.
pub fn clean_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            !key.starts_with(TYPED_PREFIX) && !OUTCOME_KEYS.contains(&key)
        })
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

fn with_pairs(url: String, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return url;
    }
    let extra: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::ui::qs_encode(v)))
        .collect();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{}", extra.join("&"))
}

/// For a plain form post that failed, sends the browser back to the form's page with the
/// error *and* the values typed (each key prefixed with [`TYPED_PREFIX`]). With
/// JavaScript the form keeps its values by itself and this does nothing.
pub fn keep_input_on_error<T>(
    result: Result<T, AppError>,
    fn_path: &str,
    fields: &[(&str, String)],
) -> Result<T, AppError> {
    let Err(err) = result else { return result };
    if let Some(referer) = plain_form_referer() {
        let typed: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (format!("{TYPED_PREFIX}{k}"), v.clone()))
            .collect();
        let base = with_pairs(clean_url(&referer), &typed);
        if let Ok(url) = ServerFnUrlError::new(fn_path, err.clone()).to_url(&base) {
            leptos_axum::redirect(url.as_str());
        }
    }
    Err(err)
}

/// For a plain form post that succeeded: back to the form's page without the earlier
/// typed values and errors, with `notice` added so the page can say what happened.
/// Without this the browser would return to the referer as it was, typed values and all.
pub fn plain_form_done(notice: (&str, &str)) {
    if let Some(referer) = plain_form_referer() {
        let url = with_pairs(
            clean_url(&referer),
            &[(notice.0.to_owned(), notice.1.to_owned())],
        );
        leptos_axum::redirect(&url);
    }
}

/// For a plain form post that succeeded and leads to another page (an exam started, an
/// attempt submitted): send the browser there. With JavaScript the client navigates.
pub fn plain_form_goto(path: &str) {
    if plain_form_referer().is_some() {
        leptos_axum::redirect(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_keeps_filters_and_drops_typed_values_and_outcomes() {
        assert_eq!(
            clean_url(
                "http://h/organize/banks/1?text=%E5%85%9A&t_name=x&__err=e&saved=1&page=2#top"
            ),
            "http://h/organize/banks/1?text=%E5%85%9A&page=2"
        );
        assert_eq!(clean_url("http://h/a?t_x=1"), "http://h/a");
        assert_eq!(clean_url("http://h/a"), "http://h/a");
    }

    #[test]
    fn pairs_are_appended_encoded() {
        assert_eq!(
            with_pairs("http://h/a?x=1".into(), &[("t_n".into(), "a b".into())]),
            "http://h/a?x=1&t_n=a%20b"
        );
    }
}
