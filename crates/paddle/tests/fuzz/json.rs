//! Generators of JSON: arbitrary values, RFC 3339 timestamps with the instant they
//! name, and ids.

use paddle::time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Words the decoder cares about, so arbitrary values sometimes hit a real field or type.
const WORDS: [&str; 20] = [
    "id",
    "event_id",
    "event_type",
    "occurred_at",
    "notification_id",
    "data",
    "email",
    "status",
    "items",
    "customer_id",
    "active",
    "canceled",
    "past_due",
    "customer.created",
    "subscription.updated",
    "transaction.paid",
    "monthly",
    "month",
    "automatic",
    "",
];

/// A valid id with `prefix`.
pub fn id(prefix: &'static str) -> impl Strategy<Value = String> {
    "[a-z0-9]{26}".prop_map(move |body| format!("{prefix}{body}"))
}

/// A string that is often meaningful to the decoder and sometimes anything at all.
pub fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(&WORDS[..]).prop_map(str::to_owned),
        any::<String>(),
        id("ctm_"),
        id("sub_"),
        id("evt_"),
        timestamp().prop_map(|(text, _)| text),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN and infinities become null
        string().prop_map(Value::String),
    ]
}

/// Any JSON value, nested a few levels deep.
pub fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((string(), inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// An RFC 3339 timestamp, as Paddle could write it, and the instant it names.
///
/// Any year of four digits, days up to 28 so every month has them, 0 to 9 fraction
/// digits (Paddle sends 6), `Z` or any offset up to ±23:59.
pub fn timestamp() -> impl Strategy<Value = (String, OffsetDateTime)> {
    let date = (0i32..=9999, 1u8..=12, 1u8..=28);
    let clock = (0u8..24, 0u8..60, 0u8..60, "[0-9]{0,9}");
    let offset = prop_oneof![Just(None), (any::<bool>(), 0i8..24, 0i8..60).prop_map(Some)];
    (date, clock, offset).prop_map(|((y, mo, d), (h, mi, s, frac), offset)| {
        let mut text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if !frac.is_empty() {
            text = format!("{text}.{frac}");
        }
        let nanos: u32 = format!("{frac:0<9}").parse().unwrap();
        let (sign, oh, om) =
            offset.map_or((1, 0, 0), |(neg, h, m)| (if neg { -1 } else { 1 }, h, m));
        match offset {
            None => text.push('Z'),
            Some(_) => text = format!("{text}{}{oh:02}:{om:02}", if sign < 0 { '-' } else { '+' }),
        }
        let date = Date::from_calendar_date(y, Month::try_from(mo).unwrap(), d).unwrap();
        let time = Time::from_hms_nano(h, mi, s, nanos).unwrap();
        let offset = UtcOffset::from_hms(sign * oh, sign * om, 0).unwrap();
        (
            text,
            PrimitiveDateTime::new(date, time).assume_offset(offset),
        )
    })
}

/// `a == b`, except that floats may differ in their last bits.
///
/// Without its `float_roundtrip` feature serde_json reads some floats (long mantissas,
/// extreme exponents) one or two units in the last place off, so JSON that went through
/// text twice can differ there. No field Paddock reads is a float.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            x.is_sign_negative() == y.is_sign_negative() && x.to_bits().abs_diff(y.to_bits()) <= 8
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}
