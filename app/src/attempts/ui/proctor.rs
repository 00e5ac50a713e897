//! The invigilator's view of one sitting: who has started, progress, last save,
//! deadlines and integrity events, with the actions that need a reason (extend time for
//! one candidate or everyone, unlock a device, reopen an attempt submitted by mistake).
//! Every action is a plain form as well, so the page works without JavaScript; with it,
//! the view refreshes every 10 seconds and after every successful action.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::Msg;
use crate::time::Timestamp;
use crate::ui::{action_error, successes, tr, use_lang, ErrorNotice};

use super::super::api::{get_proctor_view, ExtendTime, ReopenAttempt, UnlockAttempt, VoidAttempt};
use super::super::model::{AttemptStatus, ProctorRow};

/// The translated name of an integrity event or invigilator action.
pub(super) fn event_label(kind: &str) -> Option<Msg> {
    Some(match kind {
        "tab_hidden" => Msg::EventTabHidden,
        "window_blur" => Msg::EventWindowBlur,
        "fullscreen_exit" => Msg::EventFullscreenExit,
        "copy" => Msg::EventCopy,
        "paste" => Msg::EventPaste,
        "second_session_refused" => Msg::EventSecondSession,
        "unlocked" => Msg::EventUnlocked,
        "time_extended" => Msg::EventExtended,
        "reopened" => Msg::EventReopened,
        "voided" => Msg::EventVoided,
        _ => return None,
    })
}

fn time_or_dash(t: Option<Timestamp>) -> String {
    t.map(|t| t.display_cst()).unwrap_or_else(|| "—".to_owned())
}

#[component]
pub fn ProctorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let extend = ServerAction::<ExtendTime>::new();
    let unlock = ServerAction::<UnlockAttempt>::new();
    let reopen = ServerAction::<ReopenAttempt>::new();
    let void = ServerAction::<VoidAttempt>::new();
    let tick = RwSignal::new(0u32);
    let (a, b, c, v) = (
        successes(extend),
        successes(unlock),
        successes(reopen),
        successes(void),
    );
    let data = Resource::new(
        move || (id(), a.get(), b.get(), c.get(), v.get(), tick.get()),
        |(id, ..)| get_proctor_view(id),
    );
    #[cfg(feature = "hydrate")]
    if let Ok(h) = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(10),
    ) {
        on_cleanup(move || h.clear());
    }
    let lang = use_lang();
    let errors = [
        action_error(extend),
        action_error(unlock),
        action_error(reopen),
        action_error(void),
    ];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let typed =
        move |k: &str| query.with_untracked(|q| q.get(&format!("t_{k}")).unwrap_or_default());
    let saved = move || {
        query.with(|q| q.get("saved").is_some()) || a.get() + b.get() + c.get() + v.get() > 0
    };
    view! {
        <main id="main" class="page">
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(v) => {
                        let sitting_id = v.sitting_id.to_string();
                        let back = format!("/organize/sittings/{}", v.sitting_id);
                        let refresh = format!("/organize/sittings/{}/invigilate", v.sitting_id);
                        let window = crate::sittings::ui::window_text(v.window_start, v.window_end);
                        let started = v.rows.iter().filter(|r| r.attempt.is_some()).count();
                        let total = v.rows.len();
                        let rows = v.rows.clone();
                        let row_sitting = sitting_id.clone();
                        let events = v.events.clone();
                        view! {
                            <h1>{tr(Msg::Invigilate)}": "{v.exam_title.clone()}" · "{v.sitting_name.clone()}</h1>
                            <p class="toolbar">
                                <span>{window}</span>" "
                                <span>{move || format!("{} {started}/{total}", Msg::InProgress.text(lang.get()))}</span>" "
                                <a class="button secondary" href=refresh>{tr(Msg::Refresh)}</a>" "
                                <a href=back>{tr(Msg::BackToSitting)}</a>
                            </p>
                            <ErrorNotice error />
                            {move || saved().then(|| view! { <p class="notice ok" role="status">{tr(Msg::SavedAt)}</p> })}
                            <section aria-labelledby="extend-all-h">
                                <h2 id="extend-all-h">{tr(Msg::ExtendAll)}</h2>
                                <ActionForm action=extend attr:class="inline-action">
                                    <input type="hidden" name="sitting_id" value=sitting_id.clone() />
                                    <input type="hidden" name="user_id" value="" />
                                    <label for="all-minutes">{tr(Msg::MinutesLabel)}</label>
                                    <input id="all-minutes" name="minutes" type="number" min="1" max="240" required=true value=typed("minutes") />
                                    <label for="all-reason">{tr(Msg::ReasonLabel)}</label>
                                    <input id="all-reason" name="reason" maxlength="200" required=true value=typed("reason") />
                                    <button type="submit">{tr(Msg::ExtendAll)}</button>
                                </ActionForm>
                            </section>
                            <div class="table-wrap">
                                <table class="grid proctor">
                                    <caption>{tr(Msg::Invigilate)}</caption>
                                    <thead><tr>
                                        <th scope="col">{tr(Msg::CandidateLabel)}</th>
                                        <th scope="col">{tr(Msg::StatusLabel)}</th>
                                        <th scope="col">{tr(Msg::ProgressLabel)}</th>
                                        <th scope="col">{tr(Msg::LastSaveLabel)}</th>
                                        <th scope="col">{tr(Msg::DeadlineLabel)}</th>
                                        <th scope="col">{tr(Msg::EventsLabel)}</th>
                                        <th scope="col">{tr(Msg::ResultLabel)}</th>
                                        <th scope="col">{tr(Msg::ActionsLabel)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| view! { <Row row=r sitting_id=row_sitting.clone() extend unlock reopen void /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <section aria-labelledby="events-h">
                                <h2 id="events-h">{tr(Msg::EventsLabel)}</h2>
                                <p class="hint">{tr(Msg::EventsAdvisory)}</p>
                                <ul class="events">
                                    {events.into_iter().map(|e| {
                                        let kind = e.kind.clone();
                                        view! {
                                            <li>
                                                {e.at.display_cst()}" · "{e.display_name.clone()}" ("{e.login.clone()}") · "
                                                {move || event_label(&kind).map(|m| m.text(lang.get()).to_owned()).unwrap_or_else(|| kind.clone())}
                                                {(!e.detail.is_empty()).then(|| format!(" · {}", e.detail))}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }.into_any()
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Row(
    row: ProctorRow,
    sitting_id: String,
    extend: ServerAction<ExtendTime>,
    unlock: ServerAction<UnlockAttempt>,
    reopen: ServerAction<ReopenAttempt>,
    void: ServerAction<VoidAttempt>,
) -> impl IntoView {
    let lang = use_lang();
    let r = row;
    let status = match r.status {
        None => Msg::NotStarted,
        Some(AttemptStatus::Open) => Msg::InProgress,
        Some(AttemptStatus::Submitted) => Msg::SubmittedTitle,
    };
    let who = format!("{} ({})", r.display_name, r.login);
    let result = match (r.score, r.passed) {
        (Some(s), Some(p)) => format!(
            "{s} · {}",
            if p {
                Msg::ResultPassed.text(lang.get_untracked())
            } else {
                Msg::ResultFailed.text(lang.get_untracked())
            }
        ),
        _ => "—".to_owned(),
    };
    let attempt = r.attempt.map(|a| a.to_string()).unwrap_or_default();
    let user = r.user_id.to_string();
    let open = r.status == Some(AttemptStatus::Open);
    let submitted = r.status == Some(AttemptStatus::Submitted);
    let key = r.login.clone();
    let label = |m: Msg| format!("{}：{who}", m.text(lang.get_untracked()));
    let (ext_label, unl_label, reo_label, void_label) = (
        label(Msg::ExtendTime),
        label(Msg::UnlockDevice),
        label(Msg::ReopenAttempt),
        label(Msg::VoidAttempt),
    );
    let reopen_attempt = attempt.clone();
    let void_attempt = attempt.clone();
    let voided = r.voided;
    view! {
        <tr>
            <th scope="row">{who}<br /><small>{r.unit_name.clone()}</small></th>
            <td>{move || status.text(lang.get())}{r.unlocked.then(|| view! { <br /><small>{tr(Msg::UnlockedNote)}</small> })}</td>
            <td>{format!("{}/{}", r.answered, r.total)}</td>
            <td>{time_or_dash(r.last_save_at)}</td>
            <td>{time_or_dash(r.deadline)}</td>
            <td>{r.events}</td>
            <td>{result}{voided.then(|| view! { <br /><span class="tag warn">{tr(Msg::OutcomeVoided)}</span> })}</td>
            <td class="actions">
                {open.then(|| {
                    let (m, rs, ur) = (format!("ext-m-{key}"), format!("ext-r-{key}"), format!("unl-r-{key}"));
                    view! {
                        <ActionForm action=extend attr:class="inline-action">
                            <input type="hidden" name="sitting_id" value=sitting_id.clone() />
                            <input type="hidden" name="user_id" value=user.clone() />
                            <label for=m.clone()>{tr(Msg::MinutesLabel)}</label>
                            <input id=m name="minutes" type="number" min="1" max="240" required=true size="4" />
                            <label for=rs.clone()>{tr(Msg::ReasonLabel)}</label>
                            <input id=rs name="reason" maxlength="200" required=true />
                            <button type="submit" aria-label=ext_label>{tr(Msg::ExtendTime)}</button>
                        </ActionForm>
                        <ActionForm action=unlock attr:class="inline-action">
                            <input type="hidden" name="attempt_id" value=attempt.clone() />
                            <label for=ur.clone()>{tr(Msg::ReasonLabel)}</label>
                            <input id=ur name="reason" maxlength="200" required=true />
                            <button type="submit" aria-label=unl_label>{tr(Msg::UnlockDevice)}</button>
                        </ActionForm>
                    }
                })}
                {submitted.then(|| {
                    let (m, rs) = (format!("reo-m-{key}"), format!("reo-r-{key}"));
                    view! {
                        <ActionForm action=reopen attr:class="inline-action">
                            <input type="hidden" name="attempt_id" value=reopen_attempt.clone() />
                            <label for=m.clone()>{tr(Msg::MinutesLabel)}</label>
                            <input id=m name="minutes" type="number" min="1" max="240" required=true size="4" />
                            <label for=rs.clone()>{tr(Msg::ReasonLabel)}</label>
                            <input id=rs name="reason" maxlength="200" required=true />
                            <button type="submit" class="secondary" aria-label=reo_label>{tr(Msg::ReopenAttempt)}</button>
                        </ActionForm>
                    }
                })}
                {(submitted && !voided).then(|| {
                    let vr = format!("void-r-{key}");
                    view! {
                        <ActionForm action=void attr:class="inline-action">
                            <input type="hidden" name="attempt_id" value=void_attempt.clone() />
                            <label for=vr.clone()>{tr(Msg::ReasonLabel)}</label>
                            <input id=vr name="reason" maxlength="200" required=true />
                            <button type="submit" class="secondary" aria-label=void_label>{tr(Msg::VoidAttempt)}</button>
                        </ActionForm>
                    }
                })}
            </td>
        </tr>
    }
}
