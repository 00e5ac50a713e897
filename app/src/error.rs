//! The one error type every server function returns, and its translation for users.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::i18n::{Lang, Msg};

/// What a server function can fail with. Variants carry only what is safe to show the
/// caller: internal causes are logged on the server and never serialised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("conflict: {0:?}")]
    Conflict(Msg),
    /// Input the caller can fix; `field` names the form field when there is one.
    #[error("invalid input: {msg:?}")]
    Invalid { field: Option<String>, msg: Msg },
    #[error("too many attempts, retry in {retry_after_secs}s")]
    Throttled { retry_after_secs: u64 },
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("internal error")]
    Internal,
    /// Several problems with one submission (e.g. a question or a paper), each with the
    /// field it concerns, so a form can show them all at once.
    #[error("invalid input: {0:?}")]
    Problems(Vec<FieldProblem>),
    /// A write to an attempt that the attempt's state refuses (deadline passed,
    /// already submitted, held by another browser session).
    #[error("attempt refused: {0:?}")]
    Attempt(crate::attempts::model::AttemptRefusal),
    /// Transport-level failure seen by the client (network down, bad payload).
    #[error("request failed: {0}")]
    Transport(String),
}

/// One problem with a submitted form, file row or question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// Form field or file column key (e.g. "stem", "options", "answer").
    pub field: String,
    pub reason: Msg,
    /// A value to show with the message (a limit, the offending text, a shortfall line).
    pub detail: Option<String>,
}

impl FieldProblem {
    pub fn new(field: &str, reason: Msg) -> Self {
        FieldProblem {
            field: field.to_owned(),
            reason,
            detail: None,
        }
    }

    pub fn with_detail(field: &str, reason: Msg, detail: impl Into<String>) -> Self {
        FieldProblem {
            field: field.to_owned(),
            reason,
            detail: Some(detail.into()),
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match &self.detail {
            Some(d) => format!("{}（{d}）", self.reason.text(lang)),
            None => self.reason.text(lang).to_owned(),
        }
    }
}

impl AppError {
    pub fn invalid(field: &str, msg: Msg) -> Self {
        AppError::Invalid {
            field: Some(field.to_owned()),
            msg,
        }
    }

    /// The message to show a person, in their language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::Unauthenticated => Msg::ErrUnauthenticated.text(lang).to_owned(),
            AppError::Forbidden => Msg::ErrForbidden.text(lang).to_owned(),
            AppError::NotFound => Msg::ErrNotFound.text(lang).to_owned(),
            AppError::Conflict(m) => m.text(lang).to_owned(),
            AppError::Invalid { msg, .. } => msg.text(lang).to_owned(),
            AppError::Throttled { retry_after_secs } => Msg::ErrThrottled
                .text(lang)
                .replace("{n}", &retry_after_secs.to_string()),
            AppError::PasswordChangeRequired => {
                Msg::ErrPasswordChangeRequired.text(lang).to_owned()
            }
            AppError::Problems(ps) => ps
                .iter()
                .map(|p| p.message(lang))
                .collect::<Vec<_>>()
                .join("；"),
            AppError::Internal => Msg::ErrInternal.text(lang).to_owned(),
            AppError::Transport(_) => Msg::ErrTransport.text(lang).to_owned(),
            AppError::Attempt(r) => r.msg().text(lang).to_owned(),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Invalid {
                field: None,
                msg: Msg::ErrBadRequest,
            },
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            if db.kind() == sqlx::error::ErrorKind::UniqueViolation {
                return AppError::Conflict(Msg::ErrDuplicate);
            }
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    pub fn status(&self) -> axum::http::StatusCode {
        use crate::attempts::model::AttemptRefusal;
        use axum::http::StatusCode;
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid { .. } | AppError::Problems(_) => StatusCode::BAD_REQUEST,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
            // 410: the attempt is over, retrying cannot succeed; 423: held elsewhere.
            AppError::Attempt(AttemptRefusal::DeadlinePassed | AttemptRefusal::Submitted) => {
                StatusCode::GONE
            }
            AppError::Attempt(AttemptRefusal::OtherDevice) => StatusCode::LOCKED,
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), axum::Json(self)).into_response()
    }
}
