//! Question banks, papers and sittings through the real HTTP server, on SQLite and on
//! PostgreSQL: what an organizer does before an exam.

mod common;

use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::papers::model::ExamDetail;
use app::question_bank::model::{BankView, QuestionDetail, QuestionPage, VersionView};
use app::sittings::model::{
    AssignConflict, AssignPreview, AssignedCandidate, SittingView, UpcomingSitting,
};
use common::{Backend, Client, World};

struct Org {
    admin: Client,
    org: Client,
    east: String,
}

/// An EAST unit under the root with an organizer scoped to it.
async fn org_world(w: &World) -> Org {
    let mut admin = w.admin().await;
    let east = w.unit(&mut admin, "EAST", "东区", "3301").await;
    let org = w
        .person(&mut admin, "org.east", &east, &["role_organizer"], "")
        .await;
    Org { admin, org, east }
}

async fn make_bank(c: &mut Client, name: &str) -> String {
    let _: () = c
        .call("banks/create", &[("name", name)])
        .await
        .expect("bank");
    let banks: Vec<BankView> = c.call("banks/list", &[]).await.expect("banks");
    banks
        .iter()
        .find(|b| b.name == name)
        .expect("the new bank is listed")
        .id
        .to_string()
}

/// Creates a question through the editor's server function; one argument per form field
/// the tests vary.
#[allow(clippy::too_many_arguments)]
async fn question(
    c: &mut Client,
    bank: &str,
    qtype: &str,
    stem: &str,
    options: &str,
    answer: &str,
    category: &str,
    difficulty: &str,
) -> Result<(), AppError> {
    c.call(
        "questions/create",
        &[
            ("bank_id", bank),
            ("q[qtype]", qtype),
            ("q[stem]", stem),
            ("q[options]", options),
            ("q[answer]", answer),
            ("q[explanation]", ""),
            ("q[category]", category),
            ("q[difficulty]", difficulty),
            ("q[tags]", "二十大"),
            ("q[points]", "2"),
            ("q[status]", "active"),
        ],
    )
    .await
}

async fn search(c: &mut Client, bank: &str, filters: &[(&str, &str)]) -> QuestionPage {
    let mut form = vec![
        ("query[bank_id]", bank),
        ("query[text]", ""),
        ("query[category]", ""),
        ("query[qtype]", ""),
        ("query[difficulty]", ""),
        ("query[tag]", ""),
        ("query[status]", ""),
        ("query[sort]", ""),
        ("query[page]", "1"),
    ];
    for (k, v) in filters {
        form.retain(|(name, _)| name != k);
        form.push((k, v));
    }
    c.call("questions/search", &form).await.expect("search")
}

fn reasons(e: &AppError) -> Vec<Msg> {
    match e {
        AppError::Problems(ps) => ps.iter().map(|p| p.reason).collect(),
        AppError::Invalid { msg, .. } => vec![*msg],
        other => panic!("expected validation problems, got {other:?}"),
    }
}

both_backends!(
    an_organizer_builds_a_bank_and_finds_questions_by_chinese_substrings,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut o = org_world(&w).await;
        let bank = make_bank(&mut o.org, "党章题库").await;

        question(
            &mut o.org,
            &bank,
            "single",
            "党的最高领导机关是（  ）。",
            "党的全国代表大会\n中央委员会\n中央政治局",
            "A",
            "党章党规/组织制度",
            "2",
        )
        .await
        .expect("single choice");
        question(
            &mut o.org,
            &bank,
            "true_false",
            "党员有权在党的会议上批评党的任何组织和任何党员。",
            "",
            "正确",
            "党章党规",
            "1",
        )
        .await
        .expect("true/false");
        question(
            &mut o.org,
            &bank,
            "fill_blank",
            "党的根本组织原则是（    ）。",
            "",
            "民主集中制",
            "重要讲话精神",
            "3",
        )
        .await
        .expect("fill in");

        // Same type and stem, written with other spacing and full-width punctuation.
        let dup = question(
            &mut o.org,
            &bank,
            "single",
            "党的最高领导机关是（）。 ",
            "甲\n乙",
            "B",
            "",
            "2",
        )
        .await;
        assert_eq!(dup, Err(AppError::Conflict(Msg::ErrDuplicateQuestion)));

        let bad = question(&mut o.org, &bank, "single", "新题", "甲\n乙", "AB", "", "9")
            .await
            .expect_err("two answers and difficulty 9 are refused");
        let r = reasons(&bad);
        assert!(r.contains(&Msg::ErrSingleOneAnswer), "{r:?}");
        assert!(r.contains(&Msg::ErrDifficultyRange), "{r:?}");

        assert_eq!(search(&mut o.org, &bank, &[]).await.total, 3);
        let hits = search(&mut o.org, &bank, &[("query[text]", "最高领导")]).await;
        assert_eq!(hits.total, 1);
        assert_eq!(hits.items[0].stem, "党的最高领导机关是（  ）。");
        assert_eq!(
            search(&mut o.org, &bank, &[("query[qtype]", "true_false")])
                .await
                .total,
            1
        );
        assert_eq!(
            search(&mut o.org, &bank, &[("query[difficulty]", "3")])
                .await
                .total,
            1
        );
        assert_eq!(
            search(&mut o.org, &bank, &[("query[tag]", "二十大")])
                .await
                .total,
            3
        );
        let cats: Vec<app::question_bank::model::CategoryView> = o
            .org
            .call("categories/list", &[("bank_id", &bank)])
            .await
            .expect("categories");
        let party = cats
            .iter()
            .find(|k| k.path == "党章党规")
            .expect("category");
        assert_eq!(party.question_count, 2, "a category counts its subtree");
        let in_party = search(
            &mut o.org,
            &bank,
            &[("query[category]", &party.id.to_string())],
        )
        .await;
        assert_eq!(in_party.total, 2);

        // Bulk retire, then the status filter sees it.
        let ids: Vec<String> = in_party.items.iter().map(|q| q.id.to_string()).collect();
        let n: u64 = o
            .org
            .call(
                "questions/bulk",
                &[
                    ("bank_id", &bank),
                    ("ids", &ids.join(",")),
                    ("action", "retire"),
                    ("category", ""),
                    ("tag", ""),
                ],
            )
            .await
            .expect("bulk retire");
        assert_eq!(n, 2);
        assert_eq!(
            search(&mut o.org, &bank, &[("query[status]", "retired")])
                .await
                .total,
            2
        );
        w.finish().await;
    }
);

async fn create_exam(c: &mut Client, bank: &str, title: &str) -> String {
    let _: () = c
        .call("exams/create", &[("bank_id", bank), ("title", title)])
        .await
        .expect("exam");
    let exams: Vec<app::papers::model::ExamSummary> =
        c.call("exams/list", &[]).await.expect("exams");
    exams
        .iter()
        .find(|e| e.title == title)
        .expect("listed")
        .id
        .to_string()
}

both_backends!(
    editing_a_question_a_paper_uses_makes_a_new_version_and_the_paper_keeps_the_old_one,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut o = org_world(&w).await;
        let bank = make_bank(&mut o.org, "题库").await;
        question(
            &mut o.org,
            &bank,
            "single",
            "原题干",
            "甲\n乙",
            "A",
            "党章党规",
            "3",
        )
        .await
        .expect("question");
        let qid = search(&mut o.org, &bank, &[]).await.items[0].id.to_string();
        let edit = |stem: &'static str| {
            vec![
                ("id", qid.clone()),
                ("q[qtype]", "single".to_owned()),
                ("q[stem]", stem.to_owned()),
                ("q[options]", "甲\n乙".to_owned()),
                ("q[answer]", "B".to_owned()),
                ("q[explanation]", String::new()),
                ("q[category]", "党章党规".to_owned()),
                ("q[difficulty]", "3".to_owned()),
                ("q[tags]", String::new()),
                ("q[points]", "2".to_owned()),
                ("q[status]", "active".to_owned()),
            ]
        };
        let form = edit("未使用时修改");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _: () = o.org.call("questions/update", &form).await.expect("edit");
        let versions: Vec<VersionView> = o
            .org
            .call("questions/versions", &[("id", &qid)])
            .await
            .unwrap();
        assert_eq!(versions.len(), 1, "an unused question is edited in place");

        let exam = create_exam(&mut o.org, &bank, "测试考试").await;
        let _: () = o
            .org
            .call(
                "exams/section-add",
                &[("id", &exam), ("title", "一、单选题")],
            )
            .await
            .unwrap();
        let _: () = o
            .org
            .call(
                "exams/fixed-add",
                &[
                    ("id", &exam),
                    ("section", "0"),
                    ("question_ids", &qid),
                    ("points", "5"),
                ],
            )
            .await
            .expect("fixed question added");
        let before: ExamDetail = o.org.call("exams/get", &[("id", &exam)]).await.unwrap();
        let pinned = before.sections[0].fixed[0]
            .version_id
            .expect("pinned at save");
        assert_eq!(before.total_points.0, 500);

        let form = edit("被试卷使用后修改");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _: () = o
            .org
            .call("questions/update", &form)
            .await
            .expect("edit in use");
        let versions: Vec<VersionView> = o
            .org
            .call("questions/versions", &[("id", &qid)])
            .await
            .unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].draft.stem, "被试卷使用后修改");
        assert_eq!(versions[1].draft.stem, "未使用时修改");
        let current: QuestionDetail = o.org.call("questions/get", &[("id", &qid)]).await.unwrap();
        assert_eq!(current.version_no, 2);
        let after: ExamDetail = o.org.call("exams/get", &[("id", &exam)]).await.unwrap();
        assert_eq!(after.sections[0].fixed[0].version_id, Some(pinned));

        // The organizer's preview shows the pinned (old) text with its key; the candidate's
        // view of the same draw has no key.
        let with: Vec<app::papers::model::PreviewItem> = o
            .org
            .call(
                "exams/preview",
                &[("id", &exam), ("seed", "7"), ("with_answers", "true")],
            )
            .await
            .unwrap();
        assert_eq!(with[0].question.stem, "未使用时修改");
        assert!(with[0].key.is_some());
        let without: Vec<app::papers::model::PreviewItem> = o
            .org
            .call(
                "exams/preview",
                &[("id", &exam), ("seed", "7"), ("with_answers", "false")],
            )
            .await
            .unwrap();
        assert!(without
            .iter()
            .all(|i| i.key.is_none() && i.explanation.is_none()));
        w.finish().await;
    }
);

both_backends!(
    a_paper_whose_rules_the_bank_cannot_satisfy_is_refused_with_the_exact_shortfall,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut o = org_world(&w).await;
        let bank = make_bank(&mut o.org, "题库").await;
        for i in 0..7 {
            question(
                &mut o.org,
                &bank,
                "single",
                &format!("第{i}题"),
                "甲\n乙",
                "A",
                "党章党规",
                "3",
            )
            .await
            .unwrap();
        }
        let cats: Vec<app::question_bank::model::CategoryView> = o
            .org
            .call("categories/list", &[("bank_id", &bank)])
            .await
            .unwrap();
        let cat = cats[0].id.to_string();
        let exam = create_exam(&mut o.org, &bank, "考试").await;
        let _: () = o
            .org
            .call("exams/section-add", &[("id", &exam), ("title", "单选")])
            .await
            .unwrap();
        let rule = |count: &'static str| {
            [
                ("id", exam.clone()),
                ("section", "0".to_owned()),
                ("category", cat.clone()),
                ("qtype", "single".to_owned()),
                ("difficulty", "3".to_owned()),
                ("count", count.to_owned()),
                ("points_each", "2".to_owned()),
            ]
        };
        let form = rule("10");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = o
            .org
            .call::<()>("exams/rule-add", &form)
            .await
            .expect_err("shortfall");
        let text = err.message(Lang::ZhCn);
        assert!(text.contains("党章党规 / 单选题 / 难度3"), "{text}");
        assert!(text.contains("10") && text.contains('7'), "{text}");
        let unchanged: ExamDetail = o.org.call("exams/get", &[("id", &exam)]).await.unwrap();
        assert!(
            unchanged.sections[0].rules.is_empty(),
            "a refused rule is not saved"
        );

        let form = rule("7");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _: () = o
            .org
            .call("exams/rule-add", &form)
            .await
            .expect("satisfiable");
        let saved: ExamDetail = o.org.call("exams/get", &[("id", &exam)]).await.unwrap();
        assert_eq!((saved.question_count, saved.total_points.0), (7, 1400));
        w.finish().await;
    }
);

fn sitting_form<'a>(
    exam: &'a str,
    name: &'a str,
    start: &'a str,
    end: &'a str,
    capacity: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("exam_id", exam),
        ("name", name),
        ("window_start", start),
        ("window_end", end),
        ("mode", "flexible"),
        ("late_entry_minutes", "0"),
        ("capacity", capacity),
        ("location", "机房"),
    ]
}

both_backends!(
    assigning_units_shows_the_count_first_and_lists_every_conflict,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut o = org_world(&w).await;
        let sub = w.unit(&mut o.admin, "EAST-1", "东区一科", "EAST").await;
        let west = w.unit(&mut o.admin, "WEST", "西区", "3301").await;
        for (login, unit) in [("c1", &sub), ("c2", &sub), ("c3", &o.east), ("c4", &o.east)] {
            w.person(&mut o.admin, login, unit, &["role_candidate"], "县处级副职")
                .await;
        }
        w.person(&mut o.admin, "w1", &west, &["role_candidate"], "")
            .await;

        let bank = make_bank(&mut o.org, "题库").await;
        for i in 0..3 {
            question(
                &mut o.org,
                &bank,
                "true_false",
                &format!("判断{i}"),
                "",
                "正确",
                "",
                "1",
            )
            .await
            .unwrap();
        }
        let exam = create_exam(&mut o.org, &bank, "考试").await;
        let _: () = o
            .org
            .call("exams/section-add", &[("id", &exam), ("title", "判断")])
            .await
            .unwrap();
        let _: () = o
            .org
            .call(
                "exams/rule-add",
                &[
                    ("id", &exam),
                    ("section", "0"),
                    ("category", ""),
                    ("qtype", "true_false"),
                    ("difficulty", ""),
                    ("count", "3"),
                    ("points_each", "1"),
                ],
            )
            .await
            .unwrap();

        let _: () = o
            .org
            .call(
                "sittings/create",
                &sitting_form(&exam, "第1场", "2026-11-20T09:00", "2026-11-20T12:00", "3"),
            )
            .await
            .expect("sitting");
        let _: () = o
            .org
            .call(
                "sittings/create",
                &sitting_form(&exam, "第2场", "2026-11-20T11:00", "2026-11-20T13:00", "50"),
            )
            .await
            .expect("overlapping sitting");
        let bad = o
            .org
            .call::<()>(
                "sittings/create",
                &sitting_form(&exam, "坏场次", "2026-11-20T12:00", "2026-11-20T09:00", "5"),
            )
            .await
            .expect_err("end before start");
        assert!(matches!(
            bad,
            AppError::Problems(_) | AppError::Invalid { .. }
        ));

        let sittings: Vec<SittingView> = o.org.call("sittings/list", &[]).await.unwrap();
        assert_eq!(sittings.len(), 2);
        let first = sittings
            .iter()
            .find(|s| s.spec.name == "第1场")
            .unwrap()
            .id
            .to_string();
        let second = sittings
            .iter()
            .find(|s| s.spec.name == "第2场")
            .unwrap()
            .id
            .to_string();

        let by_unit = [
            ("id", first.as_str()),
            ("by", "unit"),
            ("logins", ""),
            ("unit_id", o.east.as_str()),
            ("with_sub_units", "on"),
            ("rank_tag", ""),
        ];
        let preview: AssignPreview = o
            .org
            .call("sittings/assign-preview", &by_unit)
            .await
            .unwrap();
        assert_eq!(preview.will_assign, 3, "capacity 3: {preview:?}");
        let kinds: Vec<(String, AssignConflict)> = preview
            .conflicts
            .iter()
            .map(|c| (c.login.clone(), c.conflict))
            .collect();
        assert!(
            kinds.contains(&("org.east".into(), AssignConflict::NotCandidate)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("c4".into(), AssignConflict::OverCapacity)),
            "{kinds:?}"
        );
        let roster: Vec<AssignedCandidate> = o
            .org
            .call("sittings/roster", &[("id", &first)])
            .await
            .unwrap();
        assert!(roster.is_empty(), "a preview changes nothing");

        let done: AssignPreview = o.org.call("sittings/assign", &by_unit).await.unwrap();
        assert_eq!(done.will_assign, 3);
        let roster: Vec<AssignedCandidate> = o
            .org
            .call("sittings/roster", &[("id", &first)])
            .await
            .unwrap();
        let logins: Vec<&str> = roster.iter().map(|r| r.login.as_str()).collect();
        assert_eq!(logins.len(), 3);

        let by_login = [
            ("id", second.as_str()),
            ("by", "logins"),
            ("logins", "c1, c4\nnobody\nw1"),
            ("unit_id", ""),
            ("rank_tag", ""),
        ];
        let p: AssignPreview = o
            .org
            .call("sittings/assign-preview", &by_login)
            .await
            .unwrap();
        let kinds: Vec<(String, AssignConflict)> = p
            .conflicts
            .iter()
            .map(|c| (c.login.clone(), c.conflict))
            .collect();
        assert!(
            kinds.contains(&("c1".into(), AssignConflict::Overlap)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("nobody".into(), AssignConflict::UnknownLogin)),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&("w1".into(), AssignConflict::OutOfScope)),
            "{kinds:?}"
        );
        assert_eq!(p.will_assign, 1, "only c4 is free: {p:?}");

        let by_rank = [
            ("id", second.as_str()),
            ("by", "rank"),
            ("logins", ""),
            ("unit_id", ""),
            ("rank_tag", "县处级副职"),
        ];
        let p: AssignPreview = o
            .org
            .call("sittings/assign-preview", &by_rank)
            .await
            .unwrap();
        assert_eq!(p.will_assign + p.conflicts.len() as u32, 4, "{p:?}");

        let _: () = o
            .org
            .call(
                "sittings/accommodation",
                &[
                    ("id", &first),
                    ("user_id", &roster[0].user_id.to_string()),
                    ("extra_minutes", "15"),
                    ("extra_percent", ""),
                    ("reason", "视力障碍"),
                ],
            )
            .await
            .expect("accommodation");
        let no_reason = o
            .org
            .call::<()>(
                "sittings/accommodation",
                &[
                    ("id", &first),
                    ("user_id", &roster[0].user_id.to_string()),
                    ("extra_minutes", "15"),
                    ("extra_percent", ""),
                    ("reason", ""),
                ],
            )
            .await;
        assert!(no_reason.is_err(), "extra time needs a reason");

        // Moving a sitting onto another sitting of one of its candidates is refused.
        let update = |start: &'static str, end: &'static str| {
            vec![
                ("id", second.clone()),
                ("name", "第2场".to_owned()),
                ("window_start", start.to_owned()),
                ("window_end", end.to_owned()),
                ("mode", "flexible".to_owned()),
                ("late_entry_minutes", "0".to_owned()),
                ("capacity", "50".to_owned()),
                ("location", String::new()),
            ]
        };
        let form = update("2026-11-20T13:00", "2026-11-20T15:00");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let _: () = o
            .org
            .call("sittings/update", &form)
            .await
            .expect("moved away");
        let c1_only = [
            ("id", second.as_str()),
            ("by", "logins"),
            ("logins", "c1"),
            ("unit_id", ""),
            ("rank_tag", ""),
        ];
        let done: AssignPreview = o.org.call("sittings/assign", &c1_only).await.unwrap();
        assert_eq!(done.will_assign, 1, "{done:?}");
        let form = update("2026-11-20T11:00", "2026-11-20T13:00");
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let clash = o
            .org
            .call::<()>("sittings/update", &form)
            .await
            .expect_err("clash");
        assert_eq!(reasons(&clash), vec![Msg::ErrWindowClashes]);

        let mut c1 = w.client();
        c1.login("c1", "Changed-pass-1").await.unwrap();
        let mine: Vec<UpcomingSitting> = c1.call("my/sittings", &[]).await.unwrap();
        assert_eq!(mine.len(), 2, "c1 sits both sittings");
        assert_eq!(mine[0].exam_title, "考试");
        w.finish().await;
    }
);

both_backends!(
    an_organizer_of_another_unit_cannot_see_or_change_a_bank_unless_it_is_shared,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut o = org_world(&w).await;
        let west = w.unit(&mut o.admin, "WEST", "西区", "3301").await;
        let mut other = w
            .person(&mut o.admin, "org.west", &west, &["role_organizer"], "")
            .await;
        let bank = make_bank(&mut o.org, "东区题库").await;
        question(&mut o.org, &bank, "true_false", "题目", "", "对", "", "1")
            .await
            .unwrap();

        let seen: Vec<BankView> = other.call("banks/list", &[]).await.unwrap();
        assert!(seen.is_empty());
        assert_eq!(
            other.call::<BankView>("banks/get", &[("id", &bank)]).await,
            Err(AppError::NotFound)
        );

        let _: () = o
            .org
            .call(
                "banks/update",
                &[("id", &bank), ("name", "东区题库"), ("shares", "WEST")],
            )
            .await
            .expect("shared");
        let seen: Vec<BankView> = other.call("banks/list", &[]).await.unwrap();
        assert_eq!(seen.len(), 1);
        assert!(!seen[0].editable, "shared read-only");
        assert_eq!(search(&mut other, &bank, &[]).await.total, 1);
        let write = question(&mut other, &bank, "true_false", "另一题", "", "对", "", "1").await;
        assert_eq!(write, Err(AppError::Forbidden));
        w.finish().await;
    }
);

both_backends!(
    an_excel_candidate_list_leads_to_the_assignment_preview_of_its_names,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let mut o = org_world(&w).await;
        w.person(&mut o.admin, "c1", &o.east, &["role_candidate"], "")
            .await;
        let bank = make_bank(&mut o.org, "题库").await;
        let exam = create_exam(&mut o.org, &bank, "考试").await;
        let _: () = o
            .org
            .call(
                "sittings/create",
                &sitting_form(&exam, "第1场", "2026-11-20T09:00", "2026-11-20T12:00", "10"),
            )
            .await
            .unwrap();
        let sittings: Vec<SittingView> = o.org.call("sittings/list", &[]).await.unwrap();
        let id = sittings[0].id.to_string();
        let (http, addr, session) = (
            o.org.http.clone(),
            o.org.addr,
            o.org.session.clone().unwrap(),
        );
        let upload = |csv: &'static str| {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("名单.csv"),
            );
            http.post(format!(
                "http://{addr}/organize/sittings/{id}/assign/upload"
            ))
            .header("cookie", format!("examhall_session={session}"))
            .multipart(form)
            .send()
        };
        let res = upload("姓名,登录名\n甲,c1\n乙,nobody\n").await.unwrap();
        let loc = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            loc.contains("preview=1&by=logins&logins=c1%0Anobody"),
            "{loc}"
        );
        // The preview page for those names lists the unknown one as a conflict.
        let page = o.org.get(&loc).await.text().await.unwrap();
        assert!(page.contains("将安排 1 人"), "the count is shown");
        assert!(page.contains("nobody"), "the unknown login is listed");

        let res = upload("姓名,单位\n甲,东区\n").await.unwrap();
        let loc = res.headers()["location"].to_str().unwrap().to_owned();
        assert!(loc.contains("error=ErrLoginColumnMissing"), "{loc}");
        w.finish().await;
    }
);
