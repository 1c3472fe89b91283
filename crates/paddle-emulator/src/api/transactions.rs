//! `GET /transactions` and `GET /transactions/{transaction_id}`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::TransactionId;
use serde_json::Value;

use super::pagination::ListQuery;
use super::reply::{ApiError, Reply, RequestId, respond};
use crate::emulator::Shared;
use crate::state::transactions::{Transaction, TransactionStatus};

/// `GET /transactions`: filters `customer_id`, `subscription_id`, `id`, `status`; Paddle's
/// default order `id[DESC]` (newest first), or `order_by=id[ASC]`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(query): RawQuery,
) -> Response {
    respond(&request_id, list_page(&shared, query.as_deref()))
}

fn list_page(shared: &Shared, raw: Option<&str>) -> Result<Reply, ApiError> {
    let query = ListQuery::parse(raw)?;
    let statuses = query.enum_values("status", &TransactionStatus::FILTER)?;
    let descending = query.descending(true)?;
    let customers = query.values("customer_id");
    let subscriptions = query.values("subscription_id");
    let ids = query.values("id");
    let any = |filter: &Option<Vec<String>>, value: &str| {
        filter.as_ref().is_none_or(|f| f.iter().any(|v| v == value))
    };
    let base = format!("{}/transactions", shared.config.origin_str());
    let (data, pagination) = shared.store.read(|data| {
        let mut matching: Vec<(String, &Transaction)> = data
            .transactions
            .values()
            .filter(|t| any(&statuses, t.status.as_str()))
            .filter(|t| any(&customers, t.customer_id.as_str()))
            .filter(|t| any(&subscriptions, t.subscription_id.as_str()))
            .filter(|t| any(&ids, t.id.as_str()))
            .map(|t| (t.id.to_string(), t))
            .collect();
        if descending {
            matching.reverse();
        }
        let paged = query.paginate_ordered(matching, &base, descending);
        let page: Vec<Value> = paged.items.iter().map(|t| t.to_json()).collect();
        (page, paged.pagination)
    });
    Ok(Reply::Page(data, pagination))
}

/// `GET /transactions/{transaction_id}`.
pub(super) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
) -> Response {
    let found = TransactionId::parse(&id).ok().and_then(|id| {
        shared
            .store
            .read(|data| data.transactions.get(&id).map(|t| t.to_json()))
    });
    let result = match found {
        Some(txn) => Ok(Reply::One(StatusCode::OK, txn)),
        None => {
            let shown: String = id.chars().take(64).collect();
            Err(ApiError::not_found(format!(
                "Transaction {shown} not found."
            )))
        }
    };
    respond(&request_id, result)
}
