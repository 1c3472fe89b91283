//! Paddle Billing in Rust, with no web framework.
//!
//! Typed ids ([`ids`]), the entities this product mirrors ([`entities`]), an API client
//! ([`Client`]) and webhook signatures ([`webhook`]). Server-side only: never compile
//! this crate to wasm, it handles the API key.

#![warn(missing_docs)]

pub mod client;
pub mod entities;
pub mod error;
pub mod ids;
pub mod webhook;

pub use client::{
    Client, LIVE_BASE_URL, ListCustomers, ListSubscriptions, PADDLE_VERSION, Page, Pagination,
    Response, SANDBOX_BASE_URL,
};
pub use entities::{
    CreatePortalSession, Customer, CustomerPortalSession, CustomerStatus, ScheduledChange,
    ScheduledChangeAction, SecretUrl, Subscription, SubscriptionStatus,
};
pub use error::{ClientError, ErrorBody, PaddleError};
pub use ids::{
    AddressId, BusinessId, CustomerId, EventId, InvalidId, NotificationId, PortalLinkId,
    PortalSessionId, PriceId, ProductId, SimulationEventId, SubscriptionId, TransactionId,
};
pub use webhook::{Event, EventData, RawEvent, VerifyError};

/// The date-time crate used for every timestamp, re-exported for callers.
pub use time;
