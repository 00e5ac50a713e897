//! Configuration: built-in defaults, then an optional TOML file, then `EXAMHALL_*`
//! environment variables; each layer overrides the one before it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use app::db::SqliteSync;
use serde::Deserialize;

#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite:...` or `postgres://...`; `None` means `data_dir/examhall.sqlite3`.
    pub database_url: Option<String>,
    pub sqlite_synchronous: SqliteSync,
    pub db_max_connections: u32,
    /// Load demo units and accounts into an empty database at start.
    pub demo: bool,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub session_idle_minutes: i64,
    /// Seconds after an attempt's deadline during which saves are still accepted (0–60).
    pub attempt_grace_secs: u32,
    pub session_absolute_hours: i64,
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    pub argon2_parallelism: u32,
    pub hash_concurrency: usize,
    pub log_json: bool,
    /// `smtp://host:port` (plain), `smtp://host?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host` (TLS); `None` sends no mail.
    pub smtp_url: Option<String>,
    /// The sender of notification mail.
    pub mail_from: String,
    /// How often this server's job runner looks for due work.
    pub job_interval_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            sqlite_synchronous: SqliteSync::Full,
            db_max_connections: 16,
            demo: false,
            secure_cookies: false,
            trust_forwarded_for: false,
            session_idle_minutes: 30,
            attempt_grace_secs: 0,
            session_absolute_hours: 12,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
            hash_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            log_json: false,
            smtp_url: None,
            mail_from: "examhall <noreply@localhost>".to_owned(),
            job_interval_ms: 1_000,
        }
    }
}

/// The file layer: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    sqlite_synchronous: Option<SqliteSync>,
    db_max_connections: Option<u32>,
    demo: Option<bool>,
    secure_cookies: Option<bool>,
    trust_forwarded_for: Option<bool>,
    session_idle_minutes: Option<i64>,
    attempt_grace_secs: Option<u32>,
    session_absolute_hours: Option<i64>,
    argon2_memory_kib: Option<u32>,
    argon2_iterations: Option<u32>,
    argon2_parallelism: Option<u32>,
    hash_concurrency: Option<usize>,
    log_json: Option<bool>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    job_interval_ms: Option<u64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("cannot read the configuration file {0}: {1}")]
    Read(String, String),
    #[error("configuration file {0}: {1}")]
    File(String, String),
    #[error("environment variable {0}: {1}")]
    Env(String, String),
}

fn parse_env<T: std::str::FromStr>(
    env: &HashMap<String, String>,
    key: &str,
) -> Result<Option<T>, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match env.get(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<T>()
            .map(Some)
            .map_err(|e| ConfigError::Env(key.to_owned(), e.to_string())),
    }
}

fn parse_bool(env: &HashMap<String, String>, key: &str) -> Result<Option<bool>, ConfigError> {
    match env.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) => match v.as_str() {
            "1" | "true" | "yes" | "on" => Ok(Some(true)),
            "0" | "false" | "no" | "off" | "" => Ok(Some(false)),
            _ => Err(ConfigError::Env(
                key.to_owned(),
                format!("expected true or false, got {v:?}"),
            )),
        },
    }
}

impl Config {
    /// Resolves the configuration from an optional file's text and the environment.
    pub fn resolve(
        file: Option<(&str, &str)>,
        env: &HashMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        if let Some((path, text)) = file {
            let f: FileConfig = toml::from_str(text)
                .map_err(|e| ConfigError::File(path.to_owned(), e.message().to_owned()))?;
            macro_rules! take {
                ($($field:ident),*) => { $(if let Some(v) = f.$field { c.$field = v; })* };
            }
            take!(
                listen,
                data_dir,
                sqlite_synchronous,
                db_max_connections,
                demo,
                secure_cookies,
                trust_forwarded_for,
                session_idle_minutes,
                attempt_grace_secs,
                session_absolute_hours,
                argon2_memory_kib,
                argon2_iterations,
                argon2_parallelism,
                hash_concurrency,
                log_json,
                mail_from,
                job_interval_ms
            );
            if f.smtp_url.is_some() {
                c.smtp_url = f.smtp_url;
            }
            if f.database_url.is_some() {
                c.database_url = f.database_url;
            }
        }
        if let Some(v) = parse_env(env, "EXAMHALL_LISTEN")? {
            c.listen = v;
        }
        if let Some(v) = env.get("EXAMHALL_DATA_DIR") {
            c.data_dir = PathBuf::from(v);
        }
        if let Some(v) = env
            .get("EXAMHALL_DATABASE_URL")
            .filter(|v| !v.trim().is_empty())
        {
            c.database_url = Some(v.trim().to_owned());
        }
        if let Some(v) = env.get("EXAMHALL_SQLITE_SYNCHRONOUS") {
            c.sqlite_synchronous = match v.trim().to_ascii_lowercase().as_str() {
                "full" => SqliteSync::Full,
                "normal" => SqliteSync::Normal,
                other => {
                    return Err(ConfigError::Env(
                        "EXAMHALL_SQLITE_SYNCHRONOUS".into(),
                        format!("expected full or normal, got {other:?}"),
                    ))
                }
            };
        }
        macro_rules! num {
            ($($field:ident => $key:literal),*) => { $(if let Some(v) = parse_env(env, $key)? { c.$field = v; })* };
        }
        num!(
            db_max_connections => "EXAMHALL_DB_MAX_CONNECTIONS",
            session_idle_minutes => "EXAMHALL_SESSION_IDLE_MINUTES",
            attempt_grace_secs => "EXAMHALL_ATTEMPT_GRACE_SECS",
            session_absolute_hours => "EXAMHALL_SESSION_ABSOLUTE_HOURS",
            argon2_memory_kib => "EXAMHALL_ARGON2_MEMORY_KIB",
            argon2_iterations => "EXAMHALL_ARGON2_ITERATIONS",
            argon2_parallelism => "EXAMHALL_ARGON2_PARALLELISM",
            hash_concurrency => "EXAMHALL_HASH_CONCURRENCY",
            job_interval_ms => "EXAMHALL_JOB_INTERVAL_MS"
        );
        if let Some(v) = env.get("EXAMHALL_SMTP_URL") {
            c.smtp_url = Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        }
        if let Some(v) = env
            .get("EXAMHALL_MAIL_FROM")
            .filter(|v| !v.trim().is_empty())
        {
            c.mail_from = v.trim().to_owned();
        }
        macro_rules! flag {
            ($($field:ident => $key:literal),*) => { $(if let Some(v) = parse_bool(env, $key)? { c.$field = v; })* };
        }
        if c.attempt_grace_secs > 60 {
            return Err(ConfigError::Env(
                "EXAMHALL_ATTEMPT_GRACE_SECS (attempt_grace_secs)".into(),
                format!("at most 60 seconds, got {}", c.attempt_grace_secs),
            ));
        }
        flag!(
            demo => "EXAMHALL_DEMO",
            secure_cookies => "EXAMHALL_SECURE_COOKIES",
            trust_forwarded_for => "EXAMHALL_TRUST_FORWARDED_FOR",
            log_json => "EXAMHALL_LOG_JSON"
        );
        Ok(c)
    }

    /// Reads the file named by `EXAMHALL_CONFIG` (or `examhall.toml` if present) and the
    /// process environment.
    pub fn load() -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let path = env
            .get("EXAMHALL_CONFIG")
            .map(PathBuf::from)
            .or_else(|| Some(PathBuf::from("examhall.toml")).filter(|p| p.exists()));
        match path {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .map_err(|e| ConfigError::Read(p.display().to_string(), e.to_string()))?;
                Config::resolve(Some((&p.display().to_string(), &text)), &env)
            }
            None => Config::resolve(None, &env),
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => sqlite_url(&self.data_dir.join("examhall.sqlite3")),
        }
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// A database URL with any password replaced, safe to log.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_owned(),
                })
                .collect();
            format!("{path}?{}", q.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url()))
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .field("db_max_connections", &self.db_max_connections)
            .field("demo", &self.demo)
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("attempt_grace_secs", &self.attempt_grace_secs)
            .field("session_absolute_hours", &self.session_absolute_hours)
            .field("argon2_memory_kib", &self.argon2_memory_kib)
            .field("argon2_iterations", &self.argon2_iterations)
            .field("argon2_parallelism", &self.argon2_parallelism)
            .field("hash_concurrency", &self.hash_concurrency)
            .field("log_json", &self.log_json)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("job_interval_ms", &self.job_interval_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_apply_when_nothing_is_configured() {
        let c = Config::resolve(None, &env(&[])).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.sqlite_synchronous, SqliteSync::Full);
        assert_eq!(c.database_url(), "sqlite://data/examhall.sqlite3");
    }

    #[test]
    fn the_file_overrides_defaults_and_the_environment_overrides_the_file() {
        let file = "listen = \"0.0.0.0:8080\"\ndemo = true\nsqlite_synchronous = \"normal\"\nsession_idle_minutes = 10\n";
        let c = Config::resolve(Some(("t.toml", file)), &env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), "0.0.0.0:8080");
        assert!(c.demo);
        assert_eq!(c.sqlite_synchronous, SqliteSync::Normal);
        assert_eq!(c.session_idle_minutes, 10);

        let e = env(&[
            ("EXAMHALL_LISTEN", "127.0.0.1:9000"),
            ("EXAMHALL_DEMO", "false"),
            ("EXAMHALL_SESSION_IDLE_MINUTES", "5"),
        ]);
        let c = Config::resolve(Some(("t.toml", file)), &e).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9000");
        assert!(!c.demo);
        assert_eq!(c.session_idle_minutes, 5);
        assert_eq!(c.sqlite_synchronous, SqliteSync::Normal);
    }

    #[test]
    fn the_database_url_picks_the_backend() {
        let c = Config::resolve(
            None,
            &env(&[("EXAMHALL_DATABASE_URL", "postgres://u:pw@db/examhall")]),
        )
        .unwrap();
        assert_eq!(c.database_url(), "postgres://u:pw@db/examhall");
    }

    #[test]
    fn bad_values_name_their_source() {
        let err = Config::resolve(None, &env(&[("EXAMHALL_DEMO", "perhaps")])).unwrap_err();
        assert!(matches!(err, ConfigError::Env(k, _) if k == "EXAMHALL_DEMO"));
        let err = Config::resolve(Some(("x.toml", "nonsense = 1")), &env(&[])).unwrap_err();
        assert!(matches!(err, ConfigError::File(p, _) if p == "x.toml"));
    }

    #[test]
    fn passwords_in_database_urls_never_reach_the_debug_output() {
        let c = Config::resolve(
            None,
            &env(&[(
                "EXAMHALL_DATABASE_URL",
                "postgres://exam:s3cret@db:5432/e?sslmode=require&password=other",
            )]),
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains("other"), "{shown}");
        assert!(shown.contains("postgres://exam:***@db:5432/e"), "{shown}");
    }
}
