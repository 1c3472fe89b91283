//! Security headers on every response.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

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

/// Public build output (scripts, wasm, styles, icons) may be cached; nothing else may.
const CACHEABLE_EXTENSIONS: [&str; 8] = [
    ".js", ".wasm", ".css", ".ico", ".png", ".svg", ".woff2", ".map",
];

/// Whether a response to `path` may be kept by a browser or proxy: only the site's static
/// files. Pages show who is signed in, and answers carry portal URLs and tokens.
pub fn cacheable(path: &str) -> bool {
    CACHEABLE_EXTENSIONS.iter().any(|ext| path.ends_with(ext))
}

/// Adds the headers every response carries; a page's own CSP (with its nonce) is kept.
/// Everything but static files gets `Cache-Control: no-store`.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let private = !cacheable(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if private {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    res
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
        assert!(cacheable("/pkg/paddock.wasm"));
        assert!(cacheable("/pkg/paddock.js"));
        for private in [
            "/dashboard",
            "/api/portal/session",
            "/verify-email",
            "/dev/mail",
            "/",
        ] {
            assert!(!cacheable(private), "{private}");
        }
    }
}
