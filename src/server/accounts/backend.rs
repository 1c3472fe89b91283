//! The axum-login backend: users from the database, passwords checked with argon2id.

use std::sync::Arc;
use std::time::Duration;

use axum_login::{AuthUser, AuthnBackend, UserId};

use crate::server::accounts::email::EmailAddress;
use crate::server::accounts::limits::Limiter;
use crate::server::accounts::mail::{MailError, Mailer};
use crate::server::accounts::password::{self, HashTaskFailed};
use crate::server::db::{Database, users};
use crate::server::settings::Settings;

/// The session's handle on accounts.
pub type AuthSession = axum_login::AuthSession<Backend>;

/// A signed-in user. The hash stays on the server: `Debug` redacts it and nothing
/// sent to the browser is built from this type directly.
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub email: EmailAddress,
    pub email_verified: bool,
    /// What a session is bound to: the password hash and the verification time, so a
    /// new password *or* the verification ends every session opened before it.
    session_auth: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("email_verified", &self.email_verified)
            .field("session_auth", &"[redacted]")
            .finish()
    }
}

impl From<users::UserRow> for User {
    fn from(row: users::UserRow) -> Self {
        let verified_at = row
            .email_verified_at
            .map_or_else(String::new, |t| t.to_string());
        Self {
            id: row.id,
            email: EmailAddress::from_stored(row.email),
            email_verified: row.email_verified_at.is_some(),
            session_auth: format!("{}|verified:{verified_at}", row.password_hash),
        }
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Derived from the password hash and the verification time: a new password (new
    /// salt) or the address's verification ends every session opened before it.
    fn session_auth_hash(&self) -> &[u8] {
        self.session_auth.as_bytes()
    }
}

/// What a log-in form submits, already parsed.
#[derive(Clone)]
pub struct Credentials {
    pub email: EmailAddress,
    pub password: String,
}

/// Something below the accounts logic failed; logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Hash(#[from] HashTaskFailed),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
    #[error("session: {0}")]
    Session(String),
}

/// Everything the account use-cases need, shared by every request.
pub struct Accounts {
    pub db: Database,
    pub settings: Arc<Settings>,
    pub mailer: Mailer,
    /// Failed log-ins per client IP and per account.
    pub login_failures: Limiter,
    /// Sign-ups and mail-sending requests per client IP.
    pub mail_requests: Limiter,
    /// Portal sessions and links minted per user.
    pub portal_mints: Limiter,
}

/// The axum-login backend; cheap to clone.
#[derive(Clone)]
pub struct Backend(Arc<Accounts>);

impl Backend {
    pub fn new(db: Database, settings: Arc<Settings>) -> Self {
        let config = &settings.accounts;
        let mailer = Mailer::from_settings(config).unwrap_or_else(|e| {
            tracing::error!(error = %e, "mail is disabled");
            Mailer::Disabled
        });
        let login_failures = Limiter::new(
            config.login_failures_per_window,
            Duration::from_secs(config.login_failure_window_secs),
        );
        let mail_requests = Limiter::new(config.signups_per_hour, Duration::from_secs(3600));
        let portal_mints = Limiter::new(config.portal_mints_per_minute, Duration::from_secs(60));
        Self(Arc::new(Accounts {
            db,
            settings,
            mailer,
            login_failures,
            mail_requests,
            portal_mints,
        }))
    }
}

impl std::ops::Deref for Backend {
    type Target = Accounts;
    fn deref(&self) -> &Accounts {
        &self.0
    }
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = AccountError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, AccountError> {
        let cutoff = super::unverified_cutoff();
        let row = users::by_email(&self.db, creds.email.as_str(), cutoff).await?;
        let hash = row.as_ref().map(|r| r.password_hash.clone());
        let matches = password::verify(creds.password, hash).await?;
        Ok(row.filter(|_| matches).map(User::from))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, AccountError> {
        let cutoff = super::unverified_cutoff();
        Ok(users::by_id(&self.db, *id, cutoff).await?.map(User::from))
    }
}
