//! Sessions in the app's own database: the sqlx store for whichever backend is in use,
//! behind one type, plus the cookie settings and the expired-session sweeper.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::server::db::{Database, on_pool};

mod loads;

use loads::SessionLoader;

/// Name of the session cookie on plain http (local runs).
pub const COOKIE: &str = "paddock_session";
/// Name of the session cookie on https: browsers take a `__Host-` cookie only with
/// `Secure`, `Path=/` and no `Domain`, so a sibling subdomain or a plain-http response
/// cannot set (plant) one.
pub const SECURE_COOKIE: &str = "__Host-paddock_session";

/// How often expired sessions are deleted.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The session store on the app's database (SQLite or Postgres).
///
/// With an inactivity expiry every request saves its session, only to push the expiry
/// forward: a database write per signed-in request. This store skips that write when the
/// session's data is what `load` read and the stored expiry is less than
/// [`TOUCH_EVERY`] older than the new one, so a busy session is written about once an
/// hour (the expiry may then count from up to an hour before the last visit).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
    /// The same pool, for the update-only `save`.
    db: Database,
    /// Loads, batched with those of concurrent requests.
    loads: SessionLoader,
    /// What `load` read, per session, until the matching `save`s or a `delete`.
    loaded: Arc<Mutex<HashMap<Id, Loaded>>>,
}

/// A session as the database holds it, and how many requests loaded it and have not
/// saved it yet: the parallel requests of one browser (a page and its server functions)
/// each skip their touch-only save, not only the last one to load.
#[derive(Debug)]
struct Loaded {
    record: Record,
    pending: usize,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// How far a session's stored expiry may lag behind before a save writes it.
pub const TOUCH_EVERY: Duration = Duration::hours(1);

/// `save` as an update of a row that must still exist (the stores' own save upserts).
/// Same table, columns and encoding as tower-sessions-sqlx-store's defaults.
const UPDATE_SQLITE: &str = "UPDATE tower_sessions SET data = $2, expiry_date = $3 WHERE id = $1";
const UPDATE_POSTGRES: &str =
    r#"UPDATE "tower_sessions"."session" SET data = $2, expiry_date = $3 WHERE id = $1"#;

/// Beyond this many loads without a save (requests that failed midway), forget them all.
const MAX_TRACKED: usize = 10_000;

impl Backend {
    fn for_database(db: &Database) -> Self {
        match db {
            Database::Sqlite(pool) => Self::Sqlite(SqliteStore::new(pool.clone())),
            Database::Postgres(pool) => Self::Postgres(PostgresStore::new(pool.clone())),
        }
    }

    /// Creates the store's own table (and schema on Postgres) when missing.
    async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(s) => s.migrate().await,
            Self::Postgres(s) => s.migrate().await,
        }
    }

    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Self::Sqlite(s) => s.delete_expired().await,
            Self::Postgres(s) => s.delete_expired().await,
        }
    }
}

impl Store {
    /// The store of the session layer; starts its batcher of loads.
    pub fn new(db: &Database) -> Self {
        Self {
            backend: Backend::for_database(db),
            db: db.clone(),
            loads: SessionLoader::for_database(db),
            loaded: Arc::default(),
        }
    }

    /// Creates the store's own table (and schema on Postgres) when missing.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        self.backend.migrate().await
    }

    fn tracked(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Loaded>> {
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Notes that a request loaded `record`. Another version of it replaces the one
    /// tracked: the database now holds the one read last.
    fn track(&self, id: Id, record: &Record) {
        let mut tracked = self.tracked();
        if tracked.len() >= MAX_TRACKED {
            tracked.clear();
        }
        match tracked.get_mut(&id) {
            Some(loaded) if loaded.record == *record => loaded.pending += 1,
            _ => {
                let loaded = Loaded {
                    record: record.clone(),
                    pending: 1,
                };
                tracked.insert(id, loaded);
            }
        }
    }

    /// Whether saving `record` would change nothing but a recent expiry. A save that
    /// writes forgets the session: what other requests loaded is then no longer what the
    /// database holds, and their saves write too.
    fn only_touches(&self, record: &Record) -> bool {
        let mut tracked = self.tracked();
        let Some(loaded) = tracked.get_mut(&record.id) else {
            return false;
        };
        let stored = &loaded.record;
        let touches = stored.data == record.data
            && stored.expiry_date <= record.expiry_date
            && record.expiry_date - stored.expiry_date < TOUCH_EVERY;
        if touches && loaded.pending > 1 {
            loaded.pending -= 1;
        } else {
            tracked.remove(&record.id);
        }
        touches
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match &self.backend {
            Backend::Sqlite(s) => s.create(record).await,
            Backend::Postgres(s) => s.create(record).await,
        }
    }

    /// Updates a session that still exists and never recreates one: a request that
    /// loaded the session before a log-out (or an id cycle) elsewhere must not bring it
    /// back when it saves afterwards. New sessions go through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if self.only_touches(record) {
            return Ok(());
        }
        let data =
            rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let sql = match &self.db {
            Database::Sqlite(_) => UPDATE_SQLITE,
            Database::Postgres(_) => UPDATE_POSTGRES,
        };
        let updated = on_pool!(&self.db, |pool| {
            sqlx::query(sql)
                .bind(record.id.to_string())
                .bind(&data)
                .bind(record.expiry_date)
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(|e| session_store::Error::Backend(e.to_string()))?;
        if updated == 0 {
            tracing::info!("session was deleted meanwhile; not saved again");
        }
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data = self.loads.submit(*id).await;
        let data = data.map_err(|e| session_store::Error::Backend(e.to_string()))?;
        let record: Option<Record> = data
            .map(|data| rmp_serde::from_slice(&data))
            .transpose()
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        if let Some(record) = &record {
            self.track(*id, record);
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.tracked().remove(id);
        match &self.backend {
            Backend::Sqlite(s) => s.delete(id).await,
            Backend::Postgres(s) => s.delete(id).await,
        }
    }
}

/// Start-up: migrates the store's table and deletes expired sessions every hour, once an
/// hour across instances (the library's stores: no loads here, so no batcher).
pub async fn start(db: &Database) -> Result<(), sqlx::Error> {
    let store = Backend::for_database(db);
    store.migrate().await?;
    crate::server::jobs::spawn_periodic(db.clone(), "session_sweep", SWEEP_EVERY, move |_| {
        let store = store.clone();
        async move {
            if let Err(e) = store.delete_expired().await {
                tracing::error!(error = %e, "expired-session cleanup failed");
            }
        }
    });
    Ok(())
}

/// The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure on https, and an
/// inactivity expiry (`SESSION_INACTIVITY_DAYS`); `secure` when the app is on https.
pub fn layer(db: &Database, inactivity_days: i64, secure: bool) -> SessionManagerLayer<Store> {
    SessionManagerLayer::new(Store::new(db))
        .with_name(if secure { SECURE_COOKIE } else { COOKIE })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(Duration::days(inactivity_days)))
        // Saving on every request is what makes the expiry count from the last visit
        // (guests have empty sessions, which are never saved).
        .with_always_save(true)
}

#[cfg(test)]
mod tests;
