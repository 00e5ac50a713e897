//! Test data written into a fresh database before the server starts: a unit per sitting,
//! candidates with ready-made sessions (no sign-in, so no Argon2 hashing per candidate),
//! a bank of single-choice questions, an exam drawn from it, and sittings open now with
//! the candidates assigned and their papers drawn.
//!
//! Bank, exam, sittings and assignments go through the app's own services, so they obey
//! every rule the UI does. Those services refuse a sitting that starts in the past, so
//! the setup runs on a manual clock two minutes behind the real one and opens each
//! sitting one minute ago (real time). Users and sessions are inserted with the
//! accounts repository: a session row holds `hash_token(token)`, and the token is what
//! the browser would carry in its `examhall_session` cookie.
//!
//! Shared with `server/tests/crash.rs` (included there by path).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use app::accounts::domain::unit_path;
use app::accounts::model::{Roles, UnitId, UserId};
use app::accounts::repo::{self as accounts, NewUser};
use app::accounts::service::hash_token;
use app::i18n::Lang;
use app::papers::model::{DrawRule, ExamSettings, PassMark};
use app::papers::service::{self as papers, SectionEdit};
use app::question_bank::model::{KeyForm, Points, QuestionDraft, QuestionStatus, QuestionType};
use app::question_bank::service as bank;
use app::server::{Authed, Clock, ManualClock, SystemClock};
use app::sittings::model::{SittingId, SittingMode, SittingSpec};
use app::sittings::service::{self as sittings, Selector};
use app::time::Timestamp;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

pub const ADMIN_LOGIN: &str = "loadadmin";
const ADMIN_PASSWORD: &str = "Loadtest-admin-2026";
const CANDIDATE_PASSWORD: &str = "Loadtest-cand-2026";
const ADDR: &str = "loadtest";

/// What to create.
#[derive(Debug, Clone)]
pub struct Spec {
    /// One sitting per entry, with that many candidates of their own.
    pub candidates_per_sitting: Vec<usize>,
    /// Single-choice questions in the bank; every paper has all of them.
    pub questions: u32,
    /// The exam's duration; deadlines are start + duration.
    pub duration_minutes: u32,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    pub user_id: UserId,
    /// The session cookie value.
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct Sitting {
    pub id: SittingId,
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone)]
pub struct Fixture {
    pub sittings: Vec<Sitting>,
    pub questions: u32,
}

/// The server's configuration as a map of `EXAMHALL_*` variables for `db_url`.
pub fn server_env(db_url: &str) -> HashMap<String, String> {
    let mut env = HashMap::new();
    env.insert("EXAMHALL_DATABASE_URL".to_owned(), db_url.to_owned());
    env.insert("EXAMHALL_SQLITE_SYNCHRONOUS".to_owned(), "full".to_owned());
    env.insert("EXAMHALL_DEMO".to_owned(), "false".to_owned());
    env.insert("EXAMHALL_LISTEN".to_owned(), "127.0.0.1:0".to_owned());
    env
}

fn err(what: &'static str) -> impl FnOnce(String) -> String {
    move |e| format!("{what}: {e}")
}

fn dbg_err<E: std::fmt::Debug>(what: &'static str) -> impl FnOnce(E) -> String {
    move |e| format!("{what}: {e:?}")
}

fn question(i: u32) -> QuestionDraft {
    QuestionDraft {
        qtype: QuestionType::Single,
        stem: format!("Load test question {i}: which option is the first one written?"),
        options: (0..4)
            .map(|k| format!("Option {k} of question {i}"))
            .collect(),
        key: KeyForm::Choice(vec![0]),
        explanation: String::new(),
        category: Vec::new(),
        difficulty: 3,
        tags: Vec::new(),
        points: Points(100),
        image: None,
    }
}

/// Creates everything in the (new, empty) database at `db_url` and closes it again.
pub async fn prepare(db_url: &str, spec: &Spec) -> Result<Fixture, String> {
    let config = server::config::Config::resolve(None, &server_env(db_url))
        .map_err(|e| format!("configuration: {e}"))?;
    let real_now = SystemClock.now();
    let clock = ManualClock::new(Timestamp(real_now.0 - 120_000));
    let state = server::build_state(&config, Arc::new(clock.clone()))
        .await
        .map_err(|e| format!("open {db_url}: {e}"))?;
    let result = fill(&state, spec, real_now).await;
    state.db.close().await;
    result
}

async fn fill(
    state: &app::server::AppState,
    spec: &Spec,
    real_now: Timestamp,
) -> Result<Fixture, String> {
    server::seed::create_admin(
        state,
        ADMIN_LOGIN,
        "Load test administrator",
        ADMIN_PASSWORD,
        Some(("LT", "Load test")),
    )
    .await
    .map_err(|e| format!("create admin: {e}"))?;
    let admin = {
        let mut c = state.db.read().await.map_err(dbg_err("read"))?;
        let creds = accounts::credentials(&mut c, ADMIN_LOGIN)
            .await
            .map_err(dbg_err("admin"))?
            .ok_or("admin missing")?;
        let user = accounts::get_user(&mut c, creds.id)
            .await
            .map_err(dbg_err("admin"))?
            .ok_or("admin missing")?;
        let scope = accounts::root_unit(&mut c)
            .await
            .map_err(dbg_err("root unit"))?
            .ok_or("root unit missing")?;
        Authed {
            token_hash: String::new(),
            user,
            scope,
        }
    };
    let now = state.clock.now();

    // Question bank and exam.
    let bank_id = bank::create_bank(state, &admin, ADDR, "Load test bank", None)
        .await
        .map_err(dbg_err("bank"))?;
    for i in 0..spec.questions {
        bank::create_question(
            state,
            &admin,
            ADDR,
            bank_id,
            question(i),
            QuestionStatus::Active,
        )
        .await
        .map_err(dbg_err("question"))?;
    }
    let exam = papers::create_exam(state, &admin, ADDR, bank_id, "Load test exam")
        .await
        .map_err(dbg_err("exam"))?;
    papers::save_settings(
        state,
        &admin,
        ADDR,
        Lang::En,
        exam,
        ExamSettings {
            title: "Load test exam".to_owned(),
            instructions: "Answer every question.".to_owned(),
            duration_minutes: spec.duration_minutes,
            pass_mark: PassMark::Percent(60),
            ..ExamSettings::default()
        },
    )
    .await
    .map_err(dbg_err("exam settings"))?;
    papers::edit_sections(
        state,
        &admin,
        ADDR,
        Lang::En,
        exam,
        SectionEdit::AddSection("Single choice".to_owned()),
    )
    .await
    .map_err(dbg_err("section"))?;
    papers::edit_sections(
        state,
        &admin,
        ADDR,
        Lang::En,
        exam,
        SectionEdit::AddRule(
            0,
            DrawRule {
                category: None,
                qtype: QuestionType::Single,
                difficulty: None,
                count: spec.questions,
                points_each: Points(100),
            },
        ),
    )
    .await
    .map_err(dbg_err("draw rule"))?;

    // Candidates, their sessions, and one sitting per group.
    let hash = state.hasher.hash(CANDIDATE_PASSWORD.to_owned()).await;
    // Sessions signed in over the last minute, as after a real opening: each is touched
    // (an extra write) once a minute, spread out instead of all in the same second.
    let mut rng = crate::harness::Rng::random();
    let mut out = Vec::new();
    for (s, &count) in spec.candidates_per_sitting.iter().enumerate() {
        let unit = UnitId(uuid::Uuid::new_v4());
        let mut candidates = Vec::with_capacity(count);
        let mut tx = state.db.begin().await.map_err(dbg_err("begin"))?;
        accounts::insert_unit(
            &mut tx,
            unit,
            &format!("LT-{s}"),
            &format!("Load test group {s}"),
            Some(admin.scope.id),
            &unit_path(Some(&admin.scope.path), unit),
            now,
        )
        .await
        .map_err(dbg_err("unit"))?;
        for i in 0..count {
            let login = format!("c{s}x{i:05}");
            let id = UserId(uuid::Uuid::new_v4());
            accounts::insert_user(
                &mut tx,
                &NewUser {
                    id,
                    login: &login,
                    display_name: &login,
                    unit_id: unit,
                    scope_unit_id: None,
                    roles: Roles {
                        candidate: true,
                        ..Default::default()
                    },
                    rank_tag: None,
                    password_hash: &hash,
                    must_change_password: false,
                    now,
                },
            )
            .await
            .map_err(dbg_err("user"))?;
            let token = format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            );
            accounts::insert_session(
                &mut tx,
                &hash_token(&token),
                id,
                Timestamp(real_now.0 - rng.range(0, 55_000) as i64),
                real_now.plus_secs(12 * 3600),
                "127.0.0.1",
            )
            .await
            .map_err(dbg_err("session"))?;
            candidates.push(Candidate { user_id: id, token });
        }
        tx.commit().await.map_err(dbg_err("commit"))?;
        let sitting = sittings::create_sitting(
            state,
            &admin,
            ADDR,
            exam,
            SittingSpec {
                name: format!("Load test sitting {s}"),
                window_start: real_now.plus_secs(-60),
                window_end: real_now.plus_secs(i64::from(spec.duration_minutes) * 60 + 6 * 3600),
                mode: SittingMode::Flexible,
                capacity: 100_000,
                location: "Load test hall".to_owned(),
                is_retake: false,
            },
        )
        .await
        .map_err(dbg_err("sitting"))?;
        let assigned = sittings::assign(
            state,
            &admin,
            ADDR,
            sitting,
            Selector::Unit {
                unit,
                with_sub_units: false,
            },
        )
        .await
        .map_err(dbg_err("assign"))?;
        if assigned.will_assign as usize != count {
            return Err(err("assign")(format!(
                "{} of {count} candidates assigned ({:?})",
                assigned.will_assign,
                assigned.conflicts.first()
            )));
        }
        out.push(Sitting {
            id: sitting,
            candidates,
        });
    }
    Ok(Fixture {
        sittings: out,
        questions: spec.questions,
    })
}

/// A small pool on the database file for checks made next to the running server
/// (SQLite in WAL mode lets readers and one outside writer in alongside it).
pub async fn open_pool(db_url: &str) -> Result<SqlitePool, String> {
    let opts = SqliteConnectOptions::from_str(db_url)
        .map_err(|e| format!("{db_url}: {e}"))?
        .busy_timeout(Duration::from_secs(30))
        .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
    SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(opts)
        .await
        .map_err(|e| format!("open {db_url}: {e}"))
}
