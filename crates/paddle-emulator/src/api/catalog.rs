//! `GET /products`, `GET /products/{product_id}`, `GET /prices`, `GET /prices/{price_id}`:
//! the emulator's fixed catalog, read-only.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::pagination::{ListQuery, Params};
use super::reply::{ApiError, Reply, RequestId, field, respond};
use crate::emulator::Shared;
use crate::state::catalog::{PLANS, Plan};

const PRODUCTS: Params = Params {
    served: &[
        "after",
        "per_page",
        "order_by",
        "id",
        "include",
        "status",
        "tax_category",
        "type",
    ],
    unimplemented: &[],
};
const PRICES: Params = Params {
    served: &[
        "after",
        "per_page",
        "order_by",
        "id",
        "include",
        "product_id",
        "status",
        "recurring",
        "type",
    ],
    unimplemented: &[],
};
const PRODUCT: Params = Params {
    served: &["include"],
    unimplemented: &[],
};
const PRICE: Params = Params {
    served: &["include"],
    unimplemented: &[],
};
const TAX_CATEGORIES: [&str; 9] = [
    "digital-goods",
    "ebooks",
    "implementation-services",
    "professional-services",
    "saas",
    "software-programming-services",
    "standard",
    "training-services",
    "website-hosting",
];

/// Every product once, by id, with the plans that price it.
fn products() -> BTreeMap<&'static str, Vec<Plan>> {
    let mut products: BTreeMap<&'static str, Vec<Plan>> = BTreeMap::new();
    for plan in PLANS {
        products.entry(plan.product_id).or_default().push(plan);
    }
    products
}

fn product_json(plans: &[Plan], with_prices: bool) -> Value {
    let mut product = plans.first().map(|p| p.product_json()).unwrap_or_default();
    if with_prices && let Some(object) = product.as_object_mut() {
        let prices = plans.iter().map(|p| p.price_json()).collect();
        object.insert("prices".to_owned(), Value::Array(prices));
    }
    product
}

fn price_json(plan: &Plan, with_product: bool) -> Value {
    let mut price = plan.price_json();
    if with_product && let Some(object) = price.as_object_mut() {
        object.insert("product".to_owned(), plan.product_json());
    }
    price
}

/// Whether `include` asks for `what` (the only value the operation takes).
fn include(query: &ListQuery, what: &'static str) -> Result<bool, ApiError> {
    Ok(query.enum_values("include", &[what])?.is_some())
}

/// The catalog is all `active` and `standard`: filters on other values match nothing.
fn standard_active(
    query: &ListQuery,
    extra: Option<(&str, &[&str], &str)>,
) -> Result<bool, ApiError> {
    let statuses = query
        .enum_values("status", &["active", "archived"])?
        .unwrap_or_else(|| vec!["active".to_owned()]);
    let types = query.enum_values("type", &["custom", "standard"])?;
    let mut matches = statuses.iter().any(|s| s == "active")
        && types.is_none_or(|t| t.iter().any(|t| t == "standard"));
    if let Some((key, allowed, ours)) = extra {
        matches &= query
            .enum_values(key, allowed)?
            .is_none_or(|v| v.iter().any(|v| v == ours));
    }
    Ok(matches)
}

/// `GET /products`: filters `id`, `status` (default `active`), `tax_category`, `type`;
/// `include=prices`.
pub(super) async fn list_products(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = (|| {
        let query = ListQuery::for_operation(raw.as_deref(), &PRODUCTS)?;
        let with_prices = include(&query, "prices")?;
        let all = standard_active(&query, Some(("tax_category", &TAX_CATEGORIES, "standard")))?;
        let ids = query.values("id");
        let matching = products()
            .into_iter()
            .filter(|_| all)
            .filter(|(id, _)| ids.as_ref().is_none_or(|i| i.iter().any(|i| i == id)))
            .map(|(id, plans)| (id.to_owned(), product_json(&plans, with_prices)))
            .collect();
        let base = format!("{}/products", shared.config.origin_str());
        let paged = query.paginate(matching, &base);
        Ok(Reply::Page(paged.items, paged.pagination))
    })();
    respond(&request_id, result)
}

/// `GET /prices`: filters `id`, `product_id`, `status` (default `active`), `recurring`,
/// `type`; `include=product`.
pub(super) async fn list_prices(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = (|| {
        let query = ListQuery::for_operation(raw.as_deref(), &PRICES)?;
        let with_product = include(&query, "product")?;
        let all = standard_active(&query, None)?;
        // Every catalog price is recurring.
        let recurring = match query.first("recurring") {
            None => true,
            Some("true") => true,
            Some("false") => false,
            Some(_) => {
                return Err(ApiError::invalid_field(vec![field(
                    "recurring",
                    "must be true or false",
                )]));
            }
        };
        let ids = query.values("id");
        let products = query.values("product_id");
        let mut matching: Vec<(String, Value)> = PLANS
            .iter()
            .filter(|_| all && recurring)
            .filter(|p| {
                ids.as_ref()
                    .is_none_or(|i| i.iter().any(|i| i == p.price_id))
            })
            .filter(|p| {
                products
                    .as_ref()
                    .is_none_or(|i| i.iter().any(|i| i == p.product_id))
            })
            .map(|p| (p.price_id.to_owned(), price_json(p, with_product)))
            .collect();
        matching.sort_by(|a, b| a.0.cmp(&b.0));
        let base = format!("{}/prices", shared.config.origin_str());
        let paged = query.paginate(matching, &base);
        Ok(Reply::Page(paged.items, paged.pagination))
    })();
    respond(&request_id, result)
}

fn not_found(what: &str, id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::not_found(format!("{what} {shown} not found."))
}

/// `GET /products/{product_id}`, `include=prices`.
pub(super) async fn get_product(
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = (|| {
        PRODUCT.check(raw.as_deref())?;
        let query = ListQuery::parse(raw.as_deref())?;
        let with_prices = include(&query, "prices")?;
        let plans = products()
            .remove(id.as_str())
            .ok_or_else(|| not_found("Product", &id))?;
        Ok(Reply::One(
            StatusCode::OK,
            product_json(&plans, with_prices),
        ))
    })();
    respond(&request_id, result)
}

/// `GET /prices/{price_id}`, `include=product`.
pub(super) async fn get_price(
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = (|| {
        PRICE.check(raw.as_deref())?;
        let query = ListQuery::parse(raw.as_deref())?;
        let with_product = include(&query, "product")?;
        let plan = PLANS
            .iter()
            .find(|p| p.price_id == id)
            .ok_or_else(|| not_found("Price", &id))?;
        Ok(Reply::One(StatusCode::OK, price_json(plan, with_product)))
    })();
    respond(&request_id, result)
}
