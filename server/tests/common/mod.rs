//! Test harness: the real examhall router served on port 0 over a fresh database,
//! SQLite (a temporary file) or PostgreSQL (a uniquely named database, dropped after).

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use app::error::AppError;
use app::server::{AppState, ManualClock};
use app::time::Timestamp;
use server::config::Config;
use sqlx::Connection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const ADMIN_PASSWORD: &str = "Admin-pass-2026";

fn pg_admin_url() -> String {
    std::env::var("EXAMHALL_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database for one test. PostgreSQL databases are dropped by [`TestDb::drop_db`].
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    pg_name: Option<String>,
    _dir: Option<tempfile_dir::TempDir>,
}

mod tempfile_dir {
    /// A temporary directory removed on drop (std only, no extra crate).
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new() -> TempDir {
            let p = std::env::temp_dir().join(format!("examhall-test-{}", uuid::Uuid::new_v4()));
            std::fs::create_dir_all(&p).expect("temp dir");
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl TestDb {
    /// `None` when PostgreSQL is wanted but not reachable outside CI; under CI
    /// (`CI=true`) an unreachable PostgreSQL fails the test.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile_dir::TempDir::new();
                let url = server::config::sqlite_url(&dir.0.join("examhall.sqlite3"));
                Some(TestDb {
                    url,
                    backend,
                    pg_name: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let admin = pg_admin_url();
                let mut conn = match sqlx::PgConnection::connect(&admin).await {
                    Ok(c) => c,
                    Err(e) => {
                        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                            panic!(
                                "PostgreSQL is required under CI but not reachable at {admin}: {e}"
                            );
                        }
                        eprintln!("\n*** SKIPPED: PostgreSQL not reachable at {admin} ({e}); PostgreSQL tests did not run ***\n");
                        return None;
                    }
                };
                let name = format!("examhall_test_{}", uuid::Uuid::new_v4().simple());
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_owned())
                    .unwrap_or(admin.clone());
                Some(TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    pg_name: Some(name),
                    _dir: None,
                })
            }
        }
    }

    pub async fn drop_db(&self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
    }
}

pub fn test_config(url: &str) -> Config {
    let mut env = HashMap::new();
    env.insert("EXAMHALL_DATABASE_URL".to_owned(), url.to_owned());
    env.insert("EXAMHALL_LISTEN".to_owned(), "127.0.0.1:0".to_owned());
    Config::resolve(None, &env).expect("test config")
}

/// One running server instance.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub clock: ManualClock,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

pub async fn start_server(url: &str, clock: ManualClock) -> TestServer {
    let config = test_config(url);
    let state = server::build_state(&config, Arc::new(clock.clone()))
        .await
        .expect("server state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = server::router(state.clone());
    let task = tokio::spawn(async move {
        server::serve(listener, router, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    TestServer {
        addr,
        state,
        clock,
        shutdown: Some(tx),
        task: Some(task),
    }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.state.db.close().await;
    }
}

/// A fresh database with the root unit and a global admin, and a server on it.
pub struct World {
    pub db: TestDb,
    pub server: TestServer,
}

pub const T0: Timestamp = Timestamp(1_795_000_000_000);

impl World {
    pub async fn new(backend: Backend) -> Option<World> {
        let db = TestDb::new(backend).await?;
        let server = start_server(&db.url, ManualClock::new(T0)).await;
        server::seed::create_admin(
            &server.state,
            "admin",
            "管理员",
            ADMIN_PASSWORD,
            Some(("3301", "示例市")),
        )
        .await
        .expect("first admin");
        Some(World { db, server })
    }

    pub async fn finish(self) {
        self.server.stop().await;
        self.db.drop_db().await;
    }

    pub fn client(&self) -> Client {
        Client::new(self.server.addr)
    }

    pub async fn admin(&self) -> Client {
        let mut c = self.client();
        c.login("admin", ADMIN_PASSWORD)
            .await
            .expect("admin signs in");
        c
    }

    /// Creates a unit under the unit with `parent_code` and returns its id.
    #[allow(dead_code)]
    pub async fn unit(
        &self,
        admin: &mut Client,
        code: &str,
        name: &str,
        parent_code: &str,
    ) -> String {
        let id_of = |list: &[app::accounts::model::UnitView], code: &str| {
            list.iter()
                .find(|u| u.code == code)
                .unwrap_or_else(|| panic!("unit {code}"))
                .id
                .to_string()
        };
        let list: Vec<app::accounts::model::UnitView> =
            admin.call("units/list", &[]).await.expect("units");
        let parent = id_of(&list, parent_code);
        let _: () = admin
            .call(
                "units/create",
                &[("code", code), ("name", name), ("parent_id", &parent)],
            )
            .await
            .expect("unit created");
        let list: Vec<app::accounts::model::UnitView> =
            admin.call("units/list", &[]).await.expect("units");
        id_of(&list, code)
    }

    /// Creates a user with the given role fields (e.g. `role_organizer`) and optional rank
    /// tag; returns a client signed in as them, past the first-sign-in password change.
    #[allow(dead_code)]
    pub async fn person(
        &self,
        admin: &mut Client,
        login: &str,
        unit_id: &str,
        roles: &[&str],
        rank_tag: &str,
    ) -> Client {
        let mut form = vec![
            ("login", login),
            ("display_name", login),
            ("unit_id", unit_id),
            ("scope_unit_id", ""),
            ("rank_tag", rank_tag),
            ("initial_password", "Initial-pass-1"),
        ];
        for r in roles {
            form.push((r, "on"));
        }
        let _: () = admin
            .call("users/create", &form)
            .await
            .expect("user created");
        let mut c = self.client();
        c.login(login, "Initial-pass-1").await.expect("signs in");
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
            .expect("password changed");
        c
    }
}

/// A browser-like client holding one session cookie, talking to one server.
pub struct Client {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    pub session: Option<String>,
    pub lang: Option<String>,
}

pub type Res<T> = Result<T, AppError>;

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            addr,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A request that never completes fails its test with the URL named
                // instead of hanging the whole run.
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("client"),
            session: None,
            lang: None,
        }
    }

    pub fn on(&self, addr: SocketAddr) -> Client {
        Client {
            addr,
            http: self.http.clone(),
            session: self.session.clone(),
            lang: self.lang.clone(),
        }
    }

    fn cookie_header(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(s) = &self.session {
            parts.push(format!("examhall_session={s}"));
        }
        if let Some(l) = &self.lang {
            parts.push(format!("examhall_lang={l}"));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    fn absorb_cookies(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(v) = v.to_str() else { continue };
            let Some((kv, _)) = v.split_once(';').or(Some((v, ""))) else {
                continue;
            };
            if let Some((k, val)) = kv.split_once('=') {
                match k.trim() {
                    "examhall_session" => {
                        self.session = (!val.is_empty()).then(|| val.to_owned());
                    }
                    "examhall_lang" => self.lang = Some(val.to_owned()),
                    _ => {}
                }
            }
        }
    }

    /// Calls a server function with url-encoded arguments, as the browser does.
    pub async fn call_raw(&mut self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("http://{}/api/{endpoint}", self.addr))
            .form(form);
        if let Some(c) = self.cookie_header() {
            req = req.header(reqwest::header::COOKIE, c);
        }
        let res = req.send().await.expect("request");
        self.absorb_cookies(&res);
        res
    }

    pub async fn call<T: serde::de::DeserializeOwned>(
        &mut self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Res<T> {
        let res = self.call_raw(endpoint, form).await;
        let status = res.status();
        let body = res.bytes().await.expect("body");
        if status.is_success() {
            Ok(serde_json::from_slice(&body).unwrap_or_else(|e| {
                panic!(
                    "{endpoint}: undecodable success body ({e}): {}",
                    String::from_utf8_lossy(&body)
                )
            }))
        } else {
            Err(
                serde_json::from_slice::<AppError>(&body).unwrap_or_else(|e| {
                    panic!(
                        "{endpoint}: status {status}, undecodable error ({e}): {}",
                        String::from_utf8_lossy(&body)
                    )
                }),
            )
        }
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Res<()> {
        self.call("login", &[("login", login), ("password", password)])
            .await
    }

    pub async fn me(&mut self) -> app::accounts::model::Me {
        self.call("me", &[]).await.expect("me never fails")
    }

    pub async fn get(&mut self, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("http://{}{path}", self.addr));
        if let Some(c) = self.cookie_header() {
            req = req.header(reqwest::header::COOKIE, c);
        }
        let res = req.send().await.expect("request");
        self.absorb_cookies(&res);
        res
    }
}

/// How long one test body may take: a test stuck on a lost wake-up fails with its name
/// instead of hanging the whole run.
pub const TEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(240);

/// Runs an async test body once per backend: `both_backends!(name, |backend| async move { ... })`.
#[macro_export]
macro_rules! both_backends {
    ($(#[$meta:meta])* $name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                tokio::time::timeout(
                    $crate::common::TEST_LIMIT,
                    ($body)($crate::common::Backend::Sqlite),
                )
                .await
                .expect("the test finished in time")
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                tokio::time::timeout(
                    $crate::common::TEST_LIMIT,
                    ($body)($crate::common::Backend::Postgres),
                )
                .await
                .expect("the test finished in time")
            }
        }
    };
}

/// Like [`start_server`], with the test configuration changed by `tweak` first (e.g. an
/// attempt grace period).
pub async fn start_server_with(
    url: &str,
    clock: ManualClock,
    tweak: impl FnOnce(&mut Config),
) -> TestServer {
    let mut config = test_config(url);
    tweak(&mut config);
    let state = server::build_state(&config, Arc::new(clock.clone()))
        .await
        .expect("server state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let router = server::router(state.clone());
    let task = tokio::spawn(async move {
        server::serve(listener, router, async {
            let _ = rx.await;
        })
        .await
        .expect("serve");
    });
    TestServer {
        addr,
        state,
        clock,
        shutdown: Some(tx),
        task: Some(task),
    }
}

impl World {
    /// Like [`World::new`], with the server's configuration changed by `tweak`.
    pub async fn new_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Option<World> {
        let db = TestDb::new(backend).await?;
        let server = start_server_with(&db.url, ManualClock::new(T0), tweak).await;
        server::seed::create_admin(
            &server.state,
            "admin",
            "管理员",
            ADMIN_PASSWORD,
            Some(("3301", "示例市")),
        )
        .await
        .expect("first admin");
        Some(World { db, server })
    }
}

/// Every item's correct response in the candidate's own option order, read from the
/// stored keys as the grader reads them.
#[allow(dead_code)]
pub async fn correct_responses(
    s: &TestServer,
    id: app::attempts::model::AttemptId,
) -> Vec<app::grading::model::Response> {
    use app::grading::model::Response;
    use app::question_bank::domain::AnswerKey;
    let mut c = s.state.db.read().await.expect("read");
    let row = app::attempts::repo::get(&mut c, id)
        .await
        .expect("query")
        .expect("the attempt exists");
    let paper: Vec<app::papers::domain::DrawnItem> =
        serde_json::from_str(&row.paper).expect("paper");
    let mut out = Vec::new();
    for item in &paper {
        let v = s
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

/// Saves one answer as the exam page does (JSON), expecting it to be accepted.
#[allow(dead_code)]
pub async fn save_answer(
    c: &Client,
    id: app::attempts::model::AttemptId,
    position: u32,
    response: app::grading::model::Response,
) {
    let req = app::attempts::model::SaveRequest {
        attempt: id,
        position,
        seq: 1,
        response: Some(response),
        flagged: false,
    };
    let mut http = c
        .http
        .post(format!("http://{}/api/attempts/save", c.addr))
        .json(&serde_json::json!({ "req": req }));
    if let Some(s) = &c.session {
        http = http.header("cookie", format!("examhall_session={s}"));
    }
    let res = http.send().await.expect("request");
    assert_eq!(res.status().as_u16(), 200, "the save is accepted");
}

// Helpers of the follow-up tests (follow_up.rs, follow_up_jobs.rs).

#[allow(dead_code)]
pub async fn signed_in(s: &TestServer, login: &str) -> Client {
    let mut c = Client::new(s.addr);
    c.login(login, server::seed::DEMO_PASSWORD)
        .await
        .expect("signs in");
    c
}

#[allow(dead_code)]
pub async fn scalar_i64(s: &TestServer, q: &str) -> i64 {
    let mut c = s.state.db.read().await.expect("read");
    app::sql!(&mut c, |x| sqlx::query_scalar::<_, i64>(q)
        .fetch_one(&mut *x)
        .await)
    .expect(q)
}

#[allow(dead_code)]
pub async fn exec(s: &TestServer, q: &str) {
    let mut tx = s.state.db.begin().await.expect("begin");
    app::sql!(&mut tx, |x| sqlx::query(q)
        .execute(&mut *x)
        .await
        .map(|_| ()))
    .expect(q);
    tx.commit().await.expect("commit");
}

#[allow(dead_code)]
pub async fn id_of(s: &TestServer, q: &str) -> String {
    let mut c = s.state.db.read().await.expect("read");
    let id = app::sql!(&mut c, |x| sqlx::query_scalar::<_, uuid::Uuid>(q)
        .fetch_one(&mut *x)
        .await)
    .expect(q);
    id.to_string()
}

/// A UUID literal as each backend stores it.
#[allow(dead_code)]
pub fn sql_uuid(backend: Backend, id: &str) -> String {
    match backend {
        Backend::Postgres => format!("'{id}'"),
        Backend::Sqlite => format!("X'{}'", id.replace('-', "")),
    }
}

#[allow(dead_code)]
pub async fn notes_of(c: &mut Client) -> Vec<app::notifications::model::Note> {
    let list: Vec<app::notifications::model::NotificationView> =
        c.call("notifications/mine", &[]).await.expect("notes");
    list.into_iter().map(|n| n.note).collect()
}
