//! The webhook envelope: it parses exactly when each of its five fields is valid, and
//! keeps what it was sent.

use paddle::Event;
use paddle::time::OffsetDateTime;
use proptest::option::weighted;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::check;
use crate::event::{decode_follows_the_entity, raw_agrees};
use crate::json::{id, same_json, string, timestamp, value};

/// An envelope field: `None` when missing, else the value and whether it is valid.
type Part = Option<(Value, bool)>;

fn part<V, I>(valid: V, invalid: I) -> impl Strategy<Value = Part>
where
    V: Strategy<Value = Value> + 'static,
    I: Strategy<Value = Value> + 'static,
{
    let present = prop_oneof![
        3 => valid.prop_map(|v| (v, true)),
        1 => invalid.prop_map(|v| (v, false)),
    ];
    weighted(0.9, present)
}

fn not_a_string() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        Just(json!([]))
    ]
}

fn id_part(prefix: &'static str, other: &'static str) -> impl Strategy<Value = Part> {
    let wrong = prop_oneof![
        id(other).prop_map(Value::String),
        id(prefix).prop_map(|s| Value::String(s.to_uppercase())),
        not_a_string(),
    ];
    part(id(prefix).prop_map(Value::String), wrong)
}

fn occurred_at_part() -> impl Strategy<Value = (Part, Option<OffsetDateTime>)> {
    let valid = timestamp().prop_map(|(text, at)| (Some((Value::String(text), true)), Some(at)));
    let no_offset = timestamp().prop_map(|(text, _)| {
        let cut = text.rfind(['Z', '+', '-']).filter(|&i| i > 10).unwrap();
        Value::String(text[..cut].to_owned())
    });
    let wrong = prop_oneof![
        no_offset,
        Just(json!("2024-13-01T00:00:00Z")),
        not_a_string()
    ];
    let invalid = weighted(0.9, wrong.prop_map(|v| (v, false))).prop_map(|p| (p, None));
    prop_oneof![3 => valid, 1 => invalid]
}

#[test]
fn envelopes_parse_exactly_when_every_part_is_valid() {
    let event_type = part(string().prop_map(Value::String), not_a_string());
    let data = weighted(0.9, value().prop_map(|v| (v, true)));
    let extra = proptest::collection::vec((string(), value()), 0..3);
    let parts = (id_part("evt_", "ntf_"), event_type, occurred_at_part());
    let strategy = (parts, id_part("ntf_", "evt_"), data, extra, any::<bool>());
    check(
        "event_envelope",
        strategy,
        |((eid, kind, (at, when)), nid, data, extra, pretty)| {
            let fields = [("event_id", eid), ("event_type", kind), ("occurred_at", at)];
            let fields = fields
                .into_iter()
                .chain([("notification_id", nid), ("data", data)]);
            let mut object = serde_json::Map::new();
            for (key, value) in extra {
                object.insert(format!("x_{key}"), value); // unknown fields are ignored
            }
            let mut valid = true;
            for (key, part) in fields {
                valid &= part.as_ref().is_some_and(|(_, ok)| *ok);
                if let Some((value, _)) = part {
                    object.insert(key.to_owned(), value);
                }
            }
            let value = Value::Object(object);
            let body = match pretty {
                true => serde_json::to_vec_pretty(&value).unwrap(),
                false => serde_json::to_vec(&value).unwrap(),
            };
            let parsed = Event::parse(&body);
            prop_assert_eq!(parsed.is_ok(), valid, "{}", value);
            raw_agrees(&body, &parsed)?;
            let Ok(event) = parsed else { return Ok(()) };
            prop_assert_eq!(Some(event.occurred_at), when);
            prop_assert_eq!(Some(event.event_id.as_str()), value["event_id"].as_str());
            prop_assert_eq!(
                Some(event.notification_id.as_str()),
                value["notification_id"].as_str()
            );
            prop_assert_eq!(
                Some(event.event_type.as_str()),
                value["event_type"].as_str()
            );
            prop_assert!(same_json(&event.data, &value["data"]), "{}", value);
            decode_follows_the_entity(&event)
        },
    );
}
