//! `paddock doctor` on webhook deliveries refused at signature verification, or signed
//! but unreadable: counted in memory, written at most once per reason and flush (and at
//! shutdown), named with the fix until a verified delivery arrives.
use std::time::Duration;

use crate::common::doctor::run_paddock;
use crate::common::standalone::{Standalone, pairs, spawn_process};
use crate::common::webhooks::{
    bytes, customer_data, envelope, event_count, fresh_id, subscription_data,
};
use crate::common::{Backend, backends, fresh_database, secret, spawn_app, spawn_app_on};
use paddock::server::db::refusals;

const AT: &str = "2024-04-12T10:00:00.000001Z";

/// Not the secret of any app here.
fn wrong_secret() -> secrecy::SecretString {
    secret("pdl_ntfset_01forgedforgedforgedforged00_NotTheDestinationSecret")
}

/// A customer event (of a customer Paddle does not have: never let it reach the mirror).
fn customer_event() -> serde_json::Value {
    let id = fresh_id("ctm");
    let data = customer_data(&id, &format!("{id}@example.com"));
    envelope("customer.updated", &fresh_id("evt"), AT, data)
}

/// An event the app stores but does not mirror.
fn transaction_event() -> serde_json::Value {
    envelope(
        "transaction.updated",
        &fresh_id("evt"),
        AT,
        serde_json::json!({}),
    )
}

/// A delivery as Paddle's webhook simulator sends one (the spec's example): an
/// `ntfsimevt_` event id and no notification id, with sample data.
fn simulation(customer_id: &str) -> serde_json::Value {
    serde_json::json!({
        "event_id": fresh_id("ntfsimevt"),
        "event_type": "customer.updated",
        "occurred_at": AT,
        "data": customer_data(customer_id, "simulated@example.com"),
    })
}

#[tokio::test]
async fn a_paddle_simulation_is_answered_and_counted_but_neither_stored_nor_mirrored() {
    let app = spawn_app().await;
    let ctm = fresh_id("ctm");
    let body = simulation(&ctm);
    // Forged, it is refused like any delivery.
    let wrong = wrong_secret();
    assert_eq!(app.post_webhook(&bytes(&body), &wrong).await.status(), 401);
    app.wait_for_refusals("wrong_secret", 1).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;

    assert_eq!(
        app.post_event(&body).await,
        200,
        "the simulator sees a success"
    );
    assert_eq!(event_count(&app.db).await, 0, "sample data is not stored");
    assert!(
        paddock::server::db::mirror::customer_by_id(&app.db, &ctm)
            .await
            .expect("query")
            .is_none(),
        "nor mirrored"
    );
    app.wait_for_refusals("simulation", 1).await;

    let run = app.doctor(&[]).await;
    run.assert_healthy();
    run.says(
        "webhooks received",
        "WARN",
        &[
            "no event stored yet",
            "1 Paddle webhook simulation verified in the last 24 h",
            "the destination and the secret work",
        ],
    );
    // The simulation came after the forged delivery: the secret works now.
    run.says(
        "webhook refusals",
        "WARN",
        &["1 delivery refused", "1 wrong secret", "get through now"],
    );
}

#[tokio::test]
async fn a_forged_delivery_fails_naming_the_wrong_secret_until_a_verified_one_arrives() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        app.mirrored_checkout().await;
        let forged = bytes(&customer_event());
        let wrong = wrong_secret();
        assert_eq!(app.post_webhook(&forged, &wrong).await.status(), 401);
        let stale = paddle::webhook::sign(&app.webhook_secret, 1_700_000_000, &forged);
        assert_eq!(app.post_webhook_signed(&forged, &stale).await.status(), 401);
        app.wait_for_refusals("wrong_secret", 1).await;
        app.wait_for_refusals("stale", 1).await;

        let run = app.doctor(&[]).await;

        run.assert_failed();
        run.says(
            "webhook refusals",
            "FAIL",
            &[
                "2 deliveries refused in the last 24 h",
                "1 wrong secret",
                "1 stale timestamp",
                "none verified since",
                "fix: ",
                "PADDLE_WEBHOOK_SECRETS does not match your notification destination's secret",
                "NTP",
            ],
        );
        assert_eq!(
            run.stdout.matches("FAIL").count(),
            1,
            "{backend:?}: {}",
            run.stdout
        );

        // A verified delivery after them: the secret works now, a warning remains.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(app.post_event(&transaction_event()).await, 200);
        let run = app.doctor(&[]).await;
        run.assert_healthy();
        run.says(
            "webhook refusals",
            "WARN",
            &["2 deliveries", "get through now"],
        );
    }
}

#[tokio::test]
async fn a_signed_event_that_cannot_be_read_is_counted_and_fails_naming_the_upgrade() {
    let app = spawn_app().await;
    app.mirrored_checkout().await;
    let stored = event_count(&app.db).await;
    // A status Paddle might add later: signed with the right secret, but this version
    // cannot read it, so it is refused (Paddle retries it) and the doctor must say so.
    let data = subscription_data(&fresh_id("sub"), &fresh_id("ctm"), "frozen");
    let event = envelope("subscription.updated", &fresh_id("evt"), AT, data);
    assert_eq!(app.post_event(&event).await, 400);
    app.wait_for_refusals("unreadable", 1).await;
    assert_eq!(event_count(&app.db).await, stored, "nothing stored");

    let run = app.doctor(&[]).await;

    run.assert_failed();
    run.says(
        "webhook refusals",
        "FAIL",
        &[
            "1 delivery refused in the last 24 h",
            "1 signed but unreadable",
            "none verified since",
            "upgrade Paddock, then run `paddock reconcile`",
        ],
    );
    assert_eq!(run.stdout.matches("FAIL").count(), 1, "{}", run.stdout);
}

#[tokio::test]
async fn a_flood_of_forged_deliveries_is_one_row_per_reason() {
    let app = spawn_app().await;
    let wrong = wrong_secret();
    let body = bytes(&customer_event());
    let hour = || {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        now.expect("clock").as_secs() / 3600
    };
    let first = hour();
    for _ in 0..300 {
        assert_eq!(app.post_webhook(&body, &wrong).await.status(), 401);
    }
    app.wait_for_refusals("wrong_secret", 300).await;
    // A flood that crosses the hour may rightly be a row in each (almost never here).
    let hours = i64::try_from(hour() - first + 1).expect("hours");
    let rows = refusals::since(&app.db, 0).await.expect("query");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let stored: i64 = match &app.db {
        paddock::server::db::Database::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_refusals")
                .fetch_one(pool)
                .await
                .expect("count")
        }
        paddock::server::db::Database::Postgres(_) => unreachable!("SQLite app"),
    };
    assert!(
        (1..=hours).contains(&stored),
        "one row for the reason and hour, not one per request: {stored} in {hours} h"
    );
}

#[tokio::test]
async fn a_refusal_counted_just_before_sigterm_is_written_at_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(Backend::Sqlite, dir.path()).await;
    let paddle = Standalone::start(&[], paddle_emulator::RetryPolicy::default()).await;
    let remote = paddle.app_settings();
    let mut app = spawn_process(&url, &pairs(&remote), pg).await;
    let wrong = wrong_secret();
    let sent = std::time::Instant::now();
    assert_eq!(
        app.post_webhook(&bytes(&customer_event()), &wrong)
            .await
            .status(),
        401
    );

    let process = app.process.take().expect("a process");
    assert!(process.terminate(), "exits 0 on SIGTERM");
    // Well before its next flush (every 5 s): only the one at shutdown wrote it.
    assert!(
        sent.elapsed() < Duration::from_secs(4),
        "{:?}",
        sent.elapsed()
    );

    let mut env = pairs(&remote);
    env.push(("DATABASE_URL", &url));
    let run = run_paddock("doctor", &env).await;
    run.assert_failed();
    run.says(
        "paddle api",
        "PASS",
        &[
            "Paddle-compatible API at http://127.0.0.1:",
            "PADDLE_API_URL",
        ],
    );
    run.says("webhook secret", "PASS", &["1 secret configured"]);
    run.says(
        "webhook refusals",
        "FAIL",
        &[
            "1 delivery refused",
            "1 wrong secret",
            "no delivery was ever verified",
        ],
    );
}
