//! Reports through the real server on SQLite and PostgreSQL, over the demo history (a
//! closed exam with failures, an absentee, retakes and interview cases): every figure is
//! checked against a recomputation from the raw rows, the aggregates follow changes,
//! the ranking names the weakest unit, exports open, and nobody sees outside their scope.

mod common;

use app::error::AppError;
use app::reports::model::{
    ExamReport, ItemAnalysis, PersonReport, SeatStatus, SittingReport, UnitReport,
};
use app::server::ManualClock;
use common::{
    exec, id_of, scalar_i64, signed_in, sql_uuid, start_server, Backend, Client, TestDb,
    TestServer, T0,
};

const HISTORY: &str = "2026年第三季度应知应会测试";

async fn demo(backend: Backend) -> Option<(TestDb, TestServer, String)> {
    let db = TestDb::new(backend).await?;
    let s = start_server(&db.url, ManualClock::new(T0)).await;
    assert!(server::seed::load_demo(&s.state).await.expect("demo"));
    refresh(&s).await;
    let exam = id_of(
        &s,
        &format!("SELECT id FROM exams WHERE title = '{HISTORY}'"),
    )
    .await;
    Some((db, s, exam))
}

/// One runner pass: the aggregates and item analyses catch up with every change.
async fn refresh(s: &TestServer) {
    app::jobs::service::tick(&s.state, "test-worker")
        .await
        .expect("tick");
    assert_eq!(
        scalar_i64(s, "SELECT COUNT(*) FROM report_stale").await,
        0,
        "one pass takes every mark"
    );
}

async fn scalar_f64(s: &TestServer, q: &str) -> f64 {
    let mut c = s.state.db.read().await.expect("read");
    app::sql!(&mut c, |x| sqlx::query_scalar::<_, f64>(q)
        .fetch_one(&mut *x)
        .await)
    .expect(q)
}

async fn units(c: &mut Client, pairs: &[(&str, &str)]) -> Result<UnitReport, AppError> {
    let mut args: Vec<(&str, &str)> = ["unit", "exam", "from", "to", "by", "min", "bottom"]
        .into_iter()
        .map(|k| (k, ""))
        .collect();
    for (k, v) in pairs {
        args.iter_mut()
            .find(|(key, _)| key == k)
            .expect("known key")
            .1 = v;
    }
    c.call("reports/units", &args).await
}

fn unit_id(r: &UnitReport, name: &str) -> String {
    r.children
        .iter()
        .find(|l| l.unit.name == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
        .unit
        .id
        .to_string()
}

both_backends!(
    every_report_figure_matches_a_recomputation_from_the_raw_rows,
    |backend| async move {
        let Some((db, s, exam)) = demo(backend).await else {
            return;
        };
        let x = sql_uuid(backend, &exam);
        let raw = |q: &str| q.replace("{x}", &x);
        let first =
            "JOIN sittings st ON st.id = t.sitting_id WHERE st.exam_id = {x} AND NOT st.is_retake";
        let mut admin = signed_in(&s, "admin").await;

        let r: ExamReport = admin
            .call("reports/exam", &[("exam_id", &exam)])
            .await
            .expect("report");
        let count = |q: String| {
            let s = &s;
            async move { scalar_i64(s, &q).await as u32 }
        };
        assert_eq!(
            r.candidates,
            count(raw("SELECT COUNT(DISTINCT t.user_id) FROM assignments t JOIN sittings st ON st.id = t.sitting_id WHERE st.exam_id = {x} AND NOT st.is_retake")).await
        );
        assert_eq!(
            r.submitted,
            count(raw(&format!("SELECT COUNT(DISTINCT t.user_id) FROM attempts t {first} AND t.status = 'submitted'"))).await
        );
        assert_eq!(
            r.passed_first,
            count(raw(&format!("SELECT COUNT(DISTINCT t.user_id) FROM attempts t {first} AND t.passed AND t.voided_at IS NULL"))).await
        );
        assert_eq!(
            r.absent,
            count(raw("SELECT COUNT(*) FROM sitting_results t JOIN sittings st ON st.id = t.sitting_id WHERE st.exam_id = {x} AND NOT st.is_retake AND t.outcome = 'absent'")).await
        );
        let mean = scalar_f64(&s, &raw(&format!(
            "SELECT CAST(AVG(CAST(t.score AS DOUBLE PRECISION)) AS DOUBLE PRECISION) FROM attempts t {first} AND t.voided_at IS NULL"
        ))).await;
        let (m, _, _, _, _) = r.summary.expect("scores");
        assert!((m - mean).abs() < 1e-6, "mean {m} = {mean}");
        // The demo: twelve candidates, nine pass, two hand in empty papers, one is absent.
        assert_eq!(
            (r.candidates, r.submitted, r.absent, r.passed_first),
            (12, 11, 1, 9)
        );
        assert_eq!((r.open_retakes, r.open_cases), (1, 2));
        assert_eq!(r.histogram.iter().sum::<u32>(), 11);
        assert!(!r.freshness.pending && r.freshness.as_of.is_some());

        // Units: the city's total equals the exam's; the counties are ranked by pass rate.
        let city: UnitReport = units(&mut admin, &[("exam", &exam)]).await.expect("units");
        assert_eq!(city.trail.len(), 1);
        assert_eq!(
            (
                city.total.decided,
                city.total.passed_first,
                city.total.absent
            ),
            (12, 9, 1)
        );
        let line = |name: &str| {
            city.children
                .iter()
                .find(|l| l.unit.name == name)
                .expect(name)
                .clone()
        };
        let (sc, gs, tl, fg) = (
            line("上城区"),
            line("拱墅区"),
            line("桐庐县"),
            line("市发展和改革委员会"),
        );
        assert_eq!(
            (sc.rank, gs.rank, tl.rank, fg.rank),
            (Some(1), Some(1), Some(3), None),
            "ties share a place; one candidate is not ranked"
        );
        assert!(
            tl.bottom && !sc.bottom && !fg.bottom,
            "the weakest county is named"
        );
        assert!(
            tl.reason_zh.starts_with("通过率 67%（2/3），缺考 1 人"),
            "{}",
            tl.reason_zh
        );
        assert_eq!(
            city.children.iter().map(|l| l.decided).sum::<u32>(),
            city.total.decided,
            "the counties add up to the city"
        );
        // A county's roll-up is its departments' sum, and equals the raw rows under it.
        let sc_id = unit_id(&city, "上城区");
        let county: UnitReport = units(&mut admin, &[("exam", &exam), ("unit", &sc_id)])
            .await
            .expect("county");
        assert_eq!(county.children.len(), 2);
        assert_eq!(
            county.children.iter().map(|l| l.passed_first).sum::<u32>(),
            county.total.passed_first
        );
        let sc_path = id_of(&s, "SELECT id FROM units WHERE code = '330102'").await;
        assert_eq!(
            county.total.passed_first,
            count(raw(&format!(
                "SELECT COUNT(DISTINCT t.user_id) FROM attempts t JOIN users u ON u.id = t.user_id \
                 JOIN units un ON un.id = u.unit_id {first} AND t.passed AND un.path LIKE '%{sc_path}%'"
            ))).await
        );
        // Drill down to a department's people, then to one person's history.
        let dept = unit_id(&county, "上城区财政局");
        let leaf: UnitReport = units(&mut admin, &[("exam", &exam), ("unit", &dept)])
            .await
            .expect("dept");
        assert!(leaf.children.is_empty());
        let liqiang = leaf
            .people
            .iter()
            .find(|p| p.login == "liqiang")
            .expect("liqiang listed");
        // He failed: either his retake is still ahead or he missed it and is an open case.
        assert!(
            liqiang.decided && !liqiang.passed_first && (liqiang.open_case ^ liqiang.open_retake)
        );
        let person: PersonReport = admin
            .call(
                "reports/person",
                &[("user_id", &liqiang.user_id.to_string())],
            )
            .await
            .expect("person");
        assert_eq!(person.unit_name, "上城区财政局");
        assert!(person
            .exams
            .iter()
            .any(|e| e.exam_title == HISTORY && e.retake_rounds == 1));
        assert_eq!(person.cases.len(), usize::from(liqiang.open_case));

        // The first sitting's roster: eleven submitted, one absent.
        let sitting = id_of(
            &s,
            &raw("SELECT id FROM sittings WHERE exam_id = {x} AND NOT is_retake"),
        )
        .await;
        let sr: SittingReport = admin
            .call("reports/sitting", &[("sitting_id", &sitting)])
            .await
            .expect("sitting");
        assert_eq!(sr.roster.len(), 12);
        assert_eq!(
            sr.roster
                .iter()
                .filter(|p| p.status == SeatStatus::Submitted)
                .count(),
            11
        );
        assert_eq!(
            sr.roster
                .iter()
                .filter(|p| p.status == SeatStatus::Absent)
                .count(),
            1
        );
        assert_eq!((sr.passed, sr.absent), (9, 1));

        // Item analysis of the eleven graded papers, computed by the runner.
        let items: ItemAnalysis = admin
            .call("reports/items", &[("exam_id", &exam)])
            .await
            .expect("items");
        assert_eq!(items.attempts, 11);
        assert!(!items.items.is_empty() && !items.pending);
        // Nine full-mark papers and two empty ones: of all (paper, item) pairs, nine in
        // eleven are right, whichever items each paper drew.
        let pairs: u32 = items.items.iter().map(|i| i.n).sum();
        let right: f64 = items
            .items
            .iter()
            .map(|i| i.facility.unwrap_or(0.0) * f64::from(i.n))
            .sum();
        assert_eq!(pairs % 11, 0);
        assert!(
            (right - f64::from(pairs / 11 * 9)).abs() < 1e-6,
            "{right} of {pairs}"
        );

        // Changes reach the reports after one runner pass: a voided pass, a moved person.
        exec(
            &s,
            &format!(
                "UPDATE attempts SET voided_at = 1, void_reason = 'test' WHERE user_id = \
             (SELECT id FROM users WHERE login = 'zhangwei') AND exam_id = {x}"
            ),
        )
        .await;
        let fg_unit = sql_uuid(
            backend,
            &id_of(&s, "SELECT id FROM units WHERE code = '330102-01'").await,
        );
        exec(
            &s,
            &format!("UPDATE users SET unit_id = {fg_unit} WHERE login = 'sunli'"),
        )
        .await;
        let stale: ExamReport = admin
            .call("reports/exam", &[("exam_id", &exam)])
            .await
            .expect("report");
        assert!(
            stale.freshness.pending,
            "the report says changes are on their way"
        );
        refresh(&s).await;
        let r: ExamReport = admin
            .call("reports/exam", &[("exam_id", &exam)])
            .await
            .expect("report");
        assert_eq!(r.passed_first, 8, "a voided pass is no pass");
        let city: UnitReport = units(&mut admin, &[("exam", &exam)]).await.expect("units");
        assert_eq!(
            city.children
                .iter()
                .find(|l| l.unit.name == "上城区")
                .unwrap()
                .decided,
            5
        );
        assert_eq!(
            city.children
                .iter()
                .find(|l| l.unit.name == "市发展和改革委员会")
                .unwrap()
                .decided,
            0
        );

        s.stop().await;
        db.drop_db().await;
    }
);

both_backends!(
    exports_open_in_excel_and_respect_the_viewers_scope,
    |backend| async move {
        let Some((db, s, exam)) = demo(backend).await else {
            return;
        };
        let mut admin = signed_in(&s, "admin").await;
        let res = admin
            .get(&format!("/reports/export/exam?format=xlsx&id={exam}"))
            .await;
        assert_eq!(res.status().as_u16(), 200);
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''"));
        let bytes = res.bytes().await.expect("body").to_vec();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx");
        assert_eq!(book.sheet_names(), vec!["概况", "分数分布", "人员"]);
        let people = book.worksheet_range("人员").expect("people sheet");
        assert_eq!(people.height(), 13, "a header and the twelve candidates");
        assert_eq!(
            people.get((0, 1)).map(|c| c.to_string()),
            Some("姓名".to_owned())
        );

        let res = admin.get("/reports/export/units?format=csv").await;
        assert_eq!(res.status().as_u16(), 200);
        let csv = res.bytes().await.expect("body").to_vec();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let text = String::from_utf8(csv[3..].to_vec()).expect("utf-8");
        assert!(text.starts_with("名次,单位代码,单位"));
        assert!(text.contains("桐庐县"));

        // The organizer of 上城区 sees only 上城区, in pages and in files.
        let mut org = signed_in(&s, "organizer").await;
        let own: UnitReport = units(&mut org, &[]).await.expect("own scope");
        assert_eq!(
            own.trail
                .iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>(),
            vec!["上城区"]
        );
        let gs = id_of(&s, "SELECT id FROM units WHERE code = '330105'").await;
        assert_eq!(
            units(&mut org, &[("unit", &gs)]).await,
            Err(AppError::NotFound)
        );
        assert_eq!(
            org.get(&format!("/reports/export/units?format=csv&unit={gs}"))
                .await
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            org.get(&format!("/reports/export/exam?format=xlsx&id={exam}"))
                .await
                .status()
                .as_u16(),
            404
        );
        let mine = org
            .get("/reports/export/units?format=csv")
            .await
            .text()
            .await
            .expect("csv");
        assert!(
            mine.contains("上城区财政局") && !mine.contains("拱墅区"),
            "only units of the organizer's scope"
        );
        let people = org
            .get("/reports/export/units?format=xlsx")
            .await
            .bytes()
            .await
            .expect("xlsx")
            .to_vec();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(people)).expect("an xlsx");
        let units_sheet = book.worksheet_range("单位").expect("units sheet");
        assert!(units_sheet
            .rows()
            .all(|r| !r.iter().any(|c| c.to_string().contains("拱墅"))));
        let zhaolei = id_of(&s, "SELECT id FROM users WHERE login = 'zhaolei'").await;
        let hidden: Result<PersonReport, AppError> =
            org.call("reports/person", &[("user_id", &zhaolei)]).await;
        assert_eq!(hidden, Err(AppError::NotFound));
        assert_eq!(
            org.get(&format!("/reports/export/person?format=csv&id={zhaolei}"))
                .await
                .status()
                .as_u16(),
            404
        );

        // Candidates and strangers get no files.
        let mut cand = signed_in(&s, "zhangwei").await;
        assert_eq!(
            cand.get("/reports/export/units?format=csv")
                .await
                .status()
                .as_u16(),
            403
        );
        let mut nobody = Client::new(s.addr);
        assert_eq!(
            nobody
                .get("/reports/export/units?format=csv")
                .await
                .status()
                .as_u16(),
            401
        );
        // Bad filters are refused with the field named, not ignored.
        assert!(matches!(
            units(&mut admin, &[("from", "2026-02-30")]).await,
            Err(AppError::Invalid { field: Some(f), .. }) if f == "from"
        ));

        s.stop().await;
        db.drop_db().await;
    }
);

both_backends!(
    the_exam_report_page_and_the_ranking_page_render_on_the_server,
    |backend| async move {
        let Some((db, s, exam)) = demo(backend).await else {
            return;
        };
        let mut admin = signed_in(&s, "admin").await;
        for (path, expect) in [
            (format!("/organize/exams/{exam}/report"), "75%（9/12）"),
            (
                format!("/reports/units?exam={exam}"),
                "通过率 67%（2/3），缺考 1 人",
            ),
            (format!("/organize/exams/{exam}/items"), "KR-20"),
        ] {
            let page = admin.get(&path).await;
            assert_eq!(page.status().as_u16(), 200, "{path}");
            let html = page.text().await.expect("page");
            assert!(html.contains(expect), "{path} shows {expect}");
        }
        let html = admin
            .get(&format!("/organize/exams/{exam}/report"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("<svg"),
            "the histogram is server-rendered SVG"
        );
        // Many at once, with the frame's unread count: each page streams to its end (a
        // render that stalls shows up as a cut-off body).
        let pages = [
            format!("/organize/exams/{exam}/report"),
            format!("/reports/units?exam={exam}"),
            format!("/organize/exams/{exam}/items"),
            "/notifications".to_owned(),
            "/".to_owned(),
        ];
        let mut set = tokio::task::JoinSet::new();
        for i in 0..150 {
            let mut c = admin.on(admin.addr);
            let path = pages[i % pages.len()].clone();
            set.spawn(async move {
                let res = c.get(&path).await;
                let status = res.status().as_u16();
                let body = res.text().await.expect("whole body");
                (
                    path,
                    status,
                    body.contains("</html>") && body.contains("__INCOMPLETE_CHUNKS"),
                )
            });
        }
        while let Some(r) = set.join_next().await {
            let (path, status, complete) = r.expect("request completed");
            assert_eq!(status, 200, "{path}");
            assert!(complete, "{path} was streamed to its end");
        }
        s.stop().await;
        db.drop_db().await;
    }
);
