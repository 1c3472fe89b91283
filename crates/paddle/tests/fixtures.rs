//! Paddle's own examples from the OpenAPI spec in `shared/`, decoded into our types.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use paddle::entities::{ItemPrice, SubscriptionItems};
use paddle::error::ErrorType;
use paddle::{
    CustomerPortalSession, CustomerStatus, ErrorBody, Event, EventData, Subscription,
    SubscriptionStatus,
};
use serde_json::Value;
use std::sync::OnceLock;

/// The spec, parsed once for all tests (it is 1.5 MB of YAML).
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/paddle-openapi/openapi.yaml"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        serde_yaml_ng::from_str(&text).unwrap()
    })
}

/// The example payload of webhook `name`, following its `$ref` into `components/examples`.
fn webhook_example(spec: &Value, name: &str) -> Value {
    let examples =
        &spec["webhooks"][name]["post"]["requestBody"]["content"]["application/json"]["examples"];
    let first = examples.as_object().unwrap().values().next().unwrap();
    let pointer = first["$ref"].as_str().unwrap().trim_start_matches('#');
    spec.pointer(pointer).unwrap()["value"].clone()
}

fn decode_event(spec: &Value, name: &str) -> (Event, EventData) {
    let raw = webhook_example(spec, name);
    // Through bytes, as a webhook handler sees it.
    let body = serde_json::to_vec(&raw).unwrap();
    let event = Event::parse(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(event.event_type, name);
    let data = event.decode().unwrap_or_else(|e| panic!("{name}: {e}"));
    (event, data)
}

#[test]
fn customer_events_decode_into_customers() {
    let spec = spec();
    for name in ["customer.created", "customer.updated", "customer.imported"] {
        let (event, data) = decode_event(spec, name);
        let EventData::Customer(customer) = data else {
            panic!("{name} did not decode as a customer");
        };
        assert_eq!(
            customer.id.as_str(),
            event.data["id"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            customer.email,
            event.data["email"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(customer.status, CustomerStatus::Active, "{name}");
        assert!(event.event_id.as_str().starts_with("evt_"));
        assert!(event.notification_id.as_str().starts_with("ntf_"));
        assert_eq!(
            customer.import_meta.is_some(),
            name == "customer.imported",
            "{name}"
        );
    }
}

#[test]
fn customer_updated_keeps_microsecond_timestamps() {
    let (event, data) = decode_event(spec(), "customer.updated");
    let EventData::Customer(customer) = data else {
        panic!("not a customer")
    };
    assert_eq!(customer.updated_at.microsecond(), 658_719);
    assert_eq!(event.occurred_at.microsecond(), 20_285);
    assert_eq!(customer.name.as_deref(), Some("Jo Brown-Anderson"));
}

#[test]
fn subscription_events_decode_with_their_status_and_whole_items() {
    let spec = spec();
    let cases = [
        ("subscription.created", SubscriptionStatus::Active),
        ("subscription.updated", SubscriptionStatus::Active),
        ("subscription.activated", SubscriptionStatus::Active),
        ("subscription.canceled", SubscriptionStatus::Canceled),
        ("subscription.past_due", SubscriptionStatus::PastDue),
        ("subscription.paused", SubscriptionStatus::Paused),
        ("subscription.resumed", SubscriptionStatus::Active),
        ("subscription.trialing", SubscriptionStatus::Trialing),
        ("subscription.imported", SubscriptionStatus::Active),
    ];
    for (name, status) in cases {
        let (event, data) = decode_event(spec, name);
        let EventData::Subscription(sub) = data else {
            panic!("{name} did not decode as a subscription");
        };
        assert_eq!(sub.status, status, "{name}");
        assert_eq!(
            sub.id.as_str(),
            event.data["id"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            sub.customer_id.as_str(),
            event.data["customer_id"].as_str().unwrap()
        );
        assert!(!sub.items.is_empty(), "{name}");
        assert_eq!(
            sub.items.to_json(),
            event.data["items"],
            "{name}: items must round-trip"
        );
        assert_eq!(
            sub.transaction_id.is_some(),
            name == "subscription.created",
            "{name}"
        );
        // Paddle: `current_billing_period` is null for paused and canceled subscriptions.
        let no_period = matches!(
            status,
            SubscriptionStatus::Paused | SubscriptionStatus::Canceled
        );
        assert_eq!(sub.current_billing_period.is_none(), no_period, "{name}");
    }
}

#[test]
fn subscription_event_details_match_the_examples() {
    let spec = spec();
    let (_, EventData::Subscription(canceled)) = decode_event(spec, "subscription.canceled") else {
        panic!("not a subscription")
    };
    assert!(canceled.canceled_at.is_some());
    assert_eq!(canceled.next_billed_at, None);

    let (_, EventData::Subscription(paused)) = decode_event(spec, "subscription.paused") else {
        panic!("not a subscription")
    };
    assert!(paused.paused_at.is_some());

    let (_, EventData::Subscription(trialing)) = decode_event(spec, "subscription.trialing") else {
        panic!("not a subscription")
    };
    let item = &trialing.items.items()[0];
    assert!(item.trial_dates.is_some());
    assert_eq!(item.previously_billed_at, None);

    let (_, EventData::Subscription(created)) = decode_event(spec, "subscription.created") else {
        panic!("not a subscription")
    };
    let quantities: Vec<u32> = created.items.iter().map(|i| i.quantity).collect();
    assert_eq!(quantities, [10, 1]);
    let price: &ItemPrice = &created.items.items()[0].price;
    assert_eq!(price.unit_price.as_ref().unwrap().amount, "3000");
}

#[test]
fn a_whole_subscription_survives_serialize_and_parse() {
    let (event, _) = decode_event(spec(), "subscription.updated");
    let sub: Subscription = serde_json::from_value(event.data.clone()).unwrap();
    let again: Subscription = serde_json::from_value(serde_json::to_value(&sub).unwrap()).unwrap();
    assert_eq!(again, sub);
    let items = SubscriptionItems::from_raw(event.data["items"].as_array().unwrap().clone());
    assert_eq!(items.unwrap(), sub.items);
}

#[test]
fn events_of_other_entities_are_left_alone() {
    let (event, data) = decode_event(spec(), "transaction.completed");
    assert_eq!(event.entity(), "transaction");
    assert_eq!(data, EventData::Other);
}

#[test]
fn portal_session_response_example_decodes() {
    let spec = spec();
    let examples = &spec["paths"]["/customers/{customer_id}/portal-sessions"]["post"]["responses"]
        ["201"]["content"]["application/json"]["examples"];
    let example = &examples.as_object().unwrap().values().next().unwrap()["value"];
    let session: CustomerPortalSession = serde_json::from_value(example["data"].clone()).unwrap();
    assert_eq!(session.id.as_str(), "cpls_01h4ge9r64c22exjsx0fy8b48b");
    assert_eq!(session.urls.subscriptions.len(), 1);
    assert!(
        session
            .urls
            .general
            .overview
            .expose()
            .contains("token=pga_")
    );
    assert!(!format!("{session:?}").contains("pga_"));
    assert_eq!(
        example["meta"]["request_id"],
        "fa176777-4bca-49ec-aa1e-f53885333cb7"
    );
}

#[test]
fn error_schema_examples_decode() {
    // The spec has no whole error example, so build one from its schema's field examples.
    let spec = spec();
    let props = &spec["components"]["schemas"]["error"]["properties"]["error"]["properties"];
    let example = |field: &str| props[field]["examples"][0].clone();
    let body = serde_json::json!({
        "error": {
            "type": props["type"]["enum"][0],
            "code": example("code"),
            "detail": example("detail"),
            "documentation_url": example("documentation_url"),
            "errors": [{"field": props["errors"]["items"]["properties"]["field"]["examples"][0],
                        "message": props["errors"]["items"]["properties"]["message"]["examples"][0]}]
        },
        "meta": {"request_id": spec["components"]["schemas"]["request_id"]["examples"][0]}
    });
    let parsed: ErrorBody = serde_json::from_value(body).unwrap();
    assert_eq!(parsed.error.kind, ErrorType::RequestError);
    assert_eq!(parsed.error.code, "not_found");
    assert_eq!(parsed.error.errors[0].field, "name");
    assert_eq!(
        parsed.meta.unwrap().request_id,
        "b15ec92e-8688-40d4-a04d-f44cbec93355"
    );
}
