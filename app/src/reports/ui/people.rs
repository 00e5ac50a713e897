//! The sitting report (figures and roster) and one candidate's history across exams.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::i18n::Msg;
use crate::sittings::ui::local_time;
use crate::ui::{tr, ErrorNotice};

use super::super::api::{load_person_report, load_sitting_report};
use super::super::model::{PersonReport, SeatStatus, SittingReport};
use super::units::PersonTable;
use super::{pct, points, score_text, yes_no, ExportLinks, Histogram};

fn status_msg(s: SeatStatus) -> Msg {
    match s {
        SeatStatus::NotStarted => Msg::SeatNotStarted,
        SeatStatus::InProgress => Msg::SeatInProgress,
        SeatStatus::Submitted => Msg::SeatSubmitted,
        SeatStatus::Absent => Msg::SeatAbsent,
        SeatStatus::Voided => Msg::SeatVoided,
    }
}

fn minutes(secs: Option<i64>) -> String {
    secs.map(|s| format!("{}:{:02}", s / 60, s % 60))
        .unwrap_or_else(|| "—".into())
}

#[component]
pub fn SittingReportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let report = Resource::new(id, load_sitting_report);
    view! {
        <main id="main" class="page report">
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(r) => view! { <Sitting r /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Sitting(r: SittingReport) -> impl IntoView {
    let exam_href = format!("/organize/exams/{}/report", r.exam_id);
    let query = format!("id={}", r.sitting_id);
    let stats = [
        (Msg::ReportCandidates, r.candidates.to_string()),
        (Msg::ReportStarted, r.started.to_string()),
        (Msg::ReportSubmitted, r.submitted.to_string()),
        (Msg::SeatAbsent, r.absent.to_string()),
        (Msg::ReportPassRate, pct(r.passed, r.submitted)),
    ];
    let summary = r.summary.map(|(mean, median, sd, min, max)| {
        [
            (Msg::ReportMean, points(mean)),
            (Msg::ReportMedian, points(median)),
            (Msg::ReportStdDev, points(sd)),
            (Msg::ReportMin, points(f64::from(min))),
            (Msg::ReportMax, points(f64::from(max))),
        ]
    });
    view! {
        <h1>{tr(Msg::ReportSittingTitle)}": "{r.name.clone()}</h1>
        <p>
            <a href=exam_href>{r.exam_title.clone()}</a>" · "{local_time(r.window_start)}
            {r.is_retake.then(|| view! { " "<span class="badge">{tr(Msg::ReportRetake)}</span> })}
        </p>
        <p class="toolbar no-print"><ExportLinks kind="sitting" query /></p>
        <dl class="stats">
            {stats.into_iter().map(|(m, v)| view! { <div><dt>{tr(m)}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
        {summary.map(|list| view! {
            <dl class="facts">
                {list.into_iter().map(|(m, v)| view! { <div><dt>{tr(m)}</dt><dd>{v}</dd></div> }).collect_view()}
            </dl>
            <Histogram bins=r.histogram.clone() max_points=r.max_points />
        })}
        <section aria-labelledby="roster-h">
            <h2 id="roster-h">{tr(Msg::ReportRoster)}</h2>
            <table class="report-table">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::DisplayName)}</th>
                        <th scope="col">{tr(Msg::ReportUnit)}</th>
                        <th scope="col">{tr(Msg::ReportStatus)}</th>
                        <th scope="col">{tr(Msg::ReportScore)}</th>
                        <th scope="col">{tr(Msg::ReportPassed)}</th>
                        <th scope="col">{tr(Msg::CaseTimeUsed)}</th>
                        <th scope="col">{tr(Msg::ReportIntegrity)}</th>
                    </tr>
                </thead>
                <tbody>
                    {r.roster.into_iter().map(|p| view! {
                        <tr>
                            <th scope="row"><a href=format!("/reports/people/{}", p.user_id)>{p.display_name}</a>" "<span class="hint">{p.login}</span></th>
                            <td>{p.unit_name}</td>
                            <td>{tr(status_msg(p.status))}</td>
                            <td>{score_text(p.score, p.max_points)}</td>
                            <td>{p.passed.map(|b| tr(yes_no(b)))}</td>
                            <td>{minutes(p.time_used_secs)}</td>
                            <td>{p.integrity_events}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn PersonReportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let report = Resource::new(id, load_person_report);
    view! {
        <main id="main" class="page report">
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(r) => view! { <Person r /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Person(r: PersonReport) -> impl IntoView {
    let query = format!("id={}", r.user_id);
    view! {
        <h1>{tr(Msg::ReportPersonTitle)}": "{r.display_name.clone()}</h1>
        <p>{r.login.clone()}" · "{r.unit_name.clone()}</p>
        <p class="toolbar no-print"><ExportLinks kind="person" query /></p>
        <section aria-labelledby="exams-h">
            <h2 id="exams-h">{tr(Msg::ReportExams)}</h2>
            <PersonTable people=r.exams.clone() />
        </section>
        <section aria-labelledby="attempts-h">
            <h2 id="attempts-h">{tr(Msg::ReportAttempts)}</h2>
            <table class="report-table">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::ReportExams)}</th>
                        <th scope="col">{tr(Msg::ReportSittings)}</th>
                        <th scope="col">{tr(Msg::ReportDate)}</th>
                        <th scope="col">{tr(Msg::ReportStatus)}</th>
                        <th scope="col">{tr(Msg::ReportScore)}</th>
                        <th scope="col">{tr(Msg::ReportPassed)}</th>
                    </tr>
                </thead>
                <tbody>
                    {r.attempts.into_iter().map(|t| {
                        let status = if t.voided { Msg::SeatVoided } else if t.submitted { Msg::SeatSubmitted } else { Msg::SeatInProgress };
                        view! {
                            <tr>
                                <td>{t.exam_title}</td>
                                <td>{t.sitting_name}{t.is_retake.then(|| view! { " "<span class="badge">{tr(Msg::ReportRetake)}</span> })}</td>
                                <td>{local_time(t.started_at)}</td>
                                <td>{tr(status)}</td>
                                <td>{score_text(t.score, Some(t.max_points))}</td>
                                <td>{t.passed.filter(|_| !t.voided).map(|b| tr(yes_no(b)))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        {(!r.cases.is_empty()).then(|| view! {
            <section aria-labelledby="cases-h">
                <h2 id="cases-h">{tr(Msg::ReportCases)}</h2>
                <ul>
                    {r.cases.into_iter().map(|k| view! {
                        <li><a href=format!("/cases/{}", k.id)>{k.exam_title}</a>" · "{local_time(k.opened_at)}" · "{tr(crate::escalation::ui::state_msg(k.state))}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
