//! From a verified body to what it writes: the `webhook_events` row and the mirror change.
//!
//! The ordering rules themselves (older events never overwrite, `canceled` is final) are
//! enforced by the upserts in `db::mirror`, inside the same transaction as the event row.

use paddle::entities::CollectionMode;
use paddle::time::OffsetDateTime;
use paddle::{Customer, EventData, RawEvent, SimulationEventId, Subscription};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::server::accounts::email;
use crate::server::db::events::EventWrite;
use crate::server::db::mirror::{CustomerWrite, MirrorWrite, SubscriptionWrite};

/// Customer events this product mirrors.
pub const CUSTOMER_EVENTS: [&str; 3] =
    ["customer.created", "customer.updated", "customer.imported"];

/// Subscription events this product mirrors.
pub const SUBSCRIPTION_EVENTS: [&str; 9] = [
    "subscription.created",
    "subscription.updated",
    "subscription.activated",
    "subscription.canceled",
    "subscription.past_due",
    "subscription.paused",
    "subscription.resumed",
    "subscription.trialing",
    "subscription.imported",
];

/// Why a signed body cannot be used. The message gives only the kind and position of
/// the problem: serde's own text can quote values from the body, which is never logged.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a webhook envelope ({} at line {}, column {})", kind(.0), .0.line(), .0.column())]
    Envelope(serde_json::Error),
    #[error("`data` does not match its event type ({})", kind(.0))]
    Data(serde_json::Error),
    #[error("occurred_at is out of range")]
    OccurredAt,
}

fn kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected content",
        serde_json::error::Category::Eof => "truncated JSON",
    }
}

/// A decoded event: the row to store and the mirror change it brings.
#[derive(Debug)]
pub struct Received {
    pub event: EventWrite,
    pub write: MirrorWrite,
}

/// The two fields of a subscription stored as JSON text, borrowed from `data` as sent (the
/// typed decode has already checked them): no tree built, copied and printed back.
#[derive(Deserialize)]
struct StoredAsText<'a> {
    #[serde(borrow)]
    items: &'a RawValue,
    /// `None` when absent or `null`.
    #[serde(borrow, default)]
    scheduled_change: Option<&'a RawValue>,
}

/// The event id of `body` when it is a delivery from Paddle's webhook simulator
/// (`ntfsimevt_…`, no notification id), which [`decode`] refuses: for a verified body
/// that `decode` could not read, not on the path of every event.
pub fn simulation(body: &[u8]) -> Option<SimulationEventId> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        event_id: &'a str,
    }
    let envelope: Envelope<'_> = serde_json::from_slice(body).ok()?;
    SimulationEventId::parse(envelope.event_id).ok()
}

/// Decodes a verified body received at `received_at` (unix seconds), in one pass over it
/// (`paddle::RawEvent`: the entity is read from `data`'s text, no JSON tree of it built).
pub fn decode(body: &[u8], received_at: i64) -> Result<Received, DecodeError> {
    let event = RawEvent::parse(body).map_err(DecodeError::Envelope)?;
    let occurred_at_us = micros(event.occurred_at.at).ok_or(DecodeError::OccurredAt)?;
    let write = mirror_write(&event, occurred_at_us).map_err(DecodeError::Data)?;
    let write = write.with_event_id(event.event_id.as_str());
    let event = EventWrite {
        event_id: event.event_id.as_str().to_owned(),
        event_type: storable(&event.event_type),
        occurred_at: event.occurred_at.text.into_owned(),
        occurred_at_us,
        notification_id: event.notification_id.as_str().to_owned(),
        received_at,
        payload: text(body),
    };
    Ok(Received { event, write })
}

/// What `event` changes in the mirror; `Nothing` for types this product does not mirror.
fn mirror_write(
    event: &RawEvent<'_>,
    occurred_at_us: i64,
) -> Result<MirrorWrite, serde_json::Error> {
    let kind = &*event.event_type;
    if !CUSTOMER_EVENTS.contains(&kind) && !SUBSCRIPTION_EVENTS.contains(&kind) {
        return Ok(MirrorWrite::Nothing);
    }
    Ok(match event.decode()? {
        EventData::Customer(customer) => {
            MirrorWrite::Customer(customer_write(&customer, occurred_at_us))
        }
        EventData::Subscription(subscription) => {
            let text: StoredAsText<'_> = serde_json::from_str(event.data.get())?;
            MirrorWrite::Subscription(subscription_write(
                &subscription,
                text.items.get().to_owned(),
                text.scheduled_change.map(|c| c.get().to_owned()),
                occurred_at_us,
            ))
        }
        EventData::Other => MirrorWrite::Nothing,
    })
}

/// The mirror row of `c`, as of `occurred_at_us`.
pub fn customer_write(c: &Customer, occurred_at_us: i64) -> CustomerWrite {
    CustomerWrite {
        id: c.id.as_str().to_owned(),
        email: storable(&email::normalize(&c.email)),
        name: c.name.as_deref().map(storable),
        status: c.status.as_str().to_owned(),
        updated_at: c.updated_at.unix_timestamp(),
        occurred_at_us,
        event_id: String::new(),
    }
}

/// The mirror row of `s` (with its `items` and `scheduled_change` as JSON text), as of
/// `occurred_at_us`.
pub fn subscription_write(
    s: &Subscription,
    items: String,
    scheduled_change: Option<String>,
    occurred_at_us: i64,
) -> SubscriptionWrite {
    let secs = |t: Option<OffsetDateTime>| t.map(OffsetDateTime::unix_timestamp);
    let period = s.current_billing_period.as_ref();
    SubscriptionWrite {
        id: s.id.as_str().to_owned(),
        customer_id: s.customer_id.as_str().to_owned(),
        status: s.status.as_str().to_owned(),
        items,
        next_billed_at: secs(s.next_billed_at),
        current_period_starts_at: secs(period.map(|p| p.starts_at)),
        current_period_ends_at: secs(period.map(|p| p.ends_at)),
        scheduled_change,
        paused_at: secs(s.paused_at),
        canceled_at: secs(s.canceled_at),
        collection_mode: match s.collection_mode {
            CollectionMode::Automatic => "automatic",
            CollectionMode::Manual => "manual",
        }
        .to_owned(),
        created_at: s.created_at.unix_timestamp(),
        updated_at: s.updated_at.unix_timestamp(),
        occurred_at_us,
        event_id: String::new(),
    }
}

/// Free text from an event as both backends store it alike: U+0000, which a Postgres
/// `text` column refuses (the event could then never be stored, and Paddle would retry it
/// in vain), becomes U+FFFD. Anyone can put it in their name at checkout.
fn storable(text: &str) -> String {
    text.replace('\0', "\u{FFFD}")
}

/// The body as stored: as sent when it is UTF-8 (it always is from Paddle: checked here at
/// the speed of `str::from_utf8`, not `from_utf8_lossy`'s, which is several times slower
/// on a valid body), else with each invalid sequence as U+FFFD.
fn text(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

/// Microseconds since the epoch: Paddle's own precision, so events sort exactly.
pub fn micros(t: OffsetDateTime) -> Option<i64> {
    i64::try_from(t.unix_timestamp_nanos() / 1000).ok()
}

#[cfg(test)]
#[path = "apply/tests.rs"]
mod tests;
