//! Wire types of reports.

use serde::{Deserialize, Serialize};

use crate::papers::model::ExamId;

/// The overview of one exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamReport {
    pub exam_id: ExamId,
    pub title: String,
    pub candidates: u32,
    pub started: u32,
    pub submitted: u32,
    pub absent: u32,
    pub decided: u32,
    pub passed_first: u32,
    pub passed_eventually: u32,
    /// Mean, median, standard deviation, min and max of first-round scores (hundredths).
    pub summary: Option<(f64, f64, f64, u32, u32)>,
    pub max_points: u32,
    /// Ten equal bins over 0..=max_points.
    pub histogram: Vec<u32>,
    pub mean_time_secs: Option<i64>,
    pub open_retakes: u32,
    pub open_cases: u32,
}
