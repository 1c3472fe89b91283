//! `POST /webhooks/paddle` refuses what is not signed, fresh and readable, without
//! touching the database.
use std::time::{SystemTime, UNIX_EPOCH};

use crate::common::webhooks::{bytes, customer, customer_data, envelope, event_count, fresh_id};
use crate::common::{TestApp, backends, secret, spawn_app_on};
use paddle::webhook::sign;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A valid customer event and the customer id it carries.
fn customer_event() -> (Vec<u8>, String) {
    let id = fresh_id("ctm");
    let body = envelope(
        "customer.created",
        &fresh_id("evt"),
        "2024-04-12T10:18:47.635628Z",
        customer_data(&id, "ada@example.com"),
    );
    (bytes(&body), id)
}

async fn assert_untouched(app: &TestApp, customer_id: &str) {
    assert_eq!(event_count(&app.db).await, 0, "no event stored");
    assert!(
        customer(&app.db, customer_id).await.is_none(),
        "no customer"
    );
}

#[tokio::test]
async fn a_forged_signature_is_401_and_leaves_the_tables_untouched() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (body, id) = customer_event();
        let forged = secret("pdl_ntfset_01forgedforgedforgedforgedfo_attacker");
        let res = app.post_webhook(&body, &forged).await;
        assert_eq!(res.status(), 401, "{backend:?}");
        assert_untouched(&app, &id).await;

        // The same body, tampered after signing, is refused too.
        let signature = sign(&app.webhook_secret, now(), &body);
        let mut tampered = body.clone();
        tampered.extend_from_slice(b" ");
        let res = app.post_webhook_signed(&tampered, &signature).await;
        assert_eq!(res.status(), 401, "{backend:?}");
        assert_untouched(&app, &id).await;
    }
}

#[tokio::test]
async fn a_stale_or_future_timestamp_is_401() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (body, id) = customer_event();
    for ts in [now() - 60, now() + 60] {
        let signature = sign(&app.webhook_secret, ts, &body);
        let res = app.post_webhook_signed(&body, &signature).await;
        assert_eq!(res.status(), 401, "ts offset {}", ts - now());
    }
    assert_untouched(&app, &id).await;
    // Within the tolerance it is accepted: the refusals above were about time alone.
    let signature = sign(&app.webhook_secret, now() - 2, &body);
    assert_eq!(
        app.post_webhook_signed(&body, &signature).await.status(),
        200
    );
}

#[tokio::test]
async fn a_missing_or_malformed_signature_header_is_400() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (body, id) = customer_event();
    for header in ["", "ts=abc;h1=00", "h1=deadbeef", "ts=1700000000"] {
        let res = app.post_webhook_signed(&body, header).await;
        assert_eq!(res.status(), 400, "header {header:?}");
    }
    let res = app
        .client
        .post(app.url("/webhooks/paddle"))
        .body(body.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 400, "no header");
    assert_untouched(&app, &id).await;
}

#[tokio::test]
async fn bad_json_with_a_valid_signature_is_400() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    for body in [&b"{not json"[..], b"{\"event_id\": 7}", b"[]"] {
        let res = app.post_webhook(body, &app.webhook_secret).await;
        assert_eq!(res.status(), 400, "{}", String::from_utf8_lossy(body));
    }
    assert_eq!(event_count(&app.db).await, 0);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (body, _) = customer_event();
    let mut big = body.clone();
    big.truncate(body.len() - 1);
    big.extend(std::iter::repeat_n(b' ', 1024 * 1024));
    big.push(b'}');
    let res = app.post_webhook(&big, &app.webhook_secret).await;
    assert_eq!(res.status(), 413);
    assert_eq!(event_count(&app.db).await, 0);

    // Just under the limit, the same padding is fine: the limit, not the padding, refused it.
    let mut fits = body.clone();
    fits.truncate(body.len() - 1);
    fits.extend(std::iter::repeat_n(b' ', 1024 * 1024 - body.len()));
    fits.push(b'}');
    let res = app.post_webhook(&fits, &app.webhook_secret).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn webhooks_need_no_same_origin_headers() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (body, id) = customer_event();
    let res = app.post_webhook(&body, &app.webhook_secret).await;
    assert_eq!(res.status(), 200);
    assert!(customer(&app.db, &id).await.is_some());
}
