//! Local mode embeds the Paddle emulator; live mode runs none of it.
use std::time::Duration;

use crate::common::{settings, spawn_app};
use paddock::server::paddle::{self as app_paddle, PaddleMode};
use paddock::server::state::http_client;

#[tokio::test]
async fn local_mode_serves_the_emulator_and_registers_the_apps_webhook_route() {
    let app = spawn_app().await;
    let origin = app
        .emulator_origin
        .clone()
        .expect("local mode runs the emulator");

    // The emulator answers Paddle's API with its default key.
    let res = app
        .client
        .get(origin.join("/customers").expect("url"))
        .bearer_auth(paddle_emulator::DEFAULT_API_KEY)
        .send()
        .await
        .expect("emulator reachable");
    assert_eq!(res.status(), 200);

    // A checkout makes the emulator deliver to the app's own /webhooks/paddle.
    let res = app
        .client
        .post(origin.join("/_emulator/checkout").expect("url"))
        .json(&serde_json::json!({ "email": "ada@example.com" }))
        .send()
        .await
        .expect("checkout");
    assert!(res.status().is_success(), "{}", res.status());
    let expected = app.url("/webhooks/paddle");
    let deliveries = poll_deliveries(&app, &origin).await;
    assert!(
        deliveries.contains(&expected),
        "deliveries go to {expected}: {deliveries}"
    );
}

async fn poll_deliveries(app: &crate::common::TestApp, origin: &url::Url) -> String {
    for _ in 0..50 {
        let body = app
            .client
            .get(origin.join("/_emulator/deliveries").expect("url"))
            .send()
            .await
            .expect("deliveries")
            .text()
            .await
            .expect("body");
        if body.contains("/webhooks/paddle") {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    String::new()
}

#[tokio::test]
async fn emulator_state_survives_a_restart_of_the_app() {
    let dir = tempfile::tempdir().expect("temp dir");
    let http = http_client().expect("client");
    let db_url = format!("sqlite://{}/paddock.db?mode=rwc", dir.path().display());

    let s = settings(dir.path(), &db_url, &[]);
    let first = app_paddle::start(&s.paddle, &s.public_url, &http)
        .await
        .expect("starts");
    let emulator = first.emulator.expect("local mode");
    let origin = emulator.origin.clone();
    let stop = tokio_util::sync::CancellationToken::new();
    let task = emulator.spawn(stop.clone().cancelled_owned());
    let created: serde_json::Value = http
        .post(origin.join("/_emulator/checkout").expect("url"))
        .json(&serde_json::json!({ "email": "grace@example.com" }))
        .send()
        .await
        .expect("checkout")
        .json()
        .await
        .expect("json");
    stop.cancel();
    task.await.expect("emulator stops and saves");

    let second = app_paddle::start(&s.paddle, &s.public_url, &http)
        .await
        .expect("restarts");
    second
        .emulator
        .expect("local mode")
        .spawn(std::future::pending());
    let customer_id = paddle::CustomerId::parse(created["customer_id"].as_str().expect("id"))
        .expect("customer id");
    let found = second
        .handle
        .client
        .get_customer(&customer_id)
        .await
        .expect("customer kept");
    assert_eq!(found.data.email, "grace@example.com");
}

#[tokio::test]
async fn live_mode_starts_no_emulator() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let emulator_addr = format!("127.0.0.1:{port}");
    let s = settings(
        dir.path(),
        "sqlite::memory:",
        &[
            (
                "PADDLE_API_KEY",
                "pdl_sdbx_apikey_01abcdefghijklmnopqrstuvwx_ABCDEFGHIJKLMNOPQRSTUV",
            ),
            ("PADDLE_ENV", "sandbox"),
            ("PADDLE_WEBHOOK_SECRETS", "pdl_ntfset_test"),
            ("PADDLE_EMULATOR_ADDR", &emulator_addr),
            ("SMTP_URL", "smtps://user:pass@mail.example.com:465"),
        ],
    );
    assert!(matches!(s.paddle.mode, PaddleMode::Live(_)));
    let runtime = app_paddle::start(&s.paddle, &s.public_url, &http_client().expect("client"))
        .await
        .expect("starts");
    assert!(runtime.emulator.is_none());
    assert!(runtime.handle.emulator_origin.is_none());
    assert_eq!(
        runtime.handle.client.base_url().as_str(),
        "https://sandbox-api.paddle.com/"
    );
    assert!(
        std::net::TcpStream::connect(&emulator_addr).is_err(),
        "nothing listens on the emulator address"
    );
}

/// The process's HTTP client (the one the Paddle client uses) follows no redirect: a
/// redirect would carry the request, with its API key, to wherever it points.
#[tokio::test]
async fn the_http_client_follows_no_redirect() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let elsewhere = {
        let hits = elsewhere_hits.clone();
        axum::Router::new().fallback(move || {
            hits.fetch_add(1, Ordering::SeqCst);
            async { "taken" }
        })
    };
    let serve = |router: axum::Router| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    };
    let elsewhere = serve(elsewhere).await;
    let redirecting = axum::Router::new().fallback(move || async move {
        axum::response::Redirect::temporary(&format!("http://{elsewhere}/stolen"))
    });
    let redirecting = serve(redirecting).await;
    let res = http_client()
        .expect("client")
        .post(format!(
            "http://{redirecting}/customers/ctm_x/portal-sessions"
        ))
        .bearer_auth("pdl_sdbx_apikey_secret")
        .send()
        .await
        .expect("an answer");
    assert_eq!(res.status(), 307, "the redirect itself is the answer");
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "nothing reached the target"
    );
}
