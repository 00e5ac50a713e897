//! Question bank use cases: banks and sharing, categories, creating and versioning
//! questions, search, bulk changes and imports. Scope is checked here, where the bank's
//! owner is at hand; every write is one transaction, audited inside it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::accounts::model::UnitId;
use crate::audit::model::AuditAction;
use crate::audit::service::record;
use crate::db::Exec;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::server::{AppState, Authed};
use crate::time::Timestamp;

use super::domain::{self, AnswerKey, ValidQuestion};
use super::model::*;
use super::repo::{self, BankRow, CategoryRow, QuestionRow, VersionRow};

pub const PER_PAGE: u32 = 50;
const BANK_NAME_MAX: usize = 100;

/// What a candidate may see of a version, stored apart from the key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredContent {
    pub qtype: QuestionType,
    pub stem: String,
    pub options: Vec<String>,
    pub explanation: String,
    pub category: Vec<String>,
    pub difficulty: u8,
    pub tags: Vec<String>,
    pub points: Points,
    pub image: Option<ImageId>,
    /// Number of blanks of a fill-in question, so a candidate's form can be drawn
    /// without reading the key.
    pub blanks: usize,
}

/// The stored key. Private to storage: grading reads it back as [`AnswerKey`].
#[derive(Serialize, Deserialize)]
enum StoredKey {
    Choice(Vec<usize>),
    TrueFalse(bool),
    Blanks {
        answers: Vec<Vec<String>>,
        fold_width: bool,
        case_insensitive: bool,
    },
}

fn encode_key(key: &AnswerKey) -> String {
    let stored = match key {
        AnswerKey::Choice(c) => StoredKey::Choice(c.clone()),
        AnswerKey::TrueFalse(b) => StoredKey::TrueFalse(*b),
        AnswerKey::Blanks { answers, policy } => StoredKey::Blanks {
            answers: answers.clone(),
            fold_width: policy.fold_width,
            case_insensitive: policy.case_insensitive,
        },
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

pub fn decode_key(json: &str) -> Result<AnswerKey, AppError> {
    let stored: StoredKey = serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "stored answer key unreadable");
        AppError::Internal
    })?;
    Ok(match stored {
        StoredKey::Choice(c) => AnswerKey::Choice(c),
        StoredKey::TrueFalse(b) => AnswerKey::TrueFalse(b),
        StoredKey::Blanks {
            answers,
            fold_width,
            case_insensitive,
        } => AnswerKey::Blanks {
            answers,
            policy: BlankPolicy {
                fold_width,
                case_insensitive,
            },
        },
    })
}

pub fn decode_content(json: &str) -> Result<StoredContent, AppError> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, "stored question content unreadable");
        AppError::Internal
    })
}

fn encode_content(d: &QuestionDraft, key: &AnswerKey) -> String {
    let blanks = match key {
        AnswerKey::Blanks { answers, .. } => answers.len(),
        _ => 0,
    };
    let c = StoredContent {
        qtype: d.qtype,
        stem: d.stem.clone(),
        options: d.options.clone(),
        explanation: d.explanation.clone(),
        category: d.category.clone(),
        difficulty: d.difficulty,
        tags: d.tags.clone(),
        points: d.points,
        image: d.image,
        blanks,
    };
    serde_json::to_string(&c).unwrap_or_default()
}

fn draft_of(v: &VersionRow) -> Result<QuestionDraft, AppError> {
    let c = decode_content(&v.content)?;
    let key = decode_key(&v.answer_key)?;
    Ok(QuestionDraft {
        qtype: c.qtype,
        stem: c.stem,
        options: c.options,
        key: key.to_form(),
        explanation: c.explanation,
        category: c.category,
        difficulty: c.difficulty,
        tags: c.tags,
        points: c.points,
        image: c.image,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// The bank if the caller may use it as asked: write = owned inside the caller's scope;
/// read = that, or shared with a unit inside or above the caller's scope. Outside both
/// the bank does not exist, as far as the caller may know.
pub async fn bank_for(
    ex: &mut impl Exec,
    a: &Authed,
    id: BankId,
    access: Access,
) -> Result<(BankRow, bool), AppError> {
    let bank = repo::get_bank(ex, id).await?.ok_or(AppError::NotFound)?;
    let owns = a.covers(&bank.owner_path);
    if owns {
        return Ok((bank, true));
    }
    let shares = repo::bank_shares(ex, id).await?;
    let shared = shares
        .iter()
        .any(|s| a.covers(&s.unit_path) || a.scope.path.starts_with(&s.unit_path));
    match (shared, access) {
        (true, Access::Read) => Ok((bank, false)),
        (true, Access::Write) => Err(AppError::Forbidden),
        (false, _) => Err(AppError::NotFound),
    }
}

fn bank_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", Msg::ErrRequired));
    }
    if name.chars().count() > BANK_NAME_MAX {
        return Err(AppError::invalid("name", Msg::ErrTooLong));
    }
    Ok(name.to_owned())
}

fn bank_view(b: BankRow, shares: Vec<repo::ShareRow>, editable: bool) -> BankView {
    BankView {
        editable,
        id: b.id,
        name: b.name,
        owner_unit_id: b.owner_unit_id,
        owner_unit_name: b.owner_unit_name,
        shared_with: shares
            .into_iter()
            .map(|s| (s.unit_id, s.unit_name))
            .collect(),
        question_count: b.question_count.max(0) as u64,
        created_at: b.created_at,
    }
}

pub async fn list_banks(state: &AppState, a: &Authed) -> Result<Vec<BankView>, AppError> {
    let mut c = state.db.read().await?;
    let rows = repo::list_visible_banks(&mut c, &a.scope.path).await?;
    let mut out = Vec::with_capacity(rows.len());
    for b in rows {
        let shares = repo::bank_shares(&mut c, b.id).await?;
        let editable = a.covers(&b.owner_path);
        out.push(bank_view(b, shares, editable));
    }
    Ok(out)
}

pub async fn get_bank(state: &AppState, a: &Authed, id: BankId) -> Result<BankView, AppError> {
    let mut c = state.db.read().await?;
    let (b, editable) = bank_for(&mut c, a, id, Access::Read).await?;
    let shares = repo::bank_shares(&mut c, b.id).await?;
    Ok(bank_view(b, shares, editable))
}

pub async fn create_bank(
    state: &AppState,
    a: &Authed,
    addr: &str,
    name: &str,
    owner: Option<UnitId>,
) -> Result<BankId, AppError> {
    let name = bank_name(name)?;
    let now = state.clock.now();
    let id = BankId(Uuid::new_v4());
    let mut tx = state.db.begin().await?;
    let owner = match owner {
        Some(u) => {
            let unit = crate::accounts::repo::get_unit(&mut tx, u)
                .await?
                .ok_or(AppError::NotFound)?;
            if !a.covers(&unit.path) {
                return Err(AppError::Forbidden);
            }
            unit.id
        }
        None => a.scope.id,
    };
    repo::insert_bank(&mut tx, id, &name, owner, a.user.id, now).await?;
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::BankCreated,
        &id.to_string(),
        &name,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Renames a bank and sets the units it is shared with (read-only).
pub async fn update_bank(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: BankId,
    name: &str,
    shares: Vec<UnitId>,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    bank_for(&mut tx, a, id, Access::Write).await?;
    let name = bank_name(name)?;
    let mut shares = shares;
    shares.sort();
    shares.dedup();
    for u in &shares {
        if crate::accounts::repo::get_unit(&mut tx, *u)
            .await?
            .is_none()
        {
            return Err(AppError::invalid("shares", Msg::ErrBadRequest));
        }
    }
    repo::rename_bank(&mut tx, id, &name, now).await?;
    repo::replace_shares(&mut tx, id, &shares).await?;
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::BankUpdated,
        &id.to_string(),
        &name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_categories(
    state: &AppState,
    a: &Authed,
    bank: BankId,
) -> Result<Vec<CategoryView>, AppError> {
    let mut c = state.db.read().await?;
    bank_for(&mut c, a, bank, Access::Read).await?;
    let rows = repo::list_categories(&mut c, bank).await?;
    Ok(rows
        .into_iter()
        .map(|k| CategoryView {
            id: k.id,
            parent_id: k.parent_id,
            depth: k.name_path.matches('/').count() as u32,
            path: k.name_path.replace('/', " / "),
            name: k.name,
            question_count: k.question_count.max(0) as u64,
        })
        .collect())
}

/// The category at `names` (root first), created with its missing ancestors.
pub async fn ensure_category(
    ex: &mut impl Exec,
    bank: BankId,
    names: &[String],
) -> Result<Option<CategoryRow>, AppError> {
    let mut parent: Option<CategoryRow> = None;
    for (i, name) in names.iter().enumerate() {
        // "/" separates levels in the stored name path; a literal one inside a name is
        // shown as a full-width slash so paths stay unambiguous.
        let name = name.replace('/', "／");
        let name_path = names[..i]
            .iter()
            .map(|n| n.replace('/', "／"))
            .chain(std::iter::once(name.clone()))
            .collect::<Vec<_>>()
            .join("/");
        let found = repo::category_by_name_path(ex, bank, &name_path).await?;
        let row = match found {
            Some(row) => row,
            None => {
                let id = CategoryId(Uuid::new_v4());
                let base = parent.as_ref().map(|p| p.path.as_str()).unwrap_or("/");
                let row = CategoryRow {
                    id,
                    parent_id: parent.as_ref().map(|p| p.id),
                    name,
                    path: format!("{base}{id}/"),
                    name_path,
                    question_count: 0,
                };
                repo::insert_category(ex, bank, &row).await?;
                row
            }
        };
        parent = Some(row);
    }
    Ok(parent)
}

pub async fn create_category(
    state: &AppState,
    a: &Authed,
    bank: BankId,
    path: &str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    bank_for(&mut tx, a, bank, Access::Write).await?;
    let names: Vec<String> = path
        .split(['/', '／'])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err(AppError::invalid("path", Msg::ErrRequired));
    }
    if names.len() > domain::MAX_CATEGORY_DEPTH {
        return Err(AppError::invalid("path", Msg::ErrCategoryTooDeep));
    }
    if names
        .iter()
        .any(|n| n.chars().count() > domain::MAX_CATEGORY_CHARS)
    {
        return Err(AppError::invalid("path", Msg::ErrTooLong));
    }
    ensure_category(&mut tx, bank, &names).await?;
    tx.commit().await?;
    Ok(())
}

fn tags_column(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!("|{}|", tags.join("|"))
    }
}

fn tags_from_column(col: &str) -> Vec<String> {
    col.split('|')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn mirror_row(
    id: QuestionId,
    bank: BankId,
    status: QuestionStatus,
    version: (VersionId, i32),
    v: &ValidQuestion,
    category: Option<&CategoryRow>,
    (created_at, now): (Timestamp, Timestamp),
) -> QuestionRow {
    QuestionRow {
        id,
        bank_id: bank,
        status: status.key().to_owned(),
        current_version_id: version.0,
        version_no: version.1,
        qtype: v.draft.qtype.key().to_owned(),
        stem: v.draft.stem.clone(),
        category_id: category.map(|c| c.id),
        category_path: category.map(|c| c.path.clone()).unwrap_or_default(),
        difficulty: i32::from(v.draft.difficulty),
        tags: tags_column(&v.draft.tags),
        points: v.draft.points.0 as i32,
        dup_key: v.dup_key.clone(),
        created_at,
        updated_at: now,
    }
}

fn validated(draft: QuestionDraft) -> Result<ValidQuestion, AppError> {
    domain::validate(draft).map_err(AppError::Problems)
}

/// Inserts a validated question with its first version; no scope check, no audit.
async fn insert_new(
    ex: &mut impl Exec,
    a: &Authed,
    bank: BankId,
    v: &ValidQuestion,
    status: QuestionStatus,
    now: Timestamp,
) -> Result<QuestionId, AppError> {
    let category = ensure_category(ex, bank, &v.draft.category).await?;
    let id = QuestionId(Uuid::new_v4());
    let version = VersionRow {
        id: VersionId(Uuid::new_v4()),
        question_id: id,
        version_no: 1,
        content: encode_content(&v.draft, &v.key),
        answer_key: encode_key(&v.key),
        in_use: false,
        created_at: now,
        created_by_login: None,
    };
    let row = mirror_row(
        id,
        bank,
        status,
        (version.id, 1),
        v,
        category.as_ref(),
        (now, now),
    );
    repo::insert_question(ex, &row)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(Msg::ErrDuplicateQuestion),
            other => other,
        })?;
    repo::insert_version(ex, &version, a.user.id).await?;
    Ok(id)
}

/// Replaces a question's content: in place while no paper or attempt uses the current
/// version, otherwise as a new version (what used the old one keeps it).
async fn replace_content(
    ex: &mut impl Exec,
    a: &Authed,
    existing: &QuestionRow,
    v: &ValidQuestion,
    status: QuestionStatus,
    now: Timestamp,
) -> Result<(), AppError> {
    let category = ensure_category(ex, existing.bank_id, &v.draft.category).await?;
    let content = encode_content(&v.draft, &v.key);
    let key = encode_key(&v.key);
    let overwritten =
        repo::overwrite_unused_version(ex, existing.current_version_id, &content, &key).await?;
    let version = if overwritten {
        (existing.current_version_id, existing.version_no)
    } else {
        let no = existing.version_no + 1;
        let row = VersionRow {
            id: VersionId(Uuid::new_v4()),
            question_id: existing.id,
            version_no: no,
            content,
            answer_key: key,
            in_use: false,
            created_at: now,
            created_by_login: None,
        };
        repo::insert_version(ex, &row, a.user.id).await?;
        (row.id, no)
    };
    let row = mirror_row(
        existing.id,
        existing.bank_id,
        status,
        version,
        v,
        category.as_ref(),
        (existing.created_at, now),
    );
    repo::update_question(ex, &row)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(Msg::ErrDuplicateQuestion),
            other => other,
        })
}

pub async fn create_question(
    state: &AppState,
    a: &Authed,
    addr: &str,
    bank: BankId,
    draft: QuestionDraft,
    status: QuestionStatus,
) -> Result<QuestionId, AppError> {
    let v = validated(draft)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    bank_for(&mut tx, a, bank, Access::Write).await?;
    let id = insert_new(&mut tx, a, bank, &v, status, now).await?;
    let stem: String = v.draft.stem.chars().take(60).collect();
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::QuestionCreated,
        &id.to_string(),
        &stem,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_question(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: QuestionId,
    draft: QuestionDraft,
    status: QuestionStatus,
) -> Result<(), AppError> {
    let v = validated(draft)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let existing = repo::get_question(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    bank_for(&mut tx, a, existing.bank_id, Access::Write).await?;
    replace_content(&mut tx, a, &existing, &v, status, now).await?;
    let stem: String = v.draft.stem.chars().take(60).collect();
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::QuestionUpdated,
        &id.to_string(),
        &stem,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get_question(
    state: &AppState,
    a: &Authed,
    id: QuestionId,
) -> Result<QuestionDetail, AppError> {
    let mut c = state.db.read().await?;
    let q = repo::get_question(&mut c, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, editable) = bank_for(&mut c, a, q.bank_id, Access::Read).await?;
    let v = repo::get_version(&mut c, q.current_version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(QuestionDetail {
        id: q.id,
        bank_id: q.bank_id,
        version_id: v.id,
        version_no: v.version_no.max(0) as u32,
        status: QuestionStatus::from_key(&q.status).unwrap_or_default(),
        draft: draft_of(&v)?,
        in_use: v.in_use,
        editable,
    })
}

pub async fn list_versions(
    state: &AppState,
    a: &Authed,
    id: QuestionId,
) -> Result<Vec<VersionView>, AppError> {
    let mut c = state.db.read().await?;
    let q = repo::get_question(&mut c, id)
        .await?
        .ok_or(AppError::NotFound)?;
    bank_for(&mut c, a, q.bank_id, Access::Read).await?;
    let rows = repo::list_versions(&mut c, id).await?;
    rows.iter()
        .map(|v| {
            Ok(VersionView {
                id: v.id,
                version_no: v.version_no.max(0) as u32,
                draft: draft_of(v)?,
                created_at: v.created_at,
                created_by: v.created_by_login.clone().unwrap_or_default(),
            })
        })
        .collect()
}

pub async fn search(
    state: &AppState,
    a: &Authed,
    query: &QuestionQuery,
) -> Result<QuestionPage, AppError> {
    let bank: BankId = query.bank_id.parse().map_err(|_| AppError::NotFound)?;
    let mut c = state.db.read().await?;
    bank_for(&mut c, a, bank, Access::Read).await?;
    let category_pattern = match query.category.trim() {
        "" => String::new(),
        id => {
            let id: CategoryId = id
                .parse()
                .map_err(|_| AppError::invalid("category", Msg::ErrBadRequest))?;
            let k = repo::get_category(&mut c, bank, id)
                .await?
                .ok_or(AppError::NotFound)?;
            format!("{}%", crate::db::like_escape(&k.path))
        }
    };
    let page = query.page.max(1);
    let order_by = match QuestionSort::from_key(&query.sort) {
        QuestionSort::UpdatedDesc => "q.updated_at DESC",
        QuestionSort::UpdatedAsc => "q.updated_at ASC",
        QuestionSort::DifficultyAsc => "q.difficulty ASC, q.updated_at DESC",
        QuestionSort::DifficultyDesc => "q.difficulty DESC, q.updated_at DESC",
        QuestionSort::Stem => "q.stem ASC",
    };
    let search = repo::Search {
        bank,
        text_pattern: repo::contains_pattern(query.text.trim()),
        category_pattern,
        qtype: QuestionType::from_key(&query.qtype)
            .map(|t| t.key().to_owned())
            .unwrap_or_default(),
        difficulty: query
            .difficulty
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|d| (1..=5).contains(d))
            .unwrap_or(0),
        tag_pattern: match query.tag.trim() {
            "" => String::new(),
            t => format!("%|{}|%", crate::db::like_escape(t)),
        },
        status: QuestionStatus::from_key(&query.status)
            .map(|s| s.key().to_owned())
            .unwrap_or_default(),
        order_by,
        limit: i64::from(PER_PAGE),
        offset: i64::from(page - 1) * i64::from(PER_PAGE),
    };
    let (rows, total) = repo::search_questions(&mut c, &search).await?;
    let categories = repo::list_categories(&mut c, bank).await?;
    let name_of = |id: Option<CategoryId>| {
        id.and_then(|id| categories.iter().find(|k| k.id == id))
            .map(|k| k.name_path.replace('/', " / "))
            .unwrap_or_default()
    };
    let items = rows
        .into_iter()
        .map(|r| QuestionSummary {
            id: r.id,
            version_no: r.version_no.max(0) as u32,
            qtype: QuestionType::from_key(&r.qtype).unwrap_or(QuestionType::Single),
            category_path: name_of(r.category_id),
            stem: r.stem,
            difficulty: r.difficulty.clamp(0, 5) as u8,
            tags: tags_from_column(&r.tags),
            points: Points(r.points.max(0) as u32),
            status: QuestionStatus::from_key(&r.status).unwrap_or_default(),
            updated_at: r.updated_at,
        })
        .collect();
    Ok(QuestionPage {
        items,
        total: total.max(0) as u64,
        page,
        per_page: PER_PAGE,
    })
}

pub const MAX_BULK: usize = 1_000;

pub async fn bulk(
    state: &AppState,
    a: &Authed,
    addr: &str,
    bank: BankId,
    ids: Vec<QuestionId>,
    action: BulkAction,
) -> Result<u64, AppError> {
    if ids.is_empty() {
        return Err(AppError::invalid("ids", Msg::ErrNothingSelected));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::invalid("ids", Msg::ErrTooMany));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    bank_for(&mut tx, a, bank, Access::Write).await?;
    let n = match &action {
        BulkAction::SetStatus(s) => repo::set_status(&mut tx, bank, &ids, s.key(), now).await?,
        BulkAction::MoveTo(_) | BulkAction::AddTag(_) => {
            let mut n = 0;
            for id in &ids {
                let Some(q) = repo::get_question(&mut tx, *id).await? else {
                    continue;
                };
                if q.bank_id != bank {
                    continue;
                }
                let v = repo::get_version(&mut tx, q.current_version_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let mut draft = draft_of(&v)?;
                match &action {
                    BulkAction::MoveTo(None) => draft.category.clear(),
                    BulkAction::MoveTo(Some(k)) => {
                        let k = repo::get_category(&mut tx, bank, *k)
                            .await?
                            .ok_or(AppError::invalid("category", Msg::ErrBadRequest))?;
                        draft.category = k.name_path.split('/').map(str::to_owned).collect();
                    }
                    BulkAction::AddTag(t) => draft.tags.push(t.clone()),
                    BulkAction::SetStatus(_) => {}
                }
                let valid = validated(draft)?;
                let status = QuestionStatus::from_key(&q.status).unwrap_or_default();
                replace_content(&mut tx, a, &q, &valid, status, now).await?;
                n += 1;
            }
            n
        }
    };
    let detail = format!("{action:?} × {n}");
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::QuestionsBulkChanged,
        &bank.to_string(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Validated question drafts of the bank and its filters, for export.
pub async fn export_drafts(
    state: &AppState,
    a: &Authed,
    query: &QuestionQuery,
) -> Result<(String, Vec<QuestionDraft>), AppError> {
    let bank: BankId = query.bank_id.parse().map_err(|_| AppError::NotFound)?;
    let name = {
        let mut c = state.db.read().await?;
        bank_for(&mut c, a, bank, Access::Read).await?.0.name
    };
    let mut out = Vec::new();
    let mut q = query.clone();
    q.page = 1;
    loop {
        let page = search(state, a, &q).await?;
        let mut c = state.db.read().await?;
        for item in &page.items {
            let row = repo::get_question(&mut c, item.id)
                .await?
                .ok_or(AppError::NotFound)?;
            let v = repo::get_version(&mut c, row.current_version_id)
                .await?
                .ok_or(AppError::NotFound)?;
            out.push(draft_of(&v)?);
        }
        if u64::from(q.page) * u64::from(PER_PAGE) >= page.total {
            break;
        }
        q.page += 1;
    }
    Ok((name, out))
}

/// The stored form of an import: every parsed item, and per valid item its draft.
#[derive(Serialize, Deserialize)]
struct StoredImport {
    preview: QuestionImportPreview,
    /// The valid drafts in file order, with the duplicate they match (if any).
    valid: Vec<(QuestionDraft, Option<QuestionId>)>,
}

const SAMPLE_NEW: usize = 20;

pub async fn preview_import(
    state: &AppState,
    a: &Authed,
    bank: BankId,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    use super::formats::{self, Locator, Outcome};
    let parsed = formats::parse_file(file_name, bytes).map_err(|m| AppError::invalid("file", m))?;
    let existing = {
        let mut c = state.db.read().await?;
        bank_for(&mut c, a, bank, Access::Write).await?;
        repo::dup_keys(&mut c, bank).await?
    };
    let existing: std::collections::HashMap<String, QuestionId> = existing.into_iter().collect();
    let mut seen = std::collections::HashSet::new();
    let id = Uuid::new_v4();
    let mut preview = QuestionImportPreview {
        id: id.to_string(),
        bank_id: bank,
        file_name: file_name.chars().take(200).collect(),
        new_count: 0,
        duplicate_count: 0,
        invalid_count: 0,
        skipped_count: 0,
        items: Vec::new(),
        committed: false,
    };
    let mut valid = Vec::new();
    for item in parsed.items {
        let locator = match item.locator {
            Locator::Row(n) => ItemLocator::Row(n),
            Locator::Line(n) => ItemLocator::Line(n),
            Locator::Question(n) => ItemLocator::Question(n),
        };
        match item.outcome {
            Outcome::Ok(draft) => {
                let key = domain::duplicate_key(draft.qtype, &draft.stem);
                let dup_of = existing.get(&key).copied();
                let repeated = !seen.insert(key);
                let status = if dup_of.is_some() || repeated {
                    preview.duplicate_count += 1;
                    ImportItemStatus::Duplicate
                } else {
                    preview.new_count += 1;
                    ImportItemStatus::New
                };
                if status == ImportItemStatus::Duplicate || preview.new_count as usize <= SAMPLE_NEW
                {
                    preview.items.push(ImportItemView {
                        locator,
                        status,
                        qtype: Some(draft.qtype),
                        stem: draft.stem.chars().take(200).collect(),
                        problems: Vec::new(),
                        duplicate_of: dup_of,
                    });
                }
                if !repeated {
                    valid.push((draft, dup_of));
                }
            }
            Outcome::Invalid(problems) => {
                preview.invalid_count += 1;
                preview.items.push(ImportItemView {
                    locator,
                    status: ImportItemStatus::Invalid,
                    qtype: None,
                    stem: String::new(),
                    problems,
                    duplicate_of: None,
                });
            }
            Outcome::Skipped { reason, detail } => {
                preview.skipped_count += 1;
                preview.items.push(ImportItemView {
                    locator,
                    status: ImportItemStatus::Skipped,
                    qtype: None,
                    stem: String::new(),
                    problems: vec![FieldProblem {
                        field: "type".into(),
                        reason,
                        detail,
                    }],
                    duplicate_of: None,
                });
            }
        }
    }
    if valid.is_empty() && preview.invalid_count == 0 && preview.skipped_count == 0 {
        return Err(AppError::invalid("file", Msg::ErrFileEmpty));
    }
    let stored = StoredImport { preview, valid };
    let json = serde_json::to_string(&stored).map_err(|e| {
        tracing::error!(error = %e, "cannot store an import");
        AppError::Internal
    })?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    repo::insert_import(
        &mut tx,
        &repo::ImportRow {
            id,
            bank_id: bank,
            created_by: a.user.id,
            file_name: stored.preview.file_name.clone(),
            report_json: json,
            committed_at: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id.to_string())
}

async fn load_import(
    ex: &mut impl Exec,
    a: &Authed,
    id: Uuid,
) -> Result<(repo::ImportRow, StoredImport), AppError> {
    let row = repo::get_import(ex, id).await?.ok_or(AppError::NotFound)?;
    // Only whoever uploaded the file sees its preview.
    if row.created_by != a.user.id {
        return Err(AppError::NotFound);
    }
    let stored: StoredImport = serde_json::from_str(&row.report_json).map_err(|e| {
        tracing::error!(error = %e, "stored import unreadable");
        AppError::Internal
    })?;
    Ok((row, stored))
}

pub async fn get_import(
    state: &AppState,
    a: &Authed,
    id: Uuid,
) -> Result<QuestionImportPreview, AppError> {
    let mut c = state.db.read().await?;
    let (row, stored) = load_import(&mut c, a, id).await?;
    bank_for(&mut c, a, row.bank_id, Access::Write).await?;
    let mut preview = stored.preview;
    preview.committed = row.committed_at.is_some();
    Ok(preview)
}

/// Commits every valid item of an import in one transaction, or nothing.
pub async fn commit_import(
    state: &AppState,
    a: &Authed,
    addr: &str,
    id: Uuid,
    policy: DuplicatePolicy,
) -> Result<ImportOutcome, AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (row, stored) = load_import(&mut tx, a, id).await?;
    bank_for(&mut tx, a, row.bank_id, Access::Write).await?;
    if !repo::mark_import_committed(&mut tx, id, now).await? {
        return Err(AppError::Conflict(Msg::ImportAlreadyCommitted));
    }
    let mut out = ImportOutcome::default();
    for (draft, _) in stored.valid {
        let v = validated(draft)?;
        // Re-checked inside the transaction: the bank may have changed since the preview.
        match repo::question_by_dup_key(&mut tx, row.bank_id, &v.dup_key).await? {
            Some(existing) => match policy {
                DuplicatePolicy::Skip => out.skipped += 1,
                DuplicatePolicy::Overwrite => {
                    let status = QuestionStatus::from_key(&existing.status).unwrap_or_default();
                    replace_content(&mut tx, a, &existing, &v, status, now).await?;
                    out.overwritten += 1;
                }
            },
            None => {
                insert_new(&mut tx, a, row.bank_id, &v, QuestionStatus::Active, now).await?;
                out.created += 1;
            }
        }
    }
    let detail = format!(
        "{}: +{} ~{} ={}",
        row.file_name, out.created, out.overwritten, out.skipped
    );
    record(
        &mut tx,
        now,
        a,
        addr,
        AuditAction::QuestionsImported,
        &row.bank_id.to_string(),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// The image type from the file's first bytes; the name and the browser's claim are
/// not trusted.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

pub async fn store_image(
    state: &AppState,
    a: &Authed,
    bank: BankId,
    bytes: &[u8],
) -> Result<ImageId, AppError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(AppError::invalid("image", Msg::ErrImageTooLarge));
    }
    let content_type = sniff_image(bytes).ok_or(AppError::invalid("image", Msg::ErrImageType))?;
    let now = state.clock.now();
    let id = ImageId(Uuid::new_v4());
    let mut tx = state.db.begin().await?;
    bank_for(&mut tx, a, bank, Access::Write).await?;
    repo::insert_image(&mut tx, id, bank, content_type, bytes, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// An image for staff who may read its bank. Candidates get images through their paper.
pub async fn load_image(
    state: &AppState,
    a: &Authed,
    id: ImageId,
) -> Result<(String, Vec<u8>), AppError> {
    let mut c = state.db.read().await?;
    let img = repo::get_image(&mut c, id)
        .await?
        .ok_or(AppError::NotFound)?;
    bank_for(&mut c, a, img.bank_id, Access::Read).await?;
    Ok((img.content_type, img.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_recognised_by_content_not_by_name() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff_image(b""), None);
    }

    #[test]
    fn a_stored_key_reads_back_as_the_same_key() {
        let key = AnswerKey::Blanks {
            answers: vec![vec!["a".into(), "b".into()]],
            policy: BlankPolicy {
                fold_width: true,
                case_insensitive: false,
            },
        };
        assert_eq!(decode_key(&encode_key(&key)).expect("decodes"), key);
    }

    #[test]
    fn tags_survive_the_search_column() {
        let tags = vec!["二十大".to_owned(), "党章".to_owned()];
        assert_eq!(tags_from_column(&tags_column(&tags)), tags);
        assert!(tags_from_column(&tags_column(&[])).is_empty());
    }
}
