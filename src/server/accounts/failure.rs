//! Why an account use-case did not succeed, how lower errors map onto that, and what
//! of it the client learns.

use std::time::Duration;

use crate::api::auth::AuthError;
use crate::server::accounts::backend::{AccountError, Backend};
use crate::server::accounts::mail::MailError;
use crate::server::accounts::password::HashError;

/// Why a use-case did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The user's input or state: shown as the error's message.
    Refused(AuthError),
    /// Over an abuse limit; try again after this long.
    Limited(Duration),
    /// Every password-hashing thread and queue place is taken: 503, try again shortly.
    Busy,
    /// Our fault: logged in full, shown as a generic message.
    Internal(AccountError),
}

/// What the client learns: the refusal itself, or a variant for the rest. An internal
/// error is logged here in full and leaves only as `Server`.
impl From<Failure> for AuthError {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Refused(e) => e,
            Failure::Limited(wait) => AuthError::RateLimited {
                retry_after: wait.as_secs().max(1),
            },
            Failure::Busy => AuthError::Busy,
            Failure::Internal(e) => {
                tracing::error!(error = %e, "account action failed");
                AuthError::Server
            }
        }
    }
}

impl From<AccountError> for Failure {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Hash(HashError::Busy) => Self::Busy,
            e => Self::Internal(e),
        }
    }
}

impl From<HashError> for Failure {
    fn from(e: HashError) -> Self {
        AccountError::from(e).into()
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<MailError> for Failure {
    fn from(e: MailError) -> Self {
        Self::Internal(e.into())
    }
}

impl From<axum_login::Error<Backend>> for Failure {
    fn from(e: axum_login::Error<Backend>) -> Self {
        match e {
            axum_login::Error::Backend(e) => e.into(),
            axum_login::Error::Session(e) => Self::Internal(AccountError::Session(e.to_string())),
        }
    }
}
