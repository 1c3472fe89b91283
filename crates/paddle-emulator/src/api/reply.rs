//! Paddle's response envelopes: `{"data", "meta"}` and the `error` body, each with a
//! `meta.request_id`.

use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use paddle::Pagination;
use paddle::error::{ErrorBody, ErrorType, FieldError, Meta, PaddleError};
use serde_json::{Value, json};

/// The most field errors one `invalid_field` answer lists.
pub(crate) const MAX_FIELD_ERRORS: usize = 50;

/// The id of the request being answered (a UUID), set by the API's first middleware.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

impl RequestId {
    pub(crate) fn new() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

/// A successful answer, before the request id is added.
pub(crate) enum Reply {
    /// One entity with its status (200, 201).
    One(StatusCode, Value),
    /// A page of a list.
    Page(Vec<Value>, Pagination),
}

/// A Paddle error, before the request id is added.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    /// Boxed to keep `Result<_, ApiError>` small.
    error: Box<PaddleError>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, kind: ErrorType, code: &str, detail: impl Into<String>) -> Self {
        Self::in_area(status, kind, "shared", code, detail)
    }

    /// An error documented under `errors/{area}/{code}` (Paddle groups codes by entity).
    fn in_area(
        status: StatusCode,
        kind: ErrorType,
        area: &str,
        code: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error: Box::new(PaddleError {
                kind,
                code: code.to_owned(),
                detail: detail.into(),
                documentation_url: format!("https://developer.paddle.com/errors/{area}/{code}"),
                errors: Vec::new(),
            }),
            retry_after: None,
        }
    }

    fn request(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self::new(status, ErrorType::RequestError, code, detail)
    }

    /// A 400 `request_error` of a subscription (`errors/subscriptions/{code}`), such as
    /// `subscription_must_be_paused`.
    pub(crate) fn subscription(code: &str, detail: impl Into<String>) -> Self {
        Self::in_area(
            StatusCode::BAD_REQUEST,
            ErrorType::RequestError,
            "subscriptions",
            code,
            detail,
        )
    }

    /// 409 `customer_already_exists`, naming the customer that has the address.
    pub(crate) fn customer_already_exists(existing: &str) -> Self {
        Self::in_area(
            StatusCode::CONFLICT,
            ErrorType::RequestError,
            "customers",
            "customer_already_exists",
            format!("customer email conflicts with customer of id {existing}"),
        )
    }

    /// 400 `invalid_field` for query parameters the operation does not take.
    pub(crate) fn unknown_parameters(names: &[&str]) -> Self {
        Self::invalid_field(
            names
                .iter()
                .map(|n| field(*n, "is not a valid query parameter for this operation"))
                .collect(),
        )
    }

    /// 404 `not_found`.
    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::request(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 400 `invalid_field`, with one entry per failed field, the first
    /// [`MAX_FIELD_ERRORS`] of them: a body of a few megabytes could otherwise name
    /// hundreds of thousands of fields, and the answer would be larger than the request.
    pub(crate) fn invalid_field(mut errors: Vec<FieldError>) -> Self {
        let mut err = Self::request(
            StatusCode::BAD_REQUEST,
            "invalid_field",
            "Request does not pass validation.",
        );
        errors.truncate(MAX_FIELD_ERRORS);
        err.error.errors = errors;
        err
    }

    /// 400 `invalid_json`: the body is not JSON.
    pub(crate) fn invalid_json() -> Self {
        Self::request(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Invalid JSON in your request.",
        )
    }

    /// 400 `bad_request`.
    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        Self::request(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    /// 413 `bad_request`: the body is over the size limit.
    pub(crate) fn too_large() -> Self {
        Self::request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "bad_request",
            "The request body is too large.",
        )
    }

    /// 403 `authentication_missing`.
    pub(crate) fn authentication_missing() -> Self {
        Self::request(
            StatusCode::FORBIDDEN,
            "authentication_missing",
            "Authentication header missing.",
        )
    }

    /// 403 `authentication_malformed`.
    pub(crate) fn authentication_malformed() -> Self {
        Self::request(
            StatusCode::FORBIDDEN,
            "authentication_malformed",
            "Authentication header included, but incorrectly formatted.",
        )
    }

    /// 403 `invalid_token`.
    pub(crate) fn invalid_token() -> Self {
        Self::request(
            StatusCode::FORBIDDEN,
            "invalid_token",
            "Invalid or revoked API key.",
        )
    }

    /// 500 `internal_error` (an `api_error`).
    pub(crate) fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorType::ApiError,
            "internal_error",
            "Problem processing your request. The Paddle team has been notified.",
        )
    }

    /// The answer to an injected fault of `status`.
    pub(crate) fn fault(status: StatusCode, retry_after: u64) -> Self {
        let mut err = match status.as_u16() {
            429 => Self::request(
                status,
                "too_many_requests",
                "Too many requests. Try again after the time in the Retry-After header.",
            ),
            500..=599 => {
                let mut err = Self::internal();
                err.status = status;
                err
            }
            403 => Self::request(status, "forbidden", "You aren't permitted to do this."),
            404 => Self::not_found("Entity not found."),
            409 => Self::request(status, "conflict", "The request conflicts with the entity."),
            _ => Self::request(status, "bad_request", "Invalid request."),
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            err.retry_after = Some(retry_after);
        }
        err
    }

    /// The error code, for example `not_found`.
    #[cfg(test)]
    pub(crate) fn code(&self) -> &str {
        &self.error.code
    }

    /// The names of the failed fields.
    #[cfg(test)]
    pub(crate) fn field_names(&self) -> Vec<&str> {
        self.error.errors.iter().map(|e| e.field.as_str()).collect()
    }

    /// The whole error response.
    pub(crate) fn into_response(self, request_id: &RequestId) -> Response {
        let body = ErrorBody {
            error: *self.error,
            meta: Some(Meta {
                request_id: request_id.0.clone(),
            }),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The response for a handler's result.
pub(crate) fn respond(request_id: &RequestId, result: Result<Reply, ApiError>) -> Response {
    match result {
        Ok(Reply::One(status, data)) => {
            let meta = json!({"request_id": request_id.0});
            (status, Json(json!({"data": data, "meta": meta}))).into_response()
        }
        Ok(Reply::Page(data, pagination)) => {
            let meta = json!({"request_id": request_id.0, "pagination": pagination});
            Json(json!({"data": data, "meta": meta})).into_response()
        }
        Err(err) => err.into_response(request_id),
    }
}

/// A field error.
pub(crate) fn field(name: impl Into<String>, message: impl Into<String>) -> FieldError {
    FieldError {
        field: name.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_field_answer_lists_at_most_its_bound() {
        let many = (0..MAX_FIELD_ERRORS + 10)
            .map(|i| field(format!("f{i}"), "unknown field"))
            .collect();
        let err = ApiError::invalid_field(many);
        assert_eq!(err.field_names().len(), MAX_FIELD_ERRORS);
        assert_eq!(err.field_names()[0], "f0");
    }
}
