//! Minting portal sessions, and what the client sends.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use paddle::{Client, ClientError};
use secrecy::SecretString;
use serde_json::json;
use url::Url;

use crate::server::reply;
use crate::{CTM, KEY, SUB, client, ctm, portal_body, sub};

#[tokio::test]
async fn creates_a_portal_session_with_bearer_version_and_body() {
    let (base, log) = reply(StatusCode::CREATED, portal_body()).await;
    let got = client(base, Duration::from_secs(5))
        .create_portal_session(&ctm(), &[sub()])
        .await
        .unwrap();

    assert_eq!(got.request_id, "fa176777-4bca-49ec-aa1e-f53885333cb7");
    assert_eq!(got.data.id.as_str(), "cpls_01h4ge9r64c22exjsx0fy8b48b");
    assert_eq!(got.data.urls.subscriptions[0].id, sub());
    assert!(
        got.data
            .urls
            .general
            .overview
            .expose()
            .ends_with("token=pga_x")
    );

    let seen = log.lock().unwrap()[0].clone();
    assert_eq!(seen.method, Method::POST);
    assert_eq!(
        seen.path_and_query,
        format!("/customers/{CTM}/portal-sessions")
    );
    assert_eq!(
        seen.headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
    assert_eq!(seen.headers["paddle-version"], "1");
    assert_eq!(seen.headers["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(body, json!({"subscription_ids": [SUB]}));
}

#[tokio::test]
async fn creates_a_portal_session_without_subscriptions_under_a_base_path() {
    let (base, log) = reply(StatusCode::CREATED, portal_body()).await;
    let base = base.join("/emulator/paddle/").unwrap();
    client(base, Duration::from_secs(5))
        .create_portal_session(&ctm(), &[])
        .await
        .unwrap();
    let seen = log.lock().unwrap()[0].clone();
    assert_eq!(
        seen.path_and_query,
        format!("/emulator/paddle/customers/{CTM}/portal-sessions")
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&seen.body).unwrap(),
        json!({"subscription_ids": []})
    );
}

#[test]
fn refuses_a_base_url_that_cannot_take_a_path() {
    let http = reqwest::Client::new();
    for base in ["mailto:billing@example.com", "ftp://example.com/"] {
        let result = Client::new(
            http.clone(),
            Url::parse(base).unwrap(),
            SecretString::from(KEY),
        );
        assert!(matches!(result, Err(ClientError::InvalidBaseUrl)), "{base}");
    }
    for base in [paddle::LIVE_BASE_URL, paddle::SANDBOX_BASE_URL] {
        let client = Client::new(
            http.clone(),
            Url::parse(base).unwrap(),
            SecretString::from(KEY),
        );
        let debug = format!("{:?}", client.unwrap());
        assert!(!debug.contains(KEY), "{debug}");
    }
}
