//! Taking an exam through the real HTTP server, on SQLite and on PostgreSQL: starting,
//! saving, the server's clock, submission, the background finaliser, one browser per
//! attempt, invigilation and regrades. The demo organisation supplies the exam, its
//! practice sitting (open 30 s after loading) and twelve candidates.

mod common;

use app::attempts::api::{ClockSync, MyAttempts};
use app::attempts::model::{
    AttemptId, AttemptRefusal, AttemptStatus, AttemptView, ProctorView, RegradeChange,
    RegradeQuestion, ResultView, SaveAck, SaveRequest, StartInfo,
};
use app::error::AppError;
use app::grading::model::Response;
use app::papers::domain::DrawnItem;
use app::question_bank::domain::AnswerKey;
use app::server::ManualClock;
use app::sittings::model::UpcomingSitting;
use common::{start_server, Backend, Client, TestDb, TestServer, T0};
use server::seed::DEMO_PASSWORD;

struct Demo {
    db: TestDb,
    server: TestServer,
}

impl Demo {
    /// A server on a fresh database with the demo data, its clock past the practice
    /// sitting's opening.
    async fn new(backend: Backend) -> Option<Demo> {
        let db = TestDb::new(backend).await?;
        let server = start_server(&db.url, ManualClock::new(T0)).await;
        assert!(server::seed::load_demo(&server.state).await.expect("demo"));
        server.clock.advance_secs(31);
        Some(Demo { db, server })
    }

    async fn finish(self) {
        self.server.stop().await;
        self.db.drop_db().await;
    }

    async fn signed_in(&self, login: &str) -> Client {
        let mut c = Client::new(self.server.addr);
        c.login(login, DEMO_PASSWORD).await.expect("signs in");
        c
    }

    /// The practice sitting (the one open now) as the candidate's landing page lists it.
    async fn practice(&self, c: &mut Client) -> String {
        let list: Vec<UpcomingSitting> = c.call("my/sittings", &[]).await.expect("sittings");
        list.iter()
            .find(|s| s.name == "模拟练习场次")
            .expect("the practice sitting is listed")
            .sitting_id
            .to_string()
    }

    async fn start(&self, c: &mut Client) -> AttemptId {
        let sitting = self.practice(c).await;
        c.call(
            "attempts/start",
            &[("sitting_id", &sitting), ("pledge", "on")],
        )
        .await
        .expect("starts")
    }

    async fn row(&self, id: AttemptId) -> app::attempts::repo::AttemptRow {
        let mut c = self.server.state.db.read().await.expect("read");
        app::attempts::repo::get(&mut c, id)
            .await
            .expect("query")
            .expect("the attempt exists")
    }

    /// Every item's correct response in the candidate's own option order, read from the
    /// stored keys (as the grader does).
    async fn correct_responses(&self, id: AttemptId) -> Vec<Response> {
        let row = self.row(id).await;
        let paper: Vec<DrawnItem> = serde_json::from_str(&row.paper).expect("paper");
        let mut c = self.server.state.db.read().await.expect("read");
        let mut out = Vec::new();
        for item in &paper {
            let v = self
                .server
                .state
                .attempts
                .grader
                .version(&mut c, item.version_id)
                .await
                .expect("version");
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
        out
    }

    fn advance_mins(&self, mins: i64) {
        self.server.clock.advance_secs(mins * 60);
    }
}

/// Posts a JSON server function as the hydrated page does; returns status and body.
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
        Err((status, serde_json::from_str(&body).expect("error body")))
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

/// Keeps a session alive across a long clock jump (the idle timeout is 30 minutes).
async fn pass_time(d: &Demo, clients: &mut [&mut Client], mins: i64) {
    let mut left = mins;
    while left > 0 {
        let step = left.min(20);
        d.advance_mins(step);
        left -= step;
        for c in clients.iter_mut() {
            let _ = c.me().await;
        }
    }
}

both_backends!(
    a_candidate_takes_the_exam_and_no_response_reveals_the_key,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let mut cand = d.signed_in("wangfang").await;
        let sitting = d.practice(&mut cand).await;
        let mut seen = String::new();

        // The start page, then ten concurrent starts: one attempt.
        let info: StartInfo = cand
            .call("attempts/start-info", &[("sitting_id", &sitting)])
            .await
            .expect("start info");
        assert_eq!(info.refusal, None);
        assert!(info.question_count > 0);
        seen.push_str(&serde_json::to_string(&info).unwrap());
        let refused: Result<AttemptId, AppError> = cand
            .call("attempts/start", &[("sitting_id", &sitting)])
            .await;
        assert!(
            matches!(refused, Err(AppError::Invalid { .. })),
            "{refused:?}"
        );
        let mut starts = Vec::new();
        for _ in 0..10 {
            let mut c = Client::new(cand.addr);
            c.session = cand.session.clone();
            let s = sitting.clone();
            starts.push(tokio::spawn(async move {
                c.call::<AttemptId>("attempts/start", &[("sitting_id", &s), ("pledge", "on")])
                    .await
            }));
        }
        let mut ids = Vec::new();
        for s in starts {
            ids.push(s.await.unwrap().expect("start"));
        }
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
        let id = ids[0];
        let rows = {
            let mut c = d.server.state.db.read().await.unwrap();
            app::attempts::repo::of_sitting(&mut c, sitting.parse().unwrap())
                .await
                .unwrap()
        };
        assert_eq!(
            rows.iter().filter(|r| r.user_id == rows[0].user_id).count(),
            1
        );
        assert_eq!(rows.len(), 1);

        let v = view(&mut cand, id).await.expect("view");
        assert_eq!(v.status, AttemptStatus::Open);
        assert!(v.result.is_none());
        seen.push_str(&serde_json::to_string(&v).unwrap());
        for path in [
            format!("/attempt/{id}"),
            format!("/attempt/{id}?q=3"),
            format!("/attempt/{id}/submit"),
            format!("/exam/{sitting}"),
            "/".to_owned(),
        ] {
            let res = cand.get(&path).await;
            assert_eq!(res.status(), 200, "{path}");
            seen.push_str(&res.text().await.unwrap());
        }

        // Save every correct answer; then a stale save and a replay change nothing.
        let correct = d.correct_responses(id).await;
        for (i, r) in correct.iter().enumerate() {
            let ack = save(&cand, &req(id, i as u32, 2, Some(r.clone())))
                .await
                .expect("saved");
            assert_eq!((ack.position, ack.seq), (i as u32, 2));
            seen.push_str(&serde_json::to_string(&ack).unwrap());
        }
        let wrong = match &correct[0] {
            Response::Choice(c) if c != &vec![0] => Response::Choice(vec![0]),
            Response::Choice(_) => Response::Choice(vec![1]),
            other => other.clone(),
        };
        let stale = save(&cand, &req(id, 0, 1, Some(wrong.clone())))
            .await
            .expect("ack");
        assert_eq!(stale.seq, 2, "the stored, newer answer is kept");
        let replay = save(&cand, &req(id, 0, 2, Some(wrong))).await.expect("ack");
        assert_eq!(replay.seq, 2);
        let v = view(&mut cand, id).await.unwrap();
        assert_eq!(v.answers[0].response.as_ref(), Some(&correct[0]));
        // Nonsense is refused with 400 and a position outside the paper too.
        let bad = save(&cand, &req(id, 0, 3, Some(Response::Choice(vec![42])))).await;
        assert!(matches!(bad, Err((400, _))), "{bad:?}");
        let outside = save(&cand, &req(id, 9_999, 1, Some(Response::TrueFalse(true)))).await;
        assert!(matches!(outside, Err((400, _))), "{outside:?}");
        // Someone else's attempt does not exist for this candidate.
        let other = d.signed_in("liqiang").await;
        let foreign = save(&other, &req(id, 0, 9, None)).await;
        assert!(matches!(foreign, Err((404, _))), "{foreign:?}");

        let (_, body) = post_json(
            &cand,
            "attempts/event",
            serde_json::json!({ "attempt": id, "event": "TabHidden" }),
        )
        .await;
        seen.push_str(&body);
        let clock: ClockSync = cand
            .call("attempts/clock", &[("attempt_id", &id.to_string())])
            .await
            .unwrap();
        assert_eq!(clock.deadline, v.deadline);

        // Nothing so far carried an explanation, a key or a score.
        for needle in [
            "本题考查",
            "answer_key",
            "explanation",
            "\"score\"",
            "item_points",
            "\"passed\"",
        ] {
            assert!(
                !seen.contains(needle),
                "a candidate response contains {needle}"
            );
        }

        // Submit twice: the same result, full marks.
        let r1: Option<ResultView> = cand
            .call("attempts/submit", &[("attempt_id", &id.to_string())])
            .await
            .expect("submitted");
        let r2: Option<ResultView> = cand
            .call("attempts/submit", &[("attempt_id", &id.to_string())])
            .await
            .expect("submitting again is fine");
        assert_eq!(r1, r2);
        let r = r1.expect("the demo exam shows results immediately");
        assert_eq!(r.score, r.max);
        assert!(r.passed);
        let row = d.row(id).await;
        assert_eq!(row.submit_reason.as_deref(), Some("candidate"));
        assert_eq!(row.status, "submitted");
        let after = save(&cand, &req(id, 1, 10, None)).await;
        assert!(
            matches!(
                after,
                Err((410, AppError::Attempt(AttemptRefusal::Submitted)))
            ),
            "{after:?}"
        );
        let mine: MyAttempts = cand.call("attempts/mine", &[]).await.unwrap();
        assert!(mine.open.is_empty());
        // Beside the demo's history (an earlier quarterly test), this attempt.
        let this: Vec<_> = mine.past.iter().filter(|p| p.attempt == id).collect();
        assert_eq!(this.len(), 1);
        assert_eq!(this[0].result, Some(r));
        d.finish().await;
    }
);

both_backends!(
    the_server_refuses_late_saves_and_submits_at_the_deadline_by_itself,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let mut cand = d.signed_in("liqiang").await;
        let id = d.start(&mut cand).await;
        let correct = d.correct_responses(id).await;
        save(&cand, &req(id, 0, 1, Some(correct[0].clone())))
            .await
            .expect("saved");
        let deadline = d.row(id).await.deadline;
        assert_eq!(deadline, T0.plus_secs(31 + 3600), "start + 60 minutes");
        pass_time(&d, &mut [&mut cand], 60).await;
        // At the deadline the finaliser still waits (grace 0 plus one second of slack for
        // saves that arrived in time and are still queued).
        let n = app::attempts::service::finalize_due(&d.server.state)
            .await
            .unwrap();
        assert_eq!(n, 0, "not before deadline + grace + slack");
        // One second after the deadline: refused, and nothing changes.
        d.server.clock.advance_secs(1);
        let late = save(&cand, &req(id, 1, 1, Some(correct[1].clone()))).await;
        assert!(
            matches!(
                late,
                Err((410, AppError::Attempt(AttemptRefusal::DeadlinePassed)))
            ),
            "{late:?}"
        );
        let v = view(&mut cand, id).await.unwrap();
        assert!(v.answers.iter().all(|a| a.position == 0));
        let n = app::attempts::service::finalize_due(&d.server.state)
            .await
            .unwrap();
        assert_eq!(n, 1);
        let again = app::attempts::service::finalize_due(&d.server.state)
            .await
            .unwrap();
        assert_eq!(again, 0);
        let row = d.row(id).await;
        assert_eq!(row.status, "submitted");
        assert_eq!(row.submit_reason.as_deref(), Some("deadline"));
        assert_eq!(row.submitted_at, Some(deadline));
        let item_points: Vec<u32> =
            serde_json::from_str(row.item_points.as_deref().unwrap()).unwrap();
        assert!(item_points[0] > 0, "the answer saved in time is graded");
        assert_eq!(row.score, Some(item_points[0] as i32));
        d.finish().await;
    }
);

both_backends!(
    a_second_browser_is_refused_until_an_invigilator_unlocks_the_attempt,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let mut first = d.signed_in("chenjing").await;
        let id = d.start(&mut first).await;
        let mut second = d.signed_in("chenjing").await;
        let refused = view(&mut second, id).await;
        assert_eq!(refused, Err(AppError::Attempt(AttemptRefusal::OtherDevice)));
        let res = second
            .call_raw("attempts/view", &[("attempt_id", &id.to_string())])
            .await;
        assert_eq!(res.status(), 423);
        let blocked = save(&second, &req(id, 0, 1, None)).await;
        assert!(matches!(blocked, Err((423, _))), "{blocked:?}");

        let mut admin = d.signed_in("admin").await;
        let sitting = d.row(id).await.sitting_id.to_string();
        let pv: ProctorView = admin
            .call("attempts/proctor", &[("sitting_id", &sitting)])
            .await
            .unwrap();
        assert!(pv.events.iter().any(|e| e.kind == "second_session_refused"));
        let no_reason: Result<(), AppError> = admin
            .call(
                "attempts/unlock",
                &[("attempt_id", &id.to_string()), ("reason", " ")],
            )
            .await;
        assert!(matches!(no_reason, Err(AppError::Invalid { .. })));
        let _: () = admin
            .call(
                "attempts/unlock",
                &[("attempt_id", &id.to_string()), ("reason", "考生更换电脑")],
            )
            .await
            .expect("unlocked");
        view(&mut second, id)
            .await
            .expect("the new browser takes the attempt");
        save(&second, &req(id, 0, 1, None))
            .await
            .expect("saves there");
        let old = save(&first, &req(id, 0, 2, None)).await;
        assert!(matches!(old, Err((423, _))), "{old:?}");

        let audit = {
            let mut c = d.server.state.db.read().await.unwrap();
            sqlx_count(
                &mut c,
                "SELECT COUNT(*) FROM audit_log WHERE action IN \
                ('attempt.second_session_refused', 'attempt.unlocked')",
            )
            .await
        };
        assert!(audit >= 2, "refusals and the unlock are audited ({audit})");
        d.finish().await;
    }
);

async fn sqlx_count(c: &mut app::db::Conn, q: &str) -> i64 {
    app::sql!(c, |x| sqlx::query_scalar::<_, i64>(q)
        .fetch_one(&mut *x)
        .await)
    .unwrap()
}

both_backends!(
    an_invigilator_extends_time_and_reopens_a_submitted_attempt,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let mut a = d.signed_in("zhaolei").await;
        let mut b = d.signed_in("huangmin").await;
        let ia = d.start(&mut a).await;
        let ib = d.start(&mut b).await;
        save(&a, &req(ia, 0, 1, Some(Response::TrueFalse(true))))
            .await
            .ok();
        let before = (d.row(ia).await.deadline, d.row(ib).await.deadline);
        let mut admin = d.signed_in("admin").await;
        let sitting = d.row(ia).await.sitting_id.to_string();
        let n: u32 = admin
            .call(
                "attempts/extend",
                &[
                    ("sitting_id", &sitting),
                    ("user_id", ""),
                    ("minutes", "10"),
                    ("reason", "停电十分钟"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(n, 2);
        let user_b = d.row(ib).await.user_id.to_string();
        let n: u32 = admin
            .call(
                "attempts/extend",
                &[
                    ("sitting_id", &sitting),
                    ("user_id", &user_b),
                    ("minutes", "5"),
                    ("reason", "设备故障"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(d.row(ia).await.deadline, before.0.plus_secs(600));
        assert_eq!(d.row(ib).await.deadline, before.1.plus_secs(900));
        let bad: Result<u32, AppError> = admin
            .call(
                "attempts/extend",
                &[
                    ("sitting_id", &sitting),
                    ("user_id", ""),
                    ("minutes", "999"),
                    ("reason", "x"),
                ],
            )
            .await;
        assert!(matches!(bad, Err(AppError::Invalid { .. })));

        let _: Option<ResultView> = a
            .call("attempts/submit", &[("attempt_id", &ia.to_string())])
            .await
            .unwrap();
        let pv: ProctorView = admin
            .call("attempts/proctor", &[("sitting_id", &sitting)])
            .await
            .unwrap();
        let row = pv.rows.iter().find(|r| r.attempt == Some(ia)).unwrap();
        assert_eq!(row.status, Some(AttemptStatus::Submitted));
        let _: () = admin
            .call(
                "attempts/reopen",
                &[
                    ("attempt_id", &ia.to_string()),
                    ("minutes", "15"),
                    ("reason", "误交卷"),
                ],
            )
            .await
            .unwrap();
        let reopened = d.row(ia).await;
        assert_eq!(reopened.status, "open");
        assert_eq!(reopened.score, None);
        view(&mut a, ia).await.expect("the candidate goes on");
        // A candidate cannot invigilate.
        let denied: Result<ProctorView, AppError> = b
            .call("attempts/proctor", &[("sitting_id", &sitting)])
            .await;
        assert_eq!(denied, Err(AppError::Forbidden));
        d.finish().await;
    }
);

both_backends!(
    voiding_a_question_lists_the_changed_results_first_and_applies_them_in_one_go,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let mut cand = d.signed_in("yangfan").await;
        let id = d.start(&mut cand).await;
        let _: Option<ResultView> = cand
            .call("attempts/submit", &[("attempt_id", &id.to_string())])
            .await
            .unwrap();
        assert_eq!(d.row(id).await.score, Some(0), "nothing answered");
        let exam = d.row(id).await.exam_id.to_string();
        let paper: Vec<DrawnItem> = serde_json::from_str(&d.row(id).await.paper).unwrap();
        let question = paper[0].question_id.to_string();
        let mut admin = d.signed_in("admin").await;
        let qs: Vec<RegradeQuestion> = admin
            .call("attempts/regrade-questions", &[("exam_id", &exam)])
            .await
            .unwrap();
        assert_eq!(qs.len(), paper.len());
        let preview: Vec<RegradeChange> = admin
            .call(
                "attempts/regrade-preview",
                &[
                    ("exam_id", &exam),
                    ("question_id", &question),
                    ("mode", "void"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(preview.len(), 1);
        assert_eq!(preview[0].new_score, paper[0].points);
        assert_eq!(d.row(id).await.score, Some(0), "a dry run changes nothing");
        let applied: Vec<RegradeChange> = admin
            .call(
                "attempts/regrade-apply",
                &[
                    ("exam_id", &exam),
                    ("question_id", &question),
                    ("mode", "void"),
                    ("reason", "题目有歧义"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(applied, preview);
        let row = d.row(id).await;
        assert_eq!(row.score, Some(paper[0].points.0 as i32));
        assert_eq!(row.regrade_count, 1);
        let again: Vec<RegradeChange> = admin
            .call(
                "attempts/regrade-preview",
                &[
                    ("exam_id", &exam),
                    ("question_id", &question),
                    ("mode", "void"),
                ],
            )
            .await
            .unwrap();
        assert!(again.is_empty(), "applied once, nothing left to change");
        let audited = {
            let mut c = d.server.state.db.read().await.unwrap();
            sqlx_count(
                &mut c,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'regrade.applied'",
            )
            .await
        };
        assert_eq!(audited, 1);
        d.finish().await;
    }
);

both_backends!(
    the_plain_answer_form_saves_and_moves_to_the_next_question,
    |backend| async move {
        let Some(d) = Demo::new(backend).await else {
            return;
        };
        let mut cand = d.signed_in("zhoujie").await;
        let id = d.start(&mut cand).await;
        let correct = d.correct_responses(id).await;
        let mut form: Vec<(String, String)> = vec![
            ("position".into(), "0".into()),
            ("seq".into(), "1".into()),
            ("flagged".into(), "on".into()),
            ("go".into(), "next".into()),
        ];
        match &correct[0] {
            Response::Choice(c) => {
                form.extend(c.iter().map(|i| ("choice".to_owned(), i.to_string())))
            }
            Response::TrueFalse(b) => form.push(("tf".into(), b.to_string())),
            Response::Blanks(v) => form.extend(v.iter().map(|t| ("blank".to_owned(), t.clone()))),
        }
        let res = cand
            .http
            .post(format!("http://{}/attempt/{id}/answer", cand.addr))
            .header(
                "cookie",
                format!("examhall_session={}", cand.session.as_deref().unwrap()),
            )
            .header("origin", format!("http://{}", cand.addr))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"].to_str().unwrap(),
            format!("/attempt/{id}?q=1")
        );
        let v = view(&mut cand, id).await.unwrap();
        assert_eq!(v.answers[0].response.as_ref(), Some(&correct[0]));
        assert!(v.answers[0].flagged);
        assert_eq!(v.current, 1);
        d.finish().await;
    }
);

/// Two app servers on one PostgreSQL database finalise the same overdue attempts at once:
/// every attempt is submitted and graded exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_app_servers_finalise_each_overdue_attempt_exactly_once() {
    let Some(d) = Demo::new(Backend::Postgres).await else {
        return;
    };
    let other = start_server(&d.db.url, ManualClock::new(T0.plus_secs(31))).await;
    let logins = [
        "zhangwei", "wangfang", "liqiang", "liuyang", "chenjing", "yangfan", "zhaolei", "huangmin",
        "zhoujie", "wuxia", "xuhao", "sunli",
    ];
    let mut ids = Vec::new();
    for login in logins {
        let mut c = d.signed_in(login).await;
        ids.push(d.start(&mut c).await);
    }
    d.advance_mins(62);
    other.clock.advance_secs(62 * 60);
    let (a, b) = tokio::join!(
        app::attempts::service::finalize_due(&d.server.state),
        app::attempts::service::finalize_due(&other.state),
    );
    assert_eq!(a.unwrap() + b.unwrap(), ids.len());
    for id in ids {
        let row = d.row(id).await;
        assert_eq!(row.status, "submitted");
        assert_eq!(row.score, Some(0));
    }
    other.stop().await;
    d.finish().await;
}
