//! Wire types of sittings (场次), candidate assignments and accommodations.

use serde::{Deserialize, Serialize};

use crate::accounts::model::UserId;
use crate::papers::model::ExamId;
use crate::time::Timestamp;

crate::uuid_id!(
    /// A scheduled sitting of an exam.
    SittingId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SittingMode {
    /// Everyone starts at the window start; late entry until `late_entry_minutes` after it.
    FixedStart { late_entry_minutes: u32 },
    /// Start any time in the window; deadline = start + duration, never past the window end.
    Flexible,
}

/// Extra time for one candidate, with the reason recorded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Accommodation {
    pub extra_minutes: u32,
    /// Percent of the exam's duration, added to `extra_minutes`.
    pub extra_percent: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingSpec {
    pub name: String,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub mode: SittingMode,
    pub capacity: u32,
    pub location: String,
    /// A retake sitting (补考场次) of its exam.
    pub is_retake: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SittingPhase {
    Scheduled,
    Open,
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingView {
    pub id: SittingId,
    pub exam_id: ExamId,
    pub exam_title: String,
    pub spec: SittingSpec,
    pub assigned: u32,
    pub phase: SittingPhase,
    pub editable: bool,
}

/// Why a candidate could not be assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignConflict {
    AlreadyAssigned,
    /// Assigned to another sitting whose window overlaps this one.
    Overlap,
    OverCapacity,
    NotCandidate,
    Disabled,
    OutOfScope,
    UnknownLogin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictRow {
    pub login: String,
    pub display_name: String,
    pub conflict: AssignConflict,
    /// The other sitting, for overlaps.
    pub detail: Option<String>,
}

/// What an assignment would do, shown before confirming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignPreview {
    pub will_assign: u32,
    pub conflicts: Vec<ConflictRow>,
    pub seats_left: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedCandidate {
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub unit_name: String,
    pub accommodation: Accommodation,
    pub assigned_at: Timestamp,
}

/// A sitting on a candidate's landing page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingSitting {
    pub sitting_id: SittingId,
    pub exam_title: String,
    pub name: String,
    pub window_start: Timestamp,
    pub window_end: Timestamp,
    pub location: String,
    pub duration_minutes: u32,
}
