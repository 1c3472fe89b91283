//! Cross-site request refusal: a state-changing request must come from the app's own
//! pages. Browsers send `Origin` on such requests; `Referer` is the fallback. Paddle's
//! webhooks are signed, not same-origin: their route is outside this layer, with the
//! probes, which take only GET (`startup::router`). No other path is exempt.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Refuses POST/PUT/PATCH/DELETE whose `Origin` (or `Referer`) is not `own_origin`
/// (`PUBLIC_URL`'s).
pub async fn require_same_origin(
    State(own_origin): State<Arc<str>>,
    req: Request,
    next: Next,
) -> Response {
    let changes_state = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes_state && !from_own_origin(req.headers(), &own_origin) {
        tracing::warn!("cross-origin request refused");
        return (StatusCode::FORBIDDEN, "Cross-origin request refused.").into_response();
    }
    next.run(req).await
}

fn from_own_origin(headers: &axum::http::HeaderMap, own: &str) -> bool {
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.as_bytes() == own.as_bytes();
    }
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .is_some_and(|r| r.origin().ascii_serialization() == own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, HeaderValue};

    fn with(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).expect("header"));
        h
    }

    #[test]
    fn origin_or_referer_must_match() {
        let own = "http://127.0.0.1:3000";
        assert!(from_own_origin(&with(header::ORIGIN, own), own));
        assert!(!from_own_origin(
            &with(header::ORIGIN, "http://evil.example"),
            own
        ));
        assert!(!from_own_origin(&with(header::ORIGIN, "null"), own));
        assert!(from_own_origin(
            &with(header::REFERER, "http://127.0.0.1:3000/login?x=1"),
            own
        ));
        assert!(!from_own_origin(
            &with(header::REFERER, "http://127.0.0.1:3001/login"),
            own
        ));
        assert!(!from_own_origin(&HeaderMap::new(), own));
    }
}
