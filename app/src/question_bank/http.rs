//! Plain HTTP endpoints of the question bank that server functions do not fit: multipart
//! uploads (question files, stem images) and the bulk form posted without JavaScript,
//! each a normal form post answered with a redirect; and downloads (exports, the import
//! template, stem images). Authorization is the same as for the server functions: staff
//! only, and the service checks the bank's scope.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::download::{content_disposition, download, file_stem};
use crate::server::forms::{clean_url, TYPED_PREFIX};
use crate::server::{AppState, RequestInfo};
use crate::ui::qs_encode;

use super::formats;
use super::model::{BankId, ImageId, QuestionId, QuestionQuery};
use super::service;

/// The largest question file accepted; the route's body limit is set a little above it.
pub const MAX_UPLOAD_BYTES: usize = formats::MAX_FILE_BYTES;
/// The body limit of the image route: the image plus everything the editor form holds
/// (the image button posts the whole form so nothing typed is lost).
pub const MAX_IMAGE_POST_BYTES: usize = service::MAX_IMAGE_BYTES + 512 * 1024;

/// A refused form post: a browser without a session goes to sign in (or to the forced
/// password change) instead of seeing an error body.
fn refused(e: AppError) -> Response {
    match e {
        AppError::Unauthenticated => Redirect::to("/login").into_response(),
        AppError::PasswordChangeRequired => Redirect::to("/account/password").into_response(),
        e => e.into_response(),
    }
}

/// The message to send back for a failed post, as a key the page translates.
fn error_msg(e: &AppError) -> Msg {
    match e {
        AppError::Invalid { msg, .. } | AppError::Conflict(msg) => *msg,
        AppError::Problems(ps) => ps.first().map(|p| p.reason).unwrap_or(Msg::ErrBadRequest),
        AppError::Unauthenticated => Msg::ErrUnauthenticated,
        AppError::Forbidden => Msg::ErrForbidden,
        AppError::NotFound => Msg::ErrNotFound,
        AppError::PasswordChangeRequired => Msg::ErrPasswordChangeRequired,
        AppError::Throttled { .. } => Msg::ErrBadRequest,
        AppError::Internal | AppError::Transport(_) => Msg::ErrInternal,
        AppError::Attempt(r) => r.msg(),
    }
}

fn msg_key(msg: Msg) -> String {
    serde_json::to_string(&msg)
        .unwrap_or_default()
        .trim_matches('"')
        .to_owned()
}

/// `path?query` with `pairs` appended, every value encoded.
fn url_with(path_and_query: &str, pairs: &[(String, String)]) -> String {
    let extra: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", qs_encode(k), qs_encode(v)))
        .collect();
    if extra.is_empty() {
        return path_and_query.to_owned();
    }
    let sep = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{path_and_query}{sep}{}", extra.join("&"))
}

fn parse_bank(id: &str) -> Result<BankId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// `POST /organize/banks/{id}/import/upload`: reads the file, stores a preview and
/// shows it; problems go back to the upload page as `?error=<message key>`.
pub async fn import_upload(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(bank): Path<String>,
    mut form: Multipart,
) -> Response {
    let a = match info.staff() {
        Ok(a) => a,
        Err(e) => return refused(e),
    };
    let bank = match parse_bank(&bank) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let back = |msg: Msg| {
        Redirect::to(&format!(
            "/organize/banks/{bank}/import?error={}",
            msg_key(msg)
        ))
        .into_response()
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable question upload");
                return back(Msg::ErrFileTooLarge);
            }
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_owned();
            match field.bytes().await {
                Ok(b) if b.len() > MAX_UPLOAD_BYTES => return back(Msg::ErrFileTooLarge),
                Ok(b) => file = Some((name, b.to_vec())),
                Err(_) => return back(Msg::ErrFileTooLarge),
            }
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back(Msg::ErrFileEmpty);
    };
    match service::preview_import(&state, a, bank, &name, &bytes).await {
        Ok(id) => Redirect::to(&format!("/organize/question-imports/{id}")).into_response(),
        Err(e) => back(error_msg(&e)),
    }
}

/// `POST /organize/banks/{id}/images`: the editor form, posted whole by its "upload
/// image" button. Stores the image and returns to the editor with everything typed
/// (`t_…`) and the new image (`image=<id>`), or with `error=<message key>`.
pub async fn image_upload(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(bank): Path<String>,
    mut form: Multipart,
) -> Response {
    let a = match info.staff() {
        Ok(a) => a,
        Err(e) => return refused(e),
    };
    let bank = match parse_bank(&bank) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut typed: Vec<(String, String)> = Vec::new();
    let mut question: Option<QuestionId> = None;
    let mut image: Option<Vec<u8>> = None;
    let mut failure: Option<Msg> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                // Most likely the body limit: keep what was read so far.
                tracing::warn!(error = %e, "unreadable image upload");
                failure = Some(Msg::ErrImageTooLarge);
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "image" {
            match field.bytes().await {
                Ok(b) if b.len() > service::MAX_IMAGE_BYTES => {
                    failure = Some(Msg::ErrImageTooLarge);
                }
                Ok(b) => image = Some(b.to_vec()),
                Err(_) => {
                    failure = Some(Msg::ErrImageTooLarge);
                    break;
                }
            }
        } else if name == "question" {
            question = field.text().await.ok().and_then(|t| t.trim().parse().ok());
        } else if let Some(key) = name.strip_prefix("q[").and_then(|k| k.strip_suffix(']')) {
            if let Ok(value) = field.text().await {
                typed.push((format!("{TYPED_PREFIX}{key}"), value));
            }
        }
    }
    // Typed values must include the type for the editor to take them.
    if !typed
        .iter()
        .any(|(k, _)| k == &format!("{TYPED_PREFIX}qtype"))
    {
        typed.clear();
    }
    let editor = match question {
        Some(q) => format!("/organize/questions/{q}"),
        None => format!("/organize/banks/{bank}/questions/new"),
    };
    let outcome = match (failure, image.filter(|b| !b.is_empty())) {
        (Some(m), _) => Err(m),
        (None, None) => Err(Msg::ErrNoImageChosen),
        (None, Some(bytes)) => service::store_image(&state, a, bank, &bytes)
            .await
            .map_err(|e| error_msg(&e)),
    };
    match outcome {
        Ok(id) => typed.push(("image".into(), id.to_string())),
        Err(m) => typed.push(("error".into(), msg_key(m))),
    }
    Redirect::to(&url_with(&editor, &typed)).into_response()
}

/// Keeps `back` (the list's filters and page, as the bank view wrote them) only if it is
/// a plain encoded query string, so it cannot smuggle anything into the redirect.
fn safe_back(back: &str) -> &str {
    let ok = back.len() <= 2000
        && back
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"%&=_.~+-".contains(&b));
    if ok {
        back
    } else {
        ""
    }
}

/// `POST /organize/banks/{id}/bulk`: the bank view's bulk form without JavaScript. The
/// checked rows arrive as repeated `ids` fields.
pub async fn bulk(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(bank): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let a = match info.staff() {
        Ok(a) => a,
        Err(e) => return refused(e),
    };
    let bank = match parse_bank(&bank) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let ids: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v.as_str())
        .collect();
    let result = super::api::run_bulk(
        &state,
        a,
        &info.client_addr,
        &bank.to_string(),
        &ids.join(","),
        field("action"),
        field("category"),
        field("tag"),
    )
    .await;
    let page = clean_url(&format!(
        "/organize/banks/{bank}?{}",
        safe_back(field("back"))
    ));
    let pair = match result {
        Ok(n) => ("bulk".to_owned(), n.to_string()),
        Err(e) => ("error".to_owned(), msg_key(error_msg(&e))),
    };
    Redirect::to(&url_with(&page, &[pair])).into_response()
}

/// The bank view's filters from the export link's query.
fn export_query(bank: BankId, pairs: &[(String, String)]) -> QuestionQuery {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    QuestionQuery {
        bank_id: bank.to_string(),
        text: get("text"),
        category: get("category"),
        qtype: get("qtype"),
        difficulty: get("difficulty"),
        tag: get("tag"),
        status: get("status"),
        sort: get("sort"),
        page: 1,
    }
}

async fn export_drafts(
    state: &AppState,
    info: &RequestInfo,
    bank: &str,
    pairs: &[(String, String)],
) -> Result<(String, Vec<super::model::QuestionDraft>), AppError> {
    let a = info.staff()?;
    let bank = parse_bank(bank)?;
    service::export_drafts(state, a, &export_query(bank, pairs)).await
}

/// `GET /organize/banks/{id}/export.xlsx?<filters>`: the filtered questions as Excel, in
/// the import template's layout.
pub async fn export_xlsx(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(bank): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match export_drafts(&state, &info, &bank, &pairs).await {
        Ok((name, drafts)) => download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            content_disposition(&file_stem(&name, "questions"), "xlsx", "questions"),
            formats::to_xlsx(&drafts),
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /organize/banks/{id}/export.xml?<filters>`: the filtered questions as Moodle XML.
pub async fn export_xml(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(bank): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match export_drafts(&state, &info, &bank, &pairs).await {
        Ok((name, drafts)) => download(
            "application/xml; charset=utf-8",
            content_disposition(&file_stem(&name, "questions"), "xml", "questions"),
            formats::to_moodle_xml(&drafts).into_bytes(),
        ),
        Err(e) => e.into_response(),
    }
}

/// `GET /organize/question-template.xlsx`: the import template.
pub async fn template_xlsx(Extension(info): Extension<RequestInfo>) -> Response {
    if let Err(e) = info.staff() {
        return e.into_response();
    }
    download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        content_disposition("题目导入模板", "xlsx", "template"),
        formats::template_xlsx(),
    )
}

/// `GET /organize/images/{id}`: a stem image for staff who may read its bank. The type
/// was sniffed from the bytes at upload; `nosniff` keeps browsers to it.
pub async fn image(
    State(state): State<AppState>,
    Extension(info): Extension<RequestInfo>,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let a = info.staff()?;
        let id: ImageId = id.parse().map_err(|_| AppError::NotFound)?;
        service::load_image(&state, a, id).await
    }
    .await;
    match result {
        Ok((content_type, bytes)) => image_response(&content_type, bytes),
        Err(e) => e.into_response(),
    }
}

/// A stored stem image, sent with its recorded type and never sniffed by the browser.
pub fn image_response(content_type: &str, bytes: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            // An image never changes under its ID; only its readers may cache it.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=86400"),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_query_strings_come_back_from_the_bulk_form() {
        assert_eq!(safe_back("text=%E5%85%9A&page=2"), "text=%E5%85%9A&page=2");
        assert_eq!(safe_back("x=1\r\nLocation: //evil"), "");
        assert_eq!(safe_back("a=<b>"), "");
    }

    #[test]
    fn redirect_urls_get_their_pairs_encoded() {
        assert_eq!(
            url_with("/a", &[("t_stem".into(), "党 章&".into())]),
            "/a?t_stem=%E5%85%9A%20%E7%AB%A0%26"
        );
        assert_eq!(
            url_with("/a?x=1", &[("k".into(), "v".into())]),
            "/a?x=1&k=v"
        );
    }

    #[test]
    fn failures_become_message_keys() {
        assert_eq!(msg_key(Msg::ErrFileEmpty), "ErrFileEmpty");
        assert_eq!(
            error_msg(&AppError::invalid("file", Msg::ErrFileFormat)),
            Msg::ErrFileFormat
        );
    }
}
