//! Keeps the report aggregates current. Triggers mark (exam, candidate) pairs stale in
//! the same transaction as the change; the job runner recomputes each marked pair from
//! the raw rows and removes its mark in one transaction. On PostgreSQL the marks are
//! taken with SKIP LOCKED, and a change committed while a pair is being recomputed waits
//! for the mark's removal and then marks it again, so no change is ever missed.

use crate::accounts::model::UserId;
use crate::db::Exec;
use crate::error::AppError;
use crate::papers::model::ExamId;
use crate::server::AppState;
use crate::time::Timestamp;

use super::figures::{candidate_figures, SeatRecord};
use super::repo::{self, CandidateRow};

/// Marks recomputed per transaction: SQLite's writer is held for one batch at a time.
const BATCH: i64 = 200;
/// Batches per runner tick, so a large backlog (a migration, an import) drains over a
/// few ticks instead of holding the runner.
const BATCHES_PER_TICK: usize = 25;
/// An exam's item analysis is recomputed at most this often while answers keep coming.
pub const ITEMS_EVERY_SECS: i64 = 30;

/// Recomputes marked pairs; returns how many.
pub async fn refresh(state: &AppState, now: Timestamp) -> Result<usize, AppError> {
    let mut done = 0;
    for _ in 0..BATCHES_PER_TICK {
        {
            let mut c = state.db.read().await?;
            if !repo::any_stale(&mut c).await? {
                break;
            }
        }
        let mut tx = state.db.begin().await?;
        let marks = repo::claim_stale(&mut tx, BATCH).await?;
        let mut exams: Vec<ExamId> = Vec::new();
        for (exam, user) in &marks {
            recompute(&mut tx, *exam, *user, now).await?;
            repo::unmark(&mut tx, *exam, *user).await?;
            if !exams.contains(exam) {
                exams.push(*exam);
            }
        }
        for exam in exams {
            repo::mark_items_stale(&mut tx, exam, now).await?;
        }
        tx.commit().await?;
        done += marks.len();
        if (marks.len() as i64) < BATCH {
            break;
        }
    }
    Ok(done)
}

/// Brings one candidate's row up to date from the raw rows.
pub async fn recompute(
    ex: &mut impl Exec,
    exam: ExamId,
    user: UserId,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let seats = repo::seats_of(ex, exam, user).await?;
    let chain = repo::chain_of(ex, exam, user).await?;
    let records: Vec<SeatRecord<()>> = seats
        .iter()
        .map(|s| SeatRecord {
            user: (),
            is_retake: s.is_retake,
            started: s.status.is_some(),
            submitted: s.status.as_deref() == Some("submitted"),
            voided: s.voided,
            score: s
                .score
                .zip(s.max_score)
                .map(|(x, m)| (x.max(0) as u32, m.max(0) as u32)),
            passed: s.passed,
            time_used_secs: s
                .started_at
                .zip(s.submitted_at)
                .map(|(b, e)| b.secs_until(e).max(0)),
            decided: s.decided,
        })
        .collect();
    let (Some(f), Some(chain)) = (candidate_figures(&records), chain) else {
        return repo::remove(ex, exam, user).await;
    };
    let exam_date = seats
        .iter()
        .filter(|s| !s.is_retake)
        .map(|s| s.window_start)
        .min()
        .unwrap_or(now);
    let clamp = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    repo::upsert(
        ex,
        &CandidateRow {
            exam_id: exam,
            user_id: user,
            unit_id: chain.unit_id,
            exam_date,
            started: f.started,
            submitted: f.submitted,
            decided: f.decided,
            absent: f.absent(),
            passed_first: f.passed_first,
            passed_any: f.passed_any,
            score: f.score.map(clamp),
            max_points: clamp(f.max_points),
            time_used_secs: f.time_used_secs,
            retake_rounds: clamp(f.retake_rounds),
            open_retake: chain.open_retakes > 0,
            open_case: chain.open_cases > 0,
            integrity_events: i32::try_from(chain.events).unwrap_or(i32::MAX),
            refreshed_at: now,
        },
    )
    .await
}

#[derive(Debug, sqlx::FromRow)]
struct GradedRow {
    id: crate::attempts::model::AttemptId,
    paper: String,
    item_points: String,
    score: i32,
}

fn bad_json(what: &'static str) -> impl Fn(serde_json::Error) -> AppError {
    move |e| {
        tracing::error!(error = %e, what, "stored JSON does not parse");
        AppError::Internal
    }
}

/// Recomputes the item analysis of exams marked stale, each at most every
/// [`ITEMS_EVERY_SECS`]. The reading happens outside any write transaction.
pub async fn refresh_items(state: &AppState, now: Timestamp) -> Result<usize, AppError> {
    let due = {
        let mut c = state.db.read().await?;
        repo::items_due(&mut c, now.plus_secs(-ITEMS_EVERY_SECS)).await?
    };
    for (exam, mark) in &due {
        let stored = {
            let mut c = state.db.read().await?;
            analyse_exam(state, &mut c, *exam).await?
        };
        let body = serde_json::to_string(&stored).map_err(|e| {
            tracing::error!(error = %e, "item analysis does not serialise");
            AppError::Internal
        })?;
        let mut tx = state.db.begin().await?;
        repo::store_items(&mut tx, *exam, &body, *mark, now).await?;
        tx.commit().await?;
    }
    Ok(due.len())
}

/// The analysis of the exam's graded, valid first-round attempts.
pub async fn analyse_exam(
    state: &AppState,
    ex: &mut impl Exec,
    exam: ExamId,
) -> Result<super::items::Stored, AppError> {
    use super::items::{analyse, GradedAttempt, GradedItem, QuestionInfo};
    use crate::grading::model::Response;
    use crate::papers::domain::DrawnItem;
    use crate::question_bank::domain::AnswerKey;
    use std::collections::HashMap;

    const FROM: &str = "FROM attempts t JOIN sittings s ON s.id = t.sitting_id \
        WHERE t.exam_id = $1 AND NOT s.is_retake AND t.status = 'submitted' \
        AND t.voided_at IS NULL AND t.item_points IS NOT NULL AND t.score IS NOT NULL";
    let graded = crate::sql!(ex, |c| sqlx::query_as::<_, GradedRow>(&format!(
        "SELECT t.id, t.paper, t.item_points, t.score {FROM}"
    ))
    .bind(exam)
    .fetch_all(&mut *c)
    .await)?;
    let answers = crate::sql!(ex, |c| sqlx::query_as::<
        _,
        (crate::attempts::model::AttemptId, i32, Option<String>),
    >(&format!(
        "SELECT a.attempt_id, a.position, a.response FROM attempt_answers a \
         WHERE a.attempt_id IN (SELECT t.id {FROM})"
    ))
    .bind(exam)
    .fetch_all(&mut *c)
    .await)?;
    let mut responses: HashMap<(crate::attempts::model::AttemptId, i32), String> = answers
        .into_iter()
        .filter_map(|(id, pos, r)| r.map(|r| ((id, pos), r)))
        .collect();
    let mut info: HashMap<crate::question_bank::model::QuestionId, QuestionInfo> = HashMap::new();
    let mut attempts = Vec::with_capacity(graded.len());
    for g in graded {
        let paper: Vec<DrawnItem> = serde_json::from_str(&g.paper).map_err(bad_json("paper"))?;
        let points: Vec<u32> =
            serde_json::from_str(&g.item_points).map_err(bad_json("item points"))?;
        let mut items = Vec::with_capacity(paper.len());
        for (pos, item) in paper.iter().enumerate() {
            if let std::collections::hash_map::Entry::Vacant(slot) = info.entry(item.question_id) {
                let v = state.attempts.grader.version(ex, item.version_id).await?;
                let correct = match &v.key {
                    AnswerKey::Choice(c) => {
                        c.iter().filter_map(|&i| u8::try_from(i).ok()).collect()
                    }
                    _ => Vec::new(),
                };
                slot.insert(QuestionInfo {
                    stem: v.content.stem.clone(),
                    option_count: u8::try_from(v.content.options.len()).unwrap_or(u8::MAX),
                    correct,
                });
            }
            let response: Option<Response> = match responses.remove(&(g.id, pos as i32)) {
                Some(json) => Some(serde_json::from_str(&json).map_err(bad_json("response"))?),
                None => None,
            };
            let is_choice = info[&item.question_id].option_count > 0;
            let chosen = is_choice.then(|| match &response {
                Some(Response::Choice(shown)) => shown
                    .iter()
                    .map(|&s| item.option_order.get(usize::from(s)).copied().unwrap_or(s))
                    .collect(),
                _ => Vec::new(),
            });
            items.push(GradedItem {
                question: item.question_id,
                correct: points.get(pos).copied().unwrap_or(0) >= item.points.0
                    && item.points.0 > 0,
                chosen,
            });
        }
        attempts.push(GradedAttempt {
            total: g.score.max(0) as u32,
            items,
        });
    }
    Ok(analyse(&attempts, &info))
}
