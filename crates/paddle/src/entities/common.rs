//! Small value types shared by several entities.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Your own key-value data attached to an entity (`custom_data`).
pub type CustomData = serde_json::Map<String, serde_json::Value>;

/// A span of time, such as a billing period or trial (`time_period`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimePeriod {
    /// When the period starts.
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    /// When the period ends.
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
}

/// Unit of a billing cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

/// How often something renews: every `frequency` `interval`s (the spec's `duration`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BillingCycle {
    /// Unit of time.
    pub interval: Interval,
    /// Number of units.
    pub frequency: u32,
}

/// Where an imported entity came from (`import_meta`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportMeta {
    /// Id of the entity on the platform it was imported from.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Platform it was imported from, for example `paddle_classic`.
    pub imported_from: String,
}

/// An amount in the lowest denomination of a currency, as a string of digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Amount in the lowest denomination, for example `"3000"` for 30.00 USD.
    pub amount: String,
    /// Three-letter ISO 4217 currency code.
    pub currency_code: String,
}

/// A link that carries a temporary token: never log, store or cache it.
///
/// It has no `Display`, and its `Debug` prints `[redacted]`; call [`SecretUrl::expose`]
/// at the one place that hands it to the browser.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretUrl(String);

impl SecretUrl {
    /// Wraps a tokenised link.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The link itself, token included.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
