use serde_json::json;

use super::*;

const CTM: &str = "ctm_01h8441jn5pcwrfhwh78jqt8hk";
const SUB: &str = "sub_01h8494f4w5rwfp8b12yqh8fp1";

fn envelope(event_type: &str, occurred_at: &str, data: serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event_id": "evt_01h8441jx8x1q971q9ksksqh82",
        "event_type": event_type,
        "occurred_at": occurred_at,
        "notification_id": "ntf_01h8441jx8x1q971q9ksksqh82",
        "data": data,
    }))
    .expect("json")
}

fn customer() -> serde_json::Value {
    json!({
        "id": CTM, "name": "Ada", "email": "  Ada@Example.COM ", "status": "active",
        "created_at": "2024-04-12T10:00:00Z", "updated_at": "2024-04-12T10:00:01.5Z",
    })
}

fn subscription(status: &str, scheduled_change: serde_json::Value) -> serde_json::Value {
    json!({
        "id": SUB, "status": status, "customer_id": CTM,
        "address_id": "add_01h8494f4w5rwfp8b12yqh8fp1", "currency_code": "USD",
        "created_at": "2024-04-12T10:00:00Z", "updated_at": "2024-04-12T11:00:00Z",
        "next_billed_at": "2024-05-12T10:00:00Z", "collection_mode": "automatic",
        "current_billing_period": {"starts_at": "2024-04-12T10:00:00Z", "ends_at": "2024-05-12T10:00:00Z"},
        "billing_cycle": {"interval": "month", "frequency": 1},
        "scheduled_change": scheduled_change,
        "items": [{
            "status": "active", "quantity": 2, "recurring": true, "extra": "kept",
            "created_at": "2024-04-12T10:00:00Z", "updated_at": "2024-04-12T10:00:00Z",
            "price": {"id": "pri_01h8494f4w5rwfp8b12yqh8fp1", "product_id": "pro_01h8494f4w5rwfp8b12yqh8fp1"},
            "product": {"id": "pro_01h8494f4w5rwfp8b12yqh8fp1", "name": "Pro"},
        }],
    })
}

#[test]
fn occurred_at_sorts_by_microseconds_and_is_kept_as_sent() {
    let body = envelope(
        "customer.created",
        "2024-04-12T13:16:10.809640Z",
        customer(),
    );
    let received = decode(&body, 42).expect("decodes");
    assert_eq!(received.event.occurred_at, "2024-04-12T13:16:10.809640Z");
    assert_eq!(received.event.occurred_at_us, 1_712_927_770_809_640);
    assert_eq!(received.event.received_at, 42);
    assert_eq!(received.event.payload.as_bytes(), body.as_slice());
}

#[test]
fn customer_events_write_the_customer_with_a_normalised_email() {
    for kind in CUSTOMER_EVENTS {
        let received = decode(&envelope(kind, "2024-04-12T13:16:10Z", customer()), 0).expect(kind);
        let MirrorWrite::Customer(c) = received.write else {
            panic!("{kind} writes a customer")
        };
        assert_eq!(c.id, CTM);
        assert_eq!(c.email, "ada@example.com", "{kind}");
        assert_eq!(c.updated_at, 1_712_916_001);
        assert_eq!(c.occurred_at_us, 1_712_927_770_000_000);
    }
}

#[test]
fn subscription_events_write_the_subscription_with_its_raw_items() {
    let change =
        json!({"action": "cancel", "effective_at": "2024-05-12T10:00:00Z", "resume_at": null});
    for kind in SUBSCRIPTION_EVENTS {
        let data = subscription("active", change.clone());
        let received = decode(&envelope(kind, "2024-04-12T13:16:10Z", data), 0).expect(kind);
        let MirrorWrite::Subscription(s) = received.write else {
            panic!("{kind} writes a subscription")
        };
        assert_eq!((s.id.as_str(), s.customer_id.as_str()), (SUB, CTM));
        assert_eq!(s.status, "active");
        let items: serde_json::Value = serde_json::from_str(&s.items).expect("items json");
        assert_eq!(items[0]["extra"], "kept", "the whole items array is kept");
        let scheduled: serde_json::Value =
            serde_json::from_str(s.scheduled_change.as_deref().expect("scheduled")).expect("json");
        assert_eq!(scheduled["action"], "cancel");
        assert_eq!(s.current_period_ends_at, Some(1_715_508_000));
        assert_eq!(s.next_billed_at, Some(1_715_508_000));
        assert_eq!(s.collection_mode, "automatic");
    }
}

#[test]
fn no_scheduled_change_is_stored_as_null() {
    let data = subscription("canceled", serde_json::Value::Null);
    let received = decode(
        &envelope("subscription.canceled", "2024-04-12T13:16:10Z", data),
        0,
    )
    .expect("decodes");
    let MirrorWrite::Subscription(s) = received.write else {
        panic!("a subscription")
    };
    assert_eq!(s.scheduled_change, None);
    assert_eq!(s.status, "canceled");
}

#[test]
fn other_event_types_are_stored_without_a_mirror_change() {
    for kind in [
        "transaction.completed",
        "customer.archived",
        "subscription.whatever",
    ] {
        let body = envelope(kind, "2024-04-12T13:16:10Z", json!({"anything": true}));
        let received = decode(&body, 0).expect(kind);
        assert_eq!(received.write, MirrorWrite::Nothing, "{kind}");
        assert_eq!(received.event.event_type, kind);
    }
}

#[test]
fn unreadable_bodies_are_refused() {
    assert!(matches!(
        decode(b"{not json", 0),
        Err(DecodeError::Envelope(_))
    ));
    assert!(matches!(
        decode(b"{\"event_id\": 1}", 0),
        Err(DecodeError::Envelope(_))
    ));
    let body = envelope("subscription.updated", "2024-04-12T13:16:10Z", customer());
    assert!(matches!(decode(&body, 0), Err(DecodeError::Data(_))));
    // serde would quote an unknown enum value; the message must not.
    let mut data = customer();
    data["status"] = json!("secret-looking-value");
    let body = envelope("customer.updated", "2024-04-12T13:16:10Z", data);
    let err = decode(&body, 0).expect_err("refused");
    assert!(!err.to_string().contains("secret-looking"), "{err}");
}

#[test]
fn the_envelope_is_refused_exactly_when_paddle_event_refuses_it() {
    let good = envelope("customer.created", "2024-04-12T13:16:10Z", customer());
    let mut cases: Vec<Vec<u8>> = vec![good.clone()];
    let base: serde_json::Value = serde_json::from_slice(&good).expect("json");
    let variants: [(&str, serde_json::Value); 7] = [
        ("occurred_at", json!("2024-04-12 13:16:10")),
        ("occurred_at", json!(1_712_927_770)),
        ("occurred_at", json!("2024-02-30T00:00:00Z")),
        ("event_id", json!("evt_short")),
        ("notification_id", json!("ntf_01hv8x2ygj7mdbm6pcqm8zft1B")),
        ("data", serde_json::Value::Null),
        ("event_type", json!(7)),
    ];
    for (field, value) in variants {
        let mut body = base.clone();
        body[field] = value;
        cases.push(serde_json::to_vec(&body).expect("json"));
    }
    for field in ["data", "occurred_at", "event_id"] {
        let mut body = base.clone();
        body.as_object_mut().expect("object").remove(field);
        cases.push(serde_json::to_vec(&body).expect("json"));
    }
    for body in cases {
        let theirs = paddle::Event::parse(&body).is_ok();
        let ours = !matches!(decode(&body, 0), Err(DecodeError::Envelope(_)));
        assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(&body));
    }
}

#[test]
fn scheduled_change_is_stored_as_its_json_text() {
    let change =
        json!({"resume_at": null, "action": "pause", "effective_at": "2024-05-12T10:00:00Z"});
    let data = subscription("active", change.clone());
    let received = decode(
        &envelope("subscription.updated", "2024-04-12T13:16:10Z", data),
        0,
    )
    .expect("decodes");
    let MirrorWrite::Subscription(s) = received.write else {
        panic!("a subscription")
    };
    assert_eq!(s.scheduled_change, Some(change.to_string()));
}

#[test]
fn data_that_only_a_json_tree_could_not_hold_is_stored_as_sent() {
    // A number past f64 and nesting past serde_json's 128 levels are valid JSON: a signed
    // event with them is stored byte for byte (refusing it would make Paddle retry it
    // for days), not read into a tree that cannot hold them.
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let body = format!(
        r#"{{"event_id":"evt_01h8441jx8x1q971q9ksksqh82","event_type":"transaction.completed","occurred_at":"2024-04-12T13:16:10Z","notification_id":"ntf_01h8441jx8x1q971q9ksksqh82","data":{{"n":1e400,"deep":{deep}}}}}"#
    );
    assert!(paddle::Event::parse(body.as_bytes()).is_err());
    let received = decode(body.as_bytes(), 0).expect("stored");
    assert_eq!(received.event.payload, body);
    assert_eq!(received.write, MirrorWrite::Nothing);
}

#[test]
fn items_and_scheduled_change_are_stored_as_sent() {
    // Written by hand, keys unsorted and spaced as a sender might: the stored texts are
    // these bytes, not a re-printed tree (which would sort the keys and drop the spaces).
    let items = r#"[ {"status": "active", "quantity": 2, "recurring": true, "extra": "kept", "created_at": "2024-04-12T10:00:00Z", "updated_at": "2024-04-12T10:00:00Z", "price": {"product_id": "pro_01h8494f4w5rwfp8b12yqh8fp1", "id": "pri_01h8494f4w5rwfp8b12yqh8fp1"}, "product": {"name": "Pro", "id": "pro_01h8494f4w5rwfp8b12yqh8fp1"}} ]"#;
    let change =
        r#"{"effective_at": "2024-05-12T10:00:00Z", "action": "pause", "resume_at": null}"#;
    let mut data = subscription("active", json!(null));
    data["items"] = json!("ITEMS");
    data["scheduled_change"] = json!("CHANGE");
    let body = envelope("subscription.updated", "2024-04-12T13:16:10Z", data);
    let body = String::from_utf8(body)
        .expect("utf-8")
        .replace(r#""ITEMS""#, items)
        .replace(r#""CHANGE""#, change);
    let received = decode(body.as_bytes(), 0).expect("decodes");
    let MirrorWrite::Subscription(s) = received.write else {
        panic!("a subscription")
    };
    assert_eq!(s.items, items);
    assert_eq!(s.scheduled_change.as_deref(), Some(change));
    assert_eq!(received.event.payload, body);
}

#[test]
fn the_body_is_stored_as_sent_and_bytes_that_are_not_utf8_as_u_fffd() {
    let body = envelope("customer.updated", "2024-04-12T13:16:10Z", customer());
    let received = decode(&body, 0).expect("decodes");
    assert_eq!(received.event.payload.as_bytes(), &body[..]);
    // A field this version does not read is skipped, its text unchecked.
    let mut odd = body.clone();
    odd.splice(1..1, b"\"note\":\"\xff\",".iter().copied());
    let received = decode(&odd, 0).expect("decodes");
    assert!(
        received
            .event
            .payload
            .starts_with("{\"note\":\"\u{FFFD}\","),
        "{}",
        received.event.payload
    );
}
