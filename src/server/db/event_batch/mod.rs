//! Many webhook events stored at once, as if one after another: what `webhooks::writer`
//! hands the database when deliveries arrive faster than one commit each. Each event is
//! the same two writes as alone (the event's insert, then its mirror upsert only if the
//! insert inserted); a batch costs one round trip and one commit where it can.

mod postgres;
mod sqlite;

pub use postgres::runs;
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use super::Database;
use super::events::{EventWrite, Stored};
use super::mirror::MirrorWrite;

/// A connection kept for storing batches: the event writer holds one, so that a batch
/// pays neither the pool's checks on acquire and release nor a cold page cache.
pub enum BatchConnection {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl BatchConnection {
    /// Takes a connection from `db`'s pool.
    pub async fn acquire(db: &Database) -> Result<Self, sqlx::Error> {
        Ok(match db {
            Database::Sqlite(pool) => Self::Sqlite(pool.acquire().await?),
            Database::Postgres(pool) => Self::Postgres(pool.acquire().await?),
        })
    }

    /// Stores every `(event, write)` in order. Returns, for each, whether it was new; a
    /// later copy of an event earlier in the batch is a duplicate. On SQLite the batch is
    /// atomic; on Postgres each run of it is (see `postgres`), and a failed batch may
    /// leave its first runs stored, which a retry finds as duplicates.
    ///
    /// After an error the connection must not be used again: [`close`](Self::close) it.
    pub async fn store(
        &mut self,
        batch: &[(&EventWrite, &MirrorWrite)],
    ) -> Result<Vec<Stored>, sqlx::Error> {
        match self {
            Self::Sqlite(conn) => sqlite::store_batch(conn, batch).await,
            Self::Postgres(conn) => postgres::store_batch(conn, batch).await,
        }
    }

    /// Closes the connection for good (a transaction it left open is rolled back).
    pub async fn close(self) {
        let closed = match self {
            Self::Sqlite(conn) => conn.close().await,
            Self::Postgres(conn) => conn.close().await,
        };
        if let Err(e) = closed {
            tracing::debug!(error = %e, "closing a batch connection failed");
        }
    }
}

/// [`BatchConnection::store`] on a connection from `db`'s pool, closed after a failure.
pub async fn store_batch(
    db: &Database,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let mut conn = BatchConnection::acquire(db).await?;
    let stored = conn.store(batch).await;
    if stored.is_err() {
        conn.close().await;
    }
    stored
}
