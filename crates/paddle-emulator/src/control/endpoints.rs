//! The JSON handlers under `/_emulator/`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::faults::FaultRequest;
use super::{billing_error, error, parse};
use crate::billing;
use crate::config::WebhookDestination;
use crate::emulator::Shared;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckoutRequest {
    email: String,
    name: Option<String>,
    plan: Option<String>,
}

/// `POST /_emulator/checkout`: a purchase, with its webhooks.
pub(super) async fn checkout(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: CheckoutRequest = match parse(&body) {
        Ok(request) => request,
        Err(err) => return error(StatusCode::BAD_REQUEST, err),
    };
    let purchase = billing::checkout(
        &shared,
        &request.email,
        request.name.as_deref(),
        request.plan.as_deref(),
    );
    match purchase {
        Ok(p) => (
            StatusCode::CREATED,
            Json(json!({"customer_id": p.customer_id, "subscription_id": p.subscription_id})),
        )
            .into_response(),
        Err(err) => billing_error(&err),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRequest {
    #[serde(default)]
    customers: u32,
    #[serde(default)]
    subscriptions: u32,
}

/// `POST /_emulator/seed`: bulk customers and subscriptions, no webhooks.
pub(super) async fn seed(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: SeedRequest = match parse(&body) {
        Ok(request) => request,
        Err(err) => return error(StatusCode::BAD_REQUEST, err),
    };
    match billing::seed(&shared, request.customers, request.subscriptions) {
        Ok((customers, subscriptions)) => (
            StatusCode::CREATED,
            Json(json!({"customers": customers, "subscriptions": subscriptions})),
        )
            .into_response(),
        Err(err) => billing_error(&err),
    }
}

/// `GET /_emulator/calls`: every Paddle API call received, oldest first.
pub(super) async fn calls(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.calls.all()).into_response()
}

/// `POST /_emulator/faults`: the next `count` API calls fail (or are slow), or with
/// `payment_decline` the customer's next `count` payments are declined.
pub(super) async fn faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let mut request: FaultRequest = match parse(&body) {
        Ok(request) => request,
        Err(err) => return error(StatusCode::BAD_REQUEST, err),
    };
    if let Some(decline) = request.payment_decline.take() {
        if request.status.is_some() || request.delay_ms.is_some() || request.retry_after.is_some() {
            return error(
                StatusCode::BAD_REQUEST,
                "`payment_decline` takes only a `count`",
            );
        }
        let customer = decline.customer_id;
        let pending = shared.store.write(|data| {
            if !data.customers.contains_key(&customer) {
                return None;
            }
            let pending = data.declines.entry(customer.clone()).or_default();
            *pending = pending.saturating_add(request.count);
            let pending = *pending;
            if pending == 0 {
                data.declines.remove(&customer);
            }
            Some(pending)
        });
        return match pending {
            Some(pending) => {
                Json(json!({"customer_id": customer, "pending_declines": pending})).into_response()
            }
            None => error(StatusCode::NOT_FOUND, "customer not found"),
        };
    }
    match request.into_fault() {
        Ok((count, fault)) => {
            shared.faults.push(count, fault);
            Json(json!({"pending": shared.faults.pending()})).into_response()
        }
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}

/// `GET /_emulator/deliveries`: every webhook notification and how it went.
pub(super) async fn deliveries(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.webhooks.deliveries()).into_response()
}

/// `POST /_emulator/reset`: empty state, calls, faults, deliveries and links.
pub(super) async fn reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.reset();
    Json(json!({"reset": true})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChaosRequest {
    enabled: bool,
}

/// `POST /_emulator/chaos`: duplicate, out-of-order deliveries on or off.
pub(super) async fn chaos(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match parse::<ChaosRequest>(&body) {
        Ok(request) => {
            shared.webhooks.set_chaos(request.enabled);
            Json(json!({"enabled": request.enabled})).into_response()
        }
        Err(err) => error(StatusCode::BAD_REQUEST, err),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DestinationRequest {
    url: String,
    secret: String,
}

/// `POST /_emulator/destinations`: add a webhook destination.
pub(super) async fn destinations(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: DestinationRequest = match parse(&body) {
        Ok(request) => request,
        Err(err) => return error(StatusCode::BAD_REQUEST, err),
    };
    let parsed = Url::parse(&request.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let Some(parsed) = parsed.filter(|_| !request.secret.is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "`url` must be an http(s) URL and `secret` must not be empty",
        );
    };
    let url = parsed.to_string();
    // The origin only: a destination's path or query may carry a token of its own.
    let origin = parsed.origin().ascii_serialization();
    shared.webhooks.add_destination(WebhookDestination {
        url: parsed,
        secret: SecretString::from(request.secret),
    });
    tracing::info!(%origin, "webhook destination added");
    (StatusCode::CREATED, Json(json!({"url": url}))).into_response()
}
