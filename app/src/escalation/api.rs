//! Server functions of escalation cases: the list, the case with its dossier, and the
//! workflow steps (schedule, record the interview, close).

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{CaseDetail, CaseList};

#[cfg(feature = "ssr")]
use super::model::{CaseFilter, CaseOutcome, CaseState};
#[cfg(feature = "ssr")]
use super::service::{self, StepInput};
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
#[cfg(feature = "ssr")]
use crate::server::forms::keep_input_on_error;
#[cfg(feature = "ssr")]
use crate::server::{ctx, parse_id};

/// Cases the caller may see (admins: their scope; interviewers: their own), filtered.
/// Empty filter values mean "any".
#[server(endpoint = "cases/list")]
pub async fn list_cases(
    exam: String,
    unit: String,
    state: String,
    overdue: Option<String>,
) -> Result<CaseList, AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let filter = CaseFilter {
        exam: opt(&exam).map(|s| parse_id(&s)).transpose()?,
        unit: opt(&unit).map(|s| parse_id(&s)).transpose()?,
        state: opt(&state).and_then(|s| CaseState::from_key(&s)),
        overdue_only: overdue.is_some_and(|v| !v.is_empty() && v != "false"),
    };
    service::list(&cx.state, a, filter).await
}

#[server(endpoint = "cases/get")]
pub async fn get_case(id: String) -> Result<CaseDetail, AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    service::detail(&cx.state, a, parse_id(&id)?).await
}

#[server(endpoint = "cases/schedule")]
pub async fn schedule_interview(
    id: String,
    interview_at: String,
    place: String,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    let case = parse_id(&id)?;
    let typed = [
        ("interview_at", interview_at.clone()),
        ("place", place.clone()),
    ];
    let result = match crate::time::parse_local_datetime(&interview_at) {
        Some(at) => {
            service::step(
                &cx.state,
                a,
                &cx.info.client_addr,
                case,
                StepInput::Schedule {
                    at,
                    place: place.clone(),
                },
            )
            .await
        }
        None => Err(AppError::invalid("interview_at", Msg::ErrDateTime)),
    };
    keep_input_on_error(
        result,
        <ScheduleInterview as server_fn::ServerFn>::PATH,
        &typed,
    )?;
    leptos_axum::redirect(&format!("/cases/{case}"));
    Ok(())
}

#[server(endpoint = "cases/record")]
pub async fn record_interview(id: String, notes: String, outcome: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    let case = parse_id(&id)?;
    let typed = [("notes", notes.clone()), ("outcome", outcome.clone())];
    let result = match CaseOutcome::from_key(outcome.trim()) {
        Some(o) => {
            service::step(
                &cx.state,
                a,
                &cx.info.client_addr,
                case,
                StepInput::Record {
                    notes: notes.clone(),
                    outcome: o,
                },
            )
            .await
        }
        None => Err(AppError::invalid("outcome", Msg::ErrRequired)),
    };
    keep_input_on_error(
        result,
        <RecordInterview as server_fn::ServerFn>::PATH,
        &typed,
    )?;
    leptos_axum::redirect(&format!("/cases/{case}"));
    Ok(())
}

#[server(endpoint = "cases/close")]
pub async fn close_case(id: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    let case = parse_id(&id)?;
    let result = service::step(&cx.state, a, &cx.info.client_addr, case, StepInput::Close).await;
    keep_input_on_error(result, <CloseCase as server_fn::ServerFn>::PATH, &[])?;
    leptos_axum::redirect(&format!("/cases/{case}"));
    Ok(())
}
