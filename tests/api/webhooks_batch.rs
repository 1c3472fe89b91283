//! SQLite's event writer stores a burst in batches: each event once, a copy inside the
//! batch or of an event stored before recognised as such, every mirror change applied;
//! and a batch that fails falls back to one by one, so one bad event holds back no other.

use paddock::server::db::event_batch::store_batch;
use paddock::server::db::events::Stored;
use paddock::server::webhooks::apply::{Received, decode};
use paddock::server::webhooks::writer::EventWriter;
use serde_json::Value;

use crate::common::webhooks::{
    T1, bytes, customer, customer_data, envelope, event_count, example, fresh_id,
    subscription_data, subscriptions,
};
use crate::common::{Backend, spawn_app_on};

fn received(body: &Value) -> Received {
    decode(&bytes(body), 1_700_000_000).expect("a readable event")
}

#[tokio::test]
async fn a_batch_stores_each_event_once_and_applies_each_new_one() {
    let app = spawn_app_on(Backend::Sqlite).await;
    let paddock::server::db::Database::Sqlite(pool) = &app.db else {
        unreachable!("SQLite")
    };
    let (ctm, sub) = (fresh_id("ctm"), fresh_id("sub"));
    let a = received(&envelope(
        "customer.created",
        &fresh_id("evt"),
        T1,
        customer_data(&ctm, "a@x.io"),
    ));
    let b = received(&envelope(
        "subscription.created",
        &fresh_id("evt"),
        T1,
        subscription_data(&sub, &ctm, "active"),
    ));
    let c = received(&example("transaction.completed"));
    let d = received(&envelope(
        "customer.created",
        &fresh_id("evt"),
        T1,
        customer_data(&fresh_id("ctm"), "d@x.io"),
    ));
    let first = store_batch(pool, &[(&d.event, &d.write)])
        .await
        .expect("stored");
    assert_eq!(first, [Stored::New]);

    let batch = [&a, &a, &b, &c, &d].map(|r| (&r.event, &r.write));
    let stored = store_batch(pool, &batch).await.expect("stored");
    assert_eq!(
        stored,
        [
            Stored::New,
            Stored::Duplicate,
            Stored::New,
            Stored::New,
            Stored::Duplicate
        ]
    );
    assert_eq!(event_count(&app.db).await, 4);
    assert_eq!(
        customer(&app.db, &ctm).await.expect("mirrored").email,
        "a@x.io"
    );
    assert_eq!(subscriptions(&app.db, &ctm).await.len(), 1);
}

#[tokio::test]
async fn a_failing_batch_is_stored_one_by_one_and_only_the_bad_event_fails() {
    let app = spawn_app_on(Backend::Sqlite).await;
    let writer = EventWriter::for_database(&app.db);
    let (ctm, sub) = (fresh_id("ctm"), fresh_id("sub"));
    let good = received(&envelope(
        "customer.created",
        &fresh_id("evt"),
        T1,
        customer_data(&ctm, "g@x.io"),
    ));
    let bad = received(&envelope(
        "subscription.created",
        &fresh_id("evt"),
        T1,
        subscription_data(&sub, &ctm, "active"),
    ));
    // The subscription's mirror row cannot be written: its batch fails as a whole.
    let db = &app.db;
    if let paddock::server::db::Database::Sqlite(pool) = db {
        sqlx::query("ALTER TABLE subscriptions RENAME TO subscriptions_away")
            .execute(pool)
            .await
            .expect("rename");
    }
    // Queued in the same poll, so the writer takes both into one batch.
    let (good, bad) = tokio::join!(writer.store(good), writer.store(bad));
    assert_eq!(good.expect("the good event is stored"), Stored::New);
    assert!(bad.is_err(), "the bad one fails: {bad:?}");
    assert_eq!(event_count(&app.db).await, 1, "the good event only");
    assert_eq!(
        customer(&app.db, &ctm).await.expect("mirrored").email,
        "g@x.io"
    );
}
