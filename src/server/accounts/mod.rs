//! Accounts: sign-up, email verification, log-in and log-out, password reset.
//! Plain async functions; the server functions in `crate::api::auth` call them.

pub mod backend;
pub mod config;
pub mod email;
pub mod limits;
pub mod mail;
pub mod password;
pub mod sessions;
pub mod tokens;
pub mod web;

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum_login::AuthnBackend;

use crate::api::codes::AuthError;
use crate::server::db::tokens::{Purpose, Unusable};
use crate::server::db::{tokens as token_rows, users};

pub use backend::{AccountError, AuthSession, Backend, Credentials, User};
use email::EmailAddress;

/// A verification link stays valid this long.
pub const VERIFY_TTL_SECS: i64 = 24 * 3600;
/// A password-reset link stays valid this long.
pub const RESET_TTL_SECS: i64 = 3600;
/// An account whose address is never verified expires this long after sign-up (resending
/// the link does not extend it), so an address squatted by someone else frees itself.
pub const UNVERIFIED_TTL_SECS: i64 = 72 * 3600;

/// Why a use-case did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// The user's input or state: shown as the error's message.
    Refused(AuthError),
    /// Over an abuse limit; try again after this long.
    Limited(Duration),
    /// Our fault: logged in full, shown as a generic message.
    Internal(AccountError),
}

macro_rules! internal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Self::Internal(e.into())
            }
        }
    )*};
}
internal_from!(
    AccountError,
    sqlx::Error,
    password::HashTaskFailed,
    mail::MailError
);

type Outcome = Result<(), Failure>;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Accounts created at or before this instant and still unverified have expired.
pub fn unverified_cutoff() -> i64 {
    now() - UNVERIFIED_TTL_SECS
}

fn limited(wait: Option<Duration>) -> Outcome {
    wait.map_or(Ok(()), |w| Err(Failure::Limited(w)))
}

/// Stores an unverified user and mails a verification link. When the address already
/// has an account the answer is the same, and its owner gets a mail saying someone
/// tried: sign-up reveals no more about accounts than log-in does.
#[tracing::instrument(skip_all)]
pub async fn sign_up(accounts: &Backend, ip: IpAddr, email: &str, password: String) -> Outcome {
    limited(accounts.mail_requests.hit(&format!("ip:{ip}")))?;
    let email = EmailAddress::parse(email).map_err(|_| Failure::Refused(AuthError::BadEmail))?;
    if !password::acceptable(&password) {
        return Err(Failure::Refused(AuthError::PasswordLength));
    }
    let hash = password::hash(password).await?;
    match users::insert(
        &accounts.db,
        email.as_str(),
        &hash,
        now(),
        unverified_cutoff(),
    )
    .await?
    {
        Some(id) => {
            tracing::info!(user_id = id, "user signed up");
            send_link(accounts, id, &email, Purpose::VerifyEmail).await
        }
        None => {
            tracing::info!("sign-up for an address that has an account; owner notified");
            send_taken_notice(accounts, &email).await
        }
    }
}

/// Verifies the address of the token's account, which takes the account's password
/// too: the mailbox proves the address, the password proves that whoever opened the
/// mail chose it. Someone who lacks it (an address signed up by somebody else) resets
/// the password instead, which also verifies. On success every other session of the
/// account ends and this browser is signed in.
#[tracing::instrument(skip_all)]
pub async fn verify_email(
    auth: &mut AuthSession,
    ip: IpAddr,
    token: &str,
    password: String,
) -> Outcome {
    let accounts = auth.backend.clone();
    let ip_key = format!("ip:{ip}");
    limited(accounts.login_failures.blocked(&ip_key))?;
    let hash = tokens::hash(token).ok_or(Failure::Refused(AuthError::TokenInvalid))?;
    let now = now();
    let user_id = token_rows::peek(&accounts.db, &hash, Purpose::VerifyEmail, now)
        .await?
        .map_err(refused_token)?;
    let Some(row) = users::by_id(&accounts.db, user_id, unverified_cutoff()).await? else {
        return Err(Failure::Refused(AuthError::TokenExpired));
    };
    let account_key = format!("account:{}", row.email);
    limited(accounts.login_failures.blocked(&account_key))?;
    if !password::verify(password, Some(row.password_hash)).await? {
        accounts.login_failures.record(&ip_key);
        accounts.login_failures.record(&account_key);
        tracing::info!(user_id, "verification refused: not the account's password");
        return Err(Failure::Refused(AuthError::VerifyPassword));
    }
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

/// A fresh session id for `user` in this browser (also when it had another user).
async fn start_session(auth: &mut AuthSession, user: &User) -> Outcome {
    let failed = |e: String| Failure::Internal(AccountError::Session(e));
    if auth.user.is_some() {
        // axum-login cycles the id only for a session without a user; do it always.
        auth.session
            .cycle_id()
            .await
            .map_err(|e| failed(e.to_string()))?;
    }
    auth.login(user).await.map_err(|e| failed(e.to_string()))
}

/// Deletes expired unverified accounts now and then every `every`, for good.
pub fn spawn_unverified_sweep(db: crate::server::db::Database, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match users::delete_expired_unverified(&db, unverified_cutoff()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "expired unverified accounts deleted"),
                Err(e) => tracing::error!(error = %e, "unverified-account sweep failed"),
            }
        }
    });
}

/// Checks the password and starts a session (with a new session id).
#[tracing::instrument(skip_all)]
pub async fn log_in(auth: &mut AuthSession, ip: IpAddr, email: &str, password: String) -> Outcome {
    let accounts = auth.backend.clone();
    let ip_key = format!("ip:{ip}");
    let email = EmailAddress::parse(email).ok();
    let account_key = email.as_ref().map(|e| format!("account:{e}"));
    limited(accounts.login_failures.blocked(&ip_key))?;
    if let Some(key) = &account_key {
        limited(accounts.login_failures.blocked(key))?;
    }
    let user = match email {
        Some(email) => auth.authenticate(Credentials { email, password }).await,
        None => Ok(None),
    };
    let user = user.map_err(|e| Failure::Internal(AccountError::Session(e.to_string())))?;
    let Some(user) = user else {
        accounts.login_failures.record(&ip_key);
        if let Some(key) = &account_key {
            accounts.login_failures.record(key);
        }
        tracing::info!("log-in refused");
        return Err(Failure::Refused(AuthError::Invalid));
    };
    start_session(auth, &user).await?;
    if let Some(key) = &account_key {
        accounts.login_failures.clear(key);
    }
    tracing::info!(user_id = user.id, "logged in");
    Ok(())
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

/// Mails a reset link when the address has an account; the answer and its timing are
/// the same either way (the lookup and mail run in the background).
#[tracing::instrument(skip_all)]
pub async fn request_reset(accounts: &Backend, ip: IpAddr, email: &str) -> Outcome {
    limited(accounts.mail_requests.hit(&format!("ip:{ip}")))?;
    let email = EmailAddress::parse(email).map_err(|_| Failure::Refused(AuthError::BadEmail))?;
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
/// which ends every session opened with the old password.
#[tracing::instrument(skip_all)]
pub async fn reset_password(accounts: &Backend, token: &str, password: String) -> Outcome {
    if !password::acceptable(&password) {
        return Err(Failure::Refused(AuthError::PasswordLength));
    }
    let user_id = use_token(accounts, token, Purpose::ResetPassword).await?;
    if users::by_id(&accounts.db, user_id, unverified_cutoff())
        .await?
        .is_none()
    {
        return Err(Failure::Refused(AuthError::TokenExpired));
    }
    let hash = password::hash(password).await?;
    users::set_password_hash(&accounts.db, user_id, &hash).await?;
    token_rows::retire_all(&accounts.db, user_id, Purpose::ResetPassword, now()).await?;
    // The link reached the inbox, which proves the address too; the password is now the
    // mailbox owner's own, so the verification links can go.
    users::mark_verified(&accounts.db, user_id, now(), unverified_cutoff()).await?;
    token_rows::retire_all(&accounts.db, user_id, Purpose::VerifyEmail, now()).await?;
    tracing::info!(user_id, "password reset");
    Ok(())
}

/// Mails a fresh verification link to a signed-in user whose address is unverified.
#[tracing::instrument(skip_all)]
pub async fn resend_verification(accounts: &Backend, ip: IpAddr, user: &User) -> Outcome {
    limited(accounts.mail_requests.hit(&format!("ip:{ip}")))?;
    if user.email_verified {
        return Ok(());
    }
    send_link(accounts, user.id, &user.email, Purpose::VerifyEmail).await
}

async fn use_token(accounts: &Backend, token: &str, purpose: Purpose) -> Result<i64, Failure> {
    let hash = tokens::hash(token).ok_or(Failure::Refused(AuthError::TokenInvalid))?;
    let used = token_rows::consume(&accounts.db, &hash, purpose, now()).await?;
    used.map_err(refused_token)
}

fn refused_token(why: Unusable) -> Failure {
    tracing::info!(reason = ?why, "token unusable");
    Failure::Refused(match why {
        Unusable::Unknown => AuthError::TokenInvalid,
        Unusable::Used => AuthError::TokenUsed,
        Unusable::Expired => AuthError::TokenExpired,
    })
}

/// Tells the owner of `to` that someone tried to sign up with it, and what to do.
async fn send_taken_notice(accounts: &Backend, to: &EmailAddress) -> Outcome {
    let origin = accounts.settings.public_origin();
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

async fn send_link(
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
    let link = format!(
        "{}/{path}?token={}",
        accounts.settings.public_origin(),
        new.token
    );
    let body = format!(
        "Hello,\r\n\r\n{intro}\r\n\r\n{link}\r\n\r\nIf you did not ask for this, ignore this message.\r\n"
    );
    accounts.mailer.send(to.as_str(), subject, body).await?;
    Ok(())
}
