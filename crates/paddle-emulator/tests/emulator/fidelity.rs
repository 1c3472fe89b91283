//! Our entities carry every field of Paddle's own examples, and the validator used by
//! every test really rejects what the spec does not allow.

use std::collections::BTreeSet;

use paddle_emulator::WebhookDestination;
use serde_json::{Value, json};

use crate::support::receiver::{self, SECRET};
use crate::support::schema::{assert_valid, response_pointer, spec};
use crate::support::spawn;

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn example(name: &str) -> Value {
    spec()["components"]["examples"][name]["value"].clone()
}

fn response_example(template: &str, method: &str, status: u16) -> Value {
    let schema = response_pointer(template, method, status);
    let media = schema.trim_end_matches("/schema");
    let examples = spec().pointer(&format!("{media}/examples")).unwrap();
    examples.as_object().unwrap().values().next().unwrap()["value"].clone()
}

fn assert_has_all(ours: &Value, theirs: &Value, what: &str) {
    let missing: Vec<String> = keys(theirs).difference(&keys(ours)).cloned().collect();
    assert!(missing.is_empty(), "{what} lacks {missing:?}");
}

#[tokio::test]
async fn api_entities_have_every_field_of_paddles_examples() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let ours = app.get(&format!("/customers/{customer}")).await.body;
    let theirs = response_example("/customers/{customer_id}", "get", 200);
    assert_has_all(&ours["data"], &theirs["data"], "customer");

    let ours = app.get(&format!("/subscriptions/{sub}")).await.body;
    let theirs = response_example("/subscriptions/{subscription_id}", "get", 200);
    assert_has_all(&ours["data"], &theirs["data"], "subscription");
    let (our_item, their_item) = (&ours["data"]["items"][0], &theirs["data"]["items"][0]);
    assert_has_all(our_item, their_item, "subscription item");
    assert_has_all(&our_item["price"], &their_item["price"], "price");
    assert_has_all(&our_item["product"], &their_item["product"], "product");

    let ours = app.portal_session(&customer, &[&sub]).await;
    let theirs = response_example("/customers/{customer_id}/portal-sessions", "post", 201);
    assert_has_all(&ours["data"], &theirs["data"], "portal session");
}

#[tokio::test]
async fn webhook_payloads_have_every_field_of_paddles_examples() {
    let hooks = receiver::start(0).await;
    let app = spawn().await;
    app.emulator.add_destination(WebhookDestination {
        url: hooks.url.clone(),
        secret: SECRET.into(),
    });
    app.checkout("jo@example.com").await;
    hooks.wait_accepted(8).await;
    for (event_type, name) in [
        ("customer.created", "customer-created"),
        ("subscription.created", "subscription-created"),
        ("subscription.activated", "subscription-activated"),
        ("transaction.ready", "transaction-ready"),
        ("transaction.paid", "transaction-paid"),
        ("transaction.completed", "transaction-completed"),
    ] {
        let ours = &hooks.of_type(event_type)[0];
        let theirs = example(name);
        assert_has_all(ours, &theirs, event_type);
        assert_has_all(&ours["data"], &theirs["data"], event_type);
    }
}

#[tokio::test]
async fn transactions_and_clock_events_have_every_field_of_paddles_examples() {
    let (app, hooks) = crate::support::spawn_receiving().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    app.decline(&customer, 4).await;
    app.advance("P1M", None).await;
    app.advance("P14D", None).await;
    hooks.sequence(20).await;
    let txn = app.transactions("").await[0].clone();
    let ours = app
        .get(&format!("/transactions/{}", txn["id"].as_str().unwrap()))
        .await
        .body;
    let theirs = response_example("/transactions/{transaction_id}", "get", 200);
    assert_has_all(&ours["data"], &theirs["data"], "transaction");
    let (ours, theirs) = (&ours["data"], &theirs["data"]);
    assert_has_all(&ours["details"], &theirs["details"], "transaction details");
    assert_has_all(
        &ours["details"]["totals"],
        &theirs["details"]["totals"],
        "totals",
    );
    let line = "details line item";
    assert_has_all(
        &ours["details"]["line_items"][0],
        &theirs["details"]["line_items"][0],
        line,
    );
    assert_has_all(
        &ours["payments"][0],
        &theirs["payments"][0],
        "payment attempt",
    );
    for (event_type, name) in [
        ("transaction.created", "transaction-created"),
        ("transaction.billed", "transaction-billed"),
        ("transaction.payment_failed", "transaction-payment_failed"),
        ("transaction.past_due", "transaction-past_due"),
        ("transaction.canceled", "transaction-canceled"),
        ("subscription.past_due", "subscription-past_due"),
        ("subscription.canceled", "subscription-canceled"),
    ] {
        let ours = &hooks.of_type(event_type)[0];
        let theirs = example(name);
        assert_has_all(ours, &theirs, event_type);
        assert_has_all(&ours["data"], &theirs["data"], event_type);
    }
}

#[test]
fn the_validator_accepts_paddles_examples_and_rejects_what_the_spec_forbids() {
    let session = "/customers/{customer_id}/portal-sessions";
    let good = response_example(session, "post", 201);
    assert_valid(&response_pointer(session, "post", 201), &good);

    let mut extra = good.clone();
    extra["data"]["urls"]["general"]["billing"] = json!("https://x");
    let mut bad_id = good.clone();
    bad_id["data"]["id"] = json!("cpls_SHOUT");
    let mut no_meta = good;
    no_meta.as_object_mut().unwrap().remove("meta");
    for (what, body) in [
        ("extra link", extra),
        ("bad id", bad_id),
        ("no meta", no_meta),
    ] {
        let pointer = response_pointer(session, "post", 201);
        let failed = std::panic::catch_unwind(|| assert_valid(&pointer, &body)).is_err();
        assert!(failed, "{what} must not validate");
    }
    let error = json!({"error": {"type": "oops", "code": "x", "detail": "x",
                                 "documentation_url": "https://x"}, "meta": {"request_id": "r"}});
    assert!(
        std::panic::catch_unwind(|| assert_valid("/components/schemas/error", &error)).is_err()
    );
    let event = example("subscription-canceled");
    assert_valid("/components/schemas/subscription.canceled", &event);
    let mut wrong = event;
    wrong["data"]["status"] = json!("ended");
    let pointer = "/components/schemas/subscription.canceled";
    assert!(std::panic::catch_unwind(|| assert_valid(pointer, &wrong)).is_err());
}
