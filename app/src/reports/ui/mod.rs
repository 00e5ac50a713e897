//! Report pages: the exam overview with its score histogram (server-rendered SVG, which
//! also prints), and the sitting, unit, person and item-analysis pages in submodules.

mod items;
mod people;
mod units;

pub use items::ItemAnalysisPage;
pub use people::{PersonReportPage, SittingReportPage};
pub use units::UnitReportPage;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::i18n::Msg;
use crate::time::Timestamp;
use crate::ui::{tr, use_lang, ErrorNotice};

use super::api::load_exam_report;
use super::domain::percent;
use super::model::{ExamReport, Freshness};

pub(crate) fn pct(part: u32, whole: u32) -> String {
    match percent(part, whole) {
        Some(p) => format!("{p}%（{part}/{whole}）"),
        None => "—".to_owned(),
    }
}

pub(crate) fn points(h: f64) -> String {
    format!("{:.2}", h / 100.0)
}

/// "85.00 / 100.00", or a dash without a score.
pub(crate) fn score_text(score: Option<u32>, max: Option<u32>) -> String {
    match (score, max) {
        (Some(s), Some(m)) => format!("{} / {}", points(f64::from(s)), points(f64::from(m))),
        (Some(s), None) => points(f64::from(s)),
        _ => "—".to_owned(),
    }
}

pub(crate) fn yes_no(b: bool) -> Msg {
    if b {
        Msg::ReportYes
    } else {
        Msg::ReportNo
    }
}

/// The .xlsx and .csv links of a report; `query` is the report's own query string.
#[component]
pub(crate) fn ExportLinks(kind: &'static str, query: String) -> impl IntoView {
    let xlsx = format!("/reports/export/{kind}?format=xlsx&{query}");
    let csv = format!("/reports/export/{kind}?format=csv&{query}");
    view! {
        <a href=xlsx download="" rel="external">{tr(Msg::ReportExportXlsx)}</a>" "
        <a href=csv download="" rel="external">{tr(Msg::ReportExportCsv)}</a>
    }
}

/// "数据更新于 …" and, when changes are still being added, a note saying so.
#[component]
pub(crate) fn AsOf(as_of: Option<Timestamp>, #[prop(optional)] pending: bool) -> impl IntoView {
    let lang = use_lang();
    let when = as_of.map(crate::sittings::ui::local_time);
    view! {
        <p class="hint as-of">
            {move || when.clone().map(|t| Msg::ReportAsOf.text(lang.get()).replace("{t}", &t))}
            {pending.then(|| view! { " "{tr(Msg::ReportPending)} })}
        </p>
    }
}

#[component]
pub fn ExamReportPage() -> impl IntoView {
    let params = use_params_map();
    let exam = move || params.with(|p| p.get("id").unwrap_or_default());
    let report = Resource::new(exam, load_exam_report);
    view! {
        <main id="main" class="page report">
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(r) => view! { <Overview r /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Overview(r: ExamReport) -> impl IntoView {
    let retakes_href = format!("/organize/exams/{}/retakes", r.exam_id);
    let items_href = format!("/organize/exams/{}/items", r.exam_id);
    let units_href = format!("/reports/units?exam={}", r.exam_id);
    let query = format!("id={}", r.exam_id);
    let Freshness { as_of, pending } = r.freshness;
    let sittings = r.sittings.clone();
    let stats = [
        (Msg::ReportCandidates, r.candidates.to_string()),
        (Msg::ReportStarted, r.started.to_string()),
        (Msg::ReportSubmitted, r.submitted.to_string()),
        (Msg::OutcomeAbsent, r.absent.to_string()),
        (Msg::ReportPassFirst, pct(r.passed_first, r.decided)),
        (
            Msg::ReportPassAfterRetakes,
            pct(r.passed_eventually, r.decided),
        ),
        (Msg::ReportOpenRetakes, r.open_retakes.to_string()),
        (Msg::ReportOpenCases, r.open_cases.to_string()),
        (Msg::ReportIntegrity, r.integrity_events.to_string()),
    ];
    let scores = r.summary.map(|(mean, median, sd, min, max)| {
        [
            (Msg::ReportMean, points(mean)),
            (Msg::ReportMedian, points(median)),
            (Msg::ReportStdDev, points(sd)),
            (Msg::ReportMin, points(f64::from(min))),
            (Msg::ReportMax, points(f64::from(max))),
        ]
    });
    let time = r
        .mean_time_secs
        .map(|s| format!("{}:{:02}", s / 60, s % 60))
        .unwrap_or_else(|| "—".to_owned());
    view! {
        <h1>{tr(Msg::ReportTitle)}": "{r.title.clone()}</h1>
        <p class="toolbar no-print">
            <a href=units_href>{tr(Msg::ReportUnitsLink)}</a>" "
            <a href=items_href>{tr(Msg::ReportItemsLink)}</a>" "
            <a href=retakes_href>{tr(Msg::ExamRetakesLink)}</a>" "
            <ExportLinks kind="exam" query />
        </p>
        <AsOf as_of pending />
        <dl class="stats">
            {stats.into_iter().map(|(m, v)| view! { <div><dt>{tr(m)}</dt><dd>{v}</dd></div> }).collect_view()}
        </dl>
        <section aria-labelledby="scores-h">
            <h2 id="scores-h">{tr(Msg::ReportScores)}</h2>
            {match scores {
                None => view! { <p class="empty">{tr(Msg::ReportNoScores)}</p> }.into_any(),
                Some(list) => view! {
                    <dl class="facts">
                        {list.into_iter().map(|(m, v)| view! { <div><dt>{tr(m)}</dt><dd>{v}</dd></div> }).collect_view()}
                        <div><dt>{tr(Msg::CaseTimeUsed)}</dt><dd>{time}</dd></div>
                    </dl>
                    <Histogram bins=r.histogram.clone() max_points=r.max_points />
                }.into_any(),
            }}
        </section>
        <section aria-labelledby="sittings-h">
            <h2 id="sittings-h">{tr(Msg::ReportSittings)}</h2>
            <ul>
                {sittings.into_iter().map(|s| view! {
                    <li>
                        <a href=format!("/organize/sittings/{}/report", s.id)>{s.name}</a>" "
                        <span class="hint">{crate::sittings::ui::local_time(s.window_start)}</span>
                        {s.is_retake.then(|| view! { " "<span class="badge">{tr(Msg::ReportRetake)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Bars of the score distribution, labelled by their ranges, with the counts as text so
/// screen readers and printouts carry the numbers.
#[component]
pub(crate) fn Histogram(bins: Vec<u32>, max_points: u32) -> impl IntoView {
    let lang = use_lang();
    let (w, h, pad) = (600u32, 220u32, 30u32);
    let n = bins.len().max(1) as u32;
    let top = bins.iter().copied().max().unwrap_or(0).max(1);
    let bar_w = (w - 2 * pad) / n;
    let label = move || Msg::ReportHistogram.text(lang.get());
    let bars: Vec<_> = bins
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let i = i as u32;
            let bh = c * (h - 2 * pad) / top;
            let x = pad + i * bar_w;
            let from = max_points * i / n / 100;
            let to = max_points * (i + 1) / n / 100;
            (x, h - pad - bh, bh, c, format!("{from}–{to}"))
        })
        .collect();
    view! {
        <figure class="histogram">
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=label width="100%">
                <line x1=pad y1={h - pad} x2={w - pad} y2={h - pad} class="axis" />
                {bars.into_iter().map(|(x, y, bh, c, range)| view! {
                    <g>
                        <rect x={x + 2} y=y width={bar_w - 4} height=bh class="bar"><title>{format!("{range}: {c}")}</title></rect>
                        <text x={x + bar_w / 2} y={y.saturating_sub(4)} text-anchor="middle" class="count">{c}</text>
                        <text x={x + bar_w / 2} y={h - pad + 14} text-anchor="middle" class="range">{range}</text>
                    </g>
                }).collect_view()}
            </svg>
            <figcaption>{label}</figcaption>
        </figure>
    }
}
