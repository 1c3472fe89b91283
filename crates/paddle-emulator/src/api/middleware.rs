//! The layers every API call passes through.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;

use super::auth;
use super::reply::{ApiError, RequestId};
use crate::control::{Call, MintedSession};
use crate::emulator::Shared;
use crate::state::entities::{now, rfc3339_micros};

fn request_id(request: &Request) -> RequestId {
    request
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(RequestId::new)
}

/// Records the call (method, path, final status, the session it minted if any) for
/// `GET /_emulator/calls`.
pub(super) async fn record_call(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    shared.calls.record(Call {
        method,
        path,
        status: response.status().as_u16(),
        at: rfc3339_micros(now()),
        portal_session: response.extensions().get::<MintedSession>().cloned(),
    });
    response
}

/// Gives a request the framework refused before its handler ran (a path segment that is
/// not UTF-8, a body over the size limit) Paddle's error body instead of axum's plain
/// text: every handler answers JSON, so a 4xx without it is such a refusal.
pub(super) async fn paddle_shaped_refusals(request: Request, next: Next) -> Response {
    let id = request_id(&request);
    let response = next.run(request).await;
    let json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !response.status().is_client_error() {
        return response;
    }
    let error = if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large()
    } else {
        ApiError::bad_request("The request's path or body could not be read.")
    };
    error.into_response(&id)
}

/// Gives the call its `meta.request_id`.
pub(super) async fn assign_request_id(mut request: Request, next: Next) -> Response {
    request.extensions_mut().insert(RequestId::new());
    next.run(request).await
}

/// Applies the next queued fault, if any: wait, then fail or carry on.
pub(super) async fn inject_faults(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(fault) = shared.faults.take() {
        tokio::time::sleep(fault.delay).await;
        if let Some(status) = fault.status {
            return ApiError::fault(status, fault.retry_after).into_response(&request_id(&request));
        }
    }
    next.run(request).await
}

/// Refuses calls without a configured API key.
pub(super) async fn require_api_key(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    match auth::check(
        &shared.config.api_keys,
        request.headers().get(AUTHORIZATION),
    ) {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(&request_id(&request)),
    }
}

/// The spec lists no query parameters for the writes the emulator serves: any one is an
/// `invalid_field`. (Lists and reads check theirs in their handlers.)
pub(super) async fn refuse_query_on_writes(request: Request, next: Next) -> Response {
    let is_write = request.method() != axum::http::Method::GET;
    let names: Vec<String> =
        url::form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
            .map(|(k, _)| k.chars().take(64).collect())
            .collect();
    if is_write && !names.is_empty() {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        return ApiError::unknown_parameters(&names).into_response(&request_id(&request));
    }
    next.run(request).await
}
