//! The candidate's pages around the exam: the start page (instructions and the pledge),
//! the submit summary without JavaScript, the confirmation page, and the landing page's
//! running and finished attempts.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;
use crate::i18n::Msg;
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::super::api::{
    get_my_attempts, get_start_info, view_attempt, StartAttempt, SubmitAttempt,
};
use super::super::model::{AttemptStatus, ResultView, StartInfo};
use super::exam::{answered, locals};

fn result_line(r: Option<ResultView>) -> impl IntoView {
    let lang = use_lang();
    move || match r {
        Some(r) => format!(
            "{} {} / {}，{}",
            Msg::ScoreLabel.text(lang.get()),
            r.score,
            r.max,
            if r.passed {
                Msg::ResultPassed.text(lang.get())
            } else {
                Msg::ResultFailed.text(lang.get())
            }
        ),
        None => Msg::ResultHidden.text(lang.get()).to_owned(),
    }
}

#[component]
pub fn StartPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let info = Resource::new(id, get_start_info);
    let start = ServerAction::<StartAttempt>::new();
    let error = action_error(start);
    // With JavaScript: go to the exam once started; and re-ask the server when the
    // sitting is due to open, so the Start button turns on by itself.
    Effect::new(move |_| {
        if let Some(Ok(attempt)) = start.value().get() {
            let nav = leptos_router::hooks::use_navigate();
            nav(&format!("/attempt/{attempt}"), Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(i)) = info.get() {
            if i.refusal == Some(crate::sittings::domain::StartRefusal::NotYetOpen) {
                let wait = (i.window_start.0 - i.server_now.0).clamp(0, 3_600_000) as u64 + 500;
                set_timeout(
                    move || info.refetch(),
                    std::time::Duration::from_millis(wait),
                );
            }
        }
    });
    view! {
        <main id="main" class="page">
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || info.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(i) => view! { <StartDetails info=i start error /> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn StartDetails(
    info: StartInfo,
    start: ServerAction<StartAttempt>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let window = crate::sittings::ui::window_text(info.window_start, info.window_end);
    let sitting_id = info.sitting_id.to_string();
    let refusal = info.refusal;
    let resume = info.attempt.map(|a| match info.attempt_status {
        Some(AttemptStatus::Submitted) => (format!("/attempt/{a}/done"), Msg::SubmittedTitle),
        _ => (format!("/attempt/{a}"), Msg::ResumeAttempt),
    });
    let location = if info.location.trim().is_empty() {
        "—".to_owned()
    } else {
        info.location.clone()
    };
    view! {
        <h1>{info.exam_title.clone()}</h1>
        <h2>{tr(Msg::BeforeStart)}</h2>
        <dl class="facts">
            <div><dt>{tr(Msg::SittingNameLabel)}</dt><dd>{info.sitting_name.clone()}</dd></div>
            <div><dt>{tr(Msg::WindowLabel)}</dt><dd>{window}</dd></div>
            <div><dt>{tr(Msg::SittingLocation)}</dt><dd>{location}</dd></div>
            <div><dt>{tr(Msg::DurationMinutesLabel)}</dt><dd>{info.duration_minutes}</dd></div>
            {(info.extra_minutes > 0).then(|| view! { <div><dt>{tr(Msg::ExtraTimeLabel)}</dt><dd>{info.extra_minutes}</dd></div> })}
            <div><dt>{tr(Msg::QuestionCountLabel)}</dt><dd>{info.question_count}</dd></div>
            <div><dt>{tr(Msg::TotalPointsLabel)}</dt><dd>{info.total_points.to_string()}</dd></div>
        </dl>
        {(!info.instructions.trim().is_empty()).then(|| view! { <p class="instructions">{info.instructions.clone()}</p> })}
        {match resume {
            Some((href, msg)) => view! { <p><a class="button" href=href>{tr(msg)}</a></p> }.into_any(),
            None => view! {
                {refusal.map(|r| view! { <p class="notice warn" role="status">{move || r.msg().text(lang.get())}</p> })}
                <ErrorNotice error />
                <ActionForm action=start>
                    <input type="hidden" name="sitting_id" value=sitting_id />
                    <p class="pledge">
                        <input type="checkbox" name="pledge" id="pledge" required=true />
                        <label for="pledge">{tr(Msg::PledgeText)}</label>
                    </p>
                    <button type="submit" disabled=refusal.is_some()>{tr(Msg::StartExam)}</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}

/// The submit summary for browsers without JavaScript (the hydrated exam page shows the
/// same summary in place).
#[component]
pub fn SubmitPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let attempt = Resource::new(id, view_attempt);
    let submit = ServerAction::<SubmitAttempt>::new();
    let error = action_error(submit);
    Effect::new(move |_| {
        if submit.value().get().is_some_and(|r| r.is_ok()) {
            let nav = leptos_router::hooks::use_navigate();
            nav(&format!("/attempt/{}/done", id()), Default::default());
        }
    });
    view! {
        <main id="main" class="page">
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || attempt.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(v) => {
                        let all = locals(&v);
                        let unanswered = all.iter().filter(|l| !answered(l)).count();
                        let flagged = all.iter().filter(|l| l.flagged).count();
                        let back = format!("/attempt/{}", v.id);
                        let attempt_id = v.id.to_string();
                        view! {
                            <h1>{tr(Msg::SubmitConfirmTitle)}</h1>
                            <p>{v.exam_title.clone()}</p>
                            <dl class="facts">
                                <div><dt>{tr(Msg::UnansweredCount)}</dt><dd>{unanswered}</dd></div>
                                <div><dt>{tr(Msg::FlaggedCount)}</dt><dd>{flagged}</dd></div>
                            </dl>
                            <ErrorNotice error />
                            <ActionForm action=submit>
                                <input type="hidden" name="attempt_id" value=attempt_id />
                                <button type="submit" class="danger">{tr(Msg::ConfirmSubmit)}</button>
                                " "
                                <a class="button secondary" href=back>{tr(Msg::ReturnToExam)}</a>
                            </ActionForm>
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn AttemptDonePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let attempt = Resource::new(id, view_attempt);
    view! {
        <main id="main" class="page">
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || attempt.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(v) if v.status == AttemptStatus::Open => {
                        let back = format!("/attempt/{}", v.id);
                        view! {
                            <h1>{v.exam_title.clone()}</h1>
                            <p><a class="button" href=back>{tr(Msg::ResumeAttempt)}</a></p>
                        }.into_any()
                    }
                    Ok(v) => view! {
                        <h1>{tr(Msg::SubmittedTitle)}</h1>
                        <p role="status">{tr(Msg::SubmittedText)}</p>
                        <dl class="facts">
                            <div><dt>{tr(Msg::ExamTitleLabel)}</dt><dd>{v.exam_title.clone()}</dd></div>
                            <div><dt>{tr(Msg::SittingNameLabel)}</dt><dd>{v.sitting_name.clone()}</dd></div>
                            <div><dt>{tr(Msg::SubmittedAtLabel)}</dt><dd>{v.submitted_at.map(|t| t.display_cst()).unwrap_or_default()}</dd></div>
                            <div><dt>{tr(Msg::ResultLabel)}</dt><dd class="result">{result_line(v.result)}</dd></div>
                        </dl>
                        <p><a href="/">{tr(Msg::NavHome)}</a></p>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The landing page's running attempts (to resume) and finished ones (with the result
/// when the exam's policy shows it).
#[component]
pub fn CandidateAttempts() -> impl IntoView {
    let mine = Resource::new(|| (), |_| get_my_attempts());
    view! {
        <Suspense fallback=|| ()>
            {move || mine.get().and_then(|r| r.ok()).map(|m| view! {
                {(!m.open.is_empty()).then(|| view! {
                    <section aria-labelledby="running-h">
                        <h2 id="running-h">{tr(Msg::ExamInProgress)}</h2>
                        <ul class="sitting-cards">
                            {m.open.iter().map(|o| {
                                let href = format!("/attempt/{}", o.attempt);
                                view! {
                                    <li class="sitting-card">
                                        <h3>{o.exam_title.clone()}</h3>
                                        <p>{o.sitting_name.clone()}" · "{tr(Msg::SubmitBy)}" "{o.deadline.display_cst()}</p>
                                        <p><a class="button" href=href>{tr(Msg::ResumeAttempt)}</a></p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {(!m.past.is_empty()).then(|| view! {
                    <section aria-labelledby="past-h">
                        <h2 id="past-h">{tr(Msg::PastResults)}</h2>
                        <ul class="past-results">
                            {m.past.iter().map(|p| view! {
                                <li>
                                    <strong>{p.exam_title.clone()}</strong>" · "{p.sitting_name.clone()}" · "
                                    {p.submitted_at.display_cst()}" · "{result_line(p.result)}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
            })}
        </Suspense>
    }
}
