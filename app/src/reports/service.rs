//! Report use cases. The exam overview is computed from the exam's assignments, attempts
//! and results on each view; aggregates maintained at grading time are still to come.

use crate::accounts::model::UserId;
use crate::db::Exec;
use crate::error::AppError;
use crate::papers::model::ExamId;
use crate::server::{AppState, Authed};
use crate::sql;
use crate::time::Timestamp;

use super::domain::{self, SeatRecord};
use super::model::ExamReport;

#[derive(Debug, Clone, sqlx::FromRow)]
struct SeatRow {
    user_id: UserId,
    unit_path: String,
    is_retake: bool,
    status: Option<String>,
    voided: bool,
    score: Option<i32>,
    max_score: Option<i32>,
    passed: Option<bool>,
    started_at: Option<Timestamp>,
    submitted_at: Option<Timestamp>,
    decided: bool,
}

async fn seats(ex: &mut impl Exec, exam: ExamId) -> Result<Vec<SeatRow>, sqlx::Error> {
    sql!(ex, |c| sqlx::query_as::<_, SeatRow>(
        "SELECT a.user_id, un.path AS unit_path, s.is_retake, t.status, \
           (t.voided_at IS NOT NULL) AS voided, t.score, t.max_score, t.passed, t.started_at, \
           t.submitted_at, (r.outcome IS NOT NULL) AS decided \
         FROM assignments a JOIN sittings s ON s.id = a.sitting_id \
           JOIN users u ON u.id = a.user_id JOIN units un ON un.id = u.unit_id \
           LEFT JOIN attempts t ON t.sitting_id = a.sitting_id AND t.user_id = a.user_id \
           LEFT JOIN sitting_results r ON r.sitting_id = a.sitting_id AND r.user_id = a.user_id \
         WHERE s.exam_id = $1"
    )
    .bind(exam)
    .fetch_all(&mut *c)
    .await)
}

async fn count(ex: &mut impl Exec, q: &str, exam: ExamId, scope: &str) -> Result<i64, sqlx::Error> {
    let scope = format!("{}%", crate::db::like_escape(scope));
    sql!(ex, |c| sqlx::query_scalar::<_, i64>(q)
        .bind(exam)
        .bind(&scope)
        .fetch_one(&mut *c)
        .await)
}

/// The exam's overview over the candidates in the viewer's scope.
pub async fn exam_report(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<ExamReport, AppError> {
    let mut c = state.db.read().await?;
    let row = crate::papers::service::exam_for(&mut c, a, exam).await?;
    let records: Vec<SeatRecord<UserId>> = seats(&mut c, exam)
        .await?
        .into_iter()
        .filter(|s| a.covers(&s.unit_path))
        .map(|s| SeatRecord {
            user: s.user_id,
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
    let f = domain::exam_figures(&records);
    let summary = domain::summarize(&f.scores).map(|s| (s.mean, s.median, s.std_dev, s.min, s.max));
    let open_retakes = count(
        &mut c,
        "SELECT COUNT(*) FROM retakes r JOIN users u ON u.id = r.user_id \
         JOIN units un ON un.id = u.unit_id WHERE r.exam_id = $1 \
         AND r.state IN ('awaiting', 'assigned') AND un.path LIKE $2 ESCAPE '\\'",
        exam,
        &a.scope.path,
    )
    .await?;
    let open_cases = count(
        &mut c,
        "SELECT COUNT(*) FROM cases k JOIN units un ON un.id = k.unit_id WHERE k.exam_id = $1 \
         AND k.state <> 'closed' AND un.path LIKE $2 ESCAPE '\\'",
        exam,
        &a.scope.path,
    )
    .await?;
    Ok(ExamReport {
        exam_id: exam,
        title: row.title,
        candidates: f.candidates,
        started: f.started,
        submitted: f.submitted,
        absent: f.absent,
        decided: f.decided,
        passed_first: f.passed_first,
        passed_eventually: f.passed_eventually,
        summary,
        max_points: f.max_points,
        histogram: domain::histogram(&f.scores, f.max_points, 10),
        mean_time_secs: f.mean_time_secs,
        open_retakes: open_retakes.max(0) as u32,
        open_cases: open_cases.max(0) as u32,
    })
}
