//! SQLite: many webhook events in one transaction and one query, so that a burst costs
//! SQLite's single writer (and sqlx's hand-off to the connection's thread) once per batch
//! instead of once per event; a single event is a batch of one.
//!
//! The batch travels as three JSON arrays (customers, subscriptions, events) through one
//! fixed query, which SQLite parses and plans once per connection: what a batch costs
//! grows with its rows, not with SQL text to parse. The long texts (each event's payload,
//! each subscription's items) travel apart, end to end in one blob that the rows locate
//! by byte offset: inside the JSON they would be escaped here, then parsed and unescaped
//! again by SQLite, on the one writer every queued delivery waits behind (measured by
//! `bench/run.sh webhooks`). In order:
//! - the mirror upserts, each only for an event not stored before the batch, in the
//!   batch's order (SQLite applies an upsert's rows one after another, so an entity that
//!   comes twice ends as if its events had come one by one; a second copy of an event
//!   changes nothing, by the upserts' own rule);
//! - the events' insert, which returns the ids it inserted.

use std::collections::HashSet;

use sqlx::SqliteConnection;

use crate::server::db::events::{EventWrite, Stored, event_columns};
use crate::server::db::mirror::{
    CustomerWrite, MirrorWrite, SubscriptionWrite, customer_conflict, customer_insert,
    subscription_conflict, subscription_insert,
};

/// The listed elements of the row `j.v` (a JSON array), as a select list.
macro_rules! elements {
    ($first:literal $(, $n:literal)*) => {
        concat!("j.v ->> ", $first $(, ", j.v ->> ", $n)*)
    };
}

/// The text that the `$start`-th and `$len`-th elements of `j.v` locate in `$4`: the
/// batch's long texts (payloads, items) travel as one blob, not escaped inside the JSON.
macro_rules! text {
    ($start:literal, $len:literal) => {
        concat!(
            "CAST(substr($4, j.v ->> ",
            $start,
            ", j.v ->> ",
            $len,
            ") AS TEXT)"
        )
    };
}

/// The rows of the JSON array `$array` as `j(v, k)`: each row's text made once
/// (`MATERIALIZED`), not once for every element read from it, as `json_each`'s `value`
/// column is when a query reads it several times.
macro_rules! rows_of {
    ($array:literal) => {
        concat!(
            "WITH j(v, k) AS MATERIALIZED (SELECT value, key FROM json_each(",
            $array,
            ")) "
        )
    };
}

/// From `j`, only the rows of events not stored before (the `$event_id`-th element of a
/// row is its event's id); `WHERE` also keeps SQLite's upsert parsing unambiguous.
macro_rules! new_rows {
    ($event_id:literal) => {
        concat!(
            " FROM j WHERE NOT EXISTS (SELECT 1 FROM webhook_events e WHERE e.event_id = ",
            elements!($event_id),
            ") ORDER BY j.k "
        )
    };
}

const STORE: &str = concat!(
    "PRAGMA synchronous = FULL; BEGIN IMMEDIATE; ",
    rows_of!("$1"),
    customer_insert!(),
    " SELECT ",
    elements!(0, 1, 2, 3, 4, 5, 6),
    new_rows!(6),
    customer_conflict!(),
    "; ",
    rows_of!("$2"),
    subscription_insert!(),
    " SELECT ",
    elements!(0, 1, 2),
    ", ",
    text!(3, 15),
    ", ",
    elements!(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14),
    new_rows!(14),
    subscription_conflict!(),
    "; ",
    rows_of!("$3"),
    event_columns!(),
    " SELECT ",
    elements!(0, 1, 2, 3, 4, 5),
    ", ",
    text!(6, 7),
    " FROM j WHERE true ORDER BY j.k \
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id; \
     COMMIT;"
);

/// Stores every `(event, write)` in order, atomically: all or nothing. Returns, for each,
/// whether it was new; a later copy of an event earlier in the batch is a duplicate.
///
/// The transaction's `BEGIN IMMEDIATE` and `COMMIT` travel in the same query as the
/// writes: one hand-off to the connection's thread per batch instead of three. Before them,
/// `PRAGMA synchronous = FULL` on the connection that stores (the pool's connections use
/// `NORMAL`): the commit returns only once the log is on disk, as Postgres's does by
/// default. Each event is answered 2xx after its commit and Paddle never sends an answered
/// event again; under `NORMAL` the last commits before a power loss or an OS crash could
/// roll back after they were answered. After a
/// failure `conn` may still be inside the transaction: the caller closes it (SQLite rolls
/// back what a closed connection left open) and never uses it again.
pub async fn store_batch(
    conn: &mut SqliteConnection,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let mut customers = Vec::new();
    let mut subscriptions = Vec::new();
    let mut events = Vec::with_capacity(batch.len());
    let mut texts = Texts::default();
    for (event, write) in batch {
        events.push(event_row(event, &mut texts));
        match write {
            MirrorWrite::Customer(c) => customers.push(customer_row(c)),
            MirrorWrite::Subscription(s) => subscriptions.push(subscription_row(s, &mut texts)),
            MirrorWrite::Nothing => {}
        }
    }
    let new: Vec<String> = sqlx::query_scalar(STORE)
        .bind(json(&customers)?)
        .bind(json(&subscriptions)?)
        .bind(json(&events)?)
        .bind(texts.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut new: HashSet<String> = new.into_iter().collect();
    Ok(batch
        .iter()
        .map(|(event, _)| {
            // The first copy in the batch is the one that was inserted.
            if new.remove(&event.event_id) {
                Stored::New
            } else {
                Stored::Duplicate
            }
        })
        .collect())
}

/// `synchronous = NORMAL` again, as the pool opens its connections (`db::parse`): for a
/// pooled connection that stored events and goes back to the pool. A batcher's kept
/// connection stays at `FULL`: it only ever stores events. Whether it worked.
pub async fn back_to_pool_durability(conn: &mut SqliteConnection) -> bool {
    match sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(conn)
        .await
    {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, "a connection that stored events kept synchronous = FULL; closing it");
            false
        }
    }
}

fn json(rows: &impl serde::Serialize) -> Result<String, sqlx::Error> {
    serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(e.into()))
}

/// The batch's long texts, end to end; a text is located by its 1-based start and length
/// in bytes (SQLite's `substr` counts bytes in a blob, characters in a text).
#[derive(Default)]
struct Texts(Vec<u8>);

impl Texts {
    fn push(&mut self, text: &str) -> (usize, usize) {
        let start = self.0.len() + 1;
        self.0.extend_from_slice(text.as_bytes());
        (start, text.len())
    }
}

type EventRow<'a> = (&'a str, &'a str, &'a str, i64, &'a str, i64, usize, usize);

fn event_row<'a>(e: &'a EventWrite, texts: &mut Texts) -> EventRow<'a> {
    let (start, len) = texts.push(&e.payload);
    (
        &e.event_id,
        &e.event_type,
        &e.occurred_at,
        e.occurred_at_us,
        &e.notification_id,
        e.received_at,
        start,
        len,
    )
}

type CustomerRow<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    &'a str,
    i64,
    i64,
    &'a str,
);

fn customer_row(c: &CustomerWrite) -> CustomerRow<'_> {
    (
        &c.id,
        &c.email,
        c.name.as_deref(),
        &c.status,
        c.updated_at,
        c.occurred_at_us,
        &c.event_id,
    )
}

type SubscriptionRow<'a> = (
    &'a str,
    &'a str,
    &'a str,
    usize,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<&'a str>,
    Option<i64>,
    Option<i64>,
    &'a str,
    i64,
    i64,
    i64,
    &'a str,
    usize,
);

fn subscription_row<'a>(s: &'a SubscriptionWrite, texts: &mut Texts) -> SubscriptionRow<'a> {
    let (start, len) = texts.push(&s.items);
    (
        &s.id,
        &s.customer_id,
        &s.status,
        start,
        s.next_billed_at,
        s.current_period_starts_at,
        s.current_period_ends_at,
        s.scheduled_change.as_deref(),
        s.paused_at,
        s.canceled_at,
        &s.collection_mode,
        s.created_at,
        s.updated_at,
        s.occurred_at_us,
        &s.event_id,
        len,
    )
}
