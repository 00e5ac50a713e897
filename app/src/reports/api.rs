//! Server functions of reports.

use leptos::prelude::*;

use crate::error::AppError;

use super::model::ExamReport;

#[cfg(feature = "ssr")]
use crate::server::{ctx, parse_id};

/// An exam's overview, over the candidates in the caller's scope (staff).
#[server(endpoint = "reports/exam")]
pub async fn load_exam_report(exam_id: String) -> Result<ExamReport, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    super::service::exam_report(&cx.state, a, parse_id(&exam_id)?).await
}
