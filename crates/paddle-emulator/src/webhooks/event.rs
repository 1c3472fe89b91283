//! The event envelope and the entity payloads it carries.

use paddle::{Customer, EventId, NotificationId, Subscription};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::state::entities::rfc3339_micros;

/// The event types the emulator emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    CustomerCreated,
    CustomerUpdated,
    SubscriptionCreated,
    SubscriptionActivated,
    SubscriptionTrialing,
    SubscriptionUpdated,
    SubscriptionPastDue,
    SubscriptionPaused,
    SubscriptionResumed,
    SubscriptionCanceled,
    TransactionCreated,
    TransactionReady,
    TransactionBilled,
    TransactionUpdated,
    TransactionPaid,
    TransactionCompleted,
    TransactionPaymentFailed,
    TransactionPastDue,
    TransactionCanceled,
}

impl EventType {
    /// The name Paddle uses, for example `subscription.updated`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::CustomerCreated => "customer.created",
            Self::CustomerUpdated => "customer.updated",
            Self::SubscriptionCreated => "subscription.created",
            Self::SubscriptionActivated => "subscription.activated",
            Self::SubscriptionTrialing => "subscription.trialing",
            Self::SubscriptionUpdated => "subscription.updated",
            Self::SubscriptionPastDue => "subscription.past_due",
            Self::SubscriptionPaused => "subscription.paused",
            Self::SubscriptionResumed => "subscription.resumed",
            Self::SubscriptionCanceled => "subscription.canceled",
            Self::TransactionCreated => "transaction.created",
            Self::TransactionReady => "transaction.ready",
            Self::TransactionBilled => "transaction.billed",
            Self::TransactionUpdated => "transaction.updated",
            Self::TransactionPaid => "transaction.paid",
            Self::TransactionCompleted => "transaction.completed",
            Self::TransactionPaymentFailed => "transaction.payment_failed",
            Self::TransactionPastDue => "transaction.past_due",
            Self::TransactionCanceled => "transaction.canceled",
        }
    }
}

/// One occurrence: the same `event_id` on every notification and retry of it.
pub(crate) struct Event {
    pub(crate) id: EventId,
    pub(crate) event_type: EventType,
    occurred_at: OffsetDateTime,
    data: Value,
}

/// The body Paddle posts (`event_id`, `event_type`, `occurred_at`, `notification_id`, `data`).
#[derive(Serialize)]
struct Envelope<'a> {
    event_id: &'a EventId,
    event_type: &'a str,
    occurred_at: String,
    notification_id: &'a NotificationId,
    data: &'a Value,
}

impl Event {
    /// An event that occurred at `occurred_at` on the emulator's billing clock.
    pub(crate) fn new(event_type: EventType, data: Value, occurred_at: OffsetDateTime) -> Self {
        Self {
            id: EventId::generate(),
            event_type,
            occurred_at,
            data,
        }
    }

    /// The raw JSON body of one notification of this event.
    pub(crate) fn body(&self, notification_id: &NotificationId) -> Vec<u8> {
        let envelope = Envelope {
            event_id: &self.id,
            event_type: self.event_type.as_str(),
            occurred_at: rfc3339_micros(self.occurred_at),
            notification_id,
            data: &self.data,
        };
        // Serializing plain data to a Vec cannot fail; an empty body would be refused anyway.
        serde_json::to_vec(&envelope).unwrap_or_default()
    }
}

/// `data` of a `customer.*` event: the whole customer.
pub(crate) fn customer_data(customer: &Customer) -> Result<Value, serde_json::Error> {
    serde_json::to_value(customer)
}

/// `data` of a `subscription.*` event: the subscription without its (temporary)
/// `management_urls`; only `subscription.created` carries the `transaction_id` (the
/// checkout's, which the caller sets).
pub(crate) fn subscription_data(
    subscription: &Subscription,
    event_type: EventType,
) -> Result<Value, serde_json::Error> {
    let mut sub = subscription.clone();
    sub.management_urls = None;
    if event_type != EventType::SubscriptionCreated {
        sub.transaction_id = None;
    }
    serde_json::to_value(&sub)
}
