//! The user list with search and filters, and the forms to create and edit a user.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::accounts::api::{
    get_user, list_units, list_users, CreateUser, EndUserSessions, ResetPassword, SetUserActive,
    UpdateUser,
};
use crate::accounts::model::{Role, StatusFilter, UnitId, UserQuery, UserSummary};
use crate::i18n::Msg;
use crate::ui::{
    action_error, action_ok, qs_encode, tr, use_lang, use_user, ErrorNotice, Pager, SuccessNotice,
};

use super::UnitSelect;

fn query_from(map: &leptos_router::params::ParamsMap) -> UserQuery {
    UserQuery {
        q: map.get("q").unwrap_or_default(),
        unit_id: map.get("unit").and_then(|s| s.parse::<UnitId>().ok()),
        role: map.get("role").and_then(|s| Role::from_key(&s)),
        status: match map.get("status").as_deref() {
            Some("active") => StatusFilter::Active,
            Some("disabled") => StatusFilter::Disabled,
            _ => StatusFilter::All,
        },
        page: map.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

fn base_query(q: &UserQuery) -> String {
    let mut parts = Vec::new();
    if !q.q.is_empty() {
        parts.push(format!("q={}", qs_encode(&q.q)));
    }
    if let Some(u) = q.unit_id {
        parts.push(format!("unit={u}"));
    }
    if let Some(r) = q.role {
        parts.push(format!("role={}", r.key()));
    }
    match q.status {
        StatusFilter::Active => parts.push("status=active".into()),
        StatusFilter::Disabled => parts.push("status=disabled".into()),
        StatusFilter::All => {}
    }
    parts.join("&")
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let viewer = use_user();
    let lang = use_lang();
    let q = Memo::new(move |_| query.with(query_from));
    let users = Resource::new(move || q.get(), list_users);
    let units = Resource::new(|| (), |_| list_units());
    let is_admin = move || viewer.get().is_some_and(|u| u.roles.admin);
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::UsersTitle)}</h1>
            {move || is_admin().then(|| view! { <p><a class="button" href="/admin/users/new">{tr(Msg::NewUser)}</a></p> })}
            <form method="get" action="/admin/users" class="filters" role="search">
                <label for="f-q">{tr(Msg::Search)}</label>
                <input id="f-q" name="q" type="search" placeholder=tr(Msg::SearchUsersHint) value=move || q.get().q />
                <label for="f-unit">{tr(Msg::FilterUnit)}</label>
                <Suspense fallback=|| ()>
                    {move || units.get().and_then(|r| r.ok()).map(|list| {
                        let sel = q.get().unit_id.map(|u| u.to_string());
                        view! { <UnitSelect units=list name="unit" id="f-unit" selected=sel.unwrap_or_default() blank=Msg::All /> }
                    })}
                </Suspense>
                <label for="f-role">{tr(Msg::FilterRole)}</label>
                <select id="f-role" name="role">
                    <option value="">{tr(Msg::All)}</option>
                    {Role::ALL.into_iter().map(|r| {
                        let selected = move || q.get().role == Some(r);
                        view! { <option value=r.key() selected=selected>{move || r.label().text(lang.get())}</option> }
                    }).collect_view()}
                </select>
                <label for="f-status">{tr(Msg::FilterStatus)}</label>
                <select id="f-status" name="status">
                    <option value="">{tr(Msg::All)}</option>
                    <option value="active" selected=move || q.get().status == StatusFilter::Active>{tr(Msg::Active)}</option>
                    <option value="disabled" selected=move || q.get().status == StatusFilter::Disabled>{tr(Msg::Disabled)}</option>
                </select>
                <button type="submit">{tr(Msg::Filter)}</button>
            </form>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || users.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(page) => {
                        let pages = page.page_count();
                        let base = base_query(&q.get());
                        view! {
                            <UserTable users=page.items.clone() admin=is_admin() />
                            <Pager page=page.page pages total=page.total base_query=base />
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn UserTable(users: Vec<UserSummary>, admin: bool) -> impl IntoView {
    let lang = use_lang();
    if users.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoResults)}</p> }.into_any();
    }
    view! {
        <table class="grid">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::LoginName)}</th>
                    <th scope="col">{tr(Msg::DisplayName)}</th>
                    <th scope="col">{tr(Msg::Unit)}</th>
                    <th scope="col">{tr(Msg::Roles)}</th>
                    <th scope="col">{tr(Msg::RankTag)}</th>
                    <th scope="col">{tr(Msg::Status)}</th>
                </tr>
            </thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let href = format!("/admin/users/{}", u.id);
                    let roles = u.roles;
                    let active = u.active;
                    view! {
                        <tr>
                            <td>{if admin { view! { <a href=href>{u.login.clone()}</a> }.into_any() } else { view! { <span>{u.login.clone()}</span> }.into_any() }}</td>
                            <td>{u.display_name.clone()}</td>
                            <td>{u.unit_name.clone()}</td>
                            <td>{move || roles.labels(lang.get())}</td>
                            <td>{u.rank_tag.clone().unwrap_or_default()}</td>
                            <td>{move || if active { Msg::Active.text(lang.get()) } else { Msg::Disabled.text(lang.get()) }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The role checkboxes, named as the server functions expect them.
#[component]
fn RoleBoxes(current: crate::accounts::model::Roles) -> impl IntoView {
    let lang = use_lang();
    view! {
        <fieldset>
            <legend>{tr(Msg::Roles)}</legend>
            {Role::ALL.into_iter().map(|r| {
                let name = format!("role_{}", r.key());
                let id = format!("role-{}", r.key());
                let label_for = id.clone();
                view! {
                    <label class="check" for=label_for>
                        <input type="checkbox" id=id name=name value="on" checked=current.has(r) />
                        {move || r.label().text(lang.get())}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn UserNewPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    // A plain-form creation that failed comes back with the values typed in the URL.
    let typed = StoredValue::new(use_query_map().get_untracked());
    let field = move |k: &str| typed.with_value(|q| q.get(k).unwrap_or_default());
    let typed_roles = typed.with_value(|q| q.get("roles")).map(|r| {
        r.split(',')
            .filter_map(Role::from_key)
            .fold(crate::accounts::model::Roles::default(), |acc, r| {
                acc.with(r)
            })
    });
    let error = action_error(create);
    let units = Resource::new(|| (), |_| list_units());
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::NewUser)}</h1>
            <p><a href="/admin/users">{tr(Msg::BackToList)}</a></p>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || units.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! {
                        <ActionForm action=create attr:class="form">
                            <ErrorNotice error />
                            <label for="login">{tr(Msg::LoginName)}</label>
                            <input id="login" name="login" type="text" required maxlength="64" autocomplete="off" value=field("login") />
                            <label for="display_name">{tr(Msg::DisplayName)}</label>
                            <input id="display_name" name="display_name" type="text" required maxlength="100" value=field("display_name") />
                            <label for="unit_id">{tr(Msg::Unit)}</label>
                            <UnitSelect units=list.clone() name="unit_id" id="unit_id" selected=field("unit_id") required=true />
                            <RoleBoxes current=typed_roles.unwrap_or(crate::accounts::model::Roles { candidate: true, ..Default::default() }) />
                            <label for="scope_unit_id">{tr(Msg::ScopeUnit)}</label>
                            <UnitSelect units=list name="scope_unit_id" id="scope_unit_id" selected=field("scope_unit_id") blank=Msg::NoParent />
                            <p class="hint">{tr(Msg::ScopeUnitHint)}</p>
                            <label for="rank_tag">{tr(Msg::RankTag)}</label>
                            <input id="rank_tag" name="rank_tag" type="text" maxlength="100" value=field("rank_tag") />
                            <label for="email">{tr(Msg::UserEmail)}</label>
                            <input id="email" name="email" type="email" maxlength="254" autocomplete="off" value=field("email") />
                            <label for="initial_password">{tr(Msg::InitialPassword)}</label>
                            <input id="initial_password" name="initial_password" type="password" required minlength="8" maxlength="128" autocomplete="new-password" aria-describedby="ip-hint" />
                            <p id="ip-hint" class="hint">{tr(Msg::InitialPasswordHint)}" "{tr(Msg::PasswordRules)}</p>
                            <button type="submit">{tr(Msg::Create)}</button>
                        </ActionForm>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn UserEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let end = ServerAction::<EndUserSessions>::new();
    let user = Resource::new(
        move || (id(), update.version().get(), set_active.version().get()),
        |(id, _, _)| get_user(id),
    );
    let units = Resource::new(|| (), |_| list_units());
    let just_created = move || query.with(|q| q.get("saved").is_some());
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::EditUser)}</h1>
            <p><a href="/admin/users">{tr(Msg::BackToList)}</a></p>
            <SuccessNotice show=Signal::derive(move || just_created() || action_ok(update).get()) msg=Msg::Saved />
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || match (user.get(), units.get()) {
                    (Some(Ok(u)), Some(Ok(list))) => view! { <UserEditForms user=u units=list update set_active reset end /> }.into_any(),
                    (Some(Err(e)), _) | (_, Some(Err(e))) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    _ => ().into_any(),
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn UserEditForms(
    user: UserSummary,
    units: Vec<crate::accounts::model::UnitView>,
    update: ServerAction<UpdateUser>,
    set_active: ServerAction<SetUserActive>,
    reset: ServerAction<ResetPassword>,
    end: ServerAction<EndUserSessions>,
) -> impl IntoView {
    let id = user.id.to_string();
    let (id_update, id_active, id_reset, id_end) = (id.clone(), id.clone(), id.clone(), id);
    let lang = use_lang();
    let active = user.active;
    // A plain-form save that failed comes back with the values typed in the URL; they
    // win over the stored ones so nothing typed is lost.
    let typed = use_query_map().get_untracked();
    let retyped = typed.get("display_name").is_some();
    let pick = |k: &str, stored: String| {
        if retyped {
            typed.get(k).unwrap_or_default()
        } else {
            stored
        }
    };
    let display_name = pick("display_name", user.display_name.clone());
    let unit_id = pick("unit_id", user.unit_id.to_string());
    let scope_unit_id = pick(
        "scope_unit_id",
        user.scope_unit_id
            .map(|s| s.to_string())
            .unwrap_or_default(),
    );
    let rank_tag = pick("rank_tag", user.rank_tag.clone().unwrap_or_default());
    let email = pick("email", user.email.clone().unwrap_or_default());
    let roles = if retyped {
        typed
            .get("roles")
            .unwrap_or_default()
            .split(',')
            .filter_map(Role::from_key)
            .fold(crate::accounts::model::Roles::default(), |acc, r| {
                acc.with(r)
            })
    } else {
        user.roles
    };
    view! {
        <ActionForm action=update attr:class="form">
            <ErrorNotice error=action_error(update) />
            <input type="hidden" name="id" value=id_update />
            <p><strong>{tr(Msg::LoginName)}": "</strong>{user.login.clone()}</p>
            <label for="display_name">{tr(Msg::DisplayName)}</label>
            <input id="display_name" name="display_name" type="text" required maxlength="100" value=display_name />
            <label for="unit_id">{tr(Msg::Unit)}</label>
            <UnitSelect units=units.clone() name="unit_id" id="unit_id" selected=unit_id required=true />
            <RoleBoxes current=roles />
            <label for="scope_unit_id">{tr(Msg::ScopeUnit)}</label>
            <UnitSelect units name="scope_unit_id" id="scope_unit_id" selected=scope_unit_id blank=Msg::NoParent />
            <label for="rank_tag">{tr(Msg::RankTag)}</label>
            <input id="rank_tag" name="rank_tag" type="text" maxlength="100" value=rank_tag />
            <label for="email">{tr(Msg::UserEmail)}</label>
            <input id="email" name="email" type="email" maxlength="254" autocomplete="off" value=email />
            <button type="submit">{tr(Msg::Save)}</button>
        </ActionForm>

        <section class="actions" aria-labelledby="acct-actions">
            <h2 id="acct-actions">{tr(Msg::Actions)}</h2>
            <p>{tr(Msg::Status)}": "{move || if active { Msg::Active.text(lang.get()) } else { Msg::Disabled.text(lang.get()) }}</p>
            <ActionForm action=set_active>
                <ErrorNotice error=action_error(set_active) />
                <input type="hidden" name="id" value=id_active />
                <input type="hidden" name="active" value=if active { "false" } else { "true" } />
                <button type="submit">{move || if active { Msg::Disable.text(lang.get()) } else { Msg::Enable.text(lang.get()) }}</button>
            </ActionForm>
            <ActionForm action=reset attr:class="form inline">
                <ErrorNotice error=action_error(reset) />
                <SuccessNotice show=action_ok(reset) msg=Msg::PasswordResetDone />
                <input type="hidden" name="id" value=id_reset />
                <label for="reset_pw">{tr(Msg::NewPassword)}</label>
                <input id="reset_pw" name="new_password" type="password" required minlength="8" maxlength="128" autocomplete="new-password" />
                <button type="submit">{tr(Msg::ResetPassword)}</button>
            </ActionForm>
            <ActionForm action=end>
                <ErrorNotice error=action_error(end) />
                <SuccessNotice show=action_ok(end) msg=Msg::SessionsEnded />
                <input type="hidden" name="id" value=id_end />
                <button type="submit">{tr(Msg::EndSessions)}</button>
            </ActionForm>
        </section>
    }
}
