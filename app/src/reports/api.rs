//! Server functions of reports: staff only, each limited to the caller's unit scope.

use leptos::prelude::*;

use crate::error::AppError;

use super::model::{ExamReport, ItemAnalysis, PersonReport, SittingReport, UnitReport};

#[cfg(feature = "ssr")]
use crate::server::{ctx, parse_id};

/// An exam's overview, over the candidates in the caller's scope.
#[server(endpoint = "reports/exam")]
pub async fn load_exam_report(exam_id: String) -> Result<ExamReport, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    super::service::exam_report(&cx.state, a, parse_id(&exam_id)?).await
}

#[server(endpoint = "reports/sitting")]
pub async fn load_sitting_report(sitting_id: String) -> Result<SittingReport, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    super::service::sitting_report(&cx.state, a, parse_id(&sitting_id)?).await
}

/// A unit's report and its children's ranking. Every argument is the raw query-string
/// value (empty = default), so links and plain forms carry them as they are.
#[server(endpoint = "reports/units")]
pub async fn load_unit_report(
    unit: String,
    exam: String,
    from: String,
    to: String,
    by: String,
    min: String,
    bottom: String,
) -> Result<UnitReport, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    let q = super::http::unit_query(&unit, &exam, &from, &to, &by, &min, &bottom)?;
    super::service::unit_report(&cx.state, a, &q).await
}

#[server(endpoint = "reports/person")]
pub async fn load_person_report(user_id: String) -> Result<PersonReport, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    super::service::person_report(&cx.state, a, parse_id(&user_id)?).await
}

#[server(endpoint = "reports/items")]
pub async fn load_item_analysis(exam_id: String) -> Result<ItemAnalysis, AppError> {
    let cx = ctx()?;
    let a = cx.staff()?;
    super::service::item_analysis(&cx.state, a, parse_id(&exam_id)?).await
}
