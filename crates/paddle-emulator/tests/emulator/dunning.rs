//! Failed renewals: a declined payment makes the subscription past due, then dunning
//! retries it 3, 7 and 14 days after billing, ending in recovery or cancellation.

use reqwest::StatusCode;
use serde_json::json;

use crate::clock::{CHECKOUT, at, seq};
use crate::support::spawn_receiving;

/// A renewal whose payment is declined.
const FAILED_RENEWAL: [&str; 6] = [
    "subscription.updated",
    "transaction.created",
    "transaction.billed",
    "transaction.payment_failed",
    "transaction.past_due",
    "subscription.past_due",
];

/// A retry that is paid.
const RECOVERY: [&str; 5] = [
    "transaction.updated",
    "transaction.paid",
    "transaction.updated",
    "transaction.completed",
    "subscription.updated",
];

#[tokio::test]
async fn a_declined_renewal_is_retried_three_times_then_canceled() {
    let (app, hooks) = spawn_receiving().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    app.decline(&customer, 4).await;

    app.advance("P1M", None).await;
    assert_eq!(hooks.sequence(14).await, seq(&[&CHECKOUT, &FAILED_RENEWAL]));
    let past_due = app.subscription(&sub).await;
    assert_eq!(past_due["status"], "past_due");
    let txns = app.transactions("status=past_due").await;
    assert_eq!(txns.len(), 1);
    assert_eq!(txns[0]["payments"][0]["status"], "error");
    assert_eq!(txns[0]["payments"][0]["error_code"], "declined");
    let billed_at = txns[0]["billed_at"].clone();

    app.advance("P13D", None).await;
    assert_eq!(app.subscription(&sub).await["status"], "past_due");
    app.advance("P1D", None).await;
    let expected = seq(&[
        &CHECKOUT,
        &FAILED_RENEWAL,
        &["transaction.payment_failed", "transaction.payment_failed"],
        &["transaction.payment_failed", "transaction.canceled"],
        &["subscription.updated", "subscription.canceled"],
    ]);
    assert_eq!(hooks.sequence(20).await, expected);
    let canceled = app.subscription(&sub).await;
    assert_eq!(canceled["status"], "canceled");
    let txn = &app.transactions(&format!("subscription_id={sub}")).await[0];
    assert_eq!(txn["status"], "canceled");
    assert_eq!(
        txn["payments"].as_array().unwrap().len(),
        4,
        "first try and 3 retries"
    );
    let when = |days: i64| at(&billed_at) + time::Duration::days(days);
    let retried: Vec<_> = hooks
        .in_order()
        .iter()
        .filter(|e| e["event_type"] == "transaction.payment_failed")
        .map(|e| at(&e["occurred_at"]))
        .collect();
    assert_eq!(
        retried[1..],
        [when(3), when(7), when(14)],
        "the dunning schedule"
    );
    assert_eq!(at(&canceled["canceled_at"]), when(14));
    app.advance("P1M", None).await;
    assert_eq!(
        hooks.sequence(20).await.len(),
        20,
        "a canceled one is never billed"
    );
}

#[tokio::test]
async fn a_retry_that_is_paid_recovers_the_subscription() {
    let (app, hooks) = spawn_receiving().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    app.decline(&customer, 2).await;
    app.advance("P1M", None).await;
    app.advance("P7D", None).await;
    let expected = seq(&[
        &CHECKOUT,
        &FAILED_RENEWAL,
        &["transaction.payment_failed"],
        &RECOVERY,
    ]);
    assert_eq!(hooks.sequence(20).await, expected);
    let now = app.subscription(&sub).await;
    assert_eq!(now["status"], "active");
    let txns = app
        .transactions(&format!(
            "subscription_id={sub}&origin=subscription_recurring"
        ))
        .await;
    assert_eq!(txns.len(), 1);
    assert_eq!(txns[0]["status"], "completed");
    let statuses: Vec<_> = txns[0]["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        statuses,
        ["captured", "error", "error"],
        "newest attempt first"
    );

    app.advance("P1M", None).await;
    let next = hooks.sequence(27).await;
    assert_eq!(
        next[20..],
        seq(&[&crate::clock::RENEWAL]),
        "later renewals are paid"
    );
}

#[tokio::test]
async fn a_new_payment_method_collects_a_past_due_renewal() {
    let (app, hooks) = spawn_receiving().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    app.decline(&customer, 1).await;
    app.advance("P1M", None).await;
    hooks.sequence(14).await;
    let session = app.portal_session(&customer, &[&sub]).await;
    let link = session["data"]["urls"]["subscriptions"][0]["update_subscription_payment_method"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, page) = crate::portal_actions::open(&app, &link).await;
    let (action, nonce, _) = crate::portal_actions::forms(&page).remove(0);
    let fields = [
        ("nonce", nonce.as_str()),
        ("card_number", "4242 4242 4242 4242"),
    ];
    let (status, _) = crate::portal_actions::submit(&app, &action, &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        hooks.sequence(19).await,
        seq(&[&CHECKOUT, &FAILED_RENEWAL, &RECOVERY])
    );
    assert_eq!(app.subscription(&sub).await["status"], "active");
    assert!(app.transactions("status=past_due").await.is_empty());
}

#[tokio::test]
async fn declines_are_refused_for_unknown_customers_and_with_api_fault_fields() {
    let (app, _) = spawn_receiving().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let unknown =
        json!({"count": 1, "payment_decline": {"customer_id": "ctm_01aaaaaaaaaaaaaaaaaaaaaaaa"}});
    assert_eq!(
        app.control("faults", unknown).await.0,
        StatusCode::NOT_FOUND
    );
    let mixed = json!({"count": 1, "status": 500, "payment_decline": {"customer_id": customer}});
    assert_eq!(
        app.control("faults", mixed).await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, body) = app
        .control(
            "faults",
            json!({"count": 2, "payment_decline": {"customer_id": customer}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["pending_declines"], 2);
    let answer = app.get("/customers").await;
    assert_eq!(answer.status, StatusCode::OK, "API calls are not faulted");
}
