//! The portal's batched mirror lookup, on SQLite and on Postgres: every email in a batch
//! (any case, asked twice, unknown, shared by two customers) gets exactly what the lookup
//! alone gives it, whether the batch is run directly or formed by concurrent requests.

use paddock::server::db::Database;
use paddock::server::db::batcher::{BatchConnection, Batched};
use paddock::server::db::events::store_and_apply;
use paddock::server::db::mirror::customer_and_subscription_ids;
use paddock::server::db::mirror::lookups::{CustomerLookup, CustomerLookups};
use paddock::server::db::mirror::{Bridge, Owned};
use paddock::server::webhooks::apply::decode;
use serde_json::{Value, json};

use crate::common::webhooks::{T1, bytes, customer_data, envelope, fresh_id, subscription_data};
use crate::common::{backends, spawn_app_on};

async fn apply(db: &Database, event_type: &str, data: Value) {
    let body = envelope(event_type, &fresh_id("evt"), T1, data);
    let received = decode(&bytes(&body), 1_700_000_000).expect("a readable event");
    store_and_apply(db, &received.event, &received.write)
        .await
        .expect("stored");
}

async fn customer(db: &Database, email: &str, updated_at: &str) -> String {
    let id = fresh_id("ctm");
    let mut data = customer_data(&id, email);
    data["updated_at"] = json!(updated_at);
    apply(db, "customer.created", data).await;
    id
}

async fn subscription(db: &Database, customer: &str, created_at: &str) -> String {
    let id = fresh_id("sub");
    let mut data = subscription_data(&id, customer, "active");
    data["created_at"] = json!(created_at);
    apply(db, "subscription.created", data).await;
    id
}

#[tokio::test]
async fn a_batch_answers_each_email_as_the_lookup_alone_does() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let db = &app.db;
        let tag = fresh_id("m").to_lowercase();
        let email = |who: &str| format!("{who}.{tag}@x.io");
        let a = customer(db, &email("a"), "2024-04-01T00:00:00Z").await;
        let b = customer(db, &email("b"), "2024-04-01T00:00:00Z").await;
        let b_old = subscription(db, &b, "2024-01-01T00:00:00Z").await;
        let b_new = subscription(db, &b, "2024-03-01T00:00:00Z").await;
        let b_mid = subscription(db, &b, "2024-02-01T00:00:00Z").await;
        let c_stale = customer(db, &email("c"), "2024-04-01T00:00:00Z").await;
        subscription(db, &c_stale, "2024-01-01T00:00:00Z").await;
        let c = customer(db, &email("c"), "2024-04-02T00:00:00Z").await;
        subscription(db, &c, "2024-01-01T00:00:00Z").await;

        let emails: Vec<String> = [
            email("a"),
            email("B").to_uppercase(),
            email("c"),
            email("missing"),
            email("b"),
            email("c"),
            email("a"),
        ]
        .into();
        let mut alone = Vec::new();
        for e in &emails {
            alone.push(customer_and_subscription_ids(db, e).await.expect("alone"));
        }
        let b_owned: Owned = (b.clone(), vec![b_new, b_mid, b_old]);
        assert_eq!(alone[0], Bridge::One((a, vec![])), "{backend:?}");
        assert_eq!(alone[1], Bridge::One(b_owned.clone()), "{backend:?}");
        assert_eq!(
            alone[2],
            Bridge::Several,
            "{backend:?}: two customers share the email, so neither is used"
        );
        assert_eq!(alone[3], Bridge::Nobody, "{backend:?}");

        let mut conn = BatchConnection::acquire(db).await.expect("connection");
        let batched = CustomerLookups::batch(&mut conn, &emails)
            .await
            .expect("batch");
        assert_eq!(batched, alone, "{backend:?}: one statement for all");

        let lookup = CustomerLookup::for_database(db);
        let mut asked = tokio::task::JoinSet::new();
        for (i, e) in emails.iter().cycle().take(70).enumerate() {
            let (lookup, e) = (lookup.clone(), e.clone());
            asked.spawn(async move { (i, lookup.submit(e).await) });
        }
        while let Some(done) = asked.join_next().await {
            let (i, answer) = done.expect("task");
            let answer = answer.expect("looked up");
            assert_eq!(answer, alone[i % emails.len()], "{backend:?}: request {i}");
        }
    }
}
