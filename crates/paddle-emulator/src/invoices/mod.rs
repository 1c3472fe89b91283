//! Invoice PDFs: `GET /transactions/{id}/invoice` mints a link, `GET /invoices/{token}`
//! renders the PDF once.
//!
//! Like Paddle's, a link is temporary (an hour) and, like the portal's, it works once.
//! Links are not persisted: after a restart every earlier one has expired.

mod pdf;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use paddle::TransactionId;
use rand::Rng;
use rand::distr::Alphanumeric;

use crate::emulator::Shared;
use crate::state::Data;
use crate::state::transactions::Transaction;

/// How long an invoice link works (Paddle's: an hour).
const TTL: Duration = Duration::from_secs(3600);
/// Expired links are swept out after this many new ones.
const SWEEP_EVERY: usize = 256;

/// How the browser should treat the PDF (`disposition`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disposition {
    /// Shown in the browser.
    Inline,
    /// Saved as a file (Paddle's default).
    Attachment,
}

#[derive(Debug, Clone)]
struct Grant {
    transaction_id: TransactionId,
    disposition: Disposition,
    expires_at: Instant,
}

/// The invoice links handed out and not yet used.
#[derive(Default)]
pub(crate) struct Invoices {
    grants: Mutex<HashMap<String, Grant>>,
}

impl Invoices {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Grant>> {
        self.grants.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new one-time link to the invoice of `transaction_id` under `origin`.
    pub(crate) fn mint(
        &self,
        origin: &str,
        transaction_id: &TransactionId,
        disposition: Disposition,
    ) -> String {
        let token: String = rand::rng()
            .sample_iter(Alphanumeric)
            .take(40)
            .map(char::from)
            .collect();
        let mut grants = self.lock();
        if grants.len() % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let now = Instant::now();
            grants.retain(|_, g| g.expires_at > now);
        }
        grants.insert(
            token.clone(),
            Grant {
                transaction_id: transaction_id.clone(),
                disposition,
                expires_at: Instant::now() + TTL,
            },
        );
        format!("{origin}/invoices/{token}")
    }

    /// Uses up `token`: its grant if it was still valid.
    fn take(&self, token: &str) -> Option<Grant> {
        self.lock()
            .remove(token)
            .filter(|g| g.expires_at > Instant::now())
    }

    /// Forgets every link.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}

/// `GET /invoices/{token}`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new().route(
        "/invoices/{token}",
        get(download).head(crate::html::one_time_head),
    )
}

async fn download(State(shared): State<Arc<Shared>>, Path(token): Path<String>) -> Response {
    let Some(grant) = shared.invoices.take(&token) else {
        return (
            StatusCode::GONE,
            "This invoice link has been used or has expired. Ask the API for a new one.",
        )
            .into_response();
    };
    let lines = shared.store.read(|data| {
        data.transactions
            .get(&grant.transaction_id)
            .map(|t| lines(data, t))
    });
    let Some(lines) = lines else {
        return (StatusCode::GONE, "This transaction no longer exists.").into_response();
    };
    let kind = match grant.disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    let disposition = format!("{kind}; filename=\"invoice-{}.pdf\"", grant.transaction_id);
    let mut response = pdf::render(&lines).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Cents as dollars: `3000` → `30.00`.
fn money(cents: u64, currency: &str) -> String {
    format!("{currency} {}.{:02}", cents / 100, cents % 100)
}

/// The invoice's text, line by line.
fn lines(data: &Data, txn: &Transaction) -> Vec<String> {
    let day = |t: time::OffsetDateTime| t.date().to_string();
    let customer = data.customers.get(&txn.customer_id);
    let mut lines = vec![
        "Invoice".to_owned(),
        String::new(),
        format!("Transaction: {}", txn.id),
        format!("Status: {}", txn.status.as_str()),
        format!("Billed: {}", day(txn.billed_at)),
        format!(
            "Billing period: {} to {}",
            day(txn.billing_period.starts_at),
            day(txn.billing_period.ends_at)
        ),
        format!("Subscription: {}", txn.subscription_id),
        String::new(),
        format!(
            "Bill to: {}",
            customer.and_then(|c| c.name.clone()).unwrap_or_default()
        ),
        format!(
            "Email: {}",
            customer.map(|c| c.email.as_str()).unwrap_or_default()
        ),
        format!("Customer: {}", txn.customer_id),
        String::new(),
        "Items".to_owned(),
    ];
    for item in &txn.items {
        let quantity = item["quantity"].as_u64().unwrap_or(1);
        let unit: u64 = item["price"]["unit_price"]["amount"]
            .as_str()
            .and_then(|a| a.parse().ok())
            .unwrap_or(0);
        let name = item["product"]["name"].as_str().unwrap_or("Item");
        let price = item["price"]["name"].as_str().unwrap_or_default();
        lines.push(format!(
            "  {name} ({price}) x {quantity}: {}",
            money(unit * quantity, &txn.currency_code)
        ));
    }
    let total = money(txn.total(), &txn.currency_code);
    lines.extend([
        String::new(),
        format!("Subtotal: {total}"),
        format!("Tax: {}", money(0, &txn.currency_code)),
        format!("Total: {total}"),
        String::new(),
        "Issued by the local Paddle emulator for testing: not a tax document.".to_owned(),
    ]);
    lines.truncate(pdf::MAX_LINES);
    lines
}
