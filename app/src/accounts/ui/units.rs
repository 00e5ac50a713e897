//! The unit tree: list with member counts, create, edit (rename, re-code, move) and delete.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::accounts::api::{list_units, CreateUnit, DeleteUnit, UpdateUnit};
use crate::accounts::model::UnitView;
use crate::i18n::Msg;
use crate::ui::{
    action_error, action_ok, qs_encode, successes, tr, use_user, ErrorNotice, Pager, SuccessNotice,
};

use super::UnitSelect;

#[component]
pub fn UnitsPage() -> impl IntoView {
    let create = ServerAction::<CreateUnit>::new();
    let query = use_query_map();
    let created = successes(create);
    let units = Resource::new(move || created.get(), |_| list_units());
    let viewer = use_user();
    let is_admin = move || viewer.get().is_some_and(|u| u.roles.admin);
    let deleted = move || query.with(|q| q.get("deleted").is_some());
    let saved = move || query.with(|q| q.get("saved").is_some());
    let filter = move || query.with(|q| q.get("q").unwrap_or_default());
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1)
        })
    };
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::UnitsTitle)}</h1>
            <SuccessNotice show=Signal::derive(deleted) msg=Msg::Deleted />
            <form method="get" action="/admin/units" class="filters" role="search">
                <label for="f-unit-q">{tr(Msg::Search)}</label>
                <input id="f-unit-q" name="q" type="search" placeholder=tr(Msg::SearchUnitsHint) value=filter />
                <button type="submit">{tr(Msg::Filter)}</button>
            </form>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || units.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! {
                        {unit_page(matching(&list, &filter()), page(), is_admin())}
                        {is_admin().then(|| view! { <NewUnitForm units=list create saved=Signal::derive(saved) /> })}
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The units whose name or code contains `q` (case-insensitive), in tree order.
fn matching(units: &[UnitView], q: &str) -> Vec<UnitView> {
    let q = q.trim().to_lowercase();
    units
        .iter()
        .filter(|u| {
            q.is_empty() || u.name.to_lowercase().contains(&q) || u.code.to_lowercase().contains(&q)
        })
        .cloned()
        .collect()
}

/// Units shown per page; the tree stays in order across pages.
const UNITS_PER_PAGE: usize = 100;

fn unit_page(units: Vec<UnitView>, page: u32, admin: bool) -> impl IntoView {
    let total = units.len();
    let pages = total.div_ceil(UNITS_PER_PAGE).max(1) as u32;
    let page = page.clamp(1, pages);
    let shown: Vec<UnitView> = units
        .into_iter()
        .skip((page as usize - 1) * UNITS_PER_PAGE)
        .take(UNITS_PER_PAGE)
        .collect();
    let base = use_query_map().with_untracked(|q| {
        q.get("q")
            .filter(|v| !v.is_empty())
            .map(|v| format!("q={}", qs_encode(&v)))
            .unwrap_or_default()
    });
    view! {
        <UnitTable units=shown admin />
        {(pages > 1).then(|| view! { <Pager page pages total=total as u64 base_query=base /> })}
    }
}

#[component]
fn UnitTable(units: Vec<UnitView>, admin: bool) -> impl IntoView {
    if units.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoResults)}</p> }.into_any();
    }
    view! {
        <table class="grid">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::UnitName)}</th>
                    <th scope="col">{tr(Msg::UnitCode)}</th>
                    <th scope="col">{tr(Msg::Members)}</th>
                </tr>
            </thead>
            <tbody>
                {units.into_iter().map(|u| {
                    let indent = format!("padding-left: {}em", 0.5 + 1.5 * u.depth as f32);
                    let href = format!("/admin/units/{}", u.id);
                    view! {
                        <tr>
                            <td style=indent>{if admin { view! { <a href=href>{u.name.clone()}</a> }.into_any() } else { view! { <span>{u.name.clone()}</span> }.into_any() }}</td>
                            <td>{u.code.clone()}</td>
                            <td>{u.member_count}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn NewUnitForm(
    units: Vec<UnitView>,
    create: ServerAction<CreateUnit>,
    saved: Signal<bool>,
) -> impl IntoView {
    // A plain-form creation that failed comes back with the values typed in the URL.
    let typed = use_query_map().with_untracked(|q| {
        (
            q.get("code").unwrap_or_default(),
            q.get("name").unwrap_or_default(),
            q.get("parent_id").filter(|p| !p.is_empty()),
        )
    });
    let (code, name, parent) = typed;
    let first = parent
        .or_else(|| units.first().map(|u| u.id.to_string()))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="new-unit-h">
            <h2 id="new-unit-h">{tr(Msg::NewUnit)}</h2>
            <ActionForm action=create attr:class="form">
                <ErrorNotice error=action_error(create) />
                <SuccessNotice show=Signal::derive(move || saved.get() || action_ok(create).get()) msg=Msg::Saved />
                <label for="unit-code">{tr(Msg::UnitCode)}</label>
                <input id="unit-code" name="code" type="text" required maxlength="64" value=code />
                <label for="unit-name">{tr(Msg::UnitName)}</label>
                <input id="unit-name" name="name" type="text" required maxlength="100" value=name />
                <label for="unit-parent">{tr(Msg::ParentUnit)}</label>
                <UnitSelect units name="parent_id" id="unit-parent" selected=first required=true />
                <button type="submit">{tr(Msg::Create)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn UnitEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateUnit>::new();
    let delete = ServerAction::<DeleteUnit>::new();
    let updated = successes(update);
    let units = Resource::new(move || updated.get(), |_| list_units());
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::EditUnit)}</h1>
            <p><a href="/admin/units">{tr(Msg::BackToList)}</a></p>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || units.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => {
                        let me = id();
                        match list.iter().find(|u| u.id.to_string() == me).cloned() {
                            None => view! { <ErrorNotice error=Signal::derive(|| Some(crate::error::AppError::NotFound)) /> }.into_any(),
                            Some(unit) => view! { <UnitEditForms unit units=list update delete /> }.into_any(),
                        }
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn UnitEditForms(
    unit: UnitView,
    units: Vec<UnitView>,
    update: ServerAction<UpdateUnit>,
    delete: ServerAction<DeleteUnit>,
) -> impl IntoView {
    let id = unit.id.to_string();
    let id_delete = id.clone();
    let is_root = unit.parent_id.is_none();
    // A plain-form save that failed comes back with the values typed in the URL.
    let typed = use_query_map().get_untracked();
    let retyped = typed.get("code").is_some();
    let pick = |k: &str, stored: String| {
        if retyped {
            typed.get(k).unwrap_or_default()
        } else {
            stored
        }
    };
    let code = pick("code", unit.code.clone());
    let name = pick("name", unit.name.clone());
    let parent = pick(
        "parent_id",
        unit.parent_id.map(|p| p.to_string()).unwrap_or_default(),
    );
    view! {
        <ActionForm action=update attr:class="form">
            <ErrorNotice error=action_error(update) />
            <SuccessNotice show=action_ok(update) msg=Msg::Saved />
            <input type="hidden" name="id" value=id.clone() />
            <label for="unit-code">{tr(Msg::UnitCode)}</label>
            <input id="unit-code" name="code" type="text" required maxlength="64" value=code />
            <label for="unit-name">{tr(Msg::UnitName)}</label>
            <input id="unit-name" name="name" type="text" required maxlength="100" value=name />
            {if is_root {
                view! { <input type="hidden" name="parent_id" value="" /> }.into_any()
            } else {
                view! {
                    <label for="unit-parent">{tr(Msg::ParentUnit)}</label>
                    <UnitSelect units name="parent_id" id="unit-parent" selected=parent exclude=id.clone() required=true />
                }.into_any()
            }}
            <button type="submit">{tr(Msg::Save)}</button>
        </ActionForm>
        {(!is_root).then(|| view! {
            <ActionForm action=delete attr:class="danger">
                <ErrorNotice error=action_error(delete) />
                <input type="hidden" name="id" value=id_delete.clone() />
                <button type="submit">{tr(Msg::Delete)}</button>
            </ActionForm>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::model::UnitId;

    fn unit(code: &str, name: &str) -> UnitView {
        UnitView {
            id: UnitId(uuid::Uuid::nil()),
            code: code.into(),
            name: name.into(),
            parent_id: None,
            depth: 0,
            member_count: 0,
            child_count: 0,
        }
    }

    #[test]
    fn the_unit_filter_matches_names_and_codes_ignoring_case() {
        let units = vec![
            unit("3301", "示例市"),
            unit("330102", "上城区"),
            unit("GS-01", "拱墅区教育局"),
        ];
        let codes = |q: &str| {
            matching(&units, q)
                .into_iter()
                .map(|u| u.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(""), vec!["3301", "330102", "GS-01"]);
        assert_eq!(codes("城区"), vec!["330102"]);
        assert_eq!(codes("gs-"), vec!["GS-01"]);
        assert_eq!(codes("3301"), vec!["3301", "330102"]);
    }
}
