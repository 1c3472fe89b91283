//! Dunning: retrying a failed renewal on a fixed schedule, then recovering or canceling.
//!
//! Retries come 3, 7 and 14 days after the failed renewal was billed. A retry that is
//! paid recovers the subscription (`transaction.updated`, `.paid`, `.updated`,
//! `.completed`, then `subscription.updated`, `active` again); a declined one sends
//! `transaction.payment_failed`. When the last retry is declined too, the transaction is
//! canceled (`transaction.canceled`) and so is the subscription (`subscription.updated`,
//! `subscription.canceled`).

use paddle::{SubscriptionStatus, TransactionId};
use time::{Duration, OffsetDateTime};

use super::BillingError;
use super::lifecycle::{set_canceled, set_status};
use super::renewal::{attempt, collect};
use crate::state::Data;
use crate::state::transactions::TransactionStatus;
use crate::webhooks::{EventType, Outbox};

/// Days after billing at which a declined renewal is tried again.
pub(super) const RETRY_DAYS: [i64; 3] = [3, 7, 14];

/// When the first retry of a renewal billed at `billed_at` happens.
pub(super) fn first_retry(billed_at: OffsetDateTime) -> OffsetDateTime {
    billed_at + Duration::days(RETRY_DAYS[0])
}

/// Retries past-due transaction `id` at `at`.
pub(super) fn retry(
    data: &mut Data,
    id: &TransactionId,
    at: OffsetDateTime,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    let customer = match data.transactions.get(id) {
        Some(txn) => txn.customer_id.clone(),
        None => return Err(BillingError::NotFound),
    };
    let declined = data.take_decline(&customer);
    let txn = data
        .transactions
        .get_mut(id)
        .ok_or(BillingError::NotFound)?;
    txn.retries += 1;
    if !declined {
        collect(txn, at, outbox);
        let sub_id = txn.subscription_id.clone();
        return recovered(data, &sub_id, at, outbox);
    }
    txn.payments.push(attempt(false, at));
    txn.updated_at = at;
    let next = usize::try_from(txn.retries)
        .ok()
        .and_then(|n| RETRY_DAYS.get(n));
    txn.next_retry_at = next.map(|days| txn.billed_at + Duration::days(*days));
    outbox.transaction(EventType::TransactionPaymentFailed, txn, at);
    if txn.next_retry_at.is_some() {
        return Ok(());
    }
    txn.status = TransactionStatus::Canceled;
    outbox.transaction(EventType::TransactionCanceled, txn, at);
    let sub_id = txn.subscription_id.clone();
    let sub = data
        .subscriptions
        .get_mut(&sub_id)
        .ok_or(BillingError::NotFound)?;
    set_canceled(sub, at)?;
    outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
    outbox.subscription(EventType::SubscriptionCanceled, sub, at)?;
    Ok(())
}

/// The subscription of a transaction just collected: `active` again if it was past due.
fn recovered(
    data: &mut Data,
    id: &paddle::SubscriptionId,
    at: OffsetDateTime,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    let sub = data
        .subscriptions
        .get_mut(id)
        .ok_or(BillingError::NotFound)?;
    if sub.status == SubscriptionStatus::PastDue {
        set_status(sub, SubscriptionStatus::Active, at)?;
        outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
    }
    Ok(())
}

/// Collects `subscription`'s past-due transactions now (a new payment method), which
/// recovers it.
pub(super) fn collect_past_due(
    data: &mut Data,
    id: &paddle::SubscriptionId,
    at: OffsetDateTime,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    let due: Vec<TransactionId> = data
        .transactions
        .values()
        .filter(|t| &t.subscription_id == id && t.status == TransactionStatus::PastDue)
        .map(|t| t.id.clone())
        .collect();
    for txn_id in due {
        if let Some(txn) = data.transactions.get_mut(&txn_id) {
            collect(txn, at, outbox);
        }
    }
    recovered(data, id, at, outbox)
}
