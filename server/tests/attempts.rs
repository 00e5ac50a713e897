//! Timed attempts through the real HTTP server, on SQLite and on PostgreSQL, on an exam
//! built here through the organizer's server functions: one question of each type with
//! a known key and a distinctive explanation, so every score is known in advance and
//! every response a candidate receives can be searched for the key.

mod common;

use app::attempts::api::{ClockSync, MyAttempts};
use app::attempts::model::{
    AttemptId, AttemptRefusal, AttemptStatus, AttemptView, ProctorView, RegradeChange,
    RegradeQuestion, ResultView, SaveAck, SaveRequest, StartInfo,
};
use app::error::AppError;
use app::grading::model::Response;
use app::i18n::{Lang, Msg};
use app::papers::domain::DrawnItem;
use app::question_bank::model::Points;
use app::server::ManualClock;
use app::sittings::domain::StartRefusal;
use app::time::Timestamp;
use common::{Backend, Client, World};

/// One question of the test exam, as typed into the question editor.
#[derive(Clone, Copy)]
struct QSpec {
    qtype: &'static str,
    stem: &'static str,
    options: &'static str,
    answer: &'static str,
    explanation: &'static str,
    /// Points of the item in the paper.
    points: &'static str,
}

const SINGLE: QSpec = QSpec {
    qtype: "single",
    stem: "STEM-SINGLE 党的最高领导机关是（ ）。",
    options: "党的全国代表大会\n中央委员会\n中央政治局\n中央书记处",
    answer: "A",
    explanation: "EXPL-SINGLE-q7Zr 本题考查党的组织制度",
    points: "2",
};
const MULTIPLE: QSpec = QSpec {
    qtype: "multiple",
    stem: "STEM-MULTIPLE 下列属于党的纪律的有（ ）。",
    options: "政治纪律\n外交纪律\n组织纪律\n廉洁纪律",
    answer: "ACD",
    explanation: "EXPL-MULTIPLE-w3Kd 六项纪律",
    points: "3",
};
const TRUE_FALSE: QSpec = QSpec {
    qtype: "true_false",
    stem: "STEM-TF 党员有权在党的会议上批评党的任何组织和任何党员。",
    options: "",
    answer: "正确",
    explanation: "EXPL-TF-p9Lm 党员权利第三项",
    points: "1",
};
const FILL: QSpec = QSpec {
    qtype: "fill_blank",
    stem: "STEM-FILL 党的根本组织原则是（ ），党员要增强（ ）。",
    options: "",
    // Two blanks, each with an alternative no candidate types in these tests.
    answer: "民主集中制/KEYALT-one-Xq4|四个意识/KEYALT-two-Vb8",
    explanation: "EXPL-FILL-h2Tn 党章总纲",
    points: "4",
};
/// In paper order (questions are not shuffled in these exams).
const PAPER: [QSpec; 4] = [SINGLE, MULTIPLE, TRUE_FALSE, FILL];
const TOTAL: u32 = 1000;

/// The exam's settings, as the organizer's settings form sends them.
#[derive(Clone, Copy)]
struct ExamOpts {
    visibility: &'static str,
    multi_scoring: &'static str,
    fill_per_blank: bool,
    shuffle_options: bool,
    duration_minutes: u32,
    pass_percent: u32,
}

const DEFAULT_OPTS: ExamOpts = ExamOpts {
    visibility: "immediately",
    multi_scoring: "partial",
    fill_per_blank: true,
    shuffle_options: true,
    duration_minutes: 10,
    pass_percent: 60,
};

/// The sitting's window, local (Shanghai) time. T0 is 2026-11-18 19:06:40 there, so the
/// sitting has not opened when a hall is built.
const WINDOW_START: &str = "2026-11-18T19:10";
const WINDOW_END: &str = "2026-11-18T23:00";
const PASSWORD: &str = "Changed-pass-1";

/// A world with an EAST unit, its organizer, a bank with the [`PAPER`] questions, an exam
/// of them, a sitting and candidates assigned to it.
struct Hall {
    w: World,
    admin: Client,
    org: Client,
    east: String,
    exam: String,
    sitting: String,
    /// Question ids in [`PAPER`] order.
    qids: Vec<String>,
}

async fn call_ok<T: serde::de::DeserializeOwned>(
    c: &mut Client,
    endpoint: &str,
    form: &[(&str, &str)],
) -> T {
    c.call(endpoint, form)
        .await
        .unwrap_or_else(|e| panic!("{endpoint}: {e:?}"))
}

fn question_form(q: &QSpec) -> Vec<(&'static str, &str)> {
    vec![
        ("q[qtype]", q.qtype),
        ("q[stem]", q.stem),
        ("q[options]", q.options),
        ("q[answer]", q.answer),
        ("q[explanation]", q.explanation),
        ("q[category]", "党章党规"),
        ("q[difficulty]", "3"),
        ("q[tags]", ""),
        ("q[points]", q.points),
        ("q[status]", "active"),
    ]
}

impl Hall {
    async fn new(backend: Backend, opts: ExamOpts) -> Option<Hall> {
        let w = World::new(backend).await?;
        Some(Hall::build(w, opts).await)
    }

    async fn build(w: World, opts: ExamOpts) -> Hall {
        let mut admin = w.admin().await;
        let east = w.unit(&mut admin, "EAST", "东区", "3301").await;
        let mut org = w
            .person(&mut admin, "org.east", &east, &["role_organizer"], "")
            .await;
        let _: () = call_ok(&mut org, "banks/create", &[("name", "党章题库")]).await;
        let banks: Vec<app::question_bank::model::BankView> =
            call_ok(&mut org, "banks/list", &[]).await;
        let bank = banks[0].id.to_string();
        let mut qids = Vec::new();
        for q in PAPER {
            let mut form = vec![("bank_id", bank.as_str())];
            form.extend(question_form(&q));
            let _: () = call_ok(&mut org, "questions/create", &form).await;
            let page: app::question_bank::model::QuestionPage = call_ok(
                &mut org,
                "questions/search",
                &[
                    ("query[bank_id]", bank.as_str()),
                    ("query[text]", q.stem.split(' ').next().unwrap()),
                    ("query[category]", ""),
                    ("query[qtype]", ""),
                    ("query[difficulty]", ""),
                    ("query[tag]", ""),
                    ("query[status]", ""),
                    ("query[sort]", ""),
                    ("query[page]", "1"),
                ],
            )
            .await;
            assert_eq!(page.total, 1, "{}", q.stem);
            qids.push(page.items[0].id.to_string());
        }
        let _: () = call_ok(
            &mut org,
            "exams/create",
            &[("bank_id", &bank), ("title", "党章知识测试")],
        )
        .await;
        let exams: Vec<app::papers::model::ExamSummary> =
            call_ok(&mut org, "exams/list", &[]).await;
        let exam = exams[0].id.to_string();
        let duration = opts.duration_minutes.to_string();
        let pass = opts.pass_percent.to_string();
        let mut settings = vec![
            ("id", exam.as_str()),
            ("title", "党章知识测试"),
            ("instructions", "闭卷作答"),
            ("duration_minutes", duration.as_str()),
            ("pass_kind", "percent"),
            ("pass_value", pass.as_str()),
            ("multi_scoring", opts.multi_scoring),
            ("visibility", opts.visibility),
            ("retake_count", "1"),
            ("retake_min_wait_days", "3"),
        ];
        if opts.shuffle_options {
            settings.push(("shuffle_options", "on"));
        }
        if opts.fill_per_blank {
            settings.push(("fill_per_blank", "on"));
        }
        let _: () = call_ok(&mut org, "exams/settings", &settings).await;
        let _: () = call_ok(
            &mut org,
            "exams/section-add",
            &[("id", &exam), ("title", "一、综合题")],
        )
        .await;
        for (q, id) in PAPER.iter().zip(&qids) {
            let _: () = call_ok(
                &mut org,
                "exams/fixed-add",
                &[
                    ("id", &exam),
                    ("section", "0"),
                    ("question_ids", id),
                    ("points", q.points),
                ],
            )
            .await;
        }
        let _: () = call_ok(
            &mut org,
            "sittings/create",
            &[
                ("exam_id", exam.as_str()),
                ("name", "第一场"),
                ("window_start", WINDOW_START),
                ("window_end", WINDOW_END),
                ("mode", "flexible"),
                ("late_entry_minutes", "0"),
                ("capacity", "200"),
                ("location", "三楼机房"),
            ],
        )
        .await;
        let sittings: Vec<app::sittings::model::SittingView> =
            call_ok(&mut org, "sittings/list", &[]).await;
        let sitting = sittings[0].id.to_string();
        Hall {
            w,
            admin,
            org,
            east,
            exam,
            sitting,
            qids,
        }
    }

    /// Creates candidates in EAST, assigns them to the sitting and returns them signed in
    /// (past their first password change), in the order given.
    async fn enrol(&mut self, logins: &[&str]) -> Vec<Client> {
        for login in logins {
            let _: () = call_ok(
                &mut self.admin,
                "users/create",
                &[
                    ("login", login),
                    ("display_name", login),
                    ("unit_id", &self.east),
                    ("scope_unit_id", ""),
                    ("rank_tag", ""),
                    ("initial_password", "Initial-pass-1"),
                    ("role_candidate", "on"),
                ],
            )
            .await;
        }
        // The password changes are independent: run them side by side.
        let mut tasks = Vec::new();
        for login in logins {
            let mut c = self.w.client();
            let login = login.to_string();
            tasks.push(tokio::spawn(async move {
                c.login(&login, "Initial-pass-1").await.expect("signs in");
                let _: () = c
                    .call(
                        "password",
                        &[
                            ("current_password", "Initial-pass-1"),
                            ("new_password", PASSWORD),
                            ("confirm", PASSWORD),
                        ],
                    )
                    .await
                    .expect("password changed");
                c
            }));
        }
        let mut clients = Vec::new();
        for t in tasks {
            clients.push(t.await.unwrap());
        }
        let list = logins.join("\n");
        let done: app::sittings::model::AssignPreview = call_ok(
            &mut self.org,
            "sittings/assign",
            &[
                ("id", self.sitting.as_str()),
                ("by", "logins"),
                ("logins", list.as_str()),
                ("unit_id", ""),
                ("rank_tag", ""),
            ],
        )
        .await;
        assert_eq!(done.will_assign as usize, logins.len(), "{done:?}");
        clients
    }

    async fn signed_in(&self, login: &str) -> Client {
        let mut c = self.w.client();
        c.login(login, PASSWORD).await.expect("signs in");
        c
    }

    /// Moves the clock to the sitting's opening.
    fn open(&self) {
        let now = self.w.server.state.clock.now();
        let at = app::time::parse_local_datetime(WINDOW_START).unwrap();
        assert!(at.0 > now.0, "the sitting opens after the hall is built");
        self.w.server.clock.advance_secs((at.0 - now.0) / 1000);
    }

    fn advance(&self, secs: i64) {
        self.w.server.clock.advance_secs(secs);
    }

    async fn start(&self, c: &mut Client) -> AttemptId {
        c.call(
            "attempts/start",
            &[("sitting_id", &self.sitting), ("pledge", "on")],
        )
        .await
        .expect("starts")
    }

    async fn row(&self, id: AttemptId) -> app::attempts::repo::AttemptRow {
        let mut c = self.w.server.state.db.read().await.expect("read");
        app::attempts::repo::get(&mut c, id)
            .await
            .expect("query")
            .expect("the attempt exists")
    }

    async fn paper(&self, id: AttemptId) -> Vec<DrawnItem> {
        serde_json::from_str(&self.row(id).await.paper).expect("paper")
    }

    async fn count(&self, q: &str) -> i64 {
        let mut c = self.w.server.state.db.read().await.expect("read");
        count(&mut c, q).await
    }

    async fn finish(self) {
        self.w.finish().await;
    }
}

async fn count(c: &mut app::db::Conn, q: &str) -> i64 {
    app::sql!(c, |x| sqlx::query_scalar::<_, i64>(q)
        .fetch_one(&mut *x)
        .await)
    .unwrap_or_else(|e| panic!("{q}: {e}"))
}

/// The shown indices of the given original options, for an item of `paper`.
fn shown(item: &DrawnItem, originals: &[u8]) -> Vec<u8> {
    item.option_order
        .iter()
        .enumerate()
        .filter(|(_, o)| originals.contains(o))
        .map(|(s, _)| s as u8)
        .collect()
}

/// Posts a JSON server function as the hydrated exam page does; returns status and body.
async fn post_json(c: &Client, endpoint: &str, body: serde_json::Value) -> (u16, String) {
    let mut req = c
        .http
        .post(format!("http://{}/api/{endpoint}", c.addr))
        .json(&body);
    if let Some(s) = &c.session {
        req = req.header("cookie", format!("examhall_session={s}"));
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

async fn save(c: &Client, req: &SaveRequest) -> Result<SaveAck, (u16, AppError)> {
    let (status, body) = post_json(c, "attempts/save", serde_json::json!({ "req": req })).await;
    if status == 200 {
        Ok(serde_json::from_str(&body).expect("ack"))
    } else {
        Err((
            status,
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status}: {e}: {body}")),
        ))
    }
}

fn req(id: AttemptId, position: u32, seq: i64, response: Option<Response>) -> SaveRequest {
    SaveRequest {
        attempt: id,
        position,
        seq,
        response,
        flagged: false,
    }
}

async fn view(c: &mut Client, id: AttemptId) -> Result<AttemptView, AppError> {
    c.call("attempts/view", &[("attempt_id", &id.to_string())])
        .await
}

async fn navigate(c: &Client, id: AttemptId, position: u32) -> (u16, String) {
    post_json(
        c,
        "attempts/navigate",
        serde_json::json!({ "attempt": id, "position": position }),
    )
    .await
}

async fn submit(c: &mut Client, id: AttemptId) -> Result<Option<ResultView>, AppError> {
    c.call("attempts/submit", &[("attempt_id", &id.to_string())])
        .await
}

fn pts(p: u32) -> Points {
    Points(p)
}

impl Hall {
    async fn rows_where<T>(&self, q: &str, arg: uuid::Uuid) -> Vec<T>
    where
        T: Send + Unpin,
        for<'r> T:
            sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let mut c = self.w.server.state.db.read().await.expect("read");
        app::sql!(&mut c, |x| sqlx::query_as::<_, T>(q)
            .bind(arg)
            .fetch_all(&mut *x)
            .await)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
    }

    /// The integrity events and invigilator actions of an attempt: (kind, detail).
    async fn events(&self, id: AttemptId) -> Vec<(String, String)> {
        self.rows_where(
            "SELECT kind, detail FROM attempt_events WHERE attempt_id = $1 ORDER BY at, kind",
            id.0,
        )
        .await
    }

    /// The audit rows of one action: (target, detail).
    async fn audit(&self, action: &str) -> Vec<(String, String)> {
        let mut c = self.w.server.state.db.read().await.expect("read");
        app::sql!(&mut c, |x| sqlx::query_as::<_, (String, String)>(
            "SELECT target, detail FROM audit_log WHERE action = $1 ORDER BY id"
        )
        .bind(action)
        .fetch_all(&mut *x)
        .await)
        .expect("audit rows")
    }

    /// (content, answer_key) of one question version, as stored.
    async fn version(&self, v: app::question_bank::model::VersionId) -> (String, String) {
        self.rows_where::<(String, String)>(
            "SELECT content, answer_key FROM question_versions WHERE id = $1",
            v.0,
        )
        .await
        .pop()
        .expect("the version exists")
    }

    async fn proctor(&self, c: &mut Client) -> ProctorView {
        call_ok(c, "attempts/proctor", &[("sitting_id", &self.sitting)]).await
    }

    fn now(&self) -> Timestamp {
        self.w.server.state.clock.now()
    }

    async fn finalize(&self) -> usize {
        app::attempts::service::finalize_due(&self.w.server.state)
            .await
            .expect("finaliser")
    }
}

// ---------------------------------------------------------------------------------------
// What a candidate may never receive.

/// Field names that only keys, explanations and grades have.
const KEY_FIELDS: [&str; 6] = [
    "answer_key",
    "\"key\"",
    "\"explanation\"",
    "\"correct\"",
    "fold_width",
    "case_insensitive",
];
const SCORE_FIELDS: [&str; 4] = ["\"score\"", "item_points", "\"passed\"", "\"threshold\""];

/// Undoes one level of JSON/JavaScript string escaping: server-rendered pages carry the
/// hydration data as JSON inside JavaScript strings (`\"score\"`), which a plain search
/// for `"score"` would miss.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = (0..4).filter_map(|_| chars.next()).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The needles found in `body`, searched as sent and once unescaped.
fn leaks(body: &str, needles: &[String]) -> Vec<String> {
    let plain = unescape(body);
    let twice = unescape(&plain);
    needles
        .iter()
        .filter(|n| {
            body.contains(n.as_str()) || plain.contains(n.as_str()) || twice.contains(n.as_str())
        })
        .cloned()
        .collect()
}

/// Everything secret about an attempt's paper, read from the stored question versions:
/// each explanation, each stored key as a whole, and each accepted fill-in answer the
/// candidate did not type themselves (`typed`).
async fn secrets_of(h: &Hall, id: AttemptId, typed: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for item in h.paper(id).await {
        let (content, key) = h.version(item.version_id).await;
        let content: serde_json::Value = serde_json::from_str(&content).expect("content json");
        let explanation = content["explanation"]
            .as_str()
            .expect("content has an explanation")
            .to_owned();
        assert!(
            explanation.starts_with("EXPL-"),
            "the explanation typed in the editor is stored: {explanation}"
        );
        out.push(explanation);
        let parsed: serde_json::Value = serde_json::from_str(&key).expect("key json");
        if let Some(blanks) = parsed["Blanks"]["answers"].as_array() {
            for accepted in blanks.iter().flat_map(|b| b.as_array().unwrap()) {
                let a = accepted.as_str().unwrap();
                if !typed.contains(&a) {
                    out.push(a.to_owned());
                }
            }
        }
        out.push(key);
    }
    out
}

/// Records every response body a candidate receives.
struct Recorder {
    c: Client,
    seen: Vec<(String, String)>,
}

impl Recorder {
    async fn form(&mut self, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = self.c.call_raw(endpoint, form).await;
        let status = res.status().as_u16();
        let body = res.text().await.expect("body");
        self.seen
            .push((format!("POST /api/{endpoint}"), body.clone()));
        (status, body)
    }

    async fn json(&mut self, endpoint: &str, body: serde_json::Value) -> (u16, String) {
        let (status, text) = post_json(&self.c, endpoint, body).await;
        self.seen
            .push((format!("POST /api/{endpoint} (json)"), text.clone()));
        (status, text)
    }

    async fn page(&mut self, path: &str) -> String {
        let res = self.c.get(path).await;
        let status = res.status().as_u16();
        let body = res.text().await.expect("body");
        assert_eq!(status, 200, "GET {path}: {body}");
        self.seen.push((format!("GET {path}"), body.clone()));
        body
    }

    /// Every recorded response that contains a needle: (request, needles found).
    fn leaks(&self, needles: &[String]) -> Vec<(String, Vec<String>)> {
        self.seen
            .iter()
            .map(|(what, body)| (what.clone(), leaks(body, needles)))
            .filter(|(_, found)| !found.is_empty())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// 1. Starting.

both_backends!(
    starting_is_idempotent_and_refused_before_the_window_opens_or_without_the_pledge,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        let sitting = h.sitting.clone();

        // Before the window opens: the start page says why, in the reader's language,
        // and starting is refused with that message.
        let info: StartInfo =
            call_ok(&mut c1, "attempts/start-info", &[("sitting_id", &sitting)]).await;
        assert_eq!(info.refusal, Some(StartRefusal::NotYetOpen));
        assert_eq!(info.attempt, None);
        let res = c1
            .call_raw(
                "attempts/start",
                &[("sitting_id", &sitting), ("pledge", "on")],
            )
            .await;
        assert_eq!(res.status(), 409);
        let early: Result<AttemptId, AppError> = c1
            .call(
                "attempts/start",
                &[("sitting_id", &sitting), ("pledge", "on")],
            )
            .await;
        let err = early.expect_err("refused before the window");
        assert_eq!(err, AppError::Conflict(Msg::StartNotYetOpen));
        let zh = err.message(Lang::ZhCn);
        let en = err.message(Lang::En);
        assert_eq!(zh, "考试尚未开始，请在开考时间后进入");
        assert_eq!(en, "The sitting has not opened yet");
        let page = c1
            .get(&format!("/exam/{sitting}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&zh),
            "the start page shows the refusal in Chinese"
        );
        c1.lang = Some("en".into());
        let page = c1
            .get(&format!("/exam/{sitting}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains(&en), "and in English for an English reader");
        c1.lang = None;
        assert_eq!(h.count("SELECT COUNT(*) FROM attempts").await, 0);

        h.open();
        // Without the pledge: refused, nothing stored.
        let res = c1
            .call_raw("attempts/start", &[("sitting_id", &sitting)])
            .await;
        assert_eq!(res.status(), 400);
        let no_pledge: Result<AttemptId, AppError> =
            c1.call("attempts/start", &[("sitting_id", &sitting)]).await;
        assert_eq!(
            no_pledge,
            Err(AppError::Invalid {
                field: Some("pledge".into()),
                msg: Msg::ErrPledgeRequired
            })
        );
        assert_eq!(h.count("SELECT COUNT(*) FROM attempts").await, 0);

        // Ten starts at once from the candidate's browser: one attempt.
        let mut starts = Vec::new();
        for _ in 0..10 {
            let mut c = Client::new(c1.addr);
            c.session = c1.session.clone();
            let s = sitting.clone();
            starts.push(tokio::spawn(async move {
                c.call::<AttemptId>("attempts/start", &[("sitting_id", &s), ("pledge", "on")])
                    .await
            }));
        }
        let mut ids = Vec::new();
        for s in starts {
            ids.push(s.await.unwrap().expect("every concurrent start succeeds"));
        }
        let id = ids[0];
        assert!(ids.iter().all(|x| *x == id), "{ids:?}");
        assert_eq!(h.count("SELECT COUNT(*) FROM attempts").await, 1);
        let row = h.row(id).await;
        assert_eq!(row.started_at, h.now());
        assert_eq!(row.deadline, h.now().plus_secs(600), "start + 10 minutes");

        // Starting again later returns the same attempt and does not restart the clock.
        h.advance(90);
        let again = h.start(&mut c1).await;
        assert_eq!(again, id);
        assert_eq!(h.row(id).await.deadline, row.deadline);
        assert_eq!(h.count("SELECT COUNT(*) FROM attempts").await, 1);
        let info: StartInfo =
            call_ok(&mut c1, "attempts/start-info", &[("sitting_id", &sitting)]).await;
        assert_eq!(info.attempt, Some(id));
        assert_eq!(info.attempt_status, Some(AttemptStatus::Open));
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 2. The key never reaches the candidate.

both_backends!(
    no_response_a_candidate_receives_contains_the_key_an_explanation_or_a_score,
    |b: Backend| async move {
        let opts = ExamOpts {
            visibility: "never",
            shuffle_options: false,
            ..DEFAULT_OPTS
        };
        let Some(mut h) = Hall::new(b, opts).await else {
            return;
        };
        let c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let sitting = h.sitting.clone();
        let mut r = Recorder {
            c: c1,
            seen: Vec::new(),
        };

        let (s, _) = r
            .form("attempts/start-info", &[("sitting_id", &sitting)])
            .await;
        assert_eq!(s, 200);
        let (s, body) = r
            .form(
                "attempts/start",
                &[("sitting_id", &sitting), ("pledge", "on")],
            )
            .await;
        assert_eq!(s, 200);
        let id: AttemptId = serde_json::from_str(&body).unwrap();
        let ids = id.to_string();
        let (s, _) = r.form("attempts/view", &[("attempt_id", &ids)]).await;
        assert_eq!(s, 200);
        for path in [
            format!("/exam/{sitting}"),
            format!("/attempt/{id}"),
            format!("/attempt/{id}?q=3"),
            format!("/attempt/{id}/submit"),
            "/".to_owned(),
        ] {
            r.page(&path).await;
        }

        // Every item answered (mostly wrongly, so no answer coincides with its key; the
        // first blank right, so the attempt earns points that must stay hidden).
        let typed = ["民主集中制", "两个维护"];
        let answers = [
            Response::Choice(vec![1]),
            Response::Choice(vec![1]),
            Response::TrueFalse(false),
            Response::Blanks(typed.iter().map(|t| t.to_string()).collect()),
        ];
        for (i, a) in answers.iter().enumerate() {
            let (s, body) = r
                .json(
                    "attempts/save",
                    serde_json::json!({ "req": SaveRequest {
                        attempt: id,
                        position: i as u32,
                        seq: 1,
                        response: Some(a.clone()),
                        flagged: i == 2,
                    }}),
                )
                .await;
            assert_eq!(s, 200, "{body}");
        }
        let (s, _) = r
            .json(
                "attempts/navigate",
                serde_json::json!({ "attempt": id, "position": 2 }),
            )
            .await;
        assert_eq!(s, 200);
        let (s, _) = r
            .json(
                "attempts/event",
                serde_json::json!({ "attempt": id, "event": "TabHidden" }),
            )
            .await;
        assert_eq!(s, 200);
        let (s, _) = r.form("attempts/clock", &[("attempt_id", &ids)]).await;
        assert_eq!(s, 200);
        let (s, _) = r.form("attempts/mine", &[]).await;
        assert_eq!(s, 200);
        let (s, body) = r.form("attempts/view", &[("attempt_id", &ids)]).await;
        assert_eq!(s, 200);
        let v: AttemptView = serde_json::from_str(&body).unwrap();
        assert_eq!(v.answers.len(), 4, "every answer is stored");
        let exam_page = r.page(&format!("/attempt/{id}")).await;
        r.page(&format!("/attempt/{id}?q=2")).await;
        r.page(&format!("/attempt/{id}/submit")).await;
        r.page("/").await;

        // The search sees the hydration data: the paper's stems and the view's fields
        // are found in the exam page exactly as a leaked key field would be.
        assert_eq!(
            leaks(
                &exam_page,
                &[
                    "\"stem\":\"STEM-SINGLE".to_owned(),
                    "\"deadline\"".to_owned()
                ]
            )
            .len(),
            2,
            "the scan reads the page's serialised data"
        );

        let mut needles = secrets_of(&h, id, &typed).await;
        assert!(needles.iter().any(|n| n == "KEYALT-one-Xq4"));
        assert!(needles.iter().any(|n| n.starts_with("EXPL-FILL")));
        needles.extend(KEY_FIELDS.iter().map(|s| s.to_string()));
        needles.extend(SCORE_FIELDS.iter().map(|s| s.to_string()));
        let found = r.leaks(&needles);
        assert!(found.is_empty(), "before submission: {found:#?}");

        // Submit (twice) and look at everything again: the exam never shows results.
        let before = r.seen.len();
        let (s, body) = r.form("attempts/submit", &[("attempt_id", &ids)]).await;
        assert_eq!((s, body.as_str()), (200, "null"));
        let (s, body) = r.form("attempts/submit", &[("attempt_id", &ids)]).await;
        assert_eq!((s, body.as_str()), (200, "null"));
        let row = h.row(id).await;
        assert_eq!(row.status, "submitted");
        assert_eq!(
            row.score,
            Some(200),
            "graded on the server: one blank of two"
        );
        for path in [
            format!("/attempt/{id}/done"),
            format!("/attempt/{id}"),
            format!("/attempt/{id}/submit"),
            format!("/exam/{sitting}"),
            "/".to_owned(),
        ] {
            r.page(&path).await;
        }
        for ep in ["attempts/view", "attempts/clock"] {
            let (s, _) = r.form(ep, &[("attempt_id", &ids)]).await;
            assert_eq!(s, 200, "{ep}");
        }
        let (s, _) = r.form("attempts/mine", &[]).await;
        assert_eq!(s, 200);
        let (s, _) = r
            .form("attempts/start-info", &[("sitting_id", &sitting)])
            .await;
        assert_eq!(s, 200);
        let (s, _) = r
            .json(
                "attempts/save",
                serde_json::json!({ "req": req(id, 0, 9, Some(Response::Choice(vec![0]))) }),
            )
            .await;
        assert_eq!(s, 410);
        assert!(r.seen.len() > before + 8);
        let found = r.leaks(&needles);
        assert!(found.is_empty(), "after submission: {found:#?}");
        let done = &r
            .seen
            .iter()
            .find(|(w, _)| w == &format!("GET /attempt/{id}/done"))
            .unwrap()
            .1;
        assert!(done.contains(Msg::ResultHidden.text(Lang::ZhCn)));
        assert!(!done.contains(Msg::ScoreLabel.text(Lang::ZhCn)));
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 3. Saves.

both_backends!(
    a_stale_or_replayed_save_never_overwrites_a_newer_answer_and_a_refused_save_changes_nothing,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut cs = h.enrol(&["c1", "c2"]).await;
        let mut c2 = cs.pop().unwrap();
        let mut c1 = cs.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        let other = h.start(&mut c2).await;
        let first = Response::Choice(vec![0]);
        let second = Response::Choice(vec![1]);

        let ack = save(&c1, &req(id, 0, 5, Some(first.clone())))
            .await
            .unwrap();
        assert_eq!((ack.position, ack.seq, ack.saved_at), (0, 5, h.now()));
        let stored_at = h.now();
        h.advance(1);
        let stale = save(&c1, &req(id, 0, 3, Some(second.clone())))
            .await
            .unwrap();
        assert_eq!(
            (stale.seq, stale.saved_at),
            (5, stored_at),
            "a lower seq is answered with the stored one"
        );
        let equal = save(&c1, &req(id, 0, 5, Some(second.clone())))
            .await
            .unwrap();
        assert_eq!(
            (equal.seq, equal.saved_at),
            (5, stored_at),
            "an equal seq too"
        );
        let replay = save(&c1, &req(id, 0, 5, Some(first.clone())))
            .await
            .unwrap();
        assert_eq!((replay.seq, replay.saved_at), (5, stored_at), "a replay");
        let v = view(&mut c1, id).await.unwrap();
        assert_eq!(v.answers.len(), 1);
        assert_eq!(v.answers[0].response, Some(first.clone()));
        assert_eq!((v.answers[0].seq, v.answers[0].saved_at), (5, stored_at));
        // A newer save does replace it.
        let newer = save(&c1, &req(id, 0, 6, Some(second.clone())))
            .await
            .unwrap();
        assert_eq!((newer.seq, newer.saved_at), (6, h.now()));
        let v = view(&mut c1, id).await.unwrap();
        assert_eq!(v.answers[0].response, Some(second.clone()));

        // Answers that do not fit their item are refused with 400 and change nothing,
        // even with a higher seq.
        save(
            &c1,
            &req(
                id,
                3,
                1,
                Some(Response::Blanks(vec!["甲".into(), "乙".into()])),
            ),
        )
        .await
        .unwrap();
        let before = view(&mut c1, id).await.unwrap().answers;
        let rows_before = h.count("SELECT COUNT(*) FROM attempt_answers").await;
        for (position, bad) in [
            (0, Response::Choice(vec![4])),
            (0, Response::Choice(vec![0, 1])),
            (0, Response::TrueFalse(true)),
            (1, Response::Blanks(vec!["甲".into()])),
            (2, Response::Choice(vec![0])),
            (3, Response::Blanks(vec!["甲".into()])),
            (
                3,
                Response::Blanks(vec!["甲".into(), "乙".into(), "丙".into()]),
            ),
        ] {
            let refused = save(&c1, &req(id, position, 100, Some(bad.clone()))).await;
            assert!(
                matches!(
                    refused,
                    Err((
                        400,
                        AppError::Invalid {
                            msg: Msg::ErrResponseInvalid,
                            ..
                        }
                    ))
                ),
                "{bad:?} at {position}: {refused:?}"
            );
        }
        let outside = save(&c1, &req(id, 4, 100, Some(Response::TrueFalse(true)))).await;
        assert!(matches!(outside, Err((400, _))), "{outside:?}");
        assert_eq!(view(&mut c1, id).await.unwrap().answers, before);
        assert_eq!(
            h.count("SELECT COUNT(*) FROM attempt_answers").await,
            rows_before
        );

        // Someone else's attempt does not exist for this candidate: saving, moving,
        // viewing or submitting it is 404 and changes nothing.
        let foreign = save(&c2, &req(id, 0, 1_000, Some(first.clone()))).await;
        assert!(
            matches!(foreign, Err((404, AppError::NotFound))),
            "{foreign:?}"
        );
        assert_eq!(navigate(&c2, id, 3).await.0, 404);
        assert_eq!(view(&mut c2, id).await, Err(AppError::NotFound));
        assert_eq!(submit(&mut c2, id).await, Err(AppError::NotFound));
        let clock: Result<ClockSync, AppError> = c2
            .call("attempts/clock", &[("attempt_id", &id.to_string())])
            .await;
        assert_eq!(clock, Err(AppError::NotFound));
        let v = view(&mut c1, id).await.unwrap();
        assert_eq!(v.answers, before);
        assert_eq!(v.status, AttemptStatus::Open);
        assert_eq!(v.current, 0);
        assert!(view(&mut c2, other).await.unwrap().answers.is_empty());
        h.finish().await;
    }
);

// A refused save leaves no trace on the attempt: the invigilator's "last save" column
// must not move for an answer that was not stored.
both_backends!(
    an_invalid_save_is_not_recorded_as_the_candidates_last_save,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        save(&c1, &req(id, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .unwrap();
        let saved_at = h.now();
        assert_eq!(h.row(id).await.last_save_at, Some(saved_at));
        h.advance(30);
        let refused = save(&c1, &req(id, 0, 2, Some(Response::Choice(vec![9])))).await;
        assert!(matches!(refused, Err((400, _))), "{refused:?}");
        let outside = save(&c1, &req(id, 7, 2, Some(Response::TrueFalse(true)))).await;
        assert!(matches!(outside, Err((400, _))), "{outside:?}");
        let mut org = h.org.on(h.w.server.addr);
        let pv = h.proctor(&mut org).await;
        assert_eq!(
            h.row(id).await.last_save_at,
            Some(saved_at),
            "a refused save moved last_save_at"
        );
        assert_eq!(pv.rows[0].last_save_at, Some(saved_at));
        h.finish().await;
    }
);

// The invigilator's progress counts what the candidate's own answer card counts: a
// question whose boxes were all unticked or whose blanks were emptied is unanswered.
both_backends!(
    the_invigilators_progress_does_not_count_cleared_questions_as_answered,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        // What the exam page sends after unticking every box / emptying the blanks.
        save(&c1, &req(id, 1, 1, Some(Response::Choice(vec![]))))
            .await
            .unwrap();
        save(
            &c1,
            &req(
                id,
                3,
                1,
                Some(Response::Blanks(vec![String::new(), " ".into()])),
            ),
        )
        .await
        .unwrap();
        save(&c1, &req(id, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .unwrap();
        let v = view(&mut c1, id).await.unwrap();
        let own = v
            .answers
            .iter()
            .filter(|a| {
                a.response
                    .as_ref()
                    .is_some_and(app::grading::domain::is_answered)
            })
            .count();
        assert_eq!(own, 1, "the candidate's answer card counts one answer");
        let mut org = h.org.on(h.w.server.addr);
        let pv = h.proctor(&mut org).await;
        assert_eq!(
            pv.rows[0].answered, 1,
            "the invigilator sees the same count"
        );
        h.finish().await;
    }
);

// Moving to a question outside the paper is refused like a save there, and the page
// the candidate resumes on stays inside the paper.
both_backends!(
    navigating_outside_the_paper_is_refused_and_keeps_the_current_question,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        assert_eq!(navigate(&c1, id, 3).await.0, 200);
        assert_eq!(view(&mut c1, id).await.unwrap().current, 3);
        let (status, body) = navigate(&c1, id, 99).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(view(&mut c1, id).await.unwrap().current, 3);
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 4. The deadline.

both_backends!(
    a_save_arriving_after_the_deadline_is_gone_and_changes_nothing,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        let deadline = h.row(id).await.deadline;
        save(&c1, &req(id, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .unwrap();
        // Exactly at the deadline a save is still in time.
        h.advance(600);
        assert_eq!(h.now(), deadline);
        let ack = save(&c1, &req(id, 2, 2, Some(Response::TrueFalse(false))))
            .await
            .expect("a save at the deadline is in time");
        assert_eq!(ack.deadline, deadline);
        let before = view(&mut c1, id).await.unwrap().answers;

        // One second later every write is refused with 410 and nothing changes.
        h.advance(1);
        for (position, seq, response) in [
            (2, 3, Response::TrueFalse(true)),
            (0, 1, Response::Choice(vec![0])),
        ] {
            let late = save(&c1, &req(id, position, seq, Some(response))).await;
            assert!(
                matches!(
                    late,
                    Err((410, AppError::Attempt(AttemptRefusal::DeadlinePassed)))
                ),
                "{late:?}"
            );
        }
        let (status, body) = navigate(&c1, id, 3).await;
        assert_eq!(status, 410, "{body}");
        let v = view(&mut c1, id).await.unwrap();
        assert_eq!(v.answers, before);
        assert_eq!(v.current, 0);
        assert_eq!(
            AppError::Attempt(AttemptRefusal::DeadlinePassed).message(Lang::ZhCn),
            "考试时间已到，此后的答案不再保存"
        );
        let clock: ClockSync = call_ok(
            &mut c1,
            "attempts/clock",
            &[("attempt_id", &id.to_string())],
        )
        .await;
        assert_eq!((clock.deadline, clock.server_now), (deadline, h.now()));

        // A late click on "submit" submits what was saved in time, as of the deadline.
        let result = submit(&mut c1, id).await.unwrap().expect("shown at once");
        let row = h.row(id).await;
        assert_eq!(row.submit_reason.as_deref(), Some("deadline"));
        assert_eq!(row.submitted_at, Some(deadline));
        assert_eq!(result.score, pts(0), "the answer kept is the false one");
        h.finish().await;
    }
);

both_backends!(
    with_a_grace_period_a_save_just_after_the_deadline_is_kept_and_one_after_the_grace_is_not,
    |b: Backend| async move {
        let Some(w) = World::new_with(b, |c| c.attempt_grace_secs = 20).await else {
            return;
        };
        let mut h = Hall::build(w, DEFAULT_OPTS).await;
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        let deadline = h.row(id).await.deadline;

        h.advance(600 + 10);
        let ack = save(&c1, &req(id, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .expect("ten seconds into the grace");
        assert_eq!(
            ack.deadline, deadline,
            "the grace does not move the deadline"
        );
        h.advance(10);
        save(
            &c1,
            &req(
                id,
                3,
                1,
                Some(Response::Blanks(vec!["民主集中制".into(), String::new()])),
            ),
        )
        .await
        .expect("at the end of the grace");
        assert_eq!(h.finalize().await, 0, "not due within the grace");
        let kept = view(&mut c1, id).await.unwrap().answers;
        assert_eq!(kept.len(), 2);

        h.advance(1);
        let late = save(&c1, &req(id, 2, 2, Some(Response::TrueFalse(false)))).await;
        assert!(
            matches!(
                late,
                Err((410, AppError::Attempt(AttemptRefusal::DeadlinePassed)))
            ),
            "{late:?}"
        );
        assert_eq!(view(&mut c1, id).await.unwrap().answers, kept);

        // Deadline + grace + 1 s: the finaliser takes it, grading the saves in grace.
        assert_eq!(h.finalize().await, 1);
        let row = h.row(id).await;
        assert_eq!(row.status, "submitted");
        assert_eq!(row.submit_reason.as_deref(), Some("deadline"));
        assert_eq!(row.submitted_at, Some(deadline));
        let items: Vec<u32> = serde_json::from_str(row.item_points.as_deref().unwrap()).unwrap();
        assert_eq!(items, vec![0, 0, 100, 200]);
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 5. The finaliser and grading.

/// The candidate's response choosing these original options of item `i`.
fn choose(paper: &[DrawnItem], i: usize, originals: &[u8]) -> Response {
    Response::Choice(shown(&paper[i], originals))
}

both_backends!(
    the_finaliser_submits_and_grades_at_the_deadline_with_partial_credit_per_option_and_per_blank,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut cs = h.enrol(&["c1", "c2", "c3", "c4"]).await;
        h.open();
        let mut ids = Vec::new();
        for c in cs.iter_mut() {
            ids.push(h.start(c).await);
        }
        let paper = h.paper(ids[0]).await;
        for (item, q) in paper.iter().zip(&h.qids) {
            assert_eq!(
                &item.question_id.to_string(),
                q,
                "questions keep their order"
            );
        }
        let blanks = |a: &str, b: &str| Response::Blanks(vec![a.into(), b.into()]);
        // (answers by position, expected points per item, passed at 60 %)
        let plans: [(Vec<Option<Response>>, [u32; 4], bool); 4] = [
            (
                vec![
                    Some(choose(&h.paper(ids[0]).await, 0, &[0])),
                    Some(choose(&h.paper(ids[0]).await, 1, &[0, 2])),
                    Some(Response::TrueFalse(false)),
                    Some(blanks("民主集中制", "四个自信")),
                ],
                // right, 2 of 3 right options, wrong, 1 of 2 blanks
                [200, 200, 0, 200],
                true,
            ),
            (
                vec![
                    Some(choose(&h.paper(ids[1]).await, 0, &[3])),
                    Some(choose(&h.paper(ids[1]).await, 1, &[0, 1])),
                    Some(Response::TrueFalse(true)),
                    Some(blanks(" 民主集中制 ", "KEYALT-two-Vb8")),
                ],
                // wrong, a wrong option among right ones scores 0, right, both blanks
                // (the second by its alternative)
                [0, 0, 100, 400],
                false,
            ),
            (vec![None, None, None, None], [0, 0, 0, 0], false),
            (
                vec![
                    Some(choose(&h.paper(ids[3]).await, 0, &[0])),
                    Some(choose(&h.paper(ids[3]).await, 1, &[0, 2, 3])),
                    Some(Response::TrueFalse(true)),
                    Some(blanks("民主集中制", "四个意识")),
                ],
                [200, 300, 100, 400],
                true,
            ),
        ];
        for ((c, id), (answers, _, _)) in cs.iter().zip(&ids).zip(&plans) {
            for (i, a) in answers.iter().enumerate() {
                if let Some(a) = a {
                    save(c, &req(*id, i as u32, 1, Some(a.clone())))
                        .await
                        .unwrap();
                }
            }
        }
        // c4 submits by themselves; the others leave it to the deadline.
        let own = submit(&mut cs[3], ids[3]).await.unwrap();
        assert_eq!(
            own,
            Some(ResultView {
                score: pts(TOTAL),
                max: pts(TOTAL),
                passed: true
            })
        );
        let deadline = h.row(ids[0]).await.deadline;
        h.advance(300);
        assert_eq!(h.finalize().await, 0, "nothing is due halfway");
        h.advance(300);
        assert_eq!(h.now(), deadline);
        assert_eq!(h.finalize().await, 0, "nor at the deadline itself");
        h.advance(1);
        assert_eq!(
            h.finalize().await,
            3,
            "a second after: the three open attempts"
        );
        assert_eq!(h.finalize().await, 0, "and only once");

        for (i, (id, (_, items, passed))) in ids.iter().zip(&plans).enumerate() {
            let row = h.row(*id).await;
            assert_eq!(row.status, "submitted", "c{}", i + 1);
            let stored: Vec<u32> =
                serde_json::from_str(row.item_points.as_deref().unwrap()).unwrap();
            assert_eq!(&stored[..], &items[..], "c{}", i + 1);
            let score: u32 = items.iter().sum();
            assert_eq!(row.score, Some(score as i32), "c{}", i + 1);
            assert_eq!(row.max_score, TOTAL as i32);
            assert_eq!(row.threshold, Some(600), "60 % of 10 points");
            assert_eq!(row.passed, Some(*passed), "c{}", i + 1);
            if i == 3 {
                assert_eq!(row.submit_reason.as_deref(), Some("candidate"));
            } else {
                assert_eq!(row.submit_reason.as_deref(), Some("deadline"));
                assert_eq!(row.submitted_at, Some(deadline));
            }
        }

        // Submitting afterwards is harmless and shows the same result; saving is gone.
        let expected = ResultView {
            score: pts(600),
            max: pts(TOTAL),
            passed: true,
        };
        let before = h.row(ids[0]).await;
        assert_eq!(submit(&mut cs[0], ids[0]).await, Ok(Some(expected)));
        assert_eq!(submit(&mut cs[0], ids[0]).await, Ok(Some(expected)));
        let after = h.row(ids[0]).await;
        assert_eq!(
            (after.submitted_at, after.submit_reason, after.score),
            (before.submitted_at, before.submit_reason, before.score)
        );
        let late = save(&cs[0], &req(ids[0], 2, 5, Some(Response::TrueFalse(true)))).await;
        assert!(
            matches!(
                late,
                Err((410, AppError::Attempt(AttemptRefusal::Submitted)))
            ),
            "{late:?}"
        );
        let v = view(&mut cs[0], ids[0]).await.unwrap();
        assert_eq!(v.status, AttemptStatus::Submitted);
        assert_eq!(v.result, Some(expected));
        let mine: MyAttempts = call_ok(&mut cs[0], "attempts/mine", &[]).await;
        assert!(mine.open.is_empty());
        assert_eq!(mine.past[0].result, Some(expected));
        // This exam shows results, and the leak scan of the other test would see them.
        let done = cs[0]
            .get(&format!("/attempt/{}/done", ids[0]))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            leaks(&done, &["\"score\"".to_owned()]).len() == 1,
            "a shown result is found by the scan"
        );
        assert!(done.contains(Msg::ScoreLabel.text(Lang::ZhCn)));
        h.finish().await;
    }
);

both_backends!(
    the_background_finaliser_submits_an_attempt_nobody_submitted,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        save(&c1, &req(id, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .unwrap();
        server::spawn_finalizer(h.w.server.state.clone());
        h.advance(601);
        let give_up = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let row = loop {
            let row = h.row(id).await;
            if row.status == "submitted" {
                break row;
            }
            assert!(
                std::time::Instant::now() < give_up,
                "the background finaliser did not submit within 20 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(row.submit_reason.as_deref(), Some("deadline"));
        assert_eq!(row.score, Some(100));
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 6. Exactly once across app servers.

/// Two app servers on one PostgreSQL database, each running two finalisers at once over
/// fifty overdue attempts: every attempt is submitted and graded by exactly one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_app_servers_finalise_each_of_fifty_overdue_attempts_exactly_once() {
    let Some(mut h) = Hall::new(Backend::Postgres, DEFAULT_OPTS).await else {
        return;
    };
    let logins: Vec<String> = (0..50).map(|i| format!("k{i:02}")).collect();
    let refs: Vec<&str> = logins.iter().map(String::as_str).collect();
    let clients = h.enrol(&refs).await;
    h.open();
    let two = common::start_server(&h.w.db.url, ManualClock::new(h.now())).await;

    // Everyone starts through one server or the other, and answers through the other:
    // the true/false item right when i is even, the single choice right when i % 3 == 0.
    let sitting = h.sitting.clone();
    let one_addr = h.w.server.addr;
    let mut tasks = Vec::new();
    for (i, c) in clients.into_iter().enumerate() {
        let sitting = sitting.clone();
        let (start_on, save_on) = if i % 2 == 0 {
            (one_addr, two.addr)
        } else {
            (two.addr, one_addr)
        };
        tasks.push(tokio::spawn(async move {
            let mut c = c.on(start_on);
            let id: AttemptId = c
                .call(
                    "attempts/start",
                    &[("sitting_id", &sitting), ("pledge", "on")],
                )
                .await
                .expect("starts");
            (i, id, c.on(save_on))
        }));
    }
    let mut started = Vec::new();
    for t in tasks {
        started.push(t.await.unwrap());
    }
    let mut expected = Vec::new();
    for (i, id, c) in &started {
        let paper = h.paper(*id).await;
        let single = if i % 3 == 0 { 0 } else { 1 };
        save(c, &req(*id, 0, 1, Some(choose(&paper, 0, &[single]))))
            .await
            .unwrap();
        save(c, &req(*id, 2, 1, Some(Response::TrueFalse(i % 2 == 0))))
            .await
            .unwrap();
        let items = [
            if i % 3 == 0 { 200 } else { 0 },
            0,
            if i % 2 == 0 { 100 } else { 0 },
            0,
        ];
        expected.push((*id, items));
    }
    let deadline = h.row(started[0].1).await.deadline;
    h.advance(601);
    two.clock.advance_secs(601);
    assert_eq!(two.state.clock.now(), h.now());
    assert_eq!(h.now(), deadline.plus_secs(1));

    let mut runs = Vec::new();
    for state in [
        h.w.server.state.clone(),
        two.state.clone(),
        h.w.server.state.clone(),
        two.state.clone(),
    ] {
        runs.push(tokio::spawn(async move {
            app::attempts::service::finalize_due(&state).await
        }));
    }
    let mut counts = Vec::new();
    for r in runs {
        counts.push(r.await.unwrap().expect("a finaliser pass"));
    }
    assert_eq!(counts.iter().sum::<usize>(), 50, "{counts:?}");
    assert_eq!(h.finalize().await, 0);
    assert_eq!(
        app::attempts::service::finalize_due(&two.state)
            .await
            .unwrap(),
        0
    );

    for (id, items) in &expected {
        let row = h.row(*id).await;
        assert_eq!(row.status, "submitted");
        assert_eq!(row.submit_reason.as_deref(), Some("deadline"));
        assert_eq!(row.submitted_at, Some(row.deadline));
        let stored: Vec<u32> = serde_json::from_str(row.item_points.as_deref().unwrap()).unwrap();
        assert_eq!(&stored[..], &items[..], "{id}");
        let score: u32 = items.iter().sum();
        assert_eq!(row.score, Some(score as i32));
        assert_eq!(row.passed, Some(false));
        assert_eq!(row.regrade_count, 0);
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM attempts WHERE status = 'submitted' AND score IS NOT NULL AND graded_at IS NOT NULL")
            .await,
        50
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM attempt_answers").await,
        100,
        "finalising touches no answer"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'attempt.%' OR action LIKE 'regrade.%'")
            .await,
        0,
        "finalising is no invigilator action"
    );
    two.stop().await;
    h.finish().await;
}

// ---------------------------------------------------------------------------------------
// 7. One browser session per attempt.

both_backends!(
    a_second_session_is_refused_with_423_recorded_and_audited_until_an_organizer_unlocks,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut first = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut first).await;
        view(&mut first, id)
            .await
            .expect("the starting browser holds it");
        save(&first, &req(id, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .unwrap();

        let mut second = h.signed_in("c1").await;
        assert_ne!(second.session, first.session);
        let res = second
            .call_raw("attempts/view", &[("attempt_id", &id.to_string())])
            .await;
        assert_eq!(res.status(), 423);
        assert_eq!(
            view(&mut second, id).await,
            Err(AppError::Attempt(AttemptRefusal::OtherDevice))
        );
        let blocked = save(&second, &req(id, 2, 9, Some(Response::TrueFalse(false)))).await;
        assert!(
            matches!(
                blocked,
                Err((423, AppError::Attempt(AttemptRefusal::OtherDevice)))
            ),
            "{blocked:?}"
        );
        assert_eq!(navigate(&second, id, 3).await.0, 423);
        assert_eq!(
            submit(&mut second, id).await,
            Err(AppError::Attempt(AttemptRefusal::OtherDevice))
        );
        let v = view(&mut first, id).await.unwrap();
        assert_eq!(v.status, AttemptStatus::Open);
        assert_eq!(v.answers[0].response, Some(Response::TrueFalse(true)));
        assert_eq!(v.current, 0);

        let refused_events = h
            .events(id)
            .await
            .into_iter()
            .filter(|(k, _)| k == "second_session_refused")
            .count();
        assert!(refused_events >= 2, "each refused opening is an event");
        let audited: Vec<_> = h
            .audit("attempt.second_session_refused")
            .await
            .into_iter()
            .filter(|(target, _)| target == &id.to_string())
            .collect();
        assert_eq!(audited.len(), refused_events, "and an audit row");

        // The organizer unlocks (a reason is required); the next browser to open it
        // takes it, and the first is now the one refused.
        let mut org = h.org.on(h.w.server.addr);
        let pv = h.proctor(&mut org).await;
        assert!(!pv.rows[0].unlocked);
        let no_reason: Result<(), AppError> = org
            .call(
                "attempts/unlock",
                &[("attempt_id", &id.to_string()), ("reason", "  ")],
            )
            .await;
        assert_eq!(
            no_reason,
            Err(AppError::Invalid {
                field: Some("reason".into()),
                msg: Msg::ErrReasonRequired
            })
        );
        assert_eq!(
            view(&mut second, id).await,
            Err(AppError::Attempt(AttemptRefusal::OtherDevice))
        );
        let _: () = call_ok(
            &mut org,
            "attempts/unlock",
            &[("attempt_id", &id.to_string()), ("reason", "考生更换电脑")],
        )
        .await;
        assert!(h.proctor(&mut org).await.rows[0].unlocked);
        let unlocked = h.audit("attempt.unlocked").await;
        assert_eq!(unlocked, vec![(id.to_string(), "考生更换电脑".to_owned())]);
        assert!(h
            .events(id)
            .await
            .contains(&("unlocked".to_owned(), "考生更换电脑".to_owned())));

        let v = view(&mut second, id)
            .await
            .expect("the new browser takes it");
        assert_eq!(v.answers[0].response, Some(Response::TrueFalse(true)));
        let ack = save(&second, &req(id, 2, 2, Some(Response::TrueFalse(false))))
            .await
            .expect("and saves there");
        assert_eq!(ack.seq, 2);
        assert!(!h.proctor(&mut org).await.rows[0].unlocked);
        let old = save(&first, &req(id, 2, 3, Some(Response::TrueFalse(true)))).await;
        assert!(
            matches!(
                old,
                Err((423, AppError::Attempt(AttemptRefusal::OtherDevice)))
            ),
            "{old:?}"
        );
        assert_eq!(
            view(&mut first, id).await,
            Err(AppError::Attempt(AttemptRefusal::OtherDevice))
        );
        let v = view(&mut second, id).await.unwrap();
        assert_eq!(v.answers[0].response, Some(Response::TrueFalse(false)));
        assert_eq!(v.answers[0].seq, 2);
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 8. Invigilation.

both_backends!(
    an_invigilator_extends_one_candidate_and_the_sitting_reopens_a_submission_and_sees_progress,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut cs = h.enrol(&["c1", "c2", "c3"]).await;
        let west = h.w.unit(&mut h.admin, "WEST", "西区", "3301").await;
        let mut admin = h.admin.on(h.w.server.addr);
        let mut west_org =
            h.w.person(&mut admin, "org.west", &west, &["role_organizer"], "")
                .await;
        h.open();
        let a = h.start(&mut cs[0]).await;
        let b2 = h.start(&mut cs[1]).await;
        save(&cs[0], &req(a, 2, 1, Some(Response::TrueFalse(true))))
            .await
            .unwrap();
        save(
            &cs[0],
            &req(
                a,
                3,
                1,
                Some(Response::Blanks(vec!["甲".into(), String::new()])),
            ),
        )
        .await
        .unwrap();
        // Cleared answers do not count as answered.
        save(&cs[0], &req(a, 0, 1, None)).await.unwrap();
        save(&cs[1], &req(b2, 2, 1, Some(Response::TrueFalse(false))))
            .await
            .unwrap();
        // The repeated reports arrive within 2 s of the first and are the same event.
        for event in [
            "TabHidden",
            "WindowBlur",
            "TabHidden",
            "WindowBlur",
            "TabHidden",
        ] {
            let (s, _) = post_json(
                &cs[0],
                "attempts/event",
                serde_json::json!({ "attempt": a, "event": event }),
            )
            .await;
            assert_eq!(s, 200);
        }

        let mut org = h.org.on(h.w.server.addr);
        let pv = h.proctor(&mut org).await;
        assert_eq!(pv.rows.len(), 3);
        let row = |pv: &ProctorView, login: &str| {
            pv.rows
                .iter()
                .find(|r| r.login == login)
                .unwrap_or_else(|| panic!("{login} listed"))
                .clone()
        };
        let r1 = row(&pv, "c1");
        assert_eq!(
            (r1.attempt, r1.status),
            (Some(a), Some(AttemptStatus::Open))
        );
        assert_eq!((r1.answered, r1.total, r1.events), (2, 4, 2));
        let r2 = row(&pv, "c2");
        assert_eq!((r2.answered, r2.total, r2.events), (1, 4, 0));
        let r3 = row(&pv, "c3");
        assert_eq!((r3.attempt, r3.answered), (None, 0));
        let kinds: Vec<(&str, &str)> = pv
            .events
            .iter()
            .map(|e| (e.login.as_str(), e.kind.as_str()))
            .collect();
        assert!(kinds.contains(&("c1", "tab_hidden")), "{kinds:?}");
        assert!(kinds.contains(&("c1", "window_blur")), "{kinds:?}");
        assert_eq!(r1.score, None, "no score while running");

        let (da, db) = (h.row(a).await.deadline, h.row(b2).await.deadline);
        let extend = |user: String, minutes: &'static str, reason: &'static str| {
            vec![
                ("sitting_id", h.sitting.clone()),
                ("user_id", user),
                ("minutes", minutes.to_owned()),
                ("reason", reason.to_owned()),
            ]
        };

        // Out-of-range minutes and a missing reason are refused and change nothing.
        for (minutes, reason) in [("0", "停电"), ("241", "停电"), ("5", " ")] {
            let f = extend(String::new(), minutes, reason);
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let bad: Result<u32, AppError> = org.call("attempts/extend", &f).await;
            assert!(
                matches!(bad, Err(AppError::Invalid { .. })),
                "{minutes} {reason}: {bad:?}"
            );
        }
        assert_eq!(
            (h.row(a).await.deadline, h.row(b2).await.deadline),
            (da, db)
        );

        // One candidate: five minutes for c1 only.
        let f = extend(r1.user_id.to_string(), "5", "设备故障");
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let n: u32 = call_ok(&mut org, "attempts/extend", &f).await;
        assert_eq!(n, 1);
        assert_eq!(h.row(a).await.deadline, da.plus_secs(300));
        assert_eq!(h.row(b2).await.deadline, db);
        // The whole sitting: ten more minutes for everyone running.
        let f = extend(String::new(), "10", "全场停电");
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let n: u32 = call_ok(&mut org, "attempts/extend", &f).await;
        assert_eq!(n, 2);
        assert_eq!(h.row(a).await.deadline, da.plus_secs(900));
        assert_eq!(h.row(b2).await.deadline, db.plus_secs(600));
        let audited = h.audit("attempt.extended").await;
        assert_eq!(audited.len(), 2, "{audited:?}");
        assert_eq!(audited[0].0, format!("{}/{}", h.sitting, r1.user_id));
        assert!(audited[0].1.contains("设备故障"), "{audited:?}");
        assert_eq!(audited[1].0, h.sitting);
        assert!(audited[1].1.contains("全场停电"), "{audited:?}");
        assert!(h
            .events(a)
            .await
            .iter()
            .any(|(k, d)| k == "time_extended" && d.contains("设备故障")));

        // The extension is real: past the old deadline a save still counts.
        h.advance(601);
        save(&cs[1], &req(b2, 2, 2, Some(Response::TrueFalse(true))))
            .await
            .expect("within the extended time");
        assert_eq!(h.finalize().await, 0, "nobody is due yet");
        let v = view(&mut cs[1], b2).await.unwrap();
        assert_eq!(
            v.deadline,
            db.plus_secs(600),
            "the candidate's countdown follows"
        );

        // A submission made by mistake is reopened with fresh minutes.
        submit(&mut cs[0], a).await.unwrap();
        assert_eq!(h.row(a).await.status, "submitted");
        let open_again: Result<(), AppError> = org
            .call(
                "attempts/reopen",
                &[
                    ("attempt_id", &b2.to_string()),
                    ("minutes", "5"),
                    ("reason", "误操作"),
                ],
            )
            .await;
        assert_eq!(open_again, Err(AppError::Conflict(Msg::ErrNotSubmitted)));
        let _: () = call_ok(
            &mut org,
            "attempts/reopen",
            &[
                ("attempt_id", &a.to_string()),
                ("minutes", "15"),
                ("reason", "误交卷"),
            ],
        )
        .await;
        let reopened = h.row(a).await;
        assert_eq!(reopened.status, "open");
        assert_eq!(reopened.deadline, h.now().plus_secs(900));
        assert_eq!((reopened.score, reopened.submitted_at), (None, None));
        let audited = h.audit("attempt.reopened").await;
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].0, a.to_string());
        assert!(audited[0].1.contains("误交卷"));
        let v = view(&mut cs[0], a).await.expect("the candidate goes on");
        assert_eq!(v.status, AttemptStatus::Open);
        assert_eq!(v.answers.len(), 3, "answers survive the reopening");
        save(
            &cs[0],
            &req(a, 1, 1, Some(choose(&h.paper(a).await, 1, &[0]))),
        )
        .await
        .expect("saves again");
        let pv = h.proctor(&mut org).await;
        assert_eq!(row(&pv, "c1").status, Some(AttemptStatus::Open));
        assert_eq!(row(&pv, "c1").answered, 3);
        assert!(pv
            .events
            .iter()
            .any(|e| e.login == "c1" && e.kind == "reopened"));

        // An organizer of another unit and a candidate are refused, and nothing moves.
        let deadlines = (h.row(a).await.deadline, h.row(b2).await.deadline);
        let denied = |r: &Result<serde_json::Value, AppError>| {
            matches!(r, Err(AppError::Forbidden | AppError::NotFound))
        };
        for c in [&mut west_org, &mut cs[2]] {
            let attempts: [(&str, Vec<(&str, String)>); 4] = [
                ("attempts/proctor", vec![("sitting_id", h.sitting.clone())]),
                (
                    "attempts/extend",
                    vec![
                        ("sitting_id", h.sitting.clone()),
                        ("user_id", String::new()),
                        ("minutes", "30".into()),
                        ("reason", "越权".into()),
                    ],
                ),
                (
                    "attempts/unlock",
                    vec![("attempt_id", a.to_string()), ("reason", "越权".into())],
                ),
                (
                    "attempts/reopen",
                    vec![
                        ("attempt_id", b2.to_string()),
                        ("minutes", "30".into()),
                        ("reason", "越权".into()),
                    ],
                ),
            ];
            for (ep, f) in attempts {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let r: Result<serde_json::Value, AppError> = c.call(ep, &f).await;
                assert!(denied(&r), "{ep}: {r:?}");
            }
        }
        assert_eq!(
            (h.row(a).await.deadline, h.row(b2).await.deadline),
            deadlines
        );
        assert!(!h.proctor(&mut org).await.rows.iter().any(|r| r.unlocked));
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 9. Regrades.

both_backends!(
    correcting_a_key_regrades_exactly_the_changed_attempts_in_one_go_and_voiding_gives_everyone_the_points,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut cs = h.enrol(&["c1", "c2", "c3", "c4"]).await;
        h.open();
        let mut ids = Vec::new();
        for c in cs.iter_mut() {
            ids.push(h.start(c).await);
        }
        let blanks = |a: &str, b: &str| Some(Response::Blanks(vec![a.into(), b.into()]));
        // The single choice's key is A and will be corrected to B (original 1).
        let plans: [Vec<Option<Response>>; 4] = [
            // A, full multiple, right true/false, no blank: 2 + 3 + 1 = 6 → 4 after.
            vec![
                Some(choose(&h.paper(ids[0]).await, 0, &[0])),
                Some(choose(&h.paper(ids[0]).await, 1, &[0, 2, 3])),
                Some(Response::TrueFalse(true)),
                None,
            ],
            // B, full multiple, right, both blanks: 3 + 1 + 4 = 8 → 10 after.
            vec![
                Some(choose(&h.paper(ids[1]).await, 0, &[1])),
                Some(choose(&h.paper(ids[1]).await, 1, &[0, 2, 3])),
                Some(Response::TrueFalse(true)),
                blanks("民主集中制", "四个意识"),
            ],
            // C, one of three options: 1 before and after the key change.
            vec![
                Some(choose(&h.paper(ids[2]).await, 0, &[2])),
                Some(choose(&h.paper(ids[2]).await, 1, &[0])),
                None,
                None,
            ],
            // Nothing at all.
            vec![None, None, None, None],
        ];
        for ((c, id), answers) in cs.iter_mut().zip(&ids).zip(&plans) {
            for (i, a) in answers.iter().enumerate() {
                if a.is_some() {
                    save(c, &req(*id, i as u32, 1, a.clone())).await.unwrap();
                }
            }
            submit(c, *id).await.unwrap();
        }
        let scores = |rows: &[app::attempts::repo::AttemptRow]| -> Vec<(Option<i32>, Option<bool>)> {
            rows.iter().map(|r| (r.score, r.passed)).collect()
        };
        let mut rows = Vec::new();
        for id in &ids {
            rows.push(h.row(*id).await);
        }
        assert_eq!(
            scores(&rows),
            vec![
                (Some(600), Some(true)),
                (Some(800), Some(true)),
                (Some(100), Some(false)),
                (Some(0), Some(false)),
            ]
        );

        // The organizer corrects the key; the question is in use, so a new version is
        // made and the attempts keep grading on the old one until a regrade.
        let single = h.qids[0].clone();
        let mut form = vec![("id", single.as_str())];
        form.extend(question_form(&QSpec {
            answer: "B",
            ..SINGLE
        }));
        let mut org = h.org.on(h.w.server.addr);
        let _: () = call_ok(&mut org, "questions/update", &form).await;
        let versions: Vec<app::question_bank::model::VersionView> =
            call_ok(&mut org, "questions/versions", &[("id", &single)]).await;
        assert_eq!(versions.len(), 2);
        assert_eq!(h.row(ids[0]).await.score, Some(600), "nothing regraded by itself");

        let questions: Vec<RegradeQuestion> =
            call_ok(&mut org, "attempts/regrade-questions", &[("exam_id", &h.exam)]).await;
        assert_eq!(questions.len(), 4);
        assert!(questions.iter().all(|q| q.attempts == 4 && q.current.is_none()));

        let preview_form = |q: &str, mode: &str| {
            vec![
                ("exam_id".to_owned(), h.exam.clone()),
                ("question_id".to_owned(), q.to_owned()),
                ("mode".to_owned(), mode.to_owned()),
            ]
        };
        let f = preview_form(&single, "key");
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let preview: Vec<RegradeChange> = call_ok(&mut org, "attempts/regrade-preview", &f).await;
        let summary: Vec<(&str, AttemptId, u32, u32, bool, bool)> = preview
            .iter()
            .map(|c| {
                (
                    c.login.as_str(),
                    c.attempt,
                    c.old_score.0,
                    c.new_score.0,
                    c.old_passed,
                    c.new_passed,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("c1", ids[0], 600, 400, true, false),
                ("c2", ids[1], 800, 1000, true, true),
            ],
            "exactly the attempts whose score or verdict changes"
        );
        let mut unchanged = Vec::new();
        for id in &ids {
            unchanged.push(h.row(*id).await);
        }
        assert_eq!(scores(&unchanged), scores(&rows), "a dry run changes nothing");
        assert!(h.audit("regrade.applied").await.is_empty());

        let mut f = preview_form(&single, "key");
        f.push(("reason".into(), "标准答案有误".into()));
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let applied: Vec<RegradeChange> = call_ok(&mut org, "attempts/regrade-apply", &f).await;
        assert_eq!(applied, preview, "apply changes what the dry run listed");
        let mut after = Vec::new();
        for id in &ids {
            after.push(h.row(*id).await);
        }
        assert_eq!(
            scores(&after),
            vec![
                (Some(400), Some(false)),
                (Some(1000), Some(true)),
                (Some(100), Some(false)),
                (Some(0), Some(false)),
            ]
        );
        let bumped: Vec<i32> = after.iter().map(|r| r.regrade_count).collect();
        assert_eq!(bumped, vec![1, 1, 0, 0]);
        let audited = h.audit("regrade.applied").await;
        assert_eq!(audited.len(), 1);
        assert_eq!(audited[0].0, format!("{}/{}", h.exam, single));
        assert!(audited[0].1.contains("标准答案有误"), "{audited:?}");
        let v = view(&mut cs[0], ids[0]).await.unwrap();
        assert_eq!(
            v.result,
            Some(ResultView {
                score: pts(400),
                max: pts(TOTAL),
                passed: false
            }),
            "the candidate sees the corrected result"
        );
        let f = preview_form(&single, "key");
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let again: Vec<RegradeChange> = call_ok(&mut org, "attempts/regrade-preview", &f).await;
        assert!(again.is_empty(), "applied once, nothing left to change");
        let no_reason = {
            let mut f = preview_form(&single, "key");
            f.push(("reason".into(), String::new()));
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            org.call::<Vec<RegradeChange>>("attempts/regrade-apply", &f).await
        };
        assert!(matches!(no_reason, Err(AppError::Invalid { .. })), "{no_reason:?}");

        // Voiding the multiple choice: everyone gets its three points.
        let multiple = h.qids[1].clone();
        let mut f = preview_form(&multiple, "void");
        f.push(("reason".into(), "题目有歧义".into()));
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let voided: Vec<RegradeChange> = call_ok(&mut org, "attempts/regrade-apply", &f).await;
        let changed: Vec<(&str, u32, u32)> = voided
            .iter()
            .map(|c| (c.login.as_str(), c.old_score.0, c.new_score.0))
            .collect();
        assert_eq!(changed, vec![("c3", 100, 300), ("c4", 0, 300)]);
        for id in &ids {
            let row = h.row(*id).await;
            let items: Vec<u32> =
                serde_json::from_str(row.item_points.as_deref().unwrap()).unwrap();
            assert_eq!(items[1], 300, "{id}");
        }
        let questions: Vec<RegradeQuestion> =
            call_ok(&mut org, "attempts/regrade-questions", &[("exam_id", &h.exam)]).await;
        let current = |q: &str| {
            questions
                .iter()
                .find(|x| x.question_id.to_string() == q)
                .unwrap()
                .current
                .clone()
        };
        assert_eq!(current(&single).as_deref(), Some("key"));
        assert_eq!(current(&multiple).as_deref(), Some("void"));
        assert_eq!(h.audit("regrade.applied").await.len(), 2);
        h.finish().await;
    }
);

// ---------------------------------------------------------------------------------------
// 10. The answer form without JavaScript.

async fn post_answer(c: &Client, id: AttemptId, form: &[(&str, &str)]) -> (u16, String) {
    let res = c
        .http
        .post(format!("http://{}/attempt/{id}/answer", c.addr))
        .header(
            "cookie",
            format!("examhall_session={}", c.session.as_deref().unwrap()),
        )
        .header("origin", format!("http://{}", c.addr))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location)
}

both_backends!(
    the_plain_answer_form_saves_and_redirects_to_the_next_question,
    |b: Backend| async move {
        let Some(mut h) = Hall::new(b, DEFAULT_OPTS).await else {
            return;
        };
        let mut c1 = h.enrol(&["c1"]).await.pop().unwrap();
        h.open();
        let id = h.start(&mut c1).await;
        let paper = h.paper(id).await;
        let page = format!("/attempt/{id}");

        let right = shown(&paper[0], &[0])[0].to_string();
        let (status, to) = post_answer(
            &c1,
            id,
            &[
                ("position", "0"),
                ("seq", "1"),
                ("choice", &right),
                ("flagged", "on"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!((status, to.as_str()), (303, format!("{page}?q=1").as_str()));
        let v = view(&mut c1, id).await.unwrap();
        assert_eq!(
            v.answers[0].response,
            Some(Response::Choice(vec![right.parse().unwrap()]))
        );
        assert!(v.answers[0].flagged);
        assert_eq!(v.answers[0].seq, 1);
        assert_eq!(v.current, 1);

        // Repeated choice fields make one multiple-choice answer.
        let picks = shown(&paper[1], &[0, 2]);
        let picks: Vec<String> = picks.iter().map(u8::to_string).collect();
        let (status, to) = post_answer(
            &c1,
            id,
            &[
                ("position", "1"),
                ("seq", "1"),
                ("choice", &picks[0]),
                ("choice", &picks[1]),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!((status, to.as_str()), (303, format!("{page}?q=2").as_str()));
        let v = view(&mut c1, id).await.unwrap();
        let mut want: Vec<u8> = picks.iter().map(|p| p.parse().unwrap()).collect();
        want.sort();
        assert_eq!(v.answers[1].response, Some(Response::Choice(want)));
        assert!(!v.answers[1].flagged);
        assert_eq!(v.current, 2);

        // A stale post (an older tab) changes nothing; an option that does not exist
        // comes back with the error and changes nothing either.
        let (status, _) = post_answer(
            &c1,
            id,
            &[
                ("position", "0"),
                ("seq", "1"),
                ("choice", "3"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        let (status, to) = post_answer(
            &c1,
            id,
            &[
                ("position", "0"),
                ("seq", "2"),
                ("choice", "9"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, 303);
        assert!(to.starts_with(&format!("{page}?q=0&error=")), "{to}");
        let v2 = view(&mut c1, id).await.unwrap();
        assert_eq!(v2.answers, v.answers);

        // After the deadline the form leads to the confirmation page and saves nothing.
        h.advance(601);
        let (status, to) = post_answer(
            &c1,
            id,
            &[
                ("position", "2"),
                ("seq", "1"),
                ("tf", "true"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (303, format!("{page}/done").as_str())
        );
        assert_eq!(view(&mut c1, id).await.unwrap().answers, v.answers);
        h.finish().await;
    }
);
