//! `sign` then `verify`: authentic within the time window, refused after any change.

use std::time::Duration;

use paddle::webhook::{VerifyError, sign, verify};
use proptest::prelude::*;
use proptest::sample::Index;
use secrecy::SecretString;

use crate::check;

fn secrets(keys: &[String]) -> Vec<SecretString> {
    keys.iter()
        .map(|k| SecretString::from(k.as_str()))
        .collect()
}

/// Unix seconds: mostly near today, sometimes anywhere a non-negative `i64` reaches.
pub fn unix_ts() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => 1_500_000_000i64..2_500_000_000,
        1 => 0..=i64::MAX,
        1 => prop_oneof![Just(0), Just(i64::MAX)],
    ]
}

/// What the window decides for a request signed at `ts` and checked at `now`.
fn expected(ts: i64, now: i64, age: u64, future: u64) -> Result<(), VerifyError> {
    let age_now = i128::from(now) - i128::from(ts);
    if age_now > i128::from(age) {
        Err(VerifyError::Stale)
    } else if -age_now > i128::from(future) {
        Err(VerifyError::Future)
    } else {
        Ok(())
    }
}

/// Seconds from `ts` to `now`.
#[derive(Debug, Clone)]
enum Drift {
    Any(i64),
    /// Relative to `max_age` after `ts`.
    AgeEdge(i64),
    /// Relative to `max_future` before `ts`.
    FutureEdge(i64),
}

#[test]
fn signed_bodies_verify_exactly_within_the_time_window() {
    let keys = (
        ".{0,64}",
        proptest::collection::vec(".{0,64}", 0..3),
        any::<Index>(),
    );
    // How far `now` is from `ts`: anywhere, or within a second of either edge of the window.
    let drift = prop_oneof![
        2 => (-2_000i64..2_000).prop_map(Drift::Any),
        1 => (-1i64..=1).prop_map(Drift::AgeEdge),
        1 => (-1i64..=1).prop_map(Drift::FutureEdge),
    ];
    let times = (unix_ts(), 0u64..900, 0u64..900, drift);
    let body = proptest::collection::vec(any::<u8>(), 0..1024);
    check(
        "signature_round_trip",
        (keys, times, body),
        |(keys, times, body)| {
            let (key, mut decoys, at) = keys;
            let (ts, age, future, drift) = times;
            let header = sign(&SecretString::from(key.as_str()), ts, &body);
            // Ours among others, anywhere in the list, as during a rotation.
            decoys.insert(at.index(decoys.len() + 1), key);
            let drift = match drift {
                Drift::Any(d) => d,
                Drift::AgeEdge(d) => age as i64 + d,
                Drift::FutureEdge(d) => -(future as i64) + d,
            };
            let now = ts.saturating_add(drift);
            let got = verify(
                &header,
                &body,
                &secrets(&decoys),
                now,
                Duration::from_secs(age),
                Duration::from_secs(future),
            );
            prop_assert_eq!(got, expected(ts, now, age, future), "{}", header);
            Ok(())
        },
    );
}

/// One change to an authentic request.
#[derive(Debug, Clone)]
enum Change {
    /// XOR one byte of the body.
    Body(Index, u8),
    /// Put a printable character in place of one of the header (not a case change).
    HeaderByte(Index, u8),
    /// Delete one character of the header.
    HeaderCut(Index),
    /// Claim another `ts` with the same `h1`.
    Ts(i64),
    /// Verify with a secret that differs in one character.
    Secret(Index, char),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Change::Body(i, x)),
        (any::<Index>(), 0x20u8..0x7f).prop_map(|(i, b)| Change::HeaderByte(i, b)),
        any::<Index>().prop_map(Change::HeaderCut),
        prop_oneof![-5i64..=5, any::<i64>()].prop_map(Change::Ts),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Change::Secret(i, c)),
    ]
}

#[test]
fn any_single_change_is_refused() {
    let body = proptest::collection::vec(any::<u8>(), 1..512);
    let input = (".{1,40}", unix_ts(), body, change());
    check("signature_tamper", input, |(key, ts, mut body, change)| {
        let mut header = sign(&SecretString::from(key.as_str()), ts, &body);
        let mut key = key;
        match change {
            Change::Body(i, x) => {
                let i = i.index(body.len());
                body[i] ^= x;
            }
            Change::HeaderByte(i, b) => {
                let i = i.index(header.len());
                let old = header.as_bytes()[i];
                if old.eq_ignore_ascii_case(&b) {
                    return Ok(()); // the same byte, or a hex digit in the other case
                }
                header.replace_range(i..=i, &char::from(b).to_string());
            }
            Change::HeaderCut(i) => {
                header.remove(i.index(header.len()));
            }
            Change::Ts(delta) => {
                let claimed = ts.checked_add(delta).filter(|&c| c >= 0 && c != ts);
                let claimed = claimed.unwrap_or(if ts == 0 { 1 } else { ts - 1 });
                let (_, h1) = header.split_once(';').unwrap();
                header = format!("ts={claimed};{h1}");
            }
            Change::Secret(i, c) => {
                let mut chars: Vec<char> = key.chars().collect();
                let i = i.index(chars.len());
                if chars[i] == c {
                    return Ok(());
                }
                chars[i] = c;
                key = chars.into_iter().collect();
            }
        }
        let forever = Duration::from_secs(u64::MAX);
        let got = verify(&header, &body, &secrets(&[key]), ts, forever, forever);
        prop_assert!(
            matches!(got, Err(VerifyError::Mismatch | VerifyError::Malformed)),
            "{:?} accepted: {}",
            got,
            header
        );
        Ok(())
    });
}
