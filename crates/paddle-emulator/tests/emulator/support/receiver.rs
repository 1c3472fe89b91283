//! A webhook destination on 127.0.0.1:0 that can fail the first attempts on purpose
//! and records every delivery with its signature check.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use paddle::webhook::verify;
use secrecy::SecretString;
use serde_json::Value;
use url::Url;

/// The secret test destinations sign with.
pub const SECRET: &str = "pdl_ntfset_01testreceiver00000000000000_TestSecretTestSecret1";

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub body: Value,
    pub raw: Bytes,
    /// `paddle::webhook::verify` accepted the signature over the raw body.
    pub verified: bool,
    /// What the receiver answered.
    pub answered: u16,
    /// How the body violates its event's schema in Paddle's spec (empty: valid).
    pub violations: Vec<String>,
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    attempts: HashMap<String, u32>,
}

/// A running receiver.
#[derive(Clone)]
pub struct Receiver {
    pub url: Url,
    inner: Arc<Mutex<Inner>>,
}

/// Starts a receiver that answers 500 to the first `fail_first` attempts of each
/// notification, then 200.
pub async fn start(fail_first: u32) -> Receiver {
    let inner = Arc::new(Mutex::new(Inner::default()));
    let state = inner.clone();
    let handler = move |headers: HeaderMap, raw: Bytes| {
        let state = state.clone();
        async move {
            let signature = headers
                .get("paddle-signature")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            let secrets = [SecretString::from(SECRET)];
            let window = Duration::from_secs(5);
            let verified = verify(signature, &raw, &secrets, now, window, window).is_ok();
            let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
            let pointer = super::schema::event_pointer(&body);
            let violations = if super::schema::spec().pointer(&pointer).is_some() {
                super::schema::violations(&pointer, &body)
            } else {
                vec![format!("no schema for {pointer}")]
            };
            let key = body["notification_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let mut inner = state.lock().unwrap();
            let seen = inner.attempts.entry(key).or_default();
            *seen += 1;
            let status = if *seen <= fail_first {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            };
            inner.received.push(Received {
                body,
                raw,
                verified,
                answered: status.as_u16(),
                violations,
            });
            status
        }
    };
    let router = axum::Router::new().route("/webhooks", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Receiver {
        url: Url::parse(&format!("http://{addr}/webhooks")).unwrap(),
        inner,
    }
}

impl Receiver {
    /// Everything received so far; panics if any body broke its event's schema.
    pub fn all(&self) -> Vec<Received> {
        let received = self.inner.lock().unwrap().received.clone();
        for delivery in &received {
            assert!(
                delivery.violations.is_empty(),
                "webhook body does not match the spec:\n{}\n{:#}",
                delivery.violations.join("\n"),
                delivery.body
            );
        }
        received
    }

    /// Bodies of the deliveries answered 2xx.
    pub fn accepted(&self) -> Vec<Value> {
        self.all()
            .into_iter()
            .filter(|r| r.answered == 200)
            .map(|r| r.body)
            .collect()
    }

    /// Accepted bodies of `event_type`.
    pub fn of_type(&self, event_type: &str) -> Vec<Value> {
        self.accepted()
            .into_iter()
            .filter(|b| b["event_type"] == event_type)
            .collect()
    }

    /// Waits until exactly `count` deliveries were accepted (a little longer, so extra
    /// ones would show), then returns their event types in `occurred_at` order, as a
    /// receiver must order them. Also checks every signature: its `ts` is real time
    /// while `occurred_at` follows the emulator's clock.
    pub async fn sequence(&self, count: usize) -> Vec<String> {
        self.wait_accepted(count).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            self.all().iter().all(|r| r.verified),
            "every signature verifies now"
        );
        let types: Vec<String> = self
            .in_order()
            .iter()
            .map(|b| b["event_type"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(types.len(), count, "exactly {count} deliveries: {types:?}");
        types
    }

    /// Accepted bodies in `occurred_at` order.
    pub fn in_order(&self) -> Vec<Value> {
        let mut accepted = self.accepted();
        accepted.sort_by(|a, b| a["occurred_at"].as_str().cmp(&b["occurred_at"].as_str()));
        accepted
    }

    /// Waits until `count` deliveries were accepted, then returns them.
    pub async fn wait_accepted(&self, count: usize) -> Vec<Value> {
        super::eventually(&format!("{count} accepted deliveries"), || async {
            let accepted = self.accepted();
            (accepted.len() >= count).then_some(accepted)
        })
        .await
    }
}
