//! Buying a plan (the checkout) and bulk data for tests (the seed).

use paddle::{CustomerId, SubscriptionId};

use super::BillingError;
use super::renewal::attempt;
use crate::emulator::Shared;
use crate::state::catalog::{PLANS, Plan};
use crate::state::entities::{new_customer, new_subscription};
use crate::state::transactions::{Transaction, TransactionOrigin, TransactionStatus};
use crate::webhooks::{EventType, Outbox, customer_data};

/// Most customers or subscriptions one seed may create.
const MAX_SEED: u32 = 100_000;

/// The result of a checkout.
#[derive(Debug, Clone)]
pub(crate) struct Purchase {
    pub(crate) customer_id: CustomerId,
    pub(crate) subscription_id: SubscriptionId,
}

/// The spec's `email` format, loosely: `local@domain`, no spaces, at most 320 characters.
pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 320
        && !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Buys `plan` for `email`: the customer if new, a new subscription, active or (for a
/// plan with a trial) trialing, and the checkout's transaction (`origin` `web`, paid and
/// completed; at no charge for a trial), which `subscription.created` names. The events
/// follow Paddle's `subscription_creation` scenario, without its `address.created` and
/// its repeated `transaction.updated`: `transaction.created`, `customer.created` (a new
/// customer), `transaction.ready`, `transaction.paid`, `subscription.created`,
/// `subscription.activated` (or `.trialing`), `transaction.updated`,
/// `transaction.completed`.
///
/// It happens at the customer's time on the billing clock (everyone's for a new one).
pub(crate) fn checkout(
    shared: &Shared,
    email: &str,
    name: Option<&str>,
    plan: Option<&str>,
) -> Result<Purchase, BillingError> {
    let email = email.trim();
    if !valid_email(email) {
        return Err(BillingError::InvalidEmail);
    }
    let plan = Plan::find(plan).ok_or_else(|| {
        BillingError::UnknownPlan(plan.unwrap_or_default().chars().take(40).collect())
    })?;
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let (customer, sub, outbox) = shared.store.write(|data| {
        let mut outbox = Outbox::default();
        let (customer, new) = match data.customer_by_email(email) {
            Some(existing) => (existing.clone(), false),
            None => {
                let customer = new_customer(email, name, data.clock.now());
                data.customers.insert(customer.id.clone(), customer.clone());
                (customer, true)
            }
        };
        let at = data.now_for(&customer.id);
        let sub = new_subscription(&customer.id, plan, at)?;
        let trial = sub.status == paddle::SubscriptionStatus::Trialing;
        let (ready, web) = (TransactionStatus::Ready, TransactionOrigin::Web);
        let mut txn =
            Transaction::for_period(&sub, ready, web, trial, at).ok_or(BillingError::NotFound)?;
        outbox.transaction(EventType::TransactionCreated, &txn, at);
        if new {
            let created = customer_data(&customer)?;
            outbox.push(EventType::CustomerCreated, created, customer.created_at);
        }
        outbox.transaction(EventType::TransactionReady, &txn, at);
        if !trial {
            txn.payments.push(attempt(true, at));
        }
        txn.status = TransactionStatus::Paid;
        outbox.transaction(EventType::TransactionPaid, &txn, at);
        let mut created = sub.clone();
        created.transaction_id = Some(txn.id.clone());
        outbox.subscription(EventType::SubscriptionCreated, &created, at)?;
        let started = if trial {
            EventType::SubscriptionTrialing
        } else {
            EventType::SubscriptionActivated
        };
        outbox.subscription(started, &sub, at)?;
        txn.status = TransactionStatus::Completed;
        outbox.transaction(EventType::TransactionUpdated, &txn, at);
        outbox.transaction(EventType::TransactionCompleted, &txn, at);
        data.subscriptions.insert(sub.id.clone(), sub.clone());
        data.transactions.insert(txn.id.clone(), txn);
        Ok::<_, BillingError>((customer, sub, outbox))
    })?;
    shared.webhooks.send(outbox);
    tracing::info!(customer_id = %customer.id, subscription_id = %sub.id, plan = plan.key, "checkout");
    Ok(Purchase {
        customer_id: customer.id,
        subscription_id: sub.id,
    })
}

/// Creates `customers` new customers and `subscriptions` active subscriptions, spread
/// round-robin over the new customers (or the existing ones if none are new), without
/// webhooks. Returns how many of each were created.
pub(crate) fn seed(
    shared: &Shared,
    customers: u32,
    subscriptions: u32,
) -> Result<(u32, u32), BillingError> {
    if customers > MAX_SEED || subscriptions > MAX_SEED {
        return Err(BillingError::TooLarge("at most 100000 of each per seed"));
    }
    shared.store.write(|data| {
        let at = data.clock.now();
        let mut owners: Vec<CustomerId> = Vec::new();
        for n in 0..customers {
            let id = CustomerId::generate();
            let email = format!("seed.{id}@example.com");
            let name = format!("Seed Customer {}", n + 1);
            let mut customer = new_customer(&email, Some(&name), at);
            customer.id = id;
            owners.push(customer.id.clone());
            data.customers.insert(customer.id.clone(), customer);
        }
        if owners.is_empty() {
            owners = data.customers.keys().cloned().collect();
        }
        if owners.is_empty() && subscriptions > 0 {
            return Err(BillingError::TooLarge(
                "subscriptions need customers: seed some, or check out first",
            ));
        }
        // Seeded subscriptions are active: the plans without a trial.
        let plans: Vec<Plan> = PLANS
            .into_iter()
            .filter(|p| p.trial_days.is_none())
            .collect();
        for n in 0..subscriptions as usize {
            let plan = plans[n % plans.len()];
            let sub = new_subscription(&owners[n % owners.len()], plan, at)?;
            data.subscriptions.insert(sub.id.clone(), sub);
        }
        Ok((customers, subscriptions))
    })
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn emails_need_a_local_part_a_domain_and_no_spaces() {
        assert!(valid_email("jo@example.com"));
        assert!(valid_email("jo+billing@example.co.uk"));
        for bad in [
            "",
            "jo",
            "@example.com",
            "jo@",
            "jo @example.com",
            "a@b@c",
            "jo@.com",
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }
}
