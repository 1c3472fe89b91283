//! The API's subscription writes beyond pausing: resume, activate a trial, undo a
//! scheduled change, replace the items. Each sends the events Paddle sends for it.

use paddle::entities::{ScheduledChangeAction, SubscriptionItems};
use paddle::{ScheduledChange, Subscription, SubscriptionId, SubscriptionStatus};
use serde_json::Value;
use time::OffsetDateTime;

use super::BillingError;
use super::renewal::renew;
use crate::emulator::Shared;
use crate::state::Data;
use crate::webhooks::{EventType, Outbox};

/// When a resumption takes effect (the spec's `effective_from` of `/resume`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResumeWhen {
    /// Now: the subscription must be `paused`.
    Immediately,
    /// At this moment: a `paused` subscription gets a scheduled `resume`; an `active` one
    /// with a scheduled pause gets its `resume_at`.
    At(OffsetDateTime),
}

/// Why a write was refused, beyond [`BillingError`]: Paddle's own codes.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    /// A billing failure (not found, a bug).
    #[error(transparent)]
    Billing(#[from] BillingError),
    /// `subscription_must_be_paused`.
    #[error("action can only be performed on paused subscription")]
    MustBePaused,
    /// `subscription_cannot_activate`.
    #[error(
        "Only subscriptions which have status 'trialing' can be activated. Subscription status is '{0}'"
    )]
    CannotActivate(&'static str),
    /// `subscription_update_when_canceled`.
    #[error("cannot update subscription when canceled")]
    UpdateWhenCanceled,
    /// `subscription_is_canceled_action_invalid`.
    #[error("subscription is canceled, action is invalid")]
    CanceledActionInvalid,
    /// `invalid_field`, on this field, with this message.
    #[error("{0}: {1}")]
    Field(&'static str, String),
}

impl From<serde_json::Error> for WriteError {
    fn from(err: serde_json::Error) -> Self {
        Self::Billing(BillingError::Entity(err))
    }
}

/// Runs `change` on subscription `id` at its customer's time, stores it and sends the
/// events it gathered.
fn write(
    shared: &Shared,
    id: &SubscriptionId,
    change: impl FnOnce(&mut Data, OffsetDateTime, &mut Outbox) -> Result<(), WriteError>,
) -> Result<Subscription, WriteError> {
    let (sub, outbox) = shared.store.write(|data| {
        let customer = data
            .subscriptions
            .get(id)
            .map(|s| s.customer_id.clone())
            .ok_or(BillingError::NotFound)?;
        let at = data.now_for(&customer);
        let mut outbox = Outbox::default();
        change(data, at, &mut outbox)?;
        let sub = data.subscriptions.get(id).ok_or(BillingError::NotFound)?;
        Ok::<_, WriteError>((sub.clone(), outbox))
    })?;
    shared.webhooks.send(outbox);
    Ok(sub)
}

fn get<'a>(data: &'a mut Data, id: &SubscriptionId) -> Result<&'a mut Subscription, WriteError> {
    Ok(data
        .subscriptions
        .get_mut(id)
        .ok_or(BillingError::NotFound)?)
}

/// `POST /subscriptions/{id}/resume`: now (`subscription.updated`, `.resumed`, then a new
/// period billed like a renewal) or at a date (`subscription.updated`).
pub(crate) fn resume(
    shared: &Shared,
    id: &SubscriptionId,
    when: ResumeWhen,
) -> Result<Subscription, WriteError> {
    let sub = write(shared, id, |data, at, outbox| {
        let sub = get(data, id)?;
        let pause_scheduled = sub
            .scheduled_change
            .as_ref()
            .is_some_and(|c| c.action == ScheduledChangeAction::Pause);
        match (sub.status, when) {
            (SubscriptionStatus::Paused, ResumeWhen::Immediately) => {
                super::pause::resume(data, id, at, outbox)?;
            }
            (SubscriptionStatus::Paused, ResumeWhen::At(resume_at)) => {
                if resume_at <= at {
                    return Err(WriteError::Field(
                        "effective_from",
                        "must be in the future".to_owned(),
                    ));
                }
                sub.scheduled_change = Some(ScheduledChange {
                    action: ScheduledChangeAction::Resume,
                    effective_at: resume_at,
                    resume_at: None,
                });
                sub.updated_at = at;
                outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
            }
            (SubscriptionStatus::Active, ResumeWhen::At(resume_at)) if pause_scheduled => {
                let Some(change) = sub.scheduled_change.as_mut() else {
                    return Err(WriteError::MustBePaused);
                };
                if resume_at <= change.effective_at {
                    return Err(WriteError::Field(
                        "effective_from",
                        "must be after the scheduled pause takes effect".to_owned(),
                    ));
                }
                change.resume_at = Some(resume_at);
                sub.updated_at = at;
                outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
            }
            (SubscriptionStatus::Canceled, _) => return Err(WriteError::CanceledActionInvalid),
            _ => return Err(WriteError::MustBePaused),
        }
        Ok(())
    })?;
    tracing::info!(subscription_id = %id, ?when, "resume");
    Ok(sub)
}

/// `POST /subscriptions/{id}/activate`: a trial ends now and is billed, with the trial
/// end's events (the renewal's, then `subscription.activated`).
pub(crate) fn activate(shared: &Shared, id: &SubscriptionId) -> Result<Subscription, WriteError> {
    let sub = write(shared, id, |data, at, outbox| {
        let sub = get(data, id)?;
        if sub.status != SubscriptionStatus::Trialing {
            return Err(WriteError::CannotActivate(sub.status.as_str()));
        }
        renew(data, id, at, None, outbox)?;
        Ok(())
    })?;
    tracing::info!(subscription_id = %id, "activate");
    Ok(sub)
}

/// What `PATCH /subscriptions/{id}` asks for, validated.
#[derive(Debug, Default)]
pub(crate) struct Update {
    /// `scheduled_change: null`: drop the scheduled change.
    pub(crate) clear_scheduled_change: bool,
    /// New items (price JSON, product JSON, quantity), replacing the old ones.
    pub(crate) items: Option<Vec<(Value, Value, u64)>>,
    /// `custom_data` (`Some(None)` clears it).
    pub(crate) custom_data: Option<Option<paddle::entities::CustomData>>,
}

/// Applies an update: `subscription.updated` if anything changed. New items are billed
/// from the next renewal on (no proration is charged).
pub(crate) fn update(
    shared: &Shared,
    id: &SubscriptionId,
    update: Update,
) -> Result<Subscription, WriteError> {
    let sub = write(shared, id, |data, at, outbox| {
        let sub = get(data, id)?;
        if sub.status == SubscriptionStatus::Canceled {
            return Err(WriteError::UpdateWhenCanceled);
        }
        if update.clear_scheduled_change {
            sub.scheduled_change = None;
        }
        if let Some(custom_data) = update.custom_data {
            sub.custom_data = custom_data;
        }
        if let Some(items) = update.items {
            let old = sub.items.raw().to_vec();
            let raw = items
                .into_iter()
                .map(|(price, product, quantity)| new_item(&old, sub, price, product, quantity, at))
                .collect::<Result<Vec<Value>, serde_json::Error>>()?;
            sub.items = SubscriptionItems::from_raw(raw)?;
        }
        sub.updated_at = at;
        outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
        Ok(())
    })?;
    tracing::info!(subscription_id = %id, "update");
    Ok(sub)
}

/// An item for `price`: the old item of that price with the new quantity, or a new one.
fn new_item(
    old: &[Value],
    sub: &Subscription,
    price: Value,
    product: Value,
    quantity: u64,
    at: OffsetDateTime,
) -> Result<Value, serde_json::Error> {
    use crate::state::entities::rfc3339_micros;
    let stamp = |t: OffsetDateTime| Value::String(rfc3339_micros(t));
    let mut item = old
        .iter()
        .find(|i| i["price"]["id"] == price["id"])
        .cloned()
        .unwrap_or_else(|| {
            serde_json::json!({
                "status": if sub.status == SubscriptionStatus::Trialing { "trialing" } else { "active" },
                "recurring": true,
                "created_at": rfc3339_micros(at),
                "previously_billed_at": null,
                "next_billed_at": sub.next_billed_at.map(rfc3339_micros),
                "trial_dates": null,
            })
        });
    if let Some(object) = item.as_object_mut() {
        object.insert("quantity".to_owned(), Value::from(quantity));
        object.insert("updated_at".to_owned(), stamp(at));
        object.insert("price".to_owned(), price);
        object.insert("product".to_owned(), product);
    }
    Ok(item)
}
