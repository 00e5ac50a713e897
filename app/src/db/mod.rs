//! The data layer's one API over two backends: SQLite (embedded default) and PostgreSQL
//! (scale-out). Callers write each statement once with `$n` placeholders; [`sql!`]
//! compiles it for both drivers, so no feature carries backend-specific code paths.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

/// Runs `$body` with `$c` bound to the backend's raw connection (`&mut SqliteConnection`
/// or `&mut PgConnection`). Both arms must produce the same type, so map driver-specific
/// results (e.g. `rows_affected()`) inside the body.
#[macro_export]
macro_rules! sql {
    ($ex:expr, |$c:ident| $body:expr) => {
        match $crate::db::Exec::raw($ex) {
            $crate::db::Raw::Sqlite($c) => $body,
            $crate::db::Raw::Postgres($c) => $body,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite's `synchronous` setting. `Full` (the default) makes an acknowledged commit
/// survive power loss; `Normal` is faster in WAL mode but may lose the last commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    Full,
    Normal,
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub url: String,
    pub sqlite_synchronous: SqliteSync,
    pub max_connections: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL scheme (expected sqlite: or postgres:)")]
    UnsupportedScheme,
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error(
        "the database schema is at a version this build of examhall does not know \
         (migration {0} is applied but not shipped): run the matching or a newer examhall, \
         or restore a backup taken with this version"
    )]
    SchemaNewer(i64),
    #[error(
        "migration {0} applied to this database differs from the one shipped with this \
         build: the schema was changed outside examhall"
    )]
    SchemaChanged(i64),
    #[error("database migration failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

#[derive(Clone, Debug)]
pub enum Db {
    /// Reads go through a pool of `query_only` connections; every write goes through a
    /// single connection, so SQLite never sees two writers and read-then-write
    /// transactions cannot fail with "database is locked".
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
    },
    Postgres(PgPool),
}

pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

pub enum Raw<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// Anything a statement can run on: a transaction or a pooled connection.
pub trait Exec: Send {
    fn raw(&mut self) -> Raw<'_>;
}

impl Exec for Tx {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            Tx::Sqlite(t) => Raw::Sqlite(&mut *t),
            Tx::Postgres(t) => Raw::Postgres(&mut *t),
        }
    }
}

impl Exec for Conn {
    fn raw(&mut self) -> Raw<'_> {
        match self {
            Conn::Sqlite(c) => Raw::Sqlite(&mut *c),
            Conn::Postgres(c) => Raw::Postgres(&mut *c),
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    pub async fn connect(opts: &DbOptions) -> Result<Db, DbError> {
        if opts.url.starts_with("sqlite:") {
            let base = SqliteConnectOptions::from_str(&opts.url)
                .map_err(DbError::Connect)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .synchronous(match opts.sqlite_synchronous {
                    SqliteSync::Full => SqliteSynchronous::Full,
                    SqliteSync::Normal => SqliteSynchronous::Normal,
                });
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(base.clone())
                .await
                .map_err(DbError::Connect)?;
            let read = SqlitePoolOptions::new()
                .max_connections(opts.max_connections.max(2))
                .connect_with(base.pragma("query_only", "ON"))
                .await
                .map_err(DbError::Connect)?;
            Ok(Db::Sqlite { read, write })
        } else if opts.url.starts_with("postgres:") || opts.url.starts_with("postgresql:") {
            let conn = PgConnectOptions::from_str(&opts.url).map_err(DbError::Connect)?;
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .connect_with(conn)
                .await
                .map_err(DbError::Connect)?;
            Ok(Db::Postgres(pool))
        } else {
            Err(DbError::UnsupportedScheme)
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations; refuses a database whose schema is newer than, or
    /// different from, what this build ships.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let result = match self {
            Db::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        };
        result.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => DbError::SchemaNewer(v),
            sqlx::migrate::MigrateError::VersionMismatch(v) => DbError::SchemaChanged(v),
            other => DbError::Migrate(other),
        })
    }

    /// A write transaction. On SQLite it holds the single writer connection until it
    /// commits or is dropped, so keep it short and do no slow work (hashing) inside.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Db::Sqlite { write, .. } => Ok(Tx::Sqlite(write.begin().await?)),
            Db::Postgres(pool) => Ok(Tx::Postgres(pool.begin().await?)),
        }
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<Conn, sqlx::Error> {
        match self {
            Db::Sqlite { read, .. } => Ok(Conn::Sqlite(read.acquire().await?)),
            Db::Postgres(pool) => Ok(Conn::Postgres(pool.acquire().await?)),
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// Escapes `%`, `_` and `\` so user text is matched literally inside a `LIKE ... ESCAPE '\'`.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_escape_makes_wildcards_literal() {
        assert_eq!(like_escape("a%b_c\\d"), "a\\%b\\_c\\\\d");
        assert_eq!(like_escape("党章"), "党章");
    }
}
