//! Portal endpoints: `POST /api/portal/session` and `POST /api/portal/link` answer
//! `{"url": …}` with a freshly minted portal URL, or the error's status and message.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The only thing the browser learns: where to go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalUrl {
    pub url: String,
}

#[server(prefix = "/api", endpoint = "portal/session")]
pub async fn create_portal_session() -> Result<PortalUrl, ServerFnError> {
    use crate::server::billing::Request;
    answer(Ok(Request::Session)).await
}

#[server(prefix = "/api", endpoint = "portal/link")]
pub async fn create_portal_link(
    subscription_id: String,
    action: String,
) -> Result<PortalUrl, ServerFnError> {
    use crate::server::billing::{LinkAction, PortalError, Request};
    // Shapes at the boundary: a malformed id is never compared, audited or logged.
    let request = match (
        paddle::SubscriptionId::parse(subscription_id),
        LinkAction::parse(&action),
    ) {
        (Err(_), _) => Err(PortalError::BadSubscriptionId),
        (_, None) => Err(PortalError::BadAction),
        (Ok(subscription_id), Some(action)) => Ok(Request::Link {
            subscription_id,
            action,
        }),
    };
    answer(request).await
}

/// Signed-in first (a guest learns nothing, whatever it sent), then the input's shape,
/// then the use-case.
#[cfg(feature = "ssr")]
async fn answer(
    request: Result<crate::server::billing::Request, crate::server::billing::PortalError>,
) -> Result<PortalUrl, ServerFnError> {
    use crate::server::billing::{Portal, PortalError, PortalOrigin, mint};
    use crate::server::state::AppState;
    let state = use_context::<AppState>().ok_or_else(|| ServerFnError::new("no app state"))?;
    let call = crate::server::accounts::web::Call::gather().await?;
    if call.auth.user.is_none() {
        return answer_error(PortalError::NotAuthenticated);
    }
    let request = match request {
        Ok(request) => request,
        Err(e) => return answer_error(e),
    };
    let portal = Portal {
        db: &state.db,
        client: &state.paddle.client,
        origin: PortalOrigin::for_mode(
            &state.settings.paddle.mode,
            state.paddle.emulator_origin.as_ref(),
        ),
        limits: &state.limits,
        rule: crate::server::billing::mint_rule(&state.settings.accounts),
    };
    match mint(&portal, call.auth.user.as_ref(), &request).await {
        Ok(url) => Ok(PortalUrl { url }),
        Err(e) => answer_error(e),
    }
}

#[cfg(feature = "ssr")]
fn answer_error(error: crate::server::billing::PortalError) -> Result<PortalUrl, ServerFnError> {
    use axum::http::{HeaderValue, header};
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(error.status());
        if let crate::server::billing::PortalError::Limited(wait) = &error {
            res.insert_header(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
        }
    }
    Err(ServerFnError::new(error.message()))
}
