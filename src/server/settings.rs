//! Typed configuration, read in one place and handed down. clap reads every variable
//! (a flag, the environment after an optional `.env`, or its default; see [`RawSettings`]),
//! then [`Settings::from_raw`] checks the rules between them and builds the typed pieces
//! each area is given. Every error names the variable that is wrong.

mod accounts;
mod command_line;
mod http;
mod paddle;
mod parse;
mod site;

use std::path::PathBuf;

use leptos::config::LeptosOptions;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

pub use self::accounts::AccountArgs;
pub use self::command_line::parse_command_line;
pub use self::http::HttpArgs;
pub use self::paddle::PaddleArgs;
pub use self::site::SiteArgs;
use crate::server::accounts::config::AccountSettings;
use crate::server::billing::MAX_RETRY_WAIT;
use crate::server::http::serve::ServeSettings;
use crate::server::paddle::PaddleSettings;

/// A configuration value that could not be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct SettingsError {
    pub var: String,
    pub reason: String,
}

impl SettingsError {
    pub(crate) fn new(var: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            var: var.into(),
            reason: reason.into(),
        }
    }
}

/// Every setting as clap reads it: `--flag`, else the variable, else the default. One
/// group per area, each with its own heading in `paddock --help`.
#[derive(Clone, Debug, clap::Args)]
pub struct RawSettings {
    #[command(flatten)]
    pub site: SiteArgs,
    #[command(flatten)]
    pub http: HttpArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub paddle: PaddleArgs,
}

/// Everything the server needs to know about its surroundings.
#[derive(Clone)]
pub struct Settings {
    /// The app's own origin: links in mail, cookie `Secure`, same-origin checks.
    pub public_url: Url,
    /// Root of the app's local files (SQLite database, mail outbox, emulator state).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; may hold a password, so it is a secret.
    pub database_url: SecretString,
    /// Output name, site root, package dir and listen address, as cargo-leptos names them.
    pub leptos: LeptosOptions,
    /// The local Paddle emulator or the real API.
    pub paddle: PaddleSettings,
    /// Mail delivery, sessions and abuse limits of accounts.
    pub accounts: AccountSettings,
    /// Timeouts and caps of the HTTP server.
    pub http: ServeSettings,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("public_url", &self.public_url.as_str())
            .field("data_dir", &self.data_dir)
            .field("database_url", &"[redacted]")
            .field("site_addr", &self.leptos.site_addr)
            .field("site_root", &self.leptos.site_root)
            .field("paddle", &self.paddle)
            .field("accounts", &self.accounts)
            .field("http", &self.http)
            .finish()
    }
}

impl Settings {
    /// Checks the rules between variables and builds the typed settings of each area.
    pub fn from_raw(raw: RawSettings) -> Result<Self, SettingsError> {
        let RawSettings {
            site,
            http,
            accounts,
            paddle,
        } = raw;
        let data_dir = site.paddock_data_dir.clone();
        let public_url = match &site.public_url {
            Some(url) => url.clone(),
            None => site::local_url(site.leptos_site_addr)?,
        };
        let database_url = match &site.database_url {
            Some(url) => url.clone(),
            None => site::default_sqlite_url(&data_dir)?,
        };
        let paddle = paddle.build(&data_dir)?;
        let accounts = accounts.build(&data_dir);
        if paddle.is_live() && accounts.smtp_url.is_none() {
            // The outbox and /dev/mail would hand anyone every verification link, and a
            // verified email is what unlocks a customer's billing portal.
            return Err(SettingsError::new(
                "SMTP_URL",
                "required with PADDLE_API_KEY: mail must really be sent when billing is live",
            ));
        }
        let http: ServeSettings = http.into();
        // A mint makes at most two calls, with a wait between them (a 429's retry): the
        // request would otherwise be answered 408 while its mint went on.
        let longest_mint = paddle.timeout * 2 + MAX_RETRY_WAIT;
        if longest_mint >= http.request_timeout {
            return Err(SettingsError::new(
                "PADDLE_TIMEOUT_SECS",
                format!(
                    "is {} s: a portal mint (two calls and a wait of {} s between them after a \
                     429) could outlast HTTP_REQUEST_TIMEOUT_SECS ({} s); keep twice it plus {} \
                     below that",
                    paddle.timeout.as_secs(),
                    MAX_RETRY_WAIT.as_secs(),
                    http.request_timeout.as_secs(),
                    MAX_RETRY_WAIT.as_secs(),
                ),
            ));
        }
        Ok(Self {
            public_url,
            leptos: site.leptos_options(),
            data_dir,
            database_url,
            paddle,
            accounts,
            http,
        })
    }

    /// Reads `(VARIABLE, value)` pairs as if they were the whole environment: the same
    /// clap definitions, without the process environment (tests build settings this way).
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Self, SettingsError> {
        Self::from_raw(RawSettings::from_pairs(pairs)?)
    }

    /// The origin (`scheme://host[:port]`) that same-origin checks compare against.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }

    /// Whether cookies must carry `Secure`.
    pub fn is_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// Which backend `DATABASE_URL` selects, for logs (never the URL itself).
    pub fn database_kind(&self) -> &'static str {
        if self.database_url.expose_secret().starts_with("sqlite:") {
            "sqlite"
        } else {
            "postgres"
        }
    }
}

#[cfg(test)]
mod tests;
