//! Endpoints only the emulator has: `/_emulator/…` (JSON, no API key) and the checkout page.

mod calls;
mod clock;
mod endpoints;
mod faults;
mod page;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{Method, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde_json::json;

pub(crate) use calls::{Call, CallLog, MintedSession};
pub(crate) use faults::Faults;

use crate::billing::BillingError;
use crate::emulator::Shared;

/// The control routes and the human checkout page.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/checkout", post(endpoints::checkout))
        .route("/_emulator/seed", post(endpoints::seed))
        .route("/_emulator/calls", get(endpoints::calls))
        .route("/_emulator/faults", post(endpoints::faults))
        .route("/_emulator/deliveries", get(endpoints::deliveries))
        .route("/_emulator/reset", post(endpoints::reset))
        .route("/_emulator/chaos", post(endpoints::chaos))
        .route("/_emulator/destinations", post(endpoints::destinations))
        .route("/_emulator/clock", get(clock::show).post(clock::advance))
        .route("/checkout", get(page::show).post(page::submit))
        .route_layer(from_fn_with_state(shared, refuse_cross_site))
}

/// Refuses a write that a page of another site made the browser send (an `Origin` that
/// is not the emulator's own): without it, any page a developer visits could add itself
/// as a webhook destination (and receive every customer's events), wipe the state, or
/// buy plans in existing customers' names. Clients other than browsers send no `Origin`.
async fn refuse_cross_site(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let write = request.method() != Method::GET && request.method() != Method::HEAD;
    // The emulator's own pages post with an `Origin` naming the host they were loaded
    // from, which is the request's `Host` (or the configured public origin).
    // Browsers say where a request comes from (`Sec-Fetch-Site`); the emulator's pages
    // send no `Referer`, so their own posts carry `Origin: null`, which only that header
    // tells apart from a sandboxed page elsewhere.
    let headers = request.headers();
    let site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    let foreign_origin = headers.get(ORIGIN).is_some_and(|origin| {
        let origin = origin.to_str().unwrap_or_default();
        let authority = origin.split_once("://").map(|(_, rest)| rest);
        origin != "null" && origin != shared.config.origin_str() && authority != host
    });
    let foreign = match site {
        Some(site) => site != b"same-origin" && site != b"none",
        None => foreign_origin,
    };
    if write && foreign {
        return error(StatusCode::FORBIDDEN, "cross-site request refused");
    }
    next.run(request).await
}

/// A control error: `{"error": "…"}`.
fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({"error": message.to_string()}))).into_response()
}

/// Parses a JSON body; an empty body counts as `{}`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
}

/// The status a refused billing change answers with.
fn billing_error(err: &BillingError) -> Response {
    let status = match err {
        BillingError::InvalidEmail
        | BillingError::UnknownPlan(_)
        | BillingError::TooLarge(_)
        | BillingError::ResumeBeforePause => StatusCode::BAD_REQUEST,
        BillingError::NotFound | BillingError::UnknownCustomer => StatusCode::NOT_FOUND,
        BillingError::AlreadyCanceled | BillingError::NotActive(_) => StatusCode::CONFLICT,
        BillingError::Entity(_) => {
            tracing::error!(
                error = err as &dyn std::error::Error,
                "billing change failed"
            );
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    error(status, err)
}
