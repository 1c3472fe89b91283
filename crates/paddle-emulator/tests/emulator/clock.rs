//! The clock: advancing it makes renewals, scheduled changes and trial ends happen, in
//! order, each with Paddle's event sequence.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::spawn_receiving;

/// What a checkout sends for a new customer: Paddle's `subscription_creation` scenario
/// without `address.created` and its repeated `transaction.updated`.
pub const CHECKOUT: [&str; 8] = [
    "transaction.created",
    "customer.created",
    "transaction.ready",
    "transaction.paid",
    "subscription.created",
    "subscription.activated",
    "transaction.updated",
    "transaction.completed",
];

/// The same for a plan with a trial.
pub const TRIAL_CHECKOUT: [&str; 8] = [
    "transaction.created",
    "customer.created",
    "transaction.ready",
    "transaction.paid",
    "subscription.created",
    "subscription.trialing",
    "transaction.updated",
    "transaction.completed",
];

/// Paddle's `subscription_renewal` scenario.
pub const RENEWAL: [&str; 7] = [
    "subscription.updated",
    "transaction.created",
    "transaction.billed",
    "transaction.updated",
    "transaction.paid",
    "transaction.updated",
    "transaction.completed",
];

/// `parts` joined into one expected sequence.
pub fn seq(parts: &[&[&str]]) -> Vec<String> {
    parts
        .iter()
        .flat_map(|p| p.iter().map(|s| (*s).to_owned()))
        .collect()
}

/// A `time_period` (`starts_at`, `ends_at`), parsed.
pub fn period(value: &Value) -> (time::OffsetDateTime, time::OffsetDateTime) {
    (at(&value["starts_at"]), at(&value["ends_at"]))
}

/// A timestamp field, parsed: Paddle's timestamps vary in fractional digits.
pub fn at(value: &Value) -> time::OffsetDateTime {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a timestamp: {value}"));
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

#[tokio::test]
async fn a_month_later_the_subscription_renews_with_a_completed_transaction() {
    let (app, hooks) = spawn_receiving().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let before = app.subscription(&sub).await;
    let renews_at = before["next_billed_at"].clone();

    let advanced = app.advance("P1M", None).await;
    assert_eq!(advanced["events"], 7);
    assert_eq!(hooks.sequence(15).await, seq(&[&CHECKOUT, &RENEWAL]));

    let after = app.subscription(&sub).await;
    assert_eq!(after["status"], "active");
    assert_eq!(
        at(&after["current_billing_period"]["starts_at"]),
        at(&renews_at)
    );
    assert_eq!(
        at(&after["next_billed_at"]),
        at(&after["current_billing_period"]["ends_at"])
    );
    assert!(at(&after["next_billed_at"]) > at(&renews_at));
    let txns = app
        .transactions(&format!(
            "subscription_id={sub}&origin=subscription_recurring"
        ))
        .await;
    assert_eq!(txns.len(), 1);
    assert_eq!(txns[0]["status"], "completed");
    assert_eq!(txns[0]["customer_id"], customer.as_str());
    assert_eq!(txns[0]["origin"], "subscription_recurring");
    assert_eq!(
        period(&txns[0]["billing_period"]),
        period(&after["current_billing_period"])
    );
    assert_eq!(txns[0]["details"]["totals"]["total"], "3000");
    assert_eq!(txns[0]["payments"][0]["status"], "captured");
    let renewal = hooks.in_order();
    assert_eq!(
        at(&renewal[8]["occurred_at"]),
        at(&renews_at),
        "events happen at the emulated time, not the wall clock's"
    );
    assert_eq!(renewal[14]["data"]["id"], txns[0]["id"]);
    assert_eq!(renewal[14]["data"]["status"], "completed");

    app.advance("P1M", None).await;
    assert_eq!(
        hooks.sequence(22).await,
        seq(&[&CHECKOUT, &RENEWAL, &RENEWAL])
    );
    let txns = app
        .transactions(&format!(
            "customer_id={customer}&origin=subscription_recurring"
        ))
        .await;
    assert_eq!(txns.len(), 2);
    assert!(
        at(&txns[0]["billed_at"]) > at(&txns[1]["billed_at"]),
        "newest first: Paddle's default id[DESC]"
    );
}

#[tokio::test]
async fn a_trial_plan_trials_then_bills_and_activates_when_the_trial_ends() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout_plan("jo@example.com", "pro-trial").await;
    let trial = app.subscription(&sub).await;
    assert_eq!(trial["status"], "trialing");
    assert_eq!(trial["first_billed_at"], Value::Null);
    assert_eq!(trial["items"][0]["status"], "trialing");
    let trial_end = trial["next_billed_at"].clone();
    assert_eq!(
        at(&trial["items"][0]["trial_dates"]["ends_at"]),
        at(&trial_end)
    );

    app.advance("P13D", None).await;
    assert_eq!(app.subscription(&sub).await["status"], "trialing");
    // The checkout's transaction charged nothing; the trial's end bills the price.
    let checkout = app.transactions("origin=web").await;
    assert_eq!(checkout[0]["details"]["totals"]["total"], "0");
    assert_eq!(checkout[0]["status"], "completed");
    app.advance("P1D", None).await;
    let expected = seq(&[&TRIAL_CHECKOUT, &RENEWAL, &["subscription.activated"]]);
    assert_eq!(hooks.sequence(16).await, expected);
    let now = app.subscription(&sub).await;
    assert_eq!(now["status"], "active");
    assert_eq!(at(&now["first_billed_at"]), at(&trial_end));
    assert_eq!(now["items"][0]["status"], "active");
    assert_eq!(
        at(&now["current_billing_period"]["starts_at"]),
        at(&trial_end)
    );
    let txns = app
        .transactions(&format!(
            "subscription_id={sub}&origin=subscription_recurring"
        ))
        .await;
    assert_eq!(txns.len(), 1);
    assert_eq!(txns[0]["status"], "completed");
}

#[tokio::test]
async fn advancing_one_customer_leaves_everyone_elses_time_alone() {
    let (app, hooks) = spawn_receiving().await;
    let (alone, alone_sub) = app.checkout("alone@example.com").await;
    let (other, other_sub) = app.checkout("other@example.com").await;
    let other_before = app.subscription(&other_sub).await;

    let advanced = app.advance("P1M", Some(&alone)).await;
    assert_eq!(advanced["customer_id"], alone.as_str());
    hooks.sequence(23).await;
    assert_eq!(
        app.transactions(&format!(
            "customer_id={alone}&origin=subscription_recurring"
        ))
        .await
        .len(),
        1
    );
    assert!(
        app.transactions(&format!(
            "customer_id={other}&origin=subscription_recurring"
        ))
        .await
        .is_empty()
    );
    let other_after = app.subscription(&other_sub).await;
    assert_eq!(
        other_after["current_billing_period"],
        other_before["current_billing_period"]
    );
    assert_eq!(other_after["updated_at"], other_before["updated_at"]);
    let clock = app.inspect("clock").await;
    let ahead = at(&clock["customers"][&alone]) - at(&clock["now"]);
    assert!(ahead > time::Duration::days(27), "{clock}");
    assert!(clock["customers"].get(&other).is_none());

    app.advance("P1M", None).await;
    hooks.sequence(37).await;
    assert_eq!(
        app.transactions(&format!(
            "customer_id={alone}&origin=subscription_recurring"
        ))
        .await
        .len(),
        2
    );
    assert_eq!(
        app.transactions(&format!(
            "customer_id={other}&origin=subscription_recurring"
        ))
        .await
        .len(),
        1
    );
    assert_eq!(app.subscription(&alone_sub).await["status"], "active");
}

#[tokio::test]
async fn bad_advances_are_refused_and_change_nothing() {
    let (app, _) = spawn_receiving().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    for body in [
        json!({"advance": "one month"}),
        json!({"advance": "P0D"}),
        json!({"advance": "P1M", "customer_id": "cus_1"}),
        json!({"advance": "P1M", "extra": true}),
    ] {
        let (status, answer) = app.control("clock", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {answer}");
    }
    let unknown = json!({"advance": "P1M", "customer_id": "ctm_01aaaaaaaaaaaaaaaaaaaaaaaa"});
    assert_eq!(app.control("clock", unknown).await.0, StatusCode::NOT_FOUND);
    assert!(
        app.transactions(&format!(
            "customer_id={customer}&origin=subscription_recurring"
        ))
        .await
        .is_empty()
    );
}
