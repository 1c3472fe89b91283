//! The portal use-case: who may mint what. A signed-in user with a verified email whose
//! Paddle customer is in the mirror gets a fresh portal session (or one deep link) on
//! every call; the customer id never comes from the browser, and the URL is checked
//! against the allowlist, then handed back and forgotten (never logged or stored).

pub mod allow;
pub mod dashboard;
mod mint;

use std::time::Duration;

use axum::http::StatusCode;

pub use allow::PortalOrigin;
pub use mint::{Portal, mint};

/// Portal sessions and deep links one user may mint per minute.
pub fn mint_rule(
    config: &crate::server::accounts::config::AccountSettings,
) -> crate::server::limits::Rule {
    crate::server::limits::Rule::new(
        "portal-mint",
        config.portal_mints_per_minute,
        Duration::from_secs(60),
    )
}

/// What the browser asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// The portal's overview, with every subscription of the customer.
    Session,
    /// One subscription's deep link.
    Link {
        /// Parsed at the boundary: a value of another shape is never compared, audited
        /// or logged.
        subscription_id: paddle::SubscriptionId,
        action: LinkAction,
    },
}

/// The deep links Paddle mints for each subscription.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkAction {
    Cancel,
    UpdatePaymentMethod,
}

impl LinkAction {
    /// `cancel` or `update_payment_method`, as the browser sends them.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "cancel" => Some(Self::Cancel),
            "update_payment_method" => Some(Self::UpdatePaymentMethod),
            _ => None,
        }
    }
}

/// Why no portal URL: each says, in plain words, what the user can do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortalError {
    NotAuthenticated,
    Unverified,
    NoCustomer,
    SubscriptionNotFound,
    BadSubscriptionId,
    BadAction,
    Limited(Duration),
    Unavailable,
}

impl PortalError {
    /// The message the browser sees; never an internal detail.
    pub fn message(&self) -> String {
        match self {
            Self::NotAuthenticated => "Not authenticated".into(),
            Self::Unverified => "Verify your email address first".into(),
            Self::NoCustomer => "No Paddle customer".into(),
            Self::SubscriptionNotFound => "Subscription not found".into(),
            Self::BadSubscriptionId => "Not a Paddle subscription id".into(),
            Self::BadAction => "Unknown action".into(),
            Self::Limited(wait) => format!(
                "Too many requests. Try again in {} seconds.",
                wait.as_secs().max(1)
            ),
            Self::Unavailable => {
                "The billing portal is temporarily unavailable. Please try again.".into()
            }
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotAuthenticated => StatusCode::UNAUTHORIZED,
            Self::Unverified => StatusCode::FORBIDDEN,
            Self::NoCustomer | Self::SubscriptionNotFound => StatusCode::NOT_FOUND,
            Self::BadAction | Self::BadSubscriptionId => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Limited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}
