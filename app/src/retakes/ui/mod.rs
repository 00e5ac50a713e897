//! Pages of retakes: the organizer's overview of an exam's chain (counts, every
//! candidate's status, one click to schedule a retake sitting for everyone awaiting one)
//! and the candidate's own retakes on the landing page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::{Lang, Msg};
use crate::retakes::domain::Outcome;
use crate::time::format_local_datetime;
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::api::{load_retake_overview, my_retakes, CreateRetakeSitting};
use super::model::{ChainStatus, RetakeOverview};

pub(crate) fn outcome_msg(o: Outcome) -> Msg {
    match o {
        Outcome::Passed => Msg::OutcomePassed,
        Outcome::Failed => Msg::OutcomeFailed,
        Outcome::Absent => Msg::OutcomeAbsent,
        Outcome::Voided => Msg::OutcomeVoided,
    }
}

fn status_msg(s: ChainStatus) -> Msg {
    match s {
        ChainStatus::PassedFirst => Msg::ChainPassedFirst,
        ChainStatus::PassedOnRetake => Msg::ChainPassedOnRetake,
        ChainStatus::RetakeAssigned => Msg::ChainRetakeAssigned,
        ChainStatus::AwaitingSitting => Msg::ChainAwaiting,
        ChainStatus::Escalated => Msg::ChainEscalated,
        ChainStatus::NoAction => Msg::ChainNoAction,
    }
}

#[component]
pub fn RetakesPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let exam = move || params.with(|p| p.get("id").unwrap_or_default());
    let filter = move || query.with(|q| q.get("status").and_then(|s| ChainStatus::from_key(&s)));
    let create = ServerAction::<CreateRetakeSitting>::new();
    let overview = Resource::new(
        move || (exam(), create.version().get()),
        |(e, _)| load_retake_overview(e),
    );
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::RetakesTitle)}</h1>
            <p class="hint">{tr(Msg::RetakesHint)}</p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || overview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(o) => view! { <Overview o filter=filter() create /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Overview(
    o: RetakeOverview,
    filter: Option<ChainStatus>,
    create: ServerAction<CreateRetakeSitting>,
) -> impl IntoView {
    let lang = use_lang();
    let exam_href = format!("/organize/exams/{}", o.exam_id);
    let counts = [
        (Msg::RetakesQualified, o.qualified, None),
        (
            Msg::ChainRetakeAssigned,
            o.assigned,
            Some(ChainStatus::RetakeAssigned),
        ),
        (
            Msg::ChainAwaiting,
            o.awaiting,
            Some(ChainStatus::AwaitingSitting),
        ),
        (
            Msg::ChainPassedOnRetake,
            o.passed_on_retake,
            Some(ChainStatus::PassedOnRetake),
        ),
        (
            Msg::ChainEscalated,
            o.escalated,
            Some(ChainStatus::Escalated),
        ),
    ];
    let rows: Vec<_> = o
        .rows
        .iter()
        .filter(|r| filter.is_none_or(|f| f == r.status))
        .cloned()
        .collect();
    let awaiting = o.awaiting;
    let exam_id = o.exam_id.to_string();
    let suggested = o
        .awaiting_not_before
        .map(|t| format_local_datetime(t.plus_secs(3600)))
        .unwrap_or_default();
    view! {
        <p class="toolbar">
            <a href=exam_href>{o.exam_title.clone()}</a>
            " · "{move || Msg::RetakesClosedSittings.text(lang.get()).replace("{n}", &o.closed_sittings.to_string())}
        </p>
        <ul class="stat-cards" aria-label=tr(Msg::RetakesSummary)>
            {counts.into_iter().map(|(msg, n, status)| {
                let body = view! { <span class="stat-n">{n}</span><span class="stat-l">{tr(msg)}</span> };
                match status {
                    Some(s) => view! { <li><a href=format!("?status={}", s.key())>{body}</a></li> }.into_any(),
                    None => view! { <li><a href="?">{body}</a></li> }.into_any(),
                }
            }).collect_view()}
        </ul>
        {(awaiting > 0).then(|| view! {
            <section class="panel" aria-labelledby="await-h">
                <h2 id="await-h">{move || Msg::RetakesAwaitingHeading.text(lang.get()).replace("{n}", &awaiting.to_string())}</h2>
                <p class="hint">{tr(Msg::RetakesCreateHint)}</p>
                <ErrorNotice error=action_error(create) />
                <ActionForm action=create>
                    <input type="hidden" name="exam_id" value=exam_id.clone() />
                    <div class="field">
                        <label for="retake-start">{tr(Msg::RetakesStartLabel)}</label>
                        <input id="retake-start" name="window_start" type="datetime-local" required value=suggested.clone() />
                    </div>
                    <div class="field">
                        <label for="retake-location">{tr(Msg::SittingLocation)}</label>
                        <input id="retake-location" name="location" type="text" maxlength="200" />
                    </div>
                    <button type="submit">{tr(Msg::RetakesCreateButton)}</button>
                </ActionForm>
            </section>
        })}
        {if rows.is_empty() {
            view! { <p class="empty">{tr(Msg::RetakesNone)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="grid">
                        <thead><tr>
                            <th scope="col">{tr(Msg::DisplayName)}</th>
                            <th scope="col">{tr(Msg::Unit)}</th>
                            <th scope="col">{tr(Msg::RetakesResults)}</th>
                            <th scope="col">{tr(Msg::Status)}</th>
                            <th scope="col">{tr(Msg::RetakesSitting)}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let outcomes = r.outcomes.clone();
                                let sitting = r.sitting.clone().map(|(id, name, start)| view! {
                                    <a href=format!("/organize/sittings/{id}")>{name}</a>" "{crate::sittings::ui::local_time(start)}
                                });
                                let not_before = r.not_before;
                                let warn = r.paper_warning;
                                view! {
                                    <tr>
                                        <th scope="row">{r.display_name.clone()}" ("{r.login.clone()}")"</th>
                                        <td>{r.unit_name.clone()}</td>
                                        <td>{move || outcomes.iter().map(|o| outcome_msg(*o).text(lang.get())).collect::<Vec<_>>().join(" → ")}</td>
                                        <td>{move || status_msg(r.status).text(lang.get())}</td>
                                        <td>
                                            {sitting}
                                            {(r.sitting.is_none()).then(|| not_before.map(|t| view! {
                                                <span class="hint">{move || Msg::RetakesNotBefore.text(lang.get()).replace("{t}", &crate::sittings::ui::local_time(t))}</span>
                                            }))}
                                            {warn.then(|| view! { " "<span class="tag warn">{tr(Msg::RetakesPaperWarning)}</span> })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// The candidate's open retakes: where and when, or that the sitting is still to come.
#[component]
pub fn MyRetakes() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_retakes());
    let lang = use_lang();
    view! {
        <Suspense fallback=|| ()>
            {move || list.get().and_then(|r| r.ok()).filter(|l| !l.is_empty()).map(|l| view! {
                <section aria-labelledby="retakes-h" class="panel">
                    <h2 id="retakes-h">{tr(Msg::MyRetakesTitle)}</h2>
                    <ul>
                        {l.into_iter().map(|r| {
                            let text = move |lang: Lang| match (&r.sitting_name, r.window) {
                                (Some(name), Some((s, e))) => Msg::MyRetakePlaced
                                    .text(lang)
                                    .replace("{exam}", &r.exam_title)
                                    .replace("{n}", &r.round.to_string())
                                    .replace("{sitting}", name)
                                    .replace("{when}", &crate::sittings::ui::window_text(s, e))
                                    .replace("{where}", r.location.as_deref().filter(|l| !l.is_empty()).unwrap_or("—")),
                                _ => Msg::MyRetakeAwaiting
                                    .text(lang)
                                    .replace("{exam}", &r.exam_title)
                                    .replace("{n}", &r.round.to_string()),
                            };
                            view! { <li>{move || text(lang.get())}</li> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </Suspense>
    }
}
