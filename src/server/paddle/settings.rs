//! Which Paddle the app talks to: the local emulator, another Paddle-compatible API,
//! or the real one (sandbox or production), and the webhook secrets it accepts. Read
//! and checked at start-up with the other settings, handed down here typed.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

/// Paddle's two real environments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaddleEnvironment {
    Sandbox,
    Production,
}

impl PaddleEnvironment {
    /// The API's base URL.
    pub fn api_base(self) -> &'static str {
        match self {
            Self::Sandbox => paddle::client::SANDBOX_BASE_URL,
            Self::Production => paddle::client::LIVE_BASE_URL,
        }
    }

    /// The host every portal link of this environment must point at.
    pub fn portal_host(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox-customer-portal.paddle.com",
            Self::Production => "customer-portal.paddle.com",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }

    /// The environment an API key names: keys made since May 2025 say which they belong
    /// to (`pdl_live_apikey_…`, `pdl_sdbx_apikey_…`); older keys name none.
    pub fn of_key(key: &str) -> Option<Self> {
        if key.starts_with("pdl_live_apikey_") {
            Some(Self::Production)
        } else if key.starts_with("pdl_sdbx_apikey_") {
            Some(Self::Sandbox)
        } else {
            None
        }
    }
}

/// The embedded emulator's settings (local mode).
#[derive(Clone)]
pub struct LocalPaddle {
    pub emulator_addr: SocketAddr,
    /// Keys the emulator accepts; the app uses the first.
    pub api_keys: Vec<SecretString>,
    pub state_file: PathBuf,
    pub link_ttl: Duration,
}

/// The real Paddle API's settings (live mode).
#[derive(Clone)]
pub struct LivePaddle {
    pub api_key: SecretString,
    pub environment: PaddleEnvironment,
    /// `PADDLE_CHECKOUT_URL`: where the dashboard sends a user who has no Paddle customer
    /// yet (your pricing or checkout page); without it the panel names no link.
    pub checkout_url: Option<url::Url>,
}

/// A Paddle-compatible API at a URL of your choice: the standalone `paddle-emulator`
/// shared by several app instances, or a staging double. Not real money: the local mail
/// outbox stays allowed, as in local mode.
#[derive(Clone)]
pub struct RemotePaddle {
    /// `PADDLE_API_URL`: the API's base URL.
    pub api_url: url::Url,
    /// `PADDLE_API_KEY`: the key that API accepts.
    pub api_key: SecretString,
    /// `PADDLE_PORTAL_ORIGIN`: the only origin portal links may point at (default: the
    /// API URL's origin, where the standalone emulator serves its portal and checkout).
    pub portal_origin: url::Url,
}

/// Which Paddle: the embedded emulator (no `PADDLE_API_KEY`), another Paddle-compatible
/// API (`PADDLE_API_URL` with a key), or the real one (a key and `PADDLE_ENV`).
#[derive(Clone)]
pub enum PaddleMode {
    Local(LocalPaddle),
    Remote(RemotePaddle),
    Live(LivePaddle),
}

/// Everything about Paddle the server is configured with.
#[derive(Clone)]
pub struct PaddleSettings {
    pub mode: PaddleMode,
    /// `PADDLE_WEBHOOK_SECRETS`: any of them may sign a webhook (several during a rotation).
    /// Required in live mode; in local mode the first signs the emulator's deliveries, and
    /// without any a fresh secret is generated at each start.
    pub webhook_secrets: Vec<SecretString>,
    /// `PADDLE_WEBHOOK_TOLERANCE_SECS`: how old a webhook signature may be (replay window).
    pub webhook_tolerance: Duration,
    /// `PADDLE_TIMEOUT_SECS`: the whole-request timeout of every Paddle API call.
    pub timeout: Duration,
}

impl std::fmt::Debug for PaddleSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaddleSettings")
            .field("mode", &self.describe())
            .field(
                "webhook_secrets",
                &format!("[{} redacted]", self.webhook_secrets.len()),
            )
            .field("webhook_tolerance", &self.webhook_tolerance)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl PaddleSettings {
    /// The mode in words, for logs and tools: `local emulator on …` or `live sandbox`.
    pub fn describe(&self) -> String {
        match &self.mode {
            PaddleMode::Local(l) => format!("local emulator on {}", l.emulator_addr),
            PaddleMode::Remote(r) => format!("Paddle-compatible API at {}", r.api_url),
            PaddleMode::Live(l) => format!("live {}", l.environment.name()),
        }
    }

    /// The embedded emulator.
    pub fn is_local(&self) -> bool {
        matches!(self.mode, PaddleMode::Local(_))
    }

    /// Real Paddle (sandbox or production): real customers, real mail needed.
    pub fn is_live(&self) -> bool {
        matches!(self.mode, PaddleMode::Live(_))
    }
}
