//! The portal use-case: who may mint what. A signed-in user with a verified email whose
//! Paddle customer is in the mirror gets a fresh portal session (or one deep link) on
//! every call; the customer id never comes from the browser, and the URL is checked
//! against the allowlist, then handed back and forgotten (never logged or stored).

pub mod allow;
pub mod dashboard;
mod mint;
pub mod web;

use std::time::Duration;

pub use crate::api::portal::{LinkAction, PortalError};
pub use allow::PortalOrigin;
pub use mint::{MAX_RETRY_WAIT, Portal, mint};

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
