//! Paddle's API, as far as this product uses it: same paths, bodies, statuses and errors.
//!
//! Every call passes, outermost first: the call log, a fresh `meta.request_id`, injected
//! faults, then the API-key check. Unknown paths and methods answer 404 `not_found`.

mod auth;
mod body;
mod catalog;
mod customer_writes;
mod customers;
mod invoices;
mod middleware;
mod pagination;
mod pause;
mod portal_sessions;
mod reply;
mod subscription_update;
mod subscription_writes;
mod subscriptions;
mod transactions;

use std::sync::Arc;

use axum::Extension;
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};

use crate::emulator::Shared;
use reply::{ApiError, RequestId};

/// The API routes, with their middleware.
pub(crate) fn router(shared: Arc<Shared>) -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/customers",
            get(customers::list).post(customer_writes::create),
        )
        .route(
            "/customers/{customer_id}",
            get(customers::get).patch(customer_writes::update),
        )
        .route(
            "/customers/{customer_id}/portal-sessions",
            post(portal_sessions::create),
        )
        .route("/subscriptions", get(subscriptions::list))
        .route(
            "/subscriptions/{subscription_id}",
            get(subscriptions::get).patch(subscription_update::update),
        )
        .route(
            "/subscriptions/{subscription_id}/pause",
            post(pause::create),
        )
        .route(
            "/subscriptions/{subscription_id}/cancel",
            post(subscription_writes::cancel),
        )
        .route(
            "/subscriptions/{subscription_id}/resume",
            post(subscription_writes::resume),
        )
        .route(
            "/subscriptions/{subscription_id}/activate",
            post(subscription_writes::activate),
        )
        .route("/products", get(catalog::list_products))
        .route("/products/{product_id}", get(catalog::get_product))
        .route("/prices", get(catalog::list_prices))
        .route("/prices/{price_id}", get(catalog::get_price))
        .route("/transactions", get(transactions::list))
        .route("/transactions/{transaction_id}", get(transactions::get))
        .route("/transactions/{transaction_id}/invoice", get(invoices::get))
        // Matched routes only: an unknown path stays a 404 whatever its query.
        .route_layer(from_fn(middleware::refuse_query_on_writes))
        .route_layer(from_fn(middleware::paddle_shaped_refusals))
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .layer(from_fn_with_state(
            shared.clone(),
            middleware::require_api_key,
        ))
        .layer(from_fn_with_state(
            shared.clone(),
            middleware::inject_faults,
        ))
        .layer(from_fn(middleware::assign_request_id))
        .layer(from_fn_with_state(shared, middleware::record_call))
}

async fn unknown_route(Extension(request_id): Extension<RequestId>) -> Response {
    ApiError::not_found("No such endpoint in the Paddle emulator.").into_response(&request_id)
}
