//! clap value parsers shared by the areas. Each says what a value must be and never
//! echoes it: it may be a secret. clap adds the variable (see `command_line`).

use std::fmt::Display;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;

/// What a parser gives clap: the value, or what it must be.
pub type Parsed<T> = Result<T, String>;

/// A whole number from `min` to `max`.
pub fn whole<T>(min: T, max: T) -> impl Fn(&str) -> Parsed<T> + Clone + Send + Sync + 'static
where
    T: FromStr + PartialOrd + Display + Copy + Send + Sync + 'static,
{
    move |raw| match raw.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("must be a whole number from {min} to {max}")),
    }
}

/// Whole seconds, above 0 and at most `max`.
pub fn secs(max: u64) -> impl Fn(&str) -> Parsed<Duration> + Clone + Send + Sync + 'static {
    move |raw| match raw.trim().parse::<u64>() {
        Ok(n) if n > 0 && n <= max => Ok(Duration::from_secs(n)),
        _ => Err(format!("must be a whole number of seconds from 1 to {max}")),
    }
}

/// `true`/`false`, also 1/0, yes/no, on/off.
pub fn flag(raw: &str) -> Parsed<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("must be true or false".into()),
    }
}

/// An IP address and a port.
pub fn socket_addr(raw: &str) -> Parsed<SocketAddr> {
    raw.trim()
        .parse()
        .map_err(|_| "must be an IP address and port, e.g. 127.0.0.1:3000".into())
}

/// Any text, kept as a secret (redacted `Debug`).
pub fn secret(raw: &str) -> Parsed<SecretString> {
    Ok(SecretString::from(raw.to_owned()))
}

/// Comma-separated secrets; blanks between commas are skipped.
#[derive(Clone)]
pub struct SecretList(pub Vec<SecretString>);

impl SecretList {
    pub fn parse(raw: &str) -> Parsed<Self> {
        Ok(Self(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| SecretString::from(s.to_owned()))
                .collect(),
        ))
    }
}

impl std::fmt::Debug for SecretList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} redacted]", self.0.len())
    }
}

/// An absolute `http(s)` URL with a host and no credentials, query or fragment.
pub fn plain_http_url(raw: &str) -> Parsed<url::Url> {
    let url = url::Url::parse(raw.trim()).ok();
    url.filter(|url| {
        matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some()
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none()
    })
    .ok_or_else(|| {
        "must be an absolute http(s) URL without credentials, query or fragment, \
         e.g. http://10.0.0.5:3900"
            .into()
    })
}
