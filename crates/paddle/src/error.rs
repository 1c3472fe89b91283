//! Paddle's error body and the client's error enum.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Paddle's `meta` object: every response carries a `request_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Id of the request, to quote to Paddle support and to log.
    pub request_id: String,
}

/// Whether the problem was the request or Paddle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// A problem with the request.
    RequestError,
    /// A problem with the Paddle API.
    ApiError,
}

/// One failed field of a validation error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field, for example `subscription_ids[0]`.
    pub field: String,
    /// How it failed validation.
    pub message: String,
}

/// Paddle's `error` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaddleError {
    /// Request or API error.
    #[serde(rename = "type")]
    pub kind: ErrorType,
    /// Snake-case code, for example `not_found`: match on this, never on `detail`.
    pub code: String,
    /// Human-readable explanation.
    pub detail: String,
    /// Link to the error reference.
    pub documentation_url: String,
    /// Failed fields; only on validation errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A whole error response body (schema `error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: PaddleError,
    /// Response metadata; Paddle always sends it, but an error body without it still parses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

/// `request_id` for messages, or a dash when the response had none.
fn rid(request_id: &Option<String>) -> &str {
    request_id.as_deref().unwrap_or("-")
}

/// `Retry-After` for messages, or a question mark when it was absent or a date.
fn secs(retry_after: &Option<Duration>) -> String {
    retry_after.map_or_else(|| "?".to_owned(), |d| d.as_secs().to_string())
}

/// The most of a response body the client reads: far above any answer the API documents
/// (a page of 200 entities), far below what would strain the process.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// Why a body did not parse and where, without `serde_json`'s message: that quotes the
/// value it met (`invalid type: string "…"`), and a value may be a credential, such as a
/// portal link, which must not reach a log through an error's sources.
#[derive(Debug, thiserror::Error)]
#[error("{what} at line {line} column {column}")]
pub struct JsonError {
    what: &'static str,
    line: usize,
    column: usize,
}

impl From<serde_json::Error> for JsonError {
    fn from(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        Self {
            what: match e.classify() {
                Category::Io => "read error",
                Category::Syntax => "not JSON",
                Category::Data => "JSON not of the documented shape",
                Category::Eof => "JSON cut short",
            },
            line: e.line(),
            column: e.column(),
        }
    }
}

/// Why a call to Paddle failed.
///
/// Messages never contain the API key, a request URL or a portal link.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Paddle answered with an error body.
    #[error("Paddle API error {status} `{}` (request_id {})", error.code, rid(request_id))]
    Api {
        /// HTTP status.
        status: u16,
        /// The parsed error (boxed to keep `Result`s small).
        error: Box<PaddleError>,
        /// `meta.request_id` of the response.
        request_id: Option<String>,
    },
    /// HTTP 429: over the rate limit.
    #[error(
        "rate limited by Paddle, retry after {} s (request_id {})",
        secs(retry_after),
        rid(request_id)
    )]
    RateLimited {
        /// The `Retry-After` header, when it was a number of seconds.
        retry_after: Option<Duration>,
        /// The parsed error body, if there was one.
        error: Option<Box<PaddleError>>,
        /// `meta.request_id` of the response.
        request_id: Option<String>,
    },
    /// No complete answer within the client's timeout.
    #[error("request to Paddle timed out")]
    Timeout(#[source] reqwest::Error),
    /// Could not connect, or the connection failed.
    #[error("could not reach Paddle")]
    Transport(#[source] reqwest::Error),
    /// A body that is not what the spec says it should be.
    #[error(
        "undecodable Paddle response (HTTP {status}, request_id {})",
        rid(request_id)
    )]
    Decode {
        /// HTTP status.
        status: u16,
        /// `meta.request_id`, if it could be read.
        request_id: Option<String>,
        /// What did not parse, and where (never the text it quoted).
        #[source]
        source: JsonError,
    },
    /// A body larger than any the API documents ([`MAX_BODY`] bytes), not read further.
    #[error("Paddle response over {MAX_BODY} bytes (HTTP {status})")]
    TooLarge {
        /// HTTP status.
        status: u16,
    },
    /// A success status other than the one the endpoint documents.
    #[error(
        "unexpected HTTP {status} from Paddle (request_id {})",
        rid(request_id)
    )]
    UnexpectedStatus {
        /// HTTP status.
        status: u16,
        /// `meta.request_id`, if it could be read.
        request_id: Option<String>,
    },
    /// The configured base URL cannot take a path (for example `mailto:`).
    #[error("the Paddle base URL cannot be used for API calls")]
    InvalidBaseUrl,
}

impl ClientError {
    /// `meta.request_id` of the response that caused this error, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. }
            | Self::RateLimited { request_id, .. }
            | Self::Decode { request_id, .. }
            | Self::UnexpectedStatus { request_id, .. } => request_id.as_deref(),
            Self::Timeout(_)
            | Self::Transport(_)
            | Self::TooLarge { .. }
            | Self::InvalidBaseUrl => None,
        }
    }

    /// Paddle's error code (`not_found`, `invalid_field`, …), if Paddle sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { error, .. } => Some(&error.code),
            Self::RateLimited { error, .. } => error.as_ref().map(|e| e.code.as_str()),
            _ => None,
        }
    }

    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout(_) | Self::Transport(_) => true,
            Self::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }
}
