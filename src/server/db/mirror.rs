//! The `customers` and `subscriptions` mirror of Paddle, written by webhooks (and by
//! `paddock reconcile` through the same upserts, see `db::snapshot`).
//!
//! Each row keeps the `occurred_at` (µs) and `event_id` of the event it reflects: an
//! upsert from an older event changes nothing, and a canceled subscription is never
//! overwritten. Two events with the same `occurred_at` are ordered by `event_id` (the
//! greater wins), so every delivery order ends in the same row.

pub mod lookups;
mod sql;

pub(super) use sql::{
    UPSERT_CUSTOMER, UPSERT_SUBSCRIPTION, bind_customer, bind_subscription, customer_conflict,
    customer_insert, subscription_conflict, subscription_insert, upsert_customer,
    upsert_subscription,
};

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
