//! The allowlist every portal URL passes before it leaves the server: https on the
//! environment's portal host (live), or the emulator's origin (embedded or standalone).

use url::Url;

use crate::server::paddle::PaddleMode;

/// Where portal links may point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortalOrigin {
    /// Live: `https://{host}` on the default port.
    Https(&'static str),
    /// Local: exactly the emulator's origin (scheme, host, port).
    Emulator(Url),
}

impl PortalOrigin {
    /// The allowed origin for `mode`; `None` in local mode without an emulator origin.
    pub fn for_mode(mode: &PaddleMode, emulator_origin: Option<&Url>) -> Option<Self> {
        match mode {
            PaddleMode::Live(live) => Some(Self::Https(live.environment.portal_host())),
            PaddleMode::Local(_) | PaddleMode::Remote(_) => {
                emulator_origin.cloned().map(Self::Emulator)
            }
        }
    }

    /// The origin itself (`https://customer-portal.paddle.com`, or the emulator's), for
    /// the pages' CSP `form-action`: a form post's redirect goes there.
    pub fn origin(&self) -> String {
        match self {
            Self::Https(host) => format!("https://{host}"),
            Self::Emulator(url) => url.origin().ascii_serialization(),
        }
    }

    /// Whether `raw` is a URL browsers may be sent to.
    pub fn allows(&self, raw: &str) -> bool {
        let Ok(url) = Url::parse(raw) else {
            return false;
        };
        if !url.username().is_empty() || url.password().is_some() {
            return false;
        }
        match self {
            Self::Https(host) => {
                url.scheme() == "https" && url.host_str() == Some(host) && url.port().is_none()
            }
            Self::Emulator(origin) => url.origin() == origin.origin(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: PortalOrigin = PortalOrigin::Https("customer-portal.paddle.com");

    #[test]
    fn live_accepts_https_on_the_portal_host_only() {
        assert!(LIVE.allows("https://customer-portal.paddle.com/cpl_1?action=overview&token=t"));
        for bad in [
            "http://customer-portal.paddle.com/cpl_1",
            "https://customer-portal.paddle.com:8443/cpl_1",
            "https://customer-portal.paddle.com.evil.example/cpl_1",
            "https://evil.example/customer-portal.paddle.com",
            "https://user@customer-portal.paddle.com/cpl_1",
            "https://sandbox-customer-portal.paddle.com/cpl_1",
            "javascript:alert(1)",
            "/cpl_1",
            "",
        ] {
            assert!(!LIVE.allows(bad), "{bad} must be refused");
        }
    }

    #[test]
    fn local_accepts_the_emulator_origin_only() {
        let origin = Url::parse("http://127.0.0.1:3900").expect("url");
        let local = PortalOrigin::Emulator(origin);
        assert!(local.allows("http://127.0.0.1:3900/portal/cpl_1?token=t"));
        for bad in [
            "http://127.0.0.1:3901/portal/cpl_1",
            "https://127.0.0.1:3900/portal/cpl_1",
            "http://localhost:3900/portal/cpl_1",
            "https://customer-portal.paddle.com/cpl_1",
        ] {
            assert!(!local.allows(bad), "{bad} must be refused");
        }
    }
}
