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
use crate::attempts::ui::{
    AttemptDonePage, AttemptPage, CandidateAttempts, ProctorPage, RegradePage, StartPage,
    SubmitPage,
};
use crate::audit::ui::AuditPage;
use crate::escalation::ui::{CasePage, CasesPage};
use crate::i18n::{Lang, Msg};
use crate::jobs::ui::JobsPage;
use crate::notifications::ui::{NotificationsLink, NotificationsPage};
use crate::papers::ui::{ExamEditPage, ExamPreviewPage, ExamsPage};
use crate::question_bank::ui::{
    BankPage, BanksPage, QuestionEditPage, QuestionImportPage, QuestionImportPreviewPage,
    QuestionNewPage,
};
use crate::reports::ui::{
    ExamReportPage, ItemAnalysisPage, PersonReportPage, SittingReportPage, UnitReportPage,
};
use crate::retakes::ui::{MyRetakes, RetakesPage};
use crate::sittings::ui::{SittingPage, SittingsCalendarPage, SittingsPage};
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
                    <Route path=path!("organize/exams") view=ExamsPage />
                    <Route path=path!("organize/exams/:id") view=ExamEditPage />
                    <Route path=path!("organize/exams/:id/preview") view=ExamPreviewPage />
                    <Route path=path!("organize/sittings") view=SittingsPage />
                    <Route path=path!("organize/sittings/calendar") view=SittingsCalendarPage />
                    <Route path=path!("organize/sittings/:id") view=SittingPage />
                    <Route path=path!("organize/sittings/:id/invigilate") view=ProctorPage />
                    <Route path=path!("organize/exams/:id/regrade") view=RegradePage />
                    <Route path=path!("organize/exams/:id/retakes") view=RetakesPage />
                    <Route path=path!("organize/exams/:id/report") view=ExamReportPage />
                    <Route path=path!("organize/exams/:id/items") view=ItemAnalysisPage />
                    <Route path=path!("organize/sittings/:id/report") view=SittingReportPage />
                    <Route path=path!("reports/units") view=UnitReportPage />
                    <Route path=path!("reports/people/:id") view=PersonReportPage />
                    <Route path=path!("cases") view=CasesPage />
                    <Route path=path!("cases/:id") view=CasePage />
                    <Route path=path!("notifications") view=NotificationsPage />
                    <Route path=path!("admin/jobs") view=JobsPage />
                    <Route path=path!("exam/:id") view=StartPage />
                    <Route path=path!("attempt/:id") view=AttemptPage />
                    <Route path=path!("attempt/:id/submit") view=SubmitPage />
                    <Route path=path!("attempt/:id/done") view=AttemptDonePage />
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
    // Everything reads the viewer, so the frame waits for it in one boundary.
    view! {
        <Transition fallback=move || view! { <p class="page">"…"</p> }>
            // The head tags get plain values: leptos_meta renders them into <head> after
            // this subtree's owner may already be gone, and a reactive closure read then
            // panics (a disposed signal), which drops the response.
            {move || session.me.get().map(|me| {
                let lang = me.map(|m| m.lang).unwrap_or_default();
                view! {
                    <Html attr:lang=lang.code() />
                    <Title text=Msg::AppName.text(lang) />
                }
            })}
            <a class="skip" href="#main">{tr(Msg::SkipToContent)}</a>
            <header class="top">
                <a class="brand" href="/">{tr(Msg::AppName)}</a>
                <Nav />
                <LangSwitch />
            </header>
            <Body />
        </Transition>
    }
}

/// The page body, rebuilt only when the forced password change starts or ends, so a
/// refresh of the viewer never throws away what someone is typing. Its memo is created
/// inside the frame's boundary: a resource read from a memo owned outside it is not
/// waited for.
#[component]
fn Body() -> impl IntoView {
    let user = use_user();
    let must_change = Memo::new(move |_| user.get().is_some_and(|u| u.must_change_password));
    move || {
        if must_change.get() {
            view! { <ChangePasswordPage /> }.into_any()
        } else {
            view! { <Outlet /> }.into_any()
        }
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
            let cases = admin || u.roles.interviewer;
            // The entries as data, drawn by one loop: each optional entry written as its
            // own `Option` view nests the page frame's types so deeply that rendering it
            // overflows a 2 MiB worker stack in debug builds.
            let entries: Vec<(&'static str, Msg)> = [
                (true, "/", Msg::NavHome),
                (staff, "/admin/users", Msg::NavUsers),
                (staff, "/admin/units", Msg::NavUnits),
                (staff, "/organize/banks", Msg::NavBanks),
                (staff, "/organize/exams", Msg::NavExams),
                (staff, "/organize/sittings", Msg::NavSittings),
                (staff, "/reports/units", Msg::NavReports),
                (admin, "/admin/import", Msg::NavImport),
                (cases, "/cases", Msg::NavCases),
                (global_admin, "/admin/audit", Msg::NavAudit),
                (global_admin, "/admin/jobs", Msg::NavJobs),
                (true, "/account/password", Msg::NavAccount),
            ]
            .into_iter()
            .filter(|(shown, _, _)| *shown)
            .map(|(_, href, msg)| (href, msg))
            .collect();
            view! {
                <nav aria-label=tr(Msg::NavMain)>
                    <ul>
                        {entries
                            .into_iter()
                            .map(|(href, msg)| view! { <li><A href=href>{tr(msg)}</A></li> })
                            .collect_view()}
                    </ul>
                </nav>
                <div class="who">
                    <NotificationsLink />
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
                    {u.roles.candidate.then(|| view! { <MyRetakes /> <CandidateAttempts /> <CandidateDesk /> })}
                </main>
            }
            .into_any()
        }
    }
}

/// The candidate's upcoming and current sittings. The countdown is computed from the
/// server's clock at render time, so it does not depend on the browser's clock.
#[component]
fn CandidateDesk() -> impl IntoView {
    let schedule = Resource::new(
        || (),
        |_| async {
            let now = crate::sittings::ui::server_now().await?;
            let list = crate::sittings::api::my_sittings().await?;
            Ok::<_, crate::error::AppError>((now, list))
        },
    );
    view! {
        <section aria-labelledby="candidate-h">
            <h2 id="candidate-h">{tr(Msg::MySittingsTitle)}</h2>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || schedule.get().map(|r| match r {
                    Err(e) => view! { <crate::ui::ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok((_, list)) if list.is_empty() => view! { <p class="empty">{tr(Msg::HomeCandidateEmpty)}</p> }.into_any(),
                    Ok((now, list)) => view! {
                        <ul class="sitting-cards">
                            {list.into_iter().map(|s| view! { <UpcomingCard sitting=s now /> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// "距开考还有 X 天 Y 小时", "不足 1 小时", or that the sitting is under way.
fn countdown(now: crate::time::Timestamp, start: crate::time::Timestamp, lang: Lang) -> String {
    let secs = now.secs_until(start);
    if secs <= 0 {
        return Msg::SittingUnderway.text(lang).to_owned();
    }
    let (days, hours) = (secs / 86_400, secs % 86_400 / 3_600);
    if days == 0 && hours == 0 {
        return Msg::SittingStartsWithinHour.text(lang).to_owned();
    }
    Msg::SittingStartsIn
        .text(lang)
        .replace("{d}", &days.to_string())
        .replace("{h}", &hours.to_string())
}

#[component]
fn UpcomingCard(
    sitting: crate::sittings::model::UpcomingSitting,
    now: crate::time::Timestamp,
) -> impl IntoView {
    let lang = use_lang();
    let s = sitting;
    let heading = format!("upcoming-{}", s.sitting_id);
    let heading_ref = heading.clone();
    let enter = format!("/exam/{}", s.sitting_id);
    let start = s.window_start;
    let duration = s.duration_minutes;
    let window = crate::sittings::ui::window_text(s.window_start, s.window_end);
    let location = if s.location.trim().is_empty() {
        "—".to_owned()
    } else {
        s.location.clone()
    };
    view! {
        <li class="sitting-card" aria-labelledby=heading_ref>
            <h3 id=heading>{s.exam_title.clone()}</h3>
            <p class="countdown">{move || countdown(now, start, lang.get())}</p>
            <dl class="facts">
                <div><dt>{tr(Msg::SittingNameLabel)}</dt><dd>{s.name.clone()}</dd></div>
                <div><dt>{tr(Msg::SittingWindowCst)}</dt><dd>{window}</dd></div>
                <div><dt>{tr(Msg::ExamDurationMinutes)}</dt><dd>{duration}</dd></div>
                <div><dt>{tr(Msg::SittingLocation)}</dt><dd>{location}</dd></div>
            </dl>
            <p><a class="button" href=enter>{tr(Msg::EnterExam)}</a></p>
        </li>
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
