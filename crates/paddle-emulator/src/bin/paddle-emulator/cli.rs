//! Command-line options, each with an environment fallback.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use paddle_emulator::{
    Config, DEFAULT_API_KEY, DEFAULT_RETURN_URL, DEFAULT_WEBHOOK_SECRET, RetryPolicy,
    WebhookDestination,
};
use secrecy::SecretString;
use url::Url;

/// A local, stateful stand-in for Paddle Billing: API, customer portal, signed webhooks.
///
/// Point a Paddle client at http://ADDR (the Node SDK: `environment: "http://ADDR"`).
/// Control endpoints for tests live under /_emulator/; a checkout page at /checkout.
/// Without a command it serves; `clock advance` talks to a running one.
#[derive(Debug, Parser)]
#[command(name = "paddle-emulator", version)]
pub struct Cli {
    /// Talk to a running emulator instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on.
    #[arg(long, env = "PADDLE_EMULATOR_ADDR", default_value = "127.0.0.1:3900")]
    pub addr: SocketAddr,

    /// An accepted API key; repeat for more (env: comma-separated). Default: the fixed
    /// local sandbox-shaped key printed at start.
    #[arg(
        long = "api-key",
        env = "PADDLE_EMULATOR_API_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub api_keys: Vec<String>,

    /// JSON file that keeps customers and subscriptions across restarts.
    #[arg(
        long,
        env = "PADDLE_EMULATOR_STATE_FILE",
        default_value = ".paddle-emulator/state.json"
    )]
    pub state_file: PathBuf,

    /// Keep state in memory only (ignores --state-file).
    #[arg(long, env = "PADDLE_EMULATOR_EPHEMERAL")]
    pub ephemeral: bool,

    /// Webhook destination URL; repeat for several apps (env: comma-separated). Each
    /// gets every event; more can be added at run time: POST /_emulator/destinations.
    #[arg(long, env = "PADDLE_EMULATOR_WEBHOOK_URL", value_delimiter = ',')]
    pub webhook_url: Vec<Url>,

    /// Secret every --webhook-url delivery is signed with.
    #[arg(
        long,
        env = "PADDLE_EMULATOR_WEBHOOK_SECRET",
        default_value = DEFAULT_WEBHOOK_SECRET,
        hide_env_values = true,
        hide_default_value = true
    )]
    pub webhook_secret: String,

    /// How long portal links stay usable, in seconds (1 to 86400).
    #[arg(long, env = "PADDLE_EMULATOR_LINK_TTL_SECS", default_value_t = 600)]
    #[arg(value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub link_ttl_secs: u64,

    /// Origin used in portal links and pagination URLs [default: http://ADDR].
    #[arg(long, env = "PADDLE_EMULATOR_PUBLIC_ORIGIN")]
    pub public_origin: Option<Url>,

    /// Where the portal's "Return to app" links point.
    #[arg(long, env = "PADDLE_EMULATOR_RETURN_URL", default_value = DEFAULT_RETURN_URL)]
    pub return_url: Url,

    /// An origin the checkout page may redirect back to; repeatable (env: comma-separated)
    /// [default: the origin of --return-url].
    #[arg(
        long = "allowed-return-origin",
        env = "PADDLE_EMULATOR_ALLOWED_RETURN_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_return_origins: Vec<Url>,

    /// Wait after the first failed webhook attempt, in milliseconds.
    #[arg(long, env = "PADDLE_EMULATOR_RETRY_INITIAL_MS", default_value_t = 1000)]
    pub retry_initial_ms: u64,

    /// Each further wait is the previous one times this.
    #[arg(long, env = "PADDLE_EMULATOR_RETRY_FACTOR", default_value_t = 3.0)]
    pub retry_factor: f64,

    /// Webhook attempts in all, the first included.
    #[arg(long, env = "PADDLE_EMULATOR_RETRY_MAX_ATTEMPTS", default_value_t = 5)]
    pub retry_max_attempts: u32,

    /// An attempt without a complete answer within this many milliseconds has failed.
    #[arg(long, env = "PADDLE_EMULATOR_RETRY_TIMEOUT_MS", default_value_t = 5000)]
    pub retry_timeout_ms: u64,
}

/// Commands for a running emulator.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The billing clock: `clock advance P30D [--customer ctm_…]`.
    Clock {
        #[command(subcommand)]
        action: crate::clock::ClockCommand,
    },
}

impl Cli {
    /// The emulator configuration these options describe.
    pub fn config(&self) -> Result<Config, url::ParseError> {
        let origin = match &self.public_origin {
            Some(origin) => origin.clone(),
            None => Url::parse(&format!("http://{}", self.addr))?,
        };
        let mut config = Config::new(origin, self.return_url.clone());
        if !self.api_keys.is_empty() {
            config.api_keys = self
                .api_keys
                .iter()
                .map(|k| SecretString::from(k.as_str()))
                .collect();
        }
        config.state_file = (!self.ephemeral).then(|| self.state_file.clone());
        config.link_ttl = Duration::from_secs(self.link_ttl_secs);
        config.webhook_destinations = self
            .webhook_url
            .iter()
            .map(|url| WebhookDestination {
                url: url.clone(),
                secret: SecretString::from(self.webhook_secret.as_str()),
            })
            .collect();
        if !self.allowed_return_origins.is_empty() {
            config.allowed_return_origins = self.allowed_return_origins.clone();
        }
        config.retry = RetryPolicy {
            initial_delay: Duration::from_millis(self.retry_initial_ms),
            factor: self.retry_factor,
            max_attempts: self.retry_max_attempts,
            attempt_timeout: Duration::from_millis(self.retry_timeout_ms),
        };
        Ok(config)
    }

    /// Whether a --webhook-url is signed with the built-in local secret (then it is printed).
    pub fn uses_default_webhook_secret(&self) -> bool {
        !self.webhook_url.is_empty() && self.webhook_secret == DEFAULT_WEBHOOK_SECRET
    }

    /// Whether the built-in local key is the one in use (then it is printed).
    pub fn uses_default_key(&self) -> bool {
        self.api_keys.is_empty() || self.api_keys.iter().any(|k| k == DEFAULT_API_KEY)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    #[test]
    fn every_webhook_url_becomes_a_destination_signed_with_the_secret() {
        let cli = Cli::try_parse_from([
            "paddle-emulator",
            "--webhook-url",
            "http://10.0.0.1:3000/webhooks/paddle",
            "--webhook-url",
            "http://10.0.0.2:3000/webhooks/paddle",
            "--webhook-secret",
            "pdl_ntfset_01shared",
        ])
        .expect("parses");
        let config = cli.config().expect("config");
        let urls: Vec<&str> = config
            .webhook_destinations
            .iter()
            .map(|d| d.url.as_str())
            .collect();
        assert_eq!(
            urls,
            [
                "http://10.0.0.1:3000/webhooks/paddle",
                "http://10.0.0.2:3000/webhooks/paddle"
            ]
        );
        use secrecy::ExposeSecret;
        assert!(
            config
                .webhook_destinations
                .iter()
                .all(|d| d.secret.expose_secret() == "pdl_ntfset_01shared")
        );
        assert!(!cli.uses_default_webhook_secret());
    }
}
