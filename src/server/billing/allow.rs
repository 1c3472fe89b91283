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

    /// Whether `raw` is a URL browsers may be sent to. It is handed out as it came, so it
    /// must be what the parser checked: URL parsing drops tabs and line breaks anywhere
    /// and spaces and control characters at the ends, which a `Location` header (the
    /// no-JavaScript form's redirect) cannot carry.
    pub fn allows(&self, raw: &str) -> bool {
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return false;
        }
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

    /// Whether every string in `value`, at any depth, that reads as a URL is one
    /// [`Self::allows`]: for output that passes a whole entity on (`paddock portal-session
    /// --json`), so that a link this version does not model cannot slip through unchecked.
    pub fn allows_every_url_in(&self, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match value {
            Value::String(s) => Url::parse(s).is_err() || self.allows(s),
            Value::Array(items) => items.iter().all(|v| self.allows_every_url_in(v)),
            Value::Object(fields) => fields.values().all(|v| self.allows_every_url_in(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => true,
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
            // What the parser would clean up, but a header cannot carry.
            "https://customer-portal.paddle.com/cpl_1\r\n",
            "https://customer-portal.paddle.com/cpl\t_1",
            " https://customer-portal.paddle.com/cpl_1",
            "https://customer-portal.paddle.com/cpl_1\u{0}",
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

    #[test]
    fn every_url_of_an_entity_is_checked_and_other_strings_are_not() {
        let ok = "https://customer-portal.paddle.com/cpl_1?action=overview&token=t";
        let mut entity = serde_json::json!({
            "id": "cpls_01h8x6n3a2j6z7qeqz8tq9w1k4",
            "customer_id": "ctm_01h8x6n3a2j6z7qeqz8tq9w1k4",
            "created_at": "2026-12-03T08:00:00.000Z",
            "urls": {
                "general": { "overview": ok },
                "subscriptions": [{ "id": "sub_01h8x6n3a2j6z7qeqz8tq9w1k4",
                    "cancel_subscription": ok, "view_subscription": ok }],
            },
        });
        assert!(LIVE.allows_every_url_in(&entity));
        entity["urls"]["subscriptions"][0]["view_subscription"] =
            serde_json::json!("https://evil.example/cpl_1?token=t");
        assert!(!LIVE.allows_every_url_in(&entity), "a link at any depth");
        entity["urls"]["subscriptions"][0]["view_subscription"] = serde_json::json!(ok);
        entity["later"] = serde_json::json!(["javascript:alert(1)"]);
        assert!(!LIVE.allows_every_url_in(&entity), "a field not modelled");
    }
}
