//! Item analysis of an exam: each question's facility, discrimination, point-biserial and
//! option frequencies, flagged items linked to the question and to the regrade flow.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::i18n::Msg;
use crate::ui::{tr, use_lang, ErrorNotice};

use super::super::api::load_item_analysis;
use super::super::model::{ItemAnalysis, ItemLine};
use super::{AsOf, ExportLinks};

#[component]
pub fn ItemAnalysisPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let report = Resource::new(id, load_item_analysis);
    view! {
        <main id="main" class="page report">
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(r) => view! { <Items r /> }.into_any(),
                })}
            </Transition>
        </main>
    }
}

fn fixed(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into())
}

#[component]
fn Items(r: ItemAnalysis) -> impl IntoView {
    let lang = use_lang();
    let exam_href = format!("/organize/exams/{}/report", r.exam_id);
    let regrade = format!("/organize/exams/{}/regrade", r.exam_id);
    let query = format!("id={}", r.exam_id);
    let n = r.attempts;
    let kr20 = r.kr20;
    view! {
        <h1>{tr(Msg::ReportItemsTitle)}": "<a href=exam_href>{r.title.clone()}</a></h1>
        <p class="toolbar no-print"><ExportLinks kind="items" query /></p>
        <AsOf as_of=r.computed_at pending=r.pending />
        {if r.items.is_empty() {
            view! { <p class="empty">{tr(Msg::ReportItemsNone)}</p> }.into_any()
        } else {
            view! {
                <dl class="facts">
                    <div><dt>{move || Msg::ReportAnalysed.text(lang.get()).replace("{n}", &n.to_string())}</dt></div>
                    <div>
                        <dt>{tr(Msg::ReportKr20)}</dt>
                        <dd>{match kr20 {
                            Some(k) => format!("{k:.2}").into_any(),
                            None => view! { <span class="hint">{tr(Msg::ReportKr20None)}</span> }.into_any(),
                        }}</dd>
                    </div>
                </dl>
                <table class="report-table items">
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">{tr(Msg::ColStem)}</th>
                            <th scope="col">"n"</th>
                            <th scope="col">{tr(Msg::ReportFacility)}</th>
                            <th scope="col">{tr(Msg::ReportDiscrimination)}</th>
                            <th scope="col">{tr(Msg::ReportPointBiserial)}</th>
                            <th scope="col">{tr(Msg::ReportOptions)}</th>
                            <th scope="col">{tr(Msg::ReportReason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.items.into_iter().enumerate().map(|(i, it)| view! { <Item i it regrade=regrade.clone() /> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn Item(i: usize, it: ItemLine, regrade: String) -> impl IntoView {
    let flagged = it.negative_discrimination || it.too_easy || it.too_hard;
    let question = format!("/organize/questions/{}", it.question_id);
    let options = it
        .options
        .iter()
        .enumerate()
        .map(|(o, c)| {
            let letter = char::from(b'A' + (o.min(25) as u8));
            let mark = if it.correct.contains(&(o as u8)) {
                "✓"
            } else {
                ""
            };
            format!("{letter}{mark} {c}")
        })
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <tr class:flagged=flagged>
            <td>{i + 1}</td>
            <td><a href=question>{it.stem.clone()}</a></td>
            <td>{it.n}</td>
            <td>{it.facility.map(|f| format!("{:.0}%", f * 100.0)).unwrap_or_else(|| "—".into())}</td>
            <td>{fixed(it.discrimination)}</td>
            <td>{fixed(it.point_biserial)}</td>
            <td>{options}</td>
            <td>
                {it.negative_discrimination.then(|| view! { <span class="badge overdue">{tr(Msg::ReportFlagNegative)}</span>" " })}
                {it.too_easy.then(|| view! { <span class="badge">{tr(Msg::ReportFlagEasy)}</span>" " })}
                {it.too_hard.then(|| view! { <span class="badge">{tr(Msg::ReportFlagHard)}</span>" " })}
                {flagged.then(|| view! { <a href=regrade class="no-print">{tr(Msg::ReportRegradeLink)}</a> })}
            </td>
        </tr>
    }
}
