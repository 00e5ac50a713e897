//! Report use cases. Exam, unit and person reports read the per-candidate aggregates
//! (`report_candidates`, see `refresh`); a sitting's roster is one indexed read of that
//! sitting's seats. Every report is limited to the viewer's unit scope.

use std::collections::HashMap;

use crate::accounts::model::{UnitId, UserId};
use crate::db::Exec;
use crate::error::AppError;
use crate::papers::model::ExamId;
use crate::server::{AppState, Authed};
use crate::sittings::model::SittingId;
use crate::sql;
use crate::time::Timestamp;

use super::domain::{self, RankBy};
use super::figures::{add_up, candidate_figures, CandidateFigures, SeatRecord, UnitTotals};
use super::model::{
    AttemptLine, CaseLine, ExamReport, Freshness, ItemAnalysis, PersonLine, PersonReport,
    RankOrder, ReportFilter, RosterRow, SeatStatus, SittingLink, SittingReport, UnitLine, UnitRef,
    UnitReport,
};
use super::repo::{self, CandidateRow};

/// Largest number of member rows a unit report lists.
pub const MAX_PEOPLE: i64 = 5_000;

fn figures_of(r: &CandidateRow) -> CandidateFigures {
    let u = |n: i32| n.max(0) as u32;
    CandidateFigures {
        started: r.started,
        submitted: r.submitted,
        decided: r.decided,
        passed_first: r.passed_first,
        passed_any: r.passed_any,
        score: r.score.map(u),
        max_points: u(r.max_points),
        time_used_secs: r.time_used_secs,
        retake_rounds: u(r.retake_rounds),
    }
}

fn summary_tuple(scores: &[u32]) -> Option<(f64, f64, f64, u32, u32)> {
    domain::summarize(scores).map(|s| (s.mean, s.median, s.std_dev, s.min, s.max))
}

/// The exam's overview over the candidates in the viewer's scope.
pub async fn exam_report(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<ExamReport, AppError> {
    let mut c = state.db.read().await?;
    let row = crate::papers::service::exam_for(&mut c, a, exam).await?;
    let rows = repo::exam_rows(&mut c, exam, &a.scope.path).await?;
    let people: Vec<CandidateFigures> = rows.iter().map(figures_of).collect();
    let f = add_up(&people);
    let (as_of, pending) = repo::freshness(&mut c, exam).await?;
    let sittings = crate::sittings::repo::sittings_of_exam(&mut c, exam)
        .await?
        .into_iter()
        .map(|s| SittingLink {
            id: s.id,
            name: s.name,
            window_start: s.window_start,
            is_retake: s.is_retake,
        })
        .collect();
    let count = |p: &dyn Fn(&CandidateRow) -> bool| rows.iter().filter(|r| p(r)).count() as u32;
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
        summary: summary_tuple(&f.scores),
        max_points: f.max_points,
        histogram: domain::histogram(&f.scores, f.max_points, 10),
        mean_time_secs: f.mean_time_secs,
        integrity_events: rows.iter().map(|r| r.integrity_events.max(0) as u32).sum(),
        open_retakes: count(&|r| r.open_retake),
        open_cases: count(&|r| r.open_case),
        sittings,
        freshness: Freshness { as_of, pending },
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct RosterDbRow {
    user_id: UserId,
    login: String,
    display_name: String,
    unit_name: String,
    unit_path: String,
    status: Option<String>,
    voided: bool,
    score: Option<i32>,
    max_score: Option<i32>,
    passed: Option<bool>,
    started_at: Option<Timestamp>,
    submitted_at: Option<Timestamp>,
    outcome: Option<String>,
    events: i64,
}

async fn roster_rows(
    ex: &mut impl Exec,
    sitting: SittingId,
) -> Result<Vec<RosterDbRow>, sqlx::Error> {
    sql!(ex, |c| sqlx::query_as::<_, RosterDbRow>(
        "SELECT a.user_id, u.login, u.display_name, un.name AS unit_name, un.path AS unit_path, \
           t.status, (t.voided_at IS NOT NULL) AS voided, t.score, t.max_score, t.passed, \
           t.started_at, t.submitted_at, r.outcome, \
           (SELECT COUNT(*) FROM attempt_events e WHERE e.attempt_id = t.id) AS events \
         FROM assignments a JOIN users u ON u.id = a.user_id JOIN units un ON un.id = u.unit_id \
           LEFT JOIN attempts t ON t.sitting_id = a.sitting_id AND t.user_id = a.user_id \
           LEFT JOIN sitting_results r ON r.sitting_id = a.sitting_id AND r.user_id = a.user_id \
         WHERE a.sitting_id = $1 ORDER BY un.code, u.login"
    )
    .bind(sitting)
    .fetch_all(&mut *c)
    .await)
}

fn seat_status(r: &RosterDbRow) -> SeatStatus {
    match (r.voided, r.status.as_deref(), r.outcome.as_deref()) {
        (true, _, _) => SeatStatus::Voided,
        (_, Some("submitted"), _) => SeatStatus::Submitted,
        (_, Some(_), _) => SeatStatus::InProgress,
        (_, None, Some(_)) => SeatStatus::Absent,
        _ => SeatStatus::NotStarted,
    }
}

/// One sitting's figures and roster (the viewer's scope only).
pub async fn sitting_report(
    state: &AppState,
    a: &Authed,
    id: SittingId,
) -> Result<SittingReport, AppError> {
    let mut c = state.db.read().await?;
    let s = crate::sittings::service::sitting_for(&mut c, a, id).await?;
    let rows: Vec<RosterDbRow> = roster_rows(&mut c, id)
        .await?
        .into_iter()
        .filter(|r| a.covers(&r.unit_path))
        .collect();
    let u = |n: i32| n.max(0) as u32;
    // Each seat is its own candidate here: within one sitting, "first round" is this one.
    let people: Vec<CandidateFigures> = rows
        .iter()
        .filter_map(|r| {
            candidate_figures(&[SeatRecord {
                user: (),
                is_retake: false,
                started: r.status.is_some(),
                submitted: r.status.as_deref() == Some("submitted"),
                voided: r.voided,
                score: r.score.zip(r.max_score).map(|(x, m)| (u(x), u(m))),
                passed: r.passed,
                time_used_secs: r
                    .started_at
                    .zip(r.submitted_at)
                    .map(|(b, e)| b.secs_until(e).max(0)),
                decided: r.outcome.is_some(),
            }])
        })
        .collect();
    let f = add_up(&people);
    let passed = people.iter().filter(|p| p.passed_first).count() as u32;
    let roster = rows
        .iter()
        .map(|r| RosterRow {
            user_id: r.user_id,
            login: r.login.clone(),
            display_name: r.display_name.clone(),
            unit_name: r.unit_name.clone(),
            status: seat_status(r),
            score: r.score.map(u),
            max_points: r.max_score.map(u),
            passed: r.passed.filter(|_| !r.voided),
            time_used_secs: r
                .started_at
                .zip(r.submitted_at)
                .map(|(b, e)| b.secs_until(e).max(0)),
            integrity_events: r.events.max(0) as u32,
        })
        .collect();
    Ok(SittingReport {
        sitting_id: id,
        exam_id: s.exam_id,
        exam_title: s.exam_title,
        name: s.name,
        window_start: s.window_start,
        is_retake: s.is_retake,
        closed: s.closed_at.is_some(),
        candidates: f.candidates,
        started: f.started,
        submitted: f.submitted,
        absent: people.iter().filter(|p| p.absent()).count() as u32,
        passed,
        summary: summary_tuple(&f.scores),
        max_points: f.max_points,
        histogram: domain::histogram(&f.scores, f.max_points, 10),
        roster,
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct TotalsRow {
    unit_id: UnitId,
    candidates: i64,
    decided: i64,
    passed_first: i64,
    passed_any: i64,
    absent: i64,
    open_cases: i64,
    fraction_sum: Option<f64>,
    scored: i64,
}

/// The filter's conditions on `rc`, numbered from `$2`: only those given, so an exam
/// filter is served by the key's index instead of a scan of every row.
fn filter_sql(f: &ReportFilter) -> String {
    let mut out = String::new();
    let mut n = 2;
    for (given, cond) in [
        (f.exam_id.is_some(), "rc.exam_id ="),
        (f.from.is_some(), "rc.exam_date >="),
        (f.to.is_some(), "rc.exam_date <"),
    ] {
        if given {
            out.push_str(&format!(" AND {cond} ${n}"));
            n += 1;
        }
    }
    out
}

/// Binds what [`filter_sql`] numbered, in the same order.
macro_rules! bind_filter {
    ($q:expr, $f:expr) => {{
        let mut q = $q;
        if let Some(e) = $f.exam_id {
            q = q.bind(e);
        }
        if let Some(t) = $f.from {
            q = q.bind(t);
        }
        if let Some(t) = $f.to {
            q = q.bind(t);
        }
        q
    }};
}

async fn unit_totals(
    ex: &mut impl Exec,
    subtree: &str,
    f: &ReportFilter,
) -> Result<Vec<TotalsRow>, sqlx::Error> {
    let scope = format!("{}%", crate::db::like_escape(subtree));
    let filter = filter_sql(f);
    let q = format!(
        "SELECT rc.unit_id, COUNT(*) AS candidates, \
           SUM(CASE WHEN rc.decided THEN 1 ELSE 0 END) AS decided, \
           SUM(CASE WHEN rc.decided AND rc.passed_first THEN 1 ELSE 0 END) AS passed_first, \
           SUM(CASE WHEN rc.decided AND rc.passed_any THEN 1 ELSE 0 END) AS passed_any, \
           SUM(CASE WHEN rc.absent THEN 1 ELSE 0 END) AS absent, \
           SUM(CASE WHEN rc.open_case THEN 1 ELSE 0 END) AS open_cases, \
           SUM(CASE WHEN rc.decided AND rc.score IS NOT NULL AND rc.max_points > 0 \
             THEN CAST(rc.score AS DOUBLE PRECISION) / rc.max_points \
             ELSE CAST(0 AS DOUBLE PRECISION) END) AS fraction_sum, \
           SUM(CASE WHEN rc.decided AND rc.score IS NOT NULL AND rc.max_points > 0 \
             THEN 1 ELSE 0 END) AS scored \
         FROM report_candidates rc JOIN units un ON un.id = rc.unit_id \
         WHERE un.path LIKE $1 ESCAPE '\\'{filter} GROUP BY rc.unit_id"
    );
    sql!(ex, |c| bind_filter!(
        sqlx::query_as::<_, TotalsRow>(&q).bind(&scope),
        f
    )
    .fetch_all(&mut *c)
    .await)
}

async fn units_under(
    ex: &mut impl Exec,
    path: &str,
) -> Result<Vec<crate::accounts::repo::UnitRow>, sqlx::Error> {
    let scope = format!("{}%", crate::db::like_escape(path));
    sql!(ex, |c| sqlx::query_as::<_, crate::accounts::repo::UnitRow>(
        "SELECT id, code, name, parent_id, path FROM units WHERE path LIKE $1 ESCAPE '\\' \
         ORDER BY code"
    )
    .bind(&scope)
    .fetch_all(&mut *c)
    .await)
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct PersonDbRow {
    #[sqlx(flatten)]
    rc: CandidateRow,
    login: String,
    display_name: String,
    unit_name: String,
    exam_title: String,
}

fn person_line(p: PersonDbRow) -> PersonLine {
    let u = |n: i32| n.max(0) as u32;
    PersonLine {
        user_id: p.rc.user_id,
        login: p.login,
        display_name: p.display_name,
        unit_name: p.unit_name,
        exam_id: p.rc.exam_id,
        exam_title: p.exam_title,
        exam_date: p.rc.exam_date,
        decided: p.rc.decided,
        absent: p.rc.absent,
        score: p.rc.score.map(u),
        max_points: u(p.rc.max_points),
        passed_first: p.rc.passed_first,
        passed_any: p.rc.passed_any,
        retake_rounds: u(p.rc.retake_rounds),
        open_retake: p.rc.open_retake,
        open_case: p.rc.open_case,
    }
}

const PERSON_SELECT: &str = "SELECT rc.*, u.login, u.display_name, un.name AS unit_name, \
    e.title AS exam_title FROM report_candidates rc JOIN users u ON u.id = rc.user_id \
    JOIN units un ON un.id = rc.unit_id JOIN exams e ON e.id = rc.exam_id";

async fn members(
    ex: &mut impl Exec,
    unit: UnitId,
    f: &ReportFilter,
) -> Result<Vec<PersonDbRow>, sqlx::Error> {
    let q = format!(
        "{PERSON_SELECT} WHERE rc.unit_id = $1{} \
         ORDER BY u.login, rc.exam_date LIMIT {MAX_PEOPLE}",
        filter_sql(f)
    );
    sql!(ex, |c| bind_filter!(
        sqlx::query_as::<_, PersonDbRow>(&q).bind(unit),
        f
    )
    .fetch_all(&mut *c)
    .await)
}

fn unit_ref(u: &crate::accounts::repo::UnitRow) -> UnitRef {
    UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    }
}

fn line(unit: UnitRef, has_children: bool, t: &UnitTotals) -> UnitLine {
    let f = t.figures(());
    UnitLine {
        unit,
        has_children,
        candidates: t.candidates,
        decided: t.decided,
        passed_first: t.passed_first,
        passed_any: t.passed_any,
        absent: t.absent,
        open_cases: t.open_cases,
        mean_percent: f.mean_score,
        rank: None,
        bottom: false,
        reason_zh: domain::unit_reason_zh(&f),
        reason_en: domain::unit_reason_en(&f),
    }
}

/// Options of a unit report.
#[derive(Debug, Clone)]
pub struct UnitQuery {
    pub unit: Option<UnitId>,
    pub filter: ReportFilter,
    pub order: RankOrder,
    pub min_candidates: u32,
    pub bottom: u32,
}

/// A unit's subtree totals, its children ranked with roll-ups (a county includes its
/// departments) and the bottom N marked with reasons, and its own members' results.
pub async fn unit_report(
    state: &AppState,
    a: &Authed,
    q: &UnitQuery,
) -> Result<UnitReport, AppError> {
    let mut c = state.db.read().await?;
    let focus = match q.unit {
        None => a.scope.clone(),
        Some(id) => crate::accounts::repo::get_unit(&mut c, id)
            .await?
            .filter(|u| a.covers(&u.path))
            .ok_or(AppError::NotFound)?,
    };
    if let Some(exam) = q.filter.exam_id {
        crate::papers::service::exam_for(&mut c, a, exam).await?;
    }
    let units = units_under(&mut c, &focus.path).await?;
    let totals = unit_totals(&mut c, &focus.path, &q.filter).await?;
    // Each unit's own totals added to itself and every ancestor inside the subtree.
    let index: HashMap<String, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.to_string(), i))
        .collect();
    let by_id: HashMap<UnitId, usize> = units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let mut rolled = vec![UnitTotals::default(); units.len()];
    for t in &totals {
        let Some(&own) = by_id.get(&t.unit_id) else {
            continue;
        };
        let own_totals = UnitTotals {
            candidates: t.candidates.max(0) as u32,
            decided: t.decided.max(0) as u32,
            passed_first: t.passed_first.max(0) as u32,
            passed_any: t.passed_any.max(0) as u32,
            absent: t.absent.max(0) as u32,
            open_cases: t.open_cases.max(0) as u32,
            fraction_sum: t.fraction_sum.unwrap_or(0.0),
            scored: t.scored.max(0) as u32,
        };
        for seg in units[own].path.split('/').filter(|s| !s.is_empty()) {
            if let Some(&i) = index.get(seg) {
                rolled[i].add(&own_totals);
            }
        }
    }
    let focus_i = by_id.get(&focus.id).copied().ok_or(AppError::NotFound)?;
    let has_children = |id: UnitId| units.iter().any(|u| u.parent_id == Some(id));
    let child_ix: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].parent_id == Some(focus.id))
        .collect();
    let by = match q.order {
        RankOrder::PassRate => RankBy::PassRate,
        RankOrder::MeanScore => RankBy::MeanScore,
    };
    let figures: Vec<domain::UnitFigures<usize>> =
        child_ix.iter().map(|&i| rolled[i].figures(i)).collect();
    let ranked = domain::rank_units(&figures, by, q.min_candidates);
    let ranked_count = ranked.iter().filter(|r| r.rank.is_some()).count();
    let bottom_from = ranked_count.saturating_sub(q.bottom as usize);
    let children = ranked
        .iter()
        .enumerate()
        .map(|(pos, r)| {
            let i = r.figures.unit;
            let mut l = line(unit_ref(&units[i]), has_children(units[i].id), &rolled[i]);
            l.rank = r.rank;
            l.bottom = r.rank.is_some() && pos >= bottom_from;
            l
        })
        .collect();
    let people = members(&mut c, focus.id, &q.filter)
        .await?
        .into_iter()
        .map(person_line)
        .collect();
    let mut trail = Vec::new();
    let mut at = Some(focus.clone());
    while let Some(u) = at {
        trail.push(unit_ref(&u));
        at = match u.parent_id {
            Some(p) if u.id != a.scope.id => crate::accounts::repo::get_unit(&mut c, p).await?,
            _ => None,
        };
    }
    trail.reverse();
    let as_of = sql!(&mut c, |x| sqlx::query_scalar::<_, Option<Timestamp>>(
        "SELECT MAX(refreshed_at) FROM report_candidates"
    )
    .fetch_one(&mut *x)
    .await)?;
    Ok(UnitReport {
        trail,
        total: line(
            unit_ref(&units[focus_i]),
            !child_ix.is_empty(),
            &rolled[focus_i],
        ),
        children,
        people,
        order: q.order,
        min_candidates: q.min_candidates,
        bottom: q.bottom,
        filter: q.filter.clone(),
        as_of,
    })
}

/// The exam's candidates in the viewer's scope with their results.
pub async fn exam_people(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<Vec<PersonLine>, AppError> {
    let mut c = state.db.read().await?;
    crate::papers::service::exam_for(&mut c, a, exam).await?;
    let scope = format!("{}%", crate::db::like_escape(&a.scope.path));
    let q = format!(
        "{PERSON_SELECT} WHERE rc.exam_id = $1 AND un.path LIKE $2 ESCAPE '\\' \
         ORDER BY un.code, u.login"
    );
    Ok(sql!(&mut c, |x| sqlx::query_as::<_, PersonDbRow>(&q)
        .bind(exam)
        .bind(&scope)
        .fetch_all(&mut *x)
        .await)?
    .into_iter()
    .map(person_line)
    .collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct AttemptDbRow {
    exam_title: String,
    sitting_name: String,
    is_retake: bool,
    started_at: Timestamp,
    status: String,
    score: Option<i32>,
    max_score: i32,
    passed: Option<bool>,
    voided: bool,
}

/// One candidate's history across exams: results, every attempt and cases.
pub async fn person_report(
    state: &AppState,
    a: &Authed,
    user: UserId,
) -> Result<PersonReport, AppError> {
    let mut c = state.db.read().await?;
    let u = crate::accounts::repo::get_user(&mut c, user)
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = crate::accounts::repo::get_unit(&mut c, u.unit_id)
        .await?
        .filter(|un| a.covers(&un.path))
        .ok_or(AppError::NotFound)?;
    let q = format!("{PERSON_SELECT} WHERE rc.user_id = $1 ORDER BY rc.exam_date DESC");
    let exams = sql!(&mut c, |x| sqlx::query_as::<_, PersonDbRow>(&q)
        .bind(user)
        .fetch_all(&mut *x)
        .await)?
    .into_iter()
    .map(person_line)
    .collect();
    let attempts = sql!(&mut c, |x| sqlx::query_as::<_, AttemptDbRow>(
        "SELECT e.title AS exam_title, s.name AS sitting_name, s.is_retake, t.started_at, \
           t.status, t.score, t.max_score, t.passed, (t.voided_at IS NOT NULL) AS voided \
         FROM attempts t JOIN sittings s ON s.id = t.sitting_id JOIN exams e ON e.id = t.exam_id \
         WHERE t.user_id = $1 ORDER BY t.started_at DESC"
    )
    .bind(user)
    .fetch_all(&mut *x)
    .await)?
    .into_iter()
    .map(|t| AttemptLine {
        exam_title: t.exam_title,
        sitting_name: t.sitting_name,
        is_retake: t.is_retake,
        started_at: t.started_at,
        submitted: t.status == "submitted",
        score: t.score.map(|n| n.max(0) as u32),
        max_points: t.max_score.max(0) as u32,
        passed: t.passed,
        voided: t.voided,
    })
    .collect();
    let cases = sql!(&mut c, |x| sqlx::query_as::<
        _,
        (crate::escalation::model::CaseId, String, String, Timestamp),
    >(
        "SELECT k.id, e.title, k.state, k.opened_at FROM cases k \
         JOIN exams e ON e.id = k.exam_id WHERE k.user_id = $1 ORDER BY k.opened_at DESC"
    )
    .bind(user)
    .fetch_all(&mut *x)
    .await)?
    .into_iter()
    .filter_map(|(id, exam_title, state, opened_at)| {
        Some(CaseLine {
            id,
            exam_title,
            state: crate::escalation::model::CaseState::from_key(&state)?,
            opened_at,
        })
    })
    .collect();
    Ok(PersonReport {
        user_id: user,
        login: u.login,
        display_name: u.display_name,
        unit_name: unit.name,
        exams,
        attempts,
        cases,
    })
}

/// The exam's item analysis as last computed by the job runner.
pub async fn item_analysis(
    state: &AppState,
    a: &Authed,
    exam: ExamId,
) -> Result<ItemAnalysis, AppError> {
    let mut c = state.db.read().await?;
    let row = crate::papers::service::exam_for(&mut c, a, exam).await?;
    let cached = repo::items_of(&mut c, exam).await?;
    let pending =
        cached.as_ref().is_none_or(|(b, _)| b.is_none()) || repo::freshness(&mut c, exam).await?.1;
    let (attempts, kr20, items) = match cached.as_ref().and_then(|(b, _)| b.as_deref()) {
        Some(json) => {
            let body: super::items::Stored = serde_json::from_str(json).map_err(|e| {
                tracing::error!(error = %e, "stored item analysis does not parse");
                AppError::Internal
            })?;
            (body.attempts, body.kr20, body.items)
        }
        None => (0, None, Vec::new()),
    };
    Ok(ItemAnalysis {
        exam_id: exam,
        title: row.title,
        attempts,
        kr20,
        items,
        computed_at: cached.and_then(|(_, t)| t),
        pending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_numbers_only_the_conditions_given() {
        assert_eq!(filter_sql(&ReportFilter::default()), "");
        let exam = ExamId(uuid::Uuid::nil());
        let all = ReportFilter {
            exam_id: Some(exam),
            from: Some(Timestamp(1)),
            to: Some(Timestamp(2)),
        };
        assert_eq!(
            filter_sql(&all),
            " AND rc.exam_id = $2 AND rc.exam_date >= $3 AND rc.exam_date < $4"
        );
        let dates = ReportFilter {
            exam_id: None,
            ..all
        };
        assert_eq!(
            filter_sql(&dates),
            " AND rc.exam_date >= $2 AND rc.exam_date < $3"
        );
    }
}
