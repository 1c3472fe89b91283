//! Password reset by a mailed link.

use std::net::IpAddr;

use super::email::EmailAddress;
use super::links::{refused_token, send_link};
use super::slots::Slots;
use super::{
    Backend, Failure, Outcome, by_address, by_ip, now, password, tokens, unverified_cutoff,
};
use crate::api::auth::AuthError;
use crate::server::db::tokens::Purpose;
use crate::server::db::{password_resets, tokens as token_rows, users};

/// Mails a reset link when the address has an account; the answer and its timing are
/// the same either way (the lookup and mail run in the background). The mail limits
/// (client IP, recipient) count every request, with or without an account.
#[tracing::instrument(skip_all)]
pub async fn request_reset(accounts: &Backend, ip: IpAddr, email: &str) -> Outcome {
    let rules = accounts.rules;
    let _ = Slots::take(&accounts.limits, [by_ip(rules.mail_per_ip, ip)]).await?;
    let email = EmailAddress::parse(email).map_err(|_| Failure::Refused(AuthError::BadEmail))?;
    let to = [by_address(rules.mail_per_recipient, email.as_str())];
    let _ = Slots::take(&accounts.limits, to).await?;
    let accounts = accounts.clone();
    tokio::spawn(async move {
        let cutoff = unverified_cutoff();
        let result = match users::by_email(&accounts.db, email.as_str(), cutoff).await {
            Ok(Some(user)) => send_link(&accounts, user.id, &email, Purpose::ResetPassword).await,
            Ok(None) => Ok(()),
            Err(e) => Err(e.into()),
        };
        if let Err(e) = result {
            tracing::error!(error = ?e, "password reset mail failed");
        }
    });
    Ok(())
}

/// Sets a new password from a reset link. The new hash changes `session_auth_hash`,
/// which ends every session opened with the old password, and the account's failed
/// log-ins are forgotten.
#[tracing::instrument(skip_all)]
pub async fn reset_password(accounts: &Backend, token: &str, password: String) -> Outcome {
    if !password::acceptable(&password) {
        return Err(Failure::Refused(AuthError::PasswordLength));
    }
    // The link is used up only once the new password is ready: a busy hasher (or a
    // failure before) leaves it usable, as verification does.
    let hash = tokens::hash(token).ok_or(Failure::Refused(AuthError::TokenInvalid))?;
    let user_id = token_rows::peek(&accounts.db, &hash, Purpose::ResetPassword, now())
        .await?
        .map_err(refused_token)?;
    let Some(user) = users::by_id(&accounts.db, user_id, unverified_cutoff()).await? else {
        return Err(Failure::Refused(AuthError::TokenExpired));
    };
    let admission = accounts.hasher.admit()?;
    let password_hash = accounts.hasher.hash(admission, password).await?;
    // One transaction: of two requests with the link, one uses it, and a failure on the
    // way leaves the link usable and the old password in place.
    let now = now();
    let user_id = password_resets::reset_password(
        &accounts.db,
        &hash,
        &password_hash,
        now,
        unverified_cutoff(),
    )
    .await?
    .map_err(refused_token)?;
    // Whoever holds the mailbox may log in again at once: the account's failed log-ins
    // (someone else's guesses, as likely as not) are forgotten with the old password.
    let (rule, key) = by_address(accounts.rules.login, &user.email);
    accounts.limits.clear(&rule, &key).await;
    tracing::info!(user_id, "password reset");
    Ok(())
}
