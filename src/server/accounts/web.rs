//! Where accounts meet HTTP: what a server function gathers and answers (the
//! framework's redirect, the error's status), the client IP, and what pages learn
//! about the visitor.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder};
use leptos::prelude::{provide_context, use_context};
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_axum::ResponseOptions;
use url::Position;

use crate::api::auth::AuthError;
use crate::app::session::Viewer;
use crate::server::accounts::sessions::{self, Store};
use crate::server::accounts::{AuthSession, Backend, Failure};
use crate::server::state::AppState;

/// The axum-login layer: sessions in the app's database, users from `Backend`.
pub fn auth_layer(state: &AppState) -> AuthManagerLayer<Backend, Store> {
    let settings = &state.settings;
    let backend = Backend::new(
        state.db.clone(),
        settings.accounts.clone(),
        settings.public_origin(),
        state.limits.clone(),
    );
    let days = settings.accounts.session_inactivity_days;
    let sessions = sessions::layer(&state.db, days, settings.is_https());
    AuthManagerLayerBuilder::new(backend, sessions).build()
}

/// What an account server function needs from its request.
pub struct Call {
    pub auth: AuthSession,
    pub ip: IpAddr,
}

impl Call {
    pub async fn gather() -> Result<Self, AuthError> {
        let auth: AuthSession = leptos_axum::extract().await.map_err(|e| {
            tracing::error!(error = %e, "no auth session in the request");
            AuthError::Server
        })?;
        let parts = use_context::<Parts>().ok_or(AuthError::Server)?;
        let ip = client_ip(&parts, auth.backend.config.trust_forwarded_for);
        Ok(Self { auth, ip })
    }

    /// The answer of the server function `F`. Success: `to`, the next page, where
    /// `leptos_axum::redirect` sends a browser's form post (a script gets it as the
    /// body). Failure: the error with its status (and `Retry-After`) for a script, and
    /// for a browser's form post a redirect back to `form` with the error in the URL,
    /// the framework's way (`ServerFnUrlError`), which the page shows in words.
    pub fn answer<F: ServerFn>(
        &self,
        result: Result<String, Failure>,
        form: &str,
    ) -> Result<String, AuthError> {
        let error = match result {
            Ok(to) => {
                redirect(&to);
                return Ok(to);
            }
            Err(failure) => AuthError::from(failure),
        };
        if let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(status(&error));
            if let Some(secs) = retry_after(&error) {
                res.insert_header(header::RETRY_AFTER, HeaderValue::from(secs));
            }
        }
        // After the status: for a form post the redirect's 302 replaces it; a script
        // keeps it.
        match self.back_with(F::PATH, &error, form) {
            Some(back) => redirect(&back),
            None => tracing::error!("no URL to carry an account error back to its form"),
        }
        Err(error)
    }

    /// `form` with `error` of the function at `path` in its query (relative, like the
    /// other redirects).
    fn back_with(&self, path: &str, error: &AuthError, form: &str) -> Option<String> {
        let base = url::Url::parse(&self.auth.backend.public_origin)
            .ok()?
            .join(form)
            .ok()?;
        let url = ServerFnUrlError::new(path, error.clone())
            .to_url(base.as_str())
            .ok()?;
        Some(url[Position::BeforePath..].to_owned())
    }
}

/// The framework's redirect: a 302 for a browser's form post, a header for its own
/// client (a script keeps the status). Only for a valid header value, as it panics on
/// others (every location here is built or checked by this module).
fn redirect(to: &str) {
    if HeaderValue::from_str(to).is_ok() {
        leptos_axum::redirect(to);
    }
}

/// What a 503 for saturated password hashing asks a client to wait, in seconds.
const BUSY_RETRY_SECS: u64 = 2;

/// The `Retry-After` of `error`, in seconds.
fn retry_after(error: &AuthError) -> Option<u64> {
    match error {
        AuthError::RateLimited { retry_after } => Some(*retry_after),
        AuthError::Busy => Some(BUSY_RETRY_SECS),
        _ => None,
    }
}

/// The status a script sees for `error`.
fn status(error: &AuthError) -> StatusCode {
    match error {
        AuthError::Invalid | AuthError::VerifyPassword => StatusCode::UNAUTHORIZED,
        AuthError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AuthError::BadEmail | AuthError::PasswordLength => StatusCode::UNPROCESSABLE_ENTITY,
        AuthError::TokenInvalid | AuthError::TokenUsed | AuthError::TokenExpired => {
            StatusCode::BAD_REQUEST
        }
        AuthError::Forbidden => StatusCode::FORBIDDEN,
        AuthError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AuthError::Server | AuthError::ServerFn { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The TCP peer, or with `TRUST_X_FORWARDED_FOR` the last address the proxy appended
/// (the port must then be reachable only through that proxy: anyone else could name any
/// address).
pub fn client_ip(parts: &Parts, trust_forwarded_for: bool) -> IpAddr {
    if trust_forwarded_for && let Some(ip) = forwarded_for(&parts.headers) {
        return ip;
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The last entry of the last `X-Forwarded-For` header: what the nearest proxy appended
/// (earlier entries are the client's own word). Proxies write `ip`, `ip:port`,
/// `[v6]` or `[v6]:port`.
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    // The last entry alone is read: bytes a client put before it (not UTF-8, say) must
    // not turn the whole header unreadable and the client into the proxy's address.
    let value = headers.get_all("x-forwarded-for").iter().next_back()?;
    let entry = value.as_bytes().rsplit(|&b| b == b',').next()?;
    let last = std::str::from_utf8(entry).ok()?.trim();
    if let Ok(ip) = last.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = last.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    last.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// A local path to return to after log-in: one leading `/`, no `//`, no `\`, no scheme.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let ok = next.starts_with('/')
        && !next.contains("//")
        && !next.contains('\\')
        && !next.contains(':')
        && !next.chars().any(char::is_control);
    ok.then(|| next.to_owned())
}

/// `path?token=…`: a form page that keeps a still-usable mailed token.
pub fn with_token(path: &str, token: &str) -> String {
    let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    format!("{path}?token={token}")
}

/// `/login?next=…` for a visitor who must sign in first.
pub fn login_url(next: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("/login?next={}", encoded.replace("%2F", "/"))
}

/// Per page render: tells the pages who is visiting (nothing else: each page loads its
/// own data).
pub fn provide_viewer() {
    let Some(parts) = use_context::<Parts>() else {
        return;
    };
    if let Some(user) = parts
        .extensions
        .get::<AuthSession>()
        .and_then(|a| a.user.clone())
    {
        provide_context(Viewer {
            email: user.email.to_string(),
            verified: user.email_verified,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_accepts_only_local_paths() {
        assert_eq!(safe_next(Some("/dashboard")).as_deref(), Some("/dashboard"));
        assert_eq!(safe_next(Some("/a/b?c=d")).as_deref(), Some("/a/b?c=d"));
        for bad in [
            "",
            "dashboard",
            "//evil.example",
            "/\\evil",
            "https://evil.example",
            "/x//y",
            "/a:b",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn the_forwarded_for_entry_is_the_one_the_proxy_appended() {
        let ip = |values: &[&str]| {
            let mut h = HeaderMap::new();
            for v in values {
                h.append("x-forwarded-for", HeaderValue::from_str(v).expect("ascii"));
            }
            forwarded_for(&h)
        };
        let v4: IpAddr = "203.0.113.7".parse().expect("ip");
        let v6: IpAddr = "2001:db8::1".parse().expect("ip");
        assert_eq!(ip(&["1.1.1.1, 203.0.113.7"]), Some(v4));
        assert_eq!(ip(&["1.1.1.1", "203.0.113.7:4711"]), Some(v4));
        assert_eq!(ip(&["2001:db8::1"]), Some(v6));
        assert_eq!(ip(&["[2001:db8::1]:443"]), Some(v6));
        assert_eq!(ip(&["9.9.9.9, [2001:db8::1]"]), Some(v6));
        assert_eq!(ip(&["203.0.113.7, not-an-ip"]), None, "no guessing");
        assert_eq!(ip(&[]), None);
        // What the client wrote before the proxy's entry cannot hide it, bytes that are
        // not UTF-8 included.
        let mut h = HeaderMap::new();
        let raw = HeaderValue::from_bytes(b"\x80\xff, 203.0.113.7").expect("opaque bytes");
        h.append("x-forwarded-for", raw);
        assert_eq!(forwarded_for(&h), Some(v4));
    }

    #[test]
    fn login_url_keeps_slashes_readable() {
        assert_eq!(login_url("/dashboard"), "/login?next=/dashboard");
    }
}
