//! Sign-in and changing one's own password.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::Msg;
use crate::ui::{action_error, tr, use_session, use_user, ErrorNotice};

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let user = use_user();
    let error = action_error(session.login);
    // A plain-form sign-in that failed comes back with the login typed in the URL.
    let typed = use_query_map().with_untracked(|q| q.get("login").unwrap_or_default());
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::LoginTitle)}</h1>
            {move || {
                user.get().map(|u| {
                    view! {
                        <p>{tr(Msg::SignedInAs)}": "{u.display_name}" "<a href="/">{tr(Msg::NavHome)}</a></p>
                    }
                })
            }}
            <ActionForm action=session.login attr:class="form">
                <ErrorNotice error />
                <label for="login">{tr(Msg::LoginName)}</label>
                <input id="login" name="login" type="text" autocomplete="username" required maxlength="64" value=typed />
                <label for="password">{tr(Msg::Password)}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="128" />
                <button type="submit">{tr(Msg::LoginButton)}</button>
            </ActionForm>
        </main>
    }
}

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let session = use_session();
    let user = use_user();
    let error = action_error(session.change_password);
    let forced = move || user.get().is_some_and(|u| u.must_change_password);
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::ChangePasswordTitle)}</h1>
            {move || forced().then(|| view! { <p class="notice info" role="status">{tr(Msg::ChangePasswordForced)}</p> })}
            {move || {
                user.get()
                    .is_none()
                    .then(|| view! { <p class="notice error" role="alert"><a href="/login">{tr(Msg::ErrUnauthenticated)}</a></p> })
            }}
            <ActionForm action=session.change_password attr:class="form">
                <ErrorNotice error />
                <label for="current_password">{tr(Msg::CurrentPassword)}</label>
                <input id="current_password" name="current_password" type="password" autocomplete="current-password" required maxlength="128" />
                <label for="new_password">{tr(Msg::NewPassword)}</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="pw-rules" />
                <p id="pw-rules" class="hint">{tr(Msg::PasswordRules)}</p>
                <label for="confirm">{tr(Msg::ConfirmPassword)}</label>
                <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="8" maxlength="128" />
                <button type="submit">{tr(Msg::ChangePasswordButton)}</button>
            </ActionForm>
        </main>
    }
}
