//! `POST /_emulator/faults`: the next N API calls fail (or are slow) exactly as asked.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::support::spawn;

#[tokio::test]
async fn a_fault_for_two_calls_fails_exactly_two_then_the_third_succeeds() {
    let app = spawn().await;
    let (status, body) = app
        .control("faults", json!({"count": 2, "status": 503}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["pending"], 2);
    for _ in 0..2 {
        let answer = app.get("/customers").await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.body["error"]["type"], "api_error");
        assert_eq!(answer.code(), "internal_error");
    }
    assert_eq!(app.get("/customers").await.status, StatusCode::OK);
    let statuses: Vec<u64> = app
        .inspect("calls")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [503, 503, 200]);
}

#[tokio::test]
async fn a_429_carries_retry_after_and_too_many_requests() {
    let app = spawn().await;
    app.control(
        "faults",
        json!({"count": 1, "status": 429, "retry_after": 7}),
    )
    .await;
    let answer = app.get("/subscriptions").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.code(), "too_many_requests");
    assert_eq!(answer.body["error"]["type"], "request_error");
    assert_eq!(answer.headers["retry-after"], "7");
    assert_eq!(app.get("/subscriptions").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_500_is_an_api_error_and_the_paddle_client_sees_it_as_transient() {
    let app = spawn().await;
    app.control("faults", json!({"count": 1})).await;
    let client = paddle::Client::new(
        app.http.clone(),
        url::Url::parse(&app.base).unwrap(),
        paddle_emulator::DEFAULT_API_KEY.into(),
    )
    .unwrap();
    let err = client
        .list_customers(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("internal_error"));
    assert!(err.is_transient());
    assert!(client.list_customers(&Default::default()).await.is_ok());
}

#[tokio::test]
async fn a_delay_only_fault_delays_then_answers_normally() {
    let app = spawn().await;
    app.control("faults", json!({"count": 1, "delay_ms": 600}))
        .await;
    let started = Instant::now();
    let answer = app.get("/customers").await;
    assert!(started.elapsed() >= Duration::from_millis(600));
    assert_eq!(answer.status, StatusCode::OK);
    let started = Instant::now();
    app.get("/customers").await;
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "only one call is delayed"
    );
}

#[tokio::test]
async fn faults_are_checked_and_control_calls_do_not_use_them_up() {
    let app = spawn().await;
    let (status, _) = app
        .control("faults", json!({"count": 1, "status": 200}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    app.control("faults", json!({"count": 1, "status": 500}))
        .await;
    app.checkout("jo@example.com").await;
    assert_eq!(
        app.get("/customers").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}
