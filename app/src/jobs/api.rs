//! Server functions of the background-job overview (admins).

use leptos::prelude::*;

use crate::error::AppError;

use super::model::JobsOverview;

#[cfg(feature = "ssr")]
use crate::accounts::model::Role;
#[cfg(feature = "ssr")]
use crate::server::{ctx, parse_id};

#[server(endpoint = "jobs/overview")]
pub async fn load_jobs_overview() -> Result<JobsOverview, AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    if !a.global() {
        return Err(AppError::Forbidden);
    }
    super::service::overview(&cx.state).await
}

#[server(endpoint = "jobs/retry")]
pub async fn retry_job(id: String) -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.require(Role::Admin)?;
    if !a.global() {
        return Err(AppError::Forbidden);
    }
    super::service::retry(&cx.state, a, &cx.info.client_addr, parse_id(&id)?).await
}
