//! Account settings: mail delivery, sessions and abuse limits. Part of `Settings`.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use crate::server::settings::{SettingsError, Source, flag, number};

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
    /// Reads the account variables; `data_dir` places the default outbox.
    pub fn from_source(src: &dyn Source, data_dir: &Path) -> Result<Self, SettingsError> {
        let smtp_url = match src.get("SMTP_URL") {
            Some(raw) => Some(parse_smtp_url(raw)?),
            None => None,
        };
        let outbox_dir = src
            .get("MAIL_OUTBOX_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("outbox"));
        let mail_from = src
            .get("MAIL_FROM")
            .unwrap_or_else(|| "Paddock <no-reply@paddock.invalid>".into());
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(SettingsError::new(
                "MAIL_FROM",
                "must be an address, e.g. Paddock <billing@example.com>",
            ));
        }
        Ok(Self {
            smtp_url,
            outbox_dir,
            mail_from,
            session_inactivity_days: number(src, "SESSION_INACTIVITY_DAYS", 14, 1, 3650)?,
            login_failures_per_window: number(src, "LOGIN_FAILURES_PER_WINDOW", 10, 1, 100_000)?,
            login_failure_window_secs: number(src, "LOGIN_FAILURE_WINDOW_SECS", 900, 1, 86_400)?,
            signups_per_hour: number(src, "SIGNUPS_PER_HOUR", 30, 1, 100_000)?,
            mails_per_address_per_hour: number(src, "MAILS_PER_ADDRESS_PER_HOUR", 5, 1, 100_000)?,
            portal_mints_per_minute: number(src, "PORTAL_MINTS_PER_MINUTE", 10, 1, 100_000)?,
            trust_forwarded_for: flag(src, "TRUST_X_FORWARDED_FOR")?,
        })
    }

    /// Local mode: no SMTP, mail lands in the outbox and `/dev/mail` shows it.
    pub fn local_mail(&self) -> bool {
        self.smtp_url.is_none()
    }
}

fn parse_smtp_url(raw: String) -> Result<SecretString, SettingsError> {
    const VAR: &str = "SMTP_URL";
    if !(raw.starts_with("smtp://") || raw.starts_with("smtps://")) {
        return Err(SettingsError::new(
            VAR,
            "must start with smtp:// or smtps://",
        ));
    }
    // lettre's own parser; its error is not echoed, it may quote the password.
    let secret = SecretString::from(raw);
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(secret.expose_secret())
        .map_err(|_| SettingsError::new(VAR, "is not a valid SMTP URL"))?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&'static str, &'static str)]) -> Result<AccountSettings, SettingsError> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        AccountSettings::from_source(&map, Path::new("/data"))
    }

    #[test]
    fn defaults_are_local_mail_and_the_issue_limits() {
        let s = load(&[]).expect("defaults");
        assert!(s.local_mail());
        assert_eq!(s.outbox_dir, PathBuf::from("/data/outbox"));
        assert_eq!(s.session_inactivity_days, 14);
        assert_eq!(s.login_failures_per_window, 10);
        assert_eq!(s.login_failure_window_secs, 900);
        assert_eq!(s.signups_per_hour, 30);
        assert!(!s.trust_forwarded_for);
    }

    #[test]
    fn each_bad_variable_is_named_and_smtp_passwords_stay_hidden() {
        for (var, value) in [
            ("SMTP_URL", "http://user:hunter2@mail.example.com"),
            ("SESSION_INACTIVITY_DAYS", "0"),
            ("LOGIN_FAILURES_PER_WINDOW", "many"),
            ("LOGIN_FAILURE_WINDOW_SECS", "-5"),
            ("SIGNUPS_PER_HOUR", ""),
            ("TRUST_X_FORWARDED_FOR", "maybe"),
            ("MAIL_FROM", "not an address"),
        ] {
            match load(&[(var, value)]) {
                Err(e) => {
                    assert_eq!(e.var, var);
                    assert!(!e.to_string().contains("hunter2"));
                }
                // An empty value counts as unset.
                Ok(_) => assert_eq!(value, "", "{var}={value} accepted"),
            }
        }
        let s = load(&[("SMTP_URL", "smtps://u:hunter2@smtp.example.com:465")]).expect("ok");
        assert!(!s.local_mail());
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
