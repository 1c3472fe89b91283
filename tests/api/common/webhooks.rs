//! Webhook fixtures: Paddle's own examples from the OpenAPI spec, and envelopes to send.

use std::sync::OnceLock;

use paddock::server::db::Database;
use paddock::server::db::mirror::{self, CustomerRow, SubscriptionRow};
use paddock::server::webhooks::apply::{Received, decode};
use secrecy::SecretString;
use serde_json::{Value, json};

use super::TestApp;

/// Two instants a microsecond apart, in Paddle's `occurred_at` format.
pub const T1: &str = "2024-04-12T10:00:00.000001Z";
pub const T2: &str = "2024-04-12T10:00:00.000002Z";

impl TestApp {
    /// Posts the event `body`, signed with the app's own secret; returns the status.
    pub async fn post_event(&self, body: &Value) -> u16 {
        self.post_webhook(&bytes(body), &self.webhook_secret)
            .await
            .status()
            .as_u16()
    }

    /// Posts `body` to `/webhooks/paddle`, signed now with `secret`.
    pub async fn post_webhook(&self, body: &[u8], secret: &SecretString) -> reqwest::Response {
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.post_webhook_signed(body, &paddle::webhook::sign(secret, ts, body))
            .await
    }

    /// Posts `body` to `/webhooks/paddle` with this exact `Paddle-Signature` header.
    pub async fn post_webhook_signed(&self, body: &[u8], signature: &str) -> reqwest::Response {
        self.client
            .post(self.url("/webhooks/paddle"))
            .header("content-type", "application/json")
            .header(paddle::webhook::SIGNATURE_HEADER, signature)
            .body(body.to_vec())
            .send()
            .await
            .expect("request reaches the app")
    }
}

/// The spec in `shared/`, parsed once per test binary (1.5 MB of YAML).
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/paddle-openapi/openapi.yaml"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        serde_yaml_ng::from_str(&text).expect("the spec is YAML")
    })
}

/// The example body of webhook `event_type`, following its `$ref` into `components/examples`.
pub fn example(event_type: &str) -> Value {
    let spec = spec();
    let examples = &spec["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]
        ["examples"];
    let first = examples
        .as_object()
        .and_then(|o| o.values().next())
        .unwrap_or_else(|| panic!("no example for {event_type}"));
    let pointer = first["$ref"]
        .as_str()
        .expect("$ref")
        .trim_start_matches('#');
    spec.pointer(pointer).expect("example exists")["value"].clone()
}

/// A fresh id with Paddle's shape: `prefix_` and 26 characters of `[a-z0-9]`.
pub fn fresh_id(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!(
        "{prefix}_{:026}",
        u64::from(std::process::id()) * 1_000_000 + n
    )
}

/// An envelope around `data`.
pub fn envelope(event_type: &str, event_id: &str, occurred_at: &str, data: Value) -> Value {
    json!({
        "event_id": event_id,
        "event_type": event_type,
        "occurred_at": occurred_at,
        "notification_id": fresh_id("ntf"),
        "data": data,
    })
}

/// Serialises an envelope to the bytes a handler receives.
pub fn bytes(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).expect("json")
}

/// An envelope decoded as the route decodes a verified body (received at a fixed time).
pub fn received(body: &Value) -> Received {
    decode(&bytes(body), 1_700_000_000).expect("a readable event")
}

/// The spec's example customer, with this id and email.
pub fn customer_data(id: &str, email: &str) -> Value {
    let mut data = example("customer.created")["data"].clone();
    data["id"] = json!(id);
    data["email"] = json!(email);
    data
}

/// The spec's example subscription, with this id, customer and status.
pub fn subscription_data(id: &str, customer_id: &str, status: &str) -> Value {
    let mut data = example("subscription.created")["data"].clone();
    data["id"] = json!(id);
    data["customer_id"] = json!(customer_id);
    data["status"] = json!(status);
    data
}

pub async fn customer(db: &Database, id: &str) -> Option<CustomerRow> {
    mirror::customer_by_id(db, id).await.expect("query")
}

pub async fn subscriptions(db: &Database, customer_id: &str) -> Vec<SubscriptionRow> {
    mirror::subscriptions_for(db, customer_id)
        .await
        .expect("query")
}

pub async fn event_count(db: &Database) -> i64 {
    paddock::server::db::events::count(db).await.expect("query")
}
