//! A webhook body read once, without copying it: what a receiver that stores the body as
//! sent needs, at the cost of one pass.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::event::EventData;
use crate::entities::{Customer, Subscription};
use crate::ids::{EventId, NotificationId};

/// A webhook delivery's body, borrowed from it. It parses when [`super::Event`] parses
/// (the same fields, the same checks); but `data` stays the JSON text it was sent as until
/// [`RawEvent::decode`] reads the entity from it (no tree of it is built first), and
/// `occurred_at` keeps its text as sent beside its value. One difference: what only
/// `serde_json::Value`'s own limits refuse inside `data` (a number past `f64`, nesting
/// deeper than 128), which `Event` refuses, is valid JSON text here, skipped without
/// recursing; `decode` refuses it only where it reads it into a value.
#[derive(Debug, Deserialize)]
pub struct RawEvent<'a> {
    /// Id of the event, the same on every delivery of it.
    pub event_id: EventId,
    /// For example `subscription.updated`.
    #[serde(borrow)]
    pub event_type: Cow<'a, str>,
    /// When the event happened (microsecond precision), and its text as sent.
    #[serde(borrow)]
    pub occurred_at: SentTime<'a>,
    /// Id of this delivery.
    pub notification_id: NotificationId,
    /// The entity, as the JSON text it was sent as.
    #[serde(borrow)]
    pub data: &'a RawValue,
}

/// An RFC 3339 time and its text exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentTime<'a> {
    /// The text as sent.
    pub text: Cow<'a, str>,
    /// Its value.
    pub at: OffsetDateTime,
}

impl<'de: 'a, 'a> Deserialize<'de> for SentTime<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        let at = OffsetDateTime::parse(&text, &Rfc3339).map_err(serde::de::Error::custom)?;
        Ok(Self { text, at })
    }
}

impl<'a> RawEvent<'a> {
    /// Parses a (verified) raw body.
    pub fn parse(body: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The entity kind in `event_type`, for example `subscription` in `subscription.paused`.
    pub fn entity(&self) -> &str {
        self.event_type
            .split_once('.')
            .map_or(&*self.event_type, |(entity, _)| entity)
    }

    /// Decodes `data` into the entity its `event_type` names, as [`super::Event::decode`].
    pub fn decode(&self) -> Result<EventData, serde_json::Error> {
        Ok(match self.entity() {
            "customer" => {
                EventData::Customer(Box::new(serde_json::from_str::<Customer>(self.data.get())?))
            }
            "subscription" => EventData::Subscription(Box::new(serde_json::from_str::<
                Subscription,
            >(self.data.get())?)),
            _ => EventData::Other,
        })
    }
}
