//! Pausing (now or at the period's end, as `POST /subscriptions/{id}/pause` asks) and
//! resuming at `resume_at`.

use paddle::entities::ScheduledChangeAction;
use paddle::{ScheduledChange, Subscription, SubscriptionId, SubscriptionStatus};
use time::OffsetDateTime;

use super::BillingError;
use super::lifecycle::{set_paused, set_status};
use super::renewal::renew;
use crate::emulator::Shared;
use crate::state::Data;
use crate::webhooks::{EventType, Outbox};

/// When a pause takes effect (the spec's `effective_from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PauseWhen {
    /// At the end of the current billing period: a scheduled change, still `active`.
    NextBillingPeriod,
    /// Right away.
    Immediately,
}

/// Pauses now (`subscription.updated`, `subscription.paused`) or schedules a pause for
/// the period's end (`subscription.updated`); `resume_at` schedules the resumption.
pub(crate) fn pause(
    shared: &Shared,
    id: &SubscriptionId,
    when: PauseWhen,
    resume_at: Option<OffsetDateTime>,
) -> Result<Subscription, BillingError> {
    let (sub, outbox) = shared.store.write(|data| {
        let customer = data
            .subscriptions
            .get(id)
            .map(|s| s.customer_id.clone())
            .ok_or(BillingError::NotFound)?;
        let at = data.now_for(&customer);
        let sub = data
            .subscriptions
            .get_mut(id)
            .ok_or(BillingError::NotFound)?;
        match sub.status {
            SubscriptionStatus::Active => {}
            SubscriptionStatus::Canceled => return Err(BillingError::AlreadyCanceled),
            _ => return Err(BillingError::NotActive(sub.status)),
        }
        let starts_at = match when {
            PauseWhen::Immediately => at,
            PauseWhen::NextBillingPeriod => sub.next_billed_at.unwrap_or(at),
        };
        if resume_at.is_some_and(|r| r <= starts_at) {
            return Err(BillingError::ResumeBeforePause);
        }
        let mut outbox = Outbox::default();
        match when {
            PauseWhen::Immediately => {
                set_paused(sub, at, resume_at)?;
                outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
                outbox.subscription(EventType::SubscriptionPaused, sub, at)?;
            }
            PauseWhen::NextBillingPeriod => {
                sub.scheduled_change = Some(ScheduledChange {
                    action: ScheduledChangeAction::Pause,
                    effective_at: starts_at,
                    resume_at,
                });
                sub.updated_at = at;
                outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
            }
        }
        Ok((sub.clone(), outbox))
    })?;
    shared.webhooks.send(outbox);
    tracing::info!(subscription_id = %id, ?when, "pause");
    Ok(sub)
}

/// A scheduled pause takes effect at `at`: `subscription.updated`, `subscription.paused`.
pub(super) fn take_effect(
    data: &mut Data,
    id: &SubscriptionId,
    at: OffsetDateTime,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    let sub = data
        .subscriptions
        .get_mut(id)
        .ok_or(BillingError::NotFound)?;
    let resume_at = sub.scheduled_change.as_ref().and_then(|c| c.resume_at);
    set_paused(sub, at, resume_at)?;
    outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
    outbox.subscription(EventType::SubscriptionPaused, sub, at)?;
    Ok(())
}

/// A paused subscription resumes at `at` and starts a new billing period, which is
/// billed: `subscription.updated`, `subscription.resumed`, then the renewal's
/// transaction events.
pub(super) fn resume(
    data: &mut Data,
    id: &SubscriptionId,
    at: OffsetDateTime,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    let sub = data
        .subscriptions
        .get_mut(id)
        .ok_or(BillingError::NotFound)?;
    sub.paused_at = None;
    sub.scheduled_change = None;
    set_status(sub, SubscriptionStatus::Active, at)?;
    renew(data, id, at, Some(EventType::SubscriptionResumed), outbox)
}
