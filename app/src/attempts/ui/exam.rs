//! The exam page: one question at a time, the answer card (答题卡), flags, the countdown
//! and the save acknowledgements.
//!
//! The page is one plain form (`POST /attempt/{id}/answer`) whose buttons save and move,
//! so everything essential works without JavaScript; the countdown then shows the
//! deadline. Hydrated, the same controls save on every change through an ordered queue
//! kept in `localStorage` (so answers made offline, or not yet acknowledged when the tab
//! closed, are sent when the page is back), move without reloading, and the countdown
//! runs from the server's deadline on the browser's monotonic clock, re-synchronised
//! with the server every 30 s and on every acknowledgement.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::error::AppError;
use crate::grading::model::Response;
use crate::i18n::Msg;
use crate::question_bank::domain::option_letter;
use crate::question_bank::model::QuestionType;
use crate::time::Timestamp;
use crate::ui::{tr, use_lang, ErrorNotice};

use super::super::api::view_attempt;
use super::super::model::{AttemptItem, AttemptRefusal, AttemptStatus, AttemptView};

/// What the page holds for one question.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Local {
    pub response: Option<Response>,
    pub flagged: bool,
    /// The highest sequence number used for this question (sent or acknowledged).
    pub seq: i64,
    pub saved_at: Option<Timestamp>,
    /// A change not yet acknowledged by the server.
    pub pending: bool,
}

pub(super) fn locals(v: &AttemptView) -> Vec<Local> {
    let mut out = vec![Local::default(); v.items.len()];
    for a in &v.answers {
        if let Some(l) = out.get_mut(a.position as usize) {
            *l = Local {
                response: a.response.clone(),
                flagged: a.flagged,
                seq: a.seq,
                saved_at: Some(a.saved_at),
                pending: false,
            };
        }
    }
    out
}

pub(super) fn answered(l: &Local) -> bool {
    l.response
        .as_ref()
        .is_some_and(crate::grading::domain::is_answered)
}

/// "01:05:09" or "05:09" for a remaining time.
fn clock_text(ms: i64) -> String {
    let s = (ms.max(0) + 999) / 1000;
    let (h, m, s) = (s / 3600, s % 3600 / 60, s % 60);
    if h > 0 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[component]
pub fn AttemptPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let attempt = Resource::new(id, view_attempt);
    let lang = use_lang();
    view! {
        <main id="main" class="page exam-page">
            <Suspense fallback=move || view! { <p>{tr(Msg::Loading)}</p> }>
                {move || attempt.get().map(|r| match r {
                    Err(AppError::Attempt(AttemptRefusal::OtherDevice)) => view! {
                        <h1>{tr(Msg::ExamInProgress)}</h1>
                        <p class="notice error" role="alert">{move || Msg::ErrOtherDevice.text(lang.get())}</p>
                        <p><a href="/">{tr(Msg::NavHome)}</a></p>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=Signal::derive(move || Some(e.clone())) /> }.into_any(),
                    Ok(v) if v.status == AttemptStatus::Submitted || v.items.is_empty() => {
                        let done = format!("/attempt/{}/done", v.id);
                        view! {
                            <h1>{v.exam_title.clone()}</h1>
                            <p>{tr(Msg::SubmittedText)}" "<a href=done>{tr(Msg::SubmittedTitle)}</a></p>
                        }.into_any()
                    }
                    Ok(v) => {
                        let asked = query.with_untracked(|q| q.get("q").and_then(|s| s.parse::<u32>().ok()));
                        let error = query.with_untracked(|q| q.get("error"));
                        let saved = query.with_untracked(|q| q.get("saved").is_some());
                        view! { <Runner view=v asked error saved /> }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The running exam. `asked` is the question in the URL (`?q=`), else the one the
/// candidate was last on.
#[component]
fn Runner(
    view: AttemptView,
    asked: Option<u32>,
    error: Option<String>,
    saved: bool,
) -> impl IntoView {
    let lang = use_lang();
    let n = view.items.len() as u32;
    let id = view.id;
    let items = StoredValue::new(view.items.clone());
    let answers = RwSignal::new(locals(&view));
    let current = RwSignal::new(asked.unwrap_or(view.current).min(n.saturating_sub(1)));
    let remaining = RwSignal::new((view.deadline.0 - view.server_now.0).max(0));
    let offline = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    let review = RwSignal::new(false);
    let finished = RwSignal::new(false);
    let deadline = view.deadline;
    let action = format!("/attempt/{id}/answer");

    #[cfg(feature = "hydrate")]
    let client = client::Client::start(id, answers, current, remaining, offline, finished, &view);
    Effect::new(move |_| hydrated.set(true));

    let go_to = move |to: u32| {
        let to = to.min(n.saturating_sub(1));
        current.set(to);
        #[cfg(feature = "hydrate")]
        client.moved(to);
    };
    #[cfg(feature = "hydrate")]
    client.keyboard(items, current, go_to);

    let card = move || {
        let cur = current.get();
        answers.with(|all| {
            all.iter()
                .enumerate()
                .map(|(i, l)| {
                    let i = i as u32;
                    let mut class = String::from("card-cell");
                    if answered(l) {
                        class.push_str(" answered");
                    }
                    if l.flagged {
                        class.push_str(" flagged");
                    }
                    let label = format!(
                        "{}{}{}",
                        Msg::QuestionNumber
                            .text(lang.get())
                            .replace("{n}", &(i + 1).to_string()),
                        if answered(l) {
                            format!("，{}", Msg::AnsweredLegend.text(lang.get()))
                        } else {
                            format!("，{}", Msg::UnansweredLegend.text(lang.get()))
                        },
                        if l.flagged {
                            format!("，{}", Msg::FlaggedLegend.text(lang.get()))
                        } else {
                            String::new()
                        },
                    );
                    view! {
                        <li>
                            <button
                                type="submit"
                                name="go"
                                value=format!("card:{i}")
                                class=class
                                aria-label=label
                                aria-current=(i == cur).then_some("step")
                                on:click=move |ev| {
                                    if hydrated.get_untracked() {
                                        ev.prevent_default();
                                        go_to(i);
                                    }
                                }
                            >
                                {i + 1}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    let status_line = move || {
        let pos = current.get() as usize;
        answers.with(|all| {
            all.get(pos).map(|l| {
                if l.pending {
                    Msg::Saving.text(lang.get()).to_owned()
                } else if let Some(at) = l.saved_at {
                    format!(
                        "{} {}",
                        Msg::SavedAt.text(lang.get()),
                        at.display_cst_clock()
                    )
                } else {
                    Msg::NotSavedYet.text(lang.get()).to_owned()
                }
            })
        })
    };

    let timer = move || {
        if hydrated.get() {
            clock_text(remaining.get())
        } else {
            deadline.display_cst()
        }
    };
    let timer_label = move || {
        if hydrated.get() {
            Msg::TimeLeft.text(lang.get())
        } else {
            Msg::SubmitBy.text(lang.get())
        }
    };
    let warning = move || {
        let r = remaining.get();
        if !hydrated.get() || finished.get() || r <= 0 {
            None
        } else if r <= 60_000 {
            Some(Msg::WarnOneMinute)
        } else if r <= 300_000 {
            Some(Msg::WarnFiveMinutes)
        } else {
            None
        }
    };
    let unanswered = move || answers.with(|a| a.iter().filter(|l| !answered(l)).count());
    let flagged = move || answers.with(|a| a.iter().filter(|l| l.flagged).count());
    let seq_value = move || {
        answers.with(|a| {
            a.get(current.get() as usize)
                .map(|l| l.seq + 1)
                .unwrap_or(1)
                .to_string()
        })
    };

    view! {
        <header class="exam-head">
            <h1>{view.exam_title.clone()}</h1>
            <p class="exam-sitting">{view.sitting_name.clone()}</p>
            <p class="exam-timer" role="timer" aria-live="off">
                <span>{timer_label}": "</span><strong>{timer}</strong>
            </p>
        </header>
        {move || warning().map(|m| view! { <p class="notice warn" role="alert">{m.text(lang.get())}</p> })}
        {move || offline.get().then(|| view! { <p class="notice error offline" role="alert">{tr(Msg::OfflineBanner)}</p> })}
        {move || finished.get().then(|| view! { <p class="notice warn" role="alert">{tr(Msg::TimeUp)}</p> })}
        {error.map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
        {saved.then(|| view! { <p class="notice ok" role="status">{tr(Msg::SavedAt)}</p> })}
        <form method="post" action=action class="exam-form">
            <input type="hidden" name="position" prop:value=move || current.get().to_string() value=move || current.get().to_string() />
            <input type="hidden" name="seq" prop:value=seq_value value=seq_value />
            <div class="exam-body">
                <section class="question-pane" aria-labelledby="question-h">
                    {move || {
                        let pos = current.get();
                        items.with_value(|its| its.get(pos as usize).cloned()).map(|item| {
                            view! { <Question item pos attempt=id answers finished
                                on_change=Callback::new(move |p: u32| {
                                    #[cfg(feature = "hydrate")]
                                    client.changed(p);
                                    #[cfg(not(feature = "hydrate"))]
                                    let _ = p;
                                }) /> }
                        })
                    }}
                    <p class="saved-status" role="status">{status_line}</p>
                    <p class="exam-nav">
                        <button type="submit" name="go" value="prev" class="secondary"
                            disabled=move || current.get() == 0
                            on:click=move |ev| { if hydrated.get_untracked() { ev.prevent_default(); go_to(current.get_untracked().saturating_sub(1)); } }>
                            {tr(Msg::PrevQuestion)}
                        </button>
                        <button type="submit" name="go" value="save" class="secondary"
                            on:click=move |ev| { if hydrated.get_untracked() { ev.prevent_default(); } }>
                            {tr(Msg::SaveAnswer)}
                        </button>
                        <button type="submit" name="go" value="next"
                            disabled=move || { current.get() + 1 >= n }
                            on:click=move |ev| { if hydrated.get_untracked() { ev.prevent_default(); go_to(current.get_untracked() + 1); } }>
                            {tr(Msg::NextQuestion)}
                        </button>
                    </p>
                    <p class="hint">{tr(Msg::ShortcutsHelp)}</p>
                </section>
                <nav class="answer-card" aria-labelledby="card-h">
                    <h2 id="card-h">{tr(Msg::AnswerCard)}</h2>
                    <ol class="card-grid">{card}</ol>
                    <p class="legend">
                        <span class="card-cell answered" aria-hidden="true"></span>{tr(Msg::AnsweredLegend)}" "
                        <span class="card-cell" aria-hidden="true"></span>{tr(Msg::UnansweredLegend)}" "
                        <span class="card-cell flagged" aria-hidden="true"></span>{tr(Msg::FlaggedLegend)}
                    </p>
                    <button type="submit" name="go" value="review" class="danger"
                        on:click=move |ev| { if hydrated.get_untracked() { ev.prevent_default(); review.set(true); } }>
                        {tr(Msg::SubmitExam)}
                    </button>
                </nav>
            </div>
        </form>
        {move || review.get().then(|| view! {
            <section class="submit-review" role="dialog" aria-modal="false" aria-labelledby="review-h">
                <h2 id="review-h">{tr(Msg::SubmitConfirmTitle)}</h2>
                <dl class="facts">
                    <div><dt>{tr(Msg::UnansweredCount)}</dt><dd>{unanswered}</dd></div>
                    <div><dt>{tr(Msg::FlaggedCount)}</dt><dd>{flagged}</dd></div>
                </dl>
                <p>
                    <button type="button" class="danger" on:click=move |_| {
                        #[cfg(feature = "hydrate")]
                        client.submit();
                    }>{tr(Msg::ConfirmSubmit)}</button>
                    " "
                    <button type="button" class="secondary" on:click=move |_| review.set(false)>{tr(Msg::ReturnToExam)}</button>
                </p>
            </section>
        })}
    }
}

#[component]
fn Question(
    item: AttemptItem,
    pos: u32,
    attempt: crate::attempts::model::AttemptId,
    answers: RwSignal<Vec<Local>>,
    finished: RwSignal<bool>,
    on_change: Callback<u32>,
) -> impl IntoView {
    let lang = use_lang();
    let q = item.question;
    let heading = move || {
        Msg::QuestionNumber
            .text(lang.get())
            .replace("{n}", &(pos + 1).to_string())
    };
    let points = q.points.to_string();
    let current = move || answers.with(|a| a.get(pos as usize).cloned().unwrap_or_default());
    let set = move |f: &dyn Fn(&mut Local)| {
        answers.update(|a| {
            if let Some(l) = a.get_mut(pos as usize) {
                f(l);
            }
        });
        on_change.run(pos);
    };
    let chosen =
        move |i: u8| matches!(current().response, Some(Response::Choice(c)) if c.contains(&i));
    // The attributes of the server's HTML; afterwards the `prop:` bindings follow the state.
    let init = answers.with_untracked(|a| a.get(pos as usize).cloned().unwrap_or_default());
    let init_choice: Vec<u8> = match &init.response {
        Some(Response::Choice(c)) => c.clone(),
        _ => Vec::new(),
    };
    let disabled = move || finished.get();
    let body = match q.qtype {
        QuestionType::Single | QuestionType::Multiple => {
            let multiple = q.qtype == QuestionType::Multiple;
            let kind = if multiple { "checkbox" } else { "radio" };
            q.options
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let i = i as u8;
                    let input_id = format!("opt-{pos}-{i}");
                    let label_for = input_id.clone();
                    view! {
                        <li>
                            <input type=kind name="choice" id=input_id value=i.to_string()
                                checked=init_choice.contains(&i) prop:checked=move || chosen(i) disabled=disabled
                                on:change=move |_| set(&|l: &mut Local| {
                                    let mut c = match &l.response { Some(Response::Choice(c)) => c.clone(), _ => Vec::new() };
                                    if multiple {
                                        if let Some(k) = c.iter().position(|x| *x == i) { c.remove(k); } else { c.push(i); c.sort(); }
                                    } else {
                                        c = vec![i];
                                    }
                                    l.response = Some(Response::Choice(c));
                                }) />
                            <label for=label_for><span class="letter">{option_letter(i as usize).to_string()}". "</span>{text.clone()}</label>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionType::TrueFalse => {
            let is =
                move |b: bool| matches!(current().response, Some(Response::TrueFalse(x)) if x == b);
            let init_tf = match &init.response {
                Some(Response::TrueFalse(x)) => Some(*x),
                _ => None,
            };
            [(true, Msg::DiffTrue), (false, Msg::DiffFalse)]
                .into_iter()
                .map(|(b, m)| {
                    let input_id = format!("tf-{pos}-{b}");
                    let label_for = input_id.clone();
                    view! {
                        <li>
                            <input type="radio" name="tf" id=input_id value=b.to_string()
                                checked={init_tf == Some(b)} prop:checked=move || is(b) disabled=disabled
                                on:change=move |_| set(&|l: &mut Local| l.response = Some(Response::TrueFalse(b))) />
                            <label for=label_for>{move || m.text(lang.get())}</label>
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionType::FillBlank => {
            let count = q.blanks;
            (0..count)
                .map(|b| {
                    let input_id = format!("blank-{pos}-{b}");
                    let label_for = input_id.clone();
                    let init_value = match &init.response {
                        Some(Response::Blanks(v)) => v.get(b).cloned().unwrap_or_default(),
                        _ => String::new(),
                    };
                    let value = move || match current().response {
                        Some(Response::Blanks(v)) => v.get(b).cloned().unwrap_or_default(),
                        _ => String::new(),
                    };
                    view! {
                        <li>
                            <label for=label_for>{move || Msg::BlankNumber.text(lang.get()).replace("{n}", &(b + 1).to_string())}</label>
                            <input type="text" name="blank" id=input_id maxlength="1000" autocomplete="off"
                                value=init_value prop:value=value disabled=disabled
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    set(&|l: &mut Local| {
                                        let mut v = match &l.response { Some(Response::Blanks(v)) => v.clone(), _ => Vec::new() };
                                        v.resize(count, String::new());
                                        v[b] = text.clone();
                                        l.response = Some(Response::Blanks(v));
                                    })
                                } />
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        }
    };
    let type_label = move || q.qtype.label().text(lang.get());
    let flagged = move || current().flagged;
    view! {
        <h2 id="question-h">{heading}" "<small>"（"{type_label}"，"{points}" "{move || Msg::PointsSuffix.text(lang.get())}"）"</small></h2>
        {(!item.section_title.is_empty()).then(|| view! { <p class="section-title">{item.section_title.clone()}</p> })}
        <p class="stem">{q.stem.clone()}</p>
        {q.image.map(|img| view! { <img class="stem-image" src=format!("/attempt/{attempt}/images/{img}") alt="" /> })}
        <ul class="choices">{body}</ul>
        <p class="flag">
            <input type="checkbox" name="flagged" id=format!("flag-{pos}") checked=init.flagged prop:checked=flagged disabled=move || finished.get()
                on:change=move |_| set(&|l: &mut Local| l.flagged = !l.flagged) />
            <label for=format!("flag-{pos}")>{tr(Msg::FlagQuestion)}</label>
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod client {
    //! Browser-only machinery of the exam page: the ordered save queue with its
    //! `localStorage` copy, the countdown clock, keyboard shortcuts and integrity events.

    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use super::*;
    use crate::attempts::api::{
        attempt_clock, navigate, report_event, save_answer, submit_attempt,
    };
    use crate::attempts::model::{AttemptId, ClientEvent, SaveAck, SaveRequest};

    const RESYNC_MS: u64 = 30_000;
    const RETRY_MS: u64 = 3_000;

    fn perf_now() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    }

    fn go(path: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_href(path);
        }
    }

    #[derive(Clone, Copy)]
    pub struct Client {
        id: AttemptId,
        answers: RwSignal<Vec<Local>>,
        queue: StoredValue<Vec<SaveRequest>>,
        in_flight: StoredValue<bool>,
        offline: RwSignal<bool>,
        finished: RwSignal<bool>,
        remaining: RwSignal<i64>,
        /// (milliseconds left at the last sync, `performance.now()` then).
        sync: StoredValue<(i64, f64)>,
        /// Bumped on every edit, so a debounced save of typed text sends only the last.
        edits: StoredValue<u64>,
    }

    impl Client {
        pub fn start(
            id: AttemptId,
            answers: RwSignal<Vec<Local>>,
            _current: RwSignal<u32>,
            remaining: RwSignal<i64>,
            offline: RwSignal<bool>,
            finished: RwSignal<bool>,
            view: &AttemptView,
        ) -> Client {
            let c = Client {
                id,
                answers,
                queue: StoredValue::new(Vec::new()),
                in_flight: StoredValue::new(false),
                offline,
                finished,
                remaining,
                sync: StoredValue::new((view.deadline.0 - view.server_now.0, perf_now())),
                edits: StoredValue::new(0),
            };
            // After hydration: what this browser still has to send changes the page, and
            // the first render must match the server's HTML.
            // The page's server time is from when the HTML was made, so ask the server
            // once more as soon as the page is interactive.
            Effect::new(move |_| {
                c.restore();
                c.tick();
                c.resync();
                c.pump();
            });
            if let Ok(h) =
                set_interval_with_handle(move || c.tick(), std::time::Duration::from_millis(250))
            {
                on_cleanup(move || h.clear());
            }
            if let Ok(h) = set_interval_with_handle(
                move || c.resync(),
                std::time::Duration::from_millis(RESYNC_MS),
            ) {
                on_cleanup(move || h.clear());
            }
            if let Ok(h) = set_interval_with_handle(
                move || c.pump(),
                std::time::Duration::from_millis(RETRY_MS),
            ) {
                on_cleanup(move || h.clear());
            }
            let online = window_event_listener_untyped("online", move |_| c.pump());
            on_cleanup(move || online.remove());
            c.integrity();
            c
        }

        fn key(&self) -> String {
            format!("examhall.pending.{}", self.id)
        }

        fn persist(&self) {
            if let Some(s) = storage() {
                let q = self.queue.get_value();
                if q.is_empty() {
                    let _ = s.remove_item(&self.key());
                } else if let Ok(json) = serde_json::to_string(&q) {
                    let _ = s.set_item(&self.key(), &json);
                }
            }
        }

        /// Takes back the saves this browser made but the server never acknowledged
        /// (offline, tab closed, crash): newer than what the server holds, they are shown
        /// and sent again; older ones are dropped.
        fn restore(&self) {
            let Some(json) = storage().and_then(|s| s.get_item(&self.key()).ok().flatten()) else {
                return;
            };
            let Ok(saved) = serde_json::from_str::<Vec<SaveRequest>>(&json) else {
                return;
            };
            let mut keep = Vec::new();
            self.answers.update(|a| {
                for r in saved {
                    if let Some(l) = a.get_mut(r.position as usize) {
                        if r.seq > l.seq {
                            l.response = r.response.clone();
                            l.flagged = r.flagged;
                            l.seq = r.seq;
                            l.pending = true;
                            keep.push(r);
                        }
                    }
                }
            });
            self.queue.set_value(keep);
            self.persist();
        }

        fn tick(&self) {
            let (left, at) = self.sync.get_value();
            let r = left - (perf_now() - at) as i64;
            self.remaining.set(r.max(0));
            if r <= 0 && !self.finished.get_untracked() {
                self.finished.set(true);
                // Time is up: the server submits by itself; follow it to the result page.
                self.resync();
            }
        }

        fn set_sync(&self, deadline: Timestamp, server_now: Timestamp) {
            self.sync.set_value((deadline.0 - server_now.0, perf_now()));
            if deadline.0 > server_now.0 && self.finished.get_untracked() {
                // An invigilator extended the time.
                self.finished.set(false);
            }
            self.tick();
        }

        fn resync(&self) {
            let c = *self;
            spawn_local(async move {
                match attempt_clock(c.id.to_string()).await {
                    Ok(s) if s.status == AttemptStatus::Submitted => {
                        go(&format!("/attempt/{}/done", c.id))
                    }
                    Ok(s) => {
                        c.set_sync(s.deadline, s.server_now);
                        if c.finished.get_untracked() {
                            let again = c;
                            set_timeout(
                                move || again.resync(),
                                std::time::Duration::from_millis(2_000),
                            );
                        }
                    }
                    Err(_) => {
                        if c.finished.get_untracked() {
                            let again = c;
                            set_timeout(
                                move || again.resync(),
                                std::time::Duration::from_millis(RETRY_MS),
                            );
                        }
                    }
                }
            });
        }

        /// A control of question `pos` changed: queue its new state. Typed text waits
        /// for a pause in typing.
        pub fn changed(&self, pos: u32) {
            let edit = self.edits.get_value() + 1;
            self.edits.set_value(edit);
            self.answers.update(|a| {
                if let Some(l) = a.get_mut(pos as usize) {
                    l.pending = true;
                }
            });
            let typing = self.answers.with_untracked(|a| {
                matches!(
                    a.get(pos as usize).and_then(|l| l.response.as_ref()),
                    Some(Response::Blanks(_))
                )
            });
            if typing {
                let c = *self;
                set_timeout(
                    move || {
                        if c.edits.get_value() == edit {
                            c.enqueue(pos);
                        }
                    },
                    std::time::Duration::from_millis(600),
                );
            } else {
                self.enqueue(pos);
            }
        }

        fn enqueue(&self, pos: u32) {
            let mut req = None;
            self.answers.update(|a| {
                if let Some(l) = a.get_mut(pos as usize) {
                    l.seq += 1;
                    l.pending = true;
                    req = Some(SaveRequest {
                        attempt: self.id,
                        position: pos,
                        seq: l.seq,
                        response: l.response.clone(),
                        flagged: l.flagged,
                    });
                }
            });
            let Some(req) = req else { return };
            // A newer save of a question replaces an unsent older one: the server would
            // keep only the newest anyway, and the rest stay in order.
            self.queue.update_value(|q| {
                q.retain(|r| r.position != pos);
                q.push(req);
            });
            self.persist();
            self.pump();
        }

        /// Sends the oldest queued save, one at a time so they arrive in order.
        pub fn pump(&self) {
            if self.in_flight.get_value() {
                return;
            }
            let Some(req) = self.queue.with_value(|q| q.first().cloned()) else {
                return;
            };
            self.in_flight.set_value(true);
            let c = *self;
            spawn_local(async move {
                let result = save_answer(req.clone()).await;
                c.in_flight.set_value(false);
                match result {
                    Ok(ack) => {
                        c.acknowledged(&ack);
                        c.pump();
                    }
                    Err(AppError::Attempt(
                        AttemptRefusal::DeadlinePassed | AttemptRefusal::Submitted,
                    )) => {
                        c.queue.set_value(Vec::new());
                        c.persist();
                        go(&format!("/attempt/{}/done", c.id));
                    }
                    Err(AppError::Attempt(AttemptRefusal::OtherDevice)) => {
                        go(&format!("/attempt/{}", c.id));
                    }
                    Err(AppError::Invalid { .. } | AppError::NotFound) => {
                        // Can never succeed: drop it rather than block the queue.
                        c.queue.update_value(|q| q.retain(|r| r != &req));
                        c.persist();
                        c.pump();
                    }
                    Err(_) => c.offline.set(true),
                }
            });
        }

        fn acknowledged(&self, ack: &SaveAck) {
            self.queue
                .update_value(|q| q.retain(|r| !(r.position == ack.position && r.seq <= ack.seq)));
            let still = self
                .queue
                .with_value(|q| q.iter().any(|r| r.position == ack.position));
            self.answers.update(|a| {
                if let Some(l) = a.get_mut(ack.position as usize) {
                    l.seq = l.seq.max(ack.seq);
                    l.saved_at = Some(ack.saved_at);
                    l.pending = still;
                }
            });
            self.offline.set(false);
            self.persist();
            self.set_sync(ack.deadline, ack.server_now);
        }

        pub fn moved(&self, to: u32) {
            let id = self.id;
            spawn_local(async move {
                let _ = navigate(id, to).await;
            });
            if let Some(w) = web_sys::window() {
                if let Ok(h) = w.history() {
                    let _ = h.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&format!("/attempt/{id}?q={to}")),
                    );
                }
            }
        }

        /// Sends what is still queued, then submits and shows the confirmation page.
        pub fn submit(&self) {
            let c = *self;
            spawn_local(async move {
                for r in c.queue.get_value() {
                    match save_answer(r.clone()).await {
                        Ok(ack) => c.acknowledged(&ack),
                        Err(AppError::Attempt(_)) => break,
                        Err(AppError::Invalid { .. }) => {}
                        Err(_) => {
                            c.offline.set(true);
                            return;
                        }
                    }
                }
                match submit_attempt(c.id.to_string()).await {
                    Ok(_) | Err(AppError::Attempt(_)) => {
                        c.queue.set_value(Vec::new());
                        c.persist();
                        go(&format!("/attempt/{}/done", c.id));
                    }
                    Err(_) => c.offline.set(true),
                }
            });
        }

        fn integrity(&self) {
            let id = self.id;
            let report = move |e: ClientEvent| {
                spawn_local(async move {
                    let _ = report_event(id, e).await;
                });
            };
            let hidden = window_event_listener_untyped("visibilitychange", move |_| {
                if document().hidden() {
                    report(ClientEvent::TabHidden);
                }
            });
            let blur =
                window_event_listener_untyped("blur", move |_| report(ClientEvent::WindowBlur));
            let copy = window_event_listener_untyped("copy", move |_| report(ClientEvent::Copy));
            let paste = window_event_listener_untyped("paste", move |_| report(ClientEvent::Paste));
            let full = window_event_listener_untyped("fullscreenchange", move |_| {
                if document().fullscreen_element().is_none() {
                    report(ClientEvent::FullscreenExit);
                }
            });
            on_cleanup(move || {
                hidden.remove();
                blur.remove();
                copy.remove();
                paste.remove();
                full.remove();
            });
        }

        /// ← → move, 1–8 choose an option, F flags; ignored while typing in a blank.
        pub fn keyboard(
            &self,
            items: StoredValue<Vec<AttemptItem>>,
            current: RwSignal<u32>,
            go_to: impl Fn(u32) + Copy + 'static,
        ) {
            let c = *self;
            let handle =
                window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
                    if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || c.finished.get_untracked()
                    {
                        return;
                    }
                    let typing = ev
                        .target()
                        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                        .is_some_and(|el| {
                            el.tag_name().eq_ignore_ascii_case("input")
                                && el.get_attribute("type").as_deref() == Some("text")
                                || el.tag_name().eq_ignore_ascii_case("textarea")
                        });
                    if typing {
                        return;
                    }
                    let pos = current.get_untracked();
                    match ev.key().as_str() {
                        "ArrowLeft" => go_to(pos.saturating_sub(1)),
                        "ArrowRight" => go_to(pos + 1),
                        "f" | "F" => {
                            c.answers.update(|a| {
                                if let Some(l) = a.get_mut(pos as usize) {
                                    l.flagged = !l.flagged;
                                }
                            });
                            c.changed(pos);
                        }
                        k => {
                            let Some(d) = k.parse::<u8>().ok().filter(|d| (1..=8).contains(d))
                            else {
                                return;
                            };
                            let i = d - 1;
                            let Some(qtype) = items.with_value(|its| {
                                its.get(pos as usize)
                                    .filter(|it| usize::from(i) < it.question.options.len())
                                    .map(|it| it.question.qtype)
                            }) else {
                                return;
                            };
                            c.answers.update(|a| {
                                if let Some(l) = a.get_mut(pos as usize) {
                                    let mut ch = match &l.response {
                                        Some(Response::Choice(c)) => c.clone(),
                                        _ => Vec::new(),
                                    };
                                    if qtype == QuestionType::Multiple {
                                        if let Some(k) = ch.iter().position(|x| *x == i) {
                                            ch.remove(k);
                                        } else {
                                            ch.push(i);
                                            ch.sort();
                                        }
                                    } else {
                                        ch = vec![i];
                                    }
                                    l.response = Some(Response::Choice(ch));
                                }
                            });
                            c.changed(pos);
                        }
                    }
                });
            on_cleanup(move || handle.remove());
        }
    }
}
