//! The mirror: every mirrored event applies, once, in `occurred_at` order, whatever
//! order and however often it arrives; a failed write is retried whole.
use crate::common::webhooks::{
    T1, T2, customer, customer_data, envelope, event_count, example, fresh_id, subscription_data,
    subscriptions,
};
use crate::common::{backends, spawn_app_on};
use paddock::server::db::{Database, events};
use paddock::server::webhooks::apply::{CUSTOMER_EVENTS, SUBSCRIPTION_EVENTS};
use serde_json::{Value, json};

#[tokio::test]
async fn every_mirrored_event_type_from_the_spec_is_applied() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        for kind in CUSTOMER_EVENTS {
            let mut body = example(kind);
            let id = fresh_id("ctm");
            body["event_id"] = json!(fresh_id("evt"));
            body["data"]["id"] = json!(id);
            assert_eq!(app.post_event(&body).await, 200, "{backend:?} {kind}");
            let row = customer(&app.db, &id).await.expect(kind);
            let sent = body["data"]["email"].as_str().expect("email");
            assert_eq!(row.email, sent.trim().to_lowercase(), "{kind}");
            assert_eq!(row.status, body["data"]["status"], "{kind}");
        }
        for kind in SUBSCRIPTION_EVENTS {
            let mut body = example(kind);
            let (id, customer_id) = (fresh_id("sub"), fresh_id("ctm"));
            body["event_id"] = json!(fresh_id("evt"));
            body["data"]["id"] = json!(id);
            body["data"]["customer_id"] = json!(customer_id);
            assert_eq!(app.post_event(&body).await, 200, "{backend:?} {kind}");
            let rows = subscriptions(&app.db, &customer_id).await;
            assert_eq!(rows.len(), 1, "{kind}");
            assert_eq!(rows[0].id, id);
            assert_eq!(rows[0].status, body["data"]["status"], "{kind}");
            let items: Value = serde_json::from_str(&rows[0].items).expect("json");
            assert_eq!(
                items, body["data"]["items"],
                "{kind}: the whole items array"
            );
        }
        assert_eq!(
            event_count(&app.db).await,
            (CUSTOMER_EVENTS.len() + SUBSCRIPTION_EVENTS.len()) as i64
        );
    }
}

#[tokio::test]
async fn a_duplicate_event_is_200_and_changes_nothing() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let id = fresh_id("ctm");
        let event_id = fresh_id("evt");
        let first = envelope(
            "customer.created",
            &event_id,
            T1,
            customer_data(&id, "a@x.io"),
        );
        assert_eq!(app.post_event(&first).await, 200);
        // Same event id, different content (as a replay could be): ignored.
        let replay = envelope(
            "customer.updated",
            &event_id,
            T2,
            customer_data(&id, "b@x.io"),
        );
        assert_eq!(app.post_event(&replay).await, 200, "{backend:?}");
        assert_eq!(customer(&app.db, &id).await.expect("row").email, "a@x.io");
        assert_eq!(event_count(&app.db).await, 1);
        let kind = events::event_type_of(&app.db, &event_id).await.expect("q");
        assert_eq!(kind.as_deref(), Some("customer.created"));
    }
}

#[tokio::test]
async fn an_unknown_event_type_is_stored_and_answered_200() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let body = example("transaction.completed");
        assert_eq!(app.post_event(&body).await, 200, "{backend:?}");
        let event_id = body["event_id"].as_str().expect("id");
        let kind = events::event_type_of(&app.db, event_id).await.expect("q");
        assert_eq!(kind.as_deref(), Some("transaction.completed"));
    }
}

async fn execute(db: &Database, sql: &str) {
    match db {
        Database::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Database::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .expect("schema change");
}

#[tokio::test]
async fn a_failed_write_is_500_stores_nothing_and_the_retry_applies() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
        let body = envelope(
            "subscription.created",
            &fresh_id("evt"),
            T1,
            subscription_data(&sub, &ctm, "active"),
        );
        // The event row can be written, the mirror row cannot: the whole transaction fails.
        execute(
            &app.db,
            "ALTER TABLE subscriptions RENAME TO subscriptions_away",
        )
        .await;
        assert_eq!(app.post_event(&body).await, 500, "{backend:?}");
        execute(
            &app.db,
            "ALTER TABLE subscriptions_away RENAME TO subscriptions",
        )
        .await;
        assert_eq!(
            event_count(&app.db).await,
            0,
            "{backend:?}: nothing half-applied"
        );

        // Paddle retries the same event; now it applies.
        assert_eq!(app.post_event(&body).await, 200, "{backend:?}");
        assert_eq!(subscriptions(&app.db, &ctm).await.len(), 1);
        assert_eq!(event_count(&app.db).await, 1);
    }
}

/// A customer can type U+0000 into their name at checkout. A Postgres `text` column
/// refuses it, so the event could never be stored there and Paddle would retry it in
/// vain: both backends store U+FFFD in its place, and answer 200.
#[tokio::test]
async fn a_nul_in_a_customers_name_is_stored_as_a_replacement_character() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let ctm = fresh_id("ctm");
        let mut data = customer_data(&ctm, "nul@x.io");
        data["name"] = json!("Ann\u{0}Lee");
        let status = app
            .post_event(&envelope("customer.created", &fresh_id("evt"), T1, data))
            .await;
        assert_eq!(status, 200, "{backend:?}");
        let row = customer(&app.db, &ctm).await.expect("mirrored");
        assert_eq!(row.name.as_deref(), Some("Ann\u{FFFD}Lee"), "{backend:?}");
    }
}
