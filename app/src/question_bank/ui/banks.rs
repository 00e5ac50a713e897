//! The list of question banks the viewer may use, and the form to create one.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::question_bank::api::{list_banks, CreateBank};
use crate::question_bank::model::BankView;
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::{typed, typed_values};

#[component]
pub fn BanksPage() -> impl IntoView {
    let create = ServerAction::<CreateBank>::new();
    let banks = Resource::new(|| (), |_| list_banks());
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::BanksTitle)}</h1>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || banks.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! { <BankTable banks=list /> }.into_any(),
                })}
            </Suspense>
            <NewBankForm create />
        </main>
    }
    .into_any()
}

#[component]
fn BankTable(banks: Vec<BankView>) -> impl IntoView {
    let lang = use_lang();
    if banks.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoBanks)}</p> }.into_any();
    }
    view! {
        <table class="grid">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::BankName)}</th>
                    <th scope="col">{tr(Msg::BankOwner)}</th>
                    <th scope="col">{tr(Msg::BankQuestionCount)}</th>
                    <th scope="col">{tr(Msg::BankSharedWith)}</th>
                    <th scope="col">{tr(Msg::BankAccess)}</th>
                </tr>
            </thead>
            <tbody>
                {banks.into_iter().map(|b| {
                    let href = format!("/organize/banks/{}", b.id);
                    let editable = b.editable;
                    let shared: Vec<String> = b.shared_with.iter().map(|(_, n)| n.clone()).collect();
                    let shared = move || {
                        if shared.is_empty() {
                            Msg::NotShared.text(lang.get()).to_owned()
                        } else {
                            shared.join("、")
                        }
                    };
                    let access = move || {
                        if editable { Msg::BankEditable } else { Msg::BankReadOnlyShared }.text(lang.get())
                    };
                    view! {
                        <tr>
                            <td><a href=href>{b.name.clone()}</a></td>
                            <td>{b.owner_unit_name.clone()}</td>
                            <td class="num">{b.question_count}</td>
                            <td>{shared}</td>
                            <td>{access}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Creating a bank leads to its page; the bank belongs to the viewer's scope unit.
#[component]
fn NewBankForm(create: ServerAction<CreateBank>) -> impl IntoView {
    let name = typed_values("name")
        .map(|m| typed(&m, "name"))
        .unwrap_or_default();
    view! {
        <section aria-labelledby="new-bank-h">
            <h2 id="new-bank-h">{tr(Msg::NewBank)}</h2>
            <ActionForm action=create attr:class="form inline">
                <ErrorNotice error=action_error(create) />
                <label for="bank-name">{tr(Msg::BankName)}</label>
                <input id="bank-name" name="name" type="text" required maxlength="100" value=name />
                <button type="submit">{tr(Msg::Create)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
