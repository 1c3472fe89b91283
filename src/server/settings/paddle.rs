//! The `PADDLE_*` variables, and which Paddle they select: the embedded emulator (no
//! key), another Paddle-compatible API (`PADDLE_API_URL` and a key), or the real one
//! (a key and `PADDLE_ENV`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::SettingsError;
use super::parse::{Parsed, SecretList, plain_http_url, secret, secs, socket_addr};
use crate::server::paddle::{
    LivePaddle, LocalPaddle, PaddleEnvironment, PaddleMode, PaddleSettings, RemotePaddle,
};

/// The longest signature age `PADDLE_WEBHOOK_TOLERANCE_SECS` may allow: beyond a few
/// minutes a captured delivery could be replayed for as long as it says.
const MAX_TOLERANCE_SECS: u64 = 300;

/// Paddle's variables.
#[derive(Clone, Debug, clap::Args)]
#[command(next_help_heading = "Paddle")]
pub struct PaddleArgs {
    /// A Paddle API key, for live mode or the API at PADDLE_API_URL (unset: local mode)
    #[arg(long, env = "PADDLE_API_KEY", hide_env_values = true, value_parser = secret)]
    pub paddle_api_key: Option<SecretString>,
    /// sandbox or production (required with a key)
    #[arg(long, env = "PADDLE_ENV")]
    pub paddle_env: Option<String>,
    /// Base URL of another Paddle-compatible API, e.g. a standalone paddle-emulator
    #[arg(long, env = "PADDLE_API_URL", value_parser = plain_http_url)]
    pub paddle_api_url: Option<Url>,
    /// With PADDLE_API_URL: the only origin portal links may point at (unset: its origin)
    #[arg(long, env = "PADDLE_PORTAL_ORIGIN", value_parser = portal_origin)]
    pub paddle_portal_origin: Option<Url>,
    /// Comma-separated webhook secrets, pdl_ntfset_… (unset: local mode generates one)
    #[arg(long, env = "PADDLE_WEBHOOK_SECRETS", hide_env_values = true)]
    #[arg(value_parser = SecretList::parse)]
    pub paddle_webhook_secrets: Option<SecretList>,
    /// How old a webhook's signature may be, in seconds
    #[arg(long, env = "PADDLE_WEBHOOK_TOLERANCE_SECS", default_value = "5")]
    #[arg(value_parser = secs(MAX_TOLERANCE_SECS))]
    pub paddle_webhook_tolerance_secs: Duration,
    /// Live mode: your pricing or checkout page, for users with no Paddle customer yet
    #[arg(long, env = "PADDLE_CHECKOUT_URL", value_parser = checkout_url)]
    pub paddle_checkout_url: Option<Url>,
    /// Seconds allowed for one call to the Paddle API
    #[arg(long, env = "PADDLE_TIMEOUT_SECS", default_value = "10", value_parser = secs(120))]
    pub paddle_timeout_secs: Duration,
    /// Local mode: where the embedded emulator listens
    #[arg(long, env = "PADDLE_EMULATOR_ADDR", default_value = "127.0.0.1:3900")]
    #[arg(value_parser = socket_addr)]
    pub paddle_emulator_addr: SocketAddr,
    /// Local mode: comma-separated keys the emulator accepts (unset: its fixed key)
    #[arg(long, env = "PADDLE_EMULATOR_API_KEYS", hide_env_values = true)]
    #[arg(value_parser = SecretList::parse)]
    pub paddle_emulator_api_keys: Option<SecretList>,
    /// Local mode: the emulator's state (unset: $PADDOCK_DATA_DIR/paddle-emulator.json)
    #[arg(long, env = "PADDLE_EMULATOR_STATE_FILE")]
    pub paddle_emulator_state_file: Option<PathBuf>,
    /// Local mode: seconds a portal link stays usable
    #[arg(long, env = "PADDLE_EMULATOR_LINK_TTL_SECS", default_value = "600")]
    #[arg(value_parser = secs(86_400))]
    pub paddle_emulator_link_ttl_secs: Duration,
}

impl PaddleArgs {
    /// Paddle's settings; `data_dir` holds the emulator's state by default.
    pub(super) fn build(self, data_dir: &Path) -> Result<PaddleSettings, SettingsError> {
        let webhook_secrets = self
            .paddle_webhook_secrets
            .clone()
            .map(|list| list.0)
            .unwrap_or_default();
        let needs_secrets = |with: &str, what: &str| {
            SettingsError::new(
                "PADDLE_WEBHOOK_SECRETS",
                format!("required with {with}: {what}"),
            )
        };
        let mode = match (&self.paddle_api_url, &self.paddle_api_key) {
            (Some(url), key) => {
                if webhook_secrets.is_empty() {
                    let what = "the secret that API signs its webhooks with";
                    return Err(needs_secrets("PADDLE_API_URL", what));
                }
                PaddleMode::Remote(self.remote(url, key.as_ref())?)
            }
            (None, Some(key)) => {
                let live = self.live(key)?;
                if webhook_secrets.is_empty() {
                    let what = "the secret of your notification destination (pdl_ntfset_…)";
                    return Err(needs_secrets("PADDLE_API_KEY", what));
                }
                PaddleMode::Live(live)
            }
            (None, None) => {
                if let Some(env) = self.paddle_env.as_ref().filter(|e| *e != "local") {
                    return Err(SettingsError::new(
                        "PADDLE_ENV",
                        format!(
                            "`{env}` needs PADDLE_API_KEY; leave both unset for the local emulator"
                        ),
                    ));
                }
                PaddleMode::Local(self.local(data_dir))
            }
        };
        Ok(PaddleSettings {
            mode,
            webhook_secrets,
            webhook_tolerance: self.paddle_webhook_tolerance_secs,
            timeout: self.paddle_timeout_secs,
        })
    }

    fn remote(
        &self,
        api_url: &Url,
        key: Option<&SecretString>,
    ) -> Result<RemotePaddle, SettingsError> {
        let Some(key) = key else {
            return Err(SettingsError::new(
                "PADDLE_API_KEY",
                "required with PADDLE_API_URL: a key that API accepts",
            ));
        };
        if let Some(env) = &self.paddle_env {
            return Err(SettingsError::new(
                "PADDLE_ENV",
                format!("`{env}` is for the real Paddle; leave it unset with PADDLE_API_URL"),
            ));
        }
        // Real Paddle needs real mail and the environment's portal host: live mode. Remote
        // mode allows the local outbox, so nothing of the real Paddle may pass here.
        if is_paddle_host(api_url) {
            return Err(SettingsError::new(
                "PADDLE_API_URL",
                "is the real Paddle: set PADDLE_ENV (sandbox or production) instead",
            ));
        }
        // A sandbox-shaped key is the standalone emulator's own default (sandbox holds no
        // real customers); a production key means real billing.
        if PaddleEnvironment::of_key(key.expose_secret()) == Some(PaddleEnvironment::Production) {
            return Err(SettingsError::new(
                "PADDLE_API_KEY",
                "is a real Paddle production key: with PADDLE_API_URL use a key that API \
                 accepts; for the real Paddle unset PADDLE_API_URL and set PADDLE_ENV",
            ));
        }
        let portal_origin = match &self.paddle_portal_origin {
            Some(origin) => origin.clone(),
            None => portal_origin(api_url.as_str())
                .map_err(|reason| SettingsError::new("PADDLE_API_URL", reason))?,
        };
        if is_paddle_host(&portal_origin) {
            return Err(SettingsError::new(
                "PADDLE_PORTAL_ORIGIN",
                "is the real Paddle's portal: set PADDLE_ENV (sandbox or production) instead",
            ));
        }
        Ok(RemotePaddle {
            api_url: api_url.clone(),
            api_key: key.clone(),
            portal_origin,
        })
    }

    fn live(&self, key: &SecretString) -> Result<LivePaddle, SettingsError> {
        let environment = match self.paddle_env.as_deref() {
            Some("sandbox") => PaddleEnvironment::Sandbox,
            Some("production") => PaddleEnvironment::Production,
            _ => {
                return Err(SettingsError::new(
                    "PADDLE_ENV",
                    "must be `sandbox` or `production` when PADDLE_API_KEY is set",
                ));
            }
        };
        // A mismatch would leave the mirror silently empty, so it stops start-up.
        match PaddleEnvironment::of_key(key.expose_secret()) {
            Some(claimed) if claimed != environment => Err(SettingsError::new(
                "PADDLE_API_KEY",
                format!(
                    "is a {} key but PADDLE_ENV is {}: use the key of the environment you configured",
                    claimed.name(),
                    environment.name()
                ),
            )),
            _ => Ok(LivePaddle {
                api_key: key.clone(),
                environment,
                checkout_url: self.paddle_checkout_url.clone(),
            }),
        }
    }

    fn local(&self, data_dir: &Path) -> LocalPaddle {
        let mut api_keys = self
            .paddle_emulator_api_keys
            .clone()
            .map(|list| list.0)
            .unwrap_or_default();
        if api_keys.is_empty() {
            api_keys.push(SecretString::from(paddle_emulator::DEFAULT_API_KEY));
        }
        LocalPaddle {
            emulator_addr: self.paddle_emulator_addr,
            api_keys,
            state_file: self
                .paddle_emulator_state_file
                .clone()
                .unwrap_or_else(|| data_dir.join("paddle-emulator.json")),
            link_ttl: self.paddle_emulator_link_ttl_secs,
        }
    }
}

/// Whether `url` is on Paddle's own domain (`paddle.com`, a subdomain, with or without
/// the root's trailing dot, in any case).
fn is_paddle_host(url: &Url) -> bool {
    url.host_str().is_some_and(|host| {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        host == "paddle.com" || host.ends_with(".paddle.com")
    })
}

/// The origin (scheme, host, port) of a plain `http(s)` URL.
fn portal_origin(raw: &str) -> Parsed<Url> {
    let url = plain_http_url(raw)?;
    Url::parse(&url.origin().ascii_serialization()).map_err(|_| "must have a host".into())
}

/// An absolute `https` URL (or `http` on loopback, for a local shop).
fn checkout_url(raw: &str) -> Parsed<Url> {
    let bad = || "must be an absolute https URL (your pricing or checkout page)".to_owned();
    let url = Url::parse(raw.trim()).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests;
