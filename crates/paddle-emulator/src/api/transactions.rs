//! `GET /transactions` and `GET /transactions/{transaction_id}`.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::TransactionId;
use serde_json::Value;
use std::cmp::Ordering;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::pagination::{ListQuery, Params, TRANSACTION_PAGES};
use super::reply::{ApiError, Reply, RequestId, field as field_error, respond};
use crate::emulator::Shared;
use crate::state::transactions::{Transaction, TransactionStatus};

/// What `GET /transactions` takes; `include` is not implemented.
const LIST: Params = Params {
    served: &[
        "after",
        "per_page",
        "order_by",
        "collection_mode",
        "customer_id",
        "id",
        "invoice_number",
        "origin",
        "status",
        "subscription_id",
        "billed_at",
        "created_at",
        "updated_at",
    ],
    unimplemented: &["include"],
};

/// A date filter: `field` (equal), `field[LT]`, `[LTE]`, `[GT]`, `[GTE]`.
struct DateFilter(Vec<(Ordering, bool, OffsetDateTime)>);

impl DateFilter {
    fn parse(query: &ListQuery, field: &'static str) -> Result<Self, ApiError> {
        let mut bounds = Vec::new();
        for (op, value) in query.with_operators(field) {
            let (ordering, or_equal) = match op.as_str() {
                "" => (Ordering::Equal, true),
                "LT" => (Ordering::Less, false),
                "LTE" => (Ordering::Less, true),
                "GT" => (Ordering::Greater, false),
                "GTE" => (Ordering::Greater, true),
                _ => {
                    return Err(ApiError::invalid_field(vec![field_error(
                        format!("{field}[{op}]"),
                        "the operator must be LT, LTE, GT or GTE",
                    )]));
                }
            };
            // Paddle's examples omit the offset (`2023-04-18T17:03:26`): that is UTC.
            let at = OffsetDateTime::parse(&value, &Rfc3339)
                .or_else(|_| OffsetDateTime::parse(&format!("{value}Z"), &Rfc3339))
                .map_err(|_| {
                    ApiError::invalid_field(vec![field_error(
                        field,
                        "must be an RFC 3339 date-time",
                    )])
                })?;
            bounds.push((ordering, or_equal, at));
        }
        Ok(Self(bounds))
    }

    fn matches(&self, at: OffsetDateTime) -> bool {
        self.0.iter().all(|(ordering, or_equal, bound)| {
            let cmp = at.cmp(bound);
            cmp == *ordering || (*or_equal && cmp == Ordering::Equal)
        })
    }
}

/// `GET /transactions/{transaction_id}`: `include` is not implemented.
pub(super) const ONE: Params = Params {
    served: &[],
    unimplemented: &["include"],
};

/// The origins the list filter accepts, in the spec's order.
const ORIGINS: [&str; 6] = [
    "api",
    "subscription_charge",
    "subscription_payment_method_change",
    "subscription_recurring",
    "subscription_update",
    "web",
];

/// `GET /transactions`: filters `billed_at`, `created_at`, `updated_at` (each with `[LT]`,
/// `[LTE]`, `[GT]`, `[GTE]`), `collection_mode`, `customer_id`, `id`, `invoice_number`,
/// `origin`, `status`, `subscription_id`; Paddle's default order `id[DESC]` (newest
/// first), or `order_by=id[ASC]`.
pub(super) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(query): RawQuery,
) -> Response {
    respond(&request_id, list_page(&shared, query.as_deref()))
}

fn list_page(shared: &Shared, raw: Option<&str>) -> Result<Reply, ApiError> {
    let query = ListQuery::for_list(raw, &LIST, TRANSACTION_PAGES)?;
    let statuses = query.enum_values("status", &TransactionStatus::FILTER)?;
    let modes = query.enum_values("collection_mode", &["automatic", "manual"])?;
    let origins = query.enum_values("origin", &ORIGINS)?;
    // The emulator's transactions have no invoice number yet: a filter on one matches none.
    let invoice_numbers = query.values("invoice_number");
    let customers = query.values("customer_id");
    let subscriptions = query.values("subscription_id");
    let ids = query.values("id");
    let billed_at = DateFilter::parse(&query, "billed_at")?;
    let created_at = DateFilter::parse(&query, "created_at")?;
    let updated_at = DateFilter::parse(&query, "updated_at")?;
    let any = |filter: &Option<Vec<String>>, value: &str| {
        filter.as_ref().is_none_or(|f| f.iter().any(|v| v == value))
    };
    let base = format!("{}/transactions", shared.config.origin_str());
    let (data, pagination) = shared.store.read(|data| {
        let matching: Vec<(String, &Transaction)> = data
            .transactions
            .values()
            .filter(|t| any(&statuses, t.status.as_str()))
            .filter(|t| any(&customers, t.customer_id.as_str()))
            .filter(|t| any(&subscriptions, t.subscription_id.as_str()))
            .filter(|t| any(&ids, t.id.as_str()))
            .filter(|t| any(&modes, "automatic") && any(&origins, t.origin.as_str()))
            .filter(|_| invoice_numbers.is_none())
            .filter(|t| billed_at.matches(t.billed_at))
            .filter(|t| created_at.matches(t.created_at))
            .filter(|t| updated_at.matches(t.updated_at))
            .map(|t| (t.id.to_string(), t))
            .collect();
        let paged = query.paginate(matching, &base);
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
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(err) = ONE.check(query.as_deref()) {
        return respond(&request_id, Err(err));
    }
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
