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

/// For the tools beside the server (`paddock reconcile`, `paddock portal-session`): an
/// existing database whose schema is exactly this binary's. They never create or migrate
/// one: a wrong `DATABASE_URL` would otherwise get a fresh database filled in, and a
/// newer binary would migrate the schema under older servers.
pub async fn open_current(url: &SecretString, timeout: Duration) -> Result<Database, DbError> {
    let db = open_existing(url, timeout).await?;
    let applied = match applied_migrations(&db).await {
        Ok(applied) => applied,
        Err(e) => {
            db.close().await;
            return Err(DbError::Query(e));
        }
    };
    if let Err(problem) = schema_verdict(applied.as_deref(), &db.built_in_migrations()) {
        db.close().await;
        return Err(DbError::Schema(problem));
    }
    Ok(db)
}

/// One row of sqlx's `_sqlx_migrations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    /// False when the migration failed part-way (Postgres runs each in a transaction).
    pub success: bool,
    /// The checksum of the migration's text when it was applied.
    pub checksum: Vec<u8>,
}

/// Why a database's schema is not this binary's, in the order `paddock serve` (sqlx's
/// migrator) would refuse it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SchemaProblem {
    #[error("the database was never migrated")]
    NeverMigrated,
    #[error("migration {0} failed part-way")]
    Failed(i64),
    #[error(
        "the database has migrations this binary does not know ({}): it was migrated by a \
         newer paddock",
        list(.0)
    )]
    Unknown(Vec<i64>),
    #[error(
        "migrations {} differ from this binary's (edited after they were applied)",
        list(.0)
    )]
    Changed(Vec<i64>),
    #[error("{} of {} migrations are not applied ({})", .0.len(), .1, list(.0))]
    Missing(Vec<i64>, usize),
}

impl SchemaProblem {
    /// What to do about it: `paddock serve` of this binary migrates a database that lacks
    /// migrations, and refuses the others.
    pub fn fix(&self) -> &'static str {
        match self {
            Self::NeverMigrated | Self::Missing(..) => {
                "start `paddock serve` of this version: it applies the migrations at start"
            }
            Self::Failed(_) => {
                "read the log of the `paddock serve` start that applied it, repair the schema, \
                 delete its row from _sqlx_migrations and start again"
            }
            Self::Unknown(_) => {
                "use the paddock version that migrated it: this one cannot start on it"
            }
            Self::Changed(_) => {
                "restore the migration files as they were applied (this binary was built from \
                 edited ones): `paddock serve` refuses to start on it"
            }
        }
    }
}

fn list(versions: &[i64]) -> String {
    let shown: Vec<String> = versions.iter().map(i64::to_string).collect();
    shown.join(", ")
}

/// Whether the migrations `applied` (`None`: never migrated) are exactly `built_in`
/// (version, checksum): what `paddock serve` of this binary would start on (unknown,
/// changed or failed ones stop it) and run against (missing ones it applies at start).
pub fn schema_verdict(
    applied: Option<&[AppliedMigration]>,
    built_in: &[(i64, Vec<u8>)],
) -> Result<(), SchemaProblem> {
    let applied = applied.ok_or(SchemaProblem::NeverMigrated)?;
    if let Some(broken) = applied.iter().find(|m| !m.success) {
        return Err(SchemaProblem::Failed(broken.version));
    }
    let known = |m: &&AppliedMigration| built_in.iter().any(|(v, _)| *v == m.version);
    let unknown: Vec<i64> = applied
        .iter()
        .filter(|m| !known(m))
        .map(|m| m.version)
        .collect();
    if !unknown.is_empty() {
        return Err(SchemaProblem::Unknown(unknown));
    }
    let changed: Vec<i64> = applied
        .iter()
        .filter(|m| {
            built_in
                .iter()
                .any(|(v, sum)| *v == m.version && *sum != m.checksum)
        })
        .map(|m| m.version)
        .collect();
    if !changed.is_empty() {
        return Err(SchemaProblem::Changed(changed));
    }
    let missing: Vec<i64> = built_in
        .iter()
        .map(|(v, _)| *v)
        .filter(|v| !applied.iter().any(|m| m.version == *v))
        .collect();
    if !missing.is_empty() {
        return Err(SchemaProblem::Missing(missing, built_in.len()));
    }
    Ok(())
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
    let sql = "SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version";
    let rows: Vec<(i64, bool, Vec<u8>)> =
        on_pool!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
    Ok(Some(
        rows.into_iter()
            .map(|(version, success, checksum)| AppliedMigration {
                version,
                success,
                checksum,
            })
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
