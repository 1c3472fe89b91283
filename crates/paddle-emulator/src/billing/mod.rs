//! Changes to billing state, each with the webhooks Paddle sends for it.
//!
//! The control endpoints, the checkout page, the portal pages and the API's pause call
//! these; the clock's advance makes the scheduled ones (renewals, dunning, scheduled
//! changes) happen.

mod changes;
pub(crate) mod checkout;
pub(crate) mod customers;
mod dunning;
mod lifecycle;
mod pause;
mod renewal;
mod timeline;
pub(crate) mod writes;

pub(crate) use changes::{CancelWhen, Change, cancel, update_payment_method};
pub(crate) use checkout::{checkout, seed};
pub(crate) use pause::{PauseWhen, pause};
pub(crate) use timeline::advance;

/// Why a billing change was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BillingError {
    /// Not an email address (empty, no `@`, or longer than Paddle allows).
    #[error("`email` must be an email address of at most 320 characters")]
    InvalidEmail,
    /// No plan of that name.
    #[error("unknown plan `{0}`; known plans: pro, basic, team, pro-trial")]
    UnknownPlan(String),
    /// The subscription does not exist or belongs to someone else.
    #[error("subscription not found")]
    NotFound,
    /// Canceled subscriptions stay canceled.
    #[error("the subscription is already canceled")]
    AlreadyCanceled,
    /// The change needs an active subscription.
    #[error("the subscription is {0}, not active")]
    NotActive(paddle::SubscriptionStatus),
    /// A pause must end after it starts.
    #[error("`resume_at` must be after the pause takes effect")]
    ResumeBeforePause,
    /// No customer with that id.
    #[error("customer not found")]
    UnknownCustomer,
    /// A request too large to be meant.
    #[error("{0}")]
    TooLarge(&'static str),
    /// An entity could not be built (a bug).
    #[error("could not build an entity")]
    Entity(#[from] serde_json::Error),
}
