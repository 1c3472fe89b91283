//! Paddle's webhooks: `POST /webhooks/paddle` verifies the signature over the raw body,
//! then stores the event and applies it to the `customers`/`subscriptions` mirror in one
//! transaction. A plain axum route, not a server function: it needs the raw bytes.
//! Refused deliveries are counted per reason (`refusals`) for `paddock doctor`.

pub mod apply;
pub mod refusals;
pub mod route;
pub mod writer;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;

use crate::server::paddle::WEBHOOK_PATH;
use crate::server::state::AppState;

/// The largest body accepted; Paddle's events are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The webhook route, with its own body limit (413 beyond it).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(WEBHOOK_PATH, post(route::receive))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
