//! The mirror upserts' SQL, in parts (columns, conflict rule) so that `db::events` and
//! `db::event_batch` put the same upserts after an event's insert, and the lists that
//! bind a write's fields to them.
//!
//! Each upsert changes a row only for a newer event (`occurred_at`, then `event_id`); for
//! a subscription, a cancellation outranks every other state, and only a newer
//! cancellation changes a canceled row.

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
pub(in crate::server::db) use {
    bind_customer, bind_subscription, upsert_customer, upsert_subscription,
};

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
/// A subscription's row reflects the greatest of its events in one total order: canceled
/// after everything else (a canceled subscription stays canceled), then `occurred_at`,
/// then `event_id`. A total order, so that every arrival order ends in the same row: a
/// guard that only refused updates of a canceled row let a newer event that came first
/// keep its place against the cancellation that came later.
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
         WHERE (subscriptions.status = 'canceled', subscriptions.occurred_at_us, \
                subscriptions.event_id) \
             < (excluded.status = 'canceled', excluded.occurred_at_us, excluded.event_id)"
    };
}
pub(in crate::server::db) use {
    customer_conflict, customer_insert, subscription_conflict, subscription_insert,
};

pub(in crate::server::db) const UPSERT_CUSTOMER: &str = concat!(
    customer_insert!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7) ",
    customer_conflict!()
);

pub(in crate::server::db) const UPSERT_SUBSCRIPTION: &str = concat!(
    subscription_insert!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ",
    subscription_conflict!()
);
