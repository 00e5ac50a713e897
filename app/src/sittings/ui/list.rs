//! The list of sittings in the viewer's scope (not yet ended, or ended in the last 30
//! days), and the sitting table the exam editor shows too.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::sittings::api::list_sittings;
use crate::sittings::model::SittingView;
use crate::ui::{tr, use_lang, ErrorNotice};

use super::{mode_text, window_text, PhaseBadge};

#[component]
pub fn SittingsPage() -> impl IntoView {
    let sittings = Resource::new(|| (), |_| list_sittings());
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::SittingsTitle)}</h1>
            <p class="toolbar">
                <a class="button secondary" href="/organize/sittings/calendar">{tr(Msg::SittingsCalendarView)}</a>
                <a href="/organize/exams">{tr(Msg::NavExams)}</a>
            </p>
            <p class="hint">{tr(Msg::SittingsListHint)}</p>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || sittings.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! { <SittingTable sittings=list show_exam=true /> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// Sittings with their window in Shanghai time, phase and seats taken.
#[component]
pub fn SittingTable(sittings: Vec<SittingView>, show_exam: bool) -> impl IntoView {
    let lang = use_lang();
    if sittings.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoSittings)}</p> }.into_any();
    }
    view! {
        <table class="grid">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::SittingNameLabel)}</th>
                    {show_exam.then(|| view! { <th scope="col">{tr(Msg::ExamTitleLabel)}</th> })}
                    <th scope="col">{tr(Msg::SittingWindowCst)}</th>
                    <th scope="col">{tr(Msg::SittingModeLabel)}</th>
                    <th scope="col">{tr(Msg::Status)}</th>
                    <th scope="col">{tr(Msg::AssignedOfCapacity)}</th>
                </tr>
            </thead>
            <tbody>
                {sittings.into_iter().map(|s| {
                    let href = format!("/organize/sittings/{}", s.id);
                    let exam_href = format!("/organize/exams/{}", s.exam_id);
                    let mode = s.spec.mode;
                    let retake = s.spec.is_retake;
                    view! {
                        <tr>
                            <th scope="row">
                                <a href=href>{s.spec.name.clone()}</a>
                                {retake.then(|| view! { " "<span class="tag">{tr(Msg::RetakeTag)}</span> })}
                            </th>
                            {show_exam.then(|| view! { <td><a href=exam_href>{s.exam_title.clone()}</a></td> })}
                            <td>{window_text(s.spec.window_start, s.spec.window_end)}</td>
                            <td>{move || mode_text(mode, lang.get())}</td>
                            <td><PhaseBadge phase=s.phase /></td>
                            <td class="num">{format!("{} / {}", s.assigned, s.spec.capacity)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
