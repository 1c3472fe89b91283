//! `POST /subscriptions/{subscription_id}/pause`.

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
use crate::billing::{self, BillingError, PauseWhen};
use crate::emulator::Shared;

/// The body's `effective_from` (default `next_billing_period`) and `resume_at`;
/// `on_resume` may only be the default, `start_new_billing_period`, and no other field
/// is taken.
fn parse_body(body: &[u8]) -> Result<(PauseWhen, Option<OffsetDateTime>), ApiError> {
    let object = object(body, true)?;
    only(&object, &["effective_from", "resume_at", "on_resume"])?;
    let mut errors = Vec::new();
    let when = match object.get("effective_from") {
        None | Some(Value::Null) => PauseWhen::NextBillingPeriod,
        Some(v) if v == "next_billing_period" => PauseWhen::NextBillingPeriod,
        Some(v) if v == "immediately" => PauseWhen::Immediately,
        Some(_) => {
            errors.push(field(
                "effective_from",
                "must be one of: next_billing_period, immediately",
            ));
            PauseWhen::NextBillingPeriod
        }
    };
    let resume_at = match object.get("resume_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(at) => Some(at),
            Err(_) => {
                errors.push(field("resume_at", "must be an RFC 3339 date-time"));
                None
            }
        },
        Some(_) => {
            errors.push(field("resume_at", "must be an RFC 3339 date-time"));
            None
        }
    };
    errors.extend(on_resume(&object));
    if errors.is_empty() {
        Ok((when, resume_at))
    } else {
        Err(ApiError::invalid_field(errors))
    }
}

/// Pauses now or at the period's end: 200 with the subscription.
pub(super) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(request_id): Extension<RequestId>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    respond(&request_id, pause(&shared, &id, &body))
}

fn pause(shared: &Shared, id: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let not_found = || {
        let shown: String = id.chars().take(64).collect();
        ApiError::not_found(format!("Subscription {shown} not found."))
    };
    let sub_id = SubscriptionId::parse(id).map_err(|_| not_found())?;
    let (when, resume_at) = parse_body(body)?;
    match billing::pause(shared, &sub_id, when, resume_at) {
        Ok(sub) => Ok(Reply::One(StatusCode::OK, to_value(shared, &sub)?)),
        Err(BillingError::NotFound) => Err(not_found()),
        Err(BillingError::ResumeBeforePause) => Err(ApiError::invalid_field(vec![field(
            "resume_at",
            "must be after the pause takes effect",
        )])),
        Err(err @ (BillingError::AlreadyCanceled | BillingError::NotActive(_))) => {
            Err(super::subscription_writes::write_error(id, err.into()))
        }
        Err(err) => {
            tracing::error!(error = &err as &dyn std::error::Error, "pause failed");
            Err(ApiError::internal())
        }
    }
}
