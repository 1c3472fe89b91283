//! The subscription entity and its scheduled changes.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::{BillingCycle, CustomData, ImportMeta, SecretUrl, TimePeriod};
use super::items::SubscriptionItems;
use crate::ids::{AddressId, BusinessId, CustomerId, SubscriptionId, TransactionId};

/// Status of a subscription, set by Paddle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Billing normally, including one scheduled to cancel at the period's end.
    Active,
    /// Canceled: final.
    Canceled,
    /// A payment is overdue; the customer still has access.
    PastDue,
    /// Paused.
    Paused,
    /// In trial.
    Trialing,
}

impl SubscriptionStatus {
    /// Every status, in the spec's order.
    pub const ALL: [Self; 5] = [
        Self::Active,
        Self::Canceled,
        Self::PastDue,
        Self::Paused,
        Self::Trialing,
    ];

    /// The value as Paddle spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Canceled => "canceled",
            Self::PastDue => "past_due",
            Self::Paused => "paused",
            Self::Trialing => "trialing",
        }
    }
}

impl fmt::Display for SubscriptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How payment is collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionMode {
    /// Checkout, then the payment method on file.
    #[default]
    Automatic,
    /// Invoices.
    Manual,
}

/// Kind of a scheduled change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduledChangeAction {
    /// Cancels at `effective_at`.
    Cancel,
    /// Pauses at `effective_at`.
    Pause,
    /// Resumes at `resume_at`.
    Resume,
}

/// A change Paddle will apply to a subscription later (`subscription_scheduled_change`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledChange {
    /// What will happen.
    pub action: ScheduledChangeAction,
    /// When it takes effect.
    #[serde(with = "time::serde::rfc3339")]
    pub effective_at: OffsetDateTime,
    /// When a paused subscription resumes; only for `pause`.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub resume_at: Option<OffsetDateTime>,
}

/// Tokenised portal links Paddle returns on a subscription; `Debug` redacts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagementUrls {
    /// Payment method update form; `null` for manually collected subscriptions.
    #[serde(default)]
    pub update_payment_method: Option<SecretUrl>,
    /// Cancellation form.
    pub cancel: SecretUrl,
    /// The subscription's page with no form open (Paddle's changelog of 2026-09-28);
    /// `None` from a server that predates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_subscription: Option<SecretUrl>,
}

/// A Paddle subscription (schema `subscription`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    /// Paddle id, `sub_…`.
    pub id: SubscriptionId,
    /// Current status.
    pub status: SubscriptionStatus,
    /// The customer it belongs to.
    pub customer_id: CustomerId,
    /// The address it is for.
    pub address_id: AddressId,
    /// The business it is for, if any.
    #[serde(default)]
    pub business_id: Option<BusinessId>,
    /// Three-letter ISO 4217 currency code.
    pub currency_code: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it was last updated.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When it started (may precede `first_billed_at` when it started in trial).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub started_at: Option<OffsetDateTime>,
    /// When it was first billed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub first_billed_at: Option<OffsetDateTime>,
    /// When it is next billed; `null` when it will not be.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_billed_at: Option<OffsetDateTime>,
    /// When it was paused; `null` if not paused.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub paused_at: Option<OffsetDateTime>,
    /// When it was canceled; `null` if not canceled.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub canceled_at: Option<OffsetDateTime>,
    /// Discount applied, kept as Paddle sent it.
    #[serde(default)]
    pub discount: Option<serde_json::Value>,
    /// Automatic (checkout) or manual (invoices).
    pub collection_mode: CollectionMode,
    /// Invoicing details, kept as Paddle sent them.
    #[serde(default)]
    pub billing_details: Option<serde_json::Value>,
    /// Current billing period; `null` for paused and canceled subscriptions.
    #[serde(default)]
    pub current_billing_period: Option<TimePeriod>,
    /// How often it renews.
    pub billing_cycle: BillingCycle,
    /// A change Paddle will apply later; `null` if none.
    #[serde(default)]
    pub scheduled_change: Option<ScheduledChange>,
    /// Tokenised portal links (API responses only, not webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_urls: Option<ManagementUrls>,
    /// Recurring items, typed and as the raw JSON array.
    pub items: SubscriptionItems,
    /// Your own key-value data.
    #[serde(default)]
    pub custom_data: Option<CustomData>,
    /// Import information; `null` unless imported.
    #[serde(default)]
    pub import_meta: Option<ImportMeta>,
    /// The transaction that created it; only in `subscription.created`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<TransactionId>,
}
