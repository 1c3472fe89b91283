//! The `customers` and `subscriptions` mirror of Paddle, written by webhooks (and by
//! `paddock reconcile` through the same upserts, see `db::snapshot`).
//!
//! Each row keeps the `occurred_at` (µs) and `event_id` of the event it reflects: an
//! upsert from an older event changes nothing, and a canceled subscription changes only
//! for a newer cancellation (a cancellation outranks every other state, whenever it
//! occurred). Two events with the same `occurred_at` are ordered by `event_id` (the
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

/// Where a user's email leads in the mirror. Archived customers lead nowhere (archiving
/// one is how a look-alike is set aside in Paddle, which does not delete customers).
///
/// Paddle matches a checkout to an existing customer by email, so two customers with one
/// (normalised) email are spellings that normalise alike (`Kate@` and `kate@`, or Unicode
/// that lower-cases alike) or stale rows. Which of them is the user's cannot be told, and
/// picking one (say the newest) would hand the address's owner whichever customer
/// someone last made with a look-alike spelling: so none is used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bridge<T> {
    /// No customer uses the email.
    Nobody,
    /// Exactly one customer does.
    One(T),
    /// Several customers do.
    Several,
}

impl<T> Bridge<T> {
    /// The one customer, if there is exactly one.
    pub fn one(self) -> Option<T> {
        match self {
            Self::One(found) => Some(found),
            Self::Nobody | Self::Several => None,
        }
    }
}

/// The customer whose (normalised) email is `email`, if exactly one has it.
pub async fn customer_by_email(
    db: &Database,
    email: &str,
) -> Result<Bridge<CustomerRow>, sqlx::Error> {
    let sql = "SELECT id, email, name, status, updated_at, occurred_at_us FROM customers \
               WHERE email = $1 AND status <> 'archived' ORDER BY id LIMIT 2";
    let email = email::normalize(email);
    let mut rows = on_pool!(db, |pool| {
        sqlx::query_as::<_, CustomerRow>(sql)
            .bind(&email)
            .fetch_all(pool)
            .await
    })?;
    Ok(match rows.len() {
        0 => Bridge::Nobody,
        1 => Bridge::One(rows.remove(0)),
        _ => Bridge::Several,
    })
}

/// A customer's id and its subscriptions' ids.
pub type Owned = (String, Vec<String>);

/// For a portal mint, in one query: the customer whose email is `email` (if exactly one
/// has it, as [`customer_by_email`]) and the ids of its subscriptions, most recently
/// created first.
pub async fn customer_and_subscription_ids(
    db: &Database,
    email: &str,
) -> Result<Bridge<Owned>, sqlx::Error> {
    let sql = "SELECT c.id, s.id FROM customers c \
               LEFT JOIN subscriptions s ON s.customer_id = c.id \
               WHERE c.email = $1 AND c.status <> 'archived' \
               ORDER BY c.id, s.created_at DESC, s.id DESC";
    let email = email::normalize(email);
    let rows: Vec<(String, Option<String>)> = on_pool!(db, |pool| {
        sqlx::query_as(sql).bind(&email).fetch_all(pool).await
    })?;
    Ok(bridge(rows))
}

/// Rows of (customer, subscription) for one email, grouped by customer.
pub(crate) fn bridge(rows: impl IntoIterator<Item = (String, Option<String>)>) -> Bridge<Owned> {
    let mut found: Option<Owned> = None;
    for (customer, subscription) in rows {
        match &mut found {
            None => found = Some((customer, subscription.into_iter().collect())),
            Some((one, _)) if *one != customer => return Bridge::Several,
            Some((_, subscriptions)) => subscriptions.extend(subscription),
        }
    }
    found.map_or(Bridge::Nobody, Bridge::One)
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
