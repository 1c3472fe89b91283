//! End to end: checkouts and portal cancels in the embedded emulator reach the app's
//! mirror by webhook, also when the emulator delivers out of order and twice (chaos).
use std::time::{Duration, Instant};

use crate::common::emulator::eventually;
use crate::common::{backends, spawn_app_on};
use paddock::server::db::mirror;

#[tokio::test]
async fn an_emulator_checkout_lands_in_the_mirror_within_a_second() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let origin = app.emulator_origin.clone().expect("local mode");
        let email = "grace.hopper@example.com";
        let res = app
            .client
            .post(origin.join("/_emulator/checkout").expect("url"))
            .json(&serde_json::json!({ "email": email }))
            .send()
            .await
            .expect("checkout");
        assert!(res.status().is_success(), "{}", res.status());
        let started = Instant::now();
        let (customer, subs) = loop {
            let customer = mirror::customer_by_email(&app.db, email).await.expect("q");
            if let Some(customer) = customer.one() {
                let subs = mirror::subscriptions_for(&app.db, &customer.id)
                    .await
                    .expect("q");
                if subs.iter().any(|s| s.status == "active") {
                    break (customer, subs);
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{backend:?}: the mirror did not fill within a second"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        assert_eq!(customer.email, email);
        assert_eq!(subs.len(), 1, "{backend:?}");
        assert_eq!(subs[0].customer_id, customer.id);
    }
}

/// The mirror row of subscription `sub` of `customer`, once `done` holds for it.
async fn wait_for_row(
    app: &crate::common::TestApp,
    customer: &str,
    sub: &str,
    within: Duration,
    done: impl Fn(&mirror::SubscriptionRow) -> bool,
) -> mirror::SubscriptionRow {
    eventually("the mirror to show the change", within, || async {
        let rows = mirror::subscriptions_for(&app.db, customer).await.ok()?;
        rows.into_iter().find(|r| r.id == sub && done(r))
    })
    .await
}

fn scheduled_action(row: &mirror::SubscriptionRow) -> Option<String> {
    let text = row.scheduled_change.as_deref()?;
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value["action"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn a_portal_cancel_at_period_end_then_now_reaches_the_mirror() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (customer, sub) = app.emulator_checkout("ada@example.com").await;
        wait_for_row(&app, &customer, &sub, Duration::from_secs(2), |r| {
            r.status == "active"
        })
        .await;

        app.cancel_via_portal(&customer, &sub, "period_end").await;
        let row = wait_for_row(&app, &customer, &sub, Duration::from_secs(2), |r| {
            scheduled_action(r).is_some()
        })
        .await;
        assert_eq!(row.status, "active", "{backend:?}");
        assert_eq!(scheduled_action(&row).as_deref(), Some("cancel"));

        app.cancel_via_portal(&customer, &sub, "now").await;
        let row = wait_for_row(&app, &customer, &sub, Duration::from_secs(2), |r| {
            r.status == "canceled"
        })
        .await;
        assert!(row.canceled_at.is_some(), "{backend:?}");
    }
}

#[tokio::test]
async fn with_chaos_on_the_final_mirror_equals_the_emulator() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        app.emulator_control("chaos", serde_json::json!({ "enabled": true }))
            .await;
        let mut bought = Vec::new();
        for n in 0..5 {
            bought.push(
                app.emulator_checkout(&format!("chaos{n}@example.com"))
                    .await,
            );
        }
        let (customer, sub) = &bought[1];
        app.cancel_via_portal(customer, sub, "now").await;
        let (customer, sub) = &bought[3];
        app.cancel_via_portal(customer, sub, "period_end").await;

        // Done when every delivery has landed and nothing differs.
        let diffs = eventually(
            "chaos deliveries to settle",
            Duration::from_secs(30),
            || async {
                let log: serde_json::Value = app
                    .client
                    .get(app.emulator_url("/_emulator/deliveries"))
                    .send()
                    .await
                    .ok()?
                    .json()
                    .await
                    .ok()?;
                let settled = log
                    .as_array()
                    .is_some_and(|all| all.iter().all(|d| d["delivered"] == true));
                let diffs = app.mirror_differences().await;
                (settled && diffs.is_empty()).then_some(diffs)
            },
        )
        .await;
        assert!(diffs.is_empty(), "{backend:?}: {diffs:#?}");
        let (customers, subscriptions) = app.emulator_state().await;
        assert_eq!(
            (customers.len(), subscriptions.len()),
            (5, 5),
            "{backend:?}"
        );
    }
}
