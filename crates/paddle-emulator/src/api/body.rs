//! JSON request bodies: an object, with only the fields an operation takes.

use serde_json::{Map, Value};

use super::reply::{ApiError, field};

/// The body as a JSON object; an empty body (or `null` where `empty_ok`) is `{}`.
pub(crate) fn object(body: &[u8], empty_ok: bool) -> Result<Map<String, Value>, ApiError> {
    if empty_ok && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body).map_err(|_| ApiError::invalid_json())? {
        Value::Object(object) => Ok(object),
        Value::Null if empty_ok => Ok(Map::new()),
        _ => Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        )),
    }
}

/// `invalid_field` for every field of `object` not in `allowed`.
pub(crate) fn only(object: &Map<String, Value>, allowed: &[&str]) -> Result<(), ApiError> {
    let unknown: Vec<_> = object
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| {
            let shown: String = k.chars().take(64).collect();
            field(shown, "is not a known field of this request")
        })
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_field(unknown))
    }
}

/// An optional string field; `Some(None)` for an explicit `null`.
pub(crate) fn string(
    object: &Map<String, Value>,
    key: &'static str,
    errors: &mut Vec<paddle::error::FieldError>,
) -> Option<Option<String>> {
    match object.get(key)? {
        Value::Null => Some(None),
        Value::String(s) => Some(Some(s.clone())),
        _ => {
            errors.push(field(key, "must be a string"));
            None
        }
    }
}

/// `custom_data`: an object or `null`.
pub(crate) fn custom_data(
    object: &Map<String, Value>,
    errors: &mut Vec<paddle::error::FieldError>,
) -> Option<Option<paddle::entities::CustomData>> {
    match object.get("custom_data")? {
        Value::Null => Some(None),
        Value::Object(map) => Some(Some(map.clone())),
        _ => {
            errors.push(field("custom_data", "must be an object or null"));
            None
        }
    }
}

/// The error of the body's `on_resume` (pause and resume), if any: the default,
/// `start_new_billing_period`, is the one the emulator implements.
pub(crate) fn on_resume(object: &Map<String, Value>) -> Option<paddle::error::FieldError> {
    match object.get("on_resume") {
        None | Some(Value::Null) => None,
        Some(v) if v == "start_new_billing_period" => None,
        Some(v) if v == "continue_existing_billing_period" => Some(field(
            "on_resume",
            "continue_existing_billing_period is not implemented by the Paddle emulator",
        )),
        Some(_) => Some(field(
            "on_resume",
            "must be one of: start_new_billing_period, continue_existing_billing_period",
        )),
    }
}
