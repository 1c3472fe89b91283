//! Sessions in the app's own database: the sqlx store for whichever backend is in use,
//! behind one type, plus the cookie settings and the expired-session sweeper.

use std::sync::Arc;

use async_trait::async_trait;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::server::db::Database;
use crate::server::settings::Settings;

/// Name of the session cookie.
pub const COOKIE: &str = "paddock_session";

/// How often expired sessions are deleted.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The session store on the app's database (SQLite or Postgres).
#[derive(Clone, Debug)]
pub enum Store {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Store {
    pub fn new(db: &Database) -> Self {
        match db {
            Database::Sqlite(pool) => Self::Sqlite(SqliteStore::new(pool.clone())),
            Database::Postgres(pool) => Self::Postgres(PostgresStore::new(pool.clone())),
        }
    }

    /// Creates the store's own table (and schema on Postgres) when missing.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(s) => s.migrate().await,
            Self::Postgres(s) => s.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.create(record).await,
            Self::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.save(record).await,
            Self::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Self::Sqlite(s) => s.load(id).await,
            Self::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete(id).await,
            Self::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for Store {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}

/// Start-up: migrates the store and starts deleting expired sessions every hour.
pub async fn start(db: &Database) -> Result<(), sqlx::Error> {
    let store = Store::new(db);
    store.migrate().await?;
    tokio::spawn(async move {
        if let Err(e) = store.continuously_delete_expired(SWEEP_EVERY).await {
            tracing::error!(error = %e, "expired-session cleanup stopped");
        }
    });
    Ok(())
}

/// The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure on https, and an
/// inactivity expiry.
pub fn layer(db: &Database, settings: &Arc<Settings>) -> SessionManagerLayer<Store> {
    let days = settings.accounts.session_inactivity_days;
    SessionManagerLayer::new(Store::new(db))
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_secure(settings.is_https())
        .with_expiry(Expiry::OnInactivity(Duration::days(days)))
        // Saving on every request is what makes the expiry count from the last visit
        // (guests have empty sessions, which are never saved).
        .with_always_save(true)
}
