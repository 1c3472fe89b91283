//! The `webhook_events` table, and storing an event together with its mirror change.

use super::mirror::{
    MirrorWrite, bind_customer, bind_subscription, customer_conflict, customer_insert,
    subscription_conflict, subscription_insert,
};
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
macro_rules! insert_event {
    () => {
        concat!(
            event_columns!(),
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING"
        )
    };
}
pub(super) use event_columns;

// Postgres: the event's insert and its mirror upsert as one statement (one round trip,
// atomic like any statement). The upsert runs only if the insert returned a row, i.e.
// the event is new; a concurrent delivery of the same event waits on its primary key
// and then inserts nothing.
const STORE_CUSTOMER_PG: &str = concat!(
    "WITH ev AS (",
    insert_event!(),
    " RETURNING 1), m AS (",
    customer_insert!(),
    " SELECT $8, $9, $10, $11, $12, $13, $14 WHERE EXISTS (SELECT 1 FROM ev) ",
    customer_conflict!(),
    ") SELECT EXISTS (SELECT 1 FROM ev)"
);
const STORE_SUBSCRIPTION_PG: &str = concat!(
    "WITH ev AS (",
    insert_event!(),
    " RETURNING 1), m AS (",
    subscription_insert!(),
    " SELECT $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22 \
     WHERE EXISTS (SELECT 1 FROM ev) ",
    subscription_conflict!(),
    ") SELECT EXISTS (SELECT 1 FROM ev)"
);
const STORE_ONLY_PG: &str = concat!(
    "WITH ev AS (",
    insert_event!(),
    " RETURNING 1) SELECT EXISTS (SELECT 1 FROM ev)"
);

/// Binds the event's seven fields, then the mirror write's, to `$query` (in that order, so
/// that they are $1–$7 and $8… of a single store, or the next numbers of a batch).
macro_rules! bind_all {
    ($query:expr, $event:expr, $write:expr) => {{
        let q = $query
            .bind(&$event.event_id)
            .bind(&$event.event_type)
            .bind(&$event.occurred_at)
            .bind($event.occurred_at_us)
            .bind(&$event.notification_id)
            .bind($event.received_at)
            .bind(&$event.payload);
        match $write {
            MirrorWrite::Customer(c) => bind_customer!(q, c),
            MirrorWrite::Subscription(s) => bind_subscription!(q, s),
            MirrorWrite::Nothing => q,
        }
    }};
}

/// Stores `event` and applies `write` atomically; a duplicate `event_id` changes nothing.
/// On SQLite, a batch of one (the webhook route goes through `webhooks::writer`, which
/// batches; this is its one-by-one fallback); on Postgres, one statement.
#[tracing::instrument(skip_all, fields(event_id = %event.event_id, event_type = %event.event_type))]
pub async fn store_and_apply(
    db: &Database,
    event: &EventWrite,
    write: &MirrorWrite,
) -> Result<Stored, sqlx::Error> {
    match db {
        Database::Sqlite(pool) => {
            let stored = super::event_batch::store_batch(pool, &[(event, write)]).await?;
            Ok(stored.first().copied().unwrap_or(Stored::Duplicate))
        }
        Database::Postgres(pool) => {
            let sql = match write {
                MirrorWrite::Customer(_) => STORE_CUSTOMER_PG,
                MirrorWrite::Subscription(_) => STORE_SUBSCRIPTION_PG,
                MirrorWrite::Nothing => STORE_ONLY_PG,
            };
            let new = bind_all!(sqlx::query_scalar::<_, bool>(sql), event, write)
                .fetch_one(pool)
                .await?;
            Ok(if new { Stored::New } else { Stored::Duplicate })
        }
    }
}

pub(super) use bind_all;

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
