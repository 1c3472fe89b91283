//! Outgoing mail: SMTP when `SMTP_URL` is set, otherwise one `.eml` file per message
//! in the outbox folder (local mode, listed at `/dev/mail`).

use std::path::{Path, PathBuf};

use axum::http::header;
use axum::http::request::Parts;
use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::app::pages::dev_mail::MailSummary;
use crate::server::accounts::config::AccountSettings;
use crate::server::settings::Settings;

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
    /// `SMTP_URL` or `MAIL_FROM` could not be used: every send fails (and is logged).
    Disabled,
}

/// A message that could not be built or delivered; details are logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not deliver the message: {0}")]
    Deliver(String),
    #[error("SMTP_URL was rejected at start-up")]
    Config,
}

impl Mailer {
    /// Builds the transport once; the SMTP pool connects on first use.
    pub fn from_settings(settings: &AccountSettings) -> Result<Self, MailError> {
        let from: Mailbox = settings.mail_from.parse().map_err(|_| MailError::Config)?;
        match &settings.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|_| MailError::Config)?
                    .build();
                Ok(Self::Smtp { transport, from })
            }
            None => Ok(Self::Outbox {
                dir: settings.outbox_dir.clone(),
                from,
            }),
        }
    }

    /// Sends a plain-text message. The body is never logged: it holds a one-time link.
    #[tracing::instrument(skip_all, fields(subject))]
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let from = match self {
            Self::Smtp { from, .. } | Self::Outbox { from, .. } => from.clone(),
            Self::Disabled => return Err(MailError::Config),
        };
        let to: Mailbox = to
            .parse()
            .map_err(|_| MailError::Build("bad recipient".into()))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Build(e.to_string()))?;
        match self {
            Self::Smtp { transport, .. } => {
                transport
                    .send(message)
                    .await
                    .map_err(|e| MailError::Deliver(e.to_string()))?;
                tracing::info!("mail sent over SMTP");
            }
            Self::Outbox { dir, .. } => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::Deliver(format!("outbox folder: {e}")))?;
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| MailError::Deliver(e.to_string()))?;
                let path = dir.join(format!("{id}.eml"));
                tracing::info!(path = %path.display(), "mail written to the outbox");
            }
            Self::Disabled => return Err(MailError::Config),
        }
        Ok(())
    }
}

/// Whether the outbox may be shown to the request `parts`: the client is this machine
/// (loopback; behind a trusted proxy, the address it forwards) and it names the app by its
/// `PUBLIC_URL` host (a page elsewhere that rebinds its own name to 127.0.0.1 cannot read
/// it). The outbox holds every verification and reset link: anyone who reads it can take
/// over any account.
pub fn outbox_visible(parts: &Parts, settings: &Settings) -> bool {
    let trust = settings.accounts.trust_forwarded_for;
    let local = super::web::client_ip(parts, trust).is_loopback();
    let url = &settings.public_url;
    let expected = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return false,
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    local && host.is_some_and(|h| h.eq_ignore_ascii_case(&expected))
}

/// The outbox, newest first, with each message's first link into the app.
pub async fn list_outbox(dir: &Path, origin: &str) -> Vec<MailSummary> {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return Vec::new();
    };
    let mut found = Vec::new();
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let modified = match entry.metadata().await.and_then(|m| m.modified()) {
            Ok(t) => t,
            Err(_) => continue,
        };
        if let Ok(raw) = tokio::fs::read_to_string(&path).await {
            found.push((modified, summarize(&raw, origin)));
        }
    }
    found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    found.into_iter().map(|(_, summary)| summary).collect()
}

fn summarize(raw: &str, origin: &str) -> MailSummary {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            .unwrap_or_default()
    };
    let qp = head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable");
    let body = if qp {
        decode_quoted_printable(body)
    } else {
        body.to_owned()
    };
    let link = body
        .split_whitespace()
        .find(|w| w.starts_with(origin))
        .map(str::to_owned);
    MailSummary {
        to: header("To:"),
        subject: header("Subject:"),
        sent_at: header("Date:"),
        link,
    }
}

/// Lines over 76 characters (a link) make lettre pick quoted-printable: undo it.
fn decode_quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_finds_headers_and_the_link() {
        let raw = "From: a@b.example\r\nTo: ada@example.com\r\nSubject: Verify\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\nOpen\r\nhttp://127.0.0.1:3000/verify-email?token=abc\r\n";
        let s = summarize(raw, "http://127.0.0.1:3000");
        assert_eq!(s.to, "ada@example.com");
        assert_eq!(s.subject, "Verify");
        assert!(s.sent_at.contains("2026"));
        assert_eq!(
            s.link.as_deref(),
            Some("http://127.0.0.1:3000/verify-email?token=abc")
        );
    }

    #[test]
    fn quoted_printable_links_are_decoded() {
        let raw = "To: a@example.com\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhttp://x.example/verify-email?token=3D=\r\nabc_-\r\n";
        let s = summarize(raw, "http://x.example");
        assert_eq!(
            s.link.as_deref(),
            Some("http://x.example/verify-email?token=abc_-")
        );
    }
}
