//! Wire types of the question bank. A candidate-facing type never holds the answer key:
//! the key travels only as [`KeyForm`], which only organizer/admin functions return.

use serde::{Deserialize, Serialize};

use crate::accounts::model::UnitId;
use crate::i18n::Msg;
use crate::time::Timestamp;

crate::uuid_id!(
    /// A question bank, owned by one unit subtree.
    BankId
);
crate::uuid_id!(
    /// A question; its content lives in versions.
    QuestionId
);
crate::uuid_id!(
    /// One immutable-once-used version of a question.
    VersionId
);
crate::uuid_id!(
    /// A node of a bank's category tree.
    CategoryId
);
crate::uuid_id!(
    /// A stored stem image.
    ImageId
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum QuestionType {
    Single,
    Multiple,
    TrueFalse,
    FillBlank,
}

impl QuestionType {
    pub const ALL: [QuestionType; 4] = [
        QuestionType::Single,
        QuestionType::Multiple,
        QuestionType::TrueFalse,
        QuestionType::FillBlank,
    ];

    /// The stable key used in URLs, forms, files and the database.
    pub fn key(self) -> &'static str {
        match self {
            QuestionType::Single => "single",
            QuestionType::Multiple => "multiple",
            QuestionType::TrueFalse => "true_false",
            QuestionType::FillBlank => "fill_blank",
        }
    }

    pub fn from_key(key: &str) -> Option<QuestionType> {
        QuestionType::ALL
            .into_iter()
            .find(|t| t.key() == key.trim())
    }

    pub fn label(self) -> Msg {
        match self {
            QuestionType::Single => Msg::QtSingle,
            QuestionType::Multiple => Msg::QtMultiple,
            QuestionType::TrueFalse => Msg::QtTrueFalse,
            QuestionType::FillBlank => Msg::QtFillBlank,
        }
    }

    /// Whether the question shows options to pick from (true/false has two fixed ones).
    pub fn has_options(self) -> bool {
        matches!(self, QuestionType::Single | QuestionType::Multiple)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum QuestionStatus {
    #[default]
    Draft,
    Active,
    Retired,
}

impl QuestionStatus {
    pub const ALL: [QuestionStatus; 3] = [
        QuestionStatus::Draft,
        QuestionStatus::Active,
        QuestionStatus::Retired,
    ];

    pub fn key(self) -> &'static str {
        match self {
            QuestionStatus::Draft => "draft",
            QuestionStatus::Active => "active",
            QuestionStatus::Retired => "retired",
        }
    }

    pub fn from_key(key: &str) -> Option<QuestionStatus> {
        QuestionStatus::ALL
            .into_iter()
            .find(|s| s.key() == key.trim())
    }

    pub fn label(self) -> Msg {
        match self {
            QuestionStatus::Draft => Msg::QsDraft,
            QuestionStatus::Active => Msg::QsActive,
            QuestionStatus::Retired => Msg::QsRetired,
        }
    }
}

/// How a fill-in answer is compared with the accepted answers. Surrounding white space
/// is always ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct BlankPolicy {
    /// Full-width letters, digits and punctuation count as their half-width forms.
    pub fold_width: bool,
    /// Latin letters compare without case.
    pub case_insensitive: bool,
}

/// Points in hundredths, so 0.5 and 2.25 are exact and sums never drift.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct Points(pub u32);

impl Points {
    pub const MAX: Points = Points(100_000);

    /// Parses "2", "2.5" or "2.25" (at most two decimals, at most 1000).
    pub fn parse(s: &str) -> Option<Points> {
        let s = s.trim();
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || int.len() > 4 {
            return None;
        }
        if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: u32 = int.parse().ok()?;
        let mut hundredths = 0;
        for (i, b) in frac.bytes().enumerate() {
            hundredths += u32::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let p = Points(whole * 100 + hundredths);
        (p <= Points::MAX).then_some(p)
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (w, h) = (self.0 / 100, self.0 % 100);
        match h {
            0 => write!(f, "{w}"),
            h if h % 10 == 0 => write!(f, "{w}.{}", h / 10),
            h => write!(f, "{w}.{h:02}"),
        }
    }
}

/// The answer key as an organizer edits it. Only organizer/admin server functions return
/// it; grading uses the non-serialisable `domain::AnswerKey`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyForm {
    /// Indices into the options (exactly one for single choice).
    Choice(Vec<usize>),
    TrueFalse(bool),
    /// For each blank, its accepted answers.
    Blanks {
        answers: Vec<Vec<String>>,
        policy: BlankPolicy,
    },
}

/// A question as written or imported, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionDraft {
    pub qtype: QuestionType,
    /// Plain text; line breaks are kept.
    pub stem: String,
    /// Empty for true/false and fill-in.
    pub options: Vec<String>,
    pub key: KeyForm,
    pub explanation: String,
    /// Category path from the root, e.g. `["党章党规", "廉洁自律准则"]`; empty = uncategorised.
    pub category: Vec<String>,
    /// 1–5.
    pub difficulty: u8,
    pub tags: Vec<String>,
    pub points: Points,
    pub image: Option<ImageId>,
}

pub use crate::error::FieldProblem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankView {
    pub id: BankId,
    pub name: String,
    pub owner_unit_id: UnitId,
    pub owner_unit_name: String,
    /// Units (subtrees) the bank is shared with read-only.
    pub shared_with: Vec<(UnitId, String)>,
    pub question_count: u64,
    /// Whether the viewer may change it (owner scope), as opposed to read it (shared).
    pub editable: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub name: String,
    /// Names from the root, joined with " / ".
    pub path: String,
    pub depth: u32,
    pub question_count: u64,
}

/// A row of the bank view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionSummary {
    pub id: QuestionId,
    pub version_no: u32,
    pub qtype: QuestionType,
    pub stem: String,
    pub category_path: String,
    pub difficulty: u8,
    pub tags: Vec<String>,
    pub points: Points,
    pub status: QuestionStatus,
    pub updated_at: Timestamp,
}

/// A question with its key, for the editor (organizers/admins only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionDetail {
    pub id: QuestionId,
    pub bank_id: BankId,
    pub version_id: VersionId,
    pub version_no: u32,
    pub status: QuestionStatus,
    pub draft: QuestionDraft,
    /// Whether a paper or attempt uses the current version (the next edit makes a new one).
    pub in_use: bool,
    pub editable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: VersionId,
    pub version_no: u32,
    pub draft: QuestionDraft,
    pub created_at: Timestamp,
    pub created_by: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum QuestionSort {
    #[default]
    UpdatedDesc,
    UpdatedAsc,
    DifficultyAsc,
    DifficultyDesc,
    Stem,
}

impl QuestionSort {
    pub const ALL: [QuestionSort; 5] = [
        QuestionSort::UpdatedDesc,
        QuestionSort::UpdatedAsc,
        QuestionSort::DifficultyAsc,
        QuestionSort::DifficultyDesc,
        QuestionSort::Stem,
    ];

    pub fn key(self) -> &'static str {
        match self {
            QuestionSort::UpdatedDesc => "updated_desc",
            QuestionSort::UpdatedAsc => "updated_asc",
            QuestionSort::DifficultyAsc => "difficulty_asc",
            QuestionSort::DifficultyDesc => "difficulty_desc",
            QuestionSort::Stem => "stem",
        }
    }

    pub fn from_key(key: &str) -> QuestionSort {
        QuestionSort::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .unwrap_or_default()
    }
}

/// The bank view's filters. Empty strings mean "any".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QuestionQuery {
    pub bank_id: String,
    pub text: String,
    /// A category ID; its subtree is included.
    pub category: String,
    pub qtype: String,
    pub difficulty: String,
    pub tag: String,
    pub status: String,
    pub sort: String,
    pub page: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionPage {
    pub items: Vec<QuestionSummary>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportItemStatus {
    /// Valid and new: will be imported.
    New,
    /// Valid, but the bank (or an earlier item of the file) has the same question.
    Duplicate,
    Invalid,
    /// A question type examhall does not support.
    Skipped,
}

/// Where an imported item is in its file, in the file's own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemLocator {
    Row(u32),
    Line(u32),
    Question(u32),
}

impl ItemLocator {
    pub fn text(self, lang: crate::i18n::Lang) -> String {
        let (msg, n) = match self {
            ItemLocator::Row(n) => (Msg::LocRow, n),
            ItemLocator::Line(n) => (Msg::LocLine, n),
            ItemLocator::Question(n) => (Msg::LocQuestion, n),
        };
        msg.text(lang).replace("{n}", &n.to_string())
    }
}

/// One item of an import preview that needs the organizer's attention, or a sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportItemView {
    pub locator: ItemLocator,
    pub status: ImportItemStatus,
    pub qtype: Option<QuestionType>,
    pub stem: String,
    pub problems: Vec<FieldProblem>,
    /// The existing question a duplicate matches (None when it repeats an earlier item).
    pub duplicate_of: Option<QuestionId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionImportPreview {
    pub id: String,
    pub bank_id: BankId,
    pub file_name: String,
    pub new_count: u32,
    pub duplicate_count: u32,
    pub invalid_count: u32,
    pub skipped_count: u32,
    /// Every invalid, skipped and duplicate item, and the first new ones as a sample.
    pub items: Vec<ImportItemView>,
    pub committed: bool,
}

/// What to do with imported questions that match existing ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DuplicatePolicy {
    #[default]
    Skip,
    /// Replace the existing question's content (a new version if it is in use).
    Overwrite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub created: u32,
    pub overwritten: u32,
    pub skipped: u32,
}

/// A bulk change to selected questions of one bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkAction {
    SetStatus(QuestionStatus),
    MoveTo(Option<CategoryId>),
    AddTag(String),
}
