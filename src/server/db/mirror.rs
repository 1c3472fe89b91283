//! The `customers` and `subscriptions` mirror of Paddle, written by webhooks (and by
//! `paddock reconcile` through the same upserts, see `db::snapshot`).
//!
//! Each row keeps the `occurred_at` (µs) and `event_id` of the event it reflects: an
//! upsert from an older event changes nothing, and a canceled subscription is never
//! overwritten. Two events with the same `occurred_at` are ordered by `event_id` (the
//! greater wins), so every delivery order ends in the same row.

use super::{Database, on_pool};
use crate::server::accounts::email;

/// A customer as a webhook reports it, ready to upsert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerWrite {
    pub id: String,
    /// Trimmed and lower-cased, like `users.email`.
    pub email: String,
    pub name: Option<String>,
    pub status: String,
    pub updated_at: i64,
    pub occurred_at_us: i64,
    /// The event this row comes from; `""` for `paddock reconcile`'s snapshots.
    pub event_id: String,
}

/// A subscription as a webhook reports it, ready to upsert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionWrite {
    pub id: String,
    pub customer_id: String,
    pub status: String,
    /// The whole `items` array as JSON text.
    pub items: String,
    pub next_billed_at: Option<i64>,
    pub current_period_starts_at: Option<i64>,
    pub current_period_ends_at: Option<i64>,
    /// `scheduled_change` as JSON text; `None` when there is none.
    pub scheduled_change: Option<String>,
    pub paused_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub collection_mode: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub occurred_at_us: i64,
    /// The event this row comes from; `""` for `paddock reconcile`'s snapshots.
    pub event_id: String,
}

/// What an event changes in the mirror.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MirrorWrite {
    Customer(CustomerWrite),
    Subscription(SubscriptionWrite),
    /// Stored only: not an event this product mirrors.
    Nothing,
}

impl MirrorWrite {
    /// The same change, marked as coming from the event `event_id` (the tie-break).
    pub fn with_event_id(mut self, event_id: &str) -> Self {
        match &mut self {
            Self::Customer(c) => c.event_id = event_id.to_owned(),
            Self::Subscription(s) => s.event_id = event_id.to_owned(),
            Self::Nothing => {}
        }
        self
    }
}

/// A row of `customers`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: String,
    pub email: String,
    pub name: Option<String>,
    pub status: String,
    pub updated_at: i64,
    pub occurred_at_us: i64,
}

/// A row of `subscriptions`.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SubscriptionRow {
    pub id: String,
    pub customer_id: String,
    pub status: String,
    pub items: String,
    pub next_billed_at: Option<i64>,
    pub current_period_starts_at: Option<i64>,
    pub current_period_ends_at: Option<i64>,
    pub scheduled_change: Option<String>,
    pub paused_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub collection_mode: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub occurred_at_us: i64,
}

/// Binds every field of a [`CustomerWrite`], in column order, to `$query` (a macro
/// because the query's type depends on the pool it runs on).
macro_rules! bind_customer {
    ($query:expr, $c:expr) => {
        $query
            .bind(&$c.id)
            .bind(&$c.email)
            .bind(&$c.name)
            .bind(&$c.status)
            .bind($c.updated_at)
            .bind($c.occurred_at_us)
            .bind(&$c.event_id)
    };
}

/// Binds every field of a [`SubscriptionWrite`], in column order, to `$query`.
macro_rules! bind_subscription {
    ($query:expr, $s:expr) => {
        $query
            .bind(&$s.id)
            .bind(&$s.customer_id)
            .bind(&$s.status)
            .bind(&$s.items)
            .bind($s.next_billed_at)
            .bind($s.current_period_starts_at)
            .bind($s.current_period_ends_at)
            .bind(&$s.scheduled_change)
            .bind($s.paused_at)
            .bind($s.canceled_at)
            .bind(&$s.collection_mode)
            .bind($s.created_at)
            .bind($s.updated_at)
            .bind($s.occurred_at_us)
            .bind(&$s.event_id)
    };
}

/// `UPSERT_CUSTOMER` with a [`CustomerWrite`] bound, ready to execute on either backend.
macro_rules! upsert_customer {
    ($c:expr) => {
        $crate::server::db::mirror::bind_customer!(
            sqlx::query($crate::server::db::mirror::UPSERT_CUSTOMER),
            $c
        )
    };
}

/// `UPSERT_SUBSCRIPTION` with a [`SubscriptionWrite`] bound.
macro_rules! upsert_subscription {
    ($s:expr) => {
        $crate::server::db::mirror::bind_subscription!(
            sqlx::query($crate::server::db::mirror::UPSERT_SUBSCRIPTION),
            $s
        )
    };
}
pub(super) use {bind_customer, bind_subscription, upsert_customer, upsert_subscription};

// The upserts in parts, so that `db::events` can put the same ones after the event's
// insert in one Postgres statement.
macro_rules! customer_insert {
    () => {
        "INSERT INTO customers (id, email, name, status, updated_at, occurred_at_us, event_id)"
    };
}
macro_rules! customer_conflict {
    () => {
        "ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, \
         status = excluded.status, updated_at = excluded.updated_at, \
         occurred_at_us = excluded.occurred_at_us, event_id = excluded.event_id \
         WHERE customers.occurred_at_us < excluded.occurred_at_us \
         OR (customers.occurred_at_us = excluded.occurred_at_us \
             AND customers.event_id < excluded.event_id)"
    };
}
macro_rules! subscription_insert {
    () => {
        "INSERT INTO subscriptions \
         (id, customer_id, status, items, next_billed_at, current_period_starts_at, \
          current_period_ends_at, scheduled_change, paused_at, canceled_at, collection_mode, \
          created_at, updated_at, occurred_at_us, event_id)"
    };
}
macro_rules! subscription_conflict {
    () => {
        "ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, \
         status = excluded.status, items = excluded.items, \
         next_billed_at = excluded.next_billed_at, \
         current_period_starts_at = excluded.current_period_starts_at, \
         current_period_ends_at = excluded.current_period_ends_at, \
         scheduled_change = excluded.scheduled_change, paused_at = excluded.paused_at, \
         canceled_at = excluded.canceled_at, collection_mode = excluded.collection_mode, \
         created_at = excluded.created_at, updated_at = excluded.updated_at, \
         occurred_at_us = excluded.occurred_at_us, event_id = excluded.event_id \
         WHERE (subscriptions.occurred_at_us < excluded.occurred_at_us \
                OR (subscriptions.occurred_at_us = excluded.occurred_at_us \
                    AND subscriptions.event_id < excluded.event_id)) \
         AND subscriptions.status <> 'canceled'"
    };
}
pub(super) use {customer_conflict, customer_insert, subscription_conflict, subscription_insert};

pub(super) const UPSERT_CUSTOMER: &str = concat!(
    customer_insert!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ",
    customer_conflict!()
);

pub(super) const UPSERT_SUBSCRIPTION: &str = concat!(
    subscription_insert!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ",
    subscription_conflict!()
);

/// The customer whose (normalised) email is `email`; the most recently updated if several.
pub async fn customer_by_email(
    db: &Database,
    email: &str,
) -> Result<Option<CustomerRow>, sqlx::Error> {
    let sql = "SELECT id, email, name, status, updated_at, occurred_at_us FROM customers \
               WHERE email = $1 ORDER BY updated_at DESC, id LIMIT 1";
    let email = email::normalize(email);
    on_pool!(db, |pool| {
        sqlx::query_as::<_, CustomerRow>(sql)
            .bind(&email)
            .fetch_optional(pool)
            .await
    })
}

/// For a portal mint, in one query: the customer whose email is `email` (as
/// [`customer_by_email`] picks it) and the ids of its subscriptions, most recently
/// created first.
pub async fn customer_and_subscription_ids(
    db: &Database,
    email: &str,
) -> Result<Option<(String, Vec<String>)>, sqlx::Error> {
    let sql = "SELECT c.id, s.id FROM customers c \
               LEFT JOIN subscriptions s ON s.customer_id = c.id \
               WHERE c.id = (SELECT id FROM customers WHERE email = $1 \
                             ORDER BY updated_at DESC, id LIMIT 1) \
               ORDER BY s.created_at DESC, s.id DESC";
    let email = email::normalize(email);
    let rows: Vec<(String, Option<String>)> = on_pool!(db, |pool| {
        sqlx::query_as(sql).bind(&email).fetch_all(pool).await
    })?;
    let Some((customer, _)) = rows.first() else {
        return Ok(None);
    };
    let customer = customer.clone();
    let ids = rows.into_iter().filter_map(|(_, sub)| sub).collect();
    Ok(Some((customer, ids)))
}

/// The customer with Paddle id `id`.
pub async fn customer_by_id(db: &Database, id: &str) -> Result<Option<CustomerRow>, sqlx::Error> {
    let sql = "SELECT id, email, name, status, updated_at, occurred_at_us FROM customers \
               WHERE id = $1";
    on_pool!(db, |pool| {
        sqlx::query_as::<_, CustomerRow>(sql)
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// Every subscription of `customer_id`, most recently created first.
pub async fn subscriptions_for(
    db: &Database,
    customer_id: &str,
) -> Result<Vec<SubscriptionRow>, sqlx::Error> {
    let sql = "SELECT id, customer_id, status, items, next_billed_at, current_period_starts_at, \
               current_period_ends_at, scheduled_change, paused_at, canceled_at, \
               collection_mode, created_at, updated_at, occurred_at_us FROM subscriptions \
               WHERE customer_id = $1 ORDER BY created_at DESC, id DESC";
    on_pool!(db, |pool| {
        sqlx::query_as::<_, SubscriptionRow>(sql)
            .bind(customer_id)
            .fetch_all(pool)
            .await
    })
}
