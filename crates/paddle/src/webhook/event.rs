//! The webhook envelope and its typed payloads.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::entities::{Customer, Subscription};
use crate::ids::{EventId, NotificationId};

/// A webhook delivery's body. Parse it only after [`super::verify`] accepted the raw bytes.
///
/// Deliveries repeat and arrive out of order: deduplicate on `event_id`, order by
/// `occurred_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Id of the event, the same on every delivery of it.
    pub event_id: EventId,
    /// For example `subscription.updated`.
    pub event_type: String,
    /// When the event happened (microsecond precision).
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
    /// Id of this delivery.
    pub notification_id: NotificationId,
    /// The entity, as JSON; see [`Event::decode`].
    pub data: serde_json::Value,
}

/// The payload of an event, typed by its `event_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// A `customer.*` event.
    Customer(Box<Customer>),
    /// A `subscription.*` event.
    Subscription(Box<Subscription>),
    /// Any other event type: not mirrored by this product.
    Other,
}

impl Event {
    /// Parses a (verified) raw body.
    pub fn parse(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The entity kind in `event_type`, for example `subscription` in `subscription.paused`.
    pub fn entity(&self) -> &str {
        self.event_type
            .split_once('.')
            .map_or(self.event_type.as_str(), |(entity, _)| entity)
    }

    /// Decodes `data` into the entity its `event_type` names.
    pub fn decode(&self) -> Result<EventData, serde_json::Error> {
        Ok(match self.entity() {
            "customer" => EventData::Customer(Box::new(Customer::deserialize(&self.data)?)),
            "subscription" => {
                EventData::Subscription(Box::new(Subscription::deserialize(&self.data)?))
            }
            _ => EventData::Other,
        })
    }
}
