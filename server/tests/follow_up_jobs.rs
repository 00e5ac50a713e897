//! The background jobs of the follow-up through the real server, with a clock the test
//! moves and jobs run by calling the runner's tick: a regrade re-deciding retakes, two app
//! servers ticking at once on one PostgreSQL database, notification mail over SMTP (to a
//! tiny SMTP sink started by the test), and a job that keeps failing until an admin
//! retries it.

mod common;

use std::sync::{Arc, Mutex};

use app::accounts::model::UserSummary;
use app::attempts::model::{AttemptId, RegradeChange, ResultView};
use app::error::AppError;
use app::jobs::domain::{backoff_ms, MAX_ATTEMPTS};
use app::jobs::model::JobsOverview;
use app::notifications::mail::Mailer;
use app::notifications::model::Note;
use app::papers::domain::{pass_threshold, DrawnItem};
use app::papers::model::PassMark;
use app::question_bank::model::Points;
use app::retakes::model::MyRetake;
use app::server::{AppState, Clock, ManualClock};
use app::time::{format_local_datetime, Timestamp};
use common::{
    exec, id_of, notes_of, scalar_i64, signed_in, sql_uuid, start_server, Backend, Client, TestDb,
    TestServer, T0,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// The demo's exam; its practice sitting is open from half a minute after the demo loads.
const EXAM: &str = "2026年度干部党内法规知识测试";
const PRACTICE: &str = "模拟练习场次";
const FROM: &str = "examhall <noreply@example.org>";

async fn strings(s: &TestServer, q: &str) -> Vec<String> {
    let mut c = s.state.db.read().await.expect("read");
    app::sql!(&mut c, |x| sqlx::query_scalar::<_, String>(q)
        .fetch_all(&mut *x)
        .await)
    .expect(q)
}

/// One pass of the job runner on `state`, as the server's loop runs it.
async fn tick(state: &AppState) -> usize {
    app::jobs::service::tick(state, "test-worker")
        .await
        .expect("jobs run")
}

async fn attempt(s: &TestServer, id: AttemptId) -> app::attempts::repo::AttemptRow {
    let mut c = s.state.db.read().await.expect("read");
    app::attempts::repo::get(&mut c, id)
        .await
        .expect("query")
        .expect("the attempt exists")
}

async fn start(c: &mut Client, sitting: &str) -> AttemptId {
    c.call(
        "attempts/start",
        &[("sitting_id", sitting), ("pledge", "on")],
    )
    .await
    .expect("starts")
}

async fn submit(c: &mut Client, id: AttemptId) {
    let _: Option<ResultView> = c
        .call("attempts/submit", &[("attempt_id", &id.to_string())])
        .await
        .expect("submitted");
}

/// The demo loaded on a fresh server, with the practice sitting open.
struct Demo {
    db: TestDb,
    s: TestServer,
    clock: ManualClock,
    backend: Backend,
    exam: String,
    practice: String,
    /// When the practice sitting's window ends.
    end: Timestamp,
}

impl Demo {
    async fn new(backend: Backend) -> Option<Demo> {
        let db = TestDb::new(backend).await?;
        let clock = ManualClock::new(T0);
        let s = start_server(&db.url, clock.clone()).await;
        assert!(server::seed::load_demo(&s.state).await.expect("demo"));
        Some(Demo::on(db, s, clock, backend).await)
    }

    async fn on(db: TestDb, s: TestServer, clock: ManualClock, backend: Backend) -> Demo {
        clock.advance_secs(31);
        exec(&s, "UPDATE users SET must_change_password = FALSE").await;
        let exam = id_of(&s, &format!("SELECT id FROM exams WHERE title = '{EXAM}'")).await;
        let practice = id_of(
            &s,
            &format!("SELECT id FROM sittings WHERE name = '{PRACTICE}'"),
        )
        .await;
        let end = Timestamp(
            scalar_i64(
                &s,
                &format!("SELECT window_end FROM sittings WHERE name = '{PRACTICE}'"),
            )
            .await,
        );
        Demo {
            db,
            s,
            clock,
            backend,
            exam,
            practice,
            end,
        }
    }

    fn uuid(&self, id: &str) -> String {
        sql_uuid(self.backend, id)
    }

    async fn user_id(&self, login: &str) -> String {
        id_of(
            &self.s,
            &format!("SELECT id FROM users WHERE login = '{login}'"),
        )
        .await
    }

    /// A retake sitting of the exam, four days after the practice sitting ends (the
    /// exam's wait is three days), with twenty seats.
    async fn retake_sitting(&self) -> String {
        let mut admin = signed_in(&self.s, "admin").await;
        let start = self.end.plus_secs(4 * 86_400);
        let _: () = admin
            .call(
                "sittings/create",
                &[
                    ("exam_id", &self.exam),
                    ("name", "补考场次"),
                    ("window_start", &format_local_datetime(start)),
                    ("window_end", &format_local_datetime(start.plus_secs(7200))),
                    ("mode", "flexible"),
                    ("late_entry_minutes", "0"),
                    ("capacity", "20"),
                    ("location", "市委党校机房"),
                    ("is_retake", "on"),
                ],
            )
            .await
            .expect("retake sitting created");
        id_of(&self.s, "SELECT id FROM sittings WHERE name = '补考场次'").await
    }

    /// Moves the clock just past the end of the practice sitting.
    fn past_practice(&self) {
        let now = self.clock.now();
        self.clock.advance_secs((self.end.0 - now.0) / 1000 + 1);
    }

    async fn finish(self) {
        self.s.stop().await;
        self.db.drop_db().await;
    }
}

/// Answers so that the attempt fails narrowly: every item right except a few left
/// blank, the last of which alone would lift the score to the pass mark. Returns that
/// item's question and the pass mark.
async fn fail_narrowly(s: &TestServer, c: &Client, id: AttemptId) -> (String, u32) {
    let row = attempt(s, id).await;
    let paper: Vec<DrawnItem> = serde_json::from_str(&row.paper).expect("paper");
    let total: u32 = paper.iter().map(|i| i.points.0).sum();
    assert_eq!(i64::from(total), i64::from(row.max_score));
    // The demo exam passes at 60 %.
    let threshold = pass_threshold(PassMark::Percent(60), Points(total)).0;
    let mut score = total;
    let mut blank = Vec::new();
    for (i, item) in paper.iter().enumerate() {
        if score < threshold {
            break;
        }
        score -= item.points.0;
        blank.push(i);
    }
    let pivot = *blank.last().expect("something is left blank");
    assert!(score < threshold && score + paper[pivot].points.0 >= threshold);
    for (i, r) in common::correct_responses(s, id)
        .await
        .into_iter()
        .enumerate()
    {
        if !blank.contains(&i) {
            common::save_answer(c, id, i as u32, r).await;
        }
    }
    (paper[pivot].question_id.to_string(), threshold)
}

async fn regrade(admin: &mut Client, exam: &str, question: &str, mode: &str) -> Vec<RegradeChange> {
    admin
        .call(
            "attempts/regrade-apply",
            &[
                ("exam_id", exam),
                ("question_id", question),
                ("mode", mode),
                ("reason", "题目有歧义"),
            ],
        )
        .await
        .expect("regraded")
}

both_backends!(
    a_regrade_that_turns_a_failure_into_a_pass_cancels_the_retake_and_frees_the_seat_and_one_that_turns_a_pass_into_a_failure_brings_a_retake,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let s = &d.s;
        let retake_sitting = d.retake_sitting().await;

        // 王芳 misses the pass mark by less than one item's points; the other eleven are absent.
        let mut wang = signed_in(s, "wangfang").await;
        let id = start(&mut wang, &d.practice).await;
        let (question, threshold) = fail_narrowly(s, &wang, id).await;
        submit(&mut wang, id).await;
        let row = attempt(s, id).await;
        assert_eq!(
            (row.passed, row.threshold),
            (Some(false), Some(threshold as i32))
        );
        d.past_practice();
        assert!(tick(&s.state).await >= 1, "the practice sitting closed");

        let (x, w, rs, p) = (
            d.uuid(&d.exam),
            d.uuid(&d.user_id("wangfang").await),
            d.uuid(&retake_sitting),
            d.uuid(&d.practice),
        );
        let her_retakes = format!(
            "SELECT state FROM retakes WHERE exam_id = {x} AND user_id = {w} ORDER BY state"
        );
        let her_seat =
            format!("SELECT COUNT(*) FROM assignments WHERE sitting_id = {rs} AND user_id = {w}");
        let her_outcome = format!(
            "SELECT outcome FROM sitting_results WHERE sitting_id = {p} AND user_id = {w}"
        );
        let seats = format!("SELECT COUNT(*) FROM assignments WHERE sitting_id = {rs}");
        assert_eq!(strings(s, &her_retakes).await, ["assigned"]);
        assert_eq!(scalar_i64(s, &her_seat).await, 1);
        assert_eq!(strings(s, &her_outcome).await, ["failed"]);
        assert_eq!(scalar_i64(s, &seats).await, 12);

        // Voiding an item she left blank gives her its points: a pass.
        let mut admin = signed_in(s, "admin").await;
        let changes = regrade(&mut admin, &d.exam, &question, "void").await;
        let summary = |c: &[RegradeChange]| {
            c.iter()
                .map(|c| (c.login.clone(), c.old_passed, c.new_passed))
                .collect::<Vec<_>>()
        };
        assert_eq!(summary(&changes), [("wangfang".to_owned(), false, true)]);
        assert_eq!(
            strings(s, &her_retakes).await,
            ["assigned"],
            "the chain follows when the job runs"
        );
        assert!(tick(&s.state).await >= 1, "the re-evaluation ran");
        assert_eq!(strings(s, &her_outcome).await, ["passed"]);
        assert_eq!(strings(s, &her_retakes).await, ["cancelled"]);
        assert_eq!(
            scalar_i64(s, &her_seat).await,
            0,
            "her seat in the retake sitting, not yet open, is given back"
        );
        assert_eq!(scalar_i64(s, &seats).await, 11, "the others keep theirs");
        let mut wang = signed_in(s, "wangfang").await;
        assert!(notes_of(&mut wang)
            .await
            .contains(&Note::RetakeCancelled { exam: EXAM.into() }));
        let mine: Vec<MyRetake> = wang.call("retakes/mine", &[]).await.expect("retakes");
        assert!(mine.is_empty());
        assert_eq!(tick(&s.state).await, 0, "nothing more to do");

        // Grading the item by its key again takes the pass back: a retake again, in the
        // same retake sitting.
        let changes = regrade(&mut admin, &d.exam, &question, "key").await;
        assert_eq!(summary(&changes), [("wangfang".to_owned(), true, false)]);
        assert!(tick(&s.state).await >= 1, "the re-evaluation ran");
        assert_eq!(strings(s, &her_outcome).await, ["failed"]);
        assert_eq!(strings(s, &her_retakes).await, ["assigned", "cancelled"]);
        assert_eq!(scalar_i64(s, &her_seat).await, 1);
        assert_eq!(scalar_i64(s, &seats).await, 12);
        let mine: Vec<MyRetake> = wang.call("retakes/mine", &[]).await.expect("retakes");
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].round, 1);
        assert_eq!(
            mine[0].sitting_id.map(|i| i.to_string()),
            Some(retake_sitting)
        );
        let assigned = notes_of(&mut wang)
            .await
            .into_iter()
            .filter(|n| matches!(n, Note::RetakeAssigned { .. }))
            .count();
        assert_eq!(assigned, 2, "told of the retake twice, once per decision");
        assert_eq!(tick(&s.state).await, 0, "nothing more to do");
        d.finish().await;
    }
);

/// Invariants that must hold however many servers ran the close of `sitting`.
async fn closed_once(d: &Demo, sitting: &str, from: Timestamp) {
    let s = &d.s;
    let (x, st) = (d.uuid(&d.exam), d.uuid(sitting));
    assert_eq!(
        scalar_i64(
            s,
            &format!("SELECT COUNT(*) FROM sittings WHERE id = {st} AND closed_at IS NOT NULL")
        )
        .await,
        1,
        "the sitting is closed"
    );
    // One close job, claimed once and done: a second claim would have counted an attempt.
    let job =
        format!("SELECT COUNT(*) FROM jobs WHERE kind = 'close_sitting' AND job_key = '{sitting}'");
    assert_eq!(scalar_i64(s, &job).await, 1);
    assert_eq!(
        scalar_i64(
            s,
            &format!("{job} AND attempts = 1 AND done_at IS NOT NULL AND last_error IS NULL")
        )
        .await,
        1,
        "the close ran once"
    );
    // Exactly one result for everyone assigned.
    assert_eq!(
        scalar_i64(
            s,
            &format!(
                "SELECT COUNT(*) FROM assignments a WHERE a.sitting_id = {st} AND \
                 (SELECT COUNT(*) FROM sitting_results r WHERE r.sitting_id = a.sitting_id \
                  AND r.user_id = a.user_id) <> 1"
            )
        )
        .await,
        0,
        "everyone assigned has exactly one result"
    );
    assert_eq!(
        scalar_i64(
            s,
            &format!(
                "SELECT COUNT(*) FROM sitting_results WHERE sitting_id = {st} AND user_id NOT IN \
                 (SELECT user_id FROM assignments WHERE sitting_id = {st})"
            )
        )
        .await,
        0
    );
    assert_eq!(
        scalar_i64(
            s,
            &format!(
                "SELECT COUNT(*) FROM (SELECT user_id FROM retakes WHERE exam_id = {x} \
                 AND state IN ('awaiting', 'assigned') GROUP BY user_id HAVING COUNT(*) > 1) t"
            )
        )
        .await,
        0,
        "at most one open retake per candidate"
    );
    assert_eq!(
        scalar_i64(
            s,
            &format!(
                "SELECT COUNT(*) FROM (SELECT user_id, kind, params FROM notifications \
                 WHERE created_at >= {} GROUP BY user_id, kind, params HAVING COUNT(*) > 1) t",
                from.0
            )
        )
        .await,
        0,
        "no notification is duplicated"
    );
}

/// Two app servers on one database run their ticks at the same moment until neither finds
/// anything to do, the clock moving on a minute between rounds (for any retry's backoff).
async fn tick_together(a: &AppState, b: &AppState, clock: &ManualClock) -> usize {
    let mut total = 0;
    for _ in 0..20 {
        let (x, y) = tokio::join!(
            app::jobs::service::tick(a, "server-a"),
            app::jobs::service::tick(b, "server-b")
        );
        let ran = x.expect("server a's jobs run") + y.expect("server b's jobs run");
        if ran == 0 {
            return total;
        }
        total += ran;
        clock.advance_secs(60);
    }
    panic!("the jobs never settled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_app_servers_ticking_at_once_close_each_sitting_once_without_duplicates() {
    tokio::time::timeout(common::TEST_LIMIT, async {
        let Some(db) = TestDb::new(Backend::Postgres).await else {
            return;
        };
        let clock = ManualClock::new(T0);
        let one = start_server(&db.url, clock.clone()).await;
        assert!(server::seed::load_demo(&one.state).await.expect("demo"));
        let two = start_server(&db.url, clock.clone()).await;
        let d = Demo::on(db, one, clock.clone(), Backend::Postgres).await;
        let s = &d.s;

        // 张伟 passes, 王芳 hands in an empty paper, the other ten are absent.
        let mut zhang = signed_in(s, "zhangwei").await;
        let zid = start(&mut zhang, &d.practice).await;
        for (i, r) in common::correct_responses(s, zid)
            .await
            .into_iter()
            .enumerate()
        {
            common::save_answer(&zhang, zid, i as u32, r).await;
        }
        submit(&mut zhang, zid).await;
        let mut wang = signed_in(s, "wangfang").await;
        let wid = start(&mut wang, &d.practice).await;
        submit(&mut wang, wid).await;

        d.past_practice();
        let from = clock.now();
        assert!(tick_together(&s.state, &two.state, &clock).await >= 1);
        closed_once(&d, &d.practice, from).await;
        let x = d.uuid(&d.exam);
        assert_eq!(
            scalar_i64(
                s,
                &format!(
                    "SELECT COUNT(*) FROM retakes WHERE exam_id = {x} \
                     AND state IN ('awaiting', 'assigned')"
                )
            )
            .await,
            11,
            "a retake for everyone but 张伟"
        );
        assert_eq!(
            scalar_i64(
                s,
                &format!(
                    "SELECT COUNT(*) FROM notifications WHERE kind = 'retake_awaiting' \
                     AND created_at >= {}",
                    from.0
                )
            )
            .await,
            11
        );

        // Later both first sittings end while nobody ticks; the two servers then close
        // them at the same moment.
        let last_end = Timestamp(
            scalar_i64(
                s,
                &format!(
                    "SELECT MAX(window_end) FROM sittings WHERE exam_id = {x} AND NOT is_retake"
                ),
            )
            .await,
        );
        clock.advance_secs((last_end.0 - clock.now().0) / 1000 + 1);
        let from = clock.now();
        assert!(tick_together(&s.state, &two.state, &clock).await >= 2);
        for sitting in strings(
            s,
            &format!(
                "SELECT CAST(id AS TEXT) FROM sittings WHERE exam_id = {x} AND NOT is_retake \
                 ORDER BY window_end"
            ),
        )
        .await
        {
            closed_once(&d, &sitting, from).await;
        }
        assert_eq!(
            scalar_i64(
                s,
                &format!(
                    "SELECT COUNT(*) FROM retakes WHERE exam_id = {x} \
                     AND state IN ('awaiting', 'assigned')"
                )
            )
            .await,
            11,
            "the retakes already open stay the only ones"
        );
        two.stop().await;
        d.finish().await;
    })
    .await
    .expect("the test finished in time")
}

// ---- a tiny SMTP sink ----

/// One message as the sink received it.
#[derive(Debug, Clone, Default)]
struct Sent {
    from: String,
    to: Vec<String>,
    /// Headers and body, as sent after DATA (lines end in CRLF).
    data: String,
}

/// Speaks just enough SMTP to take messages: greeting, EHLO/HELO, MAIL, RCPT, DATA up to
/// the line holding a single dot, QUIT; anything else is answered 250.
struct SmtpSink {
    port: u16,
    sent: Arc<Mutex<Vec<Sent>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    async fn start() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the sink");
        let port = listener.local_addr().expect("addr").port();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let log = sent.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(smtp_session(stream, log.clone()));
            }
        });
        SmtpSink { port, sent, task }
    }

    fn mailer(&self) -> Mailer {
        Mailer::new(&format!("smtp://127.0.0.1:{}", self.port), FROM).expect("mailer")
    }

    fn sent(&self) -> Vec<Sent> {
        self.sent.lock().expect("sink log").clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The address between angle brackets of `MAIL FROM:<…>` or `RCPT TO:<…>`.
fn angle_address(cmd: &str) -> String {
    cmd.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a.to_owned())
        .unwrap_or_default()
}

async fn smtp_session(stream: tokio::net::TcpStream, log: Arc<Mutex<Vec<Sent>>>) {
    let (r, mut w) = stream.into_split();
    let mut r = BufReader::new(r);
    if w.write_all(b"220 sink.test ESMTP\r\n").await.is_err() {
        return;
    }
    let mut current = Sent::default();
    let mut line = String::new();
    loop {
        line.clear();
        if !matches!(r.read_line(&mut line).await, Ok(n) if n > 0) {
            return;
        }
        let verb = line
            .trim_end()
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                current = Sent {
                    from: angle_address(&line),
                    ..Sent::default()
                };
                b"250 OK\r\n"
            }
            "RCPT" => {
                current.to.push(angle_address(&line));
                b"250 OK\r\n"
            }
            "DATA" => {
                if w.write_all(b"354 end with a dot\r\n").await.is_err() {
                    return;
                }
                let mut data = String::new();
                loop {
                    line.clear();
                    if !matches!(r.read_line(&mut line).await, Ok(n) if n > 0) {
                        return;
                    }
                    if line.trim_end_matches(['\r', '\n']) == "." {
                        break;
                    }
                    data.push_str(&line);
                }
                current.data = data;
                // Recorded before the 250, so a sender that saw it finds the message here.
                log.lock()
                    .expect("sink log")
                    .push(std::mem::take(&mut current));
                b"250 queued\r\n"
            }
            "QUIT" => {
                let _ = w.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"250 OK\r\n",
        };
        if w.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The unfolded value of a header of a message.
fn header(data: &str, name: &str) -> Option<String> {
    let head = data.split("\r\n\r\n").next().unwrap_or("");
    let mut value: Option<String> = None;
    for line in head.split("\r\n") {
        match &mut value {
            Some(v) if line.starts_with([' ', '\t']) => v.push_str(line),
            Some(_) => break,
            None => {
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case(name) {
                        value = Some(v.to_owned());
                    }
                }
            }
        }
    }
    value
}

fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable (and RFC 2047's Q encoding when `underscore_is_space`).
fn quoted_printable(text: &str, underscore_is_space: bool) -> Vec<u8> {
    let text = text.replace("=\r\n", "");
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' if i + 3 <= b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'='),
                }
            }
            b'_' if underscore_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// A header value with its RFC 2047 encoded words decoded.
fn decode_words(value: &str) -> String {
    let mut out = Vec::new();
    for token in value.split_whitespace() {
        match token.strip_prefix("=?").and_then(|t| t.strip_suffix("?=")) {
            Some(word) => {
                let mut parts = word.splitn(3, '?');
                let (_charset, encoding, text) = (
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                );
                if encoding.eq_ignore_ascii_case("b") {
                    out.extend(base64(text));
                } else {
                    out.extend(quoted_printable(text, true));
                }
            }
            None => {
                if !out.is_empty() {
                    out.push(b' ');
                }
                out.extend(token.as_bytes());
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The body of a message, decoded from its transfer encoding.
fn body(data: &str) -> String {
    let raw = data.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let encoding = header(data, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "base64" => base64(raw),
        "quoted-printable" => quoted_printable(raw, false),
        _ => raw.as_bytes().to_vec(),
    };
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Gives a demo user an address through the admin's user form, keeping everything else.
async fn set_email_by_form(admin: &mut Client, id: &str, email: &str) {
    let u: UserSummary = admin.call("users/get", &[("id", id)]).await.expect("user");
    let scope = u.scope_unit_id.map(|s| s.to_string()).unwrap_or_default();
    let unit = u.unit_id.to_string();
    let rank = u.rank_tag.clone().unwrap_or_default();
    let mut form = vec![
        ("id", id),
        ("display_name", u.display_name.as_str()),
        ("unit_id", unit.as_str()),
        ("scope_unit_id", scope.as_str()),
        ("rank_tag", rank.as_str()),
        ("email", email),
    ];
    let roles = u.roles;
    for (on, field) in [
        (roles.admin, "role_admin"),
        (roles.organizer, "role_organizer"),
        (roles.candidate, "role_candidate"),
        (roles.interviewer, "role_interviewer"),
    ] {
        if on {
            form.push((field, "on"));
        }
    }
    let _: () = admin.call("users/update", &form).await.expect("updated");
    let after: UserSummary = admin.call("users/get", &[("id", id)]).await.expect("user");
    assert_eq!(after.email.as_deref(), Some(email));
}

both_backends!(
    a_retake_notice_is_mailed_in_chinese_to_the_candidates_address_and_a_candidate_without_one_gets_no_mail,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let s = &d.s;
        let sink = SmtpSink::start().await;
        // The router serves the state it was built with; jobs run on the state given to
        // the tick, so this one has the mailer.
        let mut state = s.state.clone();
        state.mailer = Some(sink.mailer());
        d.retake_sitting().await;
        exec(s, "UPDATE users SET email = NULL").await;
        let mut admin = signed_in(s, "admin").await;
        set_email_by_form(&mut admin, &d.user_id("wangfang").await, "wangfang@example.org").await;

        // 王芳 hands in an empty paper; the others are absent. Eleven retakes, each told.
        let mut wang = signed_in(s, "wangfang").await;
        let id = start(&mut wang, &d.practice).await;
        submit(&mut wang, id).await;
        d.past_practice();
        let from = d.clock.now().0;
        let ran = tick(&state).await;
        let notes = scalar_i64(
            s,
            &format!("SELECT COUNT(*) FROM notifications WHERE created_at >= {from}"),
        )
        .await;
        assert!(notes >= 11, "{notes} notifications");
        assert!(ran as i64 > notes, "the close and the mail jobs ran: {ran}");

        let sent = sink.sent();
        assert_eq!(sent.len(), 1, "only 王芳 has an address: {sent:?}");
        let m = &sent[0];
        assert_eq!(m.from, "noreply@example.org");
        assert_eq!(m.to, ["wangfang@example.org"]);
        assert!(header(&m.data, "To")
            .expect("To")
            .contains("wangfang@example.org"));
        let subject = decode_words(&header(&m.data, "Subject").expect("Subject"));
        assert_eq!(subject, format!("补考通知：{EXAM}"));
        let text = body(&m.data);
        assert!(
            text.contains("补考场次") && text.contains("市委党校机房"),
            "{text}"
        );

        // Every mail job completed, sent or not; only 王芳's notification was mailed.
        assert_eq!(
            scalar_i64(
                s,
                "SELECT COUNT(*) FROM jobs WHERE kind = 'send_email' \
                 AND done_at IS NOT NULL AND last_error IS NULL"
            )
            .await,
            notes
        );
        assert_eq!(
            scalar_i64(
                s,
                "SELECT COUNT(*) FROM jobs WHERE kind = 'send_email' AND done_at IS NULL"
            )
            .await,
            0
        );
        assert_eq!(
            strings(
                s,
                "SELECT u.login FROM notifications n JOIN users u ON u.id = n.user_id \
                 WHERE n.emailed_at IS NOT NULL"
            )
            .await,
            ["wangfang"]
        );
        assert_eq!(tick(&state).await, 0);
        assert_eq!(sink.sent().len(), 1, "nothing is mailed twice");
        d.finish().await;
    }
);

both_backends!(
    a_mail_job_that_keeps_failing_is_given_up_shown_to_admins_and_runs_again_when_an_admin_retries_it,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let s = &d.s;
        // A port nobody listens on: every try to send fails.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr").port()
        };
        let mut state = s.state.clone();
        state.mailer = Some(
            Mailer::new(&format!("smtp://127.0.0.1:{closed}"), FROM).expect("mailer"),
        );
        exec(s, "UPDATE users SET email = NULL").await;
        exec(
            s,
            "UPDATE users SET email = 'wangfang@example.org' WHERE login = 'wangfang'",
        )
        .await;
        d.past_practice();
        assert!(tick(&state).await >= 2);
        let job = id_of(
            s,
            "SELECT id FROM jobs WHERE kind = 'send_email' AND done_at IS NULL",
        )
        .await;
        let jq = d.uuid(&job);
        let attempts = format!("SELECT CAST(attempts AS BIGINT) FROM jobs WHERE id = {jq}");
        let given_up = format!("SELECT COUNT(*) FROM jobs WHERE id = {jq} AND failed_at IS NOT NULL");
        assert_eq!(scalar_i64(s, &attempts).await, 1);

        // Each retry waits for its backoff; the last failure gives the job up.
        for n in 1..MAX_ATTEMPTS {
            assert_eq!(scalar_i64(s, &given_up).await, 0, "still retrying");
            let wait = backoff_ms(n) / 1000;
            d.clock.advance_secs(wait - 1);
            assert_eq!(tick(&state).await, 0, "not before its backoff");
            d.clock.advance_secs(1);
            assert_eq!(tick(&state).await, 1, "retried after {wait} s");
            assert_eq!(scalar_i64(s, &attempts).await, i64::from(n + 1));
        }
        let gave_up_at = d.clock.now();
        assert_eq!(scalar_i64(s, &given_up).await, 1);
        d.clock.advance_secs(2 * 3600);
        assert_eq!(tick(&state).await, 0, "a job given up is not tried again");

        // Admins see it; nobody else may look or retry.
        let mut admin = signed_in(s, "admin").await;
        let o: JobsOverview = admin.call("jobs/overview", &[]).await.expect("overview");
        let p = o
            .problems
            .iter()
            .find(|p| p.id.to_string() == job)
            .expect("the failed job is listed");
        assert_eq!(p.kind, "send_email");
        assert_eq!(p.attempts, MAX_ATTEMPTS);
        assert_eq!(p.failed_at, Some(gave_up_at));
        assert!(!p.last_error.is_empty());
        assert_eq!(o.problems[0].id, p.id, "jobs given up come first");
        for login in ["organizer", "wangfang"] {
            let mut c = signed_in(s, login).await;
            let seen: Result<JobsOverview, AppError> = c.call("jobs/overview", &[]).await;
            assert_eq!(seen, Err(AppError::Forbidden), "{login}");
            let retried: Result<(), AppError> = c.call("jobs/retry", &[("id", &job)]).await;
            assert_eq!(retried, Err(AppError::Forbidden), "{login}");
        }
        assert_eq!(scalar_i64(s, &given_up).await, 1);

        // The admin retries it: fresh attempts, due now, and it runs at the next tick.
        let _: () = admin
            .call("jobs/retry", &[("id", &job)])
            .await
            .expect("retried");
        let o: JobsOverview = admin.call("jobs/overview", &[]).await.expect("overview");
        let p = o.problems.iter().find(|p| p.id.to_string() == job).expect("listed");
        assert_eq!((p.attempts, p.failed_at), (0, None));
        assert_eq!(
            scalar_i64(
                s,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'job.retried'"
            )
            .await,
            1
        );
        let sink = SmtpSink::start().await;
        state.mailer = Some(sink.mailer());
        assert_eq!(tick(&state).await, 1);
        let sent = sink.sent();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to, ["wangfang@example.org"]);
        let o: JobsOverview = admin.call("jobs/overview", &[]).await.expect("overview");
        assert!(o.problems.iter().all(|p| p.id.to_string() != job));
        // A job that is done cannot be retried.
        let again: Result<(), AppError> = admin.call("jobs/retry", &[("id", &job)]).await;
        assert_eq!(again, Err(AppError::NotFound));
        d.finish().await;
    }
);
