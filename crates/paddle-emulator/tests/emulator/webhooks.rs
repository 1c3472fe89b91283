//! Webhook deliveries: Paddle's envelope and signature, retries with backoff, the log.

use std::time::Duration;

use paddle::Event;
use paddle::webhook::verify;
use paddle_emulator::{RetryPolicy, WebhookDestination};
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::support::receiver::{self, SECRET};
use crate::support::schema::assert_event;
use crate::support::{eventually, spawn, spawn_with};

#[tokio::test]
async fn checkout_sends_signed_events_in_paddles_envelope() {
    let hooks = receiver::start(0).await;
    let url = hooks.url.clone();
    let app = spawn_with(move |c| {
        c.webhook_destinations = vec![WebhookDestination {
            url,
            secret: SECRET.into(),
        }];
    })
    .await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    hooks.wait_accepted(8).await;
    let received = hooks.all();
    let mut types: Vec<&str> = received
        .iter()
        .map(|r| r.body["event_type"].as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "customer.created",
            "subscription.activated",
            "subscription.created",
            "transaction.completed",
            "transaction.created",
            "transaction.paid",
            "transaction.ready",
            "transaction.updated",
        ]
    );
    let created = hooks.of_type("subscription.created");
    let txn = created[0]["data"]["transaction_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for delivery in &received {
        assert!(delivery.verified, "signature checks out: {}", delivery.body);
        assert_event(&delivery.body);
        let event = Event::parse(&delivery.raw).unwrap();
        let occurred_at = delivery.body["occurred_at"].as_str().unwrap();
        assert_eq!(
            occurred_at.len(),
            "2024-04-12T10:18:49.621022Z".len(),
            "{occurred_at}"
        );
        assert!(event.data.get("management_urls").is_none());
        let expected = match event.entity() {
            "customer" => &customer,
            "transaction" => &txn,
            _ => &sub,
        };
        assert_eq!(event.data["id"], expected.as_str());
    }
    assert!(
        hooks.of_type("subscription.activated")[0]["data"]
            .get("transaction_id")
            .is_none()
    );
    // The transaction `subscription.created` names is the checkout's, and is there.
    let checkout = app.get(&format!("/transactions/{txn}")).await;
    assert_eq!(checkout.status, StatusCode::OK);
    assert_eq!(checkout.body["data"]["origin"], "web");
    assert_eq!(checkout.body["data"]["status"], "completed");
    assert_eq!(checkout.body["data"]["subscription_id"], sub.as_str());
    assert_eq!(checkout.body["data"]["details"]["totals"]["total"], "3000");
    let listed = app
        .get(&format!("/transactions?subscription_id={sub}&origin=web"))
        .await;
    assert_eq!(listed.body["data"][0]["id"], txn.as_str());
    let wrong = [SecretString::from("pdl_ntfset_other")];
    let raw = &received[0].raw;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let header = paddle::webhook::sign(&SECRET.into(), now, raw);
    let d = Duration::from_secs(5);
    assert!(verify(&header, raw, &wrong, now, d, d).is_err());
}

#[tokio::test]
async fn a_delivery_answered_500_is_retried_until_it_gets_a_2xx() {
    let hooks = receiver::start(2).await;
    let app = spawn().await;
    let (status, _) = app
        .control(
            "destinations",
            json!({"url": hooks.url.as_str(), "secret": SECRET}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    app.checkout("jo@example.com").await;
    hooks.wait_accepted(8).await;
    let all = hooks.all();
    assert_eq!(
        all.len(),
        24,
        "two 500s then a 200 for each of eight notifications"
    );
    assert!(
        all.iter().all(|r| r.verified),
        "every attempt is freshly signed"
    );
    let log = eventually("eight delivered entries", || async {
        let log = app.inspect("deliveries").await;
        let entries = log.as_array().unwrap().clone();
        (entries.len() == 8 && entries.iter().all(|d| d["delivered"] == true)).then_some(entries)
    })
    .await;
    for entry in log {
        assert_eq!(entry["attempts"], 3);
        assert_eq!(entry["last_status"], 200);
        assert_eq!(entry["destination"], hooks.url.as_str());
        assert!(entry["event_id"].as_str().unwrap().starts_with("evt_"));
        assert!(entry["event_type"].as_str().unwrap().contains('.'));
    }
}

#[tokio::test]
async fn a_destination_that_never_answers_2xx_is_given_up_after_max_attempts() {
    let hooks = receiver::start(u32::MAX).await;
    let url = hooks.url.clone();
    let app = spawn_with(move |c| {
        c.retry = RetryPolicy {
            initial_delay: Duration::from_millis(10),
            factor: 1.0,
            max_attempts: 3,
            attempt_timeout: Duration::from_secs(1),
        };
        c.webhook_destinations = vec![WebhookDestination {
            url,
            secret: SECRET.into(),
        }];
    })
    .await;
    app.checkout("jo@example.com").await;
    let entries: Vec<Value> = eventually("attempts to run out", || async {
        let log = app.inspect("deliveries").await;
        let entries = log.as_array().unwrap().clone();
        entries
            .iter()
            .all(|d| d["attempts"] == 3)
            .then_some(entries)
    })
    .await;
    assert!(
        entries
            .iter()
            .all(|d| d["delivered"] == false && d["last_status"] == 500)
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(hooks.all().len(), 24, "no fourth attempt");
}

#[tokio::test]
async fn an_unreachable_destination_is_logged_as_a_connect_failure() {
    let app = spawn_with(|c| {
        c.retry.max_attempts = 2;
        c.webhook_destinations = vec![WebhookDestination {
            url: "http://127.0.0.1:9/webhooks".parse().unwrap(),
            secret: SECRET.into(),
        }];
    })
    .await;
    app.checkout("jo@example.com").await;
    let entries = eventually("two failed attempts", || async {
        let log = app.inspect("deliveries").await;
        let entries = log.as_array().unwrap().clone();
        entries
            .iter()
            .all(|d| d["attempts"] == 2)
            .then_some(entries)
    })
    .await;
    assert!(
        entries
            .iter()
            .all(|d| d["last_error"] == "connect" && d["last_status"].is_null())
    );
}
