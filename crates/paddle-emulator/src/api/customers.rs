//! `GET /customers` and `GET /customers/{customer_id}`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::{Customer, CustomerId};
use serde_json::Value;

use super::pagination::{ListQuery, Params};
use super::reply::{ApiError, Reply, RequestId, respond};
use crate::emulator::Shared;

fn to_value(customer: &Customer) -> Result<Value, ApiError> {
    serde_json::to_value(customer).map_err(|_| ApiError::internal())
}

/// What `GET /customers` takes: everything the spec lists.
const LIST: Params = Params {
    served: &[
        "after", "per_page", "order_by", "email", "id", "search", "status",
    ],
    unimplemented: &[],
};

/// `GET /customers/{customer_id}` takes no query parameters.
pub(super) const ONE: Params = Params {
    served: &[],
    unimplemented: &[],
};

/// `GET /customers`: filters `email`, `id`, `status` (default `active`), `search` (in the
/// id, name and email), paginated by id, newest first unless `order_by=id[ASC]`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(query): RawQuery,
) -> Response {
    respond(&request_id, list_page(&shared, query.as_deref()))
}

fn list_page(shared: &Shared, raw: Option<&str>) -> Result<Reply, ApiError> {
    let query = ListQuery::for_operation(raw, &LIST)?;
    let search = query.first("search").map(str::to_lowercase);
    if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::invalid_field(vec![super::reply::field(
            "search",
            "maximum length of 100 exceeded",
        )]));
    }
    let statuses = query
        .enum_values("status", &["active", "archived"])?
        .unwrap_or_else(|| vec!["active".to_owned()]);
    let emails = query.values("email");
    let ids = query.values("id");
    let base = format!("{}/customers", shared.config.origin_str());
    let paged = shared.store.read(|data| {
        let matching = data
            .customers
            .values()
            .filter(|c| statuses.iter().any(|s| s == c.status.as_str()))
            .filter(|c| {
                emails
                    .as_ref()
                    .is_none_or(|e| e.iter().any(|e| e.eq_ignore_ascii_case(&c.email)))
            })
            .filter(|c| {
                ids.as_ref()
                    .is_none_or(|i| i.iter().any(|i| i == c.id.as_str()))
            })
            .filter(|c| search.as_deref().is_none_or(|s| matches_search(c, s)))
            .map(|c| (c.id.to_string(), c))
            .collect();
        let paged = query.paginate(matching, &base);
        let data: Result<Vec<Value>, ApiError> = paged.items.into_iter().map(to_value).collect();
        data.map(|data| (data, paged.pagination))
    })?;
    Ok(Reply::Page(paged.0, paged.1))
}

/// Whether `search` (lowercase) occurs in the customer's id, name or email.
fn matches_search(customer: &Customer, search: &str) -> bool {
    customer.id.as_str().contains(search)
        || customer.email.to_lowercase().contains(search)
        || customer
            .name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains(search))
}

/// `GET /customers/{customer_id}`.
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(err) = ONE.check(query.as_deref()) {
        return respond(&request_id, Err(err));
    }
    let found = CustomerId::parse(&id)
        .ok()
        .and_then(|id| shared.store.read(|data| data.customers.get(&id).cloned()));
    let result = match found {
        Some(customer) => to_value(&customer).map(|v| Reply::One(StatusCode::OK, v)),
        None => Err(not_found(&id)),
    };
    respond(&request_id, result)
}

/// 404 for a customer id (malformed ids included: they name no customer either).
pub(super) fn not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::not_found(format!("Customer {shown} not found."))
}
