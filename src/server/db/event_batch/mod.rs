//! Many webhook events stored at once, as if one after another: what `webhooks::writer`
//! hands the database when deliveries arrive faster than one commit each. Each event is
//! the same two writes as alone (the event's insert, then its mirror upsert only if the
//! insert inserted); a batch costs one round trip and one commit where it can.

mod postgres;
mod sqlite;

pub use postgres::runs;

use super::Database;
use super::batcher::BatchConnection;
use super::events::{EventWrite, Stored};
use super::mirror::MirrorWrite;

impl BatchConnection {
    /// Stores every `(event, write)` in order. Returns, for each, whether it was new; a
    /// later copy of an event earlier in the batch is a duplicate. On SQLite the batch is
    /// atomic; on Postgres each run of it is (see `postgres`), and a failed batch may
    /// leave its first runs stored, which a retry finds as duplicates.
    ///
    /// After an error the connection must not be used again: [`close`](Self::close) it.
    pub async fn store_events(
        &mut self,
        batch: &[(&EventWrite, &MirrorWrite)],
    ) -> Result<Vec<Stored>, sqlx::Error> {
        match self {
            Self::Sqlite(conn) => sqlite::store_batch(conn, batch).await,
            Self::Postgres(conn) => postgres::store_batch(conn, batch).await,
        }
    }

    /// Sets a SQLite connection back to the pool's `synchronous = NORMAL` after it stored
    /// events; whether that worked (Postgres: nothing to do).
    async fn back_to_pool_durability(&mut self) -> bool {
        match self {
            Self::Sqlite(conn) => sqlite::back_to_pool_durability(conn).await,
            Self::Postgres(_) => true,
        }
    }
}

/// [`BatchConnection::store_events`] on a connection from `db`'s pool, closed after a
/// failure. On SQLite the store raised the connection to `synchronous = FULL`; it goes back
/// to the pool at the pool's `NORMAL`, or it is closed, so that requests given it later do
/// not wait for the disk on every commit.
pub async fn store_batch(
    db: &Database,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let mut conn = BatchConnection::acquire(db).await?;
    let stored = conn.store_events(batch).await;
    if stored.is_err() || !conn.back_to_pool_durability().await {
        conn.close().await;
    }
    stored
}
