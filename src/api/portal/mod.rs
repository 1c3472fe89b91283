//! The portal server functions: `POST /api/portal/session` and `POST /api/portal/link`.
//! Each mints a fresh portal URL for the signed-in user and answers only `{"url": …}`,
//! or a [`PortalError`]. The island calls them by name; without JavaScript they are
//! the `action` of plain forms, and the server answers with a 303 to the portal (or
//! back to the dashboard, with the error in words).

mod error;
mod wire;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use error::{NextStep, PortalError};
pub use wire::{PortalJson, PortalJsonEncoding};

/// The only thing the browser learns: where to go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalUrl {
    pub url: String,
}

/// The deep links Paddle mints for each subscription: the one name for them, as the
/// server function's argument (`cancel`, `update_payment_method` on the wire) and in
/// the buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkAction {
    Cancel,
    UpdatePaymentMethod,
}

impl LinkAction {
    /// The wire name, as in forms and `data-` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
            Self::UpdatePaymentMethod => "update_payment_method",
        }
    }

    /// The action named `s` on the wire, if any.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Cancel, Self::UpdatePaymentMethod]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// A fresh portal session for the signed-in user's Paddle customer (the overview).
#[server(prefix = "/api", endpoint = "portal/session", output = PortalJson)]
pub async fn create_portal_session() -> Result<PortalUrl, PortalError> {
    use crate::server::billing::{Request, web};
    web::answer(Ok(Request::Session)).await
}

/// A fresh deep link (`action`, a [`LinkAction`]'s wire name) for one of the signed-in
/// user's own subscriptions. Both are read here, not by the framework: an unknown action
/// is then answered like any refusal (a plain form goes back to the dashboard with it in
/// words), after the sign-in check.
#[server(prefix = "/api", endpoint = "portal/link", output = PortalJson)]
pub async fn create_portal_link(
    subscription_id: String,
    action: String,
) -> Result<PortalUrl, PortalError> {
    use crate::server::billing::{Request, web};
    // Shapes at the boundary: a malformed id is never compared, audited or logged.
    let request = paddle::SubscriptionId::parse(subscription_id)
        .map_err(|_| PortalError::BadSubscriptionId)
        .and_then(|subscription_id| {
            let action = LinkAction::parse(&action).ok_or(PortalError::BadRequest)?;
            Ok(Request::Link {
                subscription_id,
                action,
            })
        });
    web::answer(request).await
}
