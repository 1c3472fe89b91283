//! The customer entity.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::{CustomData, ImportMeta};
use crate::ids::CustomerId;

/// Whether a customer can be used in Paddle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// Usable.
    #[default]
    Active,
    /// Archived: not returned by default and not usable for billing.
    Archived,
}

impl CustomerStatus {
    /// The value as Paddle spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Archived => "archived",
        }
    }
}

/// A Paddle customer (schema `customer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Paddle id, `ctm_…`.
    pub id: CustomerId,
    /// Full name; `null` when Paddle has none.
    #[serde(default)]
    pub name: Option<String>,
    /// Email address.
    pub email: String,
    /// Whether the customer opted into marketing at checkout.
    #[serde(default)]
    pub marketing_consent: bool,
    /// Active or archived.
    #[serde(default)]
    pub status: CustomerStatus,
    /// Your own key-value data.
    #[serde(default)]
    pub custom_data: Option<CustomData>,
    /// IETF BCP 47 short locale tag, `en` by default.
    #[serde(default = "default_locale")]
    pub locale: String,
    /// When the customer was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the customer was last updated.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Import information; `null` unless imported.
    #[serde(default)]
    pub import_meta: Option<ImportMeta>,
}

fn default_locale() -> String {
    "en".to_owned()
}
