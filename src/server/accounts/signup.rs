//! Sign-up and email verification.

use std::net::IpAddr;

use axum_login::AuthnBackend;

use super::email::EmailAddress;
use super::links::{refused_token, send_link};
use super::login::start_session;
use super::slots::Slots;
use super::{AuthSession, Backend, Failure, Outcome, User, by_address, by_ip, now, password};
use super::{tokens, unverified_cutoff};
use crate::api::auth::AuthError;
use crate::server::db::tokens::Purpose;
use crate::server::db::{tokens as token_rows, users};

/// Stores an unverified user and mails a verification link. When the address already
/// has an account the answer is the same, and its owner gets a mail saying someone
/// tried: sign-up reveals no more about accounts than log-in does. The mail limits (per
/// client IP, and sign-ups per recipient) are taken before the password is hashed.
#[tracing::instrument(skip_all)]
pub async fn sign_up(accounts: &Backend, ip: IpAddr, email: &str, password: String) -> Outcome {
    let rules = accounts.rules;
    let ip_slot = Slots::take(&accounts.limits, [by_ip(rules.mail_per_ip, ip)]).await?;
    let email = EmailAddress::parse(email).map_err(|_| Failure::Refused(AuthError::BadEmail))?;
    if !password::acceptable(&password) {
        return Err(Failure::Refused(AuthError::PasswordLength));
    }
    let to = [by_address(rules.signups_per_recipient, email.as_str())];
    let recipient_slot = match Slots::take(&accounts.limits, to).await {
        Ok(slot) => slot,
        Err(e) => return ip_slot.release_unless_started(Err(e)).await,
    };
    let result = create(accounts, &email, password).await;
    let result = recipient_slot.release_unless_started(result).await;
    ip_slot.release_unless_started(result).await
}

async fn create(accounts: &Backend, email: &EmailAddress, password: String) -> Outcome {
    let hash = accounts
        .hasher
        .hash(accounts.hasher.admit()?, password)
        .await?;
    let id = users::insert(
        &accounts.db,
        email.as_str(),
        &hash,
        now(),
        unverified_cutoff(),
    )
    .await?;
    match id {
        Some(id) => {
            tracing::info!(user_id = id, "user signed up");
            send_link(accounts, id, email, Purpose::VerifyEmail).await
        }
        None => {
            tracing::info!("sign-up for an address that has an account; owner notified");
            send_taken_notice(accounts, email).await
        }
    }
}

/// Verifies the address of the token's account, which takes the account's password
/// too: the mailbox proves the address, the password proves that whoever opened the
/// mail chose it. Someone who lacks it (an address signed up by somebody else) resets
/// the password instead, which also verifies. On success every other session of the
/// account ends and this browser is signed in. A wrong password counts as a failed
/// log-in (same limit, taken before the check) and leaves the link usable.
#[tracing::instrument(skip_all)]
pub async fn verify_email(
    auth: &mut AuthSession,
    ip: IpAddr,
    token: &str,
    password: String,
) -> Outcome {
    let accounts = auth.backend.clone();
    let hash = tokens::hash(token).ok_or(Failure::Refused(AuthError::TokenInvalid))?;
    let user_id = token_rows::peek(&accounts.db, &hash, Purpose::VerifyEmail, now())
        .await?
        .map_err(refused_token)?;
    let Some(row) = users::by_id(&accounts.db, user_id, unverified_cutoff()).await? else {
        return Err(Failure::Refused(AuthError::TokenExpired));
    };
    let rule = accounts.rules.login;
    let wanted = [by_ip(rule, ip), by_address(rule, &row.email)];
    let slots = Slots::take(&accounts.limits, wanted).await?;
    let matches = match accounts.hasher.admit() {
        Ok(admission) => accounts
            .hasher
            .verify(admission, password, Some(row.password_hash))
            .await
            .map_err(Failure::from),
        Err(busy) => Err(busy.into()),
    };
    if !slots.release_unless_started(matches).await? {
        tracing::info!(user_id, "verification refused: not the account's password");
        return Err(Failure::Refused(AuthError::VerifyPassword));
    }
    slots.release().await;
    let now = now();
    token_rows::consume(&accounts.db, &hash, Purpose::VerifyEmail, now)
        .await?
        .map_err(refused_token)?;
    if !users::mark_verified(&accounts.db, user_id, now, unverified_cutoff()).await? {
        return Err(Failure::Refused(AuthError::TokenExpired));
    }
    token_rows::retire_all(&accounts.db, user_id, Purpose::VerifyEmail, now).await?;
    tracing::info!(user_id, "email verified");
    let user = auth
        .backend
        .get_user(&user_id)
        .await?
        .ok_or(Failure::Refused(AuthError::TokenExpired))?;
    start_session(auth, &user).await
}

/// Mails a fresh verification link to a signed-in user whose address is unverified.
#[tracing::instrument(skip_all)]
pub async fn resend_verification(accounts: &Backend, ip: IpAddr, user: &User) -> Outcome {
    let rules = accounts.rules;
    let wanted = [
        by_ip(rules.mail_per_ip, ip),
        by_address(rules.mail_per_recipient, user.email.as_str()),
    ];
    let slots = Slots::take(&accounts.limits, wanted).await?;
    if user.email_verified {
        return Ok(());
    }
    let sent = send_link(accounts, user.id, &user.email, Purpose::VerifyEmail).await;
    slots.release_unless_started(sent).await
}

/// Tells the owner of `to` that someone tried to sign up with it, and what to do.
async fn send_taken_notice(accounts: &Backend, to: &EmailAddress) -> Outcome {
    let origin = &accounts.public_origin;
    let body = format!(
        "Hello,\r\n\r\nSomeone tried to create a Paddock account with this address, \
         which already has one.\r\n\r\nForgot the password, or did not create the \
         account yourself? Reset the password: that proves the address is yours and ends \
         every other session.\r\n\r\n{origin}/forgot-password\r\n\r\n\
         If it was you and you know the password, log in: {origin}/login\r\n\r\n\
         If it was not you, ignore this message: nothing has changed.\r\n"
    );
    let subject = "Someone tried to sign up with your email";
    accounts.mailer.send(to.as_str(), subject, body).await?;
    Ok(())
}
