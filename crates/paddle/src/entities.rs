//! Paddle entities as this product reads and writes them.
//!
//! Fields the spec marks nullable are `Option`; unknown fields are ignored, so a new
//! field in Paddle's payloads never breaks deserialization. Timestamps are RFC 3339
//! strings parsed into [`time::OffsetDateTime`].

mod common;
mod customer;
mod items;
mod portal_session;
mod subscription;

pub use common::{BillingCycle, CustomData, ImportMeta, Interval, Money, SecretUrl, TimePeriod};
pub use customer::{Customer, CustomerStatus};
pub use items::{
    ItemPrice, ItemProduct, SubscriptionItem, SubscriptionItemStatus, SubscriptionItems,
};
pub use portal_session::{
    CreatePortalSession, CustomerPortalSession, PortalGeneralUrls, PortalSubscriptionUrls,
    PortalUrls,
};
pub use subscription::{
    CollectionMode, ManagementUrls, ScheduledChange, ScheduledChangeAction, Subscription,
    SubscriptionStatus,
};

#[cfg(test)]
mod tests;
