//! Pages of escalation cases: the list with filters (exam, unit, state, overdue) and one
//! case with its workflow actions and printable dossier.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::{Lang, Msg};
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::api::{get_case, list_cases, CloseCase, RecordInterview, ScheduleInterview};
use super::model::{CaseDetail, CaseKind, CaseOutcome, CaseReasons, CaseState, CaseSummary};

pub(crate) fn state_msg(s: CaseState) -> Msg {
    match s {
        CaseState::Open => Msg::CaseStateOpen,
        CaseState::Scheduled => Msg::CaseStateScheduled,
        CaseState::Interviewed => Msg::CaseStateInterviewed,
        CaseState::Closed => Msg::CaseStateClosed,
    }
}

fn outcome_msg(o: CaseOutcome) -> Msg {
    match o {
        CaseOutcome::Cleared => Msg::CaseOutcomeCleared,
        CaseOutcome::Retraining => Msg::CaseOutcomeRetraining,
        CaseOutcome::Retest => Msg::CaseOutcomeRetest,
        CaseOutcome::Referred => Msg::CaseOutcomeReferred,
        CaseOutcome::Withdrawn => Msg::CaseOutcomeWithdrawn,
    }
}

fn reasons_text(r: &CaseReasons, lang: Lang) -> String {
    match r {
        CaseReasons::Person { failed_rounds } => Msg::CaseReasonPerson
            .text(lang)
            .replace("{n}", &failed_rounds.to_string()),
        CaseReasons::Unit {
            candidates,
            passed,
            absent,
            open_cases,
            rank_from_bottom,
        } => {
            let pct = if *candidates == 0 {
                0
            } else {
                (u64::from(*passed) * 100 / u64::from(*candidates)) as u32
            };
            Msg::CaseReasonUnit
                .text(lang)
                .replace("{rank}", &rank_from_bottom.to_string())
                .replace("{pct}", &pct.to_string())
                .replace("{p}", &passed.to_string())
                .replace("{c}", &candidates.to_string())
                .replace("{a}", &absent.to_string())
                .replace("{o}", &open_cases.to_string())
        }
    }
}

fn subject(c: &CaseSummary) -> String {
    match &c.candidate {
        Some((_, login, name)) => format!("{name} ({login})"),
        None => c.unit_name.clone(),
    }
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.with(|m| m.get(k).unwrap_or_default());
    let cases = Resource::new(
        move || (q("exam"), q("unit"), q("state"), q("overdue")),
        |(e, u, s, o)| list_cases(e, u, s, Some(o)),
    );
    let lang = use_lang();
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::CasesTitle)}</h1>
            <p class="hint">{tr(Msg::CasesHint)}</p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || cases.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => {
                        let (cur_e, cur_u, cur_s, cur_o) = (q("exam"), q("unit"), q("state"), !q("overdue").is_empty());
                        view! {
                            <Form method="GET" action="" attr:class="filters">
                                <div class="field">
                                    <label for="f-exam">{tr(Msg::ExamTitleLabel)}</label>
                                    <select id="f-exam" name="exam">
                                        <option value="">{tr(Msg::FilterAny)}</option>
                                        {list.exams.iter().map(|(id, t)| {
                                            let id = id.to_string();
                                            view! { <option value=id.clone() selected=id == cur_e>{t.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-unit">{tr(Msg::Unit)}</label>
                                    <select id="f-unit" name="unit">
                                        <option value="">{tr(Msg::FilterAny)}</option>
                                        {list.units.iter().map(|(id, t)| {
                                            let id = id.to_string();
                                            view! { <option value=id.clone() selected=id == cur_u>{t.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for="f-state">{tr(Msg::Status)}</label>
                                    <select id="f-state" name="state">
                                        <option value="">{tr(Msg::FilterAny)}</option>
                                        {CaseState::ALL.into_iter().map(|s| view! {
                                            <option value=s.key() selected=s.key() == cur_s>{move || state_msg(s).text(lang.get())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <label class="check" for="f-overdue">
                                    <input id="f-overdue" type="checkbox" name="overdue" value="1" checked=cur_o />
                                    {tr(Msg::CasesOverdueOnly)}
                                </label>
                                <button type="submit" class="secondary">{tr(Msg::Filter)}</button>
                            </Form>
                            {if list.cases.is_empty() {
                                view! { <p class="empty">{tr(Msg::CasesNone)}</p> }.into_any()
                            } else {
                                view! { <CaseTable cases=list.cases /> }.into_any()
                            }}
                        }.into_any()
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn CaseTable(cases: Vec<CaseSummary>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead><tr>
                    <th scope="col">{tr(Msg::CaseSubject)}</th>
                    <th scope="col">{tr(Msg::ExamTitleLabel)}</th>
                    <th scope="col">{tr(Msg::Unit)}</th>
                    <th scope="col">{tr(Msg::CaseInterviewer)}</th>
                    <th scope="col">{tr(Msg::Status)}</th>
                    <th scope="col">{tr(Msg::CaseDue)}</th>
                </tr></thead>
                <tbody>
                    {cases.into_iter().map(|c| {
                        let href = format!("/cases/{}", c.id);
                        let state = c.state;
                        let overdue = c.overdue;
                        let unit_case = c.kind == CaseKind::Unit;
                        view! {
                            <tr class:overdue=overdue>
                                <th scope="row">
                                    <a href=href>{subject(&c)}</a>
                                    {unit_case.then(|| view! { " "<span class="tag">{tr(Msg::CaseKindUnit)}</span> })}
                                </th>
                                <td>{c.exam_title.clone()}</td>
                                <td>{c.unit_name.clone()}</td>
                                <td>{c.interviewer.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{move || state_msg(state).text(lang.get())}</td>
                                <td>
                                    {crate::sittings::ui::local_time(c.due_at)}
                                    {overdue.then(|| view! { " "<span class="badge overdue">{tr(Msg::CaseOverdue)}</span> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let schedule = ServerAction::<ScheduleInterview>::new();
    let record = ServerAction::<RecordInterview>::new();
    let close = ServerAction::<CloseCase>::new();
    let case = Resource::new(
        move || {
            (
                id(),
                schedule.version().get(),
                record.version().get(),
                close.version().get(),
            )
        },
        |(i, _, _, _)| get_case(i),
    );
    view! {
        <main id="main" class="page case">
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || case.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(d) => view! { <CaseView d schedule record close /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn CaseView(
    d: CaseDetail,
    schedule: ServerAction<ScheduleInterview>,
    record: ServerAction<RecordInterview>,
    close: ServerAction<CloseCase>,
) -> impl IntoView {
    let lang = use_lang();
    let s = d.summary.clone();
    let id = s.id.to_string();
    let state = s.state;
    let reasons = d.reasons.clone();
    let title = subject(&s);
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! {
        <h1>{tr(Msg::CaseTitle)}": "{title}</h1>
        <p class="toolbar no-print">
            <a href="/cases">{tr(Msg::CasesTitle)}</a>
            <button type="button" class="secondary" on:click=print>{tr(Msg::Print)}</button>
        </p>
        <dl class="facts">
            <div><dt>{tr(Msg::ExamTitleLabel)}</dt><dd>{s.exam_title.clone()}</dd></div>
            <div><dt>{tr(Msg::Unit)}</dt><dd>{s.unit_name.clone()}</dd></div>
            <div><dt>{tr(Msg::Status)}</dt><dd>
                {move || state_msg(state).text(lang.get())}
                {s.overdue.then(|| view! { " "<span class="badge overdue">{tr(Msg::CaseOverdue)}</span> })}
            </dd></div>
            <div><dt>{tr(Msg::CaseReasons)}</dt><dd>{move || reasons_text(&reasons, lang.get())}</dd></div>
            <div><dt>{tr(Msg::CaseInterviewer)}</dt><dd>{s.interviewer.clone().unwrap_or_else(|| "—".to_owned())}</dd></div>
            <div><dt>{tr(Msg::CaseOpened)}</dt><dd>{crate::sittings::ui::local_time(s.opened_at)}</dd></div>
            <div><dt>{tr(Msg::CaseDue)}</dt><dd>{crate::sittings::ui::local_time(s.due_at)}</dd></div>
            {s.interview_at.map(|t| view! {
                <div><dt>{tr(Msg::CaseInterviewAt)}</dt><dd>{crate::sittings::ui::local_time(t)}" · "{d.place.clone().unwrap_or_default()}</dd></div>
            })}
            {d.outcome.map(|o| view! {
                <div><dt>{tr(Msg::CaseOutcomeLabel)}</dt><dd>{move || outcome_msg(o).text(lang.get())}</dd></div>
            })}
            {d.notes.clone().map(|n| view! {
                <div><dt>{tr(Msg::CaseNotes)}</dt><dd class="pre">{n}</dd></div>
            })}
        </dl>
        {(d.can_act && state != CaseState::Closed).then(|| view! { <Actions id=id.clone() state schedule record close /> })}
        <Dossier d=d.clone() />
        <section aria-labelledby="trail-h">
            <h2 id="trail-h">{tr(Msg::CaseTrail)}</h2>
            <ol class="trail">
                {d.events.iter().map(|e| {
                    let action = e.action.clone();
                    view! {
                        <li>
                            {crate::sittings::ui::local_time(e.at)}" · "{e.actor.clone()}" · "
                            {move || case_action_text(&action, lang.get())}
                            {(!e.detail.is_empty()).then(|| {
                                let detail = e.detail.clone();
                                // An interview's detail is its outcome, shown translated.
                                move || match CaseOutcome::from_key(&detail) {
                                    Some(o) => format!(" — {}", outcome_msg(o).text(lang.get())),
                                    None => format!(" — {detail}"),
                                }
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

fn case_action_text(action: &str, lang: Lang) -> String {
    let msg = match action {
        "opened" => Msg::CaseStateOpen,
        "scheduled" => Msg::CaseStateScheduled,
        "interviewed" => Msg::CaseStateInterviewed,
        "closed" => Msg::CaseStateClosed,
        "withdrawn" => Msg::CaseOutcomeWithdrawn,
        other => return other.to_owned(),
    };
    msg.text(lang).to_owned()
}

#[component]
fn Actions(
    id: String,
    state: CaseState,
    schedule: ServerAction<ScheduleInterview>,
    record: ServerAction<RecordInterview>,
    close: ServerAction<CloseCase>,
) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let typed =
        move |k: &str| query.with_untracked(|q| q.get(&format!("t_{k}")).unwrap_or_default());
    let can_schedule = matches!(state, CaseState::Open | CaseState::Scheduled);
    let default_at = typed("interview_at");
    let (id1, id2, id3) = (id.clone(), id.clone(), id);
    view! {
        <section class="panel no-print" aria-labelledby="act-h">
            <h2 id="act-h">{tr(Msg::CaseActions)}</h2>
            {can_schedule.then(|| view! {
                <ErrorNotice error=action_error(schedule) />
                <ActionForm action=schedule>
                    <input type="hidden" name="id" value=id1.clone() />
                    <div class="field">
                        <label for="case-at">{tr(Msg::CaseInterviewAt)}</label>
                        <input id="case-at" name="interview_at" type="datetime-local" required value=default_at.clone() />
                    </div>
                    <div class="field">
                        <label for="case-place">{tr(Msg::CasePlace)}</label>
                        <input id="case-place" name="place" type="text" maxlength="200" required value=typed("place") />
                    </div>
                    <button type="submit">{tr(Msg::CaseSchedule)}</button>
                </ActionForm>
            })}
            {(state == CaseState::Scheduled).then(|| view! {
                <ErrorNotice error=action_error(record) />
                <ActionForm action=record>
                    <input type="hidden" name="id" value=id2.clone() />
                    <div class="field">
                        <label for="case-notes">{tr(Msg::CaseNotes)}</label>
                        <textarea id="case-notes" name="notes" rows="5" maxlength="5000" required>{typed("notes")}</textarea>
                    </div>
                    <div class="field">
                        <label for="case-outcome">{tr(Msg::CaseOutcomeLabel)}</label>
                        <select id="case-outcome" name="outcome" required>
                            {CaseOutcome::RECORDABLE.into_iter().map(|o| view! {
                                <option value=o.key()>{move || outcome_msg(o).text(lang.get())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit">{tr(Msg::CaseRecord)}</button>
                </ActionForm>
            })}
            {(state == CaseState::Interviewed).then(|| view! {
                <ErrorNotice error=action_error(close) />
                <ActionForm action=close>
                    <input type="hidden" name="id" value=id3.clone() />
                    <p class="hint">{tr(Msg::CaseCloseHint)}</p>
                    <button type="submit">{tr(Msg::CaseClose)}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The candidate's record for the interview: every sitting of the exam with score by
/// category, time used, integrity events, accommodations and regrades.
#[component]
fn Dossier(d: CaseDetail) -> impl IntoView {
    let lang = use_lang();
    if d.rounds.is_empty() {
        return ().into_any();
    }
    view! {
        <section aria-labelledby="dossier-h" class="dossier">
            <h2 id="dossier-h">{tr(Msg::CaseDossier)}</h2>
            {d.rounds.into_iter().map(|r| {
                let outcome = r.outcome;
                let score = match (r.score, r.max) {
                    (Some(s), Some(m)) => format!("{s} / {m}"),
                    _ => "—".to_owned(),
                };
                let used = r.time_used_secs.map(|s| format!("{}:{:02}", s / 60, s % 60)).unwrap_or_else(|| "—".to_owned());
                let acc = r.accommodation.clone();
                view! {
                    <article class="round">
                        <h3>
                            {r.sitting_name.clone()}
                            {r.is_retake.then(|| view! { " "<span class="tag">{tr(Msg::RetakeTag)}</span> })}
                        </h3>
                        <dl class="facts">
                            <div><dt>{tr(Msg::SittingWindowCst)}</dt><dd>{crate::sittings::ui::local_time(r.window_start)}</dd></div>
                            <div><dt>{tr(Msg::RetakesResults)}</dt><dd>{move || outcome.map(|o| crate::retakes::ui::outcome_msg(o).text(lang.get())).unwrap_or("—")}</dd></div>
                            <div><dt>{tr(Msg::CaseScore)}</dt><dd>{score}</dd></div>
                            <div><dt>{tr(Msg::CaseTimeUsed)}</dt><dd>{used}</dd></div>
                            {acc.map(|a| view! {
                                <div><dt>{tr(Msg::CaseAccommodation)}</dt><dd>{format!("+{} min +{}% {}", a.extra_minutes, a.extra_percent, a.reason)}</dd></div>
                            })}
                            {(r.regraded > 0).then(|| view! {
                                <div><dt>{tr(Msg::CaseRegraded)}</dt><dd>{r.regraded}</dd></div>
                            })}
                        </dl>
                        {(!r.categories.is_empty()).then(|| view! {
                            <table class="grid compact">
                                <thead><tr><th scope="col">{tr(Msg::CaseCategory)}</th><th scope="col">{tr(Msg::CaseScore)}</th></tr></thead>
                                <tbody>
                                    {r.categories.iter().map(|c| view! {
                                        <tr>
                                            <th scope="row">{if c.category.is_empty() { "—".to_owned() } else { c.category.replace('/', " / ") }}</th>
                                            <td class="num">{format!("{} / {}", c.got, c.max)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                        {(!r.events.is_empty()).then(|| view! {
                            <p>{tr(Msg::CaseEvents)}": "{r.events.iter().map(|(k, n)| format!("{k} × {n}")).collect::<Vec<_>>().join("，")}</p>
                        })}
                    </article>
                }
            }).collect_view()}
            {(!d.regrades.is_empty()).then(|| view! {
                <h3>{tr(Msg::CaseRegrades)}</h3>
                <ul>
                    {d.regrades.iter().map(|(at, mode, reason)| view! {
                        <li>{crate::sittings::ui::local_time(*at)}" · "{mode.clone()}" · "{reason.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}
