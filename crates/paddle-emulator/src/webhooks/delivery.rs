//! One notification's attempts: sign, post, back off, try again.

use std::time::Duration;

use axum::body::Bytes;
use paddle::webhook::{SIGNATURE_HEADER, sign};
use reqwest::header::CONTENT_TYPE;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::log::DeliveryLog;
use crate::config::{RetryPolicy, WebhookDestination};

/// A notification waiting to be delivered.
pub(super) struct Job {
    /// Its entry in the delivery log.
    pub(super) seq: u64,
    pub(super) destination: WebhookDestination,
    /// The same bytes on every attempt; only the signature's timestamp changes.
    pub(super) body: Bytes,
    /// Wait before the first attempt (chaos only).
    pub(super) first_delay: Duration,
}

/// What one attempt got.
enum Outcome {
    Status(u16),
    Timeout,
    Connect,
}

impl Job {
    /// Attempts delivery until a 2xx answer, the last attempt, or `cancel`.
    #[tracing::instrument(name = "webhook.deliver", skip_all, fields(seq = self.seq))]
    pub(super) async fn run(
        self,
        http: &reqwest::Client,
        retry: RetryPolicy,
        log: &DeliveryLog,
        cancel: &CancellationToken,
    ) {
        if !self.first_delay.is_zero() && !pause(cancel, self.first_delay).await {
            return;
        }
        let attempts = retry.max_attempts.max(1);
        for attempt in 1..=attempts {
            let outcome = tokio::select! {
                () = cancel.cancelled() => return,
                outcome = self.attempt(http, retry.attempt_timeout) => outcome,
            };
            let delivered = matches!(outcome, Outcome::Status(s) if (200..300).contains(&s));
            log.update(self.seq, |entry| {
                entry.attempts = attempt;
                (entry.last_status, entry.last_error) = match outcome {
                    Outcome::Status(status) => (Some(status), None),
                    Outcome::Timeout => (None, Some("timeout")),
                    Outcome::Connect => (None, Some("connect")),
                };
                entry.delivered = delivered;
            });
            if delivered {
                tracing::debug!(attempt, "webhook delivered");
                return;
            }
            if attempt == attempts {
                tracing::warn!(attempt, "webhook delivery gave up");
                return;
            }
            if !pause(cancel, retry.delay_after(attempt)).await {
                return;
            }
        }
    }

    async fn attempt(&self, http: &reqwest::Client, timeout: Duration) -> Outcome {
        let ts = OffsetDateTime::now_utc().unix_timestamp();
        let signature = sign(&self.destination.secret, ts, &self.body);
        let sent = http
            .post(self.destination.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .timeout(timeout)
            .body(self.body.clone())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) => return failure(&err),
        };
        let status = response.status().as_u16();
        // Read the answer so the connection can be reused; its content does not matter.
        match response.bytes().await {
            Ok(_) => Outcome::Status(status),
            Err(err) => failure(&err),
        }
    }
}

fn failure(err: &reqwest::Error) -> Outcome {
    if err.is_timeout() {
        Outcome::Timeout
    } else {
        Outcome::Connect
    }
}

/// Sleeps for `delay`; `false` if cancelled first.
async fn pause(cancel: &CancellationToken, delay: Duration) -> bool {
    tokio::select! {
        () = cancel.cancelled() => false,
        () = tokio::time::sleep(delay) => true,
    }
}
