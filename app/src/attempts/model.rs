//! Wire types of attempts: what a candidate and an invigilator see. Nothing here carries
//! an answer key, correctness or explanations; scores appear only in [`ResultView`],
//! which the service fills only when the exam's visibility policy allows.

use serde::{Deserialize, Serialize};

use crate::grading::model::Response;
use crate::papers::model::{ExamId, PaperQuestion};
use crate::question_bank::model::Points;
use crate::sittings::model::SittingId;
use crate::time::Timestamp;

crate::uuid_id!(
    /// One candidate's timed attempt at one sitting.
    AttemptId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptStatus {
    Open,
    Submitted,
}

impl AttemptStatus {
    pub fn key(self) -> &'static str {
        match self {
            AttemptStatus::Open => "open",
            AttemptStatus::Submitted => "submitted",
        }
    }

    pub fn from_key(k: &str) -> Option<AttemptStatus> {
        match k {
            "open" => Some(AttemptStatus::Open),
            "submitted" => Some(AttemptStatus::Submitted),
            _ => None,
        }
    }
}

/// Why a write to an attempt was refused. Each has its own HTTP status so a client can
/// tell "stop retrying" from "try again".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptRefusal {
    /// The deadline (plus grace) had passed when the request arrived.
    DeadlinePassed,
    /// The attempt is already submitted.
    Submitted,
    /// Another browser session holds the attempt; an invigilator can unlock it.
    OtherDevice,
}

impl AttemptRefusal {
    pub fn msg(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            AttemptRefusal::DeadlinePassed => Msg::ErrDeadlinePassed,
            AttemptRefusal::Submitted => Msg::ErrAttemptSubmitted,
            AttemptRefusal::OtherDevice => Msg::ErrOtherDevice,
        }
    }
}

/// One question of an attempt as the candidate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptItem {
    pub section_title: String,
    pub question: PaperQuestion,
}

/// A stored answer: what the server has committed for one position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    pub position: u32,
    pub response: Option<Response>,
    pub flagged: bool,
    pub seq: i64,
    pub saved_at: Timestamp,
}

/// The score and verdict, shown only as the exam's visibility policy allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultView {
    pub score: Points,
    pub max: Points,
    pub passed: bool,
}

/// Everything the exam page needs to (re)open an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: AttemptId,
    pub exam_title: String,
    pub sitting_name: String,
    pub status: AttemptStatus,
    pub items: Vec<AttemptItem>,
    pub answers: Vec<SavedAnswer>,
    pub current: u32,
    pub deadline: Timestamp,
    /// The server's clock when this view was made; the countdown runs from
    /// `deadline - server_now`, never from the browser's clock.
    pub server_now: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub result: Option<ResultView>,
}

/// One save from the exam page. `seq` grows per question on the client; the server keeps
/// the answer with the highest `seq` it has seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveRequest {
    pub attempt: AttemptId,
    pub position: u32,
    pub seq: i64,
    pub response: Option<Response>,
    pub flagged: bool,
}

/// A committed save: the sequence number the server now holds for that question (equal
/// to the request's, or higher when the request was stale) and when it was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveAck {
    pub position: u32,
    pub seq: i64,
    pub saved_at: Timestamp,
    pub deadline: Timestamp,
    pub server_now: Timestamp,
}

/// The start page of a sitting for a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartInfo {
    pub sitting_id: SittingId,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub sitting_name: String,
    pub instructions: String,
    pub duration_minutes: u32,
    pub extra_minutes: u32,
    pub question_count: u32,
    pub total_points: Points,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub location: String,
    pub server_now: Timestamp,
    /// Why starting is not possible now (translated by the page), if it is not.
    pub refusal: Option<crate::sittings::domain::StartRefusal>,
    /// The candidate's attempt, if already started.
    pub attempt: Option<AttemptId>,
    pub attempt_status: Option<AttemptStatus>,
}

/// A finished attempt on the candidate's landing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastAttempt {
    pub attempt: AttemptId,
    pub exam_title: String,
    pub sitting_name: String,
    pub submitted_at: Timestamp,
    pub result: Option<ResultView>,
}

/// An attempt still running, for the landing page's "resume".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAttempt {
    pub attempt: AttemptId,
    pub exam_title: String,
    pub sitting_name: String,
    pub deadline: Timestamp,
}

/// Integrity events a browser may report; all advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientEvent {
    TabHidden,
    WindowBlur,
    FullscreenExit,
    Copy,
    Paste,
}

impl ClientEvent {
    pub fn key(self) -> &'static str {
        match self {
            ClientEvent::TabHidden => "tab_hidden",
            ClientEvent::WindowBlur => "window_blur",
            ClientEvent::FullscreenExit => "fullscreen_exit",
            ClientEvent::Copy => "copy",
            ClientEvent::Paste => "paste",
        }
    }
}

/// One row of the invigilator's view of a sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProctorRow {
    pub user_id: crate::accounts::model::UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub attempt: Option<AttemptId>,
    pub status: Option<AttemptStatus>,
    pub started_at: Option<Timestamp>,
    pub deadline: Option<Timestamp>,
    pub answered: u32,
    pub total: u32,
    pub last_save_at: Option<Timestamp>,
    pub events: u32,
    /// The device lock has been released by an invigilator and not yet taken again.
    pub unlocked: bool,
    pub score: Option<Points>,
    pub passed: Option<bool>,
    /// An invigilator voided the attempt.
    pub voided: bool,
}

/// An integrity event or an invigilator action, as the invigilator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: Timestamp,
    pub login: String,
    pub display_name: String,
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProctorView {
    pub sitting_id: SittingId,
    pub sitting_name: String,
    pub exam_title: String,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub server_now: Timestamp,
    pub rows: Vec<ProctorRow>,
    pub events: Vec<EventView>,
}

/// How a regrade changes one question of an exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegradeMode {
    /// Grade with the question's current version's key (after the key was corrected or
    /// an alternative answer accepted).
    CurrentKey,
    /// Void the question: every candidate gets its points.
    Void,
}

impl RegradeMode {
    pub fn key(self) -> &'static str {
        match self {
            RegradeMode::CurrentKey => "key",
            RegradeMode::Void => "void",
        }
    }
}

/// One attempt whose result a regrade changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegradeChange {
    pub attempt: AttemptId,
    pub login: String,
    pub display_name: String,
    pub old_score: Points,
    pub new_score: Points,
    pub old_passed: bool,
    pub new_passed: bool,
}

/// A question of an exam that submitted attempts contain, for the regrade picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegradeQuestion {
    pub question_id: crate::question_bank::model::QuestionId,
    pub stem: String,
    pub attempts: u32,
    /// The regrade in force, if any ("key" or "void").
    pub current: Option<String>,
}
