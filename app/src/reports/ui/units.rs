//! The unit report: a unit's totals with its sub-units ranked (roll-ups, bottom N with
//! reasons), drill-down to sub-units and to the people of a unit, filters by exam and
//! date range. The filter form is a plain GET form, so it works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::Msg;
use crate::time::format_local_date;
use crate::ui::{qs_encode, tr, use_lang, ErrorNotice};

use super::super::api::load_unit_report;
use super::super::model::{PersonLine, RankOrder, UnitLine, UnitReport};
use super::{pct, score_text, yes_no, AsOf, ExportLinks};

const KEYS: [&str; 7] = ["unit", "exam", "from", "to", "by", "min", "bottom"];

#[component]
pub fn UnitReportPage() -> impl IntoView {
    let query = use_query_map();
    let args = move || query.with(|q| KEYS.map(|k| q.get(k).unwrap_or_default()));
    let report = Resource::new(args, |[unit, exam, from, to, by, min, bottom]| {
        load_unit_report(unit, exam, from, to, by, min, bottom)
    });
    view! {
        <main id="main" class="page report">
            <h1>{tr(Msg::ReportUnitsTitle)}</h1>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! {
                        <ErrorNotice error=Signal::derive(move || Some(e.clone())) />
                        <p><a href="/reports/units">{tr(Msg::ReportUnitsTitle)}</a></p>
                    }.into_any(),
                    Ok(r) => view! { <Report r /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

/// The query string of this report with `unit` replaced.
fn query_for(r: &UnitReport, unit: Option<String>) -> String {
    let f = &r.filter;
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(u) = unit {
        pairs.push(("unit", u));
    }
    if let Some(e) = f.exam_id {
        pairs.push(("exam", e.to_string()));
    }
    if let Some(t) = f.from {
        pairs.push(("from", format_local_date(t)));
    }
    if let Some(t) = f.to {
        pairs.push(("to", format_local_date(t.plus_secs(-86_400))));
    }
    pairs.push((
        "by",
        if r.order == RankOrder::MeanScore {
            "mean"
        } else {
            "pass"
        }
        .to_owned(),
    ));
    pairs.push(("min", r.min_candidates.to_string()));
    pairs.push(("bottom", r.bottom.to_string()));
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", qs_encode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn Report(r: UnitReport) -> impl IntoView {
    let here = query_for(&r, Some(r.total.unit.id.to_string()));
    let trail = r
        .trail
        .iter()
        .map(|u| {
            (
                format!("/reports/units?{}", query_for(&r, Some(u.id.to_string()))),
                u.name.clone(),
            )
        })
        .collect::<Vec<_>>();
    let from = r.filter.from.map(format_local_date).unwrap_or_default();
    let to = r
        .filter
        .to
        .map(|t| format_local_date(t.plus_secs(-86_400)))
        .unwrap_or_default();
    let exam = r.filter.exam_id.map(|e| e.to_string());
    let unit = r.total.unit.id.to_string();
    let mean = r.order == RankOrder::MeanScore;
    let children: Vec<(UnitLine, String)> = r
        .children
        .iter()
        .map(|c| {
            (
                c.clone(),
                format!(
                    "/reports/units?{}",
                    query_for(&r, Some(c.unit.id.to_string()))
                ),
            )
        })
        .collect();
    let total = r.total.clone();
    let people = r.people.clone();
    let empty = total.candidates == 0;
    view! {
        <nav aria-label="breadcrumb" class="trail">
            {trail.into_iter().map(|(href, name)| view! { <a href=href>{name}</a>" › " }).collect_view()}
        </nav>
        <form method="get" action="/reports/units" class="filters no-print">
            <input type="hidden" name="unit" value=unit />
            {exam.map(|e| view! { <input type="hidden" name="exam" value=e /> })}
            <label>{tr(Msg::ReportFrom)}" "<input type="date" name="from" value=from /></label>
            <label>{tr(Msg::ReportTo)}" "<input type="date" name="to" value=to /></label>
            <label>{tr(Msg::ReportRankBy)}" "
                <select name="by">
                    <option value="pass" selected=!mean>{tr(Msg::ReportByPass)}</option>
                    <option value="mean" selected=mean>{tr(Msg::ReportByMean)}</option>
                </select>
            </label>
            <label>{tr(Msg::ReportMinCandidates)}" "<input type="number" name="min" min="0" value=r.min_candidates.to_string() /></label>
            <label>{tr(Msg::ReportBottomN)}" "<input type="number" name="bottom" min="0" value=r.bottom.to_string() /></label>
            <button type="submit">{tr(Msg::ReportApply)}</button>
        </form>
        <p class="toolbar no-print"><ExportLinks kind="units" query=here /></p>
        <AsOf as_of=r.as_of />
        <h2>{total.unit.name.clone()}</h2>
        {empty.then(|| view! { <p class="empty">{tr(Msg::ReportNoData)}</p> })}
        <table class="report-table units">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::ReportRank)}</th>
                    <th scope="col">{tr(Msg::ReportUnit)}</th>
                    <th scope="col">{tr(Msg::ReportCandidatesCount)}</th>
                    <th scope="col">{tr(Msg::ReportDecided)}</th>
                    <th scope="col">{tr(Msg::ReportPassRate)}</th>
                    <th scope="col">{tr(Msg::ReportPassedAny)}</th>
                    <th scope="col">{tr(Msg::SeatAbsent)}</th>
                    <th scope="col">{tr(Msg::ReportCases)}</th>
                    <th scope="col">{tr(Msg::ReportMeanPercent)}</th>
                    <th scope="col">{tr(Msg::ReportReason)}</th>
                </tr>
            </thead>
            <tbody>
                {children.into_iter().map(|(l, href)| view! { <UnitRow l href=Some(href) /> }).collect_view()}
            </tbody>
            <tfoot>
                <UnitRow l=total href=None />
            </tfoot>
        </table>
        <People people />
    }
}

#[component]
fn UnitRow(l: UnitLine, href: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let total = href.is_none();
    let rank = match (total, l.rank) {
        (true, _) => view! { {tr(Msg::ReportWhole)} }.into_any(),
        (false, Some(n)) => view! { {n} }.into_any(),
        (false, None) => view! { <span class="hint">{tr(Msg::ReportUnranked)}</span> }.into_any(),
    };
    let name = match href {
        Some(h) => view! { <a href=h>{l.unit.name.clone()}</a> }.into_any(),
        None => view! { {l.unit.name.clone()} }.into_any(),
    };
    let (zh, en) = (l.reason_zh.clone(), l.reason_en.clone());
    let bottom = l.bottom;
    view! {
        <tr class:bottom=bottom>
            <td>{rank}{bottom.then(|| view! { " "<span class="badge overdue">{tr(Msg::ReportBottom)}</span> })}</td>
            <th scope="row">{name}</th>
            <td>{l.candidates}</td>
            <td>{l.decided}</td>
            <td>{pct(l.passed_first, l.decided)}</td>
            <td>{pct(l.passed_any, l.decided)}</td>
            <td>{l.absent}</td>
            <td>{l.open_cases}</td>
            <td>{l.mean_percent.map(|m| format!("{m:.1}%")).unwrap_or_else(|| "—".into())}</td>
            <td>{move || if lang.get() == crate::i18n::Lang::En { en.clone() } else { zh.clone() }}</td>
        </tr>
    }
}

/// A unit's own members, each linking to their history.
#[component]
pub(crate) fn People(people: Vec<PersonLine>) -> impl IntoView {
    (!people.is_empty()).then(|| {
        view! {
            <section aria-labelledby="people-h">
                <h2 id="people-h">{tr(Msg::ReportMembers)}</h2>
                <PersonTable people />
            </section>
        }
    })
}

#[component]
pub(crate) fn PersonTable(people: Vec<PersonLine>) -> impl IntoView {
    view! {
        <table class="report-table">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::DisplayName)}</th>
                    <th scope="col">{tr(Msg::ReportUnit)}</th>
                    <th scope="col">{tr(Msg::ReportExams)}</th>
                    <th scope="col">{tr(Msg::ReportDate)}</th>
                    <th scope="col">{tr(Msg::ReportScore)}</th>
                    <th scope="col">{tr(Msg::ReportPassed)}</th>
                    <th scope="col">{tr(Msg::ReportPassedAny)}</th>
                    <th scope="col">{tr(Msg::SeatAbsent)}</th>
                    <th scope="col">{tr(Msg::ReportRetakeRounds)}</th>
                    <th scope="col">{tr(Msg::ReportCases)}</th>
                </tr>
            </thead>
            <tbody>
                {people.into_iter().map(|p| view! {
                    <tr>
                        <th scope="row"><a href=format!("/reports/people/{}", p.user_id)>{p.display_name}</a>" "<span class="hint">{p.login}</span></th>
                        <td>{p.unit_name}</td>
                        <td><a href=format!("/organize/exams/{}/report", p.exam_id)>{p.exam_title}</a></td>
                        <td>{format_local_date(p.exam_date)}</td>
                        <td>{score_text(p.score, Some(p.max_points))}</td>
                        <td>{p.decided.then(|| tr(yes_no(p.passed_first)))}</td>
                        <td>{p.decided.then(|| tr(yes_no(p.passed_any)))}</td>
                        <td>{tr(yes_no(p.absent))}</td>
                        <td>{p.retake_rounds}</td>
                        <td>{tr(yes_no(p.open_case))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
