//! Browsing the audit log, newest first, filtered by action and actor.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::i18n::Msg;
use crate::ui::{qs_encode, tr, use_lang, ErrorNotice, Pager};

use super::api::list_audit;
use super::model::AuditAction;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let params = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("action").unwrap_or_default(),
                q.get("actor").unwrap_or_default(),
                q.get("page")
                    .and_then(|p| p.parse::<u32>().ok())
                    .unwrap_or(1),
            )
        })
    });
    let entries = Resource::new(move || params.get(), |(a, who, p)| list_audit(a, who, p));
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::AuditTitle)}</h1>
            <form method="get" action="/admin/audit" class="filters" role="search">
                <label for="f-action">{tr(Msg::FilterAction)}</label>
                <select id="f-action" name="action">
                    <option value="">{tr(Msg::All)}</option>
                    {AuditAction::ALL.into_iter().map(|a| view! {
                        <option value=a.key() selected=move || params.get().0 == a.key()>{move || a.label(lang.get())}</option>
                    }).collect_view()}
                </select>
                <label for="f-actor">{tr(Msg::FilterActor)}</label>
                <input id="f-actor" name="actor" type="search" value=move || params.get().1 />
                <button type="submit">{tr(Msg::Filter)}</button>
            </form>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || entries.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(page) => {
                        let (action, actor, _) = params.get();
                        let base = format!("action={}&actor={}", qs_encode(&action), qs_encode(&actor));
                        let pages = page.page_count();
                        view! {
                            <table class="grid">
                                <thead><tr>
                                    <th scope="col">{tr(Msg::AuditTime)}</th>
                                    <th scope="col">{tr(Msg::AuditActor)}</th>
                                    <th scope="col">{tr(Msg::AuditAction)}</th>
                                    <th scope="col">{tr(Msg::AuditTarget)}</th>
                                    <th scope="col">{tr(Msg::AuditDetail)}</th>
                                    <th scope="col">{tr(Msg::AuditClient)}</th>
                                </tr></thead>
                                <tbody>
                                    {page.items.clone().into_iter().map(|e| {
                                        let label = AuditAction::from_key(&e.action);
                                        let raw = e.action.clone();
                                        view! {
                                            <tr>
                                                <td>{e.at.display_cst()}</td>
                                                <td>{e.actor_login}</td>
                                                <td>{move || label.map(|l| l.label(lang.get()).to_owned()).unwrap_or_else(|| raw.clone())}</td>
                                                <td>{e.target}</td>
                                                <td>{e.detail}</td>
                                                <td>{e.client_addr}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager page=page.page pages total=page.total base_query=base />
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}
