//! Where the portal server functions meet HTTP: gather the state and the session, run
//! the mint, and answer. A script (or the island) gets `{"url"}` or the error with its
//! status; a plain form post (no JavaScript: the browser asks for `text/html`) gets a
//! 303 to the freshly minted URL, or a 303 back to the dashboard with the error encoded
//! the framework's way (`ServerFnUrlError`), which the dashboard shows in words.

use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use leptos::prelude::use_context;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_axum::ResponseOptions;

use super::{Portal, PortalError, PortalOrigin, Request, mint, mint_rule};
use crate::api::portal::{CreatePortalLink, CreatePortalSession, PortalUrl};
use crate::server::accounts::AuthSession;
use crate::server::state::AppState;

/// The status a script sees for `error`.
pub fn status(error: &PortalError) -> StatusCode {
    match error {
        PortalError::NotAuthenticated => StatusCode::UNAUTHORIZED,
        PortalError::Unverified => StatusCode::FORBIDDEN,
        PortalError::NoCustomer | PortalError::SubscriptionNotFound => StatusCode::NOT_FOUND,
        PortalError::SharedEmail => StatusCode::CONFLICT,
        PortalError::BadSubscriptionId | PortalError::BadRequest => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        PortalError::Limited { .. } => StatusCode::TOO_MANY_REQUESTS,
        PortalError::Unavailable | PortalError::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// Signed-in first (a guest learns nothing, whatever it sent), then the input's shape,
/// then the mint; then the answer for a script or a plain form.
pub async fn answer(request: Result<Request, PortalError>) -> Result<PortalUrl, PortalError> {
    let path = match &request {
        Ok(Request::Session) => CreatePortalSession::PATH,
        _ => CreatePortalLink::PATH,
    };
    let result = run(request).await;
    let (Some(parts), Some(res)) = (use_context::<Parts>(), use_context::<ResponseOptions>())
    else {
        return result;
    };
    let form = plain_form(&parts);
    match &result {
        Ok(PortalUrl { url }) if form => see_other(&res, url),
        Ok(_) => {}
        Err(error) => {
            if let PortalError::Limited { retry_after } = error {
                res.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            res.set_status(status(error));
            if form {
                back_to_dashboard(&res, path, error);
            }
        }
    }
    result
}

async fn run(request: Result<Request, PortalError>) -> Result<PortalUrl, PortalError> {
    let state = use_context::<AppState>().ok_or(PortalError::Unavailable)?;
    let auth: AuthSession = leptos_axum::extract()
        .await
        .map_err(|_| PortalError::Unavailable)?;
    if auth.user.is_none() {
        return Err(PortalError::NotAuthenticated);
    }
    let request = request?;
    let portal = Portal {
        audit: &state.audit,
        lookups: &state.lookups,
        client: &state.paddle.client,
        origin: PortalOrigin::for_mode(
            &state.settings.paddle.mode,
            state.paddle.emulator_origin.as_ref(),
        ),
        limits: &state.limits,
        rule: mint_rule(&state.settings.accounts),
    };
    let url = mint(&portal, auth.user.as_ref(), &request).await?;
    Ok(PortalUrl { url })
}

/// Whether this request is a script's (or the island's) call to a portal server
/// function: what gets an error's status instead of a redirect.
pub fn script_call(parts: &Parts) -> bool {
    let portal = [CreatePortalSession::PATH, CreatePortalLink::PATH];
    portal.contains(&parts.uri.path()) && !plain_form(parts)
}

/// A browser's own form post asks for a page; the server function client and scripts
/// ask for JSON.
fn plain_form(parts: &Parts) -> bool {
    parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// 303: the browser follows with a GET, so a reload never posts (mints) again.
fn see_other(res: &ResponseOptions, to: &str) {
    leptos_axum::redirect(to);
    res.set_status(StatusCode::SEE_OTHER);
}

fn back_to_dashboard(res: &ResponseOptions, path: &str, error: &PortalError) {
    if *error == PortalError::NotAuthenticated {
        // Straight to the log-in page, which returns to the dashboard (as its guard does).
        return see_other(res, "/login?next=%2Fdashboard");
    }
    let Some(state) = use_context::<AppState>() else {
        return;
    };
    let base = format!("{}/dashboard", state.settings.public_origin());
    match ServerFnUrlError::new(path, error.clone()).to_url(&base) {
        Ok(url) => see_other(res, url.as_str()),
        Err(e) => tracing::error!(error = %e, "portal: no dashboard URL for the error"),
    }
}
