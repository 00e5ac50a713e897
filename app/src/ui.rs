//! Shared UI pieces: the viewer context, translation helpers, error display, pagination.

use leptos::prelude::*;

use crate::accounts::api::{get_me, ChangePassword, Login, Logout, SetLanguage};
use crate::accounts::model::{CurrentUser, Me};
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::notifications::api::MarkNotificationsRead;

/// Who is viewing and in which language, refreshed whenever sign-in state or the
/// language changes.
#[derive(Clone, Copy)]
pub struct Session {
    pub me: Resource<Result<Me, AppError>>,
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub set_lang: ServerAction<SetLanguage>,
    pub change_password: ServerAction<ChangePassword>,
    /// Marking notifications read changes the header's count, which `me` carries.
    pub mark_read: ServerAction<MarkNotificationsRead>,
}

impl Session {
    pub fn provide() -> Session {
        let login = ServerAction::<Login>::new();
        let logout = ServerAction::<Logout>::new();
        let set_lang = ServerAction::<SetLanguage>::new();
        let change_password = ServerAction::<ChangePassword>::new();
        let mark_read = ServerAction::<MarkNotificationsRead>::new();
        // Only successful actions change who is viewing or the language; refetching on
        // failures would re-render the page and lose what the person typed.
        let (a, b, c, d, e) = (
            successes(login),
            successes(logout),
            successes(set_lang),
            successes(change_password),
            successes(mark_read),
        );
        let me = Resource::new(
            move || (a.get(), b.get(), c.get(), d.get(), e.get()),
            |_| get_me(),
        );
        let s = Session {
            me,
            login,
            logout,
            set_lang,
            change_password,
            mark_read,
        };
        provide_context(s);
        s
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// The interface language as a signal (Chinese until the viewer is known).
pub fn use_lang() -> Signal<Lang> {
    let s = use_session();
    Signal::derive(move || {
        s.me.get()
            .and_then(|r| r.ok())
            .map(|m| m.lang)
            .unwrap_or_default()
    })
}

pub fn use_user() -> Signal<Option<CurrentUser>> {
    let s = use_session();
    Signal::derive(move || s.me.get().and_then(|r| r.ok()).and_then(|m| m.user))
}

/// A reactive translated text.
pub fn tr(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_lang();
    move || msg.text(lang.get())
}

/// An error announced to assistive technology; nothing when there is no error.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        error.get().map(|e| match e {
            AppError::Problems(ps) if ps.len() > 1 => view! {
                <div class="notice error" role="alert">
                    <ul>{ps.iter().map(|p| view! { <li>{p.message(lang.get())}</li> }).collect_view()}</ul>
                </div>
            }
            .into_any(),
            e => view! { <p class="notice error" role="alert">{e.message(lang.get())}</p> }.into_any(),
        })
    }
}

/// The error of the last run of a server action, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

/// How many runs of a server action have succeeded; changes only on a success.
pub fn successes<I, O>(action: ServerAction<I>) -> Memo<usize>
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Memo::new(move |prev: Option<&usize>| {
        let version = action.version().get();
        let ok = action.value().with(|v| matches!(v, Some(Ok(_))));
        if ok {
            version
        } else {
            prev.copied().unwrap_or(0)
        }
    })
}

/// Whether the last run of a server action succeeded.
pub fn action_ok<I, O>(action: ServerAction<I>) -> Signal<bool>
where
    I: server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || matches!(action.value().get(), Some(Ok(_))))
}

#[component]
pub fn SuccessNotice(#[prop(into)] show: Signal<bool>, msg: Msg) -> impl IntoView {
    let text = tr(msg);
    move || {
        show.get()
            .then(|| view! { <p class="notice ok" role="status">{text}</p> })
    }
}

/// "Page 2 of 5" with previous/next links that keep the other query parameters.
#[component]
pub fn Pager(page: u32, pages: u32, total: u64, base_query: String) -> impl IntoView {
    let lang = use_lang();
    let link = move |p: u32| {
        if base_query.is_empty() {
            format!("?page={p}")
        } else {
            format!("?{base_query}&page={p}")
        }
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    view! {
        <nav class="pager" aria-label=move || Msg::Pagination.text(lang.get())>
            {prev.map(|href| view! { <a href=href rel="prev">{move || Msg::Previous.text(lang.get())}</a> })}
            <span>
                {move || {
                    Msg::PageOf
                        .text(lang.get())
                        .replace("{p}", &page.to_string())
                        .replace("{n}", &pages.to_string())
                        .replace("{t}", &total.to_string())
                }}
            </span>
            {next.map(|href| view! { <a href=href rel="next">{move || Msg::Next.text(lang.get())}</a> })}
        </nav>
    }
}

/// Encodes a query-string value.
pub fn qs_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
