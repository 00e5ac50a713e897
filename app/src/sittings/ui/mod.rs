//! Pages of sittings (场次) for organizers and admins: the list, a month calendar, and one
//! sitting with its settings, candidate assignment and roster; plus the pieces the exam
//! editor and the candidate landing page share (time display, the sitting form fields).

mod calendar;
mod detail;
mod list;

pub use calendar::SittingsCalendarPage;
pub use detail::SittingPage;
pub(crate) use list::SittingTable;
pub use list::SittingsPage;

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use crate::papers::ui::{invalid_attr, Retyped};
use crate::time::{format_local_datetime, Timestamp};
use crate::ui::{tr, use_lang};

use super::model::{SittingMode, SittingPhase, SittingSpec};

pub use super::api::server_now;

/// "2026-12-01 09:00" in Asia/Shanghai.
pub(crate) fn local_time(ts: Timestamp) -> String {
    format_local_datetime(ts).replacen('T', " ", 1)
}

/// "2026-12-01 09:00 – 11:00", with the end's date only when it differs.
pub(crate) fn window_text(start: Timestamp, end: Timestamp) -> String {
    let (s, e) = (local_time(start), local_time(end));
    match (s.get(..10), e.get(..10), e.get(11..)) {
        (Some(a), Some(b), Some(end_time)) if a == b => format!("{s} – {end_time}"),
        _ => format!("{s} – {e}"),
    }
}

pub(crate) fn phase_msg(p: SittingPhase) -> Msg {
    match p {
        SittingPhase::Scheduled => Msg::SittingPhaseScheduled,
        SittingPhase::Open => Msg::SittingPhaseOpen,
        SittingPhase::Closed => Msg::SittingPhaseClosed,
    }
}

pub(crate) fn mode_text(mode: SittingMode, lang: Lang) -> String {
    match mode {
        SittingMode::FixedStart { late_entry_minutes } => Msg::ModeFixedSummary
            .text(lang)
            .replace("{n}", &late_entry_minutes.to_string()),
        SittingMode::Flexible => Msg::ModeFlexible.text(lang).to_owned(),
    }
}

/// The sitting form's values as the inputs show them.
#[derive(Debug, Clone, PartialEq)]
pub struct SittingValues {
    pub name: String,
    pub window_start: String,
    pub window_end: String,
    pub mode: String,
    pub late_entry_minutes: String,
    pub capacity: String,
    pub location: String,
    pub is_retake: bool,
}

impl SittingValues {
    pub fn blank() -> Self {
        SittingValues {
            name: String::new(),
            window_start: String::new(),
            window_end: String::new(),
            mode: "fixed".into(),
            late_entry_minutes: "15".into(),
            capacity: String::new(),
            location: String::new(),
            is_retake: false,
        }
    }

    pub fn from_spec(s: &SittingSpec) -> Self {
        let (mode, late) = match s.mode {
            SittingMode::FixedStart { late_entry_minutes } => ("fixed", late_entry_minutes),
            SittingMode::Flexible => ("flexible", 0),
        };
        SittingValues {
            name: s.name.clone(),
            window_start: format_local_datetime(s.window_start),
            window_end: format_local_datetime(s.window_end),
            mode: mode.into(),
            late_entry_minutes: late.to_string(),
            capacity: s.capacity.to_string(),
            location: s.location.clone(),
            is_retake: s.is_retake,
        }
    }

    /// What a failed plain-form post sent back, if anything, over these values.
    pub fn or_retyped(self) -> Self {
        let t = Retyped::read("window_start");
        SittingValues {
            name: t.text("name", self.name),
            window_start: t.text("window_start", self.window_start),
            window_end: t.text("window_end", self.window_end),
            mode: t.text("mode", self.mode),
            late_entry_minutes: t.text("late_entry_minutes", self.late_entry_minutes),
            capacity: t.text("capacity", self.capacity),
            location: t.text("location", self.location),
            is_retake: t.flag("is_retake", self.is_retake),
        }
    }
}

/// The fields of `create_sitting` / `update_sitting`. `prefix` keeps element ids unique.
#[component]
pub fn SittingFields(
    values: SittingValues,
    prefix: &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = move |k: &str| format!("{prefix}-{k}");
    let fixed = values.mode != "flexible";
    let tz_hint = id("tz-hint");
    let late_hint = id("late-hint");
    // Built in two type-erased parts to keep the view shallow for debug-build stacks.
    let when = view! {
        <label for=id("name")>{tr(Msg::SittingNameLabel)}</label>
        <input id=id("name") name="name" type="text" required maxlength="100" value=values.name
            aria-invalid=invalid_attr(error, &["name"]) />
        <label for=id("start")>{tr(Msg::SittingWindowStart)}</label>
        <input id=id("start") name="window_start" type="datetime-local" required value=values.window_start
            aria-describedby=tz_hint.clone() aria-invalid=invalid_attr(error, &["window_start", "window"]) />
        <label for=id("end")>{tr(Msg::SittingWindowEnd)}</label>
        <input id=id("end") name="window_end" type="datetime-local" required value=values.window_end
            aria-describedby=tz_hint.clone() aria-invalid=invalid_attr(error, &["window_end", "window"]) />
        <p id=tz_hint class="hint">{tr(Msg::WindowTzHint)}</p>
    }
    .into_any();
    let how = view! {
        <fieldset>
            <legend>{tr(Msg::SittingModeLabel)}</legend>
            <label class="check" for=id("mode-fixed")>
                <input type="radio" id=id("mode-fixed") name="mode" value="fixed" checked=fixed />
                {tr(Msg::ModeFixed)}
            </label>
            <label class="check" for=id("mode-flexible")>
                <input type="radio" id=id("mode-flexible") name="mode" value="flexible" checked=!fixed />
                {tr(Msg::ModeFlexibleLong)}
            </label>
        </fieldset>
        <label for=id("late")>{tr(Msg::LateEntryMinutes)}</label>
        <input id=id("late") name="late_entry_minutes" type="number" min="0" max="1440" inputmode="numeric"
            value=values.late_entry_minutes aria-describedby=late_hint.clone()
            aria-invalid=invalid_attr(error, &["late_entry_minutes"]) />
        <p id=late_hint class="hint">{tr(Msg::LateEntryHint)}</p>
        <label for=id("capacity")>{tr(Msg::SittingCapacity)}</label>
        <input id=id("capacity") name="capacity" type="number" min="1" max="100000" inputmode="numeric" required
            value=values.capacity aria-invalid=invalid_attr(error, &["capacity"]) />
        <label for=id("location")>{tr(Msg::SittingLocation)}</label>
        <input id=id("location") name="location" type="text" maxlength="200" value=values.location
            aria-invalid=invalid_attr(error, &["location"]) />
        <label class="check" for=id("retake")>
            <input type="checkbox" id=id("retake") name="is_retake" value="on" checked=values.is_retake />
            {tr(Msg::RetakeSitting)}
        </label>
    }
    .into_any();
    view! { {when}{how} }
}

/// The phase as a small badge.
#[component]
pub(crate) fn PhaseBadge(phase: SittingPhase) -> impl IntoView {
    let class = match phase {
        SittingPhase::Scheduled => "badge scheduled",
        SittingPhase::Open => "badge open",
        SittingPhase::Closed => "badge closed",
    };
    let lang = use_lang();
    view! { <span class=class>{move || phase_msg(phase).text(lang.get())}</span> }
}
