//! Where accounts meet HTTP: what a server function gathers and answers, the client
//! IP, and what pages learn about the visitor.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder};
use leptos::prelude::{ServerFnError, provide_context, use_context};
use leptos_axum::ResponseOptions;

use crate::api::codes::AuthError;
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
    /// A plain `<form>` post (no JavaScript): answer with a 303 redirect.
    html: bool,
}

impl Call {
    pub async fn gather() -> Result<Self, ServerFnError> {
        let auth: AuthSession = leptos_axum::extract().await?;
        let parts =
            use_context::<Parts>().ok_or_else(|| ServerFnError::new("no request in context"))?;
        let ip = client_ip(&parts, auth.backend.config.trust_forwarded_for);
        let html = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        Ok(Self { auth, ip, html })
    }

    /// Success goes to `to`; a failure goes back to `form` with `?error=code` (forms)
    /// or answers with its status and message (API clients).
    pub fn answer(
        &self,
        result: Result<String, Failure>,
        form: &str,
    ) -> Result<String, ServerFnError> {
        let response = use_context::<ResponseOptions>();
        let (error, status, retry) = match result {
            Ok(to) => {
                if self.html {
                    see_other(response.as_ref(), &to);
                }
                return Ok(to);
            }
            Err(Failure::Refused(e)) => (e, status_of(e), None),
            Err(Failure::Limited(wait)) => (
                AuthError::RateLimited,
                StatusCode::TOO_MANY_REQUESTS,
                Some(wait.as_secs().max(1)),
            ),
            Err(Failure::Busy) => (
                AuthError::Busy,
                StatusCode::SERVICE_UNAVAILABLE,
                Some(BUSY_RETRY_SECS),
            ),
            Err(Failure::Internal(e)) => {
                tracing::error!(error = %e, "account action failed");
                (AuthError::Server, StatusCode::INTERNAL_SERVER_ERROR, None)
            }
        };
        if let Some(res) = &response {
            res.set_status(status);
            if let Some(secs) = retry {
                res.insert_header(header::RETRY_AFTER, HeaderValue::from(secs));
            }
        }
        if self.html {
            let sep = if form.contains('?') { '&' } else { '?' };
            see_other(
                response.as_ref(),
                &format!("{form}{sep}error={}", error.code()),
            );
        }
        Err(ServerFnError::new(error.message()))
    }
}

/// What a 503 for saturated password hashing asks a client to wait, in seconds.
const BUSY_RETRY_SECS: u64 = 2;

fn see_other(response: Option<&ResponseOptions>, to: &str) {
    if let (Some(res), Ok(location)) = (response, HeaderValue::from_str(to)) {
        res.set_status(StatusCode::SEE_OTHER);
        res.insert_header(header::LOCATION, location);
    }
}

fn status_of(error: AuthError) -> StatusCode {
    match error {
        AuthError::Invalid | AuthError::VerifyPassword => StatusCode::UNAUTHORIZED,
        AuthError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        AuthError::BadEmail | AuthError::PasswordLength => StatusCode::UNPROCESSABLE_ENTITY,
        AuthError::TokenInvalid | AuthError::TokenUsed | AuthError::TokenExpired => {
            StatusCode::BAD_REQUEST
        }
        AuthError::Forbidden => StatusCode::FORBIDDEN,
        AuthError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AuthError::Server => StatusCode::INTERNAL_SERVER_ERROR,
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
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
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
    }

    #[test]
    fn login_url_keeps_slashes_readable() {
        assert_eq!(login_url("/dashboard"), "/login?next=/dashboard");
    }
}
