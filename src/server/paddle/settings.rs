//! Which Paddle the app talks to: the local emulator (no `PADDLE_API_KEY`) or the real
//! API (sandbox or production), and the webhook secrets it accepts.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::server::settings::{SettingsError, Source};

/// Where the embedded emulator listens unless `PADDLE_EMULATOR_ADDR` says otherwise.
pub const DEFAULT_EMULATOR_ADDR: &str = "127.0.0.1:3900";

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
    /// Reads the `PADDLE_*` variables; `data_dir` holds the emulator's state by default.
    pub fn from_source(src: &dyn Source, data_dir: &Path) -> Result<Self, SettingsError> {
        let webhook_secrets = secrets_list(src.get("PADDLE_WEBHOOK_SECRETS"));
        let mode = match (src.get("PADDLE_API_URL"), src.get("PADDLE_API_KEY")) {
            (Some(url), key) => {
                if webhook_secrets.is_empty() {
                    return Err(SettingsError::new(
                        "PADDLE_WEBHOOK_SECRETS",
                        "required with PADDLE_API_URL: the secret that API signs its webhooks with",
                    ));
                }
                PaddleMode::Remote(remote(src, &url, key)?)
            }
            (None, Some(key)) => {
                let environment = parse_environment(src.get("PADDLE_ENV"))?;
                check_key_matches(&key, environment)?;
                if webhook_secrets.is_empty() {
                    return Err(SettingsError::new(
                        "PADDLE_WEBHOOK_SECRETS",
                        "required with PADDLE_API_KEY: the secret of your notification destination (pdl_ntfset_…)",
                    ));
                }
                PaddleMode::Live(LivePaddle {
                    api_key: SecretString::from(key),
                    environment,
                    checkout_url: checkout_url(src.get("PADDLE_CHECKOUT_URL"))?,
                })
            }
            (None, None) => {
                if let Some(env) = src.get("PADDLE_ENV").filter(|e| e != "local") {
                    return Err(SettingsError::new(
                        "PADDLE_ENV",
                        format!(
                            "`{env}` needs PADDLE_API_KEY; leave both unset for the local emulator"
                        ),
                    ));
                }
                PaddleMode::Local(local(src, data_dir)?)
            }
        };
        Ok(Self {
            mode,
            webhook_secrets,
            webhook_tolerance: secs(src, "PADDLE_WEBHOOK_TOLERANCE_SECS", 5)?,
            timeout: secs(src, "PADDLE_TIMEOUT_SECS", 10)?,
        })
    }

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

fn remote(src: &dyn Source, raw: &str, key: Option<String>) -> Result<RemotePaddle, SettingsError> {
    let Some(key) = key else {
        return Err(SettingsError::new(
            "PADDLE_API_KEY",
            "required with PADDLE_API_URL: a key that API accepts",
        ));
    };
    if let Some(env) = src.get("PADDLE_ENV") {
        return Err(SettingsError::new(
            "PADDLE_ENV",
            format!("`{env}` is for the real Paddle; leave it unset with PADDLE_API_URL"),
        ));
    }
    let api_url = plain_http_url("PADDLE_API_URL", raw)?;
    if api_url
        .host_str()
        .is_some_and(|h| h == "paddle.com" || h.ends_with(".paddle.com"))
    {
        // Real Paddle needs real mail and the environment's portal host: live mode.
        return Err(SettingsError::new(
            "PADDLE_API_URL",
            "is the real Paddle: set PADDLE_ENV (sandbox or production) instead",
        ));
    }
    let portal_origin = match src.get("PADDLE_PORTAL_ORIGIN") {
        Some(raw) => plain_http_url("PADDLE_PORTAL_ORIGIN", &raw)?,
        None => api_url.clone(),
    };
    let portal_origin = url::Url::parse(&portal_origin.origin().ascii_serialization())
        .map_err(|_| SettingsError::new("PADDLE_PORTAL_ORIGIN", "must have a host"))?;
    Ok(RemotePaddle {
        api_url,
        api_key: SecretString::from(key),
        portal_origin,
    })
}

/// An absolute `http(s)` URL with a host and no credentials, query or fragment.
fn plain_http_url(var: &'static str, raw: &str) -> Result<url::Url, SettingsError> {
    let bad = || {
        SettingsError::new(
            var,
            "must be an absolute http(s) URL without credentials, query or fragment, e.g. http://10.0.0.5:3900",
        )
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    if plain { Ok(url) } else { Err(bad()) }
}

fn local(src: &dyn Source, data_dir: &Path) -> Result<LocalPaddle, SettingsError> {
    let emulator_addr = src
        .get("PADDLE_EMULATOR_ADDR")
        .unwrap_or_else(|| DEFAULT_EMULATOR_ADDR.into())
        .parse()
        .map_err(|_| {
            SettingsError::new(
                "PADDLE_EMULATOR_ADDR",
                "must be an IP address and port, e.g. 127.0.0.1:3900",
            )
        })?;
    let mut api_keys = secrets_list(src.get("PADDLE_EMULATOR_API_KEYS"));
    if api_keys.is_empty() {
        api_keys.push(SecretString::from(paddle_emulator::DEFAULT_API_KEY));
    }
    let state_file = src
        .get("PADDLE_EMULATOR_STATE_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("paddle-emulator.json"));
    let link_ttl = secs(src, "PADDLE_EMULATOR_LINK_TTL_SECS", 600)?;
    Ok(LocalPaddle {
        emulator_addr,
        api_keys,
        state_file,
        link_ttl,
    })
}

/// A whole number of seconds above 0 from `var`, or `default`.
fn secs(src: &dyn Source, var: &'static str, default: u64) -> Result<Duration, SettingsError> {
    match src.get(var) {
        None => Ok(Duration::from_secs(default)),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| SettingsError::new(var, "must be a whole number of seconds above 0")),
    }
}

fn secrets_list(raw: Option<String>) -> Vec<SecretString> {
    raw.map(|raw| {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| SecretString::from(s.to_owned()))
            .collect()
    })
    .unwrap_or_default()
}

fn parse_environment(raw: Option<String>) -> Result<PaddleEnvironment, SettingsError> {
    match raw.as_deref() {
        Some("sandbox") => Ok(PaddleEnvironment::Sandbox),
        Some("production") => Ok(PaddleEnvironment::Production),
        _ => Err(SettingsError::new(
            "PADDLE_ENV",
            "must be `sandbox` or `production` when PADDLE_API_KEY is set",
        )),
    }
}

/// An absolute `https` URL (or `http` on loopback, for a local shop), or nothing.
fn checkout_url(raw: Option<String>) -> Result<Option<url::Url>, SettingsError> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        SettingsError::new(
            "PADDLE_CHECKOUT_URL",
            "must be an absolute https URL (your pricing or checkout page)",
        )
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(Some(url)),
        "http" if loopback => Ok(Some(url)),
        _ => Err(bad()),
    }
}

/// Keys made since May 2025 say which environment they belong to; a mismatch would leave
/// the mirror silently empty, so it stops start-up. Older keys carry no prefix.
fn check_key_matches(key: &str, env: PaddleEnvironment) -> Result<(), SettingsError> {
    let claimed = if key.starts_with("pdl_live_apikey_") {
        Some(PaddleEnvironment::Production)
    } else if key.starts_with("pdl_sdbx_apikey_") {
        Some(PaddleEnvironment::Sandbox)
    } else {
        None
    };
    match claimed {
        Some(claimed) if claimed != env => Err(SettingsError::new(
            "PADDLE_API_KEY",
            format!(
                "is a {} key but PADDLE_ENV is {}: use the key of the environment you configured",
                claimed.name(),
                env.name()
            ),
        )),
        _ => Ok(()),
    }
}

/// The first configured secret, for signing; `None` when there is none.
pub fn first_secret(secrets: &[SecretString]) -> Option<&str> {
    secrets.first().map(|s| s.expose_secret())
}

#[cfg(test)]
mod tests;
