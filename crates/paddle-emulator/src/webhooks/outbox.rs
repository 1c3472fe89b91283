//! Events gathered while the state changes, sent once the change is stored.

use paddle::Subscription;
use serde_json::Value;
use time::OffsetDateTime;

use super::event::{EventType, subscription_data};
use crate::state::transactions::Transaction;

/// Events in the order they happened, each with its time on the billing clock.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    pub(super) events: Vec<(EventType, Value, OffsetDateTime)>,
}

impl Outbox {
    /// Adds an event with `data` as it is now.
    pub(crate) fn push(&mut self, event_type: EventType, data: Value, at: OffsetDateTime) {
        self.events.push((event_type, data, at));
    }

    /// Adds a `subscription.*` event with the subscription as it is now.
    pub(crate) fn subscription(
        &mut self,
        event_type: EventType,
        sub: &Subscription,
        at: OffsetDateTime,
    ) -> Result<(), serde_json::Error> {
        self.push(event_type, subscription_data(sub, event_type)?, at);
        Ok(())
    }

    /// Adds a `transaction.*` event with the transaction as it is now.
    pub(crate) fn transaction(
        &mut self,
        event_type: EventType,
        txn: &Transaction,
        at: OffsetDateTime,
    ) {
        self.push(event_type, txn.to_json(), at);
    }

    /// How many events are waiting.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }
}
