//! What an emulator is told at start: keys, state file, links, webhooks, origins.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

/// The API key accepted when none is configured: sandbox-shaped, fixed and obviously local.
///
/// Shape of a real key: `pdl_sdbx_apikey_` + 26 of `[a-z0-9]` + `_` + a 22-character secret.
pub const DEFAULT_API_KEY: &str =
    "pdl_sdbx_apikey_01localpaddleemulator00000_LocalEmulatorNotSecret";

/// A webhook secret for local runs, shaped like Paddle's `pdl_ntfset_…` secrets.
pub const DEFAULT_WEBHOOK_SECRET: &str =
    "pdl_ntfset_01localpaddleemulator00000_LocalEmulatorNotSecret";

/// Where the binary listens by default.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3900";

/// Where "Return to app" points by default: the app's own local address.
pub const DEFAULT_RETURN_URL: &str = "http://127.0.0.1:3000/";

/// A webhook destination: where deliveries go and the secret they are signed with.
#[derive(Clone, Debug)]
pub struct WebhookDestination {
    /// The endpoint that receives `POST`s.
    pub url: Url,
    /// The destination's secret (`pdl_ntfset_…` in Paddle); `Debug` redacts it.
    pub secret: SecretString,
}

/// How failed webhook deliveries are retried: exponential backoff.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Wait after the first failed attempt.
    pub initial_delay: Duration,
    /// Each further wait is the previous one times this (at least 1).
    pub factor: f64,
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// An attempt with no complete answer within this counts as failed.
    pub attempt_timeout: Duration,
}

impl Default for RetryPolicy {
    /// 1 s, 3 s, 9 s, 27 s: five attempts within a minute, each given Paddle's 5 seconds.
    fn default() -> Self {
        Self {
            initial_delay: Duration::from_secs(1),
            factor: 3.0,
            max_attempts: 5,
            attempt_timeout: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let factor = self.factor.max(1.0).powi(exponent);
        // Capped at a day, so a huge factor cannot overflow `Duration`.
        let secs = (self.initial_delay.as_secs_f64() * factor).min(86_400.0);
        Duration::from_secs_f64(secs)
    }
}

/// Everything an [`crate::Emulator`] needs. Start from [`Config::new`] and change fields.
#[derive(Clone, Debug)]
pub struct Config {
    /// API keys accepted in `Authorization: Bearer …`; at least one.
    pub api_keys: Vec<SecretString>,
    /// JSON file the state (customers, subscriptions) lives in; `None` keeps it in memory.
    /// Its folder is created at start, and not again if it is removed while running.
    pub state_file: Option<PathBuf>,
    /// How long writes to the state file wait to gather more changes.
    pub persist_debounce: Duration,
    /// How long a portal link (and a portal page's forms) stay usable.
    pub link_ttl: Duration,
    /// Webhook destinations at start; more can be added at run time.
    pub webhook_destinations: Vec<WebhookDestination>,
    /// Retries of failed webhook deliveries.
    pub retry: RetryPolicy,
    /// With chaos on, the longest random wait before a delivery (and its duplicate).
    pub chaos_max_delay: Duration,
    /// Origin the emulator is reached at, used in portal links and `pagination.next`.
    pub public_origin: Url,
    /// Where the portal's "Return to app" links point.
    pub return_url: Url,
    /// Origins the checkout page may redirect back to after a purchase.
    pub allowed_return_origins: Vec<Url>,
}

impl Config {
    /// A local setup: the [`DEFAULT_API_KEY`], state in memory, links valid for 10 minutes,
    /// no webhook destinations, and checkout allowed to return to `return_url`'s origin.
    pub fn new(public_origin: Url, return_url: Url) -> Self {
        Self {
            api_keys: vec![SecretString::from(DEFAULT_API_KEY)],
            state_file: None,
            persist_debounce: Duration::from_millis(200),
            link_ttl: Duration::from_secs(600),
            webhook_destinations: Vec::new(),
            retry: RetryPolicy::default(),
            chaos_max_delay: Duration::from_millis(100),
            public_origin,
            allowed_return_origins: vec![return_url.clone()],
            return_url,
        }
    }

    /// Whether `url`'s origin is one the checkout may redirect to.
    pub fn return_origin_allowed(&self, url: &Url) -> bool {
        let origin = url.origin();
        origin.is_tuple()
            && self
                .allowed_return_origins
                .iter()
                .any(|allowed| allowed.origin() == origin)
    }

    /// The public origin without a trailing slash, for building absolute URLs.
    pub(crate) fn origin_str(&self) -> String {
        self.public_origin.as_str().trim_end_matches('/').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_key_has_the_sandbox_shape() {
        let rest = DEFAULT_API_KEY.strip_prefix("pdl_sdbx_apikey_");
        let Some((id, secret)) = rest.and_then(|r| r.split_once('_')) else {
            panic!("no prefix or separator in {DEFAULT_API_KEY}");
        };
        assert_eq!(id.len(), 26);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
        assert_eq!(secret.len(), 22);
    }

    #[test]
    fn backoff_grows_by_the_factor() {
        let policy = RetryPolicy {
            initial_delay: Duration::from_millis(20),
            factor: 2.0,
            max_attempts: 4,
            attempt_timeout: Duration::from_secs(1),
        };
        let waits: Vec<_> = (1..=3).map(|n| policy.delay_after(n)).collect();
        assert_eq!(
            waits,
            [20, 40, 80].map(Duration::from_millis),
            "waits after attempts 1..3"
        );
    }

    #[test]
    fn only_configured_origins_are_allowed_back() {
        let (Ok(origin), Ok(back)) = (
            Url::parse("http://127.0.0.1:3900"),
            Url::parse(DEFAULT_RETURN_URL),
        ) else {
            panic!("constant URLs parse");
        };
        let config = Config::new(origin, back);
        let allowed = Url::parse("http://127.0.0.1:3000/billing?x=1").ok();
        let other = Url::parse("http://127.0.0.1:3001/").ok();
        let data = Url::parse("data:text/plain,hi").ok();
        assert_eq!(
            allowed.map(|u| config.return_origin_allowed(&u)),
            Some(true)
        );
        assert_eq!(other.map(|u| config.return_origin_allowed(&u)), Some(false));
        assert_eq!(data.map(|u| config.return_origin_allowed(&u)), Some(false));
    }
}
