//! The event writer stores a burst in batches, on SQLite and on Postgres: each event once,
//! a copy inside the batch or of an event stored before recognised as such, every mirror
//! change applied exactly as if the events had come one after another; and a batch that
//! fails falls back to one by one, so one bad event holds back no other.

use paddock::server::db::event_batch::{runs, store_batch};
use paddock::server::db::events::{Stored, store_and_apply};
use paddock::server::db::mirror::{CustomerRow, SubscriptionRow};
use paddock::server::webhooks::apply::Received;
use paddock::server::webhooks::writer::EventWriter;

use crate::common::triggers::refuse_inserts;
use crate::common::webhooks::{
    T1, customer, customer_data, envelope, event_count, example, fresh_id, received,
    subscription_data, subscriptions,
};
use crate::common::{backends, spawn_app_on};

#[tokio::test]
async fn a_batch_stores_each_event_once_and_applies_each_new_one() {
    for backend in backends() {
        a_batch_stores_each_event_once_on(backend).await;
    }
}

async fn a_batch_stores_each_event_once_on(backend: crate::common::Backend) {
    let app = spawn_app_on(backend).await;
    let pool = &app.db;
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
    for backend in backends() {
        a_failing_batch_is_stored_one_by_one_on(backend).await;
    }
}

async fn a_failing_batch_is_stored_one_by_one_on(backend: crate::common::Backend) {
    let app = spawn_app_on(backend).await;
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
    // This one subscription's mirror row cannot be written (a trigger refuses it), so
    // the batch that holds it fails as a whole.
    refuse_inserts(&app.db, "subscriptions", "id", &sub).await;
    // Queued in the same poll, so the writer takes both into one batch.
    let (good, bad) = tokio::join!(writer.submit(good), writer.submit(bad));
    assert_eq!(good.expect("the good event is stored"), Stored::New);
    assert!(bad.is_err(), "the bad one fails: {bad:?}");
    assert_eq!(event_count(&app.db).await, 1, "the good event only");
    assert_eq!(
        customer(&app.db, &ctm).await.expect("mirrored").email,
        "g@x.io"
    );
}

/// A deterministic stream of numbers (no test should depend on the clock's luck).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// 300 events over 4 customers and 4 subscriptions, in an order that mixes old and new
/// times, repeats deliveries and cancels some subscriptions: stored in batches of up to
/// 64, the mirror ends exactly as when the same events are stored one by one.
#[tokio::test]
async fn batches_leave_the_mirror_exactly_as_one_by_one_does() {
    for backend in backends() {
        let (customers, subscription_ids) = (
            (0..4).map(|_| fresh_id("ctm")).collect::<Vec<_>>(),
            (0..4).map(|_| fresh_id("sub")).collect::<Vec<_>>(),
        );
        let statuses = ["active", "past_due", "paused", "canceled", "trialing"];
        let mut rng = Lcg(7);
        let mut sent: Vec<Received> = Vec::new();
        for i in 0..300 {
            if i > 0 && rng.below(8) == 0 {
                let again = &sent[usize::try_from(rng.below(i)).expect("small")];
                sent.push(received(
                    &serde_json::from_str(&again.event.payload).expect("json"),
                ));
                continue;
            }
            let at = format!("2024-04-12T10:00:{:02}.{:06}Z", rng.below(60), rng.below(3));
            let k = usize::try_from(rng.below(4)).expect("small");
            let body = if rng.below(2) == 0 {
                let email = format!("v{i}@x.io");
                envelope(
                    "customer.updated",
                    &fresh_id("evt"),
                    &at,
                    customer_data(&customers[k], &email),
                )
            } else {
                let status = statuses[usize::try_from(rng.below(5)).expect("small")];
                let kind = format!(
                    "subscription.{}",
                    if status == "canceled" {
                        "canceled"
                    } else {
                        "updated"
                    }
                );
                envelope(
                    &kind,
                    &fresh_id("evt"),
                    &at,
                    subscription_data(&subscription_ids[k], &customers[k], status),
                )
            };
            sent.push(received(&body));
        }
        let batched = spawn_app_on(backend).await;
        let mut batched_stored = Vec::new();
        let mut rest = &sent[..];
        while !rest.is_empty() {
            let n = usize::try_from(rng.below(64) + 1)
                .expect("small")
                .min(rest.len());
            let batch: Vec<_> = rest[..n].iter().map(|r| (&r.event, &r.write)).collect();
            batched_stored.extend(store_batch(&batched.db, &batch).await.expect("stored"));
            rest = &rest[n..];
        }
        let single = spawn_app_on(backend).await;
        let mut single_stored = Vec::new();
        for r in &sent {
            single_stored.push(
                store_and_apply(&single.db, &r.event, &r.write)
                    .await
                    .expect("stored"),
            );
        }
        assert_eq!(
            batched_stored, single_stored,
            "{backend:?}: new and duplicate alike"
        );
        assert!(
            batched_stored.contains(&Stored::Duplicate),
            "the stream repeats deliveries"
        );
        assert_eq!(
            event_count(&batched.db).await,
            event_count(&single.db).await
        );
        let rows = |app: &crate::common::TestApp| {
            let db = app.db.clone();
            let (customers, subscriptions_of) = (customers.clone(), customers.clone());
            async move {
                let mut c: Vec<Option<CustomerRow>> = Vec::new();
                for id in &customers {
                    c.push(customer(&db, id).await);
                }
                let mut s: Vec<Vec<SubscriptionRow>> = Vec::new();
                for id in &subscriptions_of {
                    s.push(subscriptions(&db, id).await);
                }
                (c, s)
            }
        };
        let (batched_rows, single_rows) = (rows(&batched).await, rows(&single).await);
        assert!(
            batched_rows.0.iter().all(Option::is_some),
            "every customer mirrored"
        );
        assert_eq!(batched_rows, single_rows, "{backend:?}: the same mirror");
    }
}

/// A batch is cut where an event or a mirrored entity comes again, and nowhere else.
#[test]
fn runs_cut_only_where_an_event_or_an_entity_comes_again() {
    let (c1, c2, s1) = (fresh_id("ctm"), fresh_id("ctm"), fresh_id("sub"));
    let event = |kind: &str, data| received(&envelope(kind, &fresh_id("evt"), T1, data));
    let a = event("customer.updated", customer_data(&c1, "a@x.io"));
    let b = event("customer.updated", customer_data(&c2, "b@x.io"));
    let s = event(
        "subscription.updated",
        subscription_data(&s1, &c1, "active"),
    );
    let other = received(&example("transaction.completed"));
    let a2 = event("customer.updated", customer_data(&c1, "a2@x.io"));
    let lengths = |list: &[&Received]| {
        let batch: Vec<_> = list.iter().map(|r| (&r.event, &r.write)).collect();
        runs(&batch).iter().map(|run| run.len()).collect::<Vec<_>>()
    };
    assert_eq!(lengths(&[&a, &b, &s, &other]), [4], "all different");
    assert_eq!(lengths(&[&a, &b, &a2, &s]), [2, 2], "customer c1 again");
    assert_eq!(
        lengths(&[&a, &other, &other]),
        [2, 1],
        "the same event again"
    );
    assert_eq!(lengths(&[&a]), [1]);
    assert!(lengths(&[]).is_empty());
}

/// A batch that cannot finish (here it waits on another transaction's insert of the same
/// event) is given up at its deadline, and the writer goes on with the next events
/// instead of waiting behind it. Postgres: SQLite's own busy timeout ends such a wait.
#[tokio::test]
async fn a_stuck_batch_is_given_up_and_the_writer_goes_on() {
    if !backends().contains(&crate::common::Backend::Postgres) {
        return;
    }
    let app = spawn_app_on(crate::common::Backend::Postgres).await;
    let paddock::server::db::Database::Postgres(pool) = &app.db else {
        unreachable!("Postgres")
    };
    let writer = EventWriter::for_database(&app.db);
    let event = |email: &str| {
        let data = customer_data(&fresh_id("ctm"), email);
        received(&envelope("customer.created", &fresh_id("evt"), T1, data))
    };
    let (stuck, next) = (event("s@x.io"), event("n@x.io"));
    let mut blocker = pool.begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO webhook_events (event_id, event_type, occurred_at, occurred_at_us, \
         notification_id, received_at, payload) VALUES ($1, 'x', 'x', 0, 'ntf_x', 0, '{}')",
    )
    .bind(&stuck.event.event_id)
    .execute(&mut *blocker)
    .await
    .expect("an uncommitted copy of the event");

    let started = std::time::Instant::now();
    let first = writer.submit(stuck).await;
    assert!(first.is_err(), "given up: {first:?}");
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(3) && waited < std::time::Duration::from_secs(6),
        "given up at its deadline, not before and not much after: {waited:?}"
    );
    let second = tokio::time::timeout(std::time::Duration::from_secs(2), writer.submit(next))
        .await
        .expect("the next event is not stuck behind the first")
        .expect("stored");
    assert_eq!(second, Stored::New);
    blocker.rollback().await.expect("rollback");
}

/// Payloads and items keep every byte, whatever JSON escapes or however wide a character
/// is (SQLite's batch carries them apart from the rest, located by byte offsets).
#[tokio::test]
async fn long_texts_are_stored_byte_for_byte() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (ctm, sub) = (fresh_id("ctm"), fresh_id("sub"));
        let mut customer_body = customer_data(&ctm, "t@x.io");
        customer_body["name"] = serde_json::json!("Zoë \"Q\" \\ back\nslash ✓ 𝄞 end");
        let mut sub_body = subscription_data(&sub, &ctm, "active");
        sub_body["items"][0]["product"]["name"] = serde_json::json!("Prö \"duct\" 𝄞\t✓");
        let events = [
            received(&envelope(
                "customer.created",
                &fresh_id("evt"),
                T1,
                customer_body,
            )),
            received(&envelope(
                "subscription.created",
                &fresh_id("evt"),
                T1,
                sub_body,
            )),
            received(&example("transaction.completed")),
        ];
        let batch = events.each_ref().map(|r| (&r.event, &r.write));
        let stored = store_batch(&app.db, &batch).await.expect("stored");
        assert_eq!(stored, [Stored::New; 3], "{backend:?}");
        for r in &events {
            assert_eq!(
                stored_payload(&app.db, &r.event.event_id).await,
                r.event.payload,
                "{backend:?}"
            );
        }
        let paddock::server::db::mirror::MirrorWrite::Subscription(s) = &events[1].write else {
            panic!("a subscription event")
        };
        let rows = subscriptions(&app.db, &ctm).await;
        assert_eq!(rows.len(), 1, "{backend:?}");
        assert_eq!(rows[0].items, s.items, "{backend:?}");
        assert!(
            rows[0].items.contains("Prö \\\"duct\\\" 𝄞\\t✓"),
            "{}",
            rows[0].items
        );
    }
}

async fn stored_payload(db: &paddock::server::db::Database, event_id: &str) -> String {
    use paddock::server::db::Database;
    let sql = "SELECT payload FROM webhook_events WHERE event_id = $1";
    match db {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).bind(event_id).fetch_one(pool).await,
        Database::Postgres(pool) => sqlx::query_scalar(sql).bind(event_id).fetch_one(pool).await,
    }
    .expect("stored payload")
}

/// On SQLite, the connection that stores events commits them with `synchronous = FULL`
/// (the log on disk before the commit returns, so before the 2xx), whatever the pool's
/// connections use (`NORMAL`: it survives the process, not always a power loss).
#[tokio::test]
async fn sqlite_commits_events_to_disk_before_answering() {
    use paddock::server::db::batcher::BatchConnection;
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let mut conn = BatchConnection::acquire(&app.db)
        .await
        .expect("a connection");
    assert_eq!(synchronous(&mut conn).await, 1, "the pool's NORMAL");
    let data = customer_data(&fresh_id("ctm"), "durable@example.com");
    let event = received(&envelope("customer.created", &fresh_id("evt"), T1, data));
    let stored = conn
        .store_events(&[(&event.event, &event.write)])
        .await
        .expect("stored");
    assert_eq!(stored, [Stored::New]);
    assert_eq!(synchronous(&mut conn).await, 2, "FULL for events");
}

/// An event stored on a pooled connection (the fallback after a failed batch, and tools)
/// is committed with `FULL` too, but the connection goes back to the pool at the pool's
/// `NORMAL`: a request given it later must not wait for the disk on each of its commits.
#[tokio::test]
async fn sqlite_pooled_store_gives_its_connection_back_at_normal() {
    use paddock::server::db::Database;
    use paddock::server::db::batcher::BatchConnection;
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _) = crate::common::fresh_database(crate::common::Backend::Sqlite, dir.path()).await;
    let db = Database::connect(&crate::common::secret(&url))
        .await
        .expect("database");
    let data = customer_data(&fresh_id("ctm"), "pooled@example.com");
    let event = received(&envelope("customer.created", &fresh_id("evt"), T1, data));
    let stored = store_and_apply(&db, &event.event, &event.write)
        .await
        .expect("stored");
    assert_eq!(stored, Stored::New);
    // Every open connection at once, once all are back in the pool (a connection is given
    // back by a task of its own): the one that stored is among them.
    let Database::Sqlite(pool) = &db else {
        panic!("a SQLite database")
    };
    for _ in 0..200 {
        if pool.num_idle() == pool.size() as usize {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let open = pool.size();
    assert_eq!(pool.num_idle(), open as usize, "every connection is back");
    assert!(open >= 1, "the store opened a connection");
    let mut held = Vec::new();
    for _ in 0..open {
        held.push(BatchConnection::acquire(&db).await.expect("a connection"));
    }
    assert_eq!(pool.size(), open, "no connection was opened for the check");
    for conn in &mut held {
        assert_eq!(synchronous(conn).await, 1, "back at the pool's NORMAL");
    }
}

async fn synchronous(conn: &mut paddock::server::db::batcher::BatchConnection) -> i64 {
    use paddock::server::db::batcher::BatchConnection;
    let BatchConnection::Sqlite(c) = conn else {
        panic!("a SQLite connection")
    };
    sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut **c)
        .await
        .expect("pragma")
}
