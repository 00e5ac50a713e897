//! Walks every server function with every kind of caller and checks who is let in.
//! A server function added without a row here fails the coverage test.

mod common;

use app::accounts::model::{Page, UnitView, UserSummary};
use app::error::AppError;
use common::{Backend, Client, World};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Candidate,
    OrganizerElsewhere,
    Organizer,
    AdminElsewhere,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Candidate,
    Who::OrganizerElsewhere,
    Who::Organizer,
    Who::AdminElsewhere,
    Who::Admin,
];

/// Whether `who` may call `endpoint` on the fixture's EAST targets.
fn allowed(endpoint: &str, who: Who) -> bool {
    use Who::*;
    match endpoint {
        "me" | "lang" | "logout" | "login" => true,
        "time/now" => who != Anonymous,
        "password" => who != Anonymous,
        "admin/stats" | "users/list" | "units/list" => {
            matches!(who, OrganizerElsewhere | Organizer | AdminElsewhere | Admin)
        }
        "audit/list" => who == Admin,
        "my/sittings" => who == Candidate,
        // The candidate's own attempt (assigned to EAST's sitting): nobody else's.
        "attempts/mine"
        | "attempts/start-info"
        | "attempts/start"
        | "attempts/view"
        | "attempts/save"
        | "attempts/navigate"
        | "attempts/event"
        | "attempts/clock"
        | "attempts/submit" => who == Candidate,
        // Lists and creations work in the caller's own scope.
        "banks/list" | "banks/create" | "exams/list" | "sittings/list" => {
            matches!(who, OrganizerElsewhere | Organizer | AdminElsewhere | Admin)
        }
        // Only whoever uploaded a file sees and commits its import.
        "question-imports/get" | "question-imports/commit" => who == Organizer,
        // Everything on EAST's bank, exam and sitting: staff whose scope covers EAST.
        "banks/get"
        | "banks/share-codes"
        | "banks/update"
        | "categories/list"
        | "categories/create"
        | "questions/search"
        | "questions/get"
        | "questions/versions"
        | "questions/create"
        | "questions/update"
        | "questions/bulk"
        | "exams/create"
        | "exams/get"
        | "exams/editor-data"
        | "exams/settings"
        | "exams/section-add"
        | "exams/section-rename"
        | "exams/section-remove"
        | "exams/rule-add"
        | "exams/rule-remove"
        | "exams/fixed-add"
        | "exams/fixed-remove"
        | "exams/preview"
        | "sittings/of-exam"
        | "sittings/get"
        | "sittings/roster"
        | "sittings/create"
        | "sittings/update"
        | "sittings/assign-preview"
        | "sittings/assign"
        | "sittings/unassign"
        | "sittings/accommodation"
        | "attempts/proctor"
        | "attempts/extend"
        | "attempts/unlock"
        | "attempts/reopen"
        | "attempts/regrade-questions"
        | "attempts/regrade-preview"
        | "attempts/regrade-apply" => {
            matches!(who, Organizer | Admin)
        }
        "users/get"
        | "users/create"
        | "users/update"
        | "users/active"
        | "users/reset-password"
        | "users/end-sessions"
        | "units/create"
        | "units/update"
        | "units/delete"
        | "imports/get"
        | "imports/commit" => who == Admin,
        "notifications/mine" | "notifications/read" => who != Anonymous,
        "retakes/mine" => who == Candidate,
        // Follow-up of EAST's exam: staff whose scope covers it.
        "retakes/overview"
        | "retakes/create-sitting"
        | "attempts/void"
        | "reports/exam"
        | "reports/sitting"
        | "reports/units"
        | "reports/person"
        | "reports/items" => matches!(who, Organizer | Admin),
        // Admins see the cases of their scope (interviewers their own, see follow_up.rs).
        "cases/list" => matches!(who, AdminElsewhere | Admin),
        // The fixture has no case: nobody reaches one (case access: follow_up.rs).
        "cases/get" | "cases/schedule" | "cases/record" | "cases/close" => false,
        "jobs/overview" => who == Admin,
        // No such job in the fixture (retrying a real one: follow_up_jobs.rs).
        "jobs/retry" => false,
        other => panic!("no authorization rule for {other}"),
    }
}

struct Fixture {
    east: String,
    target_user: String,
    import_id: String,
    bank: String,
    question: String,
    exam: String,
    sitting: String,
    question_import: String,
    attempt: String,
}

async fn fixture(w: &World) -> (Fixture, Vec<(Who, Client)>) {
    let mut admin = w.admin().await;
    let units: Vec<UnitView> = admin.call("units/list", &[]).await.unwrap();
    let root = units[0].id.to_string();
    for (code, name) in [("EAST", "东区"), ("WEST", "西区")] {
        let _: () = admin
            .call(
                "units/create",
                &[("code", code), ("name", name), ("parent_id", &root)],
            )
            .await
            .unwrap();
    }
    let units: Vec<UnitView> = admin.call("units/list", &[]).await.unwrap();
    let id = |code: &str| {
        units
            .iter()
            .find(|u| u.code == code)
            .unwrap()
            .id
            .to_string()
    };
    let (east, west) = (id("EAST"), id("WEST"));
    let people = [
        ("cand", &east, "role_candidate", ""),
        ("org.east", &east, "role_organizer", ""),
        ("org.west", &west, "role_organizer", ""),
        ("admin.west", &west, "role_admin", ""),
        ("target", &east, "role_candidate", ""),
    ];
    for (login, unit, role, _) in people {
        let _: () = admin
            .call(
                "users/create",
                &[
                    ("login", login),
                    ("display_name", login),
                    ("unit_id", unit),
                    ("scope_unit_id", ""),
                    ("rank_tag", ""),
                    ("initial_password", "Initial-pass-1"),
                    (role, "on"),
                ],
            )
            .await
            .unwrap();
    }
    let page: Page<UserSummary> = admin
        .call(
            "users/list",
            &[
                ("query[q]", "target"),
                ("query[status]", "All"),
                ("query[page]", "1"),
            ],
        )
        .await
        .unwrap();
    let target_user = page.items[0].id.to_string();

    let csv = "登录名,姓名,单位代码,角色\nimported1,导入一,EAST,考生\n";
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("u.csv"),
        )
        .text("initial_password", "Initial-pass-1");
    let res = admin
        .http
        .post(format!("http://{}/admin/import/upload", admin.addr))
        .header(
            "cookie",
            format!("examhall_session={}", admin.session.clone().unwrap()),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let import_id = location.trim_start_matches("/admin/import/").to_owned();
    assert_eq!(
        import_id.len(),
        36,
        "upload redirects to its preview: {location}"
    );

    let authoring = authoring_fixture(w, &mut admin, &target_user).await;

    let (org, authoring) = authoring;
    let mut clients = vec![
        (Who::Anonymous, w.client()),
        (Who::Admin, admin),
        (Who::Organizer, org),
    ];
    for (who, login) in [
        (Who::Candidate, "cand"),
        (Who::OrganizerElsewhere, "org.west"),
        (Who::AdminElsewhere, "admin.west"),
    ] {
        let mut c = w.client();
        c.login(login, "Initial-pass-1").await.unwrap();
        let _: () = c
            .call(
                "password",
                &[
                    ("current_password", "Initial-pass-1"),
                    ("new_password", "Changed-pass-1"),
                    ("confirm", "Changed-pass-1"),
                ],
            )
            .await
            .unwrap();
        clients.push((who, c));
    }
    let (bank, question, exam, sitting, question_import) = authoring;
    let cand = &mut clients
        .iter_mut()
        .find(|(who, _)| *who == Who::Candidate)
        .unwrap()
        .1;
    let attempt: app::attempts::model::AttemptId = cand
        .call(
            "attempts/start",
            &[("sitting_id", &sitting), ("pledge", "on")],
        )
        .await
        .expect("the fixture's candidate starts");
    let attempt = attempt.to_string();
    (
        Fixture {
            east,
            target_user,
            import_id,
            bank,
            question,
            exam,
            sitting,
            question_import,
            attempt,
        },
        clients,
    )
}

const QUESTION: [(&str, &str); 11] = [
    ("q[qtype]", "true_false"),
    ("q[stem]", "权限测试题"),
    ("q[options]", ""),
    ("q[answer]", "正确"),
    ("q[explanation]", ""),
    ("q[category]", ""),
    ("q[difficulty]", "1"),
    ("q[tags]", ""),
    ("q[points]", "1"),
    ("q[status]", "active"),
    ("q[image_id]", ""),
];

/// EAST's organizer builds a bank with a question, an exam and a sitting that has opened
/// (so writes to it are refused after the authorization check), and uploads an import.
async fn authoring_fixture(
    w: &World,
    admin: &mut Client,
    candidate: &str,
) -> (Client, (String, String, String, String, String)) {
    let mut org = w.client();
    org.login("org.east", "Initial-pass-1").await.unwrap();
    let _: () = org
        .call(
            "password",
            &[
                ("current_password", "Initial-pass-1"),
                ("new_password", "Fixture-pass-1"),
                ("confirm", "Fixture-pass-1"),
            ],
        )
        .await
        .unwrap();
    let _: () = org
        .call("banks/create", &[("name", "东区题库")])
        .await
        .unwrap();
    let banks: Vec<app::question_bank::model::BankView> =
        org.call("banks/list", &[]).await.unwrap();
    let bank = banks[0].id.to_string();
    let mut form = vec![("bank_id", bank.as_str())];
    form.extend(QUESTION);
    let _: () = org.call("questions/create", &form).await.unwrap();
    let page: app::question_bank::model::QuestionPage = org
        .call(
            "questions/search",
            &[
                ("query[bank_id]", bank.as_str()),
                ("query[text]", ""),
                ("query[category]", ""),
                ("query[qtype]", ""),
                ("query[difficulty]", ""),
                ("query[tag]", ""),
                ("query[status]", ""),
                ("query[sort]", ""),
                ("query[page]", "1"),
            ],
        )
        .await
        .unwrap();
    let question = page.items[0].id.to_string();
    let _: () = org
        .call("exams/create", &[("bank_id", &bank), ("title", "东区考试")])
        .await
        .unwrap();
    let exams: Vec<app::papers::model::ExamSummary> = org.call("exams/list", &[]).await.unwrap();
    let exam = exams[0].id.to_string();
    let _: () = org
        .call("exams/section-add", &[("id", &exam), ("title", "判断")])
        .await
        .unwrap();
    let _: () = org
        .call(
            "exams/fixed-add",
            &[
                ("id", &exam),
                ("section", "0"),
                ("question_ids", &question),
                ("points", "1"),
            ],
        )
        .await
        .unwrap();
    let _: () = org
        .call(
            "sittings/create",
            &[
                ("exam_id", exam.as_str()),
                ("name", "第1场"),
                ("window_start", "2026-11-18T19:08"),
                ("window_end", "2026-11-18T21:00"),
                ("mode", "flexible"),
                ("late_entry_minutes", "0"),
                ("capacity", "10"),
                ("location", ""),
            ],
        )
        .await
        .unwrap();
    let sittings: Vec<app::sittings::model::SittingView> =
        org.call("sittings/list", &[]).await.unwrap();
    let sitting = sittings[0].id.to_string();
    let _: app::sittings::model::AssignPreview = org
        .call(
            "sittings/assign",
            &[
                ("id", sitting.as_str()),
                ("by", "logins"),
                ("logins", "target,cand"),
                ("unit_id", ""),
                ("rank_tag", ""),
            ],
        )
        .await
        .unwrap();
    let _ = candidate;
    // Open the sitting (T0 is 2026-11-18 19:06:40 in Shanghai), a few minutes on, so
    // every session stays valid.
    let now = w.server.state.clock.now();
    let open_at = app::time::parse_local_datetime("2026-11-18T19:09").unwrap();
    w.server.clock.advance_secs((open_at.0 - now.0) / 1000);

    let gift = "// 权限测试\n::Q1:: 党的根本组织原则是民主集中制。{T}\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(gift.as_bytes().to_vec()).file_name("q.gift"),
    );
    let res = org
        .http
        .post(format!(
            "http://{}/organize/banks/{bank}/import/upload",
            org.addr
        ))
        .header(
            "cookie",
            format!("examhall_session={}", org.session.clone().unwrap()),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let question_import = location
        .trim_start_matches("/organize/question-imports/")
        .to_owned();
    assert_eq!(
        question_import.len(),
        36,
        "upload redirects to its preview: {location}"
    );
    let _ = admin;
    (org, (bank, question, exam, sitting, question_import))
}

/// Arguments for each endpoint. Write calls are harmless: they either change nothing
/// or fail on validation after the authorization check.
const NO_SUCH_ID: &str = "00000000-0000-4000-8000-000000000000";

fn args<'a>(endpoint: &str, f: &'a Fixture) -> Vec<(&'static str, &'a str)> {
    match endpoint {
        "login" => vec![("login", "nobody"), ("password", "x")],
        "password" => vec![
            ("current_password", "wrong"),
            ("new_password", "a"),
            ("confirm", "b"),
        ],
        "lang" => vec![("lang", "zh-CN")],
        "users/list" => vec![
            ("query[q]", ""),
            ("query[status]", "All"),
            ("query[page]", "1"),
        ],
        "users/get" | "users/end-sessions" => vec![("id", &f.target_user)],
        "users/create" => vec![
            ("login", "x"),
            ("display_name", ""),
            ("unit_id", &f.east),
            ("scope_unit_id", ""),
            ("rank_tag", ""),
            ("initial_password", "short"),
        ],
        "users/update" => vec![
            ("id", &f.target_user),
            ("display_name", ""),
            ("unit_id", &f.east),
            ("scope_unit_id", ""),
            ("rank_tag", ""),
            ("role_candidate", "on"),
        ],
        "users/active" => vec![("id", &f.target_user), ("active", "true")],
        "users/reset-password" => vec![("id", &f.target_user), ("new_password", "short")],
        "units/create" => vec![("code", ""), ("name", ""), ("parent_id", &f.east)],
        "units/update" => vec![
            ("id", &f.east),
            ("code", ""),
            ("name", ""),
            ("parent_id", ""),
        ],
        "units/delete" => vec![("id", &f.east)],
        "imports/get" | "imports/commit" => vec![("id", &f.import_id)],
        "audit/list" => vec![("action", ""), ("actor", ""), ("page", "1")],
        "banks/create" => vec![("name", "")],
        "banks/get" | "banks/share-codes" => vec![("id", &f.bank)],
        "banks/update" => vec![("id", &f.bank), ("name", ""), ("shares", "")],
        "categories/list" => vec![("bank_id", &f.bank)],
        "categories/create" => vec![("bank_id", &f.bank), ("path", "")],
        "questions/search" => vec![
            ("query[bank_id]", &f.bank),
            ("query[text]", ""),
            ("query[category]", ""),
            ("query[qtype]", ""),
            ("query[difficulty]", ""),
            ("query[tag]", ""),
            ("query[status]", ""),
            ("query[sort]", ""),
            ("query[page]", "1"),
        ],
        "questions/get" | "questions/versions" => vec![("id", &f.question)],
        "questions/create" => {
            let mut v = vec![("bank_id", f.bank.as_str())];
            v.extend(QUESTION);
            v
        }
        "questions/update" => {
            let mut v = vec![("id", f.question.as_str())];
            v.extend(QUESTION);
            v
        }
        "questions/bulk" => vec![
            ("bank_id", &f.bank),
            ("ids", &f.question),
            ("action", "tag"),
            ("category", ""),
            ("tag", "标签"),
        ],
        "question-imports/get" => vec![("id", &f.question_import)],
        "question-imports/commit" => vec![("id", &f.question_import), ("duplicates", "skip")],
        "exams/create" => vec![("bank_id", &f.bank), ("title", "")],
        "exams/get" | "exams/editor-data" => vec![("id", &f.exam)],
        "exams/settings" => vec![
            ("id", &f.exam),
            ("title", ""),
            ("instructions", ""),
            ("duration_minutes", "60"),
            ("pass_kind", "percent"),
            ("pass_value", "60"),
            ("multi_scoring", "all"),
            ("visibility", "immediately"),
            ("retake_count", "1"),
            ("retake_min_wait_days", "3"),
        ],
        "exams/section-add" => vec![("id", &f.exam), ("title", "")],
        "exams/section-rename" => vec![("id", &f.exam), ("section", "99"), ("title", "x")],
        "exams/section-remove" => vec![("id", &f.exam), ("section", "99")],
        "exams/rule-add" => vec![
            ("id", &f.exam),
            ("section", "99"),
            ("category", ""),
            ("qtype", "single"),
            ("difficulty", ""),
            ("count", "1"),
            ("points_each", "1"),
        ],
        "exams/rule-remove" => vec![("id", &f.exam), ("section", "0"), ("rule", "99")],
        "exams/fixed-add" => vec![
            ("id", &f.exam),
            ("section", "99"),
            ("question_ids", &f.question),
            ("points", "1"),
        ],
        "exams/fixed-remove" => vec![("id", &f.exam), ("section", "0"), ("item", "99")],
        "exams/preview" => vec![("id", &f.exam), ("seed", "1"), ("with_answers", "true")],
        "sittings/of-exam" => vec![("exam_id", &f.exam)],
        "sittings/get" | "sittings/roster" => vec![("id", &f.sitting)],
        "sittings/create" => vec![
            ("exam_id", &f.exam),
            ("name", ""),
            ("window_start", "2026-12-01T09:00"),
            ("window_end", "2026-12-01T12:00"),
            ("mode", "flexible"),
            ("late_entry_minutes", "0"),
            ("capacity", "10"),
            ("location", ""),
        ],
        "sittings/update" => vec![
            ("id", &f.sitting),
            ("name", "改名"),
            ("window_start", "2026-11-18T19:08"),
            ("window_end", "2026-11-18T21:00"),
            ("mode", "flexible"),
            ("late_entry_minutes", "0"),
            ("capacity", "10"),
            ("location", ""),
        ],
        "sittings/assign-preview" | "sittings/assign" => vec![
            ("id", &f.sitting),
            ("by", "logins"),
            ("logins", "nobody"),
            ("unit_id", ""),
            ("rank_tag", ""),
        ],
        "sittings/unassign" => vec![("id", &f.sitting), ("user_id", &f.target_user)],
        "sittings/accommodation" => vec![
            ("id", &f.sitting),
            ("user_id", &f.target_user),
            ("extra_minutes", "5"),
            ("extra_percent", ""),
            ("reason", ""),
        ],
        "attempts/start-info" => vec![("sitting_id", &f.sitting)],
        "attempts/start" => vec![("sitting_id", &f.sitting), ("pledge", "on")],
        "attempts/view" | "attempts/clock" | "attempts/submit" => {
            vec![("attempt_id", &f.attempt)]
        }
        "attempts/proctor" => vec![("sitting_id", &f.sitting)],
        "attempts/extend" => vec![
            ("sitting_id", &f.sitting),
            ("user_id", ""),
            ("minutes", "5"),
            ("reason", "权限测试"),
        ],
        "attempts/unlock" => vec![("attempt_id", &f.attempt), ("reason", "权限测试")],
        "attempts/void" => vec![("attempt_id", &f.attempt), ("reason", "权限测试")],
        "retakes/overview" | "reports/exam" | "reports/items" => vec![("exam_id", &f.exam)],
        "reports/sitting" => vec![("sitting_id", &f.sitting)],
        "reports/person" => vec![("user_id", &f.target_user)],
        "reports/units" => vec![
            ("unit", &f.east),
            ("exam", &f.exam),
            ("from", "2026-01-01"),
            ("to", "2026-12-31"),
            ("by", "mean"),
            ("min", "1"),
            ("bottom", "2"),
        ],
        "retakes/create-sitting" => vec![
            ("exam_id", &f.exam),
            ("window_start", "2099-01-01T09:00"),
            ("location", ""),
        ],
        "cases/list" => vec![("exam", ""), ("unit", ""), ("state", ""), ("overdue", "")],
        "cases/get" | "cases/close" => vec![("id", NO_SUCH_ID)],
        "cases/schedule" => vec![
            ("id", NO_SUCH_ID),
            ("interview_at", "2099-01-01T09:00"),
            ("place", "会议室"),
        ],
        "cases/record" => vec![
            ("id", NO_SUCH_ID),
            ("notes", "记录"),
            ("outcome", "cleared"),
        ],
        "jobs/retry" => vec![("id", NO_SUCH_ID)],
        "attempts/reopen" => vec![
            ("attempt_id", &f.attempt),
            ("minutes", "5"),
            ("reason", "权限测试"),
        ],
        "attempts/regrade-questions" => vec![("exam_id", &f.exam)],
        "attempts/regrade-preview" => vec![
            ("exam_id", &f.exam),
            ("question_id", &f.question),
            ("mode", "void"),
        ],
        "attempts/regrade-apply" => vec![
            ("exam_id", &f.exam),
            ("question_id", &f.question),
            ("mode", "void"),
            ("reason", "权限测试"),
        ],
        _ => vec![],
    }
}

/// The JSON body of the server functions the exam page posts as JSON.
fn json_args(endpoint: &str, f: &Fixture) -> Option<serde_json::Value> {
    let attempt = f.attempt.as_str();
    match endpoint {
        "attempts/save" => Some(serde_json::json!({ "req": {
            "attempt": attempt, "position": 0, "seq": 1, "response": null, "flagged": false
        }})),
        "attempts/navigate" => Some(serde_json::json!({ "attempt": attempt, "position": 0 })),
        "attempts/event" => Some(serde_json::json!({ "attempt": attempt, "event": "WindowBlur" })),
        _ => None,
    }
}

async fn call_json(
    c: &Client,
    endpoint: &str,
    body: &serde_json::Value,
) -> Result<serde_json::Value, AppError> {
    let mut req = c
        .http
        .post(format!("http://{}/api/{endpoint}", c.addr))
        .json(body);
    if let Some(s) = &c.session {
        req = req.header("cookie", format!("examhall_session={s}"));
    }
    let res = req.send().await.expect("request");
    let ok = res.status().is_success();
    let text = res.text().await.expect("body");
    if ok {
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    } else {
        Err(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{endpoint}: {e}: {text}")))
    }
}

fn is_denial(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Unauthenticated | AppError::Forbidden | AppError::NotFound
    )
}

/// The registered server functions, as endpoint names below `/api/`.
fn endpoints() -> Vec<String> {
    let mut v: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.trim_start_matches("/api/").to_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_server_function_has_an_authorization_rule() {
    // Calling the server module registers the functions (inventory) before we list them.
    let _ = server::config::Config::default();
    let eps = endpoints();
    assert!(eps.len() >= 20, "registered server functions: {eps:?}");
    for ep in eps {
        for who in EVERYONE {
            let _ = allowed(&ep, who);
        }
    }
}

both_backends!(
    each_role_reaches_exactly_the_server_functions_it_should,
    |b: Backend| async move {
        let Some(w) = World::new(b).await else { return };
        let (f, mut clients) = fixture(&w).await;
        let eps: Vec<String> = endpoints()
            .into_iter()
            .filter(|e| e != "logout" && e != "login")
            .collect();
        let mut failures = Vec::new();
        for ep in &eps {
            for (who, client) in clients.iter_mut() {
                let res = match json_args(ep, &f) {
                    Some(body) => call_json(client, ep, &body).await,
                    None => client.call::<serde_json::Value>(ep, &args(ep, &f)).await,
                };
                let denied = matches!(&res, Err(e) if is_denial(e));
                if denied == allowed(ep, *who) {
                    failures.push(format!("{ep} as {who:?}: {res:?}"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "authorization mismatches:\n{}",
            failures.join("\n")
        );

        // The plain HTTP endpoints of the import flow follow the same rule as imports/*.
        for (who, client) in clients.iter_mut() {
            let res = client.get("/admin/import/template.csv").await;
            assert_eq!(
                res.status().is_success(),
                *who == Who::Admin || *who == Who::AdminElsewhere,
                "template as {who:?}"
            );
        }
        w.finish().await;
    }
);
