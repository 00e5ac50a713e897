//! Application state shared by every request; holds nothing that must survive a
//! restart or be shared between app servers (that lives in the database).

use std::sync::Arc;

use crate::accounts::domain::SessionPolicy;
use crate::accounts::password::Hasher;
use crate::db::Db;

use super::clock::Clock;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub hasher: Hasher,
    pub sessions: SessionPolicy,
    /// Mark cookies `Secure`: set when examhall is served over HTTPS.
    pub secure_cookies: bool,
    /// Trust the first address in `X-Forwarded-For` (only behind a reverse proxy).
    pub trust_forwarded_for: bool,
    pub leptos: leptos::config::LeptosOptions,
    /// This app server's attempt writer (group commit) and grading caches.
    pub attempts: crate::attempts::service::Runtime,
    /// Outgoing mail, when SMTP is configured.
    pub mailer: Option<crate::notifications::mail::Mailer>,
}

impl axum::extract::FromRef<AppState> for leptos::config::LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}
