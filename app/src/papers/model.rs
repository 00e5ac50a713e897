//! Wire types of exams and their papers: sections, fixed questions, draw rules, scoring
//! and visibility options, and the retake settings the retake flow reads.

use serde::{Deserialize, Serialize};

use crate::accounts::model::UnitId;
use crate::i18n::Msg;
use crate::question_bank::model::{
    BankId, CategoryId, Points, QuestionId, QuestionType, VersionId,
};
use crate::time::Timestamp;

crate::uuid_id!(
    /// An exam (考试) with its paper definition (试卷).
    ExamId
);

/// A question placed in a section by hand, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedItem {
    pub question_id: QuestionId,
    /// The version the paper uses, pinned when the paper is saved; a later edit of the
    /// question makes a new version and leaves this one in place.
    pub version_id: Option<VersionId>,
    pub points: Points,
}

/// Draw `count` questions at random matching category (with its subtree) × type ×
/// difficulty, each worth `points_each`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRule {
    /// `None` = any category.
    pub category: Option<CategoryId>,
    pub qtype: QuestionType,
    /// `None` = any difficulty.
    pub difficulty: Option<u8>,
    pub count: u32,
    pub points_each: Points,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionSpec {
    pub title: String,
    pub fixed: Vec<FixedItem>,
    pub rules: Vec<DrawRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PassMark {
    Points(Points),
    /// Whole percent of the total, 1–100.
    Percent(u8),
}

impl Default for PassMark {
    fn default() -> Self {
        PassMark::Percent(60)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MultiScoring {
    /// Full points only for exactly the correct set.
    #[default]
    AllOrNothing,
    /// Points in proportion to the correct options chosen; any wrong choice scores 0.
    Partial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ResultVisibility {
    /// Score right after submitting.
    #[default]
    Immediately,
    AfterClose,
    Never,
}

impl ResultVisibility {
    pub const ALL: [ResultVisibility; 3] = [
        ResultVisibility::Immediately,
        ResultVisibility::AfterClose,
        ResultVisibility::Never,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ResultVisibility::Immediately => "immediately",
            ResultVisibility::AfterClose => "after_close",
            ResultVisibility::Never => "never",
        }
    }

    pub fn from_key(k: &str) -> Option<ResultVisibility> {
        ResultVisibility::ALL.into_iter().find(|v| v.key() == k)
    }
}

/// Everything about an exam except its sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSettings {
    pub title: String,
    pub instructions: String,
    pub duration_minutes: u32,
    pub pass_mark: PassMark,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub multi_scoring: MultiScoring,
    /// Fill-in questions score per blank (points split evenly) instead of all-or-nothing.
    pub fill_per_blank: bool,
    pub visibility: ResultVisibility,
    /// Candidates may review their answers and the key after the sitting closes.
    pub review_after_close: bool,
    /// How many retakes a failing candidate gets (default 1).
    pub retake_count: u32,
    /// Minimum days between a result and a retake.
    pub retake_min_wait_days: u32,
    /// Retakes draw a fresh paper avoiding questions the candidate has seen.
    pub retake_fresh_paper: bool,
    /// A voided attempt qualifies for a retake like a failure.
    #[serde(default)]
    pub voided_qualifies: bool,
    /// The login of the interviewer for every case of this exam; empty: the nearest
    /// interviewer up the candidate's (or unit's) chain.
    #[serde(default)]
    pub interviewer_login: String,
    /// Days from opening a case to its interview's due date.
    #[serde(default = "default_case_due_days")]
    pub case_due_days: u32,
    /// Open a unit case for the N units with the lowest first-sitting pass rate (0: off).
    #[serde(default)]
    pub unit_escalation_bottom: u32,
    /// Units with fewer candidates are shown but not ranked.
    #[serde(default = "default_unit_min_candidates")]
    pub unit_escalation_min_candidates: u32,
}

fn default_case_due_days() -> u32 {
    14
}

fn default_unit_min_candidates() -> u32 {
    3
}

impl Default for ExamSettings {
    fn default() -> Self {
        ExamSettings {
            title: String::new(),
            instructions: String::new(),
            duration_minutes: 60,
            pass_mark: PassMark::default(),
            shuffle_questions: true,
            shuffle_options: true,
            multi_scoring: MultiScoring::default(),
            fill_per_blank: true,
            visibility: ResultVisibility::default(),
            review_after_close: false,
            retake_count: 1,
            retake_min_wait_days: 3,
            retake_fresh_paper: true,
            voided_qualifies: false,
            interviewer_login: String::new(),
            case_due_days: default_case_due_days(),
            unit_escalation_bottom: 0,
            unit_escalation_min_candidates: default_unit_min_candidates(),
        }
    }
}

/// One rule the bank cannot satisfy: "党章党规 / 单选 / 难度3: need 10, have 7".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub section: usize,
    pub rule: usize,
    /// Category path or empty for any.
    pub category_path: String,
    pub qtype: QuestionType,
    pub difficulty: Option<u8>,
    pub need: u32,
    pub have: u32,
}

impl Shortfall {
    /// The line shown to the organizer, in the interface language's wording.
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        let cat = if self.category_path.is_empty() {
            Msg::AnyCategory.text(lang).to_owned()
        } else {
            self.category_path.clone()
        };
        let diff = match self.difficulty {
            Some(d) => Msg::DifficultyN.text(lang).replace("{n}", &d.to_string()),
            None => Msg::AnyDifficulty.text(lang).to_owned(),
        };
        Msg::ShortfallLine
            .text(lang)
            .replace("{cat}", &cat)
            .replace("{type}", self.qtype.label().text(lang))
            .replace("{diff}", &diff)
            .replace("{need}", &self.need.to_string())
            .replace("{have}", &self.have.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSummary {
    pub id: ExamId,
    pub title: String,
    pub bank_id: BankId,
    pub bank_name: String,
    pub owner_unit_id: UnitId,
    pub question_count: u32,
    pub total_points: Points,
    pub duration_minutes: u32,
    pub sitting_count: u32,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamDetail {
    pub id: ExamId,
    pub bank_id: BankId,
    pub owner_unit_id: UnitId,
    pub settings: ExamSettings,
    pub sections: Vec<SectionSpec>,
    pub total_points: Points,
    pub question_count: u32,
    pub editable: bool,
}

/// A question as a candidate sees it: options already in this candidate's order, no key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperQuestion {
    pub qtype: QuestionType,
    pub stem: String,
    pub options: Vec<String>,
    /// Number of blanks of a fill-in question.
    pub blanks: usize,
    pub points: Points,
    pub image: Option<crate::question_bank::model::ImageId>,
}

/// One question of a sample draw. `key` and `explanation` are filled only in the
/// organizer's view; in the candidate's view they are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewItem {
    pub section: u32,
    pub section_title: String,
    pub question: PaperQuestion,
    /// The correct options as letters in this candidate's order, or the accepted texts.
    pub key: Option<String>,
    pub explanation: Option<String>,
}

/// A fixed question as the editor lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedInfo {
    pub stem: String,
    pub qtype: QuestionType,
}

/// Everything the editor shows about the exam, fetched in one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorData {
    pub exam: ExamDetail,
    pub bank_name: String,
    pub categories: Vec<crate::question_bank::model::CategoryView>,
    /// The current text of each fixed question, by ID. A question that cannot be read
    /// any more is missing and is listed by its ID.
    pub fixed: std::collections::HashMap<QuestionId, FixedInfo>,
}
