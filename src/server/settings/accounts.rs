//! Accounts: mail delivery, sessions and abuse limits.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::parse::{Parsed, flag, whole};
use crate::server::accounts::config::AccountSettings;

/// The accounts' variables.
#[derive(Clone, Debug, clap::Args)]
#[command(next_help_heading = "Accounts and mail")]
pub struct AccountArgs {
    /// smtps://user:pass@host:465 (or smtp://) sends real mail (unset: the local outbox)
    #[arg(long, env = "SMTP_URL", hide_env_values = true, value_parser = smtp_url)]
    pub smtp_url: Option<SecretString>,
    /// Local mail: where the .eml files go (unset: $PADDOCK_DATA_DIR/outbox)
    #[arg(long, env = "MAIL_OUTBOX_DIR")]
    pub mail_outbox_dir: Option<PathBuf>,
    /// The From: of every message
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Paddock <no-reply@paddock.invalid>"
    )]
    #[arg(value_parser = mailbox)]
    pub mail_from: String,
    /// A session ends after this many days without a request
    #[arg(long, env = "SESSION_INACTIVITY_DAYS", default_value = "14")]
    #[arg(value_parser = whole(1i64, 3650))]
    pub session_inactivity_days: i64,
    /// Failed log-ins allowed per client IP and per account within the window
    #[arg(long, env = "LOGIN_FAILURES_PER_WINDOW", default_value = "10")]
    #[arg(value_parser = whole(1u32, 100_000))]
    pub login_failures_per_window: u32,
    /// The window of LOGIN_FAILURES_PER_WINDOW, in seconds
    #[arg(long, env = "LOGIN_FAILURE_WINDOW_SECS", default_value = "900")]
    #[arg(value_parser = whole(1u64, 86_400))]
    pub login_failure_window_secs: u64,
    /// Sign-ups, reset requests and verification resends per client IP and hour
    #[arg(long, env = "SIGNUPS_PER_HOUR", default_value = "30")]
    #[arg(value_parser = whole(1u32, 100_000))]
    pub signups_per_hour: u32,
    /// Reset and resend mails to one address per hour, from any number of clients (and as
    /// many sign-ups with it, counted apart)
    #[arg(long, env = "MAILS_PER_ADDRESS_PER_HOUR", default_value = "5")]
    #[arg(value_parser = whole(1u32, 100_000))]
    pub mails_per_address_per_hour: u32,
    /// Portal sessions and links a signed-in user may mint per minute
    #[arg(long, env = "PORTAL_MINTS_PER_MINUTE", default_value = "10")]
    #[arg(value_parser = whole(1u32, 100_000))]
    pub portal_mints_per_minute: u32,
    /// Behind a reverse proxy only: the client IP is the last X-Forwarded-For entry
    #[arg(long, env = "TRUST_X_FORWARDED_FOR", default_value = "false")]
    #[arg(value_parser = flag, action = clap::ArgAction::Set)]
    pub trust_x_forwarded_for: bool,
}

impl AccountArgs {
    /// The accounts' settings; `data_dir` places the default outbox.
    pub(super) fn build(self, data_dir: &Path) -> AccountSettings {
        AccountSettings {
            smtp_url: self.smtp_url,
            outbox_dir: self
                .mail_outbox_dir
                .unwrap_or_else(|| data_dir.join("outbox")),
            mail_from: self.mail_from,
            session_inactivity_days: self.session_inactivity_days,
            login_failures_per_window: self.login_failures_per_window,
            login_failure_window_secs: self.login_failure_window_secs,
            signups_per_hour: self.signups_per_hour,
            mails_per_address_per_hour: self.mails_per_address_per_hour,
            portal_mints_per_minute: self.portal_mints_per_minute,
            trust_forwarded_for: self.trust_x_forwarded_for,
        }
    }
}

fn smtp_url(raw: &str) -> Parsed<SecretString> {
    if !(raw.starts_with("smtp://") || raw.starts_with("smtps://")) {
        return Err("must start with smtp:// or smtps://".into());
    }
    // lettre's own parser; its error is not echoed, it may quote the password.
    let secret = SecretString::from(raw.to_owned());
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(secret.expose_secret())
        .map_err(|_| "is not a valid SMTP URL".to_owned())?;
    Ok(secret)
}

fn mailbox(raw: &str) -> Parsed<String> {
    match raw.parse::<lettre::message::Mailbox>() {
        Ok(_) => Ok(raw.to_owned()),
        Err(_) => Err("must be an address, e.g. Paddock <billing@example.com>".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::settings::{RawSettings, SettingsError};

    fn load(pairs: &[(&str, &str)]) -> Result<AccountSettings, SettingsError> {
        Ok(RawSettings::from_pairs(pairs)?
            .accounts
            .build(Path::new("/data")))
    }

    #[test]
    fn defaults_are_local_mail_and_the_issue_limits() {
        let s = load(&[]).expect("defaults");
        assert!(s.local_mail());
        assert_eq!(s.outbox_dir, PathBuf::from("/data/outbox"));
        assert_eq!(s.mail_from, "Paddock <no-reply@paddock.invalid>");
        assert_eq!(s.session_inactivity_days, 14);
        assert_eq!(s.login_failures_per_window, 10);
        assert_eq!(s.login_failure_window_secs, 900);
        assert_eq!(s.signups_per_hour, 30);
        assert_eq!(s.mails_per_address_per_hour, 5);
        assert_eq!(s.portal_mints_per_minute, 10);
        assert!(!s.trust_forwarded_for);
    }

    #[test]
    fn each_bad_variable_is_named_and_smtp_passwords_stay_hidden() {
        for (var, value) in [
            ("SMTP_URL", "http://user:hunter2@mail.example.com"),
            ("SESSION_INACTIVITY_DAYS", "0"),
            ("SESSION_INACTIVITY_DAYS", "3651"),
            ("LOGIN_FAILURES_PER_WINDOW", "many"),
            ("LOGIN_FAILURE_WINDOW_SECS", "-5"),
            ("SIGNUPS_PER_HOUR", ""),
            ("PORTAL_MINTS_PER_MINUTE", "0"),
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

    #[test]
    fn flags_and_numbers_read_their_values() {
        let s = load(&[
            ("TRUST_X_FORWARDED_FOR", " Yes "),
            ("SIGNUPS_PER_HOUR", " 7 "),
            ("MAIL_OUTBOX_DIR", "/srv/outbox"),
        ])
        .expect("loads");
        assert!(s.trust_forwarded_for);
        assert_eq!(s.signups_per_hour, 7);
        assert_eq!(s.outbox_dir, PathBuf::from("/srv/outbox"));
    }
}
