//! The question editor (new and existing questions), the stem image upload and the
//! version history with each version compared to the one before.
//!
//! The editor is one plain `<form>` posting `q[...]` fields (serde_qs indexing, which
//! server functions read into `QuestionFields`) so it works without JavaScript. Its
//! "upload image" button posts the *same* form, file included, to
//! `POST /organize/banks/{id}/images` (`formaction`, multipart): the handler stores the
//! image and sends everything typed back with the new image, so uploading never loses
//! what was typed. With JavaScript, "save" goes to the server function without a reload
//! and "upload image" still posts natively.

use leptos::ev::SubmitEvent;
use leptos::form::FromFormData;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use server_fn::ServerFn;

use crate::error::AppError;
use crate::i18n::Msg;
use crate::question_bank::api::{
    get_bank, get_question, list_categories, question_versions, CreateQuestion, UpdateQuestion,
};
use crate::question_bank::diff::{diff_lines, draft_lines, DiffKind, DiffLine};
use crate::question_bank::domain::format_answer;
use crate::question_bank::model::{
    KeyForm, QuestionDetail, QuestionDraft, QuestionStatus, QuestionType, VersionView,
};
use crate::ui::{action_error, action_ok, tr, use_lang, ErrorNotice, SuccessNotice};

use super::{typed, typed_values, QueryError};

/// The editor's fields as the form shows them.
#[derive(Debug, Clone, PartialEq)]
struct FieldValues {
    qtype: String,
    stem: String,
    options: String,
    answer: String,
    explanation: String,
    category: String,
    difficulty: String,
    tags: String,
    points: String,
    status: String,
    fold_width: bool,
    case_insensitive: bool,
    image_id: String,
}

impl FieldValues {
    fn blank() -> Self {
        FieldValues {
            qtype: QuestionType::Single.key().to_owned(),
            stem: String::new(),
            options: String::new(),
            answer: String::new(),
            explanation: String::new(),
            category: String::new(),
            difficulty: "3".to_owned(),
            tags: String::new(),
            points: "1".to_owned(),
            status: QuestionStatus::Active.key().to_owned(),
            fold_width: true,
            case_insensitive: true,
            image_id: String::new(),
        }
    }

    fn from_draft(d: &QuestionDraft, status: QuestionStatus) -> Self {
        let policy = match &d.key {
            KeyForm::Blanks { policy, .. } => Some(*policy),
            _ => None,
        };
        FieldValues {
            qtype: d.qtype.key().to_owned(),
            stem: d.stem.clone(),
            options: d.options.join("\n"),
            answer: format_answer(&d.key),
            explanation: d.explanation.clone(),
            category: d.category.join("/"),
            difficulty: d.difficulty.to_string(),
            tags: d.tags.join(", "),
            points: d.points.to_string(),
            status: status.key().to_owned(),
            // For other types the boxes are irrelevant; tick them as for a new question.
            fold_width: policy.is_none_or(|p| p.fold_width),
            case_insensitive: policy.is_none_or(|p| p.case_insensitive),
            image_id: d.image.map(|i| i.to_string()).unwrap_or_default(),
        }
    }

    /// What a failed plain-form save (see `server::forms`) sent back.
    fn from_typed(m: &ParamsMap) -> Self {
        FieldValues {
            qtype: typed(m, "qtype"),
            stem: typed(m, "stem"),
            options: typed(m, "options"),
            answer: typed(m, "answer"),
            explanation: typed(m, "explanation"),
            category: typed(m, "category"),
            difficulty: typed(m, "difficulty"),
            tags: typed(m, "tags"),
            points: typed(m, "points"),
            status: typed(m, "status"),
            fold_width: !typed(m, "fold_width").is_empty(),
            case_insensitive: !typed(m, "case_insensitive").is_empty(),
            image_id: typed(m, "image_id"),
        }
    }
}

/// What came back in the URL: typed values and/or a freshly uploaded image.
#[derive(Debug, Clone, Default)]
struct CameBack {
    typed: Option<FieldValues>,
    image: Option<String>,
}

fn came_back() -> CameBack {
    CameBack {
        typed: typed_values("qtype").map(|m| FieldValues::from_typed(&m)),
        image: use_query_map().with_untracked(|q| q.get("image")),
    }
}

/// The values to show: what came back in the URL, over the stored ones. Once a save has
/// succeeded on this page (with JavaScript, which does not reload it) the URL is stale
/// and the saved values win.
fn first_values(back: &CameBack, stored: FieldValues, saved_since: bool) -> FieldValues {
    if saved_since {
        return stored;
    }
    let mut v = back.typed.clone().unwrap_or(stored);
    if let Some(image) = &back.image {
        v.image_id = image.clone();
    }
    v
}

#[component]
pub fn QuestionNewPage() -> impl IntoView {
    let params = use_params_map();
    let bank_id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let create = ServerAction::<CreateQuestion>::new();
    let bank = Resource::new(move || bank_id.get(), get_bank);
    let back = came_back();
    let on_save = Callback::new(move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Ok(input) = CreateQuestion::from_event(&ev) {
            create.dispatch(input);
        }
    });
    view! {
        <main id="main" class="page">
            <h1>{tr(Msg::NewQuestion)}</h1>
            <p><a href=move || format!("/organize/banks/{}", bank_id.get())>{tr(Msg::BackToBank)}</a></p>
            <QueryError />
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || bank.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(b) if !b.editable => view! { <ErrorNotice error=Signal::derive(|| Some(AppError::Forbidden)) /> }.into_any(),
                    Ok(b) => view! {
                        <EditorForm
                            values=first_values(&back, FieldValues::blank(), false)
                            bank_id=b.id.to_string()
                            question_id=None
                            editable=true
                            action_url=CreateQuestion::url()
                            id_field=("bank_id", b.id.to_string())
                            error=action_error(create)
                            on_save
                        />
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
pub fn QuestionEditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let update = ServerAction::<UpdateQuestion>::new();
    let saves = crate::ui::successes(update);
    let question = Resource::new(move || (id.get(), saves.get()), |(id, _)| get_question(id));
    let versions = Resource::new(
        move || (id.get(), saves.get()),
        |(id, _)| question_versions(id),
    );
    let back = came_back();
    let on_save = Callback::new(move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Ok(input) = UpdateQuestion::from_event(&ev) {
            update.dispatch(input);
        }
    });
    let saved =
        Signal::derive(move || query.with(|q| q.get("saved").is_some()) || action_ok(update).get());
    let image_uploaded = Signal::derive(move || {
        query.with(|q| q.get("image").is_some() && q.get("error").is_none())
    });
    view! {
        <main id="main" class="page">
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || question.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(q) => view! {
                        <EditHeader q=q.clone() />
                        <SuccessNotice show=saved msg=Msg::Saved />
                        <SuccessNotice show=image_uploaded msg=Msg::ImageUploaded />
                        <QueryError />
                        <EditorForm
                            values=first_values(&back, FieldValues::from_draft(&q.draft, q.status), saves.get_untracked() > 0)
                            bank_id=q.bank_id.to_string()
                            question_id=Some(q.id.to_string())
                            editable=q.editable
                            action_url=UpdateQuestion::url()
                            id_field=("id", q.id.to_string())
                            error=action_error(update)
                            on_save
                        />
                    }.into_any(),
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || versions.get().and_then(|r| r.ok()).map(|list| view! { <VersionHistory versions=list /> })}
            </Suspense>
        </main>
    }
    .into_any()
}

#[component]
fn EditHeader(q: QuestionDetail) -> impl IntoView {
    let lang = use_lang();
    let title = if q.editable {
        Msg::EditQuestion
    } else {
        Msg::ViewQuestion
    };
    let version = q.version_no;
    let status = q.status;
    view! {
        <h1>{tr(title)}</h1>
        <p><a href=format!("/organize/banks/{}", q.bank_id)>{tr(Msg::BackToBank)}</a></p>
        <p class="meta">
            {move || Msg::VersionNo.text(lang.get()).replace("{n}", &version.to_string())}
            " · "
            {move || status.label().text(lang.get())}
        </p>
        {(q.in_use && q.editable).then(|| view! { <p class="notice info" role="note">{tr(Msg::InUseNotice)}</p> })}
        {(!q.editable).then(|| view! { <p class="notice info">{tr(Msg::ReadOnlyQuestion)}</p> })}
    }
    .into_any()
}

/// The problem with `field` in the last failed save, in the viewer's language.
fn field_problem(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    let lang = use_lang();
    Signal::derive(move || {
        error.with(|e| match e {
            Some(AppError::Problems(ps)) => {
                let msgs: Vec<String> = ps
                    .iter()
                    .filter(|p| p.field == field)
                    .map(|p| p.message(lang.get()))
                    .collect();
                (!msgs.is_empty()).then(|| msgs.join("；"))
            }
            Some(AppError::Invalid {
                field: Some(f),
                msg,
            }) if f == field => Some(msg.text(lang.get()).to_owned()),
            _ => None,
        })
    })
}

/// A field's error line, referenced by the field's `aria-describedby`.
#[component]
fn FieldError(problem: Signal<Option<String>>, field: &'static str) -> impl IntoView {
    let id = format!("q-{field}-err");
    move || {
        problem
            .get()
            .map(|m| view! { <p id=id.clone() class="field-error">{m}</p> })
    }
}

#[component]
fn EditorForm(
    values: FieldValues,
    bank_id: String,
    question_id: Option<String>,
    editable: bool,
    action_url: &'static str,
    id_field: (&'static str, String),
    error: Signal<Option<AppError>>,
    on_save: Callback<SubmitEvent>,
) -> impl IntoView {
    let lang = use_lang();
    // Which button submitted: the image upload must go through natively (multipart, to
    // its own handler), a save goes to the server function.
    let native = StoredValue::new(false);
    let on_submit = move |ev: SubmitEvent| {
        if !native.get_value() {
            on_save.run(ev);
        }
    };
    let problem = move |f: &'static str| field_problem(error, f);
    let invalid = move |f: &'static str| {
        let p = problem(f);
        move || p.get().is_some().then_some("true")
    };
    let described = |f: &str, hint: bool| {
        if hint {
            format!("q-{f}-hint q-{f}-err")
        } else {
            format!("q-{f}-err")
        }
    };
    let categories = Resource::new(
        {
            let b = bank_id.clone();
            move || b.clone()
        },
        list_categories,
    );
    let image_action = format!("/organize/banks/{bank_id}/images");
    let v = values;
    // Every field is its own type-erased piece: one big nested view type makes the
    // server's render frames so large that a debug build overflows its worker stack.
    view! {
        <form method="post" action=action_url class="form editor" on:submit=on_submit>
            <ErrorNotice error />
            <input type="hidden" name=id_field.0 value=id_field.1 />
            <fieldset class="plain" disabled=!editable>
                <Field field="qtype" label=Msg::QuestionTypeLabel problem=problem("qtype")>
                    <select id="q-qtype" name="q[qtype]" aria-invalid=invalid("qtype") aria-describedby=described("qtype", false)>
                        {QuestionType::ALL.into_iter().map(|t| view! {
                            <option value=t.key() selected=v.qtype == t.key()>{move || t.label().text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </Field>
                <Field field="stem" label=Msg::QuestionStemLabel problem=problem("stem")>
                    <textarea id="q-stem" name="q[stem]" rows="5" required maxlength="5000" aria-invalid=invalid("stem") aria-describedby=described("stem", false)>{v.stem.clone()}</textarea>
                </Field>
                <Field field="options" label=Msg::QuestionOptionsLabel hint=Msg::QuestionOptionsHint problem=problem("options")>
                    <textarea id="q-options" name="q[options]" rows="5" aria-invalid=invalid("options") aria-describedby=described("options", true)>{v.options.clone()}</textarea>
                </Field>
                <Field field="answer" label=Msg::QuestionAnswerLabel hint=Msg::QuestionAnswerHint problem=problem("answer")>
                    <input id="q-answer" name="q[answer]" type="text" required maxlength="5000" autocomplete="off" value=v.answer.clone() aria-invalid=invalid("answer") aria-describedby=described("answer", true) />
                </Field>
                <BlankRules fold_width=v.fold_width case_insensitive=v.case_insensitive />
                <Field field="explanation" label=Msg::QuestionExplanationLabel problem=problem("explanation")>
                    <textarea id="q-explanation" name="q[explanation]" rows="3" maxlength="5000" aria-invalid=invalid("explanation") aria-describedby=described("explanation", false)>{v.explanation.clone()}</textarea>
                </Field>
                <Field field="category" label=Msg::QuestionCategoryLabel hint=Msg::QuestionCategoryHint problem=problem("category")>
                    <input id="q-category" name="q[category]" type="text" list="q-category-list" maxlength="400" value=v.category.clone() aria-invalid=invalid("category") aria-describedby=described("category", true) />
                    <Suspense fallback=|| ()>
                        {move || categories.get().and_then(|r| r.ok()).map(|list| view! {
                            <datalist id="q-category-list">
                                {list.into_iter().map(|c| view! { <option value=c.path.replace(" / ", "/") /> }).collect_view()}
                            </datalist>
                        })}
                    </Suspense>
                </Field>
                <Field field="difficulty" label=Msg::QuestionDifficultyLabel hint=Msg::QuestionDifficultyHint problem=problem("difficulty")>
                    <select id="q-difficulty" name="q[difficulty]" aria-invalid=invalid("difficulty") aria-describedby=described("difficulty", true)>
                        {(1..=5u8).map(|d| view! { <option value=d.to_string() selected=v.difficulty == d.to_string()>{d}</option> }).collect_view()}
                    </select>
                </Field>
                <Field field="tags" label=Msg::QuestionTagsLabel hint=Msg::QuestionTagsHint problem=problem("tags")>
                    <input id="q-tags" name="q[tags]" type="text" maxlength="400" value=v.tags.clone() aria-invalid=invalid("tags") aria-describedby=described("tags", true) />
                </Field>
                <Field field="points" label=Msg::QuestionPointsLabel hint=Msg::QuestionPointsHint problem=problem("points")>
                    <input id="q-points" name="q[points]" type="text" inputmode="decimal" required maxlength="8" value=v.points.clone() aria-invalid=invalid("points") aria-describedby=described("points", true) />
                </Field>
                <Field field="status" label=Msg::QuestionStatusLabel problem=problem("status")>
                    <select id="q-status" name="q[status]">
                        {QuestionStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.key() selected=v.status == s.key()>{move || s.label().text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </Field>
            </fieldset>
            // First submit button in the form: pressing Enter in a field saves.
            {editable.then(|| view! {
                <button type="submit" on:click=move |_| native.set_value(false)>{tr(Msg::Save)}</button>
            })}
            <ImageSection
                image_id=v.image_id.clone()
                question_id
                editable
                image_action
                native
                problem=problem("image")
            />
        </form>
    }
    .into_any()
}

/// A labelled control (`id="q-{field}"`) with its hint and its error line.
#[component]
fn Field(
    field: &'static str,
    label: Msg,
    #[prop(optional)] hint: Option<Msg>,
    problem: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <label for=format!("q-{field}")>{tr(label)}</label>
        {children()}
        {hint.map(|h| view! { <p id=format!("q-{field}-hint") class="hint">{tr(h)}</p> })}
        <FieldError problem field />
    }
    .into_any()
}

/// How fill-in answers are compared (ignored by the other types).
#[component]
fn BlankRules(fold_width: bool, case_insensitive: bool) -> impl IntoView {
    view! {
        <fieldset>
            <legend>{tr(Msg::BlankRulesLabel)}</legend>
            <label class="check" for="q-fold-width">
                <input id="q-fold-width" type="checkbox" name="q[fold_width]" value="on" checked=fold_width />
                {tr(Msg::FoldWidthLabel)}
            </label>
            <label class="check" for="q-case-insensitive">
                <input id="q-case-insensitive" type="checkbox" name="q[case_insensitive]" value="on" checked=case_insensitive />
                {tr(Msg::CaseInsensitiveLabel)}
            </label>
        </fieldset>
    }
    .into_any()
}

/// The current image (kept while its box stays ticked) and the upload.
#[component]
fn ImageSection(
    image_id: String,
    question_id: Option<String>,
    editable: bool,
    image_action: String,
    native: StoredValue<bool>,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let has_image = !image_id.is_empty();
    let src = format!("/organize/images/{image_id}");
    view! {
        <fieldset class="image" disabled=!editable>
            <legend>{tr(Msg::QuestionImageLabel)}</legend>
            {has_image.then(|| view! {
                <img class="stem-image" src=src alt=tr(Msg::ImageAlt) />
                <label class="check" for="q-image-id">
                    <input id="q-image-id" type="checkbox" name="q[image_id]" value=image_id.clone() checked />
                    {tr(Msg::UseImage)}
                </label>
            })}
            <FieldError problem field="image" />
            {editable.then(|| view! {
                <input type="hidden" name="question" value=question_id.unwrap_or_default() />
                <label for="q-image-file">{tr(Msg::ImageFileLabel)}</label>
                <input id="q-image-file" name="image" type="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby="q-image-hint" />
                <p id="q-image-hint" class="hint">{tr(Msg::QuestionImageHint)}</p>
                <button
                    type="submit"
                    class="secondary"
                    formaction=image_action
                    formmethod="post"
                    formenctype="multipart/form-data"
                    formnovalidate
                    on:click=move |_| native.set_value(true)
                >
                    {tr(Msg::UploadImage)}
                </button>
            })}
        </fieldset>
    }
    .into_any()
}

/// Every version, newest first, each compared with the one before it.
#[component]
fn VersionHistory(versions: Vec<VersionView>) -> impl IntoView {
    let lang = use_lang();
    let n = versions.len();
    let items = (0..n)
        .map(|i| {
            let v = versions[i].clone();
            let prev = versions.get(i + 1).map(|p| p.draft.clone());
            let lines = move || {
                let l = lang.get();
                let new = draft_lines(&v.draft, l);
                match &prev {
                    Some(p) => diff_lines(&draft_lines(p, l), &new),
                    None => new
                        .into_iter()
                        .map(|text| DiffLine {
                            kind: DiffKind::Same,
                            text,
                        })
                        .collect(),
                }
            };
            let first = i + 1 == n;
            let no = versions[i].version_no;
            let at = versions[i].created_at.display_cst();
            let by = versions[i].created_by.clone();
            let summary = move || {
                let mut s = Msg::VersionNo
                    .text(lang.get())
                    .replace("{n}", &no.to_string());
                s.push_str(" · ");
                s.push_str(&at);
                if !by.is_empty() {
                    s.push_str(" · ");
                    s.push_str(&by);
                }
                if first {
                    s.push_str(" · ");
                    s.push_str(Msg::FirstVersion.text(lang.get()));
                }
                s
            };
            view! {
                <li>
                    <details open=i == 0>
                        <summary>{summary}</summary>
                        {move || view! { <DiffView lines=lines() first /> }}
                    </details>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="versions-h">
            <h2 id="versions-h">{tr(Msg::VersionHistory)}</h2>
            <p class="hint">{tr(Msg::DiffLegend)}</p>
            <ol class="versions">{items}</ol>
        </section>
    }
    .into_any()
}

/// Lines of a comparison: added ones as `<ins>`, removed ones as `<del>`, each also marked
/// with + / − and a spoken prefix, so colour is never the only cue.
#[component]
fn DiffView(lines: Vec<DiffLine>, first: bool) -> impl IntoView {
    let changed = lines.iter().any(|l| l.kind != DiffKind::Same);
    view! {
        {(!first && !changed).then(|| view! { <p class="hint">{tr(Msg::DiffNoChange)}</p> })}
        <div class="diff">
            {lines.into_iter().map(|l| match l.kind {
                DiffKind::Same => view! { <div class="line same"><span class="mark" aria-hidden="true">" "</span>{l.text}</div> }.into_any(),
                DiffKind::Added => view! {
                    <ins class="line"><span class="sr-only">{tr(Msg::DiffAddedSr)}</span><span class="mark" aria-hidden="true">"+"</span>{l.text}</ins>
                }.into_any(),
                DiffKind::Removed => view! {
                    <del class="line"><span class="sr-only">{tr(Msg::DiffRemovedSr)}</span><span class="mark" aria-hidden="true">"−"</span>{l.text}</del>
                }.into_any(),
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question_bank::model::{BlankPolicy, Points};

    #[test]
    fn a_stored_draft_fills_the_form_the_way_the_form_is_read() {
        let d = QuestionDraft {
            qtype: QuestionType::FillBlank,
            stem: "（ ）是党的根本组织原则".into(),
            options: vec![],
            key: KeyForm::Blanks {
                answers: vec![vec!["民主集中制".into(), "民主集中".into()]],
                policy: BlankPolicy {
                    fold_width: false,
                    case_insensitive: true,
                },
            },
            explanation: String::new(),
            category: vec!["党章党规".into(), "组织制度".into()],
            difficulty: 2,
            tags: vec!["党章".into()],
            points: Points(250),
            image: None,
        };
        let v = FieldValues::from_draft(&d, QuestionStatus::Draft);
        assert_eq!(v.answer, "民主集中制/民主集中");
        assert_eq!(v.category, "党章党规/组织制度");
        assert_eq!(v.points, "2.5");
        assert_eq!(v.status, "draft");
        assert!(!v.fold_width && v.case_insensitive);
    }
}
