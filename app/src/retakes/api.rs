//! Server functions of retakes: the organizer's overview, creating a retake sitting for
//! everyone awaiting one, and a candidate's own retakes.

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{MyRetake, RetakeOverview};

#[cfg(feature = "ssr")]
use crate::accounts::model::Role;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
#[cfg(feature = "ssr")]
use crate::server::forms::keep_input_on_error;
#[cfg(feature = "ssr")]
use crate::server::{ctx, parse_id};

#[server(endpoint = "retakes/overview")]
pub async fn load_retake_overview(exam_id: String) -> Result<RetakeOverview, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    super::service::overview(&cx.state, a, parse_id(&exam_id)?).await
}

#[server(endpoint = "retakes/create-sitting")]
pub async fn create_retake_sitting(
    exam_id: String,
    window_start: String,
    location: String,
) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let exam = parse_id(&exam_id)?;
    let typed = [
        ("window_start", window_start.clone()),
        ("location", location.clone()),
    ];
    let result = match crate::time::parse_local_datetime(&window_start) {
        Some(at) => {
            super::service::create_sitting_for_awaiting(
                &cx.state,
                a,
                &cx.info.client_addr,
                exam,
                at,
                location.clone(),
            )
            .await
        }
        None => Err(AppError::invalid("window_start", Msg::ErrDateTime)),
    };
    let id = keep_input_on_error(
        result,
        <CreateRetakeSitting as server_fn::ServerFn>::PATH,
        &typed,
    )?;
    leptos_axum::redirect(&format!("/organize/sittings/{id}"));
    Ok(())
}

/// The caller's open retakes (candidates).
#[server(endpoint = "retakes/mine")]
pub async fn my_retakes() -> Result<Vec<MyRetake>, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Candidate)?;
    super::service::mine(&cx.state, a).await
}
