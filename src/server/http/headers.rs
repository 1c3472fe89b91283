//! Security headers on every response, set by tower-http layers.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

/// For responses that are not pages (JSON, files, redirects): nothing may run or frame them.
const STRICT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of a rendered page: the app's own scripts and wasm, plus the one inline
/// loader Leptos writes, identified by this response's nonce. Nothing else runs. Forms
/// post to the app itself; `portal_origin` is where a portal button's form post is
/// redirected (browsers apply `form-action` to that redirect too), and nothing wider.
pub fn page_csp(nonce: &str, portal_origin: Option<&str>) -> String {
    let portal = portal_origin.map(|o| format!(" {o}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'{portal}; \
         frame-ancestors 'none'"
    )
}

/// Whether a response may be kept by a browser or proxy: only the site's static files
/// (scripts, wasm, styles, images, fonts), by their type. Pages show who is signed in;
/// answers and redirects carry portal URLs and tokens.
pub fn cacheable(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or_default().trim();
    matches!(
        mime,
        "text/javascript" | "application/javascript" | "application/wasm" | "text/css"
    ) || mime.starts_with("image/")
        || mime.starts_with("font/")
}

/// `Cache-Control: no-store` for every response but a static file's.
fn no_store_unless_static(res: &Response) -> Option<HeaderValue> {
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    (!cacheable(content_type)).then(|| HeaderValue::from_static("no-store"))
}

type Fixed = SetResponseHeaderLayer<HeaderValue>;
type NoStore = SetResponseHeaderLayer<fn(&Response) -> Option<HeaderValue>>;

/// The headers every response carries, as tower-http layers (a tuple is one layer,
/// outermost first). A page's own CSP (with its nonce) is kept; every other response
/// gets the strict one.
pub fn layers() -> (NoStore, Fixed, Fixed, Fixed, Fixed, Fixed, Fixed) {
    let fixed = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    (
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, no_store_unless_static as _),
        SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_CSP),
        ),
        fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        fixed(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        fixed(header::X_FRAME_OPTIONS, "DENY"),
        fixed(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        fixed(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_own_origin_and_the_nonce() {
        let csp = page_csp("abc123", Some("https://customer-portal.paddle.com"));
        assert!(csp.contains("form-action 'self' https://customer-portal.paddle.com;"));
        assert!(page_csp("n", None).contains("form-action 'self';"));
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("*"));
    }

    #[test]
    fn only_static_files_are_cacheable() {
        for public in [
            "application/wasm",
            "text/javascript",
            "text/css",
            "image/svg+xml",
        ] {
            assert!(cacheable(public), "{public}");
        }
        for private in [
            "text/html; charset=utf-8",
            "application/json",
            "text/plain",
            "",
        ] {
            assert!(!cacheable(private), "{private}");
        }
    }
}
