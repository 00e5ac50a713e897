//! The HTML shell, the router, the page frame (navigation, language switch) and the
//! role-aware landing page.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes, A};
use leptos_router::{path, SsrMode};

use crate::accounts::model::Role;
use crate::accounts::ui::{
    ChangePasswordPage, ImportPage, ImportPreviewPage, LoginPage, UnitEditPage, UnitsPage,
    UserEditPage, UserNewPage, UsersPage,
};
use crate::audit::ui::AuditPage;
use crate::question_bank::ui::{
    BankPage, BanksPage, QuestionEditPage, QuestionImportPage, QuestionImportPreviewPage,
    QuestionNewPage,
};
use crate::i18n::{Lang, Msg};
use crate::ui::{tr, use_lang, use_session, use_user, Session};

pub fn shell(options: leptos::config::LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use leptos::nonce::use_nonce;
    if let (Some(nonce), Some(res)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        let csp = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&csp) {
            res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <Stylesheet id="leptos" href="/pkg/examhall.css" />
        <Router>
            <Routes fallback=NotFound>
                <ParentRoute path=path!("") view=Frame ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("login") view=LoginPage />
                    <Route path=path!("account/password") view=ChangePasswordPage />
                    <Route path=path!("admin/users") view=UsersPage />
                    <Route path=path!("admin/users/new") view=UserNewPage />
                    <Route path=path!("admin/users/:id") view=UserEditPage />
                    <Route path=path!("admin/units") view=UnitsPage />
                    <Route path=path!("admin/units/:id") view=UnitEditPage />
                    <Route path=path!("admin/import") view=ImportPage />
                    <Route path=path!("admin/import/:id") view=ImportPreviewPage />
                    <Route path=path!("admin/audit") view=AuditPage />
                    <Route path=path!("organize/banks") view=BanksPage />
                    <Route path=path!("organize/banks/:id") view=BankPage />
                    <Route path=path!("organize/banks/:id/questions/new") view=QuestionNewPage />
                    <Route path=path!("organize/banks/:id/import") view=QuestionImportPage />
                    <Route path=path!("organize/questions/:id") view=QuestionEditPage />
                    <Route path=path!("organize/question-imports/:id") view=QuestionImportPreviewPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    Session::provide();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let text = tr(Msg::NotFoundPage);
    view! {
        <main id="main" class="page">
            <h1>{text}</h1>
            <p><a href="/">{tr(Msg::NavHome)}</a></p>
        </main>
    }
}

/// Header, navigation and the page body. A user who must change the password sees only
/// that form, whatever page was asked for.
#[component]
fn Frame() -> impl IntoView {
    // Server actions are created inside <Routes>: that is where the router hands a
    // plain-form (no JavaScript) error back to the action it belongs to.
    let session = Session::provide();
    let user = use_user();
    let lang = use_lang();
    let must_change = Memo::new(move |_| user.get().is_some_and(|u| u.must_change_password));
    // Everything reads the viewer, so the frame waits for it in one boundary. The page
    // body is rebuilt only when the forced password change starts or ends, so a
    // refresh of the viewer never throws away what someone is typing.
    view! {
        <Transition fallback=move || view! { <p class="page">"…"</p> }>
            {move || session.me.get().map(|_| ())}
            <Html attr:lang=move || lang.get().code() />
            <Title text=move || Msg::AppName.text(lang.get()) />
            <a class="skip" href="#main">{tr(Msg::SkipToContent)}</a>
            <header class="top">
                <a class="brand" href="/">{tr(Msg::AppName)}</a>
                <Nav />
                <LangSwitch />
            </header>
            {move || {
                if must_change.get() {
                    view! { <ChangePasswordPage /> }.into_any()
                } else {
                    view! { <Outlet /> }.into_any()
                }
            }}
        </Transition>
    }
}

#[component]
fn Nav() -> impl IntoView {
    let user = use_user();
    move || {
        user.get().map(|u| {
            let staff = u.roles.admin || u.roles.organizer;
            let admin = u.roles.admin;
            let global_admin = admin && u.global;
            view! {
                <nav aria-label=tr(Msg::NavMain)>
                    <ul>
                        <li><A href="/">{tr(Msg::NavHome)}</A></li>
                        {staff.then(|| view! { <li><A href="/admin/users">{tr(Msg::NavUsers)}</A></li> })}
                        {staff.then(|| view! { <li><A href="/admin/units">{tr(Msg::NavUnits)}</A></li> })}
                        {staff.then(|| view! { <li><A href="/organize/banks">{tr(Msg::NavBanks)}</A></li> })}
                        {admin.then(|| view! { <li><A href="/admin/import">{tr(Msg::NavImport)}</A></li> })}
                        {global_admin.then(|| view! { <li><A href="/admin/audit">{tr(Msg::NavAudit)}</A></li> })}
                        <li><A href="/account/password">{tr(Msg::NavAccount)}</A></li>
                    </ul>
                </nav>
                <div class="who">
                    <span>{tr(Msg::SignedInAs)}": "{u.display_name.clone()}" ("{u.login.clone()}")"</span>
                    // A plain form on purpose: signing out reloads the whole page, so no
                    // state of the signed-in user survives in the browser.
                    <form method="post" action="/api/logout">
                        <button type="submit" class="link">{tr(Msg::NavLogout)}</button>
                    </form>
                </div>
            }
        })
    }
}

#[component]
fn LangSwitch() -> impl IntoView {
    let session = use_session();
    let lang = use_lang();
    let other = move || match lang.get() {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };
    view! {
        <ActionForm action=session.set_lang attr:class="lang">
            <input type="hidden" name="lang" prop:value=move || other().code() value=move || other().code() />
            <button
                type="submit"
                aria-label=move || format!("{} ({})", Msg::LangSwitch.text(lang.get()), Msg::LangSwitchLabel.text(lang.get()))
                lang=move || other().code()
            >
                {tr(Msg::LangSwitch)}
            </button>
        </ActionForm>
    }
}

#[component]
fn HomePage() -> impl IntoView {
    let user = use_user();
    move || match user.get() {
        None => view! { <LoginPage /> }.into_any(),
        Some(u) => {
            let staff = u.roles.admin || u.roles.organizer;
            view! {
                <main id="main" class="page">
                    <h1>{tr(Msg::AppName)}</h1>
                    <p class="lead">{tr(Msg::Tagline)}</p>
                    {staff.then(|| view! { <StaffDesk /> })}
                    {u.roles.candidate.then(|| view! { <CandidateDesk /> })}
                </main>
            }
            .into_any()
        }
    }
}

#[component]
fn CandidateDesk() -> impl IntoView {
    view! {
        <section aria-labelledby="candidate-h">
            <h2 id="candidate-h">{tr(Msg::HomeCandidateTitle)}</h2>
            <p class="empty">{tr(Msg::HomeCandidateEmpty)}</p>
        </section>
    }
}

#[component]
fn StaffDesk() -> impl IntoView {
    let user = use_user();
    let stats = Resource::new(|| (), |_| crate::accounts::api::get_admin_stats());
    let title = move || {
        if user.get().is_some_and(|u| u.roles.has(Role::Admin)) {
            Msg::HomeAdminTitle
        } else {
            Msg::HomeOrganizerTitle
        }
    };
    let lang = use_lang();
    view! {
        <section aria-labelledby="staff-h">
            <h2 id="staff-h">{move || title().text(lang.get())}</h2>
            <p>
                {tr(Msg::HomeOrganizerBody)}": "
                <strong>{move || user.get().map(|u| u.scope_name).unwrap_or_default()}</strong>
            </p>
            <Suspense fallback=|| ()>
                {move || {
                    stats.get().and_then(|r| r.ok()).map(|s| {
                        view! {
                            <dl class="stats">
                                <div><dt>{tr(Msg::StatUsers)}</dt><dd>{s.users}</dd></div>
                                <div><dt>{tr(Msg::StatUnits)}</dt><dd>{s.units}</dd></div>
                                {user.get().is_some_and(|u| u.global).then(|| view! {
                                    <div><dt>{tr(Msg::StatActiveSessions)}</dt><dd>{s.active_sessions}</dd></div>
                                })}
                            </dl>
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
