//! Wire types of reports. Scores are hundredths of a point; nothing here holds a key.

use serde::{Deserialize, Serialize};

use crate::accounts::model::{UnitId, UserId};
use crate::papers::model::ExamId;
use crate::question_bank::model::QuestionId;
use crate::sittings::model::SittingId;
use crate::time::Timestamp;

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
    pub integrity_events: u32,
    pub open_retakes: u32,
    pub open_cases: u32,
    pub sittings: Vec<SittingLink>,
    pub freshness: Freshness,
}

/// When the figures were last brought up to date, and whether changes are still queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    pub as_of: Option<Timestamp>,
    pub pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingLink {
    pub id: SittingId,
    pub name: String,
    pub window_start: Timestamp,
    pub is_retake: bool,
}

/// How a candidate's seat stands. `key()` names the translated label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatStatus {
    NotStarted,
    InProgress,
    Submitted,
    Absent,
    Voided,
}

/// One candidate in a sitting's roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterRow {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub status: SeatStatus,
    pub score: Option<u32>,
    pub max_points: Option<u32>,
    pub passed: Option<bool>,
    pub time_used_secs: Option<i64>,
    pub integrity_events: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SittingReport {
    pub sitting_id: SittingId,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub name: String,
    pub window_start: Timestamp,
    pub is_retake: bool,
    pub closed: bool,
    pub candidates: u32,
    pub started: u32,
    pub submitted: u32,
    pub absent: u32,
    pub passed: u32,
    pub summary: Option<(f64, f64, f64, u32, u32)>,
    pub max_points: u32,
    pub histogram: Vec<u32>,
    pub roster: Vec<RosterRow>,
}

/// Which results a unit report or ranking covers: one exam, or first sittings starting
/// within `[from, to)`, or both.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportFilter {
    pub exam_id: Option<ExamId>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RankOrder {
    PassRate,
    MeanScore,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: UnitId,
    pub code: String,
    pub name: String,
}

/// A unit's roll-up (its whole subtree) in a unit report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitLine {
    pub unit: UnitRef,
    pub has_children: bool,
    /// Candidate-exam pairs, decided or not.
    pub candidates: u32,
    pub decided: u32,
    pub passed_first: u32,
    pub passed_any: u32,
    pub absent: u32,
    pub open_cases: u32,
    /// Mean score of the decided as a percentage of full marks.
    pub mean_percent: Option<f64>,
    /// Place among the siblings; `None` below the minimum number of candidates.
    pub rank: Option<u32>,
    /// Among the bottom N ranked.
    pub bottom: bool,
    pub reason_zh: String,
    pub reason_en: String,
}

/// One candidate's result in one exam, from the aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonLine {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub exam_date: Timestamp,
    pub decided: bool,
    pub absent: bool,
    pub score: Option<u32>,
    pub max_points: u32,
    pub passed_first: bool,
    pub passed_any: bool,
    pub retake_rounds: u32,
    pub open_retake: bool,
    pub open_case: bool,
}

/// A unit with its subtree's totals, its children ranked, and its own members' results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitReport {
    /// From the viewer's scope down to this unit.
    pub trail: Vec<UnitRef>,
    pub total: UnitLine,
    pub children: Vec<UnitLine>,
    pub people: Vec<PersonLine>,
    pub order: RankOrder,
    pub min_candidates: u32,
    pub bottom: u32,
    pub filter: ReportFilter,
    pub as_of: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptLine {
    pub exam_title: String,
    pub sitting_name: String,
    pub is_retake: bool,
    pub started_at: Timestamp,
    pub submitted: bool,
    pub score: Option<u32>,
    pub max_points: u32,
    pub passed: Option<bool>,
    pub voided: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseLine {
    pub id: crate::escalation::model::CaseId,
    pub exam_title: String,
    pub state: crate::escalation::model::CaseState,
    pub opened_at: Timestamp,
}

/// Everything about one candidate across exams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonReport {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub exams: Vec<PersonLine>,
    pub attempts: Vec<AttemptLine>,
    pub cases: Vec<CaseLine>,
}

/// One question's statistics in an exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemLine {
    pub question_id: QuestionId,
    /// The stem's first characters.
    pub stem: String,
    /// Candidates who had the item.
    pub n: u32,
    pub facility: Option<f64>,
    pub discrimination: Option<f64>,
    pub point_biserial: Option<f64>,
    /// Choices per option in the question's own order; empty for other types.
    pub options: Vec<u32>,
    /// The correct options (original order) of choice questions.
    pub correct: Vec<u8>,
    pub negative_discrimination: bool,
    pub too_easy: bool,
    pub too_hard: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemAnalysis {
    pub exam_id: ExamId,
    pub title: String,
    pub attempts: u32,
    /// `None` when candidates had different questions (drawn papers) or too few answered.
    pub kr20: Option<f64>,
    pub items: Vec<ItemLine>,
    pub computed_at: Option<Timestamp>,
    pub pending: bool,
}
