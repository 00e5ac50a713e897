//! The follow-up of results through the real server, on SQLite and on PostgreSQL, with a
//! clock the test moves: a sitting closes, absentees are marked, failures get retakes
//! with fresh papers, a failed retake opens an interview case, the interviewer works the
//! case to its end, and a re-test outcome puts the candidate back on the retake list.
//! Jobs are run by calling the runner's tick, as the server's loop does.

mod common;

use std::collections::HashSet;

use app::attempts::model::AttemptId;
use app::error::AppError;
use app::escalation::model::{CaseDetail, CaseList, CaseState};
use app::notifications::model::Note;
use app::papers::domain::DrawnItem;
use app::retakes::model::{ChainStatus, MyRetake, RetakeOverview};
use app::server::ManualClock;
use app::time::{format_local_datetime, Timestamp};
use common::{
    exec, id_of, notes_of, scalar_i64, signed_in, sql_uuid, start_server, Backend, TestDb,
    TestServer, T0,
};
use server::seed::DEMO_PASSWORD;

async fn text_rows(s: &TestServer, q: &str) -> Vec<(String, String)> {
    let mut c = s.state.db.read().await.expect("read");
    app::sql!(&mut c, |x| sqlx::query_as::<_, (String, String)>(q)
        .fetch_all(&mut *x)
        .await)
    .expect(q)
}

/// One pass of the job runner, then another to show it found nothing more to do.
async fn run_jobs(s: &TestServer) -> usize {
    let ran = app::jobs::service::tick(&s.state, "test-worker")
        .await
        .expect("jobs run");
    let again = app::jobs::service::tick(&s.state, "test-worker")
        .await
        .expect("jobs run");
    assert_eq!(again, 0, "a second pass finds nothing left to do");
    ran
}

fn questions(paper: &str) -> HashSet<String> {
    serde_json::from_str::<Vec<DrawnItem>>(paper)
        .expect("paper")
        .into_iter()
        .map(|d| d.question_id.to_string())
        .collect()
}

/// The practice sitting of the demo ends at 09:00 Shanghai time on the next morning.
async fn practice_end(s: &TestServer) -> Timestamp {
    Timestamp(
        scalar_i64(
            s,
            "SELECT window_end FROM sittings WHERE name = '模拟练习场次'",
        )
        .await,
    )
}

both_backends!(
    a_failed_chain_runs_from_a_closed_sitting_to_a_closed_interview_case,
    |backend| async move {
        let Some(db) = TestDb::new(backend).await else {
            return;
        };
        let clock = ManualClock::new(T0);
        let s = start_server(&db.url, clock.clone()).await;
        assert!(server::seed::load_demo(&s.state).await.expect("demo"));
        clock.advance_secs(31);
        let exam = id_of(
            &s,
            "SELECT id FROM exams WHERE title = '2026年度干部党内法规知识测试'",
        )
        .await;
        let end = practice_end(&s).await;
        let x = sql_uuid(backend, &exam);

        // Staff: a retake sitting four days after the practice sitting ends and an
        // interview head for 西湖区 (330105); the demo's city head is 'yuetan'.
        let mut admin = signed_in(&s, "admin").await;
        let retake_start = end.plus_secs(4 * 86_400);
        let _: () = admin
            .call(
                "sittings/create",
                &[
                    ("exam_id", &exam),
                    ("name", "补考场次"),
                    ("window_start", &format_local_datetime(retake_start)),
                    (
                        "window_end",
                        &format_local_datetime(retake_start.plus_secs(7200)),
                    ),
                    ("mode", "flexible"),
                    ("late_entry_minutes", "0"),
                    ("capacity", "20"),
                    ("location", "市委党校机房"),
                    ("is_retake", "on"),
                ],
            )
            .await
            .expect("retake sitting created");
        let retake_sitting = id_of(&s, "SELECT id FROM sittings WHERE name = '补考场次'").await;
        let county = id_of(&s, "SELECT id FROM units WHERE code = '330105'").await;
        for (login, unit) in [("countyhead", county.as_str())] {
            let _: () = admin
                .call(
                    "users/create",
                    &[
                        ("login", login),
                        ("display_name", login),
                        ("unit_id", unit),
                        ("scope_unit_id", ""),
                        ("role_interviewer", "on"),
                        ("rank_tag", ""),
                        ("initial_password", DEMO_PASSWORD),
                    ],
                )
                .await
                .expect("interviewer created");
        }
        exec(&s, "UPDATE users SET must_change_password = FALSE").await;

        // In the practice sitting: 张伟 answers everything correctly, 王芳 hands in an
        // empty paper, 李强 and everyone else never start.
        let mut zhang = signed_in(&s, "zhangwei").await;
        let practice = id_of(&s, "SELECT id FROM sittings WHERE name = '模拟练习场次'").await;
        let zid: AttemptId = zhang
            .call(
                "attempts/start",
                &[("sitting_id", &practice), ("pledge", "on")],
            )
            .await
            .expect("starts");
        let answers = common::correct_responses(&s, zid).await;
        for (i, r) in answers.into_iter().enumerate() {
            common::save_answer(&zhang, zid, i as u32, r).await;
        }
        let _: Option<app::attempts::model::ResultView> = zhang
            .call("attempts/submit", &[("attempt_id", &zid.to_string())])
            .await
            .expect("submitted");
        let mut wang = signed_in(&s, "wangfang").await;
        let wid: AttemptId = wang
            .call(
                "attempts/start",
                &[("sitting_id", &practice), ("pledge", "on")],
            )
            .await
            .expect("starts");
        let _: Option<app::attempts::model::ResultView> = wang
            .call("attempts/submit", &[("attempt_id", &wid.to_string())])
            .await
            .expect("submitted");

        // Nothing closes before the window ends.
        assert_eq!(run_jobs(&s).await, 0);
        clock.advance_secs(end.0 / 1000 - clock_secs(&clock) + 1);
        assert!(
            run_jobs(&s).await >= 1,
            "the practice sitting's close job ran"
        );

        let outcomes = text_rows(
            &s,
            "SELECT u.login, r.outcome FROM sitting_results r JOIN users u ON u.id = r.user_id \
             JOIN sittings s ON s.id = r.sitting_id WHERE s.name = '模拟练习场次' ORDER BY u.login",
        )
        .await;
        assert_eq!(outcomes.len(), 12, "every assigned candidate has a result");
        let outcome = |login: &str| {
            outcomes
                .iter()
                .find(|(l, _)| l == login)
                .map(|(_, o)| o.clone())
                .unwrap()
        };
        assert_eq!(outcome("zhangwei"), "passed");
        assert_eq!(outcome("wangfang"), "failed");
        assert_eq!(outcome("liqiang"), "absent");

        // Eleven retakes, all placed in the retake sitting; none for 张伟.
        let placed = text_rows(
            &s,
            &format!("SELECT u.login, r.state FROM retakes r JOIN users u ON u.id = r.user_id WHERE r.exam_id = {x} ORDER BY u.login"),
        )
        .await;
        assert_eq!(placed.len(), 11);
        assert!(placed.iter().all(|(_, st)| st == "assigned"));
        assert!(!placed.iter().any(|(l, _)| l == "zhangwei"));
        // 王芳's retake paper avoids every question she was shown before.
        let before = text_rows(
            &s,
            &format!(
                "SELECT paper, status FROM attempts WHERE id = {}",
                sql_uuid(backend, &wid.to_string())
            ),
        )
        .await;
        let retake_paper = text_rows(
            &s,
            &format!(
                "SELECT a.paper, u.login FROM assignments a JOIN users u ON u.id = a.user_id \
                 WHERE u.login = 'wangfang' AND a.sitting_id = {}",
                sql_uuid(backend, &retake_sitting)
            ),
        )
        .await;
        let seen = questions(&before[0].0);
        let fresh = questions(&retake_paper[0].0);
        assert!(!fresh.is_empty());
        assert!(
            seen.is_disjoint(&fresh),
            "the retake paper repeats no question"
        );
        assert_eq!(
            scalar_i64(
                &s,
                &format!(
                    "SELECT COUNT(*) FROM retakes WHERE warning IS NOT NULL AND exam_id = {x}"
                )
            )
            .await,
            0
        );

        // 王芳 is told where and when; her landing page shows the retake.
        let mut wang = signed_in(&s, "wangfang").await;
        assert!(notes_of(&mut wang).await.iter().any(|n| matches!(
            n,
            Note::RetakeAssigned { start, .. } if *start == retake_start
        )));
        let mine: Vec<MyRetake> = wang.call("retakes/mine", &[]).await.expect("retakes");
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].round, 1);
        assert_eq!(
            mine[0].sitting_id.map(|i| i.to_string()),
            Some(retake_sitting.clone())
        );

        // Running the jobs again changes nothing.
        assert_eq!(run_jobs(&s).await, 0);
        assert_eq!(
            scalar_i64(
                &s,
                &format!("SELECT COUNT(*) FROM retakes WHERE exam_id = {x}")
            )
            .await,
            11
        );

        // The server restarts in the middle of the chain.
        let url = db.url.clone();
        s.stop().await;
        let s = start_server(&url, clock.clone()).await;

        // The two first sittings close (everyone absent); the chain waits for the retakes.
        clock.advance_secs(retake_start.0 / 1000 - clock_secs(&clock) + 60);
        run_jobs(&s).await;
        assert_eq!(
            scalar_i64(
                &s,
                &format!("SELECT COUNT(*) FROM cases WHERE exam_id = {x}")
            )
            .await,
            0
        );
        assert_eq!(
            scalar_i64(
                &s,
                &format!("SELECT COUNT(*) FROM retakes WHERE exam_id = {x}")
            )
            .await,
            11
        );

        // 王芳 fails the retake; 李强 misses it.
        let mut wang = signed_in(&s, "wangfang").await;
        let rid: AttemptId = wang
            .call(
                "attempts/start",
                &[("sitting_id", &retake_sitting), ("pledge", "on")],
            )
            .await
            .expect("starts the retake");
        let _: Option<app::attempts::model::ResultView> = wang
            .call("attempts/submit", &[("attempt_id", &rid.to_string())])
            .await
            .expect("submitted");
        clock.advance_secs(7200);
        app::attempts::service::finalize_due(&s.state)
            .await
            .expect("finalised");
        assert!(run_jobs(&s).await >= 1);

        // Eleven cases: 西湖区's people go to its county head, the others to the city head.
        assert_eq!(
            scalar_i64(
                &s,
                &format!("SELECT COUNT(*) FROM cases WHERE kind = 'person' AND state = 'open' AND exam_id = {x}")
            )
            .await,
            11
        );
        assert_eq!(
            scalar_i64(
                &s,
                &format!("SELECT COUNT(*) FROM retakes WHERE state = 'sat' AND exam_id = {x}")
            )
            .await,
            11
        );
        let mut head = signed_in(&s, "yuetan").await;
        let mut county_head = signed_in(&s, "countyhead").await;
        let theirs: CaseList = county_head
            .call(
                "cases/list",
                &[
                    ("exam", &exam),
                    ("unit", ""),
                    ("state", ""),
                    ("overdue", ""),
                ],
            )
            .await
            .expect("cases");
        assert_eq!(theirs.cases.len(), 4, "the four candidates of 西湖区");
        let mine: CaseList = head
            .call(
                "cases/list",
                &[
                    ("exam", &exam),
                    ("unit", ""),
                    ("state", "open"),
                    ("overdue", ""),
                ],
            )
            .await
            .expect("cases");
        assert_eq!(mine.cases.len(), 7);
        assert!(matches!(
            notes_of(&mut head).await.first(),
            Some(Note::CaseOpened { .. })
        ));
        // An interviewer cannot open another interviewer's case; a candidate sees none.
        let other = theirs.cases[0].id.to_string();
        let refused: Result<CaseDetail, AppError> = head.call("cases/get", &[("id", &other)]).await;
        assert_eq!(refused, Err(AppError::NotFound));
        let mut zhang = signed_in(&s, "zhangwei").await;
        let refused: Result<CaseList, AppError> = zhang
            .call(
                "cases/list",
                &[("exam", ""), ("unit", ""), ("state", ""), ("overdue", "")],
            )
            .await;
        assert_eq!(refused, Err(AppError::Forbidden));

        // The dossier of 王芳: the practice (failed), her first sitting (absent), the retake.
        let case = mine
            .cases
            .iter()
            .find(|c| c.candidate.as_ref().is_some_and(|p| p.1 == "wangfang"))
            .expect("王芳's case")
            .id
            .to_string();
        let d: CaseDetail = head
            .call("cases/get", &[("id", &case)])
            .await
            .expect("case");
        assert!(d.can_act);
        assert_eq!(d.summary.state, CaseState::Open);
        let kinds: Vec<(bool, Option<app::retakes::domain::Outcome>)> =
            d.rounds.iter().map(|r| (r.is_retake, r.outcome)).collect();
        use app::retakes::domain::Outcome::*;
        assert_eq!(
            kinds,
            vec![
                (false, Some(Failed)),
                (false, Some(Absent)),
                (true, Some(Failed))
            ]
        );
        assert!(!d.rounds[0].categories.is_empty(), "scores by category");

        // Closing before the interview is refused; then schedule, record, close.
        let early: Result<(), AppError> = head.call("cases/close", &[("id", &case)]).await;
        assert!(matches!(early, Err(AppError::Conflict(_))), "{early:?}");
        let at = clock_now(&clock).plus_secs(2 * 86_400);
        let _: () = head
            .call(
                "cases/schedule",
                &[
                    ("id", &case),
                    ("interview_at", &format_local_datetime(at)),
                    ("place", "组织部302室"),
                ],
            )
            .await
            .expect("scheduled");
        let mut wang = signed_in(&s, "wangfang").await;
        assert!(notes_of(&mut wang).await.iter().any(
            |n| matches!(n, Note::InterviewScheduled { place, .. } if place == "组织部302室")
        ));
        clock.advance_secs(2 * 86_400 + 3600);
        let mut head = signed_in(&s, "yuetan").await;
        let _: () = head
            .call(
                "cases/record",
                &[
                    ("id", &case),
                    ("notes", "本人态度端正，需重新参加测试。"),
                    ("outcome", "retest"),
                ],
            )
            .await
            .expect("recorded");
        let _: () = head
            .call("cases/close", &[("id", &case)])
            .await
            .expect("closed");
        let d: CaseDetail = head
            .call("cases/get", &[("id", &case)])
            .await
            .expect("case");
        assert_eq!(d.summary.state, CaseState::Closed);
        let trail: Vec<(String, String)> = d
            .events
            .iter()
            .map(|e| (e.action.clone(), e.actor.clone()))
            .collect();
        assert_eq!(
            trail,
            [
                ("opened", "system"),
                ("scheduled", "yuetan"),
                ("interviewed", "yuetan"),
                ("closed", "yuetan")
            ]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .to_vec()
        );

        // The re-test: a second retake for 王芳, waiting for a sitting; the organizer is told.
        let open = text_rows(
            &s,
            &format!(
                "SELECT r.state, u.login FROM retakes r JOIN users u ON u.id = r.user_id \
             WHERE r.state IN ('awaiting', 'assigned') AND r.exam_id = {x}"
            ),
        )
        .await;
        assert_eq!(open, vec![("awaiting".to_owned(), "wangfang".to_owned())]);
        // The exam belongs to the city: 上城区's organizer cannot see its retakes.
        let mut organizer = signed_in(&s, "organizer").await;
        let hidden: Result<RetakeOverview, AppError> = organizer
            .call("retakes/overview", &[("exam_id", &exam)])
            .await;
        assert_eq!(hidden, Err(AppError::NotFound));
        let mut organizer = signed_in(&s, "admin").await;
        assert!(notes_of(&mut organizer)
            .await
            .iter()
            .any(|n| matches!(n, Note::RetakesAwaitingSitting { count: 1, .. })));
        let o: RetakeOverview = organizer
            .call("retakes/overview", &[("exam_id", &exam)])
            .await
            .expect("overview");
        let wang_row = o.rows.iter().find(|r| r.login == "wangfang").expect("row");
        assert_eq!(wang_row.status, ChainStatus::AwaitingSitting);
        assert_eq!(o.awaiting, 1);

        // One click: a retake sitting for everyone awaiting one.
        let start = clock_now(&clock).plus_secs(86_400);
        let _: () = organizer
            .call(
                "retakes/create-sitting",
                &[
                    ("exam_id", &exam),
                    ("window_start", &format_local_datetime(start)),
                    ("location", "机房二"),
                ],
            )
            .await
            .expect("sitting created");
        let mut wang = signed_in(&s, "wangfang").await;
        let mine: Vec<MyRetake> = wang.call("retakes/mine", &[]).await.expect("retakes");
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].round, 2);
        assert!(mine[0].sitting_id.is_some());
        s.stop().await;
        db.drop_db().await;
    }
);

fn clock_now(clock: &ManualClock) -> Timestamp {
    use app::server::Clock;
    clock.now()
}

fn clock_secs(clock: &ManualClock) -> i64 {
    clock_now(clock).0 / 1000
}

/// A server with the demo loaded, and the id of the demo's history exam.
async fn demo_history(backend: Backend) -> Option<(TestDb, TestServer, String)> {
    let db = TestDb::new(backend).await?;
    let s = start_server(&db.url, ManualClock::new(T0)).await;
    assert!(server::seed::load_demo(&s.state).await.expect("demo"));
    let exam = id_of(
        &s,
        "SELECT id FROM exams WHERE title = '2026年第三季度应知应会测试'",
    )
    .await;
    Some((db, s, exam))
}

both_backends!(
    the_demo_shows_a_closed_sitting_with_retakes_and_open_interview_cases,
    |backend| async move {
        let Some((db, s, exam)) = demo_history(backend).await else {
            return;
        };
        let x = sql_uuid(backend, &exam);
        let q = |sql: &str| sql.replace("{x}", &x);
        assert_eq!(
            scalar_i64(
                &s,
                &q("SELECT COUNT(*) FROM sittings WHERE exam_id = {x} AND closed_at IS NOT NULL")
            )
            .await,
            2,
            "the test and its first retake sitting have closed"
        );
        let states = text_rows(
            &s,
            &q("SELECT u.login, r.state FROM retakes r JOIN users u ON u.id = r.user_id WHERE r.exam_id = {x} ORDER BY u.login"),
        )
        .await;
        assert_eq!(states.len(), 3, "{states:?}");
        assert_eq!(states.iter().filter(|(_, st)| st == "assigned").count(), 1);
        let mut head = signed_in(&s, "yuetan").await;
        let cases: CaseList = head
            .call(
                "cases/list",
                &[
                    ("exam", &exam),
                    ("unit", ""),
                    ("state", "open"),
                    ("overdue", ""),
                ],
            )
            .await
            .expect("cases");
        assert_eq!(cases.cases.len(), 2);
        let mut admin = signed_in(&s, "admin").await;
        let o: RetakeOverview = admin
            .call("retakes/overview", &[("exam_id", &exam)])
            .await
            .expect("overview");
        assert_eq!((o.qualified, o.assigned, o.escalated), (3, 1, 2));
        assert_eq!(
            o.rows
                .iter()
                .filter(|r| r.status == ChainStatus::PassedFirst)
                .count(),
            9
        );
        s.stop().await;
        db.drop_db().await;
    }
);

both_backends!(
    a_voided_pass_is_retaken_and_the_weakest_unit_is_escalated_once_all_first_sittings_close,
    |backend| async move {
        let Some(db) = TestDb::new(backend).await else {
            return;
        };
        let clock = ManualClock::new(T0);
        let s = start_server(&db.url, clock.clone()).await;
        assert!(server::seed::load_demo(&s.state).await.expect("demo"));
        let exam = id_of(
            &s,
            "SELECT id FROM exams WHERE title = '2026年度干部党内法规知识测试'",
        )
        .await;
        let x = sql_uuid(backend, &exam);
        let q = |sql: &str| sql.replace("{x}", &x);
        // Before anything opens: voided attempts are retaken; the one weakest unit
        // (any size) is escalated.
        let mut admin = signed_in(&s, "admin").await;
        let settings = |interviewer: &'static str| {
            vec![
                ("id", exam.clone()),
                ("title", "2026年度干部党内法规知识测试".to_owned()),
                ("pass_kind", "percent".to_owned()),
                ("pass_value", "60".to_owned()),
                ("duration_minutes", "60".to_owned()),
                ("instructions", String::new()),
                ("multi_scoring", "all".to_owned()),
                ("visibility", "immediately".to_owned()),
                ("retake_count", "1".to_owned()),
                ("retake_min_wait_days", "3".to_owned()),
                ("interviewer_login", interviewer.to_owned()),
            ]
        };
        // Only someone with the interviewer role can be named the exam's interviewer.
        let form = settings("zhangwei");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused: Result<(), AppError> = admin.call("exams/settings", &form).await;
        assert!(
            matches!(&refused, Err(AppError::Invalid { field: Some(f), .. }) if f == "interviewer_login"),
            "{refused:?}"
        );
        let form = settings("yuetan");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _: () = admin
            .call("exams/settings", &form)
            .await
            .expect("an interviewer is accepted");
        let _: () = admin
            .call(
                "exams/settings",
                &[
                    ("id", &exam),
                    ("title", "2026年度干部党内法规知识测试"),
                    ("instructions", ""),
                    ("duration_minutes", "60"),
                    ("pass_kind", "percent"),
                    ("pass_value", "60"),
                    ("multi_scoring", "all"),
                    ("visibility", "immediately"),
                    ("retake_count", "1"),
                    ("retake_min_wait_days", "3"),
                    ("voided_qualifies", "on"),
                    ("case_due_days", "14"),
                    ("unit_escalation_bottom", "1"),
                    ("unit_escalation_min_candidates", "1"),
                ],
            )
            .await
            .expect("settings saved");
        clock.advance_secs(31);
        let practice = id_of(&s, "SELECT id FROM sittings WHERE name = '模拟练习场次'").await;
        let mut zhang = signed_in(&s, "zhangwei").await;
        let zid: AttemptId = zhang
            .call(
                "attempts/start",
                &[("sitting_id", &practice), ("pledge", "on")],
            )
            .await
            .expect("starts");
        for (i, r) in common::correct_responses(&s, zid)
            .await
            .into_iter()
            .enumerate()
        {
            common::save_answer(&zhang, zid, i as u32, r).await;
        }
        let _: Option<app::attempts::model::ResultView> = zhang
            .call("attempts/submit", &[("attempt_id", &zid.to_string())])
            .await
            .expect("submitted");
        let end = practice_end(&s).await;
        clock.advance_secs(end.0 / 1000 - clock_secs(&clock) + 1);
        run_jobs(&s).await;
        let zhang_retakes = q(
            "SELECT COUNT(*) FROM retakes r JOIN users u ON u.id = r.user_id \
             WHERE u.login = 'zhangwei' AND r.exam_id = {x}",
        );
        assert_eq!(
            scalar_i64(&s, &zhang_retakes).await,
            0,
            "a pass needs no retake"
        );

        // The invigilator voids the pass (cheating found afterwards): he must retake.
        let mut admin = signed_in(&s, "admin").await;
        let refused: Result<(), AppError> = admin
            .call(
                "attempts/void",
                &[("attempt_id", &zid.to_string()), ("reason", "")],
            )
            .await;
        assert!(
            matches!(refused, Err(AppError::Invalid { .. })),
            "a reason is required"
        );
        let _: () = admin
            .call(
                "attempts/void",
                &[("attempt_id", &zid.to_string()), ("reason", "考后发现夹带")],
            )
            .await
            .expect("voided");
        run_jobs(&s).await;
        let outcome = text_rows(
            &s,
            "SELECT r.outcome, u.login FROM sitting_results r JOIN users u ON u.id = r.user_id \
             JOIN sittings s ON s.id = r.sitting_id WHERE u.login = 'zhangwei' AND s.name = '模拟练习场次'",
        )
        .await;
        assert_eq!(outcome[0].0, "voided");
        assert_eq!(scalar_i64(&s, &zhang_retakes).await, 1);

        // No unit case while the two scheduled first sittings are still to come.
        let unit_cases = q("SELECT COUNT(*) FROM cases WHERE kind = 'unit' AND exam_id = {x}");
        assert_eq!(scalar_i64(&s, &unit_cases).await, 0);
        let last = Timestamp(
            scalar_i64(
                &s,
                "SELECT MAX(window_end) FROM sittings WHERE name IN ('第1场', '第2场')",
            )
            .await,
        );
        clock.advance_secs(last.0 / 1000 - clock_secs(&clock) + 1);
        run_jobs(&s).await;
        assert_eq!(scalar_i64(&s, &unit_cases).await, 1, "the one weakest unit");
        run_jobs(&s).await;
        assert_eq!(scalar_i64(&s, &unit_cases).await, 1, "and only once");
        let mut head = signed_in(&s, "yuetan").await;
        let list: CaseList = head
            .call(
                "cases/list",
                &[
                    ("exam", &exam),
                    ("unit", ""),
                    ("state", ""),
                    ("overdue", ""),
                ],
            )
            .await
            .expect("cases");
        let unit_case = list
            .cases
            .iter()
            .find(|c| c.kind == app::escalation::model::CaseKind::Unit)
            .expect("the unit case is the city head's");
        let d: CaseDetail = head
            .call("cases/get", &[("id", &unit_case.id.to_string())])
            .await
            .expect("case");
        match d.reasons {
            app::escalation::model::CaseReasons::Unit {
                candidates,
                passed,
                rank_from_bottom,
                ..
            } => {
                assert!(candidates >= 1);
                assert_eq!(passed, 0, "a unit where nobody passed is the weakest");
                assert_eq!(rank_from_bottom, 1);
            }
            other => panic!("unit reasons expected, got {other:?}"),
        }
        s.stop().await;
        db.drop_db().await;
    }
);
