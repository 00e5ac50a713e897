//! The background-job overview for administrators: what is pending, and every job that
//! failed, with a retry button.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::{action_error, tr, ErrorNotice};

use super::api::{load_jobs_overview, RetryJob};

#[component]
pub fn JobsPage() -> impl IntoView {
    let retry = ServerAction::<RetryJob>::new();
    let data = Resource::new(move || retry.version().get(), |_| load_jobs_overview());
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::JobsTitle)}</h1>
            <p class="hint">{tr(Msg::JobsHint)}</p>
            <ErrorNotice error=action_error(retry) />
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(o) => view! {
                        <p>{tr(Msg::JobsPending)}": "{o.pending}" · "{tr(Msg::JobsDone)}": "{o.done}</p>
                        {if o.problems.is_empty() {
                            view! { <p class="empty">{tr(Msg::JobsNoProblems)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap">
                                    <table class="grid">
                                        <thead><tr>
                                            <th scope="col">{tr(Msg::JobsKind)}</th>
                                            <th scope="col">{tr(Msg::JobsAttempts)}</th>
                                            <th scope="col">{tr(Msg::JobsError)}</th>
                                            <th scope="col">{tr(Msg::Status)}</th>
                                            <th scope="col"><span class="sr-only">{tr(Msg::JobsRetry)}</span></th>
                                        </tr></thead>
                                        <tbody>
                                            {o.problems.into_iter().map(|p| {
                                                let failed = p.failed_at.is_some();
                                                view! {
                                                    <tr class:overdue=failed>
                                                        <th scope="row">{p.kind.clone()}" "<code>{p.key.clone()}</code></th>
                                                        <td class="num">{p.attempts}</td>
                                                        <td>{p.last_error.clone()}</td>
                                                        <td>{if failed { view! { <span class="badge overdue">{tr(Msg::JobsFailed)}</span> }.into_any() } else {
                                                            view! { <span>{tr(Msg::JobsRetrying)}" "{crate::sittings::ui::local_time(p.next_run)}</span> }.into_any()
                                                        }}</td>
                                                        <td>
                                                            <ActionForm action=retry>
                                                                <input type="hidden" name="id" value=p.id.to_string() />
                                                                <button type="submit" class="secondary">{tr(Msg::JobsRetry)}</button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any()
                        }}
                    }.into_any(),
                })}
            </Transition>
        </main>
    }
}
