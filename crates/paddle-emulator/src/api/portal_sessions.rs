//! `POST /customers/{customer_id}/portal-sessions`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::error::FieldError;
use paddle::{CustomerId, SubscriptionId};
use serde_json::Value;

use super::customers::not_found;
use super::reply::{ApiError, Reply, RequestId, field, respond};
use crate::control::MintedSession;
use crate::emulator::Shared;

/// `subscription_ids`' `maxItems` in `customer-portal-session-create`.
const MAX_SUBSCRIPTIONS: usize = 25;

/// Checks a body against `customer-portal-session-create`: an object with at most
/// `subscription_ids` (an array of at most 25 unique `sub_…` ids). An empty body, `{}` and
/// `{"subscription_ids": []}` all mean "no subscriptions".
pub(crate) fn parse_body(body: &[u8]) -> Result<Vec<SubscriptionId>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::invalid_json())?;
    let Value::Object(object) = value else {
        return Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        ));
    };
    let mut errors: Vec<FieldError> = object
        .keys()
        .filter(|key| key.as_str() != "subscription_ids")
        .map(|key| {
            field(
                key.as_str(),
                "unknown field: additional properties are not allowed",
            )
        })
        .collect();
    let mut ids: Vec<SubscriptionId> = Vec::new();
    match object.get("subscription_ids") {
        None => {}
        // Too many is the one error: the items are not looked at (a body may hold tens of
        // thousands, and each is compared with those before it).
        Some(Value::Array(items)) if items.len() > MAX_SUBSCRIPTIONS => errors.push(field(
            "subscription_ids",
            format!("must contain at most 25 items, provided {}", items.len()),
        )),
        Some(Value::Array(items)) => {
            let mut seen: Vec<(usize, &str)> = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let name = format!("subscription_ids[{index}]");
                let Some(text) = item.as_str() else {
                    errors.push(field(name, "must be a string"));
                    continue;
                };
                let Ok(id) = SubscriptionId::parse(text) else {
                    errors.push(field(name, r"must match the pattern ^sub_[a-z\d]{26}$"));
                    continue;
                };
                if let Some((first, _)) = seen.iter().find(|(_, t)| *t == text) {
                    let message =
                        format!("duplicate of subscription_ids[{first}]: items must be unique");
                    errors.push(field(name, message));
                    continue;
                }
                seen.push((index, text));
                ids.push(id);
            }
        }
        Some(_) => errors.push(field("subscription_ids", "must be an array")),
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(ApiError::invalid_field(errors))
    }
}

/// Mints a session: 400 for a bad body, 404 for an unknown customer, 400 for a
/// subscription that is not the customer's, 201 with fresh one-time links otherwise.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(customer_id): Path<String>,
    body: Bytes,
) -> Response {
    let mut minted = None;
    let mut response = respond(
        &request_id,
        create_session(&shared, &customer_id, &body, &mut minted),
    );
    if let Some(minted) = minted {
        response.extensions_mut().insert(minted);
    }
    response
}

fn create_session(
    shared: &Shared,
    customer_id: &str,
    body: &[u8],
    minted: &mut Option<MintedSession>,
) -> Result<Reply, ApiError> {
    let ids = parse_body(body)?;
    let customer = CustomerId::parse(customer_id)
        .ok()
        .filter(|id| shared.store.read(|data| data.customers.contains_key(id)))
        .ok_or_else(|| not_found(customer_id))?;
    let errors: Vec<FieldError> = shared.store.read(|data| {
        ids.iter()
            .enumerate()
            .filter(|(_, id)| {
                data.subscriptions
                    .get(*id)
                    .is_none_or(|s| s.customer_id != customer)
            })
            .map(|(index, id)| {
                field(
                    format!("subscription_ids[{index}]"),
                    format!("subscription {id} not found for customer {customer}"),
                )
            })
            .collect()
    });
    if !errors.is_empty() {
        return Err(ApiError::invalid_field(errors));
    }
    let session = shared.links.session(&customer, &ids);
    tracing::info!(customer_id = %customer, session_id = %session.id, subscriptions = ids.len(), "portal session minted");
    let data = serde_json::to_value(&session).map_err(|_| ApiError::internal())?;
    *minted = Some(MintedSession {
        id: session.id.to_string(),
        subscription_ids: session
            .urls
            .subscriptions
            .iter()
            .map(|s| s.id.to_string())
            .collect(),
    });
    Ok(Reply::One(StatusCode::CREATED, data))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;

    const SUB: &str = "sub_01h04vsc0qhwtsbsxh3422wjs4";

    #[test]
    fn empty_bodies_mean_no_subscriptions() {
        for body in ["", "{}", r#"{"subscription_ids": []}"#] {
            assert!(parse_body(body.as_bytes()).unwrap().is_empty(), "{body:?}");
        }
    }

    #[test]
    fn each_bad_item_is_named_by_its_index() {
        let body = format!(r#"{{"subscription_ids": ["{SUB}", "sub_bad", 7, "{SUB}"]}}"#);
        let err = parse_body(body.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "invalid_field");
        let fields: Vec<_> = err.field_names();
        assert_eq!(
            fields,
            [
                "subscription_ids[1]",
                "subscription_ids[2]",
                "subscription_ids[3]"
            ]
        );
    }

    #[test]
    fn shape_errors_have_their_own_codes() {
        assert_eq!(parse_body(b"{").unwrap_err().code(), "invalid_json");
        assert_eq!(parse_body(b"[]").unwrap_err().code(), "bad_request");
        let extra = parse_body(br#"{"subscription_ids": [], "x": 1}"#).unwrap_err();
        assert_eq!(extra.field_names(), ["x"]);
        let many: Vec<String> = (0..26).map(|i| format!("sub_{i:026}")).collect();
        let body = serde_json::json!({"subscription_ids": many}).to_string();
        assert_eq!(
            parse_body(body.as_bytes()).unwrap_err().field_names(),
            ["subscription_ids"]
        );
    }

    #[test]
    fn too_many_items_is_one_error_whatever_the_items() {
        let bad: Vec<String> = (0..40_000).map(|i| format!("nope_{i}")).collect();
        let body = serde_json::json!({"subscription_ids": bad}).to_string();
        let err = parse_body(body.as_bytes()).unwrap_err();
        assert_eq!(err.field_names(), ["subscription_ids"]);
    }
}
