//! The handler: verify, decode, store and apply, answer. Refusals (a bad signature, or a
//! signed body that is not an event this version can read) never touch the database:
//! they bump an in-memory counter of their reason (see `refusals`).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use paddle::time::OffsetDateTime;
use paddle::webhook::{SIGNATURE_HEADER, VerifyError, verify};

use super::apply::{self, Received};
use super::refusals::Reason;
use crate::server::db::events::Stored;
use crate::server::state::AppState;

/// How far a signature's `ts` may lie ahead of our clock.
pub const MAX_FUTURE: Duration = Duration::from_secs(5);

/// Paddle waits 5 s for an answer; a slower one counts as a failure and is retried anyway.
const ANSWER_WITHIN: Duration = Duration::from_secs(4);

/// `POST /webhooks/paddle`: 200 once the event is durably stored (or was already), 400 for
/// a missing or malformed signature or body, 401 for a bad or stale signature, 500 when
/// the database fails (Paddle retries; nothing is half-applied). A verified delivery of
/// Paddle's webhook simulator gets 200 and is neither stored nor mirrored: its data is
/// simulated, and the simulator only checks that the destination answers.
#[tracing::instrument(skip_all, fields(event_id, event_type))]
pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(signature) = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        tracing::warn!("webhook refused: no readable Paddle-Signature header");
        state.refusals.record(Reason::Malformed);
        return StatusCode::BAD_REQUEST;
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let tolerance = state.settings.paddle.webhook_tolerance;
    if let Err(e) = verify(
        signature,
        &body,
        &state.paddle.webhook_secrets,
        now,
        tolerance,
        MAX_FUTURE,
    ) {
        tracing::warn!(reason = %e, "webhook refused");
        state.refusals.record(Reason::of(e));
        return match e {
            VerifyError::Malformed => StatusCode::BAD_REQUEST,
            VerifyError::Mismatch | VerifyError::Stale | VerifyError::Future => {
                StatusCode::UNAUTHORIZED
            }
        };
    }
    let received = match apply::decode(&body, now) {
        Ok(received) => received,
        Err(_) if let Some(id) = apply::simulation(&body) => {
            tracing::info!(
                event_id = id.as_str(),
                "Paddle webhook simulation verified; answered, not stored (simulated data)"
            );
            state.refusals.record(Reason::Simulation);
            return StatusCode::OK;
        }
        Err(e) => {
            tracing::warn!(error = %e, "webhook refused: signed, but not a Paddle event we can read");
            state.refusals.record(Reason::Unreadable);
            return StatusCode::BAD_REQUEST;
        }
    };
    let span = tracing::Span::current();
    span.record("event_id", received.event.event_id.as_str());
    span.record("event_type", received.event.event_type.as_str());
    store(&state, received).await
}

async fn store(state: &AppState, received: Received) -> StatusCode {
    let stored = tokio::time::timeout(ANSWER_WITHIN, state.events.submit(received)).await;
    match stored {
        Ok(Ok(Stored::New)) => {
            tracing::info!("webhook stored and applied");
            StatusCode::OK
        }
        Ok(Ok(Stored::Duplicate)) => {
            tracing::info!("webhook already stored: duplicate ignored");
            StatusCode::OK
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "webhook not stored; Paddle will retry");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        Err(_) => {
            tracing::error!("webhook not stored in time; Paddle will retry");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
