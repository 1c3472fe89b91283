//! Portal helpers: an app with extra settings, a verified user with a Paddle customer,
//! the portal endpoints as the island calls them, the emulator's call log.

use std::time::Duration;

use paddock::server::db::mirror;
use serde_json::Value;

use super::TestApp;
use super::accounts::{Browser, PASSWORD, log_in, verified_user};
use super::emulator::eventually;

/// A verified, logged-in user with a Paddle customer and one active subscription, both
/// in the mirror: `(browser, customer_id, subscription_id)`.
pub async fn subscriber<'a>(app: &'a TestApp, email: &str) -> (Browser<'a>, String, String) {
    verified_user(app, email).await;
    let (customer, sub) = app.emulator_checkout(email).await;
    wait_for_subscription(app, &customer, &sub).await;
    (log_in(app, email, PASSWORD).await, customer, sub)
}

/// Waits until the mirror holds subscription `sub` of `customer`.
pub async fn wait_for_subscription(app: &TestApp, customer: &str, sub: &str) {
    eventually(
        "the subscription reaches the mirror",
        Duration::from_secs(5),
        || async {
            let subs = mirror::subscriptions_for(&app.db, customer).await.ok()?;
            let known = mirror::customer_by_id(&app.db, customer).await.ok()??;
            subs.iter().any(|s| s.id == sub).then_some(known)
        },
    )
    .await;
}

/// `POST /api/portal/session`: `(status, JSON body)`.
pub async fn portal_session(b: &mut Browser<'_>) -> (u16, Value) {
    answer(b.post("/api/portal/session", &[]).await).await
}

/// `POST /api/portal/link`: `(status, JSON body)`.
pub async fn portal_link(b: &mut Browser<'_>, sub: &str, action: &str) -> (u16, Value) {
    let form = [("subscription_id", sub), ("action", action)];
    answer(b.post("/api/portal/link", &form).await).await
}

async fn answer(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The emulator's API call log (method, path, status), oldest first.
pub async fn calls(app: &TestApp) -> Vec<Value> {
    let res = app
        .client
        .get(app.emulator_url("/_emulator/calls"))
        .send()
        .await
        .expect("emulator answers");
    let body: Value = res.json().await.expect("json");
    body.as_array().cloned().unwrap_or_default()
}

/// How many portal sessions the emulator was asked to mint.
pub async fn portal_calls(app: &TestApp) -> usize {
    calls(app)
        .await
        .iter()
        .filter(|c| {
            c["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("/portal-sessions"))
        })
        .count()
}
