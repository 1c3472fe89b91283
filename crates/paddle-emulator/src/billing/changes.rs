//! Changes a customer makes in the portal: cancel, update the payment method.

use paddle::entities::ScheduledChangeAction;
use paddle::{CustomerId, ScheduledChange, Subscription, SubscriptionId, SubscriptionStatus};
use time::OffsetDateTime;

use super::BillingError;
use super::dunning::collect_past_due;
use super::lifecycle::set_canceled;
use crate::emulator::Shared;
use crate::state::Data;
use crate::webhooks::{EventType, Outbox};

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
    /// Payment method replaced; a `past_due` subscription was collected and is `active` again.
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
/// end (`subscription.updated` with a `scheduled_change`), as Paddle does, at the
/// customer's time on the billing clock.
pub(crate) fn cancel(
    shared: &Shared,
    customer_id: &CustomerId,
    subscription_id: &SubscriptionId,
    when: CancelWhen,
) -> Result<(Subscription, Change), BillingError> {
    let (sub, change, at) = shared.store.write(|data| {
        let at = data.now_for(customer_id);
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
                        at,
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
                set_canceled(sub, at)?;
                Change::Canceled
            }
        };
        sub.updated_at = at;
        Ok((sub.clone(), change, at))
    })?;
    let events: &[EventType] = match change {
        Change::Scheduled(_) => &[EventType::SubscriptionUpdated],
        Change::Canceled => &[
            EventType::SubscriptionUpdated,
            EventType::SubscriptionCanceled,
        ],
        Change::AlreadyScheduled(_) | Change::PaymentMethodUpdated => &[],
    };
    let mut outbox = Outbox::default();
    for event in events {
        outbox.subscription(*event, &sub, at)?;
    }
    shared.webhooks.send(outbox);
    tracing::info!(%subscription_id, ?change, "portal cancel");
    Ok((sub, change))
}

/// Replaces the payment method (`subscription.updated`). A `past_due` subscription's
/// overdue transactions are collected with it (`transaction.updated`, `.paid`,
/// `.updated`, `.completed`) and it becomes `active` again (`subscription.updated`).
pub(crate) fn update_payment_method(
    shared: &Shared,
    customer_id: &CustomerId,
    subscription_id: &SubscriptionId,
) -> Result<(Subscription, Change), BillingError> {
    let (sub, outbox) = shared.store.write(|data| {
        let at = data.now_for(customer_id);
        let sub = owned(data, customer_id, subscription_id)?;
        if sub.status == SubscriptionStatus::Canceled {
            return Err(BillingError::AlreadyCanceled);
        }
        let mut outbox = Outbox::default();
        if sub.status == SubscriptionStatus::PastDue {
            collect_past_due(data, subscription_id, at, &mut outbox)?;
        } else {
            sub.updated_at = at;
            outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
        }
        let sub = owned(data, customer_id, subscription_id)?;
        Ok((sub.clone(), outbox))
    })?;
    shared.webhooks.send(outbox);
    tracing::info!(%subscription_id, "portal payment method update");
    Ok((sub, Change::PaymentMethodUpdated))
}
