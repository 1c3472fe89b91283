//! The database: one pool per process, SQLite (embedded default) or Postgres, chosen by
//! `DATABASE_URL` at start-up. SQL lives under this module and nowhere else.

use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub mod audit;
pub mod batcher;
pub mod checkpoint;
pub mod doctor;
pub mod durability;
pub mod event_batch;
pub mod events;
pub mod jobs;
pub mod limit_counts;
pub mod mirror;
pub mod password_resets;
pub mod refusals;
mod serve_lock;
pub mod snapshot;
pub mod tokens;
pub mod users;

pub use serve_lock::ServeLock;

/// Runs one query expression on whichever pool `$db` holds; the SQL (with `$1`
/// placeholders) is written once and must be valid on both backends.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::server::db::Database::Sqlite($pool) => $body,
            $crate::server::db::Database::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a request may wait for a pooled connection before it fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long SQLite waits on a locked database before it reports `SQLITE_BUSY`.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The process's one connection pool.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A database that could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL: {0}")]
    Url(String),
    #[error("could not create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "another `paddock serve` is already serving {0}: SQLite is for one process; run several instances on Postgres (README: \"Deployment: several instances\")"
    )]
    Busy(String),
    #[error("could not connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("the database did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}: {fix}", fix = .0.fix())]
    Schema(doctor::SchemaProblem),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

impl Database {
    /// Opens the pool (creating a SQLite file and its folder if needed) and applies migrations.
    pub async fn connect(url: &SecretString) -> Result<Self, DbError> {
        let db = Self::open(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Builds the pool without touching the database; connections are made on first use.
    /// For tests and tools that must start while the database is down.
    pub fn connect_lazy(url: &SecretString) -> Result<Self, DbError> {
        match parse(url)? {
            Options::Sqlite(opts) => Ok(Self::Sqlite(sqlite_pool().connect_lazy_with(opts))),
            Options::Postgres(opts) => Ok(Self::Postgres(postgres_pool().connect_lazy_with(opts))),
        }
    }

    async fn open(url: &SecretString) -> Result<Self, DbError> {
        match parse(url)? {
            Options::Sqlite(opts) => {
                if !in_memory(url) {
                    ensure_parent_dir(&opts)?;
                }
                let pool = sqlite_pool()
                    .connect_with(opts)
                    .await
                    .map_err(DbError::Connect)?;
                Ok(Self::Sqlite(pool))
            }
            Options::Postgres(opts) => {
                let pool = postgres_pool()
                    .connect_with(opts)
                    .await
                    .map_err(DbError::Connect)?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    /// Applies every migration not yet recorded; a no-op on an up-to-date database.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// The versions of every migration built into this binary for this backend.
    pub fn migration_versions(&self) -> Vec<i64> {
        self.built_in_migrations()
            .into_iter()
            .map(|m| m.0)
            .collect()
    }

    /// Every migration built into this binary for this backend: version and checksum
    /// (what sqlx records in `_sqlx_migrations` when it applies one).
    pub fn built_in_migrations(&self) -> Vec<(i64, Vec<u8>)> {
        let migrator = match self {
            Self::Sqlite(_) => &SQLITE_MIGRATIONS,
            Self::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        migrator
            .iter()
            .map(|m| (m.version, m.checksum.to_vec()))
            .collect()
    }

    /// One round trip to the database: what `/readyz` asks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Self::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }

    /// `sqlite` or `postgres`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Resolves when [`close`](Self::close) is called: a holder of a connection gives it
    /// back then, so that closing does not wait for it forever.
    pub fn close_event(&self) -> sqlx::pool::CloseEvent {
        match self {
            Self::Sqlite(pool) => pool.close_event(),
            Self::Postgres(pool) => pool.close_event(),
        }
    }

    /// Closes every connection; pending work finishes first.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

enum Options {
    Sqlite(SqliteConnectOptions),
    Postgres(PgConnectOptions),
}

fn parse(url: &SecretString) -> Result<Options, DbError> {
    let raw = url.expose_secret();
    // sqlx's parse errors can quote the URL, password included: keep only their kind.
    if raw.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(raw)
            .map_err(|_| DbError::Url("not a valid sqlite: URL".into()))?;
        // The file is created when missing, with or without `?mode=rwc` (a read-only
        // URL stays read-only).
        let create = !raw.contains("mode=ro");
        // `NORMAL`: a commit survives the process, not always a power loss. Webhook
        // events, answered 2xx only once stored, are committed with `FULL` instead
        // (`event_batch::sqlite`).
        let opts = opts
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        Ok(Options::Sqlite(opts))
    } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
        let opts = PgConnectOptions::from_str(raw)
            .map_err(|_| DbError::Url("not a valid postgres:// URL".into()))?;
        Ok(Options::Postgres(opts))
    } else {
        Err(DbError::Url(
            "must start with sqlite:, postgres:// or postgresql://".into(),
        ))
    }
}

/// Connections for requests and jobs, besides the ones the batchers keep.
pub const SQLITE_SHARED: u32 = 8;
pub const POSTGRES_SHARED: u32 = 16;

fn sqlite_pool() -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(SQLITE_SHARED + batcher::KEPT)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // An embedded file cannot drop a connection; the ping before each acquire would
        // only cost another hand-off to the connection's thread (measured by
        // bench/portal.sh).
        .test_before_acquire(false)
}

fn postgres_pool() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(POSTGRES_SHARED + batcher::KEPT)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(|conn, _| Box::pin(durability::raise_synchronous_commit(conn)))
}

/// Whether a `sqlite:` URL names an in-memory database (`:memory:`, or `mode=memory`).
/// Asked of the URL: sqlx names the first `file:sqlx-in-memory-N`, so the parsed options'
/// file name does not tell.
fn in_memory(url: &SecretString) -> bool {
    let raw = url.expose_secret();
    let rest = raw.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    path == ":memory:" || query.split('&').any(|pair| pair == "mode=memory")
}

/// Creates the folder of a SQLite file (not for an in-memory database: see [`in_memory`]).
fn ensure_parent_dir(opts: &SqliteConnectOptions) -> Result<(), DbError> {
    let file = opts.get_filename();
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => {
            std::fs::create_dir_all(dir).map_err(|source| DbError::Folder {
                path: dir.display().to_string(),
                source,
            })
        }
        _ => Ok(()),
    }
}
