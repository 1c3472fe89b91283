//! Subscription items: typed for reading, and kept whole as JSON for mirroring.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

use super::common::{BillingCycle, Money, TimePeriod};
use crate::ids::{PriceId, ProductId};

/// Status of one item on a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionItemStatus {
    /// Billed.
    Active,
    /// Not billed: the subscription is paused.
    Inactive,
    /// In trial.
    Trialing,
}

/// The parts of an item's price this product reads (schema `price`, abridged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemPrice {
    /// Paddle id, `pri_…`.
    pub id: PriceId,
    /// The product this price is for.
    pub product_id: ProductId,
    /// Name shown to customers, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// Internal description.
    #[serde(default)]
    pub description: Option<String>,
    /// How often it charges; `null` for one-time prices.
    #[serde(default)]
    pub billing_cycle: Option<BillingCycle>,
    /// Base price.
    #[serde(default)]
    pub unit_price: Option<Money>,
}

/// The parts of an item's product this product reads (schema `product`, abridged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemProduct {
    /// Paddle id, `pro_…`.
    pub id: ProductId,
    /// Product name.
    pub name: String,
}

/// One item on a subscription (schema `item-subscription`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionItem {
    /// Item status.
    pub status: SubscriptionItemStatus,
    /// Quantity, at least 1.
    pub quantity: u32,
    /// Whether it recurs.
    pub recurring: bool,
    /// When it was added.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last updated.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When it was last billed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub previously_billed_at: Option<OffsetDateTime>,
    /// When it is next billed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_billed_at: Option<OffsetDateTime>,
    /// Trial dates, if in trial.
    #[serde(default)]
    pub trial_dates: Option<TimePeriod>,
    /// The price as it was when the item was added.
    pub price: ItemPrice,
    /// The product as it was when the item was added.
    pub product: ItemProduct,
}

/// A subscription's `items`: typed views plus the whole JSON array as Paddle sent it.
///
/// Serializing writes the raw array back, so nothing the typed view leaves out is lost.
#[derive(Clone, PartialEq)]
pub struct SubscriptionItems {
    typed: Vec<SubscriptionItem>,
    raw: Vec<serde_json::Value>,
}

impl SubscriptionItems {
    /// Builds from the raw JSON array, checking that each element decodes.
    pub fn from_raw(raw: Vec<serde_json::Value>) -> Result<Self, serde_json::Error> {
        let typed = raw
            .iter()
            .map(SubscriptionItem::deserialize)
            .collect::<Result<_, _>>()?;
        Ok(Self { typed, raw })
    }

    /// Builds from typed items (the raw array then holds only the typed fields).
    pub fn from_items(typed: Vec<SubscriptionItem>) -> Result<Self, serde_json::Error> {
        let raw = typed
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<_, _>>()?;
        Ok(Self { typed, raw })
    }

    /// The typed items.
    pub fn items(&self) -> &[SubscriptionItem] {
        &self.typed
    }

    /// The items exactly as received, one JSON value each.
    pub fn raw(&self) -> &[serde_json::Value] {
        &self.raw
    }

    /// The whole array as one JSON value, for storing in a mirror table.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(self.raw.clone())
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.typed.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.typed.is_empty()
    }

    /// Iterates over the typed items.
    pub fn iter(&self) -> std::slice::Iter<'_, SubscriptionItem> {
        self.typed.iter()
    }
}

impl<'a> IntoIterator for &'a SubscriptionItems {
    type Item = &'a SubscriptionItem;
    type IntoIter = std::slice::Iter<'a, SubscriptionItem>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Debug for SubscriptionItems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.typed).finish()
    }
}

impl Serialize for SubscriptionItems {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SubscriptionItems {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Vec::<serde_json::Value>::deserialize(deserializer)?;
        Self::from_raw(raw).map_err(serde::de::Error::custom)
    }
}
