//! The examhall server: configuration, startup, the HTTP stack around the Leptos app,
//! and background upkeep.

// Leptos view types nest deeply; the default limit is too small for the page frame.
#![recursion_limit = "256"]

pub mod config;
pub mod metrics;
pub mod middleware;
pub mod seed;
mod seed_authoring;
mod seed_history;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use app::accounts::domain::SessionPolicy;
use app::accounts::password::{HashCost, Hasher};
use app::db::{Db, DbError, DbOptions};
use app::notifications::mail::{MailError, Mailer};
use app::question_bank::http as qb_http;
use app::server::{AppState, Clock};
use app::{shell, App};

use config::Config;
use metrics::Metrics;

pub fn leptos_options(config: &Config) -> LeptosOptions {
    let site_root = std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".to_owned());
    let pkg = std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".to_owned());
    let reload_port = std::env::var("LEPTOS_RELOAD_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3001);
    LeptosOptions::builder()
        .output_name("examhall")
        .site_root(site_root)
        .site_pkg_dir(pkg)
        .site_addr(config.listen)
        .reload_port(reload_port)
        .build()
}

/// The SMTP mailer the configuration asks for, if any.
pub fn mailer(config: &Config) -> Result<Option<Mailer>, MailError> {
    config
        .smtp_url
        .as_deref()
        .map(|url| Mailer::new(url, &config.mail_from))
        .transpose()
}

/// Opens the database, applies migrations and assembles the shared state.
pub async fn build_state(config: &Config, clock: Arc<dyn Clock>) -> Result<AppState, DbError> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| DbError::Connect(sqlx::Error::Io(e)))?;
    }
    let db = Db::connect(&DbOptions {
        url: config.database_url(),
        sqlite_synchronous: config.sqlite_synchronous,
        max_connections: config.db_max_connections,
    })
    .await?;
    db.migrate().await?;
    let attempts = app::attempts::service::Runtime::start(
        db.clone(),
        clock.clone(),
        i64::from(config.attempt_grace_secs) * 1000,
    );
    Ok(AppState {
        db,
        clock,
        attempts,
        mailer: None,
        hasher: Hasher::new(
            HashCost {
                memory_kib: config.argon2_memory_kib,
                iterations: config.argon2_iterations,
                parallelism: config.argon2_parallelism,
            },
            config.hash_concurrency,
        ),
        sessions: SessionPolicy {
            idle_secs: config.session_idle_minutes.max(1) * 60,
            absolute_secs: config.session_absolute_hours.max(1) * 3600,
        },
        secure_cookies: config.secure_cookies,
        trust_forwarded_for: config.trust_forwarded_for,
        leptos: leptos_options(config),
    })
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.read().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check cannot reach the database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// The whole HTTP application. Server functions are mounted by
/// `leptos_routes_with_context`, one route per registered function, with the state in
/// their context.
pub fn router(state: AppState) -> Router {
    let metrics = Metrics::default();
    let routes = generate_route_list(App);
    let ctx_state = state.clone();
    let upload_limit = app::accounts::http::MAX_UPLOAD_BYTES + 64 * 1024;
    let question_upload_limit = qb_http::MAX_UPLOAD_BYTES + 64 * 1024;
    let metrics_for_route = metrics.clone();
    Router::new()
        .route(
            "/admin/import/upload",
            post(app::accounts::http::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/admin/import/template.xlsx", get(app::accounts::http::template_xlsx))
        .route("/admin/import/template.csv", get(app::accounts::http::template_csv))
        .route(
            "/organize/sittings/{id}/assign/upload",
            post(app::sittings::http::assign_upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/organize/banks/{id}/import/upload",
            post(qb_http::import_upload).layer(DefaultBodyLimit::max(question_upload_limit)),
        )
        .route(
            "/organize/banks/{id}/images",
            post(qb_http::image_upload)
                .layer(DefaultBodyLimit::max(qb_http::MAX_IMAGE_POST_BYTES)),
        )
        .route("/organize/banks/{id}/bulk", post(qb_http::bulk))
        .route("/attempt/{id}/answer", post(app::attempts::http::answer))
        .route("/attempt/{id}/images/{image}", get(app::attempts::http::image))
        .route("/organize/banks/{id}/export.xlsx", get(qb_http::export_xlsx))
        .route("/organize/banks/{id}/export.xml", get(qb_http::export_xml))
        .route("/organize/question-template.xlsx", get(qb_http::template_xlsx))
        .route("/organize/images/{id}", get(qb_http::image))
        .route("/reports/export/{kind}", get(app::reports::http::export))
        .route("/healthz", get(healthz))
        .route(
            "/metrics",
            get(move || {
                let m = metrics_for_route.clone();
                async move { ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], m.render()) }
            }),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx_state.clone()),
            {
                let options = state.leptos.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let s = state.clone();
                move || provide_context(s.clone())
            },
            shell,
        ))
        .layer(axum::middleware::from_fn(middleware::server_fn_error_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::request_info))
        .layer(axum::middleware::from_fn(middleware::same_origin))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            })
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Deletes expired sessions now and then; safe to run on every app server at once.
pub fn spawn_upkeep(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = state.clock.now();
            let cutoff = now.plus_secs(-state.sessions.idle_secs);
            let result = async {
                let mut tx = state.db.begin().await?;
                let n = app::accounts::repo::delete_stale_sessions(&mut tx, now, cutoff).await?;
                tx.commit().await?;
                Ok::<u64, sqlx::Error>(n)
            }
            .await;
            match result {
                Ok(n) if n > 0 => tracing::info!(deleted = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session upkeep failed"),
            }
        }
    });
}

/// Submits and grades attempts at their deadlines, whether or not a browser is open.
/// The first pass runs at once, so attempts that became overdue while the server was
/// down are finalised before anything else; then every half second. Every app server
/// runs one; each attempt is still finalised exactly once.
pub fn spawn_finalizer(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match app::attempts::service::finalize_due(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(finalised = n, "attempts submitted at their deadline"),
                Err(e) => tracing::warn!(error = ?e, "finalising attempts failed; retrying"),
            }
        }
    });
}

/// Runs persistent background jobs (closing sittings, retakes, escalation, mail). Every
/// app server runs one; each job runs once (see `app::jobs`).
pub fn spawn_jobs(state: AppState, every: Duration) {
    tokio::spawn(app::jobs::service::run_forever(state, every));
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Streamed pages go out in several small writes; without TCP_NODELAY, Nagle's
    // algorithm holds a segment back until the client's delayed ACK (~40 ms) on a reused
    // connection.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
