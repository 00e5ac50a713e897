//! One bank: its settings, its category tree, and its questions with filters kept in the
//! URL, pagination and bulk changes.
//!
//! Bulk changes work with and without JavaScript from the same `<form>`: it holds the
//! row checkboxes (`ids`, repeated) and posts to the plain handler
//! `POST /organize/banks/{id}/bulk`, which redirects back to the same filtered page.
//! With JavaScript the submission is taken over and sent to the `bulk_questions` server
//! function instead, so the page does not reload.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

use crate::i18n::Msg;
use crate::question_bank::api::{
    bank_share_codes, get_bank, list_categories, search_questions, BulkQuestions, CreateCategory,
    UpdateBank,
};
use crate::question_bank::model::{
    BankView, CategoryView, QuestionPage, QuestionQuery, QuestionSort, QuestionStatus,
    QuestionSummary, QuestionType,
};
use crate::ui::{
    action_error, action_ok, qs_encode, successes, tr, use_lang, ErrorNotice, Pager, SuccessNotice,
};

use super::{typed, typed_values, QueryError};

fn query_from(map: &ParamsMap, bank_id: &str) -> QuestionQuery {
    let get = |k: &str| map.get(k).unwrap_or_default();
    QuestionQuery {
        bank_id: bank_id.to_owned(),
        text: get("text"),
        category: get("category"),
        qtype: get("qtype"),
        difficulty: get("difficulty"),
        tag: get("tag"),
        status: get("status"),
        sort: get("sort"),
        page: map.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
    }
}

/// The filters as a query string (without the page), for links that keep them.
pub(super) fn filter_query(q: &QuestionQuery) -> String {
    [
        ("text", &q.text),
        ("category", &q.category),
        ("qtype", &q.qtype),
        ("difficulty", &q.difficulty),
        ("tag", &q.tag),
        ("status", &q.status),
        ("sort", &q.sort),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", qs_encode(v)))
    .collect::<Vec<_>>()
    .join("&")
}

fn with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[component]
pub fn BankPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let update = ServerAction::<UpdateBank>::new();
    let add_category = ServerAction::<CreateCategory>::new();
    let bulk = ServerAction::<BulkQuestions>::new();
    let (updated, added, bulked) = (successes(update), successes(add_category), successes(bulk));
    // The bank's question count changes with bulk status changes too.
    let bank = Resource::new(
        move || (id.get(), updated.get(), bulked.get()),
        |(id, _, _)| get_bank(id),
    );
    let categories = Resource::new(
        move || (id.get(), added.get(), bulked.get()),
        |(id, _, _)| list_categories(id),
    );
    let q = Memo::new(move |_| query.with(|m| query_from(m, &id.get())));
    let questions = Resource::new(
        move || (q.get(), bulked.get()),
        |(q, _)| search_questions(q),
    );
    let lang = use_lang();
    let saved = Signal::derive(move || {
        query.with(|m| m.get("saved").is_some())
            || action_ok(update).get()
            || action_ok(add_category).get()
    });
    // The count of a bulk change: from the server function with JavaScript, from the
    // plain handler's redirect without.
    let bulk_done = move || {
        bulk.value()
            .get()
            .and_then(|r| r.ok())
            .or_else(|| query.with(|m| m.get("bulk")).and_then(|n| n.parse().ok()))
    };
    view! {
        <main id="main" class="page">
            <p><a href="/organize/banks">{tr(Msg::BackToBanks)}</a></p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || bank.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(b) => view! { <BankHeader bank=b filters=Signal::derive(move || filter_query(&q.get())) /> }.into_any(),
                })}
            </Transition>
            <SuccessNotice show=saved msg=Msg::Saved />
            {move || bulk_done().map(|n: u64| view! {
                <p class="notice ok" role="status">{Msg::BulkDone.text(lang.get()).replace("{n}", &n.to_string())}</p>
            })}
            <QueryError />
            <div class="bank-layout">
                <Transition fallback=|| ()>
                    {move || match (bank.get(), categories.get()) {
                        (Some(Ok(b)), Some(Ok(list))) => view! {
                            <CategoryPanel bank_id=b.id.to_string() editable=b.editable categories=list q add_category />
                        }.into_any(),
                        (_, Some(Err(e))) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        _ => ().into_any(),
                    }}
                </Transition>
                <section class="bank-questions" aria-labelledby="questions-h">
                    <h2 id="questions-h">{tr(Msg::QuestionsTitle)}</h2>
                    <Filters q categories />
                    <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                        {move || match (bank.get(), questions.get()) {
                            (_, Some(Err(e))) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                            (Some(Ok(b)), Some(Ok(page))) => {
                                let cats = categories.get().and_then(|r| r.ok()).unwrap_or_default();
                                view! { <QuestionList bank=b page categories=cats q=q.get() bulk /> }.into_any()
                            }
                            _ => ().into_any(),
                        }}
                    </Transition>
                </section>
            </div>
            <Transition fallback=|| ()>
                {move || bank.get().and_then(|r| r.ok()).filter(|b| b.editable).map(|b| view! { <BankSettings bank=b update /> })}
            </Transition>
        </main>
    }
    .into_any()
}

/// Name, owner, sharing, and the ways in and out of the bank.
#[component]
fn BankHeader(bank: BankView, filters: Signal<String>) -> impl IntoView {
    let lang = use_lang();
    let id = bank.id.to_string();
    let shared: Vec<String> = bank.shared_with.iter().map(|(_, n)| n.clone()).collect();
    let shared = move || {
        if shared.is_empty() {
            Msg::NotShared.text(lang.get()).to_owned()
        } else {
            shared.join("、")
        }
    };
    let (xlsx_id, xml_id) = (id.clone(), id.clone());
    let xlsx = move || {
        with_query(
            &format!("/organize/banks/{xlsx_id}/export.xlsx"),
            &filters.get(),
        )
    };
    let xml = move || {
        with_query(
            &format!("/organize/banks/{xml_id}/export.xml"),
            &filters.get(),
        )
    };
    view! {
        <h1>{bank.name.clone()}</h1>
        <dl class="facts">
            <div><dt>{tr(Msg::BankOwner)}</dt><dd>{bank.owner_unit_name.clone()}</dd></div>
            <div><dt>{tr(Msg::BankQuestionCount)}</dt><dd>{bank.question_count}</dd></div>
            <div><dt>{tr(Msg::BankSharedWith)}</dt><dd>{shared}</dd></div>
        </dl>
        {(!bank.editable).then(|| view! { <p class="notice info">{tr(Msg::ReadOnlyBankNotice)}</p> })}
        <p class="toolbar">
            {bank.editable.then(|| {
                let (new_href, import_href) = (format!("/organize/banks/{id}/questions/new"), format!("/organize/banks/{id}/import"));
                view! {
                    <a class="button" href=new_href>{tr(Msg::NewQuestion)}</a>
                    <a class="button secondary" href=import_href>{tr(Msg::ImportQuestions)}</a>
                }
            })}
            <a href=xlsx download aria-describedby="export-hint">{tr(Msg::ExportXlsx)}</a>
            <a href=xml download aria-describedby="export-hint">{tr(Msg::ExportMoodleXml)}</a>
        </p>
        <p id="export-hint" class="hint">{tr(Msg::ExportHint)}</p>
    }
    .into_any()
}

/// The category tree as links that filter the list, and the form to add a category.
#[component]
fn CategoryPanel(
    bank_id: String,
    editable: bool,
    categories: Vec<CategoryView>,
    q: Memo<QuestionQuery>,
    add_category: ServerAction<CreateCategory>,
) -> impl IntoView {
    let lang = use_lang();
    let base = StoredValue::new(format!("/organize/banks/{bank_id}"));
    // A link to the list filtered by `category` (empty = all), the other filters kept.
    let href = move |category: String| {
        let mut query = q.get();
        query.category = category;
        base.with_value(|b| with_query(b, &filter_query(&query)))
    };
    let current = move |c: &str| (q.get().category == c).then_some("page");
    let typed_path = typed_values("path")
        .map(|m| typed(&m, "path"))
        .unwrap_or_default();
    view! {
        <nav class="categories" aria-labelledby="cat-h">
            <h2 id="cat-h">{tr(Msg::Categories)}</h2>
            <ul class="tree">
                <li><a href=move || href(String::new()) aria-current=move || current("")>{tr(Msg::AnyCategory)}</a></li>
                {categories.iter().map(|c| {
                    let cid = c.id.to_string();
                    let (cid_href, cid_cur) = (cid.clone(), cid);
                    let indent = format!("padding-left: {}em", 0.25 + 1.25 * c.depth as f32);
                    let count = c.question_count;
                    view! {
                        <li style=indent>
                            <a href=move || href(cid_href.clone()) aria-current=move || current(&cid_cur) aria-label=c.path.clone()>{c.name.clone()}</a>
                            " "
                            <span class="count">{move || Msg::CategoryCount.text(lang.get()).replace("{n}", &count.to_string())}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {categories.is_empty().then(|| view! { <p class="hint">{tr(Msg::NoCategories)}</p> })}
            {editable.then(|| view! {
                <ActionForm action=add_category attr:class="form">
                    <ErrorNotice error=action_error(add_category) />
                    <input type="hidden" name="bank_id" value=bank_id.clone() />
                    <label for="cat-path">{tr(Msg::NewCategory)}</label>
                    <input id="cat-path" name="path" type="text" required maxlength="400" aria-describedby="cat-path-hint" value=typed_path.clone() />
                    <p id="cat-path-hint" class="hint">{tr(Msg::CategoryPathHint)}</p>
                    <button type="submit">{tr(Msg::Create)}</button>
                </ActionForm>
            })}
        </nav>
    }
    .into_any()
}

/// The GET form of filters; everything it sets ends up in the URL.
#[component]
fn Filters(
    q: Memo<QuestionQuery>,
    categories: Resource<Result<Vec<CategoryView>, crate::error::AppError>>,
) -> impl IntoView {
    let lang = use_lang();
    let action = move || format!("/organize/banks/{}", q.get().bank_id);
    view! {
        <form method="get" action=action class="filters" role="search" aria-label=tr(Msg::QuestionsTitle)>
            <div>
                <label for="f-text">{tr(Msg::FilterText)}</label>
                <input id="f-text" name="text" type="search" value=move || q.get().text />
            </div>
            <div>
                <label for="f-category">{tr(Msg::FilterCategory)}</label>
                <Transition fallback=move || view! { <CategorySelect list=Vec::new() selected=String::new() /> }>
                    {move || {
                        let list = categories.get().and_then(|r| r.ok()).unwrap_or_default();
                        view! { <CategorySelect list selected=q.get().category /> }
                    }}
                </Transition>
            </div>
            <div>
                <label for="f-qtype">{tr(Msg::FilterType)}</label>
                <select id="f-qtype" name="qtype">
                    <option value="">{tr(Msg::All)}</option>
                    {QuestionType::ALL.into_iter().map(|t| view! {
                        <option value=t.key() selected=move || q.get().qtype == t.key()>{move || t.label().text(lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-difficulty">{tr(Msg::FilterDifficulty)}</label>
                <select id="f-difficulty" name="difficulty">
                    <option value="">{tr(Msg::AnyDifficulty)}</option>
                    {(1..=5u8).map(|d| view! {
                        <option value=d.to_string() selected=move || q.get().difficulty == d.to_string()>{d}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-tag">{tr(Msg::FilterTag)}</label>
                <input id="f-tag" name="tag" type="text" value=move || q.get().tag />
            </div>
            <div>
                <label for="f-status">{tr(Msg::Status)}</label>
                <select id="f-status" name="status">
                    <option value="">{tr(Msg::All)}</option>
                    {QuestionStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.key() selected=move || q.get().status == s.key()>{move || s.label().text(lang.get())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="f-sort">{tr(Msg::SortBy)}</label>
                <select id="f-sort" name="sort">
                    {QuestionSort::ALL.into_iter().map(|s| {
                        let label = sort_label(s);
                        view! {
                            <option value=s.key() selected=move || QuestionSort::from_key(&q.get().sort) == s>{move || label.text(lang.get())}</option>
                        }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">{tr(Msg::Filter)}</button>
        </form>
    }
    .into_any()
}

#[component]
fn CategorySelect(list: Vec<CategoryView>, selected: String) -> impl IntoView {
    view! {
        <select id="f-category" name="category">
            <option value="">{tr(Msg::AnyCategory)}</option>
            {list.into_iter().map(|c| {
                let value = c.id.to_string();
                let is_selected = value == selected;
                view! { <option value=value selected=is_selected>{c.path}</option> }
            }).collect_view()}
        </select>
    }
    .into_any()
}

fn sort_label(s: QuestionSort) -> Msg {
    match s {
        QuestionSort::UpdatedDesc => Msg::SortUpdatedDesc,
        QuestionSort::UpdatedAsc => Msg::SortUpdatedAsc,
        QuestionSort::DifficultyAsc => Msg::SortDifficultyAsc,
        QuestionSort::DifficultyDesc => Msg::SortDifficultyDesc,
        QuestionSort::Stem => Msg::SortStem,
    }
}

/// The first characters of a stem, for a table cell.
pub(super) fn snippet(stem: &str, max: usize) -> String {
    let line = stem.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(max).collect();
    if line.chars().count() > max || stem.lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

/// The page of questions; for an editable bank, inside the bulk form.
#[component]
fn QuestionList(
    bank: BankView,
    page: QuestionPage,
    categories: Vec<CategoryView>,
    q: QuestionQuery,
    bulk: ServerAction<BulkQuestions>,
) -> impl IntoView {
    if page.items.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoResults)}</p> }.into_any();
    }
    let pages = (page.total.div_ceil(u64::from(page.per_page.max(1))).max(1)) as u32;
    let filters = filter_query(&q);
    let pager =
        view! { <Pager page=page.page pages total=page.total base_query=filters.clone() /> };
    if !bank.editable {
        return view! { <QuestionTable items=page.items selected=None />{pager} }.into_any();
    }
    // Where the plain handler sends the browser back to: this very page of the list.
    let back = if page.page > 1 {
        [filters.as_str(), &format!("page={}", page.page)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&")
    } else {
        filters
    };
    view! { <BulkForm bank_id=bank.id.to_string() items=page.items categories back bulk />{pager} }
        .into_any()
}

/// The checked rows, the chosen change and its arguments, mirrored in signals so that
/// with JavaScript the form can be sent to the server function; the inputs are bound to
/// them, so what is shown is always what is sent.
#[derive(Clone, Copy)]
struct Selection {
    ids: RwSignal<Vec<String>>,
    action: RwSignal<String>,
    category: RwSignal<String>,
    tag: RwSignal<String>,
}

#[component]
fn BulkForm(
    bank_id: String,
    items: Vec<QuestionSummary>,
    categories: Vec<CategoryView>,
    back: String,
    bulk: ServerAction<BulkQuestions>,
) -> impl IntoView {
    let lang = use_lang();
    let sel = Selection {
        ids: RwSignal::new(Vec::new()),
        action: RwSignal::new("retire".to_owned()),
        category: RwSignal::new(String::new()),
        tag: RwSignal::new(String::new()),
    };
    let post_to = format!("/organize/banks/{bank_id}/bulk");
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        bulk.dispatch(BulkQuestions {
            bank_id: bank_id.clone(),
            ids: sel.ids.get_untracked().join(","),
            action: sel.action.get_untracked(),
            category: sel.category.get_untracked(),
            tag: sel.tag.get_untracked(),
        });
    };
    let actions = [
        ("retire", Msg::BulkRetire),
        ("activate", Msg::BulkActivate),
        ("draft", Msg::BulkDraft),
        ("move", Msg::BulkMove),
        ("tag", Msg::BulkAddTag),
    ];
    view! {
        <form method="post" action=post_to on:submit=on_submit autocomplete="off" aria-labelledby="bulk-h">
            <input type="hidden" name="back" value=back />
            <QuestionTable items selected=Some(sel) />
            <fieldset class="bulk">
                <legend id="bulk-h">{tr(Msg::BulkTitle)}</legend>
                <ErrorNotice error=action_error(bulk) />
                <div>
                    <label for="bulk-action">{tr(Msg::BulkActionLabel)}</label>
                    <select id="bulk-action" name="action" prop:value=move || sel.action.get() on:change=move |ev| sel.action.set(event_target_value(&ev))>
                        {actions.into_iter().map(|(key, msg)| view! {
                            <option value=key selected=move || sel.action.get() == key>{move || msg.text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="bulk-category">{tr(Msg::BulkTargetCategory)}</label>
                    <select id="bulk-category" name="category" prop:value=move || sel.category.get() on:change=move |ev| sel.category.set(event_target_value(&ev))>
                        <option value="">{tr(Msg::DiffUncategorised)}</option>
                        {categories.into_iter().map(|c| view! { <option value=c.id.to_string()>{c.path}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="bulk-tag">{tr(Msg::BulkTag)}</label>
                    <input id="bulk-tag" name="tag" type="text" maxlength="30" prop:value=move || sel.tag.get() on:input=move |ev| sel.tag.set(event_target_value(&ev)) />
                </div>
                <button type="submit">{tr(Msg::BulkApply)}</button>
            </fieldset>
        </form>
    }
    .into_any()
}

/// The rows; with a selection, each row starts with its checkbox.
#[component]
fn QuestionTable(items: Vec<QuestionSummary>, selected: Option<Selection>) -> impl IntoView {
    let lang = use_lang();
    let all_ids: Vec<String> = items.iter().map(|i| i.id.to_string()).collect();
    // "Select all" needs JavaScript, so it appears only once the page is hydrated.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let select_all = selected.map(|sel| {
        let all = StoredValue::new(all_ids);
        let checked = move || sel.ids.with(|ids| all.with_value(|a| a.iter().all(|i| ids.contains(i))));
        view! {
            <th scope="col">
                {move || {
                    if hydrated.get() {
                        view! {
                            <input type="checkbox" aria-label=tr(Msg::SelectAllOnPage) prop:checked=checked
                                on:change=move |ev| sel.ids.set(if event_target_checked(&ev) { all.get_value() } else { Vec::new() }) />
                        }.into_any()
                    } else {
                        view! { <span class="sr-only">{tr(Msg::ColSelect)}</span> }.into_any()
                    }
                }}
            </th>
        }
    });
    view! {
        <table class="grid questions">
            <thead>
                <tr>
                    {select_all}
                    <th scope="col">{tr(Msg::ColStem)}</th>
                    <th scope="col">{tr(Msg::ColType)}</th>
                    <th scope="col">{tr(Msg::ColCategory)}</th>
                    <th scope="col">{tr(Msg::ColDifficulty)}</th>
                    <th scope="col">{tr(Msg::ColTags)}</th>
                    <th scope="col">{tr(Msg::ColPoints)}</th>
                    <th scope="col">{tr(Msg::Status)}</th>
                    <th scope="col">{tr(Msg::ColVersion)}</th>
                    <th scope="col">{tr(Msg::ColUpdated)}</th>
                </tr>
            </thead>
            <tbody>
                {items.into_iter().map(|item| {
                    let id = item.id.to_string();
                    let href = format!("/organize/questions/{id}");
                    let stem = snippet(&item.stem, 60);
                    let (qtype, status) = (item.qtype, item.status);
                    let check = selected.map(|sel| {
                        let (id_checked, id_change) = (id.clone(), id.clone());
                        let label_stem = stem.clone();
                        let label = move || format!("{}：{}", Msg::SelectQuestion.text(lang.get()), label_stem);
                        view! {
                            <td>
                                <input type="checkbox" name="ids" value=id.clone() aria-label=label
                                    prop:checked=move || sel.ids.with(|ids| ids.contains(&id_checked))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        sel.ids.update(|ids| {
                                            ids.retain(|i| i != &id_change);
                                            if on { ids.push(id_change.clone()); }
                                        });
                                    } />
                            </td>
                        }
                    });
                    view! {
                        <tr class:retired={status == QuestionStatus::Retired}>
                            {check}
                            <td><a href=href>{stem}</a></td>
                            <td>{move || qtype.label().text(lang.get())}</td>
                            <td>{if item.category_path.is_empty() { None } else { Some(item.category_path.clone()) }}</td>
                            <td class="num">{item.difficulty}</td>
                            <td>{item.tags.join("、")}</td>
                            <td class="num">{item.points.to_string()}</td>
                            <td>{move || status.label().text(lang.get())}</td>
                            <td class="num">{item.version_no}</td>
                            <td>{item.updated_at.display_cst()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Rename and sharing, for the bank's owners.
#[component]
fn BankSettings(bank: BankView, update: ServerAction<UpdateBank>) -> impl IntoView {
    let id = bank.id.to_string();
    let bank_id = bank.id;
    let codes = Resource::new(move || bank_id.to_string(), bank_share_codes);
    let typed_back = typed_values("name");
    let name = typed_back
        .as_ref()
        .map(|m| typed(m, "name"))
        .unwrap_or_else(|| bank.name.clone());
    let typed_shares = typed_back.as_ref().map(|m| typed(m, "shares"));
    view! {
        <section aria-labelledby="settings-h">
            <h2 id="settings-h">{tr(Msg::BankSettings)}</h2>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || codes.get().map(|r| {
                    let shares = typed_shares.clone().unwrap_or_else(|| r.unwrap_or_default().join(", "));
                    let (id, name) = (id.clone(), name.clone());
                    view! {
                        <ActionForm action=update attr:class="form">
                            <ErrorNotice error=action_error(update) />
                            <input type="hidden" name="id" value=id />
                            <label for="bank-name">{tr(Msg::BankName)}</label>
                            <input id="bank-name" name="name" type="text" required maxlength="100" value=name />
                            <label for="bank-shares">{tr(Msg::BankShares)}</label>
                            <input id="bank-shares" name="shares" type="text" maxlength="2000" aria-describedby="bank-shares-hint" value=shares />
                            <p id="bank-shares-hint" class="hint">{tr(Msg::BankSharesHint)}</p>
                            <button type="submit">{tr(Msg::Save)}</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_query_keeps_only_set_filters_encoded() {
        let q = QuestionQuery {
            bank_id: "b".into(),
            text: "党 章".into(),
            qtype: "single".into(),
            page: 3,
            ..Default::default()
        };
        assert_eq!(filter_query(&q), "text=%E5%85%9A%20%E7%AB%A0&qtype=single");
        assert_eq!(filter_query(&QuestionQuery::default()), "");
    }

    #[test]
    fn snippets_are_cut_at_the_first_line_or_the_limit() {
        assert_eq!(snippet("短题干", 10), "短题干");
        assert_eq!(snippet("一二三四五", 3), "一二三…");
        assert_eq!(snippet("第一行\n第二行", 10), "第一行…");
    }
}
