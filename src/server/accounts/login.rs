//! Log-in and log-out.

use std::net::IpAddr;

use super::email::EmailAddress;
use super::slots::Slots;
use super::{AccountError, AuthSession, Credentials, Failure, Outcome, User, by_address, by_ip};
use crate::api::auth::AuthError;

/// Checks the password and starts a session (with a new session id). Both log-in limits
/// (client IP, account) take their slot before the password is checked, so parallel
/// attempts count as they start; a success gives its slots back and clears the
/// account's failures.
#[tracing::instrument(skip_all)]
pub async fn log_in(auth: &mut AuthSession, ip: IpAddr, email: &str, password: String) -> Outcome {
    let accounts = auth.backend.clone();
    let rule = accounts.rules.login;
    let email = EmailAddress::parse(email).ok();
    let account = email.as_ref().map(|e| by_address(rule, e.as_str()));
    let wanted = std::iter::once(by_ip(rule, ip)).chain(account.clone());
    let slots = Slots::take(&accounts.limits, wanted).await?;
    let user = match email {
        Some(email) => match accounts.hasher.admit() {
            Ok(admission) => auth
                .authenticate(Credentials {
                    email,
                    password,
                    admission,
                })
                .await
                .map_err(Failure::from),
            Err(busy) => Err(busy.into()),
        },
        None => Ok(None),
    };
    let Some(user) = slots.release_unless_started(user).await? else {
        tracing::info!("log-in refused");
        return Err(Failure::Refused(AuthError::Invalid));
    };
    start_session(auth, &user).await?;
    slots.release().await;
    if let Some((rule, key)) = &account {
        accounts.limits.clear(rule, key).await;
    }
    tracing::info!(user_id = user.id, "logged in");
    Ok(())
}

/// A fresh session id for `user` in this browser, whatever the session held before.
pub(super) async fn start_session(auth: &mut AuthSession, user: &User) -> Outcome {
    let failed = |e: String| Failure::Internal(AccountError::Session(e));
    // axum-login cycles the id only when the session holds no log-in of its own; one
    // whose user is gone (deleted, or an unverified account expired) still does, and a
    // browser it was planted in would keep the attacker's id. So: always.
    auth.session
        .cycle_id()
        .await
        .map_err(|e| failed(e.to_string()))?;
    auth.login(user).await.map_err(|e| failed(e.to_string()))
}

/// Ends the session and deletes it from the store.
pub async fn log_out(auth: &mut AuthSession) -> Outcome {
    let user = auth
        .logout()
        .await
        .map_err(|e| Failure::Internal(AccountError::Session(e.to_string())))?;
    if let Some(user) = user {
        tracing::info!(user_id = user.id, "logged out");
    }
    Ok(())
}
