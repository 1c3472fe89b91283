//! Plain HTML pages: escaping, the shared layout, and the headers every page gets.
//!
//! No script at all and one stylesheet from the emulator itself, so a strict
//! Content-Security-Policy holds.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Path of the stylesheet all pages link to.
pub(crate) const STYLESHEET_PATH: &str = "/assets/emulator.css";

const STYLESHEET: &str = "\
body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#1a1a1a}\
header{border-bottom:1px solid #ccc;margin-bottom:1rem}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;\
border-bottom:1px solid #ddd;vertical-align:top}\
form{margin:.5rem 0}fieldset{border:1px solid #ccc}\
button{font:inherit;padding:.3rem .8rem}\
.error{color:#a00000;font-weight:bold}.note{color:#444}\
footer{margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}";

/// The policy for portal pages: forms post back to the emulator only.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; form-action 'self'; \
base-uri 'none'; frame-ancestors 'none'";

/// Escapes text for use in element content and in double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole page: `main` is trusted HTML; `return_url`, if any, becomes the footer link.
pub(crate) fn layout(title: &str, main: &str, return_url: Option<&str>) -> String {
    let footer = return_url.map_or_else(String::new, |url| {
        format!(
            "<footer><a href=\"{}\">Return to app</a></footer>",
            escape(url)
        )
    });
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\">\
<title>{title} · Paddle emulator</title>\
<link rel=\"stylesheet\" href=\"{STYLESHEET_PATH}\"></head>\
<body><header><p>Paddle emulator: a local stand-in, no real payments.</p></header>\
<main>{main}</main>{footer}</body></html>\n",
        title = escape(title),
    )
}

/// An HTML answer that is never cached or leaked through `Referer` (URLs carry tokens).
pub(crate) fn respond(status: StatusCode, html: String, csp: &str) -> Response {
    let csp = HeaderValue::from_str(csp).unwrap_or(HeaderValue::from_static(CSP));
    let headers = [
        (
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (HeaderName::from_static("content-security-policy"), csp),
    ];
    (status, headers, html).into_response()
}

/// `GET /assets/emulator.css`.
pub(crate) async fn stylesheet() -> Response {
    let headers = [
        (
            CONTENT_TYPE,
            HeaderValue::from_static("text/css; charset=utf-8"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("max-age=3600")),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    (headers, STYLESHEET).into_response()
}

/// The answer to `HEAD` on a one-time link: 405, so that a link checker or a preview bot
/// does not use the link up before the person it was made for opens it (axum would
/// otherwise run the `GET` handler, which redeems it).
pub(crate) async fn one_time_head() -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET")]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn layout_has_a_return_link_only_when_asked() {
        let with = layout("T", "<p>x</p>", Some("http://a/?q=1&r=2"));
        assert!(with.contains(r#"<a href="http://a/?q=1&amp;r=2">Return to app</a>"#));
        assert!(!layout("T", "", None).contains("<a "));
        assert!(!with.contains("<script"));
    }
}
