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
}

/// [`BatchConnection::store_events`] on a connection from `db`'s pool, closed after a failure.
pub async fn store_batch(
    db: &Database,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let mut conn = BatchConnection::acquire(db).await?;
    let stored = conn.store_events(batch).await;
    if stored.is_err() {
        conn.close().await;
    }
    stored
}
