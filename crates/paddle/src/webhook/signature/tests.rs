#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use std::time::Duration;

use secrecy::SecretString;

use super::*;

const NOW: i64 = 1_671_552_777;
const AGE: Duration = Duration::from_secs(5);
const FUTURE: Duration = Duration::from_secs(5);
const BODY: &[u8] = br#"{"event_id":"evt_01hv6y1jtn1fr98zq3cvarxx2e","data":{}}"#;

fn secret(s: &str) -> SecretString {
    SecretString::from(s)
}

fn check(header: &str, body: &[u8], secrets: &[SecretString]) -> Result<(), VerifyError> {
    verify(header, body, secrets, NOW, AGE, FUTURE)
}

/// The `h1` part of a header made by `sign`.
fn h1_of(header: &str) -> &str {
    header.split_once(";h1=").map(|(_, h)| h).unwrap()
}

#[test]
fn sign_matches_an_independent_hmac_of_ts_colon_body() {
    // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published
    // test vector; here the message is split as "{ts}:{body}".
    let header = sign(
        &secret("key"),
        0,
        b"The quick brown fox jumps over the lazy dog",
    );
    let mut mac = HmacSha256::new_from_slice(b"key").unwrap();
    mac.update(b"0:The quick brown fox jumps over the lazy dog");
    let expected = hex::encode(mac.finalize().into_bytes());
    assert_eq!(header, format!("ts=0;h1={expected}"));
    assert_eq!(h1_of(&header).len(), 64);
    assert!(
        h1_of(&header)
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    );
}

#[test]
fn accepts_a_valid_signature() {
    let header = sign(&secret("pdl_ntfset_a"), NOW, BODY);
    assert_eq!(check(&header, BODY, &[secret("pdl_ntfset_a")]), Ok(()));
}

#[test]
fn refuses_a_wrong_secret() {
    let header = sign(&secret("pdl_ntfset_a"), NOW, BODY);
    assert_eq!(
        check(&header, BODY, &[secret("pdl_ntfset_b")]),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn refuses_when_no_secret_is_configured() {
    let header = sign(&secret("pdl_ntfset_a"), NOW, BODY);
    assert_eq!(check(&header, BODY, &[]), Err(VerifyError::Mismatch));
}

#[test]
fn accepts_when_the_second_secret_matches() {
    let header = sign(&secret("new"), NOW, BODY);
    assert_eq!(
        check(&header, BODY, &[secret("old"), secret("new")]),
        Ok(())
    );
}

#[test]
fn accepts_when_one_of_several_h1_matches() {
    let other = sign(&secret("retired"), NOW, BODY);
    let ours = sign(&secret("current"), NOW, BODY);
    let header = format!("ts={NOW};h1={};h1={}", h1_of(&other), h1_of(&ours));
    assert_eq!(check(&header, BODY, &[secret("current")]), Ok(()));
    let neither = format!("ts={NOW};h1={};h1={}", h1_of(&other), "0".repeat(64));
    assert_eq!(
        check(&neither, BODY, &[secret("current")]),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn refuses_a_stale_timestamp_but_accepts_the_edge() {
    let s = [secret("k")];
    let edge = sign(&s[0], NOW - 5, BODY);
    assert_eq!(check(&edge, BODY, &s), Ok(()));
    let stale = sign(&s[0], NOW - 6, BODY);
    assert_eq!(check(&stale, BODY, &s), Err(VerifyError::Stale));
}

#[test]
fn refuses_a_future_timestamp_but_accepts_the_edge() {
    let s = [secret("k")];
    let edge = sign(&s[0], NOW + 5, BODY);
    assert_eq!(check(&edge, BODY, &s), Ok(()));
    let future = sign(&s[0], NOW + 6, BODY);
    assert_eq!(check(&future, BODY, &s), Err(VerifyError::Future));
}

#[test]
fn a_forged_old_request_is_a_mismatch_not_stale() {
    let header = format!("ts={};h1={}", NOW - 3600, "ab".repeat(32));
    assert_eq!(
        check(&header, BODY, &[secret("k")]),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn refuses_malformed_headers() {
    let good = sign(&secret("k"), NOW, BODY);
    let h1 = h1_of(&good).to_owned();
    let cases = [
        String::new(),
        "garbage".to_owned(),
        "ts=;h1=".to_owned(),
        format!("h1={h1}"),                         // missing ts
        format!("ts={NOW}"),                        // missing h1
        format!("ts=abc;h1={h1}"),                  // non-numeric ts
        format!("ts=-{NOW};h1={h1}"),               // signed ts
        format!("ts={NOW};ts={NOW};h1={h1}"),       // two ts
        format!("ts={NOW};h1=xyz"),                 // not hex
        format!("ts={NOW};h1={}", &h1[..62]),       // short digest
        format!("ts={NOW};h1={h1}00"),              // long digest
        format!("ts={NOW},h1={h1}"),                // wrong separator
        format!("ts={NOW};h1={h1};"),               // trailing empty part
        format!("ts=99999999999999999999;h1={h1}"), // ts overflows i64
    ];
    for header in &cases {
        assert_eq!(
            check(header, BODY, &[secret("k")]),
            Err(VerifyError::Malformed),
            "header {header:?}"
        );
    }
}

#[test]
fn ignores_unknown_schemes_and_spaces() {
    let good = sign(&secret("k"), NOW, BODY);
    let header = format!(" ts={NOW} ; h2=whatever ; h1={} ", h1_of(&good));
    assert_eq!(check(&header, BODY, &[secret("k")]), Ok(()));
}

#[test]
fn accepts_upper_case_hex() {
    let good = sign(&secret("k"), NOW, BODY);
    let header = format!("ts={NOW};h1={}", h1_of(&good).to_uppercase());
    assert_eq!(check(&header, BODY, &[secret("k")]), Ok(()));
}

#[test]
fn verifies_non_ascii_bodies_over_their_raw_bytes() {
    let body = "{\"name\":\"Zoë Ångström 東京 🚀\",\"city\":\"Zürich\"}".as_bytes();
    let header = sign(&secret("k"), NOW, body);
    assert_eq!(check(&header, body, &[secret("k")]), Ok(()));
    // The same text with "ë" escaped is the same JSON but not the same bytes.
    let reencoded = "{\"name\":\"Zo\\u00eb Ångström 東京 🚀\",\"city\":\"Zürich\"}".as_bytes();
    assert_eq!(
        check(&header, reencoded, &[secret("k")]),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn refuses_a_tampered_body() {
    let header = sign(&secret("k"), NOW, BODY);
    let tampered = String::from_utf8(BODY.to_vec())
        .unwrap()
        .replace("evt_01", "evt_02");
    assert_eq!(
        check(&header, tampered.as_bytes(), &[secret("k")]),
        Err(VerifyError::Mismatch)
    );
    assert_eq!(
        check(&header, &BODY[..BODY.len() - 1], &[secret("k")]),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn refuses_a_changed_timestamp() {
    let header = sign(&secret("k"), NOW, BODY);
    let moved = header.replacen(&NOW.to_string(), &(NOW - 1).to_string(), 1);
    assert_eq!(
        check(&moved, BODY, &[secret("k")]),
        Err(VerifyError::Mismatch)
    );
}

// Property tests of sign and verify (round trips, tampering, the header grammar): see
// crates/paddle/tests/fuzz/.
