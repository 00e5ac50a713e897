//! Importing questions into a bank: template download, upload, a preview of new,
//! duplicate, invalid and skipped items, the duplicate policy, and the commit.
//!
//! The upload is a plain multipart form posted to
//! `/organize/banks/{id}/import/upload`, which works with or without JavaScript; the
//! handler redirects to the preview, or back here with `?error=<message key>`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::error::AppError;
use crate::i18n::Msg;
use crate::question_bank::api::{get_bank, get_question_import, CommitQuestionImport};
use crate::question_bank::model::{
    ImportItemStatus, ImportItemView, ImportOutcome, QuestionImportPreview,
};
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

use super::questions::snippet;
use super::QueryError;

/// File types the importer reads (see `formats::parse_file`).
const ACCEPT: &str = ".xlsx,.xlsm,.xls,.csv,.xml,.gift,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel,text/csv,text/xml,application/xml,text/plain";

#[component]
pub fn QuestionImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let bank = Resource::new(move || id.get(), get_bank);
    let busy = RwSignal::new(false);
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::QuestionImportTitle)}</h1>
            <p><a href=move || format!("/organize/banks/{}", id.get())>{tr(Msg::BackToBank)}</a></p>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || bank.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(b) if !b.editable => view! { <ErrorNotice error=Signal::derive(|| Some(AppError::Forbidden)) /> }.into_any(),
                    Ok(b) => view! {
                        <p class="lead">{tr(Msg::BankName)}": "<strong>{b.name}</strong></p>
                        <p>{tr(Msg::QuestionImportIntro)}</p>
                        <p class="downloads">
                            <a href="/organize/question-template.xlsx" download>{tr(Msg::DownloadTemplateXlsx)}</a>
                        </p>
                        <QueryError />
                        <form
                            method="post"
                            action=format!("/organize/banks/{}/import/upload", b.id)
                            enctype="multipart/form-data"
                            class="form"
                            on:submit=move |_| busy.set(true)
                        >
                            <label for="qfile">{tr(Msg::QuestionFileLabel)}</label>
                            <input id="qfile" name="file" type="file" required accept=ACCEPT />
                            <button type="submit" disabled=move || busy.get()>{tr(Msg::Upload)}</button>
                            {move || busy.get().then(|| view! {
                                <p role="status"><progress aria-label=tr(Msg::Processing)></progress>" "{tr(Msg::Processing)}</p>
                            })}
                        </form>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
pub fn QuestionImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let commit = ServerAction::<CommitQuestionImport>::new();
    let preview = Resource::new(
        move || (id.get(), commit.version().get()),
        |(id, _)| get_question_import(id),
    );
    // The counts of the commit: from the server function with JavaScript, from the
    // redirect it asks for (`?created=…&overwritten=…&skipped=…`) without.
    let done = Signal::derive(move || {
        commit.value().get().and_then(|r| r.ok()).or_else(|| {
            query.with(|q| {
                let n = |k: &str| q.get(k).and_then(|v| v.parse::<u32>().ok());
                Some(ImportOutcome {
                    created: n("created")?,
                    overwritten: n("overwritten")?,
                    skipped: n("skipped")?,
                })
            })
        })
    });
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::QuestionImportPreviewTitle)}</h1>
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || preview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(p) => view! { <PreviewBody preview=p commit done /> }.into_any(),
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
fn PreviewBody(
    preview: QuestionImportPreview,
    commit: ServerAction<CommitQuestionImport>,
    done: Signal<Option<ImportOutcome>>,
) -> impl IntoView {
    let lang = use_lang();
    let bank_href = format!("/organize/banks/{}", preview.bank_id);
    let importable = preview.new_count + preview.duplicate_count;
    let outcome = {
        let bank_href = bank_href.clone();
        move || {
            done.get().map(|o| {
                let text = Msg::QuestionImportDone
                    .text(lang.get())
                    .replace("{c}", &o.created.to_string())
                    .replace("{o}", &o.overwritten.to_string())
                    .replace("{s}", &o.skipped.to_string());
                view! { <p class="notice ok" role="status">{text}" "<a href=bank_href.clone()>{tr(Msg::BackToBank)}</a></p> }
            })
        }
    };
    let action = if preview.committed {
        // Right after the commit the outcome above says it all.
        let bank_href = bank_href.clone();
        (move || {
            done.get().is_none().then(|| view! {
                <p class="notice info" role="status">
                    {tr(Msg::ImportAlreadyCommitted)}" "<a href=bank_href.clone()>{tr(Msg::BackToBank)}</a>
                </p>
            })
        })
        .into_any()
    } else if importable == 0 {
        view! {
            <p class="notice error" role="alert">{tr(Msg::QuestionImportNothing)}</p>
            <p><a href=bank_href.clone()>{tr(Msg::BackToBank)}</a></p>
        }
        .into_any()
    } else {
        view! { <CommitForm id=preview.id.clone() duplicates=preview.duplicate_count commit /> }
            .into_any()
    };
    view! {
        {outcome}
        <p>{preview.file_name.clone()}</p>
        <dl class="stats">
            <div><dt>{tr(Msg::ImportStatusNew)}</dt><dd>{preview.new_count}</dd></div>
            <div><dt>{tr(Msg::ImportStatusDuplicate)}</dt><dd>{preview.duplicate_count}</dd></div>
            <div><dt>{tr(Msg::ImportStatusInvalid)}</dt><dd>{preview.invalid_count}</dd></div>
            <div><dt>{tr(Msg::ImportStatusSkipped)}</dt><dd>{preview.skipped_count}</dd></div>
        </dl>
        {action}
        <ItemTable items=preview.items />
    }
    .into_any()
}

/// The duplicate policy (asked only when there are duplicates) and the commit button.
#[component]
fn CommitForm(
    id: String,
    duplicates: u32,
    commit: ServerAction<CommitQuestionImport>,
) -> impl IntoView {
    view! {
        <ActionForm action=commit attr:class="form">
            <ErrorNotice error=action_error(commit) />
            <input type="hidden" name="id" value=id />
            {if duplicates > 0 {
                view! {
                    <fieldset>
                        <legend>{tr(Msg::DuplicatePolicyLabel)}</legend>
                        <label class="check" for="dup-skip">
                            <input id="dup-skip" type="radio" name="duplicates" value="skip" checked />
                            {tr(Msg::DuplicateSkip)}
                        </label>
                        <label class="check" for="dup-overwrite">
                            <input id="dup-overwrite" type="radio" name="duplicates" value="overwrite" />
                            {tr(Msg::DuplicateOverwrite)}
                        </label>
                    </fieldset>
                }.into_any()
            } else {
                view! { <input type="hidden" name="duplicates" value="skip" /> }.into_any()
            }}
            <button type="submit">{tr(Msg::CommitQuestionImport)}</button>
        </ActionForm>
    }
    .into_any()
}

fn status_label(s: ImportItemStatus) -> Msg {
    match s {
        ImportItemStatus::New => Msg::ImportStatusNew,
        ImportItemStatus::Duplicate => Msg::ImportStatusDuplicate,
        ImportItemStatus::Invalid => Msg::ImportStatusInvalid,
        ImportItemStatus::Skipped => Msg::ImportStatusSkipped,
    }
}

#[component]
fn ItemTable(items: Vec<ImportItemView>) -> impl IntoView {
    let lang = use_lang();
    if items.is_empty() {
        return ().into_any();
    }
    view! {
        <h2 id="items-h">{tr(Msg::ImportItemsTitle)}</h2>
        <p class="hint">{tr(Msg::ImportItemsHint)}</p>
        <table class="grid" aria-labelledby="items-h">
            <thead><tr>
                <th scope="col">{tr(Msg::ImportLocation)}</th>
                <th scope="col">{tr(Msg::Status)}</th>
                <th scope="col">{tr(Msg::ColType)}</th>
                <th scope="col">{tr(Msg::ColStem)}</th>
                <th scope="col">{tr(Msg::ImportProblems)}</th>
            </tr></thead>
            <tbody>
                {items.into_iter().map(|item| {
                    let locator = item.locator;
                    let status = item.status;
                    let qtype = item.qtype;
                    let problems = item.problems.clone();
                    let duplicate = (status == ImportItemStatus::Duplicate).then(|| match item.duplicate_of {
                        Some(q) => view! {
                            {tr(Msg::ImportDuplicateOfExisting)}" "
                            <a href=format!("/organize/questions/{q}")>{tr(Msg::ViewExisting)}</a>
                        }.into_any(),
                        None => view! { {tr(Msg::ImportDuplicateInFile)} }.into_any(),
                    });
                    view! {
                        <tr class=format!("item-{}", status_class(status))>
                            <td>{move || locator.text(lang.get())}</td>
                            <td>{move || status_label(status).text(lang.get())}</td>
                            <td>{move || qtype.map(|t| t.label().text(lang.get())).unwrap_or("")}</td>
                            <td>{snippet(&item.stem, 80)}</td>
                            <td>
                                {duplicate}
                                {(!problems.is_empty()).then(|| view! {
                                    <ul class="problems">
                                        {problems.into_iter().map(|p| view! { <li>{move || p.message(lang.get())}</li> }).collect_view()}
                                    </ul>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

fn status_class(s: ImportItemStatus) -> &'static str {
    match s {
        ImportItemStatus::New => "new",
        ImportItemStatus::Duplicate => "duplicate",
        ImportItemStatus::Invalid => "invalid",
        ImportItemStatus::Skipped => "skipped",
    }
}
