//! Changes a customer makes in the portal: cancel, update the payment method.

use paddle::entities::ScheduledChangeAction;
use paddle::{CustomerId, ScheduledChange, Subscription, SubscriptionId, SubscriptionStatus};
use serde_json::Value;
use time::OffsetDateTime;

use super::BillingError;
use crate::emulator::Shared;
use crate::state::Data;
use crate::state::entities::{now, rfc3339_micros, set_item_field};
use crate::webhooks::{EventType, subscription_data};

/// When a cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CancelWhen {
    /// At the end of the current billing period: a scheduled change, still `active`.
    PeriodEnd,
    /// Right away: `canceled`.
    Now,
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Cancellation scheduled for this moment.
    Scheduled(OffsetDateTime),
    /// A cancellation was already scheduled for this moment; nothing changed.
    AlreadyScheduled(OffsetDateTime),
    /// Canceled now.
    Canceled,
    /// Payment method replaced; a `past_due` subscription became `active` again.
    PaymentMethodUpdated,
}

/// The customer's own subscription, or `NotFound`.
fn owned<'a>(
    data: &'a mut Data,
    customer_id: &CustomerId,
    subscription_id: &SubscriptionId,
) -> Result<&'a mut Subscription, BillingError> {
    data.subscriptions
        .get_mut(subscription_id)
        .filter(|s| &s.customer_id == customer_id)
        .ok_or(BillingError::NotFound)
}

/// Cancels now (`subscription.updated`, then `subscription.canceled`) or at the period's
/// end (`subscription.updated` with a `scheduled_change`), as Paddle does.
pub(crate) fn cancel(
    shared: &Shared,
    customer_id: &CustomerId,
    subscription_id: &SubscriptionId,
    when: CancelWhen,
) -> Result<(Subscription, Change), BillingError> {
    let at = now();
    let (sub, change) = shared.store.write(|data| {
        let sub = owned(data, customer_id, subscription_id)?;
        if sub.status == SubscriptionStatus::Canceled {
            return Err(BillingError::AlreadyCanceled);
        }
        let change = match when {
            CancelWhen::PeriodEnd => {
                if let Some(scheduled) = &sub.scheduled_change
                    && scheduled.action == ScheduledChangeAction::Cancel
                {
                    return Ok((
                        sub.clone(),
                        Change::AlreadyScheduled(scheduled.effective_at),
                    ));
                }
                let effective_at = sub
                    .current_billing_period
                    .as_ref()
                    .map(|p| p.ends_at)
                    .or(sub.next_billed_at)
                    .unwrap_or(at);
                sub.scheduled_change = Some(ScheduledChange {
                    action: ScheduledChangeAction::Cancel,
                    effective_at,
                    resume_at: None,
                });
                Change::Scheduled(effective_at)
            }
            CancelWhen::Now => {
                sub.status = SubscriptionStatus::Canceled;
                sub.canceled_at = Some(at);
                sub.scheduled_change = None;
                sub.current_billing_period = None;
                sub.next_billed_at = None;
                set_item_field(sub, "next_billed_at", Value::Null)?;
                set_item_field(sub, "updated_at", Value::String(rfc3339_micros(at)))?;
                Change::Canceled
            }
        };
        sub.updated_at = at;
        Ok((sub.clone(), change))
    })?;
    let events: &[EventType] = match change {
        Change::Scheduled(_) => &[EventType::SubscriptionUpdated],
        Change::Canceled => &[
            EventType::SubscriptionUpdated,
            EventType::SubscriptionCanceled,
        ],
        Change::AlreadyScheduled(_) | Change::PaymentMethodUpdated => &[],
    };
    for event in events {
        shared
            .webhooks
            .emit(*event, subscription_data(&sub, *event)?);
    }
    tracing::info!(%subscription_id, ?change, "portal cancel");
    Ok((sub, change))
}

/// Replaces the payment method (`subscription.updated`); a `past_due` subscription is
/// collected with it and becomes `active` again.
pub(crate) fn update_payment_method(
    shared: &Shared,
    customer_id: &CustomerId,
    subscription_id: &SubscriptionId,
) -> Result<(Subscription, Change), BillingError> {
    let at = now();
    let sub = shared.store.write(|data| {
        let sub = owned(data, customer_id, subscription_id)?;
        if sub.status == SubscriptionStatus::Canceled {
            return Err(BillingError::AlreadyCanceled);
        }
        if sub.status == SubscriptionStatus::PastDue {
            sub.status = SubscriptionStatus::Active;
        }
        sub.updated_at = at;
        Ok(sub.clone())
    })?;
    let event = EventType::SubscriptionUpdated;
    shared.webhooks.emit(event, subscription_data(&sub, event)?);
    tracing::info!(%subscription_id, "portal payment method update");
    Ok((sub, Change::PaymentMethodUpdated))
}
