//! `POST /subscriptions/{id}/cancel`, `/resume` and `/activate`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use paddle::SubscriptionId;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::body::{object, on_resume, only};
use super::reply::{ApiError, Reply, RequestId, field, respond};
use super::subscriptions::to_value;
use crate::billing::writes::{self, ResumeWhen, WriteError};
use crate::billing::{self, BillingError, CancelWhen};
use crate::emulator::Shared;

pub(super) fn not_found(id: &str) -> ApiError {
    let shown: String = id.chars().take(64).collect();
    ApiError::not_found(format!("Subscription {shown} not found."))
}

/// The API error for a refused write.
pub(super) fn write_error(id: &str, err: WriteError) -> ApiError {
    match err {
        WriteError::Billing(BillingError::NotFound) => not_found(id),
        WriteError::Billing(BillingError::AlreadyCanceled) | WriteError::CanceledActionInvalid => {
            ApiError::subscription(
                "subscription_is_canceled_action_invalid",
                "subscription is canceled, action is invalid",
            )
        }
        WriteError::Billing(BillingError::NotActive(_)) => ApiError::subscription(
            "subscription_not_active",
            "action requires the subscription to be active",
        ),
        err @ WriteError::MustBePaused => {
            ApiError::subscription("subscription_must_be_paused", err.to_string())
        }
        err @ WriteError::CannotActivate(_) => {
            ApiError::subscription("subscription_cannot_activate", err.to_string())
        }
        err @ WriteError::UpdateWhenCanceled => {
            ApiError::subscription("subscription_update_when_canceled", err.to_string())
        }
        WriteError::Field(name, message) => ApiError::invalid_field(vec![field(name, message)]),
        WriteError::Billing(err) => {
            tracing::error!(error = &err as &dyn std::error::Error, "write failed");
            ApiError::internal()
        }
    }
}

pub(super) fn reply(
    shared: &Shared,
    id: &str,
    result: Result<paddle::Subscription, WriteError>,
) -> Result<Reply, ApiError> {
    let sub = result.map_err(|e| write_error(id, e))?;
    Ok(Reply::One(StatusCode::OK, to_value(shared, &sub)?))
}

/// `POST /subscriptions/{id}/cancel`: `effective_from` `next_billing_period` (the default,
/// but `immediately` for a paused subscription) or `immediately`.
pub(super) async fn cancel(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    respond(&request_id, cancel_one(&shared, &id, &body))
}

fn cancel_one(shared: &Shared, id: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let sub_id = SubscriptionId::parse(id).map_err(|_| not_found(id))?;
    let object = object(body, true)?;
    only(&object, &["effective_from"])?;
    // `None`: the default, which depends on the subscription (below).
    let when = match object.get("effective_from") {
        None | Some(Value::Null) => None,
        Some(v) if v == "next_billing_period" => Some(CancelWhen::PeriodEnd),
        Some(v) if v == "immediately" => Some(CancelWhen::Now),
        Some(_) => {
            return Err(ApiError::invalid_field(vec![field(
                "effective_from",
                "must be one of: next_billing_period, immediately",
            )]));
        }
    };
    let found = shared.store.read(|data| {
        data.subscriptions
            .get(&sub_id)
            .map(|s| (s.customer_id.clone(), s.status))
    });
    let (customer, status) = found.ok_or_else(|| not_found(id))?;
    // A paused subscription has no billing period to end: by default Paddle cancels it
    // now, and refuses an explicit `next_billing_period`.
    let paused = status == paddle::SubscriptionStatus::Paused;
    let when = match when {
        None if paused => CancelWhen::Now,
        None => CancelWhen::PeriodEnd,
        Some(CancelWhen::PeriodEnd) if paused => {
            return Err(ApiError::subscription(
                "subscription_not_active",
                "a paused subscription can only be canceled immediately",
            ));
        }
        Some(when) => when,
    };
    let result = billing::cancel(shared, &customer, &sub_id, when)
        .map(|(sub, _)| sub)
        .map_err(WriteError::from);
    reply(shared, id, result)
}

/// `POST /subscriptions/{id}/resume`: `effective_from` `immediately` (default) or a date.
pub(super) async fn resume(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    respond(&request_id, resume_one(&shared, &id, &body))
}

fn resume_one(shared: &Shared, id: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let sub_id = SubscriptionId::parse(id).map_err(|_| not_found(id))?;
    let object = object(body, true)?;
    only(&object, &["effective_from", "on_resume"])?;
    let mut errors = Vec::new();
    let when = match object.get("effective_from") {
        None | Some(Value::Null) => ResumeWhen::Immediately,
        Some(v) if v == "immediately" => ResumeWhen::Immediately,
        Some(Value::String(text)) => match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(at) => ResumeWhen::At(at),
            Err(_) => {
                errors.push(field(
                    "effective_from",
                    "must be `immediately` or an RFC 3339 date-time",
                ));
                ResumeWhen::Immediately
            }
        },
        Some(_) => {
            errors.push(field(
                "effective_from",
                "must be `immediately` or an RFC 3339 date-time",
            ));
            ResumeWhen::Immediately
        }
    };
    errors.extend(on_resume(&object));
    if !errors.is_empty() {
        return Err(ApiError::invalid_field(errors));
    }
    reply(shared, id, writes::resume(shared, &sub_id, when))
}

/// `POST /subscriptions/{id}/activate`: ends a trial now, billing it.
pub(super) async fn activate(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
) -> Response {
    let result = SubscriptionId::parse(&id)
        .map_err(|_| not_found(&id))
        .and_then(|sub_id| reply(&shared, &id, writes::activate(&shared, &sub_id)));
    respond(&request_id, result)
}
