//! Server functions of attempts: the candidate's exam (start, open, save, navigate,
//! report integrity events, submit), the invigilator's view and actions, and regrades.

// A server function posted by a plain HTML form takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

use crate::error::AppError;
use crate::time::Timestamp;

use super::model::{
    AttemptId, AttemptStatus, AttemptView, ClientEvent, OpenAttempt, PastAttempt, ProctorView,
    RegradeChange, RegradeQuestion, ResultView, SaveAck, SaveRequest, StartInfo,
};

#[cfg(feature = "ssr")]
use super::model::RegradeMode;
#[cfg(feature = "ssr")]
use super::service;
#[cfg(feature = "ssr")]
use crate::accounts::model::Role;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
#[cfg(feature = "ssr")]
use crate::server::forms::keep_input_on_error;
#[cfg(feature = "ssr")]
use crate::server::{ctx, parse_id};

/// A candidate's running and finished attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MyAttempts {
    pub open: Vec<OpenAttempt>,
    pub past: Vec<PastAttempt>,
}

/// The server's view of an attempt's clock, for re-synchronising the countdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSync {
    pub status: AttemptStatus,
    pub deadline: Timestamp,
    pub server_now: Timestamp,
}

#[cfg(feature = "ssr")]
fn number(field: &str, s: &str) -> Result<u32, AppError> {
    s.trim()
        .parse()
        .map_err(|_| AppError::invalid(field, Msg::ErrNotANumber))
}

#[server(endpoint = "attempts/mine")]
pub async fn get_my_attempts() -> Result<MyAttempts, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    let (open, past) = service::mine(&cx.state, a).await?;
    Ok(MyAttempts { open, past })
}

#[server(endpoint = "attempts/start-info")]
pub async fn get_start_info(sitting_id: String) -> Result<StartInfo, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    service::start_info(&cx.state, a, parse_id(&sitting_id)?).await
}

/// Starts the attempt (or returns the one already started). A plain form post is sent
/// on to the exam page.
#[server(endpoint = "attempts/start")]
pub async fn start_attempt(
    sitting_id: String,
    pledge: Option<String>,
) -> Result<AttemptId, AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.require(Role::Candidate)?;
        service::start(&cx.state, a, parse_id(&sitting_id)?, pledge.is_some()).await
    }
    .await;
    let id = keep_input_on_error(result, "/api/attempts/start", &[])?;
    crate::server::forms::plain_form_goto(&format!("/attempt/{id}"));
    Ok(id)
}

#[server(endpoint = "attempts/view")]
pub async fn view_attempt(attempt_id: String) -> Result<AttemptView, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    service::view(&cx.state, a, &cx.info.client_addr, parse_id(&attempt_id)?).await
}

/// Saves one answer; the acknowledgement is sent only after the answer is committed.
#[server(endpoint = "attempts/save", input = Json)]
pub async fn save_answer(req: SaveRequest) -> Result<SaveAck, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    service::save(&cx.state, a, req).await
}

#[server(endpoint = "attempts/navigate", input = Json)]
pub async fn navigate(attempt: AttemptId, position: u32) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    service::navigate(&cx.state, a, attempt, position).await
}

#[server(endpoint = "attempts/event", input = Json)]
pub async fn report_event(attempt: AttemptId, event: ClientEvent) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    service::event(&cx.state, a, attempt, event).await
}

#[server(endpoint = "attempts/clock")]
pub async fn attempt_clock(attempt_id: String) -> Result<ClockSync, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    let (status, deadline) = service::clock(&cx.state, a, parse_id(&attempt_id)?).await?;
    Ok(ClockSync {
        status,
        deadline,
        server_now: cx.now(),
    })
}

/// Submits the attempt (idempotent); returns the result when the policy shows it now.
#[server(endpoint = "attempts/submit")]
pub async fn submit_attempt(attempt_id: String) -> Result<Option<ResultView>, AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.require(Role::Candidate)?;
        let id: AttemptId = parse_id(&attempt_id)?;
        service::submit(&cx.state, a, id).await.map(|r| (id, r))
    }
    .await;
    let (id, r) = keep_input_on_error(result, "/api/attempts/submit", &[])?;
    crate::server::forms::plain_form_goto(&format!("/attempt/{id}/done"));
    Ok(r)
}

#[server(endpoint = "attempts/proctor")]
pub async fn get_proctor_view(sitting_id: String) -> Result<ProctorView, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::proctor_view(&cx.state, a, parse_id(&sitting_id)?).await
}

/// Extends the time of one candidate (`user_id`) or, with it empty, of everyone running.
#[server(endpoint = "attempts/extend")]
pub async fn extend_time(
    sitting_id: String,
    user_id: String,
    minutes: String,
    reason: String,
) -> Result<u32, AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.staff()?;
        let user = match user_id.trim() {
            "" => None,
            s => Some(parse_id(s)?),
        };
        service::extend(
            &cx.state,
            a,
            &cx.info.client_addr,
            parse_id(&sitting_id)?,
            user,
            number("minutes", &minutes)?,
            &reason,
        )
        .await
    }
    .await;
    let n = keep_input_on_error(
        result,
        "/api/attempts/extend",
        &[("minutes", minutes.clone()), ("reason", reason.clone())],
    )?;
    crate::server::forms::plain_form_done(("saved", "extended"));
    Ok(n)
}

#[server(endpoint = "attempts/unlock")]
pub async fn unlock_attempt(attempt_id: String, reason: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.staff()?;
        service::unlock(
            &cx.state,
            a,
            &cx.info.client_addr,
            parse_id(&attempt_id)?,
            &reason,
        )
        .await
    }
    .await;
    keep_input_on_error(
        result,
        "/api/attempts/unlock",
        &[("reason", reason.clone())],
    )?;
    crate::server::forms::plain_form_done(("saved", "unlocked"));
    Ok(())
}

#[server(endpoint = "attempts/reopen")]
pub async fn reopen_attempt(
    attempt_id: String,
    minutes: String,
    reason: String,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.staff()?;
        service::reopen(
            &cx.state,
            a,
            &cx.info.client_addr,
            parse_id(&attempt_id)?,
            number("minutes", &minutes)?,
            &reason,
        )
        .await
    }
    .await;
    keep_input_on_error(
        result,
        "/api/attempts/reopen",
        &[("minutes", minutes.clone()), ("reason", reason.clone())],
    )?;
    crate::server::forms::plain_form_done(("saved", "reopened"));
    Ok(())
}

#[server(endpoint = "attempts/void")]
pub async fn void_attempt(attempt_id: String, reason: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.staff()?;
        service::void(
            &cx.state,
            a,
            &cx.info.client_addr,
            parse_id(&attempt_id)?,
            &reason,
        )
        .await
    }
    .await;
    keep_input_on_error(result, "/api/attempts/void", &[("reason", reason.clone())])?;
    crate::server::forms::plain_form_done(("saved", "voided"));
    Ok(())
}

#[server(endpoint = "attempts/regrade-questions")]
pub async fn regrade_questions(exam_id: String) -> Result<Vec<RegradeQuestion>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::regrade_questions(&cx.state, a, parse_id(&exam_id)?).await
}

#[cfg(feature = "ssr")]
fn mode(s: &str) -> Result<RegradeMode, AppError> {
    match s {
        "key" => Ok(RegradeMode::CurrentKey),
        "void" => Ok(RegradeMode::Void),
        _ => Err(AppError::invalid("mode", Msg::ErrBadRequest)),
    }
}

#[server(endpoint = "attempts/regrade-preview")]
pub async fn regrade_preview(
    exam_id: String,
    question_id: String,
    mode: String,
) -> Result<Vec<RegradeChange>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::regrade_preview(
        &cx.state,
        a,
        parse_id(&exam_id)?,
        parse_id(&question_id)?,
        self::mode(&mode)?,
    )
    .await
}

#[server(endpoint = "attempts/regrade-apply")]
pub async fn regrade_apply(
    exam_id: String,
    question_id: String,
    mode: String,
    reason: String,
) -> Result<Vec<RegradeChange>, AppError> {
    let cx = ctx()?;
    let result = async {
        let a = cx.staff()?;
        service::regrade_apply(
            &cx.state,
            a,
            &cx.info.client_addr,
            parse_id(&exam_id)?,
            parse_id(&question_id)?,
            self::mode(&mode)?,
            &reason,
        )
        .await
    }
    .await;
    let changes = keep_input_on_error(
        result,
        "/api/attempts/regrade-apply",
        &[("reason", reason.clone())],
    )?;
    crate::server::forms::plain_form_done(("saved", "regraded"));
    Ok(changes)
}
