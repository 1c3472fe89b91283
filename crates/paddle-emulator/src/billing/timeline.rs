//! Advancing the clock: everything that falls due in between happens, in order.

use paddle::entities::ScheduledChangeAction;
use paddle::{CustomerId, Subscription, SubscriptionId, SubscriptionStatus, TransactionId};
use time::OffsetDateTime;

use super::BillingError;
use super::lifecycle::set_canceled;
use super::{dunning, pause, renewal};
use crate::clock::IsoDuration;
use crate::emulator::Shared;
use crate::state::Data;
use crate::state::transactions::TransactionStatus;
use crate::webhooks::{EventType, Outbox};

/// Most things one advance may make happen (ten years of daily renewals for hundreds
/// of subscriptions), so a bug cannot loop for ever.
const MAX_STEPS: usize = 1_000_000;

/// What falls due for a subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Due {
    Cancel,
    Pause,
    Resume,
    Retry(TransactionId),
    Renew,
}

/// What an advance did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Advanced {
    /// The scope's time now.
    pub(crate) now: OffsetDateTime,
    /// Events sent, in order.
    pub(crate) events: usize,
}

/// The next thing due for `sub`, and when. A scheduled change comes before a renewal
/// at the same moment (a cancellation at the period's end is not billed again).
fn next_due(data: &Data, sub: &Subscription) -> Option<(OffsetDateTime, Due)> {
    let change = sub.scheduled_change.as_ref().map(|c| {
        let due = match c.action {
            ScheduledChangeAction::Cancel => Due::Cancel,
            ScheduledChangeAction::Pause => Due::Pause,
            ScheduledChangeAction::Resume => Due::Resume,
        };
        (c.effective_at, due)
    });
    let billing = match sub.status {
        SubscriptionStatus::Active | SubscriptionStatus::Trialing => {
            sub.next_billed_at.map(|at| (at, Due::Renew))
        }
        SubscriptionStatus::PastDue => data
            .transactions
            .values()
            .filter(|t| t.subscription_id == sub.id && t.status == TransactionStatus::PastDue)
            .filter_map(|t| t.next_retry_at.map(|at| (at, Due::Retry(t.id.clone()))))
            .min_by_key(|(at, _)| *at),
        SubscriptionStatus::Paused | SubscriptionStatus::Canceled => None,
    };
    match (change, billing) {
        (Some(c), Some(b)) => Some(if c.0 <= b.0 { c } else { b }),
        (c, b) => c.or(b),
    }
}

/// The earliest thing due within the scope, by its own customer's time.
fn earliest(
    data: &Data,
    scope: Option<&CustomerId>,
) -> Option<(OffsetDateTime, SubscriptionId, Due)> {
    data.subscriptions
        .values()
        .filter(|s| s.status != SubscriptionStatus::Canceled)
        .filter(|s| scope.is_none_or(|c| &s.customer_id == c))
        .filter_map(|s| {
            let (at, due) = next_due(data, s)?;
            (at <= data.now_for(&s.customer_id)).then(|| (at, s.id.clone(), due))
        })
        .min_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)))
}

/// Makes the one thing due happen at its own time.
fn happen(
    data: &mut Data,
    id: &SubscriptionId,
    at: OffsetDateTime,
    due: Due,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    match due {
        Due::Renew => renewal::renew(data, id, at, None, outbox),
        Due::Retry(txn) => dunning::retry(data, &txn, at, outbox),
        Due::Pause => pause::take_effect(data, id, at, outbox),
        Due::Resume => pause::resume(data, id, at, outbox),
        Due::Cancel => {
            let sub = data
                .subscriptions
                .get_mut(id)
                .ok_or(BillingError::NotFound)?;
            set_canceled(sub, at)?;
            outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
            outbox.subscription(EventType::SubscriptionCanceled, sub, at)?;
            Ok(())
        }
    }
}

/// Moves the clock forward by `by`, for everyone or for `customer` alone, and makes
/// everything due in between happen in order, each with its events.
pub(crate) fn advance(
    shared: &Shared,
    customer: Option<&CustomerId>,
    by: IsoDuration,
) -> Result<Advanced, BillingError> {
    let now = shared.store.write(|data| {
        if let Some(id) = customer
            && !data.customers.contains_key(id)
        {
            return Err(BillingError::UnknownCustomer);
        }
        Ok(data.clock.advance(customer, by))
    })?;
    let mut events = 0;
    for _ in 0..MAX_STEPS {
        let step = shared.store.write(|data| {
            let Some((at, id, due)) = earliest(data, customer) else {
                return Ok(None);
            };
            let mut outbox = Outbox::default();
            happen(data, &id, at, due, &mut outbox)?;
            Ok::<_, BillingError>(Some(outbox))
        })?;
        let Some(outbox) = step else { break };
        events += outbox.len();
        shared.webhooks.send(outbox);
    }
    tracing::info!(customer_id = customer.map(CustomerId::as_str), %by, events, "clock advanced");
    Ok(Advanced { now, events })
}
