//! `PATCH /subscriptions/{subscription_id}`: undo a scheduled change, change the items,
//! set `custom_data`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use paddle::SubscriptionId;
use serde_json::Value;

use super::body::{custom_data, object, only};
use super::reply::{ApiError, Reply, RequestId, field, respond};
use super::subscription_writes::{not_found, reply};
use crate::billing::writes::{self, Update};
use crate::emulator::Shared;
use crate::state::catalog::PLANS;

/// Proration modes the emulator carries out: nothing is charged before the next renewal.
const PRORATION_MODES: [&str; 5] = [
    "prorated_immediately",
    "prorated_next_billing_period",
    "full_immediately",
    "full_next_billing_period",
    "do_not_bill",
];
const IMPLEMENTED_MODES: [&str; 3] = [
    "prorated_next_billing_period",
    "full_next_billing_period",
    "do_not_bill",
];

/// `PATCH /subscriptions/{id}`: `scheduled_change: null`, `items` with
/// `proration_billing_mode`, `custom_data`.
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    respond(&request_id, update_one(&shared, &id, &body))
}

fn update_one(shared: &Shared, id: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let sub_id = SubscriptionId::parse(id).map_err(|_| not_found(id))?;
    let object = object(body, false)?;
    let unsupported = [
        "customer_id",
        "address_id",
        "business_id",
        "currency_code",
        "next_billed_at",
        "discount",
        "collection_mode",
        "billing_details",
    ];
    let mut errors: Vec<_> = object
        .keys()
        .filter(|k| unsupported.contains(&k.as_str()))
        .map(|k| field(k.clone(), "is not implemented by the Paddle emulator"))
        .collect();
    let known = [
        &unsupported[..],
        &[
            "scheduled_change",
            "items",
            "custom_data",
            "proration_billing_mode",
            "on_payment_failure",
        ],
    ]
    .concat();
    only(&object, &known)?;
    let mut update = Update::default();
    match object.get("scheduled_change") {
        None => {}
        Some(Value::Null) => update.clear_scheduled_change = true,
        Some(_) => errors.push(field(
            "scheduled_change",
            "may only be null (use the pause, cancel or resume operations)",
        )),
    }
    update.custom_data = custom_data(&object, &mut errors);
    match object.get("on_payment_failure") {
        None | Some(Value::Null) => {}
        Some(v) if v == "prevent_change" || v == "apply_change" => {}
        Some(_) => errors.push(field(
            "on_payment_failure",
            "must be one of: prevent_change, apply_change",
        )),
    }
    let mode = object.get("proration_billing_mode");
    match mode {
        None => {}
        Some(Value::String(m)) if IMPLEMENTED_MODES.contains(&m.as_str()) => {}
        Some(Value::String(m)) if PRORATION_MODES.contains(&m.as_str()) => errors.push(field(
            "proration_billing_mode",
            format!(
                "{m} is not implemented by the Paddle emulator; use one of: {}",
                IMPLEMENTED_MODES.join(", ")
            ),
        )),
        Some(_) => errors.push(field(
            "proration_billing_mode",
            format!("must be one of: {}", PRORATION_MODES.join(", ")),
        )),
    }
    if let Some(items) = object.get("items") {
        if mode.is_none() {
            errors.push(field(
                "proration_billing_mode",
                "is required when items are updated",
            ));
        }
        update.items = parse_items(items, &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_field(errors));
    }
    reply(shared, id, writes::update(shared, &sub_id, update))
}

/// `items[]`: `{price_id, quantity}` of the emulator's catalog.
fn parse_items(
    items: &Value,
    errors: &mut Vec<paddle::error::FieldError>,
) -> Option<Vec<(Value, Value, u64)>> {
    let Some(list) = items.as_array().filter(|l| (1..=100).contains(&l.len())) else {
        errors.push(field("items", "must be an array of 1 to 100 items"));
        return None;
    };
    let before = errors.len();
    let mut parsed = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let price_id = item.get("price_id").and_then(Value::as_str);
        let Some(plan) = price_id.and_then(|p| PLANS.iter().find(|plan| plan.price_id == p)) else {
            errors.push(field(
                format!("items[{i}].price_id"),
                "must be the id of a price in the emulator's catalog",
            ));
            continue;
        };
        let quantity = match item.get("quantity") {
            None | Some(Value::Null) => Some(1),
            Some(q) => q.as_u64(),
        };
        match quantity {
            // The catalog's prices allow a quantity of exactly 1.
            Some(1) => parsed.push((plan.price_json(), plan.product_json(), 1)),
            _ => errors.push(field(
                format!("items[{i}].quantity"),
                "must be 1 for this price (minimum 1, maximum 1)",
            )),
        }
        if let Some(object) = item.as_object()
            && let Some(extra) = object.keys().find(|k| *k != "price_id" && *k != "quantity")
        {
            let shown: String = extra.chars().take(64).collect();
            errors.push(field(
                format!("items[{i}].{shown}"),
                "is not implemented by the Paddle emulator",
            ));
        }
    }
    (errors.len() == before).then_some(parsed)
}
