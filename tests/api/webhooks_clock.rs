//! End to end: advancing the embedded emulator's clock past a scheduled cancellation
//! makes the mirror show the subscription canceled, through the webhook path alone.
use std::time::Duration;

use crate::common::emulator::eventually;
use crate::common::{backends, spawn_app_on};
use paddock::server::db::mirror;
use serde_json::{Value, json};

/// The mirror row of subscription `sub` of `customer`, once `done` holds for it.
async fn row_once(
    app: &crate::common::TestApp,
    customer: &str,
    sub: &str,
    done: impl Fn(&mirror::SubscriptionRow) -> bool,
) -> mirror::SubscriptionRow {
    eventually(
        "the mirror to show the change",
        Duration::from_secs(3),
        || async {
            let rows = mirror::subscriptions_for(&app.db, customer).await.ok()?;
            rows.into_iter().find(|r| r.id == sub && done(r))
        },
    )
    .await
}

/// How many Paddle API calls the emulator has received so far.
async fn api_calls(app: &crate::common::TestApp) -> usize {
    let calls: Value = app
        .client
        .get(app.emulator_url("/_emulator/calls"))
        .send()
        .await
        .expect("emulator answers")
        .json()
        .await
        .expect("json");
    calls.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn advancing_the_clock_past_a_scheduled_cancellation_cancels_the_mirror_row() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (customer, sub) = app.emulator_checkout("ada@example.com").await;
        row_once(&app, &customer, &sub, |r| r.status == "active").await;
        app.cancel_via_portal(&customer, &sub, "period_end").await;
        row_once(&app, &customer, &sub, |r| r.scheduled_change.is_some()).await;
        let calls_before = api_calls(&app).await;

        let advanced = app
            .emulator_control("clock", json!({"advance": "P1M", "customer_id": customer}))
            .await;
        assert_eq!(advanced["events"], 2, "{backend:?}: updated, canceled");

        let row = row_once(&app, &customer, &sub, |r| r.status == "canceled").await;
        assert!(row.canceled_at.is_some(), "{backend:?}");
        assert_eq!(
            api_calls(&app).await,
            calls_before,
            "{backend:?}: the mirror learned it from webhooks, not from the API"
        );
    }
}
