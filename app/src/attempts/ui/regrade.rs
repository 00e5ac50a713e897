//! Regrading an exam: pick a question of the submitted attempts and a correction, see
//! every candidate whose score or verdict would change (a GET form to this page, so the
//! dry run is the same with and without JavaScript), then apply it with a reason.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::Msg;
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::super::api::{regrade_preview, regrade_questions, RegradeApply};
use super::super::model::RegradeChange;

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[component]
pub fn RegradePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let exam = move || params.with(|p| p.get("id").unwrap_or_default());
    let picked = move || {
        query.with(|q| {
            let question = q.get("question").filter(|s| !s.is_empty())?;
            let mode = q.get("mode").unwrap_or_else(|| "key".to_owned());
            Some((question, mode))
        })
    };
    let apply = ServerAction::<RegradeApply>::new();
    let applied = Signal::derive(move || apply.value().get().and_then(|r| r.ok()));
    let questions = Resource::new(
        move || (exam(), applied.get().is_some()),
        |(e, _)| regrade_questions(e),
    );
    let preview = Resource::new(
        move || (exam(), picked(), applied.get().is_some()),
        |(e, p, _)| async move {
            match p {
                Some((q, m)) => regrade_preview(e, q, m).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let error = action_error(apply);
    let lang = use_lang();
    let typed_reason = query.with_untracked(|q| q.get("t_reason").unwrap_or_default());
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::Regrade)}</h1>
            <p class="hint">{tr(Msg::RegradeHint)}</p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || questions.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{tr(Msg::RegradeNoChange)}</p> }.into_any(),
                    Ok(list) => {
                        let (cur_q, cur_m) = picked().unwrap_or_default();
                        view! {
                            <Form method="GET" action="">
                                <fieldset>
                                    <legend>{tr(Msg::RegradePick)}</legend>
                                    <div class="table-wrap">
                                        <table class="grid">
                                            <thead><tr>
                                                <th scope="col">{tr(Msg::QuestionLabel)}</th>
                                                <th scope="col">{tr(Msg::AttemptsLabel)}</th>
                                                <th scope="col">{tr(Msg::RegradeInForce)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|q| {
                                                    let id = q.question_id.to_string();
                                                    let input_id = format!("q-{id}");
                                                    let checked = id == cur_q;
                                                    let current = q.current.map(|c| if c == "void" { Msg::RegradeVoid } else { Msg::RegradeCurrentKey });
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <input type="radio" name="question" id=input_id.clone() value=id checked=checked required=true />
                                                                <label for=input_id>{short(&q.stem)}</label>
                                                            </td>
                                                            <td>{q.attempts}</td>
                                                            <td>{move || current.map(|m| m.text(lang.get())).unwrap_or("—")}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </fieldset>
                                <fieldset>
                                    <legend>{tr(Msg::RegradeModeLabel)}</legend>
                                    <p>
                                        <input type="radio" name="mode" id="mode-key" value="key" checked={cur_m != "void"} />
                                        <label for="mode-key">{tr(Msg::RegradeCurrentKey)}</label>
                                    </p>
                                    <p>
                                        <input type="radio" name="mode" id="mode-void" value="void" checked={cur_m == "void"} />
                                        <label for="mode-void">{tr(Msg::RegradeVoid)}</label>
                                    </p>
                                </fieldset>
                                <button type="submit">{tr(Msg::RegradePreview)}</button>
                            </Form>
                        }.into_any()
                    }
                })}
            </Transition>
            <ErrorNotice error />
            {move || applied.get().map(|changes| view! {
                <p class="notice ok" role="status">{tr(Msg::RegradeApplied)}{format!("（{}）", changes.len())}</p>
                <Changes changes />
            })}
            <Transition fallback=|| ()>
                {move || preview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Ok(Some(changes)) => {
                        let (q, m) = picked().unwrap_or_default();
                        let empty = changes.is_empty();
                        let typed_reason = typed_reason.clone();
                        view! {
                            <section aria-labelledby="preview-h">
                                <h2 id="preview-h">{tr(Msg::RegradePreview)}</h2>
                                {if empty {
                                    view! { <p class="empty">{tr(Msg::RegradeNoChange)}</p> }.into_any()
                                } else {
                                    view! { <Changes changes /> }.into_any()
                                }}
                                <ActionForm action=apply>
                                    <input type="hidden" name="exam_id" value=exam() />
                                    <input type="hidden" name="question_id" value=q />
                                    <input type="hidden" name="mode" value=m />
                                    <label for="regrade-reason">{tr(Msg::ReasonLabel)}</label>
                                    <input id="regrade-reason" name="reason" maxlength="200" required=true value=typed_reason />
                                    <button type="submit" class="danger">{tr(Msg::RegradeApply)}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Changes(changes: Vec<RegradeChange>) -> impl IntoView {
    let lang = use_lang();
    let verdict = move |p: bool| {
        if p {
            Msg::ResultPassed.text(lang.get())
        } else {
            Msg::ResultFailed.text(lang.get())
        }
    };
    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead><tr>
                    <th scope="col">{tr(Msg::CandidateLabel)}</th>
                    <th scope="col">{tr(Msg::OldScore)}</th>
                    <th scope="col">{tr(Msg::NewScore)}</th>
                    <th scope="col">{tr(Msg::ResultLabel)}</th>
                </tr></thead>
                <tbody>
                    {changes.into_iter().map(|c| view! {
                        <tr>
                            <th scope="row">{format!("{} ({})", c.display_name, c.login)}</th>
                            <td>{c.old_score.to_string()}</td>
                            <td>{c.new_score.to_string()}</td>
                            <td>{move || format!("{} → {}", verdict(c.old_passed), verdict(c.new_passed))}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
