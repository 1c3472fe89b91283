//! Changes to billing state, each with the webhooks Paddle sends for it.
//!
//! The control endpoints, the checkout page and the portal pages call these; the API
//! itself only reads (and mints portal sessions).

mod changes;
mod checkout;

pub(crate) use changes::{CancelWhen, Change, cancel, update_payment_method};
pub(crate) use checkout::{checkout, seed};

/// Why a billing change was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BillingError {
    /// Not an email address (empty, no `@`, or longer than Paddle allows).
    #[error("`email` must be an email address of at most 320 characters")]
    InvalidEmail,
    /// No plan of that name.
    #[error("unknown plan `{0}`; known plans: pro, basic, team")]
    UnknownPlan(String),
    /// The subscription does not exist or belongs to someone else.
    #[error("subscription not found")]
    NotFound,
    /// Canceled subscriptions stay canceled.
    #[error("the subscription is already canceled")]
    AlreadyCanceled,
    /// A request too large to be meant.
    #[error("{0}")]
    TooLarge(&'static str),
    /// An entity could not be built (a bug).
    #[error("could not build an entity")]
    Entity(#[from] serde_json::Error),
}
