//! A request id on every request: kept from the caller when it is a sane token (so a
//! proxy's id carries through), made fresh otherwise, echoed in `x-request-id`.

use axum::extract::Request;
use axum::http::HeaderName;
use axum::middleware::Next;
use axum::response::Response;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Drops a caller's `x-request-id` that could forge or flood log lines, so that
/// `SetRequestIdLayer` makes a new one.
pub async fn drop_unsafe_request_id(mut req: Request, next: Next) -> Response {
    let unsafe_id = req
        .headers()
        .get(&REQUEST_ID)
        .is_some_and(|v| !is_safe(v.as_bytes()));
    if unsafe_id {
        req.headers_mut().remove(&REQUEST_ID);
    }
    next.run(req).await
}

fn is_safe(id: &[u8]) -> bool {
    (1..=64).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn accepts_uuids_and_rejects_log_forgery() {
        assert!(is_safe(b"3f2c8a9e-0d7b-4e1a-9c55-2b1f0e6d4a10"));
        assert!(!is_safe(b""));
        assert!(!is_safe(b"abc\nlevel=ERROR fake"));
        assert!(!is_safe(b"a b"));
        assert!(!is_safe(&[b'a'; 65]));
    }
}
