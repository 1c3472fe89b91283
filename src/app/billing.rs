//! What the dashboard shows about billing. The server builds it per request from the
//! mirror (`server::billing::dashboard`); the page awaits it while rendering on the
//! server, so it reaches the browser only as the HTML it renders to.

use serde::{Deserialize, Serialize};

/// The billing section of a verified user's dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingView {
    /// No Paddle customer has the user's email yet: where to subscribe, if known.
    NoCustomer { checkout_url: Option<String> },
    /// The user's subscriptions, most recent first (possibly none).
    Customer {
        subscriptions: Vec<SubscriptionView>,
    },
    /// Several Paddle customers use the user's email: none is shown (`mirror::Bridge`).
    SharedEmail,
    /// The mirror could not be read just now.
    Unavailable,
}

/// One subscription, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub id: String,
    /// "Pro", or the products joined when there are several items.
    pub product: String,
    /// The price's name, e.g. "Monthly".
    pub price: String,
    /// "Active", "Trialing", "Past due", "Paused", "Canceled".
    pub status: String,
    /// e.g. "21 Dec 2026"; none once canceled or paused.
    pub next_bill: Option<String>,
    /// A scheduled change or the state's date in plain words, e.g. "Cancels on 21 Dec 2026".
    pub note: Option<String>,
    /// Whether the portal can still cancel it (not canceled, no cancellation scheduled).
    pub can_cancel: bool,
    /// Whether a payment method update makes sense (not canceled).
    pub can_update_payment: bool,
}
