//! Pages of the question bank for organizers and admins: the banks, one bank's
//! categories and questions, the question editor with its version history, and imports.

mod banks;
mod editor;
mod import;
mod questions;

pub use banks::BanksPage;
pub use editor::{QuestionEditPage, QuestionNewPage};
pub use import::{QuestionImportPage, QuestionImportPreviewPage};
pub use questions::BankPage;

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::use_lang;

/// The prefix of query keys carrying typed values back to a form; the same as
/// `server::forms::TYPED_PREFIX`, which only the server build has.
const TYPED_PREFIX: &str = "t_";

/// A message named by its key in a query parameter, as the plain HTTP handlers send
/// errors back (`?error=ErrFileEmpty`). Unknown keys are ignored.
pub(crate) fn msg_from_key(key: &str) -> Option<Msg> {
    serde_json::from_str::<Msg>(&format!("\"{key}\"")).ok()
}

/// The error a plain HTTP handler sent back in `?error=`, announced like any other.
#[component]
pub(crate) fn QueryError() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let lang = use_lang();
    move || {
        query
            .with(|q| q.get("error"))
            .and_then(|k| msg_from_key(&k))
            .map(|m| view! { <p class="notice error" role="alert">{m.text(lang.get())}</p> })
    }
}

/// Values a failed plain-form post sent back (see `server::forms`), read once when the
/// form is drawn; `None` when nothing came back for `marker`.
pub(crate) fn typed_values(marker: &str) -> Option<leptos_router::params::ParamsMap> {
    let map = leptos_router::hooks::use_query_map().get_untracked();
    map.get(&format!("{TYPED_PREFIX}{marker}")).map(|_| map)
}

/// One typed value from [`typed_values`].
pub(crate) fn typed(map: &leptos_router::params::ParamsMap, key: &str) -> String {
    map.get(&format!("{TYPED_PREFIX}{key}")).unwrap_or_default()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn the_typed_prefix_matches_the_servers() {
        assert_eq!(super::TYPED_PREFIX, crate::server::forms::TYPED_PREFIX);
    }

    #[test]
    fn message_keys_from_the_query_are_read_back() {
        assert_eq!(
            super::msg_from_key("ErrFileEmpty"),
            Some(crate::i18n::Msg::ErrFileEmpty)
        );
        assert_eq!(super::msg_from_key("\"}"), None);
    }
}
