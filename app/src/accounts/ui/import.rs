//! Bulk user import: template download, upload, preview of good and bad rows, commit.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::accounts::api::{get_import, CommitImport};
use crate::accounts::model::ImportPreview;
use crate::i18n::Msg;
use crate::ui::{action_error, tr, use_lang, ErrorNotice};

/// The upload is a plain multipart form posted to `/admin/import/upload`, which works
/// with or without JavaScript; errors come back as `?error=<message key>`.
#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let upload_error = move || {
        query
            .with(|q| q.get("error"))
            .and_then(|k| serde_json::from_str::<Msg>(&format!("\"{k}\"")).ok())
    };
    let busy = RwSignal::new(false);
    view! {
        <main id="main" class="page narrow">
            <h1>{tr(Msg::ImportTitle)}</h1>
            <p>{tr(Msg::ImportIntro)}</p>
            <p class="downloads">
                <a href="/admin/import/template.xlsx" download>{tr(Msg::DownloadTemplateXlsx)}</a>
                " · "
                <a href="/admin/import/template.csv" download>{tr(Msg::DownloadTemplateCsv)}</a>
            </p>
            {move || upload_error().map(|m| view! { <p class="notice error" role="alert">{m.text(lang.get())}</p> })}
            <form method="post" action="/admin/import/upload" enctype="multipart/form-data" class="form" on:submit=move |_| busy.set(true)>
                <label for="file">{tr(Msg::ImportFile)}</label>
                <input id="file" name="file" type="file" required accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv" />
                <label for="initial_password">{tr(Msg::ImportInitialPassword)}</label>
                <input id="initial_password" name="initial_password" type="password" required minlength="8" maxlength="128" autocomplete="new-password" aria-describedby="ip-hint" />
                <p id="ip-hint" class="hint">{tr(Msg::InitialPasswordHint)}" "{tr(Msg::PasswordRules)}</p>
                <button type="submit" disabled=move || busy.get()>{tr(Msg::Upload)}</button>
                {move || busy.get().then(|| view! {
                    <p role="status"><progress aria-label=tr(Msg::Processing)></progress>" "{tr(Msg::Processing)}</p>
                })}
            </form>
        </main>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let commit = ServerAction::<CommitImport>::new();
    let query = use_query_map();
    let preview = Resource::new(
        move || (id(), commit.version().get()),
        |(id, _)| get_import(id),
    );
    let lang = use_lang();
    let done = move || {
        commit.value().get().and_then(|r| r.ok()).or_else(|| {
            query
                .with(|q| q.get("done"))
                .and_then(|n| n.parse::<u64>().ok())
        })
    };
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::PreviewTitle)}</h1>
            <p><a href="/admin/import">{tr(Msg::ImportTitle)}</a></p>
            {move || done().map(|n| view! {
                <p class="notice ok" role="status">{Msg::ImportDone.text(lang.get()).replace("{n}", &n.to_string())}" "<a href="/admin/users">{tr(Msg::NavUsers)}</a></p>
            })}
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || preview.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(p) => view! { <PreviewBody preview=p commit /> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn PreviewBody(preview: ImportPreview, commit: ServerAction<CommitImport>) -> impl IntoView {
    let lang = use_lang();
    let good = preview.good.len();
    let bad_rows = {
        let mut rows: Vec<u32> = preview.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    };
    let committed = preview.committed_at.is_some();
    let id = preview.id.to_string();
    let file_name = preview.file_name.clone();
    view! {
        <p>{file_name}</p>
        <dl class="stats">
            <div><dt>{tr(Msg::PreviewGood)}</dt><dd>{good}</dd></div>
            <div><dt>{tr(Msg::PreviewBad)}</dt><dd>{bad_rows}</dd></div>
        </dl>
        {(!preview.errors.is_empty()).then(|| view! {
            <h2 id="preview-errors">{tr(Msg::PreviewErrors)}</h2>
            <table class="grid errors" aria-labelledby="preview-errors">
                <thead><tr>
                    <th scope="col">{tr(Msg::Row)}</th>
                    <th scope="col">{tr(Msg::Column)}</th>
                    <th scope="col">{tr(Msg::Reason)}</th>
                </tr></thead>
                <tbody>
                    {preview.errors.iter().cloned().map(|e| view! {
                        <tr><td>{e.row}</td><td>{e.column}</td><td>{move || e.reason.text(lang.get())}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {if committed {
            view! { <p class="notice info" role="status">{tr(Msg::ImportAlreadyCommitted)}</p> }.into_any()
        } else if good == 0 {
            view! { <p class="notice error" role="alert">{tr(Msg::ImportNothingToCommit)}</p> }.into_any()
        } else {
            view! {
                <ActionForm action=commit>
                    <ErrorNotice error=action_error(commit) />
                    <input type="hidden" name="id" value=id />
                    <button type="submit">{move || Msg::CommitImport.text(lang.get()).replace("{n}", &good.to_string())}</button>
                </ActionForm>
            }.into_any()
        }}
        <h2 id="preview-good">{tr(Msg::PreviewGood)}</h2>
        <table class="grid" aria-labelledby="preview-good">
            <thead><tr>
                <th scope="col">{tr(Msg::Row)}</th>
                <th scope="col">{tr(Msg::LoginName)}</th>
                <th scope="col">{tr(Msg::DisplayName)}</th>
                <th scope="col">{tr(Msg::UnitCode)}</th>
                <th scope="col">{tr(Msg::Roles)}</th>
            </tr></thead>
            <tbody>
                {preview.good.into_iter().take(200).map(|r| {
                    let roles = r.roles;
                    view! {
                        <tr><td>{r.row}</td><td>{r.login}</td><td>{r.display_name}</td><td>{r.unit_code}</td><td>{move || roles.labels(lang.get())}</td></tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
