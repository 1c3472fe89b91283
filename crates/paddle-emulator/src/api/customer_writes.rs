//! `POST /customers` and `PATCH /customers/{customer_id}`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::error::FieldError;
use paddle::{CustomerId, CustomerStatus};
use serde_json::{Map, Value};

use super::body::{custom_data, object, only, string};
use super::customers::not_found;
use super::reply::{ApiError, Reply, RequestId, field, respond};
use crate::billing::checkout::valid_email;
use crate::billing::customers::{self, CustomerError, CustomerFields};
use crate::emulator::Shared;

/// The fields both operations take; `status` only when updating.
fn fields(object: &Map<String, Value>, updating: bool) -> Result<CustomerFields, ApiError> {
    let mut allowed = vec!["email", "name", "custom_data", "locale"];
    if updating {
        allowed.push("status");
    }
    only(object, &allowed)?;
    let mut errors: Vec<FieldError> = Vec::new();
    let email = match string(object, "email", &mut errors) {
        Some(Some(email)) if valid_email(email.trim()) => Some(email.trim().to_owned()),
        Some(_) => {
            errors.push(field("email", "must be a valid email address"));
            None
        }
        None if !updating && errors.is_empty() => {
            errors.push(field("email", "must be provided as part of the request"));
            None
        }
        None => None,
    };
    let name = string(object, "name", &mut errors);
    if let Some(Some(n)) = &name
        && (n.is_empty() || n.chars().count() > 1024)
    {
        errors.push(field("name", "must be 1 to 1024 characters"));
    }
    let locale = match string(object, "locale", &mut errors) {
        Some(Some(l)) if !l.is_empty() && l.len() <= 35 => Some(l),
        Some(_) => {
            errors.push(field("locale", "must be an IETF BCP 47 short locale tag"));
            None
        }
        None => None,
    };
    let custom_data = custom_data(object, &mut errors);
    let status = match object.get("status") {
        None => None,
        Some(v) if v == "active" => Some(CustomerStatus::Active),
        Some(v) if v == "archived" => Some(CustomerStatus::Archived),
        Some(_) => {
            errors.push(field("status", "must be one of: active, archived"));
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::invalid_field(errors));
    }
    Ok(CustomerFields {
        email,
        name,
        locale,
        custom_data,
        status,
    })
}

fn customer_error(id: &str, err: CustomerError) -> ApiError {
    match err {
        CustomerError::AlreadyExists(existing) => {
            ApiError::customer_already_exists(existing.as_str())
        }
        CustomerError::NotFound => not_found(id),
        CustomerError::Billing(err) => {
            tracing::error!(
                error = &err as &dyn std::error::Error,
                "customer write failed"
            );
            ApiError::internal()
        }
    }
}

fn to_reply(status: StatusCode, customer: &paddle::Customer) -> Result<Reply, ApiError> {
    let value = serde_json::to_value(customer).map_err(|_| ApiError::internal())?;
    Ok(Reply::One(status, value))
}

/// `POST /customers`: 201 with the customer, or 409 `customer_already_exists`.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    body: Bytes,
) -> Response {
    let result = object(&body, false)
        .and_then(|o| fields(&o, false))
        .and_then(|f| customers::create(&shared, f).map_err(|e| customer_error("", e)))
        .and_then(|c| to_reply(StatusCode::CREATED, &c));
    respond(&request_id, result)
}

/// `PATCH /customers/{customer_id}`: 200 with the customer.
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let result = CustomerId::parse(&id)
        .map_err(|_| not_found(&id))
        .and_then(|customer_id| {
            let fields = object(&body, false).and_then(|o| fields(&o, true))?;
            customers::update(&shared, &customer_id, fields).map_err(|e| customer_error(&id, e))
        })
        .and_then(|c| to_reply(StatusCode::OK, &c));
    respond(&request_id, result)
}
