//! Postgres: a batch of webhook events in one statement, one round trip and one commit,
//! instead of one of each per event. The events' columns travel as arrays (`UNNEST`);
//! the statement inserts the events, then upserts the mirror rows of the events it
//! inserted (a duplicate changes nothing), with the same conflict rules as one event.
//!
//! One statement cannot change a row twice, and the rules are those of events applied
//! one after another; so a batch in which an event or a mirrored entity comes again is
//! cut there into runs, each its own statement, in order ([`runs`]).
//!
//! Locks are taken in one order by every instance: all the events, by id, first (the
//! statement's result reads them before the upserts run), then the mirror rows, by id
//! within each table, the tables in an order fixed by the statement's text. Two instances
//! storing overlapping batches (the same deliveries, retried to both) wait for each other
//! but cannot deadlock.

use std::collections::HashSet;
use std::sync::LazyLock;

use sqlx::PgConnection;

use crate::server::db::events::{EventWrite, Stored, event_columns};
use crate::server::db::mirror::{
    CustomerWrite, MirrorWrite, SubscriptionWrite, customer_conflict, customer_insert,
    subscription_conflict, subscription_insert,
};

/// The statement for a run with (or without) customers and subscriptions to mirror: the
/// events' insert, then only the upserts the run needs, so that a run touches only the
/// tables it writes. Parameters are numbered in that order.
fn statement(customers: bool, subscriptions: bool) -> &'static str {
    static ALL: LazyLock<[String; 4]> = LazyLock::new(|| {
        [(false, false), (true, false), (false, true), (true, true)].map(|(c, s)| build(c, s))
    });
    &ALL[usize::from(customers) + 2 * usize::from(subscriptions)]
}

fn build(customers: bool, subscriptions: bool) -> String {
    let mut sql = format!(
        "WITH ev AS ({} SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], \
         $5::text[], $6::int8[], $7::text[]) AS e(event_id, event_type, occurred_at, \
         occurred_at_us, notification_id, received_at, payload) ORDER BY event_id \
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id), \
         new AS (SELECT array_agg(event_id) AS ids FROM ev)",
        event_columns!()
    );
    let mut next = 8;
    let mut arrays = |types: &[&str]| {
        let list: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(i, t)| format!("${}::{t}[]", next + i))
            .collect();
        next += types.len();
        list.join(", ")
    };
    let only_new = "WHERE w.event_id = ANY ((SELECT ids FROM new)::text[]) ORDER BY w.id";
    if customers {
        let arrays = arrays(&["text", "text", "text", "text", "int8", "int8", "text"]);
        sql.push_str(&format!(
            ", mc AS ({} SELECT * FROM UNNEST({arrays}) AS w(id, email, name, status, \
             updated_at, occurred_at_us, event_id) {only_new} {})",
            customer_insert!(),
            customer_conflict!()
        ));
    }
    if subscriptions {
        let arrays = arrays(&[
            "text", "text", "text", "text", "int8", "int8", "int8", "text", "int8", "int8", "text",
            "int8", "int8", "int8", "text",
        ]);
        sql.push_str(&format!(
            ", ms AS ({} SELECT * FROM UNNEST({arrays}) AS w(id, customer_id, status, items, \
             next_billed_at, current_period_starts_at, current_period_ends_at, \
             scheduled_change, paused_at, canceled_at, collection_mode, created_at, \
             updated_at, occurred_at_us, event_id) {only_new} {})",
            subscription_insert!(),
            subscription_conflict!()
        ));
    }
    sql.push_str(" SELECT event_id FROM ev");
    sql
}

/// Stores every `(event, write)` as if one after another; each run is atomic, and a
/// failure leaves the runs before it stored (they are duplicates if stored again).
/// Returns, for each, whether it was new.
pub async fn store_batch(
    conn: &mut PgConnection,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let mut stored = Vec::with_capacity(batch.len());
    for run in runs(batch) {
        let new = store_run(conn, run).await?;
        stored.extend(run.iter().map(|(event, _)| {
            if new.contains(event.event_id.as_str()) {
                Stored::New
            } else {
                Stored::Duplicate
            }
        }));
    }
    Ok(stored)
}

/// The batch cut into runs in which no event id and no mirrored entity comes twice.
pub fn runs<'b, 'w>(
    batch: &'b [(&'w EventWrite, &'w MirrorWrite)],
) -> Vec<&'b [(&'w EventWrite, &'w MirrorWrite)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut events: HashSet<&str> = HashSet::new();
    let mut entities: HashSet<(bool, &str)> = HashSet::new();
    for (i, (event, write)) in batch.iter().enumerate() {
        let entity = match write {
            MirrorWrite::Customer(c) => Some((true, c.id.as_str())),
            MirrorWrite::Subscription(s) => Some((false, s.id.as_str())),
            MirrorWrite::Nothing => None,
        };
        let again = events.contains(event.event_id.as_str())
            || entity.is_some_and(|e| entities.contains(&e));
        if again {
            runs.push(&batch[start..i]);
            start = i;
            events.clear();
            entities.clear();
        }
        events.insert(event.event_id.as_str());
        entities.extend(entity);
    }
    if start < batch.len() {
        runs.push(&batch[start..]);
    }
    runs
}

/// One run in one statement; the ids of the events it inserted.
async fn store_run(
    conn: &mut PgConnection,
    run: &[(&EventWrite, &MirrorWrite)],
) -> Result<HashSet<String>, sqlx::Error> {
    let mut e = Events::default();
    let mut c = Customers::default();
    let mut s = Subscriptions::default();
    for (event, write) in run {
        e.push(event);
        match write {
            MirrorWrite::Customer(w) => c.push(w),
            MirrorWrite::Subscription(w) => s.push(w),
            MirrorWrite::Nothing => {}
        }
    }
    let sql = statement(!c.id.is_empty(), !s.id.is_empty());
    let mut query = sqlx::query_scalar::<_, String>(sql)
        .bind(e.event_id)
        .bind(e.event_type)
        .bind(e.occurred_at)
        .bind(e.occurred_at_us)
        .bind(e.notification_id)
        .bind(e.received_at)
        .bind(e.payload);
    if !c.id.is_empty() {
        query = query
            .bind(c.id)
            .bind(c.email)
            .bind(c.name)
            .bind(c.status)
            .bind(c.updated_at)
            .bind(c.occurred_at_us)
            .bind(c.event_id);
    }
    if !s.id.is_empty() {
        query = query
            .bind(s.id)
            .bind(s.customer_id)
            .bind(s.status)
            .bind(s.items)
            .bind(s.next_billed_at)
            .bind(s.current_period_starts_at)
            .bind(s.current_period_ends_at)
            .bind(s.scheduled_change)
            .bind(s.paused_at)
            .bind(s.canceled_at)
            .bind(s.collection_mode)
            .bind(s.created_at)
            .bind(s.updated_at)
            .bind(s.occurred_at_us)
            .bind(s.event_id);
    }
    Ok(query.fetch_all(conn).await?.into_iter().collect())
}

/// The events' columns, one array each.
#[derive(Default)]
struct Events<'a> {
    event_id: Vec<&'a str>,
    event_type: Vec<&'a str>,
    occurred_at: Vec<&'a str>,
    occurred_at_us: Vec<i64>,
    notification_id: Vec<&'a str>,
    received_at: Vec<i64>,
    payload: Vec<&'a str>,
}

impl<'a> Events<'a> {
    fn push(&mut self, e: &'a EventWrite) {
        self.event_id.push(&e.event_id);
        self.event_type.push(&e.event_type);
        self.occurred_at.push(&e.occurred_at);
        self.occurred_at_us.push(e.occurred_at_us);
        self.notification_id.push(&e.notification_id);
        self.received_at.push(e.received_at);
        self.payload.push(&e.payload);
    }
}

#[derive(Default)]
struct Customers<'a> {
    id: Vec<&'a str>,
    email: Vec<&'a str>,
    name: Vec<Option<&'a str>>,
    status: Vec<&'a str>,
    updated_at: Vec<i64>,
    occurred_at_us: Vec<i64>,
    event_id: Vec<&'a str>,
}

impl<'a> Customers<'a> {
    fn push(&mut self, c: &'a CustomerWrite) {
        self.id.push(&c.id);
        self.email.push(&c.email);
        self.name.push(c.name.as_deref());
        self.status.push(&c.status);
        self.updated_at.push(c.updated_at);
        self.occurred_at_us.push(c.occurred_at_us);
        self.event_id.push(&c.event_id);
    }
}

#[derive(Default)]
struct Subscriptions<'a> {
    id: Vec<&'a str>,
    customer_id: Vec<&'a str>,
    status: Vec<&'a str>,
    items: Vec<&'a str>,
    next_billed_at: Vec<Option<i64>>,
    current_period_starts_at: Vec<Option<i64>>,
    current_period_ends_at: Vec<Option<i64>>,
    scheduled_change: Vec<Option<&'a str>>,
    paused_at: Vec<Option<i64>>,
    canceled_at: Vec<Option<i64>>,
    collection_mode: Vec<&'a str>,
    created_at: Vec<i64>,
    updated_at: Vec<i64>,
    occurred_at_us: Vec<i64>,
    event_id: Vec<&'a str>,
}

impl<'a> Subscriptions<'a> {
    fn push(&mut self, s: &'a SubscriptionWrite) {
        self.id.push(&s.id);
        self.customer_id.push(&s.customer_id);
        self.status.push(&s.status);
        self.items.push(&s.items);
        self.next_billed_at.push(s.next_billed_at);
        self.current_period_starts_at
            .push(s.current_period_starts_at);
        self.current_period_ends_at.push(s.current_period_ends_at);
        self.scheduled_change.push(s.scheduled_change.as_deref());
        self.paused_at.push(s.paused_at);
        self.canceled_at.push(s.canceled_at);
        self.collection_mode.push(&s.collection_mode);
        self.created_at.push(s.created_at);
        self.updated_at.push(s.updated_at);
        self.occurred_at_us.push(s.occurred_at_us);
        self.event_id.push(&s.event_id);
    }
}
