//! `Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "{ts}:{raw body}">`.

use std::time::Duration;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

/// Name of the header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Paddle-Signature";

type HmacSha256 = Hmac<Sha256>;

/// Why a webhook signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The header is not `ts=<digits>;h1=<64 hex>[;h1=…]`.
    #[error("malformed Paddle-Signature header")]
    Malformed,
    /// No `h1` matches any configured secret (or no secret is configured).
    #[error("Paddle-Signature does not match")]
    Mismatch,
    /// Authentic, but signed longer ago than allowed: a possible replay.
    #[error("Paddle-Signature timestamp is too old")]
    Stale,
    /// Authentic, but signed further in the future than clocks can drift.
    #[error("Paddle-Signature timestamp is in the future")]
    Future,
}

/// The MAC state after `"{ts}:{body}"`; `None` only if HMAC refused the key.
fn mac(secret: &SecretString, ts: &str, body: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret.expose_secret().as_bytes()).ok()?;
    mac.update(ts.as_bytes());
    mac.update(b":");
    mac.update(body);
    Some(mac)
}

/// The `Paddle-Signature` header value for `body` signed at `ts` with `secret`.
pub fn sign(secret: &SecretString, ts: i64, body: &[u8]) -> String {
    let ts = ts.to_string();
    // HMAC takes keys of any length, so the empty fallback is never used.
    let digest = mac(secret, &ts, body)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default();
    format!("ts={ts};h1={digest}")
}

/// The parts of a header: `ts` as sent (it is signed as text) and each `h1` decoded.
struct Parsed<'a> {
    ts_text: &'a str,
    ts: i64,
    h1: Vec<[u8; 32]>,
}

fn parse(header: &str) -> Result<Parsed<'_>, VerifyError> {
    let mut ts = None;
    let mut h1 = Vec::new();
    for part in header.split(';') {
        let (key, value) = part.split_once('=').ok_or(VerifyError::Malformed)?;
        match key.trim() {
            "ts" => {
                let value = value.trim();
                let valid = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
                let number = value.parse::<i64>().ok().filter(|_| valid);
                match (ts, number) {
                    (None, Some(n)) => ts = Some((value, n)),
                    _ => return Err(VerifyError::Malformed),
                }
            }
            "h1" => {
                let mut digest = [0u8; 32];
                hex::decode_to_slice(value.trim(), &mut digest)
                    .map_err(|_| VerifyError::Malformed)?;
                h1.push(digest);
            }
            // Other schemes may appear later; they are not ours to judge.
            _ => {}
        }
    }
    let (ts_text, ts) = ts.ok_or(VerifyError::Malformed)?;
    if h1.is_empty() {
        return Err(VerifyError::Malformed);
    }
    Ok(Parsed { ts_text, ts, h1 })
}

/// Checks a `Paddle-Signature` header against the raw request body.
///
/// Accepts if any `h1` matches any of `secrets` (several during a rotation), compared
/// in constant time, and the timestamp lies within `max_age` before and `max_future`
/// after `now` (unix seconds). The MAC is checked first, so `Stale` and `Future` mean
/// the request was authentic.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[SecretString],
    now: i64,
    max_age: Duration,
    max_future: Duration,
) -> Result<(), VerifyError> {
    let parsed = parse(header)?;
    let matched = secrets.iter().any(|secret| {
        mac(secret, parsed.ts_text, body).is_some_and(|state| {
            parsed
                .h1
                .iter()
                .any(|digest| state.clone().verify_slice(digest).is_ok())
        })
    });
    if !matched {
        return Err(VerifyError::Mismatch);
    }
    let age = i128::from(now) - i128::from(parsed.ts);
    if age > i128::from(max_age.as_secs()) {
        return Err(VerifyError::Stale);
    }
    if -age > i128::from(max_future.as_secs()) {
        return Err(VerifyError::Future);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
