//! `Authorization: Bearer <api key>`, with Paddle's three ways to refuse it.

use axum::http::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use super::reply::ApiError;

/// Equal in time that depends only on the lengths, not on where bytes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks the header against the configured keys.
///
/// Missing → `authentication_missing`; not `<scheme> <token>` with scheme `Bearer` (any
/// case: the Node SDK sends `bearer`) → `authentication_malformed`; a key not configured →
/// `invalid_token`.
pub(crate) fn check(keys: &[SecretString], header: Option<&HeaderValue>) -> Result<(), ApiError> {
    let header = header.ok_or_else(ApiError::authentication_missing)?;
    let value = header
        .to_str()
        .map_err(|_| ApiError::authentication_malformed())?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(ApiError::authentication_malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer")
        || token.is_empty()
        || token.contains(char::is_whitespace)
    {
        return Err(ApiError::authentication_malformed());
    }
    let known = keys.iter().fold(false, |found, key| {
        found | same(key.expose_secret().as_bytes(), token.as_bytes())
    });
    if known {
        Ok(())
    } else {
        Err(ApiError::invalid_token())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "pdl_sdbx_apikey_01localpaddleemulator00000_LocalEmulatorNotSecret";

    fn code(header: Option<&str>) -> Option<String> {
        let keys = [SecretString::from(KEY)];
        let value = header.map(HeaderValue::from_str).and_then(Result::ok);
        check(&keys, value.as_ref())
            .err()
            .map(|e| e.code().to_owned())
    }

    #[test]
    fn accepts_a_configured_key_with_any_case_of_bearer() {
        assert_eq!(code(Some(&format!("Bearer {KEY}"))), None);
        assert_eq!(code(Some(&format!("bearer {KEY}"))), None);
        assert_eq!(code(Some(&format!("BEARER  {KEY} "))), None);
    }

    #[test]
    fn refuses_each_way_paddle_does() {
        assert_eq!(code(None).as_deref(), Some("authentication_missing"));
        for malformed in [
            "",
            "Bearer",
            "Bearer ",
            KEY,
            &format!("Basic {KEY}"),
            "Bearer a b",
        ] {
            assert_eq!(
                code(Some(malformed)).as_deref(),
                Some("authentication_malformed"),
                "{malformed:?}"
            );
        }
        assert_eq!(
            code(Some("Bearer pdl_live_apikey_other")).as_deref(),
            Some("invalid_token")
        );
        assert_eq!(
            code(Some(&format!("Bearer {KEY}x"))).as_deref(),
            Some("invalid_token")
        );
    }
}
