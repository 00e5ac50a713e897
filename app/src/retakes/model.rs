//! Wire types of the retake overview and a candidate's own retakes.

use serde::{Deserialize, Serialize};

use crate::accounts::model::UserId;
use crate::papers::model::ExamId;
use crate::sittings::model::SittingId;
use crate::time::Timestamp;

use super::domain::Outcome;

/// Where one candidate's chain stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChainStatus {
    PassedFirst,
    PassedOnRetake,
    RetakeAssigned,
    AwaitingSitting,
    Escalated,
    /// A result that calls for nothing (e.g. a voided attempt under a policy that does
    /// not retake voided attempts).
    NoAction,
}

impl ChainStatus {
    pub const ALL: [ChainStatus; 6] = [
        ChainStatus::PassedFirst,
        ChainStatus::PassedOnRetake,
        ChainStatus::RetakeAssigned,
        ChainStatus::AwaitingSitting,
        ChainStatus::Escalated,
        ChainStatus::NoAction,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ChainStatus::PassedFirst => "passed",
            ChainStatus::PassedOnRetake => "passed_on_retake",
            ChainStatus::RetakeAssigned => "assigned",
            ChainStatus::AwaitingSitting => "awaiting",
            ChainStatus::Escalated => "escalated",
            ChainStatus::NoAction => "none",
        }
    }

    pub fn from_key(k: &str) -> Option<ChainStatus> {
        ChainStatus::ALL.into_iter().find(|s| s.key() == k)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainRow {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    /// Outcomes in the order the rounds were decided (first sitting first).
    pub outcomes: Vec<Outcome>,
    pub status: ChainStatus,
    /// The open retake's sitting, if placed.
    pub sitting: Option<(SittingId, String, Timestamp)>,
    pub not_before: Option<Timestamp>,
    /// Set when the retake paper could not avoid questions already seen.
    pub paper_warning: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetakeOverview {
    pub exam_id: ExamId,
    pub exam_title: String,
    pub closed_sittings: u32,
    /// Candidates whose first result qualified them for a retake.
    pub qualified: u32,
    pub assigned: u32,
    pub awaiting: u32,
    pub passed_on_retake: u32,
    pub escalated: u32,
    /// The earliest a sitting for everyone awaiting may open (the latest of their waits).
    pub awaiting_not_before: Option<Timestamp>,
    pub rows: Vec<ChainRow>,
}

/// A candidate's open retake, for the landing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyRetake {
    pub exam_title: String,
    pub round: u32,
    pub sitting_id: Option<SittingId>,
    pub sitting_name: Option<String>,
    pub window: Option<(Timestamp, Timestamp)>,
    pub location: Option<String>,
    pub not_before: Timestamp,
}
