//! Why `paddock portal-session` printed no links: one line each, saying what to do.

use paddle::ClientError;

use super::portal_session::MAX_SUBSCRIPTIONS;
use super::prompt;
use crate::server::db::DbError;
use crate::server::paddle::PaddleStartError;

/// Why no links were printed; one line that says what to do.
#[derive(Debug, thiserror::Error)]
pub enum PortalSessionError {
    #[error("--customer `{0}`: {1}")]
    CustomerId(String, paddle::InvalidId),
    #[error("--subscription `{0}`: {1}")]
    SubscriptionId(String, paddle::InvalidId),
    #[error("at most {MAX_SUBSCRIPTIONS} --subscription ids per session (Paddle's limit)")]
    TooManySubscriptions,
    #[error("HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
    #[error("{0}")]
    Paddle(#[from] PaddleStartError),
    #[error("database: {0}")]
    Database(#[from] DbError),
    #[error("reading the mirror: {0}")]
    Mirror(#[source] sqlx::Error),
    #[error("customer {0} is not in the mirror: check the id, or run `paddock reconcile`")]
    UnknownCustomer(String),
    #[error(
        "subscription {subscription} is not a subscription of {customer} in the mirror: refused, nothing minted"
    )]
    ForeignSubscription {
        subscription: String,
        customer: String,
    },
    #[error("{0}")]
    Refused(#[from] prompt::Refusal),
    #[error("Paddle ({mode}): {source}{}", code_note(.source))]
    Api {
        mode: String,
        #[source]
        source: ClientError,
    },
    #[error("Paddle returned a link outside the allowed portal origin: refused (request_id {0})")]
    RefusedUrl(String),
    #[error("Paddle's portal session is not in the expected shape (request_id {0})")]
    Unreadable(String),
    #[error(
        "could not write the audit row, so the links are not shown (request_id {request_id}): {source}"
    )]
    Audit {
        request_id: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("writing the session as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Paddle's error code, when the client error's own message does not already name it.
fn code_note(e: &ClientError) -> String {
    match (e, e.code()) {
        (ClientError::Api { .. }, _) | (_, None) => String::new(),
        (_, Some(code)) => format!(" `{code}`"),
    }
}
