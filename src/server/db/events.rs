//! The `webhook_events` table, and storing an event together with its mirror change.

use super::mirror::{MirrorWrite, upsert_customer, upsert_subscription};
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

const INSERT_EVENT: &str = "INSERT INTO webhook_events \
    (event_id, event_type, occurred_at, occurred_at_us, notification_id, received_at, payload) \
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING";

/// Stores `event` and applies `write` in one transaction; a duplicate `event_id` changes
/// nothing. The INSERT comes first so that SQLite takes its write lock at once (a
/// transaction that reads first can fail to upgrade under concurrency) and so that
/// racing deliveries of one event serialise on its primary key.
#[tracing::instrument(skip_all, fields(event_id = %event.event_id, event_type = %event.event_type))]
pub async fn store_and_apply(
    db: &Database,
    event: &EventWrite,
    write: &MirrorWrite,
) -> Result<Stored, sqlx::Error> {
    on_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let inserted = sqlx::query(INSERT_EVENT)
            .bind(&event.event_id)
            .bind(&event.event_type)
            .bind(&event.occurred_at)
            .bind(event.occurred_at_us)
            .bind(&event.notification_id)
            .bind(event.received_at)
            .bind(&event.payload)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(Stored::Duplicate);
        }
        match write {
            MirrorWrite::Customer(c) => {
                upsert_customer!(c).execute(&mut *tx).await?;
            }
            MirrorWrite::Subscription(s) => {
                upsert_subscription!(s).execute(&mut *tx).await?;
            }
            MirrorWrite::Nothing => {}
        }
        tx.commit().await?;
        Ok(Stored::New)
    })
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
