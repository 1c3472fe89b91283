//! `GET /subscriptions` and `GET /subscriptions/{subscription_id}`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::{Subscription, SubscriptionId, SubscriptionStatus};
use serde_json::Value;

use super::pagination::{ListQuery, Params};
use super::reply::{ApiError, Reply, RequestId, respond};
use crate::emulator::Shared;

/// The API's view: with fresh, one-time `management_urls`.
pub(super) fn to_value(shared: &Shared, sub: &Subscription) -> Result<Value, ApiError> {
    let mut sub = sub.clone();
    sub.management_urls = Some(shared.links.management_urls(&sub));
    serde_json::to_value(&sub).map_err(|_| ApiError::internal())
}

/// What `GET /subscriptions` takes: everything the spec lists.
const LIST: Params = Params {
    served: &[
        "after",
        "per_page",
        "order_by",
        "address_id",
        "collection_mode",
        "customer_id",
        "id",
        "price_id",
        "scheduled_change_action",
        "status",
    ],
    unimplemented: &[],
};

/// `GET /subscriptions/{subscription_id}`: `include` is not implemented.
const ONE: Params = Params {
    served: &[],
    unimplemented: &["include"],
};

/// `GET /subscriptions`: filters `address_id`, `collection_mode`, `customer_id`, `id`,
/// `price_id`, `scheduled_change_action`, `status`, paginated by id, newest first unless
/// `order_by=id[ASC]`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(query): RawQuery,
) -> Response {
    respond(&request_id, list_page(&shared, query.as_deref()))
}

fn list_page(shared: &Shared, raw: Option<&str>) -> Result<Reply, ApiError> {
    let query = ListQuery::for_operation(raw, &LIST)?;
    let all = SubscriptionStatus::ALL.map(SubscriptionStatus::as_str);
    let statuses = query.enum_values("status", &all)?;
    let modes = query.enum_values("collection_mode", &["automatic", "manual"])?;
    let actions = query.enum_values("scheduled_change_action", &["cancel", "pause", "resume"])?;
    let customers = query.values("customer_id");
    let ids = query.values("id");
    let addresses = query.values("address_id");
    let prices = query.values("price_id");
    let any = |filter: &Option<Vec<String>>, value: &str| {
        filter.as_ref().is_none_or(|f| f.iter().any(|v| v == value))
    };
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
            .filter(|s| any(&addresses, s.address_id.as_str()))
            // Every subscription the emulator makes is collected automatically.
            .filter(|_| any(&modes, "automatic"))
            .filter(|s| {
                actions.as_ref().is_none_or(|a| {
                    s.scheduled_change
                        .as_ref()
                        .is_some_and(|c| a.iter().any(|a| a == action_str(c.action)))
                })
            })
            .filter(|s| {
                prices.as_ref().is_none_or(|p| {
                    s.items
                        .raw()
                        .iter()
                        .any(|i| p.iter().any(|p| i["price"]["id"] == p.as_str()))
                })
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

fn action_str(action: paddle::ScheduledChangeAction) -> &'static str {
    match action {
        paddle::ScheduledChangeAction::Cancel => "cancel",
        paddle::ScheduledChangeAction::Pause => "pause",
        paddle::ScheduledChangeAction::Resume => "resume",
    }
}

/// `GET /subscriptions/{subscription_id}`.
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(err) = ONE.check(query.as_deref()) {
        return respond(&request_id, Err(err));
    }
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
