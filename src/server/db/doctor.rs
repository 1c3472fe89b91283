//! What `paddock doctor` asks the database: can it be opened without creating anything,
//! which migrations are applied, and which webhooks arrived.

use std::time::Duration;

use secrecy::SecretString;
use sqlx::{ConnectOptions, Connection};

use super::{Database, DbError, Options, on_pool, parse, postgres_pool, sqlite_pool};

/// Opens an existing database, within `timeout`: one direct connection first, so a
/// server that refuses says so at once (a pool would retry until its timeout), then a
/// small lazy pool for the queries. A missing SQLite file is an error, never created.
pub async fn open_existing(url: &SecretString, timeout: Duration) -> Result<Database, DbError> {
    let opts = match parse(url)? {
        Options::Sqlite(o) => Options::Sqlite(o.create_if_missing(false)),
        postgres => postgres,
    };
    let probe = async {
        match &opts {
            Options::Sqlite(o) => o.connect().await?.close().await,
            Options::Postgres(o) => o.connect().await?.close().await,
        }
    };
    match tokio::time::timeout(timeout, probe).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(DbError::Connect(e)),
        Err(_) => return Err(DbError::Timeout(timeout)),
    }
    Ok(match opts {
        Options::Sqlite(o) => Database::Sqlite(
            sqlite_pool()
                .max_connections(2)
                .acquire_timeout(timeout)
                .connect_lazy_with(o),
        ),
        Options::Postgres(o) => Database::Postgres(
            postgres_pool()
                .max_connections(2)
                .acquire_timeout(timeout)
                .connect_lazy_with(o),
        ),
    })
}

/// One row of sqlx's `_sqlx_migrations`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    /// False when the migration failed part-way (Postgres runs each in a transaction).
    pub success: bool,
}

/// The migrations recorded in the database; `None` when it was never migrated.
pub async fn applied_migrations(
    db: &Database,
) -> Result<Option<Vec<AppliedMigration>>, sqlx::Error> {
    let exists: bool = match db {
        Database::Sqlite(pool) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) > 0 FROM sqlite_master \
                 WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await?
        }
        Database::Postgres(pool) => {
            sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(pool)
                .await?
        }
    };
    if !exists {
        return Ok(None);
    }
    let sql = "SELECT version, success FROM _sqlx_migrations ORDER BY version";
    let rows: Vec<(i64, bool)> = on_pool!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(Some(
        rows.into_iter()
            .map(|(version, success)| AppliedMigration { version, success })
            .collect(),
    ))
}

/// When the latest verified webhook was received (unix seconds); `None` if none ever was.
pub async fn last_webhook_at(db: &Database) -> Result<Option<i64>, sqlx::Error> {
    let sql = "SELECT MAX(received_at) FROM webhook_events";
    on_pool!(db, |pool| sqlx::query_scalar::<_, Option<i64>>(sql)
        .fetch_one(pool)
        .await)
}

/// How many verified webhooks of each type were received from `since` (unix seconds) on,
/// most frequent first.
pub async fn webhook_types_since(
    db: &Database,
    since: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = "SELECT event_type, COUNT(*) FROM webhook_events WHERE received_at >= $1 \
               GROUP BY event_type ORDER BY 2 DESC, event_type";
    on_pool!(db, |pool| sqlx::query_as(sql)
        .bind(since)
        .fetch_all(pool)
        .await)
}
