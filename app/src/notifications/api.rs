//! Server functions of a user's own notifications.

use leptos::prelude::*;

use crate::error::AppError;

use super::model::NotificationView;

#[cfg(feature = "ssr")]
use crate::server::ctx;

#[server(endpoint = "notifications/mine")]
pub async fn my_notifications() -> Result<Vec<NotificationView>, AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    super::service::mine(&cx.state, a).await
}

#[server(endpoint = "notifications/read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let cx = ctx()?;
    let a = cx.user()?;
    super::service::mark_all_read(&cx.state, a).await
}
