//! Typed configuration, read once from the environment (and an optional `.env`) and
//! validated at start-up. Every error names the variable that is wrong.

use std::net::SocketAddr;
use std::path::PathBuf;

use leptos::config::LeptosOptions;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::server::accounts::config::AccountSettings;
use crate::server::http::serve::ServeSettings;
use crate::server::paddle::PaddleSettings;

/// Where configuration values come from; tests pass a map instead of the process environment.
pub trait Source {
    fn get(&self, key: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Source for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
}

impl Source for std::collections::HashMap<&str, &str> {
    fn get(&self, key: &str) -> Option<String> {
        std::collections::HashMap::get(self, key).map(|v| (*v).to_owned())
    }
}

/// A configuration value that could not be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct SettingsError {
    pub var: &'static str,
    pub reason: String,
}

impl SettingsError {
    pub(crate) fn new(var: &'static str, reason: impl Into<String>) -> Self {
        Self {
            var,
            reason: reason.into(),
        }
    }
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

pub const DEFAULT_DATA_DIR: &str = "./data";

impl Settings {
    /// Loads `.env` if there is one, then reads the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(SettingsError::new(".env", e.to_string())),
        }
        Self::from_source(&ProcessEnv)
    }

    /// Reads and validates every setting from `src`.
    pub fn from_source(src: &dyn Source) -> Result<Self, SettingsError> {
        let leptos = leptos_options(src)?;
        let public_url = match src.get("PUBLIC_URL") {
            Some(raw) => parse_public_url(&raw)?,
            None => local_url(leptos.site_addr)?,
        };
        let data_dir = PathBuf::from(
            src.get("PADDOCK_DATA_DIR")
                .unwrap_or_else(|| DEFAULT_DATA_DIR.into()),
        );
        let database_url = match src.get("DATABASE_URL") {
            Some(url) => parse_database_url(url)?,
            None => default_sqlite_url(&data_dir)?,
        };
        let paddle = PaddleSettings::from_source(src, &data_dir)?;
        let accounts = AccountSettings::from_source(src, &data_dir)?;
        let http = ServeSettings::from_source(src)?;
        if paddle.is_live() && accounts.smtp_url.is_none() {
            // The outbox and /dev/mail would hand anyone every verification link, and a
            // verified email is what unlocks a customer's billing portal.
            return Err(SettingsError::new(
                "SMTP_URL",
                "required with PADDLE_API_KEY: mail must really be sent when billing is live",
            ));
        }
        Ok(Self {
            public_url,
            data_dir,
            database_url,
            leptos,
            paddle,
            accounts,
            http,
        })
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

/// A whole number from `min` to `max`, or `default` when `var` is unset.
pub(crate) fn number<T>(
    src: &dyn Source,
    var: &'static str,
    default: T,
    min: T,
    max: T,
) -> Result<T, SettingsError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(raw) = src.get(var) else {
        return Ok(default);
    };
    match raw.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(SettingsError::new(
            var,
            format!("must be a whole number from {min} to {max}"),
        )),
    }
}

/// `true`/`false` (also 1/0, yes/no, on/off); unset is false.
pub(crate) fn flag(src: &dyn Source, var: &'static str) -> Result<bool, SettingsError> {
    match src
        .get(var)
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false" | "0" | "no" | "off") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some(_) => Err(SettingsError::new(var, "must be true or false")),
    }
}

/// Without `PUBLIC_URL`, the app is where it listens (`http://127.0.0.1:3000` by default).
fn local_url(addr: SocketAddr) -> Result<Url, SettingsError> {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Url::parse(&format!("http://{ip}:{}", addr.port()))
        .map_err(|e| SettingsError::new("LEPTOS_SITE_ADDR", format!("gives no URL ({e})")))
}

fn parse_public_url(raw: &str) -> Result<Url, SettingsError> {
    const VAR: &str = "PUBLIC_URL";
    let url =
        Url::parse(raw.trim()).map_err(|e| SettingsError::new(VAR, format!("not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SettingsError::new(
            VAR,
            "must start with http:// or https://",
        ));
    }
    if url.host_str().is_none() {
        return Err(SettingsError::new(VAR, "must name a host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(SettingsError::new(
            VAR,
            "must be an origin only, e.g. https://billing.example.com (no path or query)",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SettingsError::new(VAR, "must not contain credentials"));
    }
    Ok(url)
}

fn parse_database_url(raw: String) -> Result<SecretString, SettingsError> {
    const VAR: &str = "DATABASE_URL";
    let ok = raw.starts_with("sqlite:")
        || raw.starts_with("postgres://")
        || raw.starts_with("postgresql://");
    if !ok {
        // Say what was expected without echoing a value that may hold a password.
        return Err(SettingsError::new(
            VAR,
            "must start with sqlite:, postgres:// or postgresql://",
        ));
    }
    Ok(SecretString::from(raw))
}

fn default_sqlite_url(data_dir: &std::path::Path) -> Result<SecretString, SettingsError> {
    let path = data_dir.join("paddock.db");
    let path = path
        .to_str()
        .ok_or_else(|| SettingsError::new("PADDOCK_DATA_DIR", "must be valid UTF-8"))?;
    Ok(SecretString::from(format!("sqlite://{path}?mode=rwc")))
}

fn leptos_options(src: &dyn Source) -> Result<LeptosOptions, SettingsError> {
    let site_addr: SocketAddr = src
        .get("LEPTOS_SITE_ADDR")
        .unwrap_or_else(|| "127.0.0.1:3000".into())
        .parse()
        .map_err(|_| {
            SettingsError::new(
                "LEPTOS_SITE_ADDR",
                "must be an IP address and port, e.g. 127.0.0.1:3000",
            )
        })?;
    let output_name = src
        .get("LEPTOS_OUTPUT_NAME")
        .unwrap_or_else(|| "paddock".into());
    if output_name.contains(['/', '\\']) {
        return Err(SettingsError::new(
            "LEPTOS_OUTPUT_NAME",
            "must be a file name",
        ));
    }
    let site_root = src
        .get("LEPTOS_SITE_ROOT")
        .unwrap_or_else(|| "target/site".into());
    let site_pkg_dir = src
        .get("LEPTOS_SITE_PKG_DIR")
        .unwrap_or_else(|| "pkg".into());
    Ok(LeptosOptions::builder()
        .output_name(output_name)
        .site_root(site_root)
        .site_pkg_dir(site_pkg_dir)
        .site_addr(site_addr)
        .build())
}

#[cfg(test)]
mod tests;
