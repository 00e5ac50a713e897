//! Storage of banks, shares, categories, questions and their versions, stem images and
//! pending question imports. Every statement runs on both backends through [`crate::sql!`].

use uuid::Uuid;

use crate::accounts::model::{UnitId, UserId};
use crate::db::{like_escape, Exec};
use crate::sql;
use crate::time::Timestamp;

use super::model::{BankId, CategoryId, ImageId, QuestionId, VersionId};

type R<T> = Result<T, sqlx::Error>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BankRow {
    pub id: BankId,
    pub name: String,
    pub owner_unit_id: UnitId,
    pub owner_unit_name: String,
    pub owner_path: String,
    pub created_at: Timestamp,
    pub question_count: i64,
}

const BANK_COLUMNS: &str = "b.id, b.name, b.owner_unit_id, u.name AS owner_unit_name, \
    u.path AS owner_path, b.created_at, \
    (SELECT COUNT(*) FROM questions q WHERE q.bank_id = b.id AND q.status <> 'retired') \
      AS question_count";

pub async fn insert_bank(
    ex: &mut impl Exec,
    id: BankId,
    name: &str,
    owner: UnitId,
    by: UserId,
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO banks (id, name, owner_unit_id, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)"
    )
    .bind(id)
    .bind(name)
    .bind(owner)
    .bind(by)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn rename_bank(ex: &mut impl Exec, id: BankId, name: &str, now: Timestamp) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE banks SET name = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(name)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_bank(ex: &mut impl Exec, id: BankId) -> R<Option<BankRow>> {
    let q = format!(
        "SELECT {BANK_COLUMNS} FROM banks b JOIN units u ON u.id = b.owner_unit_id \
         WHERE b.id = $1"
    );
    sql!(ex, |c| sqlx::query_as::<_, BankRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

/// Banks owned inside the scope, or shared with a unit inside it or above it.
pub async fn list_visible_banks(ex: &mut impl Exec, scope_path: &str) -> R<Vec<BankRow>> {
    let pattern = format!("{}%", like_escape(scope_path));
    let q = format!(
        "SELECT {BANK_COLUMNS} FROM banks b JOIN units u ON u.id = b.owner_unit_id \
         WHERE u.path LIKE $1 ESCAPE '\\' OR EXISTS ( \
           SELECT 1 FROM bank_shares s JOIN units su ON su.id = s.unit_id \
           WHERE s.bank_id = b.id AND (su.path LIKE $1 ESCAPE '\\' \
             OR substr($2, 1, length(su.path)) = su.path)) \
         ORDER BY b.created_at"
    );
    sql!(ex, |c| sqlx::query_as::<_, BankRow>(&q)
        .bind(&pattern)
        .bind(scope_path)
        .fetch_all(&mut *c)
        .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShareRow {
    pub unit_id: UnitId,
    pub unit_name: String,
    pub unit_path: String,
}

pub async fn bank_shares(ex: &mut impl Exec, bank: BankId) -> R<Vec<ShareRow>> {
    sql!(ex, |c| sqlx::query_as::<_, ShareRow>(
        "SELECT s.unit_id, u.name AS unit_name, u.path AS unit_path \
         FROM bank_shares s JOIN units u ON u.id = s.unit_id \
         WHERE s.bank_id = $1 ORDER BY u.path"
    )
    .bind(bank)
    .fetch_all(&mut *c)
    .await)
}

pub async fn replace_shares(ex: &mut impl Exec, bank: BankId, units: &[UnitId]) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "DELETE FROM bank_shares WHERE bank_id = $1"
    )
    .bind(bank)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    for unit in units {
        sql!(ex, |c| sqlx::query(
            "INSERT INTO bank_shares (bank_id, unit_id) VALUES ($1, $2)"
        )
        .bind(bank)
        .bind(unit)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: CategoryId,
    pub parent_id: Option<CategoryId>,
    pub name: String,
    pub path: String,
    pub name_path: String,
    pub question_count: i64,
}

pub async fn list_categories(ex: &mut impl Exec, bank: BankId) -> R<Vec<CategoryRow>> {
    sql!(ex, |c| sqlx::query_as::<_, CategoryRow>(
        "SELECT k.id, k.parent_id, k.name, k.path, k.name_path, \
           (SELECT COUNT(*) FROM questions q WHERE q.bank_id = k.bank_id \
              AND q.status <> 'retired' AND q.category_path LIKE k.path || '%') \
             AS question_count \
         FROM categories k WHERE k.bank_id = $1 ORDER BY k.name_path"
    )
    .bind(bank)
    .fetch_all(&mut *c)
    .await)
}

pub async fn category_by_name_path(
    ex: &mut impl Exec,
    bank: BankId,
    name_path: &str,
) -> R<Option<CategoryRow>> {
    sql!(ex, |c| sqlx::query_as::<_, CategoryRow>(
        "SELECT id, parent_id, name, path, name_path, CAST(0 AS BIGINT) AS question_count \
         FROM categories WHERE bank_id = $1 AND name_path = $2"
    )
    .bind(bank)
    .bind(name_path)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn get_category(
    ex: &mut impl Exec,
    bank: BankId,
    id: CategoryId,
) -> R<Option<CategoryRow>> {
    sql!(ex, |c| sqlx::query_as::<_, CategoryRow>(
        "SELECT id, parent_id, name, path, name_path, CAST(0 AS BIGINT) AS question_count \
         FROM categories WHERE bank_id = $1 AND id = $2"
    )
    .bind(bank)
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

pub async fn insert_category(ex: &mut impl Exec, bank: BankId, row: &CategoryRow) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO categories (id, bank_id, parent_id, name, path, name_path) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(row.id)
    .bind(bank)
    .bind(row.parent_id)
    .bind(&row.name)
    .bind(&row.path)
    .bind(&row.name_path)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// The searchable mirror of a question's current version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: QuestionId,
    pub bank_id: BankId,
    pub status: String,
    pub current_version_id: VersionId,
    pub version_no: i32,
    pub qtype: String,
    pub stem: String,
    pub category_id: Option<CategoryId>,
    pub category_path: String,
    pub difficulty: i32,
    pub tags: String,
    pub points: i32,
    pub dup_key: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

const QUESTION_COLUMNS: &str = "q.id, q.bank_id, q.status, q.current_version_id, \
    q.version_no, q.qtype, q.stem, q.category_id, q.category_path, q.difficulty, q.tags, \
    q.points, q.dup_key, q.created_at, q.updated_at";

pub async fn insert_question(ex: &mut impl Exec, q: &QuestionRow) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO questions (id, bank_id, status, current_version_id, version_no, qtype, \
           stem, category_id, category_path, difficulty, tags, points, dup_key, created_at, \
           updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    )
    .bind(q.id)
    .bind(q.bank_id)
    .bind(&q.status)
    .bind(q.current_version_id)
    .bind(q.version_no)
    .bind(&q.qtype)
    .bind(&q.stem)
    .bind(q.category_id)
    .bind(&q.category_path)
    .bind(q.difficulty)
    .bind(&q.tags)
    .bind(q.points)
    .bind(&q.dup_key)
    .bind(q.created_at)
    .bind(q.updated_at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn update_question(ex: &mut impl Exec, q: &QuestionRow) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "UPDATE questions SET status = $2, current_version_id = $3, version_no = $4, \
           qtype = $5, stem = $6, category_id = $7, category_path = $8, difficulty = $9, \
           tags = $10, points = $11, dup_key = $12, updated_at = $13 \
         WHERE id = $1"
    )
    .bind(q.id)
    .bind(&q.status)
    .bind(q.current_version_id)
    .bind(q.version_no)
    .bind(&q.qtype)
    .bind(&q.stem)
    .bind(q.category_id)
    .bind(&q.category_path)
    .bind(q.difficulty)
    .bind(&q.tags)
    .bind(q.points)
    .bind(&q.dup_key)
    .bind(q.updated_at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_question(ex: &mut impl Exec, id: QuestionId) -> R<Option<QuestionRow>> {
    let q = format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.id = $1");
    sql!(ex, |c| sqlx::query_as::<_, QuestionRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

pub async fn question_by_dup_key(
    ex: &mut impl Exec,
    bank: BankId,
    dup_key: &str,
) -> R<Option<QuestionRow>> {
    let q = format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.bank_id = $1 AND q.dup_key = $2"
    );
    sql!(ex, |c| sqlx::query_as::<_, QuestionRow>(&q)
        .bind(bank)
        .bind(dup_key)
        .fetch_optional(&mut *c)
        .await)
}

/// Duplicate keys already in a bank, with their question, for import previews.
pub async fn dup_keys(ex: &mut impl Exec, bank: BankId) -> R<Vec<(String, QuestionId)>> {
    sql!(ex, |c| sqlx::query_as::<_, (String, QuestionId)>(
        "SELECT dup_key, id FROM questions WHERE bank_id = $1"
    )
    .bind(bank)
    .fetch_all(&mut *c)
    .await)
}

/// The bank view's filters, already turned into bind values ("" / 0 = any).
#[derive(Debug, Clone)]
pub struct Search {
    pub bank: BankId,
    pub text_pattern: String,
    pub category_pattern: String,
    pub qtype: String,
    pub difficulty: i32,
    pub tag_pattern: String,
    pub status: String,
    /// A whitelisted ORDER BY clause.
    pub order_by: &'static str,
    pub limit: i64,
    pub offset: i64,
}

const SEARCH_WHERE: &str = "q.bank_id = $1 \
    AND ($2 = '' OR LOWER(q.stem) LIKE LOWER($2) ESCAPE '\\') \
    AND ($3 = '' OR q.category_path LIKE $3 ESCAPE '\\') \
    AND ($4 = '' OR q.qtype = $4) \
    AND ($5 = 0 OR q.difficulty = $5) \
    AND ($6 = '' OR q.tags LIKE $6 ESCAPE '\\') \
    AND ($7 = '' OR q.status = $7)";

pub async fn search_questions(ex: &mut impl Exec, s: &Search) -> R<(Vec<QuestionRow>, i64)> {
    let list = format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q WHERE {SEARCH_WHERE} \
         ORDER BY {}, q.id LIMIT $8 OFFSET $9",
        s.order_by
    );
    let count = format!("SELECT COUNT(*) FROM questions q WHERE {SEARCH_WHERE}");
    let rows = sql!(ex, |c| sqlx::query_as::<_, QuestionRow>(&list)
        .bind(s.bank)
        .bind(&s.text_pattern)
        .bind(&s.category_pattern)
        .bind(&s.qtype)
        .bind(s.difficulty)
        .bind(&s.tag_pattern)
        .bind(&s.status)
        .bind(s.limit)
        .bind(s.offset)
        .fetch_all(&mut *c)
        .await)?;
    let total = sql!(ex, |c| sqlx::query_scalar::<_, i64>(&count)
        .bind(s.bank)
        .bind(&s.text_pattern)
        .bind(&s.category_pattern)
        .bind(&s.qtype)
        .bind(s.difficulty)
        .bind(&s.tag_pattern)
        .bind(&s.status)
        .fetch_one(&mut *c)
        .await)?;
    Ok((rows, total))
}

/// Builds a LIKE pattern matching `text` anywhere.
pub fn contains_pattern(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("%{}%", like_escape(text))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub id: VersionId,
    pub question_id: QuestionId,
    pub version_no: i32,
    pub content: String,
    pub answer_key: String,
    pub in_use: bool,
    pub created_at: Timestamp,
    pub created_by_login: Option<String>,
}

pub async fn insert_version(ex: &mut impl Exec, v: &VersionRow, by: UserId) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO question_versions (id, question_id, version_no, content, answer_key, \
           in_use, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    )
    .bind(v.id)
    .bind(v.question_id)
    .bind(v.version_no)
    .bind(&v.content)
    .bind(&v.answer_key)
    .bind(v.in_use)
    .bind(by)
    .bind(v.created_at)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

/// Rewrites a version nobody uses yet. Returns false when it is in use by now.
pub async fn overwrite_unused_version(
    ex: &mut impl Exec,
    id: VersionId,
    content: &str,
    answer_key: &str,
) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE question_versions SET content = $2, answer_key = $3 \
         WHERE id = $1 AND in_use = FALSE"
    )
    .bind(id)
    .bind(content)
    .bind(answer_key)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}

const VERSION_COLUMNS: &str = "v.id, v.question_id, v.version_no, v.content, v.answer_key, \
    v.in_use, v.created_at, u.login AS created_by_login";

pub async fn get_version(ex: &mut impl Exec, id: VersionId) -> R<Option<VersionRow>> {
    let q = format!(
        "SELECT {VERSION_COLUMNS} FROM question_versions v \
         LEFT JOIN users u ON u.id = v.created_by WHERE v.id = $1"
    );
    sql!(ex, |c| sqlx::query_as::<_, VersionRow>(&q)
        .bind(id)
        .fetch_optional(&mut *c)
        .await)
}

pub async fn list_versions(ex: &mut impl Exec, question: QuestionId) -> R<Vec<VersionRow>> {
    let q = format!(
        "SELECT {VERSION_COLUMNS} FROM question_versions v \
         LEFT JOIN users u ON u.id = v.created_by \
         WHERE v.question_id = $1 ORDER BY v.version_no DESC"
    );
    sql!(ex, |c| sqlx::query_as::<_, VersionRow>(&q)
        .bind(question)
        .fetch_all(&mut *c)
        .await)
}

/// Marks versions as used by a paper or a candidate's paper, so they never change again.
pub async fn mark_in_use(ex: &mut impl Exec, ids: &[VersionId]) -> R<()> {
    for id in ids {
        sql!(ex, |c| sqlx::query(
            "UPDATE question_versions SET in_use = TRUE WHERE id = $1 AND in_use = FALSE"
        )
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PoolRow {
    pub id: QuestionId,
    pub current_version_id: VersionId,
    pub qtype: String,
    pub difficulty: i32,
    pub category_path: String,
    pub content: String,
}

/// The active questions of a bank with their current versions: what papers draw from.
pub async fn active_pool(ex: &mut impl Exec, bank: BankId) -> R<Vec<PoolRow>> {
    sql!(ex, |c| sqlx::query_as::<_, PoolRow>(
        "SELECT q.id, q.current_version_id, q.qtype, q.difficulty, q.category_path, v.content \
         FROM questions q JOIN question_versions v ON v.id = q.current_version_id \
         WHERE q.bank_id = $1 AND q.status = 'active'"
    )
    .bind(bank)
    .fetch_all(&mut *c)
    .await)
}

pub async fn set_status(
    ex: &mut impl Exec,
    bank: BankId,
    ids: &[QuestionId],
    status: &str,
    now: Timestamp,
) -> R<u64> {
    let mut n = 0;
    for id in ids {
        n += sql!(ex, |c| sqlx::query(
            "UPDATE questions SET status = $3, updated_at = $4 WHERE id = $1 AND bank_id = $2"
        )
        .bind(id)
        .bind(bank)
        .bind(status)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(n)
}

pub async fn insert_image(
    ex: &mut impl Exec,
    id: ImageId,
    bank: BankId,
    content_type: &str,
    bytes: &[u8],
    now: Timestamp,
) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO question_images (id, bank_id, content_type, bytes, created_at) \
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(id)
    .bind(bank)
    .bind(content_type)
    .bind(bytes)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImageRow {
    pub bank_id: BankId,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub async fn get_image(ex: &mut impl Exec, id: ImageId) -> R<Option<ImageRow>> {
    sql!(ex, |c| sqlx::query_as::<_, ImageRow>(
        "SELECT bank_id, content_type, bytes FROM question_images WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ImportRow {
    pub id: Uuid,
    pub bank_id: BankId,
    pub created_by: UserId,
    pub file_name: String,
    pub report_json: String,
    pub committed_at: Option<Timestamp>,
}

pub async fn insert_import(ex: &mut impl Exec, row: &ImportRow, now: Timestamp) -> R<()> {
    sql!(ex, |c| sqlx::query(
        "INSERT INTO question_imports (id, bank_id, created_by, created_at, file_name, \
           report_json) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(row.id)
    .bind(row.bank_id)
    .bind(row.created_by)
    .bind(now)
    .bind(&row.file_name)
    .bind(&row.report_json)
    .execute(&mut *c)
    .await
    .map(|_| ()))
}

pub async fn get_import(ex: &mut impl Exec, id: Uuid) -> R<Option<ImportRow>> {
    sql!(ex, |c| sqlx::query_as::<_, ImportRow>(
        "SELECT id, bank_id, created_by, file_name, report_json, committed_at \
         FROM question_imports WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await)
}

/// Marks the import committed; false when it already was (a double submit).
pub async fn mark_import_committed(ex: &mut impl Exec, id: Uuid, now: Timestamp) -> R<bool> {
    sql!(ex, |c| sqlx::query(
        "UPDATE question_imports SET committed_at = $2 WHERE id = $1 AND committed_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected() == 1))
}
