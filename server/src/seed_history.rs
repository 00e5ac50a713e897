//! Demo history: a quarterly test that already ran, so the follow-up is visible on first
//! start. Three weeks ago its sitting closed with failures and an absentee; the retakes
//! were assigned (two into a retake sitting that has since closed without them, one into
//! a retake sitting still to come), and the two who missed their retake are open
//! interview cases. Built by running the real services on a clock set in the past and
//! moved forward, so every record is one the live system would have written.

use std::sync::Arc;

use app::accounts::model::UserId;
use app::attempts::model::SaveRequest;
use app::attempts::service as attempts;
use app::error::AppError;
use app::grading::model::Response;
use app::papers::domain::DrawnItem;
use app::question_bank::domain::AnswerKey;
use app::question_bank::model::{BankId, CategoryId};
use app::server::{AppState, Authed, ManualClock};
use app::sittings::model::{SittingMode, SittingSpec};
use app::sittings::service::{self as sittings, Selector};
use app::time::Timestamp;

const DAY_SECS: i64 = 86_400;

/// Who fails the quarterly test (hands in an empty paper) and who misses it.
const FAILING: [&str; 2] = ["liqiang", "zhaolei"];
const ABSENT: &str = "xuhao";

async fn person(state: &AppState, login: &str) -> Result<Authed, AppError> {
    let mut c = state.db.read().await?;
    let id: UserId = app::accounts::repo::credentials(&mut c, login)
        .await?
        .ok_or(AppError::NotFound)?
        .id;
    let user = app::accounts::repo::get_user(&mut c, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let scope = app::accounts::repo::get_unit(&mut c, user.unit_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Authed {
        token_hash: format!("demo-history-{login}"),
        user,
        scope,
    })
}

/// The correct response to every item of an attempt, in the candidate's option order.
async fn correct(state: &AppState, paper: &str) -> Result<Vec<Response>, AppError> {
    let items: Vec<DrawnItem> = serde_json::from_str(paper).map_err(|_| AppError::Internal)?;
    let mut c = state.db.read().await?;
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let v = state
            .attempts
            .grader
            .version(&mut c, item.version_id)
            .await?;
        out.push(match &v.key {
            AnswerKey::Choice(orig) => Response::Choice(
                item.option_order
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| orig.contains(&usize::from(**o)))
                    .map(|(shown, _)| shown as u8)
                    .collect(),
            ),
            AnswerKey::TrueFalse(b) => Response::TrueFalse(*b),
            AnswerKey::Blanks { answers, .. } => {
                Response::Blanks(answers.iter().map(|a| a[0].clone()).collect())
            }
        });
    }
    Ok(out)
}

async fn run_jobs(state: &AppState) -> Result<(), AppError> {
    app::jobs::service::tick(state, "demo-seed").await?;
    Ok(())
}

pub async fn load(
    state: &AppState,
    admin: &Authed,
    bank_id: BankId,
    category: &dyn Fn(&str) -> Option<CategoryId>,
    candidates: &[&str],
) -> Result<(), AppError> {
    let addr = "demo";
    let real_now = state.clock.now();
    let clock = ManualClock::new(Timestamp(real_now.0 - 22 * DAY_SECS * 1000));
    let mut past = state.clone();
    past.clock = Arc::new(clock.clone());
    past.attempts = attempts::Runtime::start(state.db.clone(), past.clock.clone(), 0);
    let at = |c: &ManualClock| {
        use app::server::Clock;
        c.now()
    };

    let exam = crate::seed_authoring::build_exam(
        &past,
        admin,
        bank_id,
        "2026年第三季度应知应会测试",
        category,
    )
    .await?;
    let start = at(&clock).plus_secs(3600);
    let first = sittings::create_sitting(
        &past,
        admin,
        addr,
        exam,
        SittingSpec {
            name: "第三季度测试".to_owned(),
            window_start: start,
            window_end: start.plus_secs(3 * 3600),
            mode: SittingMode::Flexible,
            capacity: 100,
            location: "市委党校机房".to_owned(),
            is_retake: false,
        },
    )
    .await?;
    let retake = |name: &str, start: Timestamp, capacity: u32| SittingSpec {
        name: name.to_owned(),
        window_start: start,
        window_end: start.plus_secs(2 * 3600),
        mode: SittingMode::Flexible,
        capacity,
        location: "市委党校机房".to_owned(),
        is_retake: true,
    };
    // Two seats a week after the test (already past), more in two days' time.
    let early = start.plus_secs(7 * DAY_SECS);
    // 14:00 Shanghai time three days from now, clear of the demo's morning sittings.
    let later = crate::seed_authoring::morning_cst(real_now, 3).plus_secs(5 * 3600);
    sittings::create_sitting(
        &past,
        admin,
        addr,
        exam,
        retake("第三季度补考（一）", early, 2),
    )
    .await?;
    sittings::create_sitting(
        &past,
        admin,
        addr,
        exam,
        retake("第三季度补考（二）", later, 20),
    )
    .await?;
    let root = {
        let mut c = state.db.read().await?;
        app::accounts::repo::root_unit(&mut c)
            .await?
            .ok_or(AppError::Internal)?
            .id
    };
    sittings::assign(
        &past,
        admin,
        addr,
        first,
        Selector::Unit {
            unit: root,
            with_sub_units: true,
        },
    )
    .await?;

    clock.advance_secs(3600 + 60);
    for login in candidates {
        if *login == ABSENT {
            continue;
        }
        let a = person(&past, login).await?;
        let id = attempts::start(&past, &a, first, true).await?;
        if !FAILING.contains(login) {
            let paper = {
                let mut c = state.db.read().await?;
                app::attempts::repo::get(&mut c, id)
                    .await?
                    .ok_or(AppError::Internal)?
                    .paper
            };
            for (i, r) in correct(&past, &paper).await?.into_iter().enumerate() {
                attempts::save(
                    &past,
                    &a,
                    SaveRequest {
                        attempt: id,
                        position: i as u32,
                        seq: 1,
                        response: Some(r),
                        flagged: false,
                    },
                )
                .await?;
            }
        }
        attempts::submit(&past, &a, id).await?;
    }
    // The test closes: three retakes, two of them into the first retake sitting.
    clock.advance_secs(3 * 3600);
    run_jobs(&past).await?;
    // Nobody comes to the first retake sitting; it closes and both are escalated.
    clock.advance_secs(7 * DAY_SECS);
    run_jobs(&past).await?;
    Ok(())
}
