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
        "password" => who != Anonymous,
        "admin/stats" | "users/list" | "units/list" => {
            matches!(who, OrganizerElsewhere | Organizer | AdminElsewhere | Admin)
        }
        "audit/list" => who == Admin,
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
        other => panic!("no authorization rule for {other}"),
    }
}

struct Fixture {
    east: String,
    target_user: String,
    import_id: String,
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

    let mut clients = vec![(Who::Anonymous, w.client()), (Who::Admin, admin)];
    for (who, login) in [
        (Who::Candidate, "cand"),
        (Who::Organizer, "org.east"),
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
    (
        Fixture {
            east,
            target_user,
            import_id,
        },
        clients,
    )
}

/// Arguments for each endpoint. Write calls are harmless: they either change nothing
/// or fail on validation after the authorization check.
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
        _ => vec![],
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
                let res = client.call::<serde_json::Value>(ep, &args(ep, &f)).await;
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
