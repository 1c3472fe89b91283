//! The axum-login backend: users from the database, passwords checked with argon2id.

use std::sync::Arc;
use std::time::Duration;

use axum_login::{AuthUser, AuthnBackend, UserId};
use sha2::{Digest, Sha256};

use crate::server::accounts::config::AccountSettings;
use crate::server::accounts::email::EmailAddress;
use crate::server::accounts::mail::{MailError, Mailer};
use crate::server::accounts::password::{Admission, HashError, Hasher};
use crate::server::accounts::user_loads::UserLoader;
use crate::server::db::{Database, users};
use crate::server::limits::{Limits, Rule};

/// The session's handle on accounts.
pub type AuthSession = axum_login::AuthSession<Backend>;

/// A signed-in user. The hash stays on the server: `Debug` redacts it and nothing
/// sent to the browser is built from this type directly.
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub email: EmailAddress,
    pub email_verified: bool,
    /// What a session is bound to: a SHA-256 of the password hash and the verification
    /// time, so a new password *or* the verification ends every session opened before it.
    /// A digest, so that no session record (the sessions table, every request's load)
    /// holds a copy of the password hash: the hash's salt makes it unguessable.
    session_auth: [u8; 32],
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
            session_auth: Sha256::digest(format!("{}|verified:{verified_at}", row.password_hash))
                .into(),
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
        &self.session_auth
    }
}

/// What a log-in form submits, already parsed, with its place in the password hasher
/// (taken before, so a saturated hasher is answered without reaching axum-login).
pub struct Credentials {
    pub email: EmailAddress,
    pub password: String,
    pub admission: Admission,
}

/// Something below the accounts logic failed; logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error("mail: {0}")]
    Mail(#[from] MailError),
    #[error("session: {0}")]
    Session(String),
}

/// The abuse limits of accounts, as configured.
#[derive(Clone, Copy, Debug)]
pub struct AccountRules {
    /// Log-in attempts (and verification passwords) per client IP and per account; a
    /// success gives its slot back.
    pub login: Rule,
    /// Requests that send mail (sign-up, reset, resend) per client IP.
    pub mail_per_ip: Rule,
    /// Reset and verification mail to one address, whoever asks and from wherever.
    pub mail_per_recipient: Rule,
    /// Sign-ups with one address, whoever asks and from wherever: each mails it (a
    /// verification link, or a notice to the account's owner). Counted apart from
    /// `mail_per_recipient`, so that sign-ups in someone's name (notices, which carry no
    /// link) cannot use up the reset links the owner asks for.
    pub signups_per_recipient: Rule,
}

impl AccountRules {
    pub fn from_settings(config: &AccountSettings) -> Self {
        let hour = Duration::from_secs(3600);
        Self {
            login: Rule::new(
                "login",
                config.login_failures_per_window,
                Duration::from_secs(config.login_failure_window_secs),
            ),
            mail_per_ip: Rule::new("mail-ip", config.signups_per_hour, hour),
            mail_per_recipient: Rule::new("mail-to", config.mails_per_address_per_hour, hour),
            signups_per_recipient: Rule::new("signup-to", config.mails_per_address_per_hour, hour),
        }
    }
}

/// Everything the account use-cases need, shared by every request.
pub struct Accounts {
    pub db: Database,
    /// Mail, sessions and limits, as configured.
    pub config: AccountSettings,
    /// `PUBLIC_URL`'s origin, which mailed links start with.
    pub public_origin: String,
    pub mailer: Mailer,
    /// Where limit counts live (shared with billing's mint limit).
    pub limits: Limits,
    pub rules: AccountRules,
    /// Password hashing, bounded to the cores.
    pub hasher: Hasher,
    /// The user of each signed-in request, batched with those of concurrent requests.
    loads: UserLoader,
}

/// The axum-login backend; cheap to clone.
#[derive(Clone)]
pub struct Backend(Arc<Accounts>);

impl Backend {
    pub fn new(
        db: Database,
        config: AccountSettings,
        public_origin: String,
        limits: Limits,
    ) -> Self {
        let mailer = Mailer::from_settings(&config).unwrap_or_else(|e| {
            tracing::error!(error = %e, "mail is disabled");
            Mailer::Disabled
        });
        let rules = AccountRules::from_settings(&config);
        let loads = UserLoader::for_database(&db);
        Self(Arc::new(Accounts {
            db,
            config,
            public_origin,
            mailer,
            limits,
            rules,
            hasher: Hasher::for_this_machine(),
            loads,
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
        let matches = self
            .hasher
            .verify(creds.admission, creds.password, hash)
            .await?;
        Ok(row.filter(|_| matches).map(User::from))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, AccountError> {
        Ok(self.loads.submit(*id).await?.map(User::from))
    }
}
