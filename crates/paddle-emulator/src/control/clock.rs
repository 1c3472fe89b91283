//! `POST /_emulator/clock` moves billing time forward; `GET /_emulator/clock` shows it.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use paddle::CustomerId;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{billing_error, error, parse};
use crate::billing;
use crate::clock::IsoDuration;
use crate::emulator::Shared;
use crate::state::entities::rfc3339_micros;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceRequest {
    /// An ISO 8601 duration: `P1M`, `P35D`, `PT12H`.
    advance: String,
    /// Only this customer's time moves.
    customer_id: Option<String>,
}

/// `POST /_emulator/clock`: `{"advance": "P1M"[, "customer_id": "ctm_…"]}`; answers the
/// scope's new time and how many events were sent.
pub(super) async fn advance(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request: AdvanceRequest = match parse(&body) {
        Ok(request) => request,
        Err(err) => return error(StatusCode::BAD_REQUEST, err),
    };
    let by: IsoDuration = match request.advance.parse() {
        Ok(by) => by,
        Err(err) => return error(StatusCode::BAD_REQUEST, err),
    };
    let customer = match request.customer_id.as_deref().map(CustomerId::parse) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(err)) => return error(StatusCode::BAD_REQUEST, err),
    };
    match billing::advance(&shared, customer.as_ref(), by) {
        Ok(done) => Json(json!({
            "now": rfc3339_micros(done.now),
            "customer_id": customer,
            "events": done.events,
        }))
        .into_response(),
        Err(err) => billing_error(&err),
    }
}

/// `GET /_emulator/clock`: everyone's time, and each customer advanced alone with theirs.
pub(super) async fn show(State(shared): State<Arc<Shared>>) -> Response {
    let (now, customers) = shared.store.read(|data| {
        let customers: Map<String, Value> = data
            .clock
            .customers_ahead()
            .map(|id| (id.to_string(), json!(rfc3339_micros(data.now_for(id)))))
            .collect();
        (data.clock.now(), customers)
    });
    Json(json!({"now": rfc3339_micros(now), "customers": customers})).into_response()
}
