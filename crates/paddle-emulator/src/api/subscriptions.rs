//! `GET /subscriptions` and `GET /subscriptions/{subscription_id}`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::{Subscription, SubscriptionId, SubscriptionStatus};
use serde_json::Value;

use super::pagination::ListQuery;
use super::reply::{ApiError, Reply, RequestId, respond};
use crate::emulator::Shared;

/// The API's view: with fresh, one-time `management_urls`.
pub(super) fn to_value(shared: &Shared, sub: &Subscription) -> Result<Value, ApiError> {
    let mut sub = sub.clone();
    sub.management_urls = Some(shared.links.management_urls(&sub));
    serde_json::to_value(&sub).map_err(|_| ApiError::internal())
}

/// `GET /subscriptions`: filters `customer_id`, `id`, `status`, paginated by id.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(query): RawQuery,
) -> Response {
    respond(&request_id, list_page(&shared, query.as_deref()))
}

fn list_page(shared: &Shared, raw: Option<&str>) -> Result<Reply, ApiError> {
    let query = ListQuery::parse(raw)?;
    let all = SubscriptionStatus::ALL.map(SubscriptionStatus::as_str);
    let statuses = query.enum_values("status", &all)?;
    let customers = query.values("customer_id");
    let ids = query.values("id");
    let base = format!("{}/subscriptions", shared.config.origin_str());
    let paged = shared.store.read(|data| {
        let matching = data
            .subscriptions
            .values()
            .filter(|s| {
                statuses
                    .as_ref()
                    .is_none_or(|st| st.iter().any(|st| st == s.status.as_str()))
            })
            .filter(|s| {
                customers
                    .as_ref()
                    .is_none_or(|c| c.iter().any(|c| c == s.customer_id.as_str()))
            })
            .filter(|s| {
                ids.as_ref()
                    .is_none_or(|i| i.iter().any(|i| i == s.id.as_str()))
            })
            .map(|s| (s.id.to_string(), s))
            .collect();
        let paged = query.paginate(matching, &base);
        let page: Vec<Subscription> = paged.items.into_iter().cloned().collect();
        (page, paged.pagination)
    });
    // Links are minted outside the store's lock.
    let data: Result<Vec<Value>, ApiError> = paged.0.iter().map(|s| to_value(shared, s)).collect();
    Ok(Reply::Page(data?, paged.1))
}

/// `GET /subscriptions/{subscription_id}`.
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
) -> Response {
    let found = SubscriptionId::parse(&id).ok().and_then(|id| {
        shared
            .store
            .read(|data| data.subscriptions.get(&id).cloned())
    });
    let result = match found {
        Some(sub) => to_value(&shared, &sub).map(|v| Reply::One(StatusCode::OK, v)),
        None => {
            let shown: String = id.chars().take(64).collect();
            Err(ApiError::not_found(format!(
                "Subscription {shown} not found."
            )))
        }
    };
    respond(&request_id, result)
}
