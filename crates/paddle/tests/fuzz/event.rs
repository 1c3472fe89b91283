//! The event decoder: `Event::parse` of a raw body, then `Event::decode` of its `data`; and
//! `RawEvent`, which must read every body exactly as they do.
//! Here: bodies of any kind, and nesting; the envelope and the entities have their own files.

use paddle::{Event, EventData, RawEvent};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};

use crate::check;
use crate::json::{same_json, timestamp, value};

/// A valid envelope around `data`.
pub fn envelope(event_type: &str, data: Value, occurred_at: &str) -> Value {
    json!({"event_id": "evt_01hv8x2acma2ew5ztx2ocgdnrg", "event_type": event_type,
           "occurred_at": occurred_at, "notification_id": "ntf_01hv8x2afbqnq2kbs6ydmbvaj8",
           "data": data})
}

/// Whatever a body gives, `decode` picks the entity `event_type` names.
pub fn decode_follows_the_entity(event: &Event) -> Result<(), TestCaseError> {
    let decoded = event.decode();
    let entity = event.event_type.split('.').next().unwrap_or_default();
    match (entity, decoded) {
        ("customer", Ok(EventData::Customer(_)))
        | ("subscription", Ok(EventData::Subscription(_)))
        | ("customer" | "subscription", Err(_)) => Ok(()),
        (_, Ok(EventData::Other)) if entity != "customer" && entity != "subscription" => Ok(()),
        (entity, got) => Err(TestCaseError::fail(format!("{entity} decoded as {got:?}"))),
    }
}

/// `RawEvent` reads `body` as `Event` does: it parses when `event` is `Ok`, with the same
/// fields, `occurred_at` kept as sent, the same `data`, and the same decoded entity (or
/// the same refusal); it is refused when `event` is, except where only `Value`'s own
/// limits refuse `data` (a number past `f64`, nesting past 128), which it skips as valid
/// JSON text.
pub fn raw_agrees(
    body: &[u8],
    event: &Result<Event, serde_json::Error>,
) -> Result<(), TestCaseError> {
    let raw = RawEvent::parse(body);
    let value_limit = event.as_ref().is_err_and(|e| {
        let e = e.to_string();
        e.starts_with("recursion limit exceeded") || e.starts_with("number out of range")
    });
    prop_assert!(
        raw.is_ok() == event.is_ok() || (raw.is_ok() && value_limit),
        "raw {:?}, tree {:?}: {:?}",
        raw.as_ref().err(),
        event.as_ref().err(),
        String::from_utf8_lossy(body)
    );
    let (Ok(raw), Ok(event)) = (raw, event) else {
        return Ok(());
    };
    prop_assert_eq!(&raw.event_id, &event.event_id);
    prop_assert_eq!(&raw.notification_id, &event.notification_id);
    prop_assert_eq!(&*raw.event_type, event.event_type.as_str());
    prop_assert_eq!(raw.occurred_at.at, event.occurred_at);
    let sent: Value = serde_json::from_slice(body).unwrap();
    prop_assert_eq!(Some(&*raw.occurred_at.text), sent["occurred_at"].as_str());
    let data: Value = serde_json::from_str(raw.data.get()).unwrap();
    prop_assert!(
        same_json(&data, &event.data),
        "{} against {}",
        data,
        event.data
    );
    match (raw.decode(), event.decode()) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(_), Err(_)) => {}
        (a, b) => return Err(TestCaseError::fail(format!("raw {a:?}, tree {b:?}"))),
    }
    Ok(())
}

fn envelope_body() -> impl Strategy<Value = Vec<u8>> {
    let event_type = select(&["customer.created", "subscription.paused", "x.y", "customer"][..]);
    (event_type, value(), timestamp())
        .prop_map(|(t, data, at)| serde_json::to_vec(&envelope(t, data, &at.0)).unwrap())
}

/// Bodies that are not JSON, JSON that is no envelope, and envelopes with a byte broken.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        envelope_body(),
        (envelope_body(), any::<Index>(), 1u8..=255).prop_map(|(mut body, i, flip)| {
            let i = i.index(body.len());
            body[i] ^= flip;
            body
        }),
        (envelope_body(), any::<Index>()).prop_map(|(mut body, i)| {
            body.truncate(i.index(body.len()));
            body
        }),
    ]
}

#[test]
fn arbitrary_bodies_are_refused_or_parse_and_round_trip() {
    check("event_arbitrary_body", body(), |body| {
        let parsed = Event::parse(&body);
        raw_agrees(&body, &parsed)?;
        let Ok(event) = parsed else {
            return Ok(());
        };
        prop_assert!(serde_json::from_slice::<Value>(&body).is_ok());
        let again = Event::parse(&serde_json::to_vec(&event).unwrap()).unwrap();
        let fields = |e: &Event| {
            let ids = (e.event_id.clone(), e.notification_id.clone());
            (ids, e.event_type.clone(), e.occurred_at)
        };
        prop_assert_eq!(fields(&again), fields(&event));
        prop_assert!(
            same_json(&again.data, &event.data),
            "{} became {}",
            event.data,
            again.data
        );
        decode_follows_the_entity(&event)
    });
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    // serde_json stops at 128 levels; the envelope is one, each `open` one or two more.
    let nesting = select(&[("[", "]"), ("{\"a\":", "}"), ("[{\"data\":", "}]")][..]);
    let depth = prop_oneof![0usize..=60, 200usize..20_000];
    check(
        "event_deep_nesting",
        (depth, nesting),
        |(depth, (open, close))| {
            let whole = envelope("x.y", json!(0), "2024-04-12T10:18:49.621022Z").to_string();
            let (head, tail) = whole.split_once("\"data\":0").unwrap();
            let nested = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            let body = format!("{head}\"data\":{nested}{tail}");
            prop_assert_eq!(
                Event::parse(body.as_bytes()).is_ok(),
                depth <= 60,
                "depth {}",
                depth
            );
            // `RawEvent` skips `data` without recursing: any depth, and no overflow.
            prop_assert!(RawEvent::parse(body.as_bytes()).is_ok(), "depth {}", depth);
            // Cut inside the nesting: never an event, however deep.
            let cut = head.len() + "\"data\":".len() + open.len() * depth;
            prop_assert!(Event::parse(&body.as_bytes()[..cut]).is_err());
            prop_assert!(RawEvent::parse(&body.as_bytes()[..cut]).is_err());
            Ok(())
        },
    );
}
