//! Account settings: mail delivery, sessions and abuse limits. Part of `Settings`, which
//! reads and checks them at start-up and hands them down typed.

use std::path::PathBuf;

use secrecy::SecretString;

/// How accounts behave; every limit is a setting.
#[derive(Clone)]
pub struct AccountSettings {
    /// `smtps://user:pass@host:465` sends real mail; without it mail goes to the outbox.
    pub smtp_url: Option<SecretString>,
    /// Where local mode writes one `.eml` file per message.
    pub outbox_dir: PathBuf,
    /// The `From:` of every message.
    pub mail_from: String,
    pub session_inactivity_days: i64,
    pub login_failures_per_window: u32,
    pub login_failure_window_secs: u64,
    /// Sign-ups, password-reset and verification mails per client IP and hour.
    pub signups_per_hour: u32,
    /// Mails to one address per hour, from any number of clients.
    pub mails_per_address_per_hour: u32,
    /// Portal sessions and links a user may mint per minute (`PORTAL_MINTS_PER_MINUTE`).
    pub portal_mints_per_minute: u32,
    /// Take the client IP from the last `X-Forwarded-For` entry (only behind a proxy).
    pub trust_forwarded_for: bool,
}

impl std::fmt::Debug for AccountSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSettings")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "[redacted]"))
            .field("outbox_dir", &self.outbox_dir)
            .field("mail_from", &self.mail_from)
            .field("session_inactivity_days", &self.session_inactivity_days)
            .field("login_failures_per_window", &self.login_failures_per_window)
            .field("login_failure_window_secs", &self.login_failure_window_secs)
            .field("signups_per_hour", &self.signups_per_hour)
            .field(
                "mails_per_address_per_hour",
                &self.mails_per_address_per_hour,
            )
            .field("portal_mints_per_minute", &self.portal_mints_per_minute)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .finish()
    }
}

impl AccountSettings {
    /// Local mode: no SMTP, mail lands in the outbox and `/dev/mail` shows it.
    pub fn local_mail(&self) -> bool {
        self.smtp_url.is_none()
    }
}
