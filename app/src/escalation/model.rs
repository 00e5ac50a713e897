//! Wire types of escalation cases and their dossiers.

use serde::{Deserialize, Serialize};

use crate::accounts::model::{UnitId, UserId};
use crate::papers::model::ExamId;
use crate::question_bank::model::Points;
use crate::retakes::domain::Outcome;
use crate::sittings::model::Accommodation;
use crate::time::Timestamp;

crate::uuid_id!(
    /// An escalation case.
    CaseId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseKind {
    /// A candidate who failed or missed the last allowed retake.
    Person,
    /// A unit among the weakest of an exam.
    Unit,
}

impl CaseKind {
    pub fn key(self) -> &'static str {
        match self {
            CaseKind::Person => "person",
            CaseKind::Unit => "unit",
        }
    }

    pub fn from_key(k: &str) -> Option<CaseKind> {
        match k {
            "person" => Some(CaseKind::Person),
            "unit" => Some(CaseKind::Unit),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseState {
    Open,
    Scheduled,
    Interviewed,
    Closed,
}

impl CaseState {
    pub const ALL: [CaseState; 4] = [
        CaseState::Open,
        CaseState::Scheduled,
        CaseState::Interviewed,
        CaseState::Closed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Scheduled => "scheduled",
            CaseState::Interviewed => "interviewed",
            CaseState::Closed => "closed",
        }
    }

    pub fn from_key(k: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.key() == k)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseOutcome {
    Cleared,
    Retraining,
    /// Sit the exam again: closing the case creates a retake assignment.
    Retest,
    Referred,
    /// Closed by the system because a regrade turned the failure into a pass.
    Withdrawn,
}

impl CaseOutcome {
    /// The outcomes an interviewer may record.
    pub const RECORDABLE: [CaseOutcome; 4] = [
        CaseOutcome::Cleared,
        CaseOutcome::Retraining,
        CaseOutcome::Retest,
        CaseOutcome::Referred,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CaseOutcome::Cleared => "cleared",
            CaseOutcome::Retraining => "retraining",
            CaseOutcome::Retest => "retest",
            CaseOutcome::Referred => "referred",
            CaseOutcome::Withdrawn => "withdrawn",
        }
    }

    pub fn from_key(k: &str) -> Option<CaseOutcome> {
        CaseOutcome::RECORDABLE
            .into_iter()
            .chain([CaseOutcome::Withdrawn])
            .find(|o| o.key() == k)
    }
}

/// Why a case was opened, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseReasons {
    Person {
        failed_rounds: u32,
    },
    Unit {
        candidates: u32,
        passed: u32,
        absent: u32,
        open_cases: u32,
        /// Rank from the bottom (1 = weakest).
        rank_from_bottom: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub kind: CaseKind,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub candidate: Option<(UserId, String, String)>,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub interviewer: Option<String>,
    pub state: CaseState,
    pub due_at: Timestamp,
    pub opened_at: Timestamp,
    pub interview_at: Option<Timestamp>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CaseFilter {
    pub exam: Option<ExamId>,
    pub unit: Option<UnitId>,
    pub state: Option<CaseState>,
    pub overdue_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
    /// Exams and units that have cases the viewer may see, for the filter choices.
    pub exams: Vec<(ExamId, String)>,
    pub units: Vec<(UnitId, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEventView {
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

/// Points earned and available in one category of one attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: String,
    pub got: Points,
    pub max: Points,
}

/// One sitting of the candidate's chain, as the dossier shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRound {
    pub sitting_name: String,
    pub is_retake: bool,
    pub window_start: Timestamp,
    pub outcome: Option<Outcome>,
    pub score: Option<Points>,
    pub max: Option<Points>,
    pub time_used_secs: Option<i64>,
    pub categories: Vec<CategoryScore>,
    /// Integrity events by kind with their counts.
    pub events: Vec<(String, u32)>,
    pub accommodation: Option<Accommodation>,
    pub regraded: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub summary: CaseSummary,
    pub reasons: CaseReasons,
    pub place: Option<String>,
    pub notes: Option<String>,
    pub outcome: Option<CaseOutcome>,
    pub closed_at: Option<Timestamp>,
    pub rounds: Vec<DossierRound>,
    /// Regrades of the exam: (when, mode, reason).
    pub regrades: Vec<(Timestamp, String, String)>,
    pub events: Vec<CaseEventView>,
    /// Whether the viewer may act on the case (its interviewer or an admin).
    pub can_act: bool,
}
