//! The `Paddle-Signature` grammar: `;`-separated `key=value` fields, spaces around keys
//! and values, `ts` exactly once (digits), one or more `h1` (64 hex digits, several during
//! a secret rotation), unknown fields ignored, in any order.

use std::time::Duration;

use paddle::webhook::{VerifyError, sign, verify};
use proptest::prelude::*;
use proptest::sample::Index;
use secrecy::SecretString;

use crate::check;
use crate::signature::unix_ts;

/// One field of a header.
#[derive(Debug, Clone)]
enum Field {
    /// `ts=…`, and whether the value is a valid timestamp.
    Ts(String, bool),
    /// `h1=…`, and whether the value is 64 hex digits.
    H1(String, bool),
    /// Another scheme, such as a future `h2`.
    Other(String, String),
    /// A part with no `=` (an empty one included).
    Bare(String),
}

fn ts_field() -> impl Strategy<Value = Field> {
    let valid = prop_oneof![
        (0..=i64::MAX).prop_map(|n| n.to_string()),
        "0{1,3}[0-9]{1,9}", // leading zeros: still digits, signed as written
    ];
    let invalid = prop_oneof![
        Just(String::new()),
        "[-+][0-9]{1,10}",
        "[0-9]{1,5}[.,a-zA-Z _][0-9]{1,5}",
        (i64::MAX as u64 + 1..=u64::MAX).prop_map(|n| n.to_string()),
        "[1-9][0-9]{19,30}",
        "[٠-٩]{1,5}", // digits, but not ASCII ones
    ];
    prop_oneof![
        3 => valid.prop_map(|v| Field::Ts(v, true)),
        1 => invalid.prop_map(|v| Field::Ts(v, false)),
    ]
}

fn h1_field() -> impl Strategy<Value = Field> {
    let invalid = prop_oneof![
        "[0-9a-f]{0,63}",
        "[0-9a-f]{65,130}",
        "[0-9a-f]{10}[g-zG-Z:; ][0-9a-f]{53}",
        "[0-9a-f]{30} [0-9a-f]{34}",
    ];
    prop_oneof![
        3 => "[0-9a-fA-F]{64}".prop_map(|v| Field::H1(v, true)),
        1 => invalid.prop_map(|v| Field::H1(v, false)),
    ]
}

fn other_field() -> impl Strategy<Value = Field> {
    let key = "[a-z0-9]{0,4}".prop_filter("a known key", |k| k != "ts" && k != "h1");
    (key, "[^;]{0,20}").prop_map(|(k, v)| Field::Other(k, v))
}

fn field() -> impl Strategy<Value = Field> {
    prop_oneof![
        3 => ts_field(),
        3 => h1_field(),
        2 => other_field(),
        1 => "[^;=]{0,8}".prop_map(Field::Bare),
    ]
}

/// Spaces and tabs to put around keys and values: `(before key, after key, before value, after value)`.
type Pads = (String, String, String, String);

fn pads() -> impl Strategy<Value = Pads> {
    let ws = || prop_oneof![3 => Just(String::new()), 1 => "[ \t]{1,3}"];
    (ws(), ws(), ws(), ws())
}

fn render(fields: &[(Field, Pads)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(field, (a, b, c, d))| match field {
            Field::Ts(v, _) => format!("{a}ts{b}={c}{v}{d}"),
            Field::H1(v, _) => format!("{a}h1{b}={c}{v}{d}"),
            Field::Other(k, v) => format!("{a}{k}{b}={c}{v}"),
            Field::Bare(s) => s.clone(),
        })
        .collect();
    parts.join(";")
}

const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn headers_are_malformed_exactly_when_the_grammar_says_so() {
    let fields = proptest::collection::vec((field(), pads()), 0..7);
    check("signature_grammar", fields, |fields| {
        let ts_count = fields
            .iter()
            .filter(|(f, _)| matches!(f, Field::Ts(..)))
            .count();
        let h1_count = fields
            .iter()
            .filter(|(f, _)| matches!(f, Field::H1(..)))
            .count();
        let all_valid = fields.iter().all(|(f, _)| match f {
            Field::Ts(_, ok) | Field::H1(_, ok) => *ok,
            Field::Other(..) => true,
            Field::Bare(_) => false,
        });
        let well_formed = all_valid && ts_count == 1 && h1_count >= 1;
        let header = render(&fields);
        let got = verify(&header, b"{}", &[SecretString::from("k")], 0, HOUR, HOUR);
        // A random h1 never matches: a well-formed header is a mismatch, checked before time.
        let want = if well_formed {
            VerifyError::Mismatch
        } else {
            VerifyError::Malformed
        };
        prop_assert_eq!(got, Err(want), "{:?}", header);
        Ok(())
    });
}

#[test]
fn authentic_headers_verify_in_any_layout_paddle_allows() {
    let decoys = proptest::collection::vec("[0-9a-fA-F]{64}", 0..3);
    let others = proptest::collection::vec(other_field(), 0..3);
    let shuffle = proptest::collection::vec(any::<Index>(), 8);
    let layout = (
        decoys,
        others,
        proptest::collection::vec(pads(), 8),
        shuffle,
    );
    let input = (
        ".{0,40}",
        unix_ts(),
        proptest::collection::vec(any::<u8>(), 0..256),
    );
    check(
        "signature_layouts",
        (input, layout, any::<bool>()),
        |(input, layout, upper)| {
            let (key, ts, body) = input;
            let (decoys, others, pads, shuffle) = layout;
            let signed = sign(&SecretString::from(key.as_str()), ts, &body);
            let (ts_text, ours) = signed.trim_start_matches("ts=").split_once(";h1=").unwrap();
            let hex = if upper {
                ours.to_uppercase()
            } else {
                ours.to_owned()
            };
            let mut fields = vec![Field::Ts(ts_text.to_owned(), true), Field::H1(hex, true)];
            fields.extend(decoys.into_iter().map(|d| Field::H1(d, true)));
            fields.extend(others);
            for i in (1..fields.len()).rev() {
                fields.swap(i, shuffle[i].index(i + 1));
            }
            let mut fields: Vec<_> = fields.into_iter().zip(pads).collect();
            let secrets = [SecretString::from(key.as_str())];
            let verify_at_ts = |header: &str| verify(header, &body, &secrets, ts, HOUR, HOUR);
            let header = render(&fields);
            prop_assert_eq!(verify_at_ts(&header), Ok(()), "{:?}", header);
            // Without our h1 the rest is a mismatch (other h1 left) or malformed (none left).
            fields.retain(|(f, _)| !matches!(f, Field::H1(h, _) if h.eq_ignore_ascii_case(ours)));
            let left = fields
                .iter()
                .filter(|(f, _)| matches!(f, Field::H1(..)))
                .count();
            let want = if left > 0 {
                VerifyError::Mismatch
            } else {
                VerifyError::Malformed
            };
            prop_assert_eq!(verify_at_ts(&render(&fields)), Err(want));
            Ok(())
        },
    );
}

#[test]
fn arbitrary_headers_are_refused() {
    let header = prop_oneof![
        any::<String>(),
        "[ts h1=;0-9a-f]{0,80}",
        "ts=[0-9]{1,12};h1=.{0,70}"
    ];
    check("signature_arbitrary", header, |header| {
        let got = verify(&header, b"{}", &[SecretString::from("k")], 0, HOUR, HOUR);
        prop_assert!(matches!(
            got,
            Err(VerifyError::Malformed | VerifyError::Mismatch)
        ));
        Ok(())
    });
}
