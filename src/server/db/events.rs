//! The `webhook_events` table, and storing an event together with its mirror change.

use super::mirror::MirrorWrite;
use super::{Database, on_pool};

/// A verified webhook event, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventWrite {
    pub event_id: String,
    pub event_type: String,
    /// RFC 3339, as sent.
    pub occurred_at: String,
    pub occurred_at_us: i64,
    pub notification_id: String,
    pub received_at: i64,
    /// The raw body.
    pub payload: String,
}

/// Whether the event was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    /// Stored and applied now.
    New,
    /// Seen before (a redelivery): nothing changed.
    Duplicate,
}

macro_rules! event_columns {
    () => {
        "INSERT INTO webhook_events \
         (event_id, event_type, occurred_at, occurred_at_us, notification_id, received_at, payload)"
    };
}
pub(super) use event_columns;

/// Stores `event` and applies `write` atomically; a duplicate `event_id` changes nothing.
/// A batch of one: the webhook route goes through `webhooks::writer`, which batches;
/// this is its one-by-one fallback, and the way tests and tools store a single event.
#[tracing::instrument(skip_all, fields(event_id = %event.event_id, event_type = %event.event_type))]
pub async fn store_and_apply(
    db: &Database,
    event: &EventWrite,
    write: &MirrorWrite,
) -> Result<Stored, sqlx::Error> {
    let stored = super::event_batch::store_batch(db, &[(event, write)]).await?;
    Ok(stored.first().copied().unwrap_or(Stored::Duplicate))
}

/// How many events are stored in all; for tests and diagnostics.
pub async fn count(db: &Database) -> Result<i64, sqlx::Error> {
    let sql = "SELECT COUNT(*) FROM webhook_events";
    on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await)
}

/// The stored event type of `event_id`, if it was stored.
pub async fn event_type_of(db: &Database, event_id: &str) -> Result<Option<String>, sqlx::Error> {
    let sql = "SELECT event_type FROM webhook_events WHERE event_id = $1";
    on_pool!(db, |pool| {
        sqlx::query_scalar::<_, String>(sql)
            .bind(event_id)
            .fetch_optional(pool)
            .await
    })
}
