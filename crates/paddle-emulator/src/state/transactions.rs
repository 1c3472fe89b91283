//! Transactions: what a checkout or a renewal bills, and its payment attempts.
//!
//! Kept in a small typed form and written out whole, in the shape of Paddle's
//! `transaction` schema, by [`Transaction::to_json`].

use paddle::entities::TimePeriod;
use paddle::{AddressId, CustomerId, SubscriptionId, TransactionId};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::entities::rfc3339_micros;

/// Where a transaction stands (the statuses the emulator reaches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TransactionStatus {
    /// A checkout's, with everything needed to take payment.
    Ready,
    /// Issued, payment not yet taken.
    Billed,
    /// Payment captured.
    Paid,
    /// Paid and fully processed.
    Completed,
    /// Dunning gave up.
    Canceled,
    /// A payment failed; dunning retries it.
    PastDue,
}

impl TransactionStatus {
    /// Every status the list filter accepts, in the spec's order.
    pub(crate) const FILTER: [&str; 7] = [
        "draft",
        "ready",
        "billed",
        "paid",
        "completed",
        "canceled",
        "past_due",
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Billed => "billed",
            Self::Paid => "paid",
            Self::Completed => "completed",
            Self::Canceled => "canceled",
            Self::PastDue => "past_due",
        }
    }
}

/// What made a transaction (`origin`): a checkout, or a subscription's renewal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TransactionOrigin {
    /// The checkout that created the subscription.
    Web,
    /// A renewal (state saved before checkouts made transactions has only these).
    #[default]
    SubscriptionRecurring,
}

impl TransactionOrigin {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::SubscriptionRecurring => "subscription_recurring",
        }
    }
}

/// One attempt to collect a transaction.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Payment {
    pub(crate) attempt_id: String,
    /// `true`: captured; `false`: declined.
    pub(crate) captured: bool,
    pub(crate) at: OffsetDateTime,
}

/// A subscription's charge for one billing period.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Transaction {
    pub(crate) id: TransactionId,
    pub(crate) status: TransactionStatus,
    pub(crate) customer_id: CustomerId,
    pub(crate) address_id: AddressId,
    pub(crate) subscription_id: SubscriptionId,
    pub(crate) currency_code: String,
    pub(crate) billing_period: TimePeriod,
    /// The subscription's items when billed, as Paddle's raw JSON (`price`, `product`, `quantity`).
    pub(crate) items: Vec<Value>,
    pub(crate) payments: Vec<Payment>,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) updated_at: OffsetDateTime,
    pub(crate) billed_at: OffsetDateTime,
    /// While `past_due`: when dunning tries the payment again.
    #[serde(default)]
    pub(crate) next_retry_at: Option<OffsetDateTime>,
    /// Dunning retries made so far.
    #[serde(default)]
    pub(crate) retries: u32,
    #[serde(default)]
    pub(crate) origin: TransactionOrigin,
    /// The checkout of a trial: the items at no charge until the trial ends.
    #[serde(default)]
    pub(crate) trial: bool,
}

fn quantity(item: &Value) -> u64 {
    item["quantity"].as_u64().unwrap_or(1)
}

fn unit_amount(item: &Value) -> u64 {
    item["price"]["unit_price"]["amount"]
        .as_str()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0)
}

fn totals(subtotal: u64) -> Value {
    let s = subtotal.to_string();
    json!({"subtotal": s, "tax": "0", "discount": "0", "total": s})
}

impl Transaction {
    /// A new transaction for `sub`'s current billing period at `at`, with no payment
    /// attempt yet; `None` if the subscription has no current period.
    pub(crate) fn for_period(
        sub: &paddle::Subscription,
        status: TransactionStatus,
        origin: TransactionOrigin,
        trial: bool,
        at: OffsetDateTime,
    ) -> Option<Self> {
        Some(Self {
            id: TransactionId::generate_at(at),
            status,
            customer_id: sub.customer_id.clone(),
            address_id: sub.address_id.clone(),
            subscription_id: sub.id.clone(),
            currency_code: sub.currency_code.clone(),
            billing_period: sub.current_billing_period.clone()?,
            items: sub.items.raw().to_vec(),
            payments: Vec::new(),
            created_at: at,
            updated_at: at,
            billed_at: at,
            next_retry_at: None,
            retries: 0,
            origin,
            trial,
        })
    }

    /// The whole amount, in the currency's lowest denomination (no tax: the emulator's
    /// catalog is tax-inclusive at 0%).
    pub(crate) fn total(&self) -> u64 {
        self.items.iter().map(|i| self.unit(i) * quantity(i)).sum()
    }

    /// What one of `item` costs in this transaction: nothing during a trial.
    fn unit(&self, item: &Value) -> u64 {
        if self.trial { 0 } else { unit_amount(item) }
    }

    /// The entity as Paddle's API and webhooks show it (schema `transaction`).
    pub(crate) fn to_json(&self) -> Value {
        let stamp = |t: OffsetDateTime| rfc3339_micros(t);
        let total = self.total().to_string();
        let currency = &self.currency_code;
        // One line item per subscription item; the emulator's subscriptions have one, so
        // the transaction's own id body makes a stable line item id.
        let body = self
            .id
            .as_str()
            .strip_prefix(TransactionId::PREFIX)
            .unwrap_or_default();
        let line_items: Vec<Value> = self
            .items
            .iter()
            .map(|item| {
                let amount = self.unit(item) * quantity(item);
                json!({
                    "id": format!("txnitm_{body}"),
                    "price_id": item["price"]["id"],
                    "quantity": quantity(item),
                    "totals": totals(amount),
                    "unit_totals": totals(self.unit(item)),
                    "tax_rate": "0",
                    "product": item["product"],
                    "proration": null,
                })
            })
            .collect();
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|item| json!({"price": item["price"], "quantity": quantity(item), "proration": null}))
            .collect();
        let payments: Vec<Value> = self
            .payments
            .iter()
            .rev()
            .map(|p| {
                json!({
                    "payment_attempt_id": p.attempt_id,
                    "stored_payment_method_id": p.attempt_id,
                    "payment_method_id": null,
                    "amount": total,
                    "status": if p.captured { "captured" } else { "error" },
                    "error_code": if p.captured { Value::Null } else { json!("declined") },
                    "method_details": {"type": "card", "card": {"type": "visa", "last4": "4242",
                        "expiry_month": 12, "expiry_year": 2035, "cardholder_name": "Local Emulator"}},
                    "created_at": stamp(p.at),
                    "captured_at": if p.captured { json!(stamp(p.at)) } else { Value::Null },
                })
            })
            .collect();
        let money = json!({
            "subtotal": total, "tax": "0", "discount": "0", "total": total, "grand_total": total,
            "fee": "0", "credit": "0", "credit_to_balance": "0", "balance": "0",
            "earnings": total, "currency_code": currency,
        });
        json!({
            "id": self.id,
            "status": self.status.as_str(),
            "customer_id": self.customer_id,
            "address_id": self.address_id,
            "business_id": null,
            "custom_data": null,
            "origin": self.origin.as_str(),
            "collection_mode": "automatic",
            "subscription_id": self.subscription_id,
            "invoice_id": null,
            "invoice_number": null,
            "billing_details": null,
            "billing_period": {
                "starts_at": stamp(self.billing_period.starts_at),
                "ends_at": stamp(self.billing_period.ends_at),
            },
            "currency_code": currency,
            "discount_id": null,
            "created_at": stamp(self.created_at),
            "updated_at": stamp(self.updated_at),
            "billed_at": stamp(self.billed_at),
            "revised_at": null,
            "items": items,
            "details": {
                "tax_rates_used": [{"tax_rate": "0", "totals": totals(self.total())}],
                "totals": money,
                "adjusted_totals": {"subtotal": total, "tax": "0", "total": total,
                    "grand_total": total, "fee": "0", "earnings": total, "currency_code": currency},
                "payout_totals": money,
                "adjusted_payout_totals": {"subtotal": total, "tax": "0", "total": total,
                    "fee": "0", "chargeback_fee": {"amount": "0", "original": null},
                    "earnings": total, "currency_code": currency},
                "line_items": line_items,
            },
            "payments": payments,
            "checkout": null,
        })
    }
}
