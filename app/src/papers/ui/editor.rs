//! The exam editor: settings, the paper's sections with their fixed questions and draw
//! rules, a question picker, and the exam's sittings with the form to schedule one.
//!
//! Every change is its own small form posted to its own server function, so each works
//! without JavaScript (the server sends the browser back to this page). The forms of one
//! kind (say, "add a draw rule" in every section) share one server action; [`Origin`]
//! remembers which of them was sent so that, with JavaScript, an error such as the exact
//! shortfall lines appears next to that very form and the values typed stay in it (the
//! page is only redrawn after a success). Without JavaScript the error comes back in the
//! URL with no origin and is shown once, above the sections.
//!
//! The picker is a GET form: its results are a page of this editor
//! (`?find=1&q=…&sec=…`), and each result has an "add" form posting `add_fixed`.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::i18n::Msg;
use crate::papers::api::{
    exam_editor_data, AddFixed, AddRule, AddSection, RemoveFixed, RemoveRule, RemoveSection,
    RenameSection, SaveExamSettings,
};
use crate::papers::model::{
    DrawRule, EditorData, ExamSettings, MultiScoring, PassMark, ResultVisibility, SectionSpec,
};
use crate::question_bank::api::search_questions;
use crate::question_bank::model::{
    CategoryView, Points, QuestionId, QuestionPage, QuestionQuery, QuestionType,
};
use crate::sittings::api::{exam_sittings, CreateSitting};
use crate::sittings::ui::{SittingFields, SittingValues};
use crate::ui::{
    action_error, action_ok, qs_encode, successes, tr, use_lang, ErrorNotice, Pager, SuccessNotice,
};

use super::{invalid_attr, Origin, Retyped};

/// The first characters of a stem, on one line.
fn snippet(stem: &str, max: usize) -> String {
    let line = stem.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(max).collect();
    if line.chars().count() > max || stem.lines().nth(1).is_some() {
        out.push('…');
    }
    out
}

/// The server actions of the editor, one per kind of change.
#[derive(Clone, Copy)]
struct Actions {
    settings: ServerAction<SaveExamSettings>,
    add_section: ServerAction<AddSection>,
    rename: ServerAction<RenameSection>,
    remove_section: ServerAction<RemoveSection>,
    add_rule: ServerAction<AddRule>,
    remove_rule: ServerAction<RemoveRule>,
    add_fixed: ServerAction<AddFixed>,
    remove_fixed: ServerAction<RemoveFixed>,
    origin: Origin,
}

impl Actions {
    fn new() -> Self {
        Actions {
            settings: ServerAction::new(),
            add_section: ServerAction::new(),
            rename: ServerAction::new(),
            remove_section: ServerAction::new(),
            add_rule: ServerAction::new(),
            remove_rule: ServerAction::new(),
            add_fixed: ServerAction::new(),
            remove_fixed: ServerAction::new(),
            origin: Origin::new(),
        }
    }

    /// Changes whenever any change succeeded. Failures do not count: redrawing the
    /// editor then would throw away what was typed into the failed form.
    fn changed(self) -> Memo<usize> {
        let all = [
            successes(self.settings),
            successes(self.add_section),
            successes(self.rename),
            successes(self.remove_section),
            successes(self.add_rule),
            successes(self.remove_rule),
            successes(self.add_fixed),
            successes(self.remove_fixed),
        ];
        Memo::new(move |_| all.iter().map(|m| m.get()).sum())
    }
}

#[component]
pub fn ExamEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let acts = Actions::new();
    let changed = acts.changed();
    let data = Resource::new(
        move || (id.get(), changed.get()),
        |(id, _)| exam_editor_data(id),
    );
    view! {
        <main id="main" class="page">
            <p><a href="/organize/exams">{tr(Msg::BackToExams)}</a></p>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(d) => view! { <Editor data=d acts /> }.into_any(),
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || data.get().and_then(|r| r.ok()).map(|d| view! { <QuestionPicker data=d acts /> })}
            </Transition>
            <ExamSittings exam_id=id />
        </main>
    }
}

#[component]
fn Editor(data: EditorData, acts: Actions) -> impl IntoView {
    let exam = data.exam.clone();
    let id = exam.id.to_string();
    let preview_href = format!("/organize/exams/{id}/preview?seed=1");
    let regrade_href = format!("/organize/exams/{id}/regrade");
    let retakes_href = format!("/organize/exams/{id}/retakes");
    let report_href = format!("/organize/exams/{id}/report");
    let lang = use_lang();
    let (count, total) = (exam.question_count, exam.total_points);
    view! {
        <h1>{exam.settings.title.clone()}</h1>
        <dl class="facts">
            <div><dt>{tr(Msg::ExamBank)}</dt><dd>{data.bank_name.clone()}</dd></div>
            <div><dt>{tr(Msg::BankQuestionCount)}</dt><dd>{count}</dd></div>
            <div><dt>{tr(Msg::ExamTotalPoints)}</dt><dd>{total.to_string()}</dd></div>
            <div><dt>{tr(Msg::ExamDurationMinutes)}</dt><dd>{exam.settings.duration_minutes}</dd></div>
        </dl>
        <p class="toolbar">
            <a class="button secondary" href=preview_href>{tr(Msg::PreviewPaper)}</a>
            <a class="button secondary" href=regrade_href>{tr(Msg::Regrade)}</a>
            <a class="button secondary" href=retakes_href>{tr(Msg::ExamRetakesLink)}</a>
            <a class="button secondary" href=report_href>{tr(Msg::ReportTitle)}</a>
            <a href="#sittings-h">{tr(Msg::SittingsOfExam)}</a>
        </p>
        {(!exam.editable).then(|| view! { <p class="notice info">{tr(Msg::ExamNotEditable)}</p> })}
        <SettingsForm exam_id=id.clone() settings=exam.settings.clone() editable=exam.editable action=acts.settings />
        <section aria-labelledby="paper-h">
            <h2 id="paper-h">{tr(Msg::PaperStructure)}</h2>
            <p class="lead">
                {move || Msg::PaperTotals.text(lang.get()).replace("{n}", &count.to_string()).replace("{p}", &total.to_string())}
            </p>
            <div id="section-errors">
                <ErrorNotice error=acts.origin.unplaced(acts.rename) />
                <ErrorNotice error=acts.origin.unplaced(acts.remove_section) />
                <ErrorNotice error=acts.origin.unplaced(acts.add_rule) />
                <ErrorNotice error=acts.origin.unplaced(acts.remove_rule) />
                <ErrorNotice error=acts.origin.unplaced(acts.add_fixed) />
                <ErrorNotice error=acts.origin.unplaced(acts.remove_fixed) />
            </div>
            // A disabled fieldset disables every control of the forms inside it.
            <fieldset class="bare" disabled=!exam.editable aria-labelledby="paper-h">
                {exam.sections.is_empty().then(|| view! { <p class="empty">{tr(Msg::NoSections)}</p> })}
                {exam.sections.iter().cloned().enumerate().map(|(index, section)| view! {
                    <SectionBlock index section data=data.clone() acts />
                }).collect_view()}
                <AddSectionForm exam_id=id acts />
            </fieldset>
        </section>
    }
}

#[component]
fn SettingsForm(
    exam_id: String,
    settings: ExamSettings,
    editable: bool,
    action: ServerAction<SaveExamSettings>,
) -> impl IntoView {
    let lang = use_lang();
    let error = action_error(action);
    let s = settings;
    let t = Retyped::read("duration_minutes");
    let (kind, value) = match s.pass_mark {
        PassMark::Points(p) => ("points", p.to_string()),
        PassMark::Percent(n) => ("percent", n.to_string()),
    };
    let multi = match s.multi_scoring {
        MultiScoring::AllOrNothing => "all_or_nothing",
        MultiScoring::Partial => "partial",
    };
    let title = t.text("title", s.title.clone());
    let instructions = t.text("instructions", s.instructions.clone());
    let duration = t.text("duration_minutes", s.duration_minutes.to_string());
    let pass_kind = t.text("pass_kind", kind.into());
    let pass_value = t.text("pass_value", value);
    let multi = t.text("multi_scoring", multi.into());
    let visibility = t.text("visibility", s.visibility.key().into());
    let retake_count = t.text("retake_count", s.retake_count.to_string());
    let retake_wait = t.text("retake_min_wait_days", s.retake_min_wait_days.to_string());
    let shuffle_q = t.flag("shuffle_questions", s.shuffle_questions);
    let shuffle_o = t.flag("shuffle_options", s.shuffle_options);
    let fill = t.flag("fill_per_blank", s.fill_per_blank);
    let review = t.flag("review_after_close", s.review_after_close);
    let fresh = t.flag("retake_fresh_paper", s.retake_fresh_paper);
    let voided = t.flag("voided_qualifies", s.voided_qualifies);
    let interviewer = t.text("interviewer_login", s.interviewer_login.clone());
    let due_days = t.text("case_due_days", s.case_due_days.to_string());
    let unit_bottom = t.text(
        "unit_escalation_bottom",
        s.unit_escalation_bottom.to_string(),
    );
    let unit_min = t.text(
        "unit_escalation_min_candidates",
        s.unit_escalation_min_candidates.to_string(),
    );
    let points_kind = pass_kind == "points";
    let partial = multi == "partial";
    // Built apart and type-erased: one view of the whole form nests its types so deeply
    // that debug builds need a large stack to render it.
    let basics = view! {
        <label for="set-title">{tr(Msg::ExamTitleLabel)}</label>
        <input id="set-title" name="title" type="text" required maxlength="200" value=title
            aria-invalid=invalid_attr(error, &["title"]) />
        <label for="set-instructions">{tr(Msg::ExamInstructions)}</label>
        <textarea id="set-instructions" name="instructions" rows="4" aria-describedby="set-instructions-hint"
            aria-invalid=invalid_attr(error, &["instructions"])>{instructions}</textarea>
        <p id="set-instructions-hint" class="hint">{tr(Msg::ExamInstructionsHint)}</p>
        <label for="set-duration">{tr(Msg::ExamDurationMinutes)}</label>
        <input id="set-duration" name="duration_minutes" type="number" min="1" max="1440" inputmode="numeric" required
            value=duration aria-invalid=invalid_attr(error, &["duration_minutes"]) />
        <fieldset class="stack">
            <legend>{tr(Msg::PassMarkLabel)}</legend>
            <div>
                <label class="check" for="pass-percent">
                    <input type="radio" id="pass-percent" name="pass_kind" value="percent" checked=!points_kind />
                    {tr(Msg::PassByPercent)}
                </label>
                <label class="check" for="pass-points">
                    <input type="radio" id="pass-points" name="pass_kind" value="points" checked=points_kind />
                    {tr(Msg::PassByPoints)}
                </label>
            </div>
            <label for="pass-value">{tr(Msg::PassValue)}</label>
            <input id="pass-value" name="pass_value" type="text" inputmode="decimal" required maxlength="10"
                value=pass_value aria-describedby="pass-hint"
                aria-invalid=invalid_attr(error, &["pass_value", "pass_mark"]) />
            <p id="pass-hint" class="hint">{tr(Msg::PassValueHint)}</p>
        </fieldset>
    }
    .into_any();
    let options = view! {
        <fieldset class="stack">
            <legend>{tr(Msg::ShuffleLabel)}</legend>
            <label class="check" for="set-shuffle-q">
                <input type="checkbox" id="set-shuffle-q" name="shuffle_questions" value="on" checked=shuffle_q />
                {tr(Msg::ShuffleQuestions)}
            </label>
            <label class="check" for="set-shuffle-o">
                <input type="checkbox" id="set-shuffle-o" name="shuffle_options" value="on" checked=shuffle_o />
                {tr(Msg::ShuffleOptions)}
            </label>
        </fieldset>
        <fieldset class="stack">
            <legend>{tr(Msg::ScoringLabel)}</legend>
            <label class="check" for="multi-all">
                <input type="radio" id="multi-all" name="multi_scoring" value="all_or_nothing" checked=!partial />
                {tr(Msg::MultiAllOrNothing)}
            </label>
            <label class="check" for="multi-partial">
                <input type="radio" id="multi-partial" name="multi_scoring" value="partial" checked=partial />
                {tr(Msg::MultiPartial)}
            </label>
            <label class="check" for="set-fill">
                <input type="checkbox" id="set-fill" name="fill_per_blank" value="on" checked=fill />
                {tr(Msg::FillPerBlank)}
            </label>
        </fieldset>
        <label for="set-visibility">{tr(Msg::ResultVisibilityLabel)}</label>
        <select id="set-visibility" name="visibility">
            {ResultVisibility::ALL.into_iter().map(|v| {
                let label = match v {
                    ResultVisibility::Immediately => Msg::VisibilityImmediately,
                    ResultVisibility::AfterClose => Msg::VisibilityAfterClose,
                    ResultVisibility::Never => Msg::VisibilityNever,
                };
                view! { <option value=v.key() selected=visibility == v.key()>{move || label.text(lang.get())}</option> }
            }).collect_view()}
        </select>
        <label class="check" for="set-review">
            <input type="checkbox" id="set-review" name="review_after_close" value="on" checked=review />
            {tr(Msg::ReviewAfterClose)}
        </label>
    }
    .into_any();
    let retake = view! {
        <fieldset class="stack">
            <legend>{tr(Msg::RetakeLabel)}</legend>
            <label for="set-retake-count">{tr(Msg::RetakeCount)}</label>
            <input id="set-retake-count" name="retake_count" type="number" min="0" max="10" inputmode="numeric" required
                value=retake_count aria-invalid=invalid_attr(error, &["retake_count"]) />
            <label for="set-retake-wait">{tr(Msg::RetakeWaitDays)}</label>
            <input id="set-retake-wait" name="retake_min_wait_days" type="number" min="0" max="365" inputmode="numeric" required
                value=retake_wait aria-invalid=invalid_attr(error, &["retake_min_wait_days"]) />
            <label class="check" for="set-retake-fresh">
                <input type="checkbox" id="set-retake-fresh" name="retake_fresh_paper" value="on" checked=fresh />
                {tr(Msg::RetakeFreshPaper)}
            </label>
            <label class="check" for="set-voided">
                <input type="checkbox" id="set-voided" name="voided_qualifies" value="on" checked=voided />
                {tr(Msg::VoidedQualifies)}
            </label>
        </fieldset>
    }
    .into_any();
    let escalation = view! {
        <fieldset class="stack">
            <legend>{tr(Msg::EscalationLegend)}</legend>
            <label for="set-interviewer">{tr(Msg::InterviewerLogin)}</label>
            <input id="set-interviewer" name="interviewer_login" type="text" maxlength="64" value=interviewer
                aria-invalid=invalid_attr(error, &["interviewer_login"]) />
            <label for="set-due-days">{tr(Msg::CaseDueDays)}</label>
            <input id="set-due-days" name="case_due_days" type="number" min="1" max="365" inputmode="numeric" required
                value=due_days aria-invalid=invalid_attr(error, &["case_due_days"]) />
            <label for="set-unit-bottom">{tr(Msg::UnitEscalationBottom)}</label>
            <input id="set-unit-bottom" name="unit_escalation_bottom" type="number" min="0" max="100" inputmode="numeric" required
                value=unit_bottom aria-invalid=invalid_attr(error, &["unit_escalation_bottom"]) />
            <label for="set-unit-min">{tr(Msg::UnitEscalationMin)}</label>
            <input id="set-unit-min" name="unit_escalation_min_candidates" type="number" min="1" max="10000" inputmode="numeric" required
                value=unit_min aria-invalid=invalid_attr(error, &["unit_escalation_min_candidates"]) />
        </fieldset>
    }
    .into_any();
    view! {
        <section aria-labelledby="settings-h">
            <h2 id="settings-h">{tr(Msg::ExamSettingsTitle)}</h2>
            <ActionForm action attr:class="form settings">
                <ErrorNotice error />
                <SuccessNotice show=action_ok(action) msg=Msg::Saved />
                <input type="hidden" name="id" value=exam_id />
                <fieldset class="bare" disabled=!editable aria-labelledby="settings-h">
                    {basics}
                    {options}
                    {retake}
                    {escalation}
                    <button type="submit">{tr(Msg::Save)}</button>
                </fieldset>
            </ActionForm>
        </section>
    }
}

/// Questions and points of one section as stored (the exact totals come from the
/// server's plan; these are for orientation).
fn section_totals(s: &SectionSpec) -> (u32, Points) {
    let fixed_points: u32 = s.fixed.iter().map(|f| f.points.0).sum();
    let rule_points: u32 = s.rules.iter().map(|r| r.count * r.points_each.0).sum();
    let count = s.fixed.len() as u32 + s.rules.iter().map(|r| r.count).sum::<u32>();
    (count, Points(fixed_points + rule_points))
}

/// "党章党规 / 单选题 / 难度3 × 10 题 × 每题 2 分".
fn rule_text(rule: &DrawRule, categories: &[CategoryView], lang: crate::i18n::Lang) -> String {
    let cat = match rule.category {
        None => Msg::AnyCategory.text(lang).to_owned(),
        Some(c) => categories
            .iter()
            .find(|k| k.id == c)
            .map(|k| k.path.clone())
            .unwrap_or_else(|| Msg::UnknownCategory.text(lang).to_owned()),
    };
    let diff = match rule.difficulty {
        Some(d) => Msg::DifficultyN.text(lang).replace("{n}", &d.to_string()),
        None => Msg::AnyDifficulty.text(lang).to_owned(),
    };
    Msg::RuleLine
        .text(lang)
        .replace("{cat}", &cat)
        .replace("{type}", rule.qtype.label().text(lang))
        .replace("{diff}", &diff)
        .replace("{count}", &rule.count.to_string())
        .replace("{points}", &rule.points_each.to_string())
}

#[component]
fn SectionBlock(
    index: usize,
    section: SectionSpec,
    data: EditorData,
    acts: Actions,
) -> impl IntoView {
    let lang = use_lang();
    let o = acts.origin;
    let exam_id = data.exam.id.to_string();
    let n = index + 1;
    let key = move |k: &str| format!("{k}-{index}");
    let el = move |k: &str| format!("sec-{index}-{k}");
    let heading = el("h");
    let heading_ref = heading.clone();
    let (count, points) = section_totals(&section);
    let title = section.title.clone();
    let heading_text = move || {
        let label = Msg::PaperSectionN
            .text(lang.get())
            .replace("{n}", &n.to_string());
        if title.is_empty() {
            label
        } else {
            format!("{label}：{title}")
        }
    };
    let categories = StoredValue::new(data.categories.clone());
    let fixed_info = StoredValue::new(data.fixed.clone());
    let exam_id = StoredValue::new(exam_id);
    // The fields every form of the section sends; a Copy closure, used in many forms.
    let hidden = move || {
        view! {
            <input type="hidden" name="id" value=exam_id.get_value() />
            <input type="hidden" name="section" value=index.to_string() />
        }
    };
    let fixed_list = if section.fixed.is_empty() {
        view! { <p class="hint">{tr(Msg::NoFixedQuestions)}</p> }.into_any()
    } else {
        view! {
            <ol class="items">
                {section.fixed.iter().enumerate().map(|(j, f)| {
                    let info = fixed_info.with_value(|m| m.get(&f.question_id).cloned());
                    let qid = f.question_id.to_string();
                    let href = format!("/organize/questions/{qid}");
                    let pts = f.points;
                    let text = info.as_ref().map(|i| snippet(&i.stem, 60)).unwrap_or_else(|| qid.clone());
                    let qtype = info.map(|i| i.qtype);
                    let remove_label = move || Msg::RemoveFixedLabel.text(lang.get()).replace("{n}", &(j + 1).to_string());
                    view! {
                        <li>
                            <span class="item-text">
                                {qtype.map(|t| view! { <span class="tag">{move || t.label().text(lang.get())}</span>" " })}
                                <a href=href>{text}</a>
                                " "
                                <span class="meta">{move || Msg::PaperPointsN.text(lang.get()).replace("{n}", &pts.to_string())}</span>
                            </span>
                            <ActionForm action=acts.remove_fixed attr:class="inline-action" on:submit=o.mark(key("fixed-remove"))>
                                {hidden()}
                                <input type="hidden" name="item" value=j.to_string() />
                                <button type="submit" class="link" aria-label=remove_label>{tr(Msg::PaperRemove)}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let rule_list = if section.rules.is_empty() {
        view! { <p class="hint">{tr(Msg::NoRules)}</p> }.into_any()
    } else {
        view! {
            <ol class="items">
                {section.rules.iter().cloned().enumerate().map(|(r, rule)| {
                    let text = move || categories.with_value(|c| rule_text(&rule, c, lang.get()));
                    let remove_label = move || Msg::RemoveRuleLabel.text(lang.get()).replace("{n}", &(r + 1).to_string());
                    view! {
                        <li>
                            <span class="item-text">{text}</span>
                            <ActionForm action=acts.remove_rule attr:class="inline-action" on:submit=o.mark(key("rule-remove"))>
                                {hidden()}
                                <input type="hidden" name="rule" value=r.to_string() />
                                <button type="submit" class="link" aria-label=remove_label>{tr(Msg::PaperRemove)}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
        .into_any()
    };
    let remove_section_label = move || {
        Msg::RemoveSectionLabel
            .text(lang.get())
            .replace("{n}", &n.to_string())
    };
    let ids_hint = el("ids-hint");
    let ids_hint_ref = ids_hint.clone();
    // A failed plain-form post of this section's add forms comes back with the values
    // typed (and the section they were for), so a shortfall does not lose the rule.
    let typed_rule = Retyped::read("points_each");
    let typed_fixed = Retyped::read("question_ids");
    let rule_here = typed_rule.text("section", String::new()) == index.to_string();
    let fixed_here = typed_fixed.text("section", String::new()) == index.to_string();
    let rule_value = |k: &str, default: &str| {
        if rule_here {
            typed_rule.text(k, default.to_owned())
        } else {
            default.to_owned()
        }
    };
    let (t_cat, t_type, t_diff) = (
        rule_value("category", ""),
        rule_value("qtype", "single"),
        rule_value("difficulty", ""),
    );
    let (t_count, t_pts) = (rule_value("count", "5"), rule_value("points_each", "1"));
    let (t_ids, t_fixed_pts) = if fixed_here {
        (
            typed_fixed.text("question_ids", String::new()),
            typed_fixed.text("points", "1".to_owned()),
        )
    } else {
        (String::new(), "1".to_owned())
    };
    // The two add forms are built apart and type-erased to keep the section view shallow.
    let rule_form = view! {
        <ActionForm action=acts.add_rule attr:class="form" on:submit=o.mark(key("rule"))>
            <ErrorNotice error=o.error(acts.add_rule, key("rule")) />
            {hidden()}
            <fieldset class="row">
                <legend>{tr(Msg::AddRule)}</legend>
                <div>
                    <label for=el("cat")>{tr(Msg::FilterCategory)}</label>
                    <select id=el("cat") name="category">
                        <option value="">{tr(Msg::AnyCategory)}</option>
                        {categories.with_value(|c| c.iter().map(|k| {
                            let id = k.id.to_string();
                            let chosen = id == t_cat;
                            view! { <option value=id selected=chosen>{k.path.clone()}</option> }
                        }).collect_view())}
                    </select>
                </div>
                <div>
                    <label for=el("type")>{tr(Msg::FilterType)}</label>
                    <select id=el("type") name="qtype">
                        {QuestionType::ALL.into_iter().map(|t| view! {
                            <option value=t.key() selected=t.key() == t_type>{move || t.label().text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=el("diff")>{tr(Msg::FilterDifficulty)}</label>
                    <select id=el("diff") name="difficulty">
                        <option value="">{tr(Msg::AnyDifficulty)}</option>
                        {(1..=5u8).map(|d| view! {
                            <option value=d.to_string() selected=d.to_string() == t_diff>{move || Msg::DifficultyN.text(lang.get()).replace("{n}", &d.to_string())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=el("count")>{tr(Msg::RuleCount)}</label>
                    <input id=el("count") name="count" type="number" min="1" max="500" inputmode="numeric" required value=t_count />
                </div>
                <div>
                    <label for=el("pts")>{tr(Msg::PointsEach)}</label>
                    <input id=el("pts") name="points_each" type="text" inputmode="decimal" required maxlength="8" value=t_pts />
                </div>
                <button type="submit">{tr(Msg::AddRuleButton)}</button>
            </fieldset>
        </ActionForm>
    }
    .into_any();
    let fixed_form = view! {
        <ActionForm action=acts.add_fixed attr:class="form" on:submit=o.mark(key("fixed"))>
            <ErrorNotice error=o.error(acts.add_fixed, key("fixed")) />
            {hidden()}
            <fieldset class="stack">
                <legend>{tr(Msg::AddFixedById)}</legend>
                <label for=el("ids")>{tr(Msg::QuestionIds)}</label>
                <textarea id=el("ids") name="question_ids" rows="2" required aria-describedby=ids_hint_ref>{t_ids}</textarea>
                <p id=ids_hint class="hint">{tr(Msg::QuestionIdsHint)}</p>
                <label for=el("fixed-pts")>{tr(Msg::PointsEach)}</label>
                <input id=el("fixed-pts") name="points" type="text" inputmode="decimal" required maxlength="8" value=t_fixed_pts />
                <button type="submit">{tr(Msg::AddFixedButton)}</button>
            </fieldset>
        </ActionForm>
    }
    .into_any();
    view! {
        <section class="paper-section" aria-labelledby=heading_ref>
            <h3 id=heading>{heading_text}</h3>
            <p class="meta">
                {move || Msg::SectionTotals.text(lang.get()).replace("{n}", &count.to_string()).replace("{p}", &points.to_string())}
            </p>
            <div class="toolbar">
                <ActionForm action=acts.rename attr:class="form inline" on:submit=o.mark(key("rename"))>
                    <ErrorNotice error=o.error(acts.rename, key("rename")) />
                    {hidden()}
                    <label for=el("title")>{tr(Msg::PaperSectionTitle)}</label>
                    <input id=el("title") name="title" type="text" maxlength="100" value=section.title.clone() />
                    <button type="submit" class="secondary">{tr(Msg::SectionRename)}</button>
                </ActionForm>
                <ActionForm action=acts.remove_section attr:class="danger" on:submit=o.mark(key("remove-section"))>
                    <ErrorNotice error=o.error(acts.remove_section, key("remove-section")) />
                    {hidden()}
                    <button type="submit" aria-label=remove_section_label>{tr(Msg::RemoveSection)}</button>
                </ActionForm>
            </div>

            <h4>{tr(Msg::FixedQuestions)}</h4>
            <ErrorNotice error=o.error(acts.remove_fixed, key("fixed-remove")) />
            {fixed_list}

            <h4>{tr(Msg::DrawRules)}</h4>
            <ErrorNotice error=o.error(acts.remove_rule, key("rule-remove")) />
            {rule_list}

            {rule_form}

            {fixed_form}
        </section>
    }
}

#[component]
fn AddSectionForm(exam_id: String, acts: Actions) -> impl IntoView {
    view! {
        <ActionForm action=acts.add_section attr:class="form inline add-section">
            <ErrorNotice error=action_error(acts.add_section) />
            <input type="hidden" name="id" value=exam_id />
            <label for="new-section-title">{tr(Msg::NewSectionTitle)}</label>
            <input id="new-section-title" name="title" type="text" maxlength="100" required />
            <button type="submit">{tr(Msg::PaperAddSection)}</button>
        </ActionForm>
    }
}

/// The picker's search as it stands in the URL.
#[derive(Debug, Clone, PartialEq, Default)]
struct PickQuery {
    text: String,
    qtype: String,
    category: String,
    section: usize,
    page: u32,
}

impl PickQuery {
    fn from_query(m: &leptos_router::params::ParamsMap) -> Option<PickQuery> {
        m.get("find")?;
        Some(PickQuery {
            text: m.get("q").unwrap_or_default(),
            qtype: m.get("qtype").unwrap_or_default(),
            category: m.get("qcat").unwrap_or_default(),
            section: m.get("sec").and_then(|s| s.parse().ok()).unwrap_or(0),
            page: m.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        })
    }

    /// The query without the page, for the pager.
    fn base(&self) -> String {
        format!(
            "find=1&q={}&qtype={}&qcat={}&sec={}",
            qs_encode(&self.text),
            qs_encode(&self.qtype),
            qs_encode(&self.category),
            self.section
        )
    }
}

/// Finds active questions of the exam's bank and adds one to a section with a click.
#[component]
fn QuestionPicker(data: EditorData, acts: Actions) -> impl IntoView {
    let query = use_query_map();
    let lang = use_lang();
    let exam = data.exam.clone();
    if exam.sections.is_empty() {
        return ().into_any();
    }
    let q = Memo::new(move |_| query.with(PickQuery::from_query));
    let bank = exam.bank_id.to_string();
    let results = Resource::new(
        move || q.get(),
        move |q| {
            let bank_id = bank.clone();
            async move {
                match q {
                    None => None,
                    Some(q) => Some(
                        search_questions(QuestionQuery {
                            bank_id,
                            text: q.text,
                            category: q.category,
                            qtype: q.qtype,
                            // Only active questions can be placed in a paper.
                            status: "active".into(),
                            page: q.page,
                            ..QuestionQuery::default()
                        })
                        .await,
                    ),
                }
            }
        },
    );
    let initial = q.get_untracked().unwrap_or_default();
    let action = format!("/organize/exams/{}", exam.id);
    let sections: Vec<(usize, String)> = exam
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.title.clone()))
        .collect();
    let in_paper: Vec<QuestionId> = exam
        .sections
        .iter()
        .flat_map(|s| s.fixed.iter().map(|f| f.question_id))
        .collect();
    let categories = data.categories.clone();
    let exam_id = StoredValue::new(exam.id.to_string());
    let in_paper = StoredValue::new(in_paper);
    view! {
        <section aria-labelledby="picker-h" class="picker">
            <h3 id="picker-h">{tr(Msg::PickerTitle)}</h3>
            <Form method="get" action=action attr:class="filters" attr:role="search" attr:aria-labelledby="picker-h">
                <input type="hidden" name="find" value="1" />
                <div>
                    <label for="pick-q">{tr(Msg::FilterText)}</label>
                    <input id="pick-q" name="q" type="search" value=initial.text.clone() />
                </div>
                <div>
                    <label for="pick-type">{tr(Msg::FilterType)}</label>
                    <select id="pick-type" name="qtype">
                        <option value="">{tr(Msg::All)}</option>
                        {QuestionType::ALL.into_iter().map(|t| view! {
                            <option value=t.key() selected=initial.qtype == t.key()>{move || t.label().text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="pick-cat">{tr(Msg::FilterCategory)}</label>
                    <select id="pick-cat" name="qcat">
                        <option value="">{tr(Msg::AnyCategory)}</option>
                        {categories.into_iter().map(|c| {
                            let value = c.id.to_string();
                            let selected = value == initial.category;
                            view! { <option value=value selected=selected>{c.path}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="pick-sec">{tr(Msg::AddToSection)}</label>
                    <select id="pick-sec" name="sec">
                        {sections.into_iter().map(|(i, title)| {
                            let label = move || {
                                let n = Msg::PaperSectionN.text(lang.get()).replace("{n}", &(i + 1).to_string());
                                if title.is_empty() { n } else { format!("{n}：{title}") }
                            };
                            view! { <option value=i.to_string() selected=initial.section == i>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">{tr(Msg::Search)}</button>
            </Form>
            <ErrorNotice error=acts.origin.error(acts.add_fixed, "pick".to_owned()) />
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || results.get().flatten().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(page) => {
                        let pq = q.get().unwrap_or_default();
                        view! { <PickResults page pq exam_id=exam_id.get_value() in_paper=in_paper.get_value() acts /> }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn PickResults(
    page: QuestionPage,
    pq: PickQuery,
    exam_id: String,
    in_paper: Vec<QuestionId>,
    acts: Actions,
) -> impl IntoView {
    let lang = use_lang();
    if page.items.is_empty() {
        return view! { <p class="empty">{tr(Msg::NoResults)}</p> }.into_any();
    }
    let pages = page.total.div_ceil(u64::from(page.per_page.max(1))).max(1) as u32;
    let section = pq.section;
    let exam_id = StoredValue::new(exam_id);
    view! {
        <table class="grid" aria-labelledby="picker-h">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::ColStem)}</th>
                    <th scope="col">{tr(Msg::ColType)}</th>
                    <th scope="col">{tr(Msg::ColCategory)}</th>
                    <th scope="col">{tr(Msg::ColDifficulty)}</th>
                    <th scope="col">{tr(Msg::ColPoints)}</th>
                    <th scope="col">{tr(Msg::Actions)}</th>
                </tr>
            </thead>
            <tbody>
                {page.items.into_iter().map(|item| {
                    let qtype = item.qtype;
                    let already = in_paper.contains(&item.id);
                    let stem = snippet(&item.stem, 80);
                    let add_label = {
                        let stem = stem.clone();
                        move || format!("{}：{stem}", Msg::AddToPaper.text(lang.get()))
                    };
                    let action = if already {
                        view! { <span class="meta">{tr(Msg::AlreadyInPaper)}</span> }.into_any()
                    } else {
                        view! {
                            <ActionForm action=acts.add_fixed attr:class="inline-action" on:submit=acts.origin.mark("pick".to_owned())>
                                <input type="hidden" name="id" value=exam_id.get_value() />
                                <input type="hidden" name="section" value=section.to_string() />
                                <input type="hidden" name="question_ids" value=item.id.to_string() />
                                <input type="hidden" name="points" value=item.points.to_string() />
                                <button type="submit" class="secondary" aria-label=add_label>{tr(Msg::AddToPaper)}</button>
                            </ActionForm>
                        }
                        .into_any()
                    };
                    view! {
                        <tr>
                            <td>{stem}</td>
                            <td>{move || qtype.label().text(lang.get())}</td>
                            <td>{item.category_path.clone()}</td>
                            <td class="num">{item.difficulty}</td>
                            <td class="num">{item.points.to_string()}</td>
                            <td>{action}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <Pager page=page.page pages total=page.total base_query=pq.base() />
    }
    .into_any()
}

/// The exam's sittings and the form to schedule one (it leads to the new sitting).
#[component]
fn ExamSittings(exam_id: Memo<String>) -> impl IntoView {
    let create = ServerAction::<CreateSitting>::new();
    let sittings = Resource::new(move || exam_id.get(), exam_sittings);
    let error = action_error(create);
    let values = SittingValues::blank().or_retyped();
    view! {
        <section aria-labelledby="sittings-h">
            <h2 id="sittings-h">{tr(Msg::SittingsOfExam)}</h2>
            <Transition fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || sittings.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(list) => view! { <crate::sittings::ui::SittingTable sittings=list show_exam=false /> }.into_any(),
                })}
            </Transition>
            <h3 id="new-sitting-h">{tr(Msg::NewSitting)}</h3>
            <ActionForm action=create attr:class="form narrow-form" attr:aria-labelledby="new-sitting-h">
                <ErrorNotice error />
                <input type="hidden" name="exam_id" value=move || exam_id.get() />
                <SittingFields values prefix="new-sitting" error />
                <button type="submit">{tr(Msg::CreateSitting)}</button>
            </ActionForm>
        </section>
    }
}
