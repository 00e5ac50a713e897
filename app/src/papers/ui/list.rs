//! The list of exams in the viewer's scope and the form to create one from a bank.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::papers::api::{list_exams, CreateExam};
use crate::papers::model::ExamSummary;
use crate::question_bank::api::list_banks;
use crate::question_bank::model::BankView;
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::{invalid_attr, Retyped};

#[component]
pub fn ExamsPage() -> impl IntoView {
    let create = ServerAction::<CreateExam>::new();
    let exams = Resource::new(|| (), |_| list_exams());
    let banks = Resource::new(|| (), |_| list_banks());
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::ExamsTitle)}</h1>
            <p class="toolbar"><a href="/organize/sittings">{tr(Msg::NavSittings)}</a></p>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || exams.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! { <ExamTable exams=list /> }.into_any(),
                })}
            </Suspense>
            <section aria-labelledby="new-exam-h">
                <h2 id="new-exam-h">{tr(Msg::NewExam)}</h2>
                <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                    {move || banks.get().map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="empty">{tr(Msg::NoBanks)}" "<a href="/organize/banks">{tr(Msg::NavBanks)}</a></p>
                        }.into_any(),
                        Ok(list) => view! { <NewExamForm banks=list create /> }.into_any(),
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn ExamTable(exams: Vec<ExamSummary>) -> impl IntoView {
    if exams.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoExams)}</p> }.into_any();
    }
    view! {
        <table class="grid">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::ExamTitleLabel)}</th>
                    <th scope="col">{tr(Msg::ExamBank)}</th>
                    <th scope="col">{tr(Msg::BankQuestionCount)}</th>
                    <th scope="col">{tr(Msg::ExamTotalPoints)}</th>
                    <th scope="col">{tr(Msg::ExamDurationMinutes)}</th>
                    <th scope="col">{tr(Msg::SittingCount)}</th>
                </tr>
            </thead>
            <tbody>
                {exams.into_iter().map(|e| {
                    let href = format!("/organize/exams/{}", e.id);
                    view! {
                        <tr>
                            <th scope="row"><a href=href>{e.title}</a></th>
                            <td>{e.bank_name}</td>
                            <td class="num">{e.question_count}</td>
                            <td class="num">{e.total_points.to_string()}</td>
                            <td class="num">{e.duration_minutes}</td>
                            <td class="num">{e.sitting_count}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Creating an exam leads to its editor.
#[component]
fn NewExamForm(banks: Vec<BankView>, create: ServerAction<CreateExam>) -> impl IntoView {
    let lang = use_lang();
    let error = action_error(create);
    let typed = Retyped::read("bank_id");
    let title = typed.text("title", String::new());
    let bank = typed.text("bank_id", String::new());
    view! {
        <ActionForm action=create attr:class="form">
            <ErrorNotice error />
            <label for="exam-bank">{tr(Msg::ExamBank)}</label>
            <select id="exam-bank" name="bank_id" required aria-invalid=invalid_attr(error, &["bank_id"])>
                {banks.into_iter().map(|b| {
                    let value = b.id.to_string();
                    let selected = value == bank;
                    let editable = b.editable;
                    let count = b.question_count;
                    let name = b.name;
                    let label = move || {
                        let mut s = format!("{name}（{}）", Msg::CategoryCount.text(lang.get()).replace("{n}", &count.to_string()));
                        if !editable {
                            s.push_str(" · ");
                            s.push_str(Msg::BankReadOnlyShared.text(lang.get()));
                        }
                        s
                    };
                    view! { <option value=value selected=selected>{label}</option> }
                }).collect_view()}
            </select>
            <label for="exam-title">{tr(Msg::ExamTitleLabel)}</label>
            <input id="exam-title" name="title" type="text" required maxlength="200" value=title
                aria-invalid=invalid_attr(error, &["title"]) />
            <button type="submit">{tr(Msg::Create)}</button>
        </ActionForm>
    }
}
