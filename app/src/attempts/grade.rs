//! Server-side grading of attempts, and the in-memory caches it reads through.
//!
//! A question version is immutable once a paper pins it (editing makes a new version),
//! and an attempt's shapes never change, so both are cached for the life of the process
//! without invalidation. Regrades are not cached: they are read per grading.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::db::Exec;
use crate::error::AppError;
use crate::grading::domain::{
    grade_paper, Graded, ItemKey, ItemToGrade, Policy, GRADING_RULES_VERSION,
};
use crate::grading::model::{ItemShape, Response};
use crate::i18n::Msg;
use crate::papers::domain::DrawnItem;
use crate::papers::model::ExamSettings;
use crate::question_bank::domain::AnswerKey;
use crate::question_bank::model::{QuestionId, VersionId};
use crate::question_bank::service::{decode_content, decode_key, StoredContent};
use crate::time::Timestamp;

use super::model::AttemptId;
use super::repo::{self, AttemptRow};

/// Beyond this many entries a cache is emptied and refilled on demand, which bounds
/// memory without bookkeeping (entries are cheap to reload).
const CACHE_LIMIT: usize = 100_000;

pub struct CachedVersion {
    pub content: StoredContent,
    pub key: AnswerKey,
}

#[derive(Clone, Default)]
pub struct Grader {
    versions: Arc<RwLock<HashMap<VersionId, Arc<CachedVersion>>>>,
    shapes: Arc<RwLock<HashMap<AttemptId, Arc<Vec<ItemShape>>>>>,
}

fn internal(what: &'static str) -> impl FnOnce(serde_json::Error) -> AppError {
    move |e| {
        tracing::error!(error = %e, "{what} unreadable");
        AppError::Internal
    }
}

fn insert_bounded<K: std::hash::Hash + Eq, V>(map: &RwLock<HashMap<K, V>>, k: K, v: V) {
    let mut m = map.write().unwrap_or_else(|p| p.into_inner());
    if m.len() >= CACHE_LIMIT {
        m.clear();
    }
    m.insert(k, v);
}

/// How one question is graded in an exam after regrades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Override {
    Key(VersionId),
    Void,
}

pub type Overrides = HashMap<QuestionId, Override>;

/// Exam settings and regrades, read once per exam within one transaction.
#[derive(Default)]
pub struct ExamRules(HashMap<crate::papers::model::ExamId, (ExamSettings, Overrides)>);

impl Grader {
    pub async fn version(
        &self,
        ex: &mut impl Exec,
        id: VersionId,
    ) -> Result<Arc<CachedVersion>, AppError> {
        if let Some(v) = self
            .versions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
        {
            return Ok(v.clone());
        }
        let (content, key) = repo::version_key(ex, id).await?.ok_or_else(|| {
            tracing::error!(version = %id, "a paper names a question version that does not exist");
            AppError::Internal
        })?;
        let v = Arc::new(CachedVersion {
            content: decode_content(&content)?,
            key: decode_key(&key)?,
        });
        insert_bounded(&self.versions, id, v.clone());
        Ok(v)
    }

    /// The shape of one item of an attempt; a position outside the paper is invalid input.
    pub async fn shape(
        &self,
        ex: &mut impl Exec,
        id: AttemptId,
        position: u32,
    ) -> Result<ItemShape, AppError> {
        let cached = self
            .shapes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned();
        let shapes = match cached {
            Some(s) => s,
            None => {
                let json = repo::shapes(ex, id).await?.ok_or(AppError::NotFound)?;
                let s: Arc<Vec<ItemShape>> =
                    Arc::new(serde_json::from_str(&json).map_err(internal("attempt shapes"))?);
                insert_bounded(&self.shapes, id, s.clone());
                s
            }
        };
        shapes
            .get(position as usize)
            .copied()
            .ok_or_else(|| AppError::invalid("position", Msg::ErrResponseInvalid))
    }

    /// The regrades in force for an exam.
    pub async fn overrides(
        ex: &mut impl Exec,
        exam: crate::papers::model::ExamId,
    ) -> Result<Overrides, AppError> {
        let mut map = Overrides::new();
        for r in repo::regrades_of_exam(ex, exam).await? {
            let o = match (r.mode.as_str(), r.version_id) {
                ("void", _) => Override::Void,
                ("key", Some(v)) => Override::Key(v),
                _ => {
                    tracing::error!(mode = %r.mode, "unknown regrade mode");
                    return Err(AppError::Internal);
                }
            };
            map.insert(r.question_id, o);
        }
        Ok(map)
    }

    /// Grades an attempt's stored answers under the exam's settings and `overrides`,
    /// without storing anything (regrade dry runs use this directly).
    pub async fn compute(
        &self,
        ex: &mut impl Exec,
        row: &AttemptRow,
        settings: &ExamSettings,
        overrides: &Overrides,
    ) -> Result<Graded, AppError> {
        let paper: Vec<DrawnItem> =
            serde_json::from_str(&row.paper).map_err(internal("attempt paper"))?;
        let mut responses: Vec<Option<Response>> = vec![None; paper.len()];
        for a in repo::answers(ex, row.id).await? {
            if let (Some(slot), Some(json)) = (responses.get_mut(a.position as usize), a.response) {
                *slot = Some(serde_json::from_str(&json).map_err(internal("stored response"))?);
            }
        }
        let mut versions = Vec::with_capacity(paper.len());
        for item in &paper {
            let v = match overrides.get(&item.question_id) {
                Some(Override::Key(v)) => *v,
                _ => item.version_id,
            };
            versions.push(self.version(ex, v).await?);
        }
        let items: Vec<ItemToGrade> = paper
            .iter()
            .zip(&versions)
            .zip(&responses)
            .map(|((item, v), resp)| ItemToGrade {
                qtype: v.content.qtype,
                key: match overrides.get(&item.question_id) {
                    Some(Override::Void) => ItemKey::Voided,
                    _ => ItemKey::Key(&v.key),
                },
                option_order: &item.option_order,
                points: item.points,
                response: resp.as_ref(),
            })
            .collect();
        let policy = Policy {
            multi: settings.multi_scoring,
            fill_per_blank: settings.fill_per_blank,
        };
        Ok(grade_paper(&items, policy, settings.pass_mark))
    }

    /// Grades a submitted attempt and stores the result with the rules version.
    pub async fn grade(
        &self,
        ex: &mut impl Exec,
        id: AttemptId,
        now: Timestamp,
    ) -> Result<Graded, AppError> {
        self.grade_with(ex, id, now, &mut ExamRules::default())
            .await
    }

    /// Like [`Grader::grade`], reading each exam's settings and regrades once per `rules`
    /// (the finaliser grades many attempts of one exam in a row).
    pub async fn grade_with(
        &self,
        ex: &mut impl Exec,
        id: AttemptId,
        now: Timestamp,
        rules: &mut ExamRules,
    ) -> Result<Graded, AppError> {
        let row = repo::get(ex, id).await?.ok_or(AppError::NotFound)?;
        if let std::collections::hash_map::Entry::Vacant(slot) = rules.0.entry(row.exam_id) {
            let exam = crate::papers::repo::get_exam(ex, row.exam_id)
                .await?
                .ok_or(AppError::Internal)?;
            let settings = crate::papers::service::settings_of(&exam)?;
            let overrides = Self::overrides(ex, row.exam_id).await?;
            slot.insert((settings, overrides));
        }
        let (settings, overrides) = &rules.0[&row.exam_id];
        let g = self.compute(ex, &row, settings, overrides).await?;
        store(ex, id, &g, now).await?;
        Ok(g)
    }
}

pub async fn store(
    ex: &mut impl Exec,
    id: AttemptId,
    g: &Graded,
    now: Timestamp,
) -> Result<(), AppError> {
    let points: Vec<u32> = g.item_points.iter().map(|p| p.0).collect();
    let json = serde_json::to_string(&points).map_err(internal("item points"))?;
    let as_i32 = |p: crate::question_bank::model::Points| i32::try_from(p.0).unwrap_or(i32::MAX);
    repo::store_grade(
        ex,
        id,
        as_i32(g.score),
        as_i32(g.max),
        as_i32(g.threshold),
        g.passed,
        &json,
        GRADING_RULES_VERSION,
        now,
    )
    .await?;
    Ok(())
}
