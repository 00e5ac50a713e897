//! One sitting: its facts and the form to change them (until it opens), assigning
//! candidates (preview, then confirm) and the roster with per-candidate extra time.
//!
//! The assignment preview is a GET form to this very page
//! (`?preview=1&by=unit&unit_id=…&with_sub_units=on`, or `by=rank&rank_tag=…`, or
//! `by=logins&logins=…`). The page calls `preview_assign` in a resource keyed on that
//! query and shows the count and every conflict, so the preview is the same with and
//! without JavaScript (with it, the router navigates without a reload). Confirming is
//! a separate POST form to `assign_candidates` carrying the same selection in hidden
//! fields. With JavaScript its result (how many were assigned, who was not and why)
//! replaces the preview. Without, the browser returns to the same preview URL, which
//! now reports everyone as already assigned, and the roster lists them.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

use crate::accounts::api::list_units;
use crate::accounts::model::UnitView;
use crate::accounts::ui::UnitSelect;
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::papers::ui::Origin;
use crate::sittings::api::{
    get_sitting, preview_assign, sitting_roster, AssignCandidates, SetAccommodation,
    UnassignCandidate, UpdateSitting,
};
use crate::sittings::model::{
    Accommodation, AssignConflict, AssignPreview, AssignedCandidate, ConflictRow, SittingPhase,
    SittingView,
};
use crate::ui::{action_error, action_ok, successes, tr, use_lang, ErrorNotice, SuccessNotice};

use super::{mode_text, window_text, PhaseBadge, SittingFields, SittingValues};

/// Who to assign, as the selection form puts it in the URL.
#[derive(Debug, Clone, PartialEq)]
struct Selection {
    by: String,
    unit_id: String,
    with_sub_units: bool,
    rank_tag: String,
    logins: String,
}

impl Selection {
    /// The selection to preview; `None` until the preview form was sent.
    fn from_query(m: &ParamsMap) -> Option<Selection> {
        m.get("preview")?;
        Some(Selection {
            by: m.get("by").unwrap_or_else(|| "unit".into()),
            unit_id: m.get("unit_id").unwrap_or_default(),
            with_sub_units: m.get("with_sub_units").is_some(),
            rank_tag: m.get("rank_tag").unwrap_or_default(),
            logins: m.get("logins").unwrap_or_default(),
        })
    }

    /// What the form shows before anything was previewed.
    fn blank() -> Selection {
        Selection {
            by: "unit".into(),
            unit_id: String::new(),
            with_sub_units: true,
            rank_tag: String::new(),
            logins: String::new(),
        }
    }

    /// The logins on one line, for a hidden field (the server splits on commas too).
    fn logins_joined(&self) -> String {
        self.logins
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn conflict_msg(c: AssignConflict) -> Msg {
    match c {
        AssignConflict::AlreadyAssigned => Msg::ConflictAlreadyAssigned,
        AssignConflict::Overlap => Msg::ConflictOverlap,
        AssignConflict::OverCapacity => Msg::ConflictOverCapacity,
        AssignConflict::NotCandidate => Msg::ConflictNotCandidate,
        AssignConflict::Disabled => Msg::ConflictDisabled,
        AssignConflict::OutOfScope => Msg::ConflictOutOfScope,
        AssignConflict::UnknownLogin => Msg::ConflictUnknownLogin,
    }
}

/// "+10 分钟 · +25% · 原因", or a dash without extra time.
fn accommodation_text(a: &Accommodation, lang: Lang) -> String {
    let mut parts = Vec::new();
    if a.extra_minutes > 0 {
        parts.push(
            Msg::AccExtraMinutesN
                .text(lang)
                .replace("{n}", &a.extra_minutes.to_string()),
        );
    }
    if a.extra_percent > 0 {
        parts.push(format!("+{}%", a.extra_percent));
    }
    if parts.is_empty() {
        return "—".into();
    }
    if !a.reason.trim().is_empty() {
        parts.push(a.reason.trim().to_owned());
    }
    parts.join(" · ")
}

#[component]
pub fn SittingPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let update = ServerAction::<UpdateSitting>::new();
    let assign = ServerAction::<AssignCandidates>::new();
    let unassign = ServerAction::<UnassignCandidate>::new();
    let accommodate = ServerAction::<SetAccommodation>::new();
    let origin = Origin::new();
    let (updated, assigned, unassigned, accommodated) = (
        successes(update),
        successes(assign),
        successes(unassign),
        successes(accommodate),
    );
    // Only successes refetch: redrawing after a failure would lose what was typed.
    let sitting = Resource::new(
        move || (id.get(), updated.get(), assigned.get(), unassigned.get()),
        |(id, _, _, _)| get_sitting(id),
    );
    let roster = Resource::new(
        move || {
            (
                id.get(),
                assigned.get(),
                unassigned.get(),
                accommodated.get(),
            )
        },
        |(id, _, _, _)| sitting_roster(id),
    );
    let units = Resource::new(|| (), |_| list_units());
    let selection = Memo::new(move |_| query.with(Selection::from_query));
    let preview = Resource::new(
        move || (id.get(), selection.get(), assigned.get()),
        |(id, sel, _)| async move {
            match sel {
                None => None,
                Some(s) => Some(
                    preview_assign(
                        id,
                        s.by,
                        s.logins,
                        s.unit_id,
                        s.with_sub_units.then(|| "on".to_owned()),
                        s.rank_tag,
                    )
                    .await,
                ),
            }
        },
    );
    // The assignment panel is drawn once per phase, so a refetch of the sitting after
    // an assignment does not wipe the selection form.
    let phase = Memo::new(move |_| sitting.get().and_then(|r| r.ok()).map(|s| s.phase));
    view! {
        <main id="main" class="page">
            <p><a href="/organize/sittings">{tr(Msg::BackToSittings)}</a></p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || sitting.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(s) => view! { <SittingHeader sitting=s.clone() /><EditSitting sitting=s update /> }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || phase.get().map(|p| {
                    if p == SittingPhase::Closed {
                        view! { <p class="notice info">{tr(Msg::ErrSittingClosed)}</p> }.into_any()
                    } else {
                        view! { <AssignPanel sitting_id=id.get_untracked() units selection preview assign /> }.into_any()
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || match (sitting.get(), roster.get()) {
                    (_, Some(Err(e))) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    (Some(Ok(s)), Some(Ok(list))) => view! { <Roster sitting=s roster=list unassign accommodate origin /> }.into_any(),
                    _ => ().into_any(),
                }}
            </Transition>
        </main>
    }
}

#[component]
fn SittingHeader(sitting: SittingView) -> impl IntoView {
    let lang = use_lang();
    let s = sitting;
    let exam_href = format!("/organize/exams/{}", s.exam_id);
    let invigilate_href = format!("/organize/sittings/{}/invigilate", s.id);
    let report_href = format!("/organize/sittings/{}/report", s.id);
    let mode = s.spec.mode;
    let location = if s.spec.location.trim().is_empty() {
        "—".to_owned()
    } else {
        s.spec.location.clone()
    };
    view! {
        <h1>{format!("{} · {}", s.exam_title, s.spec.name)}</h1>
        <dl class="facts">
            <div><dt>{tr(Msg::ExamTitleLabel)}</dt><dd><a href=exam_href>{s.exam_title.clone()}</a></dd></div>
            <div><dt>{tr(Msg::SittingWindowCst)}</dt><dd>{window_text(s.spec.window_start, s.spec.window_end)}</dd></div>
            <div><dt>{tr(Msg::SittingModeLabel)}</dt><dd>{move || mode_text(mode, lang.get())}</dd></div>
            <div><dt>{tr(Msg::AssignedOfCapacity)}</dt><dd>{format!("{} / {}", s.assigned, s.spec.capacity)}</dd></div>
            <div><dt>{tr(Msg::SittingLocation)}</dt><dd>{location}</dd></div>
            <div><dt>{tr(Msg::Status)}</dt><dd><PhaseBadge phase=s.phase /></dd></div>
            {s.spec.is_retake.then(|| view! { <div><dt>{tr(Msg::RetakeSitting)}</dt><dd>{tr(Msg::Yes)}</dd></div> })}
        </dl>
        <p class="toolbar">
            <a class="button secondary" href=invigilate_href>{tr(Msg::Invigilate)}</a>" "
            <a class="button secondary" href=report_href>{tr(Msg::ReportSittingTitle)}</a>
        </p>
    }
}

#[component]
fn EditSitting(sitting: SittingView, update: ServerAction<UpdateSitting>) -> impl IntoView {
    let error = action_error(update);
    let editable = sitting.editable;
    let values = SittingValues::from_spec(&sitting.spec).or_retyped();
    view! {
        <section aria-labelledby="edit-sitting-h">
            <h2 id="edit-sitting-h">{tr(Msg::EditSitting)}</h2>
            {(!editable).then(|| view! { <p class="notice info">{tr(Msg::ErrSittingOpened)}</p> })}
            <ActionForm action=update attr:class="form narrow-form">
                <ErrorNotice error />
                <SuccessNotice show=action_ok(update) msg=Msg::Saved />
                <input type="hidden" name="id" value=sitting.id.to_string() />
                // A disabled fieldset disables every field and the button at once.
                <fieldset class="bare" disabled=!editable aria-labelledby="edit-sitting-h">
                    <SittingFields values prefix="edit-sitting" error />
                    <button type="submit">{tr(Msg::Save)}</button>
                </fieldset>
            </ActionForm>
        </section>
    }
}

#[component]
fn AssignPanel(
    sitting_id: String,
    units: Resource<Result<Vec<UnitView>, AppError>>,
    selection: Memo<Option<Selection>>,
    preview: Resource<Option<Result<AssignPreview, AppError>>>,
    assign: ServerAction<AssignCandidates>,
) -> impl IntoView {
    let lang = use_lang();
    let initial = selection.get_untracked().unwrap_or_else(Selection::blank);
    let action = format!("/organize/sittings/{sitting_id}");
    let upload_action = format!("{action}/assign/upload");
    let by = initial.by.clone();
    let unit = initial.unit_id.clone();
    let sid = StoredValue::new(sitting_id);
    // A result of "confirm" stands until the next preview is asked for.
    let result = move || assign.value().get().and_then(|r| r.ok());
    let radio = move |value: &'static str, label: Msg| {
        let id = format!("assign-by-{value}");
        let for_id = id.clone();
        view! {
            <label class="check" for=for_id>
                <input type="radio" id=id name="by" value=value checked=by == value />
                {tr(label)}
            </label>
        }
    };
    // The selection form is built apart and type-erased to keep the panel's view shallow.
    let form = view! {
    <Form method="get" action=action attr:class="form assign-form" on:submit=move |_| assign.value().set(None)>
        <input type="hidden" name="preview" value="1" />
        <fieldset class="stack">
            <legend>{tr(Msg::AssignBy)}</legend>
            <div>
                {radio("unit", Msg::ByUnit)}
                {radio("rank", Msg::ByRank)}
                {radio("logins", Msg::ByLogins)}
            </div>
            <p class="hint">{tr(Msg::AssignByHint)}</p>
        </fieldset>
        <fieldset class="stack">
            <legend>{tr(Msg::ByUnit)}</legend>
            <label for="assign-unit">{tr(Msg::Unit)}</label>
            <Suspense fallback=|| ()>
                {move || units.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! { <UnitSelect units=list name="unit_id" id="assign-unit" selected=unit.clone() blank=Msg::ChooseUnit /> }.into_any(),
                })}
            </Suspense>
            <label class="check" for="assign-sub">
                <input type="checkbox" id="assign-sub" name="with_sub_units" value="on" checked=initial.with_sub_units />
                {tr(Msg::WithSubUnits)}
            </label>
        </fieldset>
        <fieldset class="stack">
            <legend>{tr(Msg::ByRank)}</legend>
            <label for="assign-rank">{tr(Msg::RankTag)}</label>
            <input id="assign-rank" name="rank_tag" type="text" maxlength="100" value=initial.rank_tag.clone() />
        </fieldset>
        <fieldset class="stack">
            <legend>{tr(Msg::ByLogins)}</legend>
            <label for="assign-logins">{tr(Msg::LoginsLabel)}</label>
            <textarea id="assign-logins" name="logins" rows="4" aria-describedby="assign-logins-hint">{initial.logins.clone()}</textarea>
            <p id="assign-logins-hint" class="hint">{tr(Msg::LoginsHint)}</p>
        </fieldset>
        <button type="submit">{tr(Msg::PreviewCount)}</button>
    </Form>
    }
    .into_any();
    view! {
        <section aria-labelledby="assign-h">
            <h2 id="assign-h">{tr(Msg::AssignTitle)}</h2>
            <crate::question_bank::ui::QueryError />
            {form}
            <form method="post" enctype="multipart/form-data" action=upload_action class="form inline" aria-labelledby="assign-file-h">
                <h3 id="assign-file-h">{tr(Msg::AssignFromFile)}</h3>
                <label for="assign-file">{tr(Msg::AssignFileLabel)}</label>
                <input id="assign-file" name="file" type="file" required accept=".xlsx,.csv" />
                <button type="submit">{tr(Msg::AssignFileButton)}</button>
            </form>
            <ErrorNotice error=action_error(assign) />
            {move || result().map(|r| {
                let (n, left) = (r.will_assign, r.seats_left);
                view! {
                    <div class="assign-result">
                        <p class="notice ok" role="status">
                            {move || Msg::AssignDone.text(lang.get()).replace("{n}", &n.to_string()).replace("{s}", &left.to_string())}
                        </p>
                        {(!r.conflicts.is_empty()).then(|| view! {
                            <h3 id="not-assigned-h">{tr(Msg::NotAssignedTitle)}</h3>
                            <ConflictTable rows=r.conflicts.clone() labelled_by="not-assigned-h" />
                        })}
                    </div>
                }
            })}
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || {
                    if result().is_some() {
                        return None;
                    }
                    let sel = selection.get()?;
                    preview.get().flatten().map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                        Ok(p) => view! { <PreviewResult preview=p sel sitting_id=sid.get_value() assign /> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn PreviewResult(
    preview: AssignPreview,
    sel: Selection,
    sitting_id: String,
    assign: ServerAction<AssignCandidates>,
) -> impl IntoView {
    let lang = use_lang();
    let (n, left) = (preview.will_assign, preview.seats_left);
    let all_already = n == 0
        && !preview.conflicts.is_empty()
        && preview
            .conflicts
            .iter()
            .all(|c| c.conflict == AssignConflict::AlreadyAssigned);
    let logins = sel.logins_joined();
    let conflict_count = preview.conflicts.len();
    view! {
        <div class="assign-preview">
            <h3 id="assign-preview-h">{tr(Msg::AssignPreviewTitle)}</h3>
            <p class="notice info" role="status">
                <strong>{move || Msg::WillAssign.text(lang.get()).replace("{n}", &n.to_string())}</strong>
                " "
                {move || Msg::SeatsLeftAfter.text(lang.get()).replace("{n}", &left.to_string())}
            </p>
            {all_already.then(|| view! { <p class="notice ok">{tr(Msg::AllAlreadyAssigned)}</p> })}
            {(!preview.conflicts.is_empty()).then(|| view! {
                <h4 id="conflicts-h">
                    {move || Msg::ConflictsTitle.text(lang.get()).replace("{n}", &conflict_count.to_string())}
                </h4>
                <ConflictTable rows=preview.conflicts.clone() labelled_by="conflicts-h" />
            })}
            {(n > 0).then(|| view! {
                <ActionForm action=assign attr:class="form inline">
                    <input type="hidden" name="id" value=sitting_id />
                    <input type="hidden" name="by" value=sel.by.clone() />
                    <input type="hidden" name="logins" value=logins />
                    <input type="hidden" name="unit_id" value=sel.unit_id.clone() />
                    {sel.with_sub_units.then(|| view! { <input type="hidden" name="with_sub_units" value="on" /> })}
                    <input type="hidden" name="rank_tag" value=sel.rank_tag.clone() />
                    <button type="submit">{move || Msg::ConfirmAssign.text(lang.get()).replace("{n}", &n.to_string())}</button>
                </ActionForm>
            })}
        </div>
    }
}

#[component]
fn ConflictTable(rows: Vec<ConflictRow>, labelled_by: &'static str) -> impl IntoView {
    let lang = use_lang();
    view! {
        <table class="grid errors" aria-labelledby=labelled_by>
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::LoginName)}</th>
                    <th scope="col">{tr(Msg::DisplayName)}</th>
                    <th scope="col">{tr(Msg::Reason)}</th>
                    <th scope="col">{tr(Msg::AuditDetail)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|c| {
                    let reason = conflict_msg(c.conflict);
                    view! {
                        <tr>
                            <th scope="row">{c.login}</th>
                            <td>{c.display_name}</td>
                            <td>{move || reason.text(lang.get())}</td>
                            <td>{c.detail.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Roster(
    sitting: SittingView,
    roster: Vec<AssignedCandidate>,
    unassign: ServerAction<UnassignCandidate>,
    accommodate: ServerAction<SetAccommodation>,
    origin: Origin,
) -> impl IntoView {
    let lang = use_lang();
    let sitting_id = StoredValue::new(sitting.id.to_string());
    let removable = sitting.editable;
    let adjustable = sitting.phase != SittingPhase::Closed;
    let (count, capacity) = (roster.len(), sitting.spec.capacity);
    let body = if roster.is_empty() {
        view! { <p class="empty">{tr(Msg::NoCandidatesAssigned)}</p> }.into_any()
    } else {
        view! {
            <table class="grid roster" aria-labelledby="roster-h">
                <thead>
                    <tr>
                        <th scope="col">{tr(Msg::LoginName)}</th>
                        <th scope="col">{tr(Msg::DisplayName)}</th>
                        <th scope="col">{tr(Msg::Unit)}</th>
                        <th scope="col">{tr(Msg::AccommodationCol)}</th>
                        {removable.then(|| view! { <th scope="col">{tr(Msg::Actions)}</th> })}
                    </tr>
                </thead>
                <tbody>
                    {roster.into_iter().map(|c| {
                        let uid = c.user_id.to_string();
                        let (acc_key, rm_key) = (format!("acc-{uid}"), format!("rm-{uid}"));
                        let (acc_mark, acc_error) = (origin.mark(acc_key.clone()), origin.error(accommodate, acc_key));
                        let (rm_mark, rm_error) = (origin.mark(rm_key.clone()), origin.error(unassign, rm_key));
                        let uid_rm = uid.clone();
                        let acc = c.accommodation.clone();
                        let summary = {
                            let acc = acc.clone();
                            move || accommodation_text(&acc, lang.get())
                        };
                        let el = {
                            let uid = uid.clone();
                            move |k: &str| format!("acc-{uid}-{k}")
                        };
                        let name = c.display_name.clone();
                        let edit_label = {
                            let name = name.clone();
                            move || Msg::EditAccommodationFor.text(lang.get()).replace("{name}", &name)
                        };
                        let remove_label = {
                            let name = name.clone();
                            move || Msg::RemoveCandidateLabel.text(lang.get()).replace("{name}", &name)
                        };
                        let acc_form = adjustable.then(|| view! {
                            <details class="acc">
                                <summary aria-label=edit_label>{tr(Msg::EditAccommodation)}</summary>
                                <ActionForm action=accommodate attr:class="form compact" on:submit=acc_mark>
                                    <ErrorNotice error=acc_error />
                                    <input type="hidden" name="id" value=sitting_id.get_value() />
                                    <input type="hidden" name="user_id" value=uid.clone() />
                                    <label for=el("min")>{tr(Msg::AccExtraMinutes)}</label>
                                    <input id=el("min") name="extra_minutes" type="number" min="0" max="600" inputmode="numeric" value=acc.extra_minutes.to_string() />
                                    <label for=el("pct")>{tr(Msg::AccExtraPercent)}</label>
                                    <input id=el("pct") name="extra_percent" type="number" min="0" max="200" inputmode="numeric" value=acc.extra_percent.to_string() />
                                    <label for=el("reason")>{tr(Msg::AccommodationReason)}</label>
                                    <input id=el("reason") name="reason" type="text" maxlength="200" value=acc.reason.clone() />
                                    <button type="submit">{tr(Msg::Save)}</button>
                                </ActionForm>
                            </details>
                        });
                        let remove = removable.then(|| view! {
                            <td>
                                <ActionForm action=unassign attr:class="danger" on:submit=rm_mark>
                                    <ErrorNotice error=rm_error />
                                    <input type="hidden" name="id" value=sitting_id.get_value() />
                                    <input type="hidden" name="user_id" value=uid_rm />
                                    <button type="submit" aria-label=remove_label>{tr(Msg::RemoveFromSitting)}</button>
                                </ActionForm>
                            </td>
                        });
                        view! {
                            <tr>
                                <th scope="row">{c.login.clone()}</th>
                                <td>{name}</td>
                                <td>{c.unit_name.clone()}</td>
                                <td>{summary}{acc_form}</td>
                                {remove}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="roster-h">
            <h2 id="roster-h">
                {move || Msg::RosterTitle.text(lang.get()).replace("{n}", &count.to_string()).replace("{c}", &capacity.to_string())}
            </h2>
            <ErrorNotice error=origin.unplaced(accommodate) />
            <ErrorNotice error=origin.unplaced(unassign) />
            {body}
        </section>
    }
}
