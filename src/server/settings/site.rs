//! Where the app is: its public origin, data folder, database, and the cargo-leptos
//! site options (listen address and the built browser files).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use leptos::config::LeptosOptions;
use secrecy::SecretString;
use url::Url;

use super::SettingsError;
use super::parse::{Parsed, socket_addr};

/// The site's variables.
#[derive(Clone, Debug, clap::Args)]
#[command(next_help_heading = "Site")]
pub struct SiteArgs {
    /// The app's origin as browsers see it (unset: http:// + the listen address)
    #[arg(long, env = "PUBLIC_URL", value_parser = public_url)]
    pub public_url: Option<Url>,
    /// Folder for local state: the SQLite database, mail outbox, emulator state
    #[arg(long, env = "PADDOCK_DATA_DIR", default_value = "./data")]
    pub paddock_data_dir: PathBuf,
    /// sqlite://… or postgres://… (unset: sqlite://$PADDOCK_DATA_DIR/paddock.db?mode=rwc)
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, value_parser = database_url)]
    pub database_url: Option<SecretString>,
    /// Address and port to listen on
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    #[arg(value_parser = socket_addr)]
    pub leptos_site_addr: SocketAddr,
    /// Folder with the built browser files
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub leptos_site_root: String,
    /// Folder under the site root holding the JS, wasm and CSS
    #[arg(long, env = "LEPTOS_SITE_PKG_DIR", default_value = "pkg")]
    pub leptos_site_pkg_dir: String,
    /// Base name of the JS, wasm and CSS files
    #[arg(long, env = "LEPTOS_OUTPUT_NAME", default_value = "paddock", value_parser = file_name)]
    pub leptos_output_name: String,
}

impl SiteArgs {
    /// The options Leptos serves the site with.
    pub(super) fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(self.leptos_output_name.clone())
            .site_root(self.leptos_site_root.clone())
            .site_pkg_dir(self.leptos_site_pkg_dir.clone())
            .site_addr(self.leptos_site_addr)
            .build()
    }
}

/// Without `PUBLIC_URL`, the app is where it listens (`http://127.0.0.1:3000` by default).
pub(super) fn local_url(addr: SocketAddr) -> Result<Url, SettingsError> {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Url::parse(&format!("http://{ip}:{}", addr.port()))
        .map_err(|e| SettingsError::new("LEPTOS_SITE_ADDR", format!("gives no URL ({e})")))
}

/// Without `DATABASE_URL`, SQLite in the data folder, created on first start.
pub(super) fn default_sqlite_url(data_dir: &Path) -> Result<SecretString, SettingsError> {
    let path = data_dir.join("paddock.db");
    let path = path
        .to_str()
        .ok_or_else(|| SettingsError::new("PADDOCK_DATA_DIR", "must be valid UTF-8"))?;
    Ok(SecretString::from(format!("sqlite://{path}?mode=rwc")))
}

fn public_url(raw: &str) -> Parsed<Url> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must start with http:// or https://".into());
    }
    if url.host_str().is_none() {
        return Err("must name a host".into());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(
            "must be an origin only, e.g. https://billing.example.com (no path or query)".into(),
        );
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials".into());
    }
    Ok(url)
}

fn database_url(raw: &str) -> Parsed<SecretString> {
    let ok = ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| raw.starts_with(scheme));
    if !ok {
        // Say what was expected without echoing a value that may hold a password.
        return Err("must start with sqlite:, postgres:// or postgresql://".into());
    }
    Ok(SecretString::from(raw.to_owned()))
}

fn file_name(raw: &str) -> Parsed<String> {
    if raw.contains(['/', '\\']) {
        return Err("must be a file name".into());
    }
    Ok(raw.to_owned())
}
