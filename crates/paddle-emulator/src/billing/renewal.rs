//! Renewals: each billing period is a transaction, paid or declined.

use paddle::{SubscriptionId, SubscriptionStatus};
use time::OffsetDateTime;

use super::BillingError;
use super::dunning::first_retry;
use super::lifecycle::{set_status, start_period};
use crate::state::Data;
use crate::state::transactions::{Payment, Transaction, TransactionOrigin, TransactionStatus};
use crate::webhooks::{EventType, Outbox};

/// A payment attempt at `at`.
pub(super) fn attempt(captured: bool, at: OffsetDateTime) -> Payment {
    Payment {
        attempt_id: uuid::Uuid::new_v4().to_string(),
        captured,
        at,
    }
}

/// Takes payment for a `billed` or `past_due` transaction: `paid`, then `completed`.
pub(super) fn collect(txn: &mut Transaction, at: OffsetDateTime, outbox: &mut Outbox) {
    txn.payments.push(attempt(true, at));
    txn.next_retry_at = None;
    txn.updated_at = at;
    txn.status = TransactionStatus::Paid;
    outbox.transaction(EventType::TransactionUpdated, txn, at);
    outbox.transaction(EventType::TransactionPaid, txn, at);
    txn.status = TransactionStatus::Completed;
    outbox.transaction(EventType::TransactionUpdated, txn, at);
    outbox.transaction(EventType::TransactionCompleted, txn, at);
}

/// Bills subscription `id` for the period starting at `at`, as Paddle's renewal scenario
/// does: `subscription.updated` (new period), then `transaction.created`, `.billed`,
/// `.updated`, `.paid`, `.updated`, `.completed`. `after_update` (say
/// `subscription.resumed`) comes right after `subscription.updated`. A trial that ends
/// this way is `active` from the `subscription.updated` on and ends with
/// `subscription.activated`.
///
/// If the customer has a decline pending, the payment fails instead:
/// `transaction.payment_failed`, `transaction.past_due`, `subscription.past_due`, and
/// dunning starts.
pub(super) fn renew(
    data: &mut Data,
    id: &SubscriptionId,
    at: OffsetDateTime,
    after_update: Option<EventType>,
    outbox: &mut Outbox,
) -> Result<(), BillingError> {
    let customer = match data.subscriptions.get(id) {
        Some(sub) => sub.customer_id.clone(),
        None => return Err(BillingError::NotFound),
    };
    let declined = data.take_decline(&customer);
    let sub = data
        .subscriptions
        .get_mut(id)
        .ok_or(BillingError::NotFound)?;
    let activates = sub.status == SubscriptionStatus::Trialing && !declined;
    start_period(sub, at)?;
    if activates {
        set_status(sub, SubscriptionStatus::Active, at)?;
    }
    outbox.subscription(EventType::SubscriptionUpdated, sub, at)?;
    if let Some(event) = after_update {
        outbox.subscription(event, sub, at)?;
    }
    let billed = TransactionStatus::Billed;
    let recurring = TransactionOrigin::SubscriptionRecurring;
    let mut txn =
        Transaction::for_period(sub, billed, recurring, false, at).ok_or(BillingError::NotFound)?;
    outbox.transaction(EventType::TransactionCreated, &txn, at);
    outbox.transaction(EventType::TransactionBilled, &txn, at);
    if declined {
        txn.payments.push(attempt(false, at));
        outbox.transaction(EventType::TransactionPaymentFailed, &txn, at);
        txn.status = TransactionStatus::PastDue;
        txn.next_retry_at = Some(first_retry(at));
        outbox.transaction(EventType::TransactionPastDue, &txn, at);
        set_status(sub, SubscriptionStatus::PastDue, at)?;
        outbox.subscription(EventType::SubscriptionPastDue, sub, at)?;
    } else {
        collect(&mut txn, at, outbox);
        if activates {
            outbox.subscription(EventType::SubscriptionActivated, sub, at)?;
        }
    }
    data.transactions.insert(txn.id.clone(), txn);
    Ok(())
}
