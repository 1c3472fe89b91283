//! Customer portal sessions: the request that mints one and the session Paddle returns.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::SecretUrl;
use crate::ids::{CustomerId, PortalSessionId, SubscriptionId};

/// Body of `POST /customers/{id}/portal-sessions` (schema `customer-portal-session-create`).
///
/// Always serializes `subscription_ids`, as an empty array when there are none.
/// Deserializing rejects unknown fields, as the spec's `additionalProperties: false` does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePortalSession {
    /// Subscriptions to mint deep links for: at most 25, each once.
    #[serde(default)]
    pub subscription_ids: Vec<SubscriptionId>,
}

/// A minted portal session (schema `customer-portal-session`).
///
/// Every link in it carries a temporary token: its `Debug` prints them as `[redacted]`.
/// Mint a fresh session per click; never store, cache or log the links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerPortalSession {
    /// Paddle id, `cpls_…`.
    pub id: PortalSessionId,
    /// The customer it is for (the spec does not mark it required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// The authenticated links.
    pub urls: PortalUrls,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Links of a portal session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalUrls {
    /// Links not tied to one entity.
    pub general: PortalGeneralUrls,
    /// One entry per subscription id passed in the request; empty if none.
    #[serde(default)]
    pub subscriptions: Vec<PortalSubscriptionUrls>,
}

/// Links of a portal session not tied to one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalGeneralUrls {
    /// The portal's overview page.
    pub overview: SecretUrl,
}

/// Deep links for one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSubscriptionUrls {
    /// The subscription these links are for.
    pub id: SubscriptionId,
    /// Its page with the cancellation form open.
    pub cancel_subscription: SecretUrl,
    /// Its page with the payment method form open.
    pub update_subscription_payment_method: SecretUrl,
    /// Its page with no form open (Paddle's changelog of 2026-09-28); `None` from a
    /// server that predates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_subscription: Option<SecretUrl>,
}
