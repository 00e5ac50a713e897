//! The examhall binary: `examhall` serves; `examhall create-admin` creates the first
//! administrator of a production installation.

use std::io::{BufRead, Write};
use std::sync::Arc;

use app::server::SystemClock;
use server::config::{redact_url, Config};

fn usage() -> ! {
    eprintln!(
        "usage:\n  examhall [serve]\n  examhall create-admin --login NAME --name DISPLAY_NAME \
         [--unit-code CODE --unit-name NAME]\n\nThe administrator's password is read from \
         EXAMHALL_ADMIN_PASSWORD or, if unset, from standard input."
    );
    std::process::exit(2)
}

fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("EXAMHALL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() {
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("examhall: {e}");
            std::process::exit(2);
        }
    };
    init_logging(config.log_json);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let mut state = match server::build_state(&config, Arc::new(SystemClock)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(database = %redact_url(&config.database_url()), "{e}");
            eprintln!("examhall: {e}");
            std::process::exit(1);
        }
    };
    state.mailer = match server::mailer(&config) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("examhall: mail configuration: {e}");
            std::process::exit(1);
        }
    };
    match command {
        "serve" => serve(config, state).await,
        "create-admin" => create_admin(&args[1..], state).await,
        _ => usage(),
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

async fn create_admin(args: &[String], state: app::server::AppState) {
    let (Some(login), Some(name)) = (flag(args, "--login"), flag(args, "--name")) else {
        usage()
    };
    let root = flag(args, "--unit-code").zip(flag(args, "--unit-name"));
    let password = match std::env::var("EXAMHALL_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprint!("password for {login}: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).is_err() {
                usage()
            }
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    match server::seed::create_admin(&state, login, name, &password, root).await {
        Ok(()) => println!("administrator {login} created"),
        Err(e) => {
            eprintln!("examhall: {e}");
            std::process::exit(1);
        }
    }
}

async fn serve(config: Config, state: app::server::AppState) {
    tracing::info!(config = ?config, backend = ?state.db.backend(), "starting examhall");
    if config.demo {
        match server::seed::load_demo(&state).await {
            Ok(true) => {
                println!(
                    "\nexamhall demo data loaded. Demo accounts (demo only, password {pw}):\n  \
                     admin      系统管理员 (administrator of the whole city)\n  \
                     organizer  上城区组织员 (organizer of 上城区)\n  \
                     yuetan     市委组织部部长 (interviewer of the city)\n  \
                     zhangwei, wangfang, liqiang, … (12 candidates)\n",
                    pw = server::seed::DEMO_PASSWORD
                );
            }
            Ok(false) => {}
            Err(e) => {
                eprintln!("examhall: cannot load demo data: {e:?}");
                std::process::exit(1);
            }
        }
    }
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("examhall: cannot listen on {}: {e}", config.listen);
            std::process::exit(1);
        }
    };
    println!("examhall is serving on http://{}", config.listen);
    server::spawn_upkeep(state.clone());
    server::spawn_finalizer(state.clone());
    server::spawn_jobs(
        state.clone(),
        std::time::Duration::from_millis(config.job_interval_ms.max(50)),
    );
    let db = state.db.clone();
    let router = server::router(state);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = server::serve(listener, router, shutdown).await {
        tracing::error!(error = %e, "server stopped with an error");
    }
    db.close().await;
}
