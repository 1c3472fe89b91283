//! Mailed links: the one-time tokens behind them, and the mails themselves.

use super::email::EmailAddress;
use super::{Backend, Failure, Outcome, RESET_TTL_SECS, VERIFY_TTL_SECS, now, tokens};
use crate::api::auth::AuthError;
use crate::server::db::tokens as token_rows;
use crate::server::db::tokens::{Purpose, Unusable};

pub(super) fn refused_token(why: Unusable) -> Failure {
    tracing::info!(reason = ?why, "token unusable");
    Failure::Refused(match why {
        Unusable::Unknown => AuthError::TokenInvalid,
        Unusable::Used => AuthError::TokenUsed,
        Unusable::Expired => AuthError::TokenExpired,
    })
}

pub(super) async fn send_link(
    accounts: &Backend,
    user_id: i64,
    to: &EmailAddress,
    purpose: Purpose,
) -> Outcome {
    let new = tokens::generate();
    let (ttl, path, subject, intro) = match purpose {
        Purpose::VerifyEmail => (
            VERIFY_TTL_SECS,
            "verify-email",
            "Verify your email for Paddock",
            "Confirm that this address is yours by opening this link (valid for 24 hours; \
             you will need the password chosen at sign-up):",
        ),
        Purpose::ResetPassword => (
            RESET_TTL_SECS,
            "reset-password",
            "Reset your Paddock password",
            "Choose a new password by opening this link (valid for 1 hour):",
        ),
    };
    let now = now();
    token_rows::insert(&accounts.db, &new.hash, user_id, purpose, now + ttl, now).await?;
    let link = format!("{}/{path}?token={}", accounts.public_origin, new.token);
    let body = format!(
        "Hello,\r\n\r\n{intro}\r\n\r\n{link}\r\n\r\nIf you did not ask for this, ignore this message.\r\n"
    );
    accounts.mailer.send(to.as_str(), subject, body).await?;
    Ok(())
}
