//! Server functions of sittings: scheduling, assignment (preview then commit),
//! accommodations, and a candidate's own upcoming sittings.

// A server function posted by a plain HTML form takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{AssignPreview, AssignedCandidate, SittingView, UpcomingSitting};

#[cfg(feature = "ssr")]
use super::model::{Accommodation, SittingMode, SittingSpec};
#[cfg(feature = "ssr")]
use super::service::{self, Selector};
#[cfg(feature = "ssr")]
use crate::accounts::model::Role;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
#[cfg(feature = "ssr")]
use crate::server::ctx;
#[cfg(feature = "ssr")]
use crate::server::forms::keep_input_on_error;

#[cfg(feature = "ssr")]
use crate::server::parse_id;

#[cfg(feature = "ssr")]
fn number(field: &str, s: &str) -> Result<u32, AppError> {
    match s.trim() {
        "" => Ok(0),
        s => s
            .parse()
            .map_err(|_| AppError::invalid(field, Msg::ErrNotANumber)),
    }
}

#[cfg(feature = "ssr")]
fn spec_from(
    name: String,
    window_start: &str,
    window_end: &str,
    mode: &str,
    late_entry_minutes: &str,
    capacity: &str,
    location: String,
    is_retake: bool,
) -> Result<SittingSpec, AppError> {
    let at = |field: &str, s: &str| {
        crate::time::parse_local_datetime(s).ok_or(AppError::invalid(field, Msg::ErrDateTime))
    };
    Ok(SittingSpec {
        name,
        window_start: at("window_start", window_start)?,
        window_end: at("window_end", window_end)?,
        mode: match mode {
            "fixed" => SittingMode::FixedStart {
                late_entry_minutes: number("late_entry_minutes", late_entry_minutes)?,
            },
            _ => SittingMode::Flexible,
        },
        capacity: number("capacity", capacity)?,
        location,
        is_retake,
    })
}

#[server(endpoint = "sittings/list")]
pub async fn list_sittings() -> Result<Vec<SittingView>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    // Everything that has not ended, and what ended in the last 30 days.
    let from = cx.now().plus_secs(-30 * 24 * 3600);
    service::list_sittings(&cx.state, a, from).await
}

#[server(endpoint = "sittings/of-exam")]
pub async fn exam_sittings(exam_id: String) -> Result<Vec<SittingView>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::sittings_of_exam(&cx.state, a, parse_id(&exam_id)?).await
}

#[server(endpoint = "sittings/get")]
pub async fn get_sitting(id: String) -> Result<SittingView, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::get_sitting(&cx.state, a, parse_id(&id)?).await
}

#[server(endpoint = "sittings/roster")]
pub async fn sitting_roster(id: String) -> Result<Vec<AssignedCandidate>, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::roster(&cx.state, a, parse_id(&id)?).await
}

/// Times are `YYYY-MM-DDTHH:MM` in Asia/Shanghai, as `<input type=datetime-local>` sends.
#[server(endpoint = "sittings/create")]
pub async fn create_sitting(
    exam_id: String,
    name: String,
    window_start: String,
    window_end: String,
    mode: String,
    late_entry_minutes: String,
    capacity: String,
    location: String,
    is_retake: Option<String>,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let typed = typed_fields(
        &name,
        &window_start,
        &window_end,
        &mode,
        &late_entry_minutes,
        &capacity,
        &location,
        is_retake.is_some(),
    );
    let exam = parse_id(&exam_id)?;
    let result = match spec_from(
        name,
        &window_start,
        &window_end,
        &mode,
        &late_entry_minutes,
        &capacity,
        location,
        is_retake.is_some(),
    ) {
        Ok(spec) => service::create_sitting(&cx.state, a, &cx.info.client_addr, exam, spec).await,
        Err(e) => Err(e),
    };
    let id = keep_input_on_error(result, <CreateSitting as server_fn::ServerFn>::PATH, &typed)?;
    leptos_axum::redirect(&format!("/organize/sittings/{id}"));
    Ok(())
}

#[server(endpoint = "sittings/update")]
pub async fn update_sitting(
    id: String,
    name: String,
    window_start: String,
    window_end: String,
    mode: String,
    late_entry_minutes: String,
    capacity: String,
    location: String,
    is_retake: Option<String>,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let typed = typed_fields(
        &name,
        &window_start,
        &window_end,
        &mode,
        &late_entry_minutes,
        &capacity,
        &location,
        is_retake.is_some(),
    );
    let sitting = parse_id(&id)?;
    let result = match spec_from(
        name,
        &window_start,
        &window_end,
        &mode,
        &late_entry_minutes,
        &capacity,
        location,
        is_retake.is_some(),
    ) {
        Ok(spec) => {
            service::update_sitting(&cx.state, a, &cx.info.client_addr, sitting, spec).await
        }
        Err(e) => Err(e),
    };
    keep_input_on_error(result, <UpdateSitting as server_fn::ServerFn>::PATH, &typed)
}

/// The sitting form's values, to send back after a failed plain-form post.
#[cfg(feature = "ssr")]
fn typed_fields(
    name: &str,
    window_start: &str,
    window_end: &str,
    mode: &str,
    late_entry_minutes: &str,
    capacity: &str,
    location: &str,
    is_retake: bool,
) -> [(&'static str, String); 8] {
    [
        ("name", name.to_owned()),
        ("window_start", window_start.to_owned()),
        ("window_end", window_end.to_owned()),
        ("mode", mode.to_owned()),
        ("late_entry_minutes", late_entry_minutes.to_owned()),
        ("capacity", capacity.to_owned()),
        ("location", location.to_owned()),
        ("is_retake", if is_retake { "1" } else { "" }.to_owned()),
    ]
}

/// `by` is `logins` (one login per line or comma), `unit` (with `with_sub_units`) or
/// `rank` (the rank/category tag).
#[cfg(feature = "ssr")]
fn selector(
    by: &str,
    logins: &str,
    unit_id: &str,
    with_sub_units: bool,
    rank_tag: &str,
) -> Result<Selector, AppError> {
    match by {
        "logins" => {
            let list: Vec<String> = logins
                .split([',', '，', '\n', '\r', ' ', ';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if list.is_empty() {
                return Err(AppError::invalid("logins", Msg::ErrRequired));
            }
            Ok(Selector::Logins(list))
        }
        "unit" => Ok(Selector::Unit {
            unit: unit_id
                .parse()
                .map_err(|_| AppError::invalid("unit_id", Msg::ErrRequired))?,
            with_sub_units,
        }),
        "rank" if !rank_tag.trim().is_empty() => Ok(Selector::RankTag(rank_tag.trim().into())),
        "rank" => Err(AppError::invalid("rank_tag", Msg::ErrRequired)),
        _ => Err(AppError::invalid("by", Msg::ErrBadRequest)),
    }
}

/// What assigning would do: the count and every conflict. Changes nothing.
#[server(endpoint = "sittings/assign-preview")]
pub async fn preview_assign(
    id: String,
    by: String,
    logins: String,
    unit_id: String,
    with_sub_units: Option<String>,
    rank_tag: String,
) -> Result<AssignPreview, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let sel = selector(&by, &logins, &unit_id, with_sub_units.is_some(), &rank_tag)?;
    service::preview_assign(&cx.state, a, parse_id(&id)?, sel).await
}

#[server(endpoint = "sittings/assign")]
pub async fn assign_candidates(
    id: String,
    by: String,
    logins: String,
    unit_id: String,
    with_sub_units: Option<String>,
    rank_tag: String,
) -> Result<AssignPreview, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let sel = selector(&by, &logins, &unit_id, with_sub_units.is_some(), &rank_tag)?;
    service::assign(&cx.state, a, &cx.info.client_addr, parse_id(&id)?, sel).await
}

#[server(endpoint = "sittings/unassign")]
pub async fn unassign_candidate(id: String, user_id: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    service::unassign(
        &cx.state,
        a,
        &cx.info.client_addr,
        parse_id(&id)?,
        parse_id(&user_id)?,
    )
    .await
}

#[server(endpoint = "sittings/accommodation")]
pub async fn set_accommodation(
    id: String,
    user_id: String,
    extra_minutes: String,
    extra_percent: String,
    reason: String,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let acc = Accommodation {
        extra_minutes: number("extra_minutes", &extra_minutes)?,
        extra_percent: number("extra_percent", &extra_percent)?,
        reason,
    };
    service::set_accommodation(
        &cx.state,
        a,
        &cx.info.client_addr,
        parse_id(&id)?,
        parse_id(&user_id)?,
        acc,
    )
    .await
}

/// The caller's own upcoming and current sittings (candidates).
#[server(endpoint = "my/sittings")]
pub async fn my_sittings() -> Result<Vec<UpcomingSitting>, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    service::my_sittings(&cx.state, a).await
}

/// The server's clock. Countdowns and "this month" are computed from it rather than from
/// the browser's clock, which may be wrong, and so that the page the server renders and
/// the one the browser hydrates agree.
#[server(endpoint = "time/now")]
pub async fn server_now() -> Result<crate::time::Timestamp, AppError> {
    let cx = ctx()?;
    cx.user()?;
    Ok(cx.now())
}
