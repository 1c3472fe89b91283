//! `Authorization: Bearer <key>`: Paddle's three refusals, and the SDK's lower-case scheme.

use paddle_emulator::DEFAULT_API_KEY;
use reqwest::{Method, StatusCode};

use crate::support::spawn;

#[tokio::test]
async fn a_missing_header_is_authentication_missing() {
    let app = spawn().await;
    let answer = app.call(Method::GET, "/customers", None, None).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.code(), "authentication_missing");
    assert_eq!(answer.body["error"]["type"], "request_error");
}

#[tokio::test]
async fn a_header_that_is_not_bearer_and_a_key_is_authentication_malformed() {
    let app = spawn().await;
    let basic = format!("Basic {DEFAULT_API_KEY}");
    for header in [
        DEFAULT_API_KEY,
        "Bearer",
        basic.as_str(),
        "Bearer two words",
    ] {
        let answer = app
            .call(Method::GET, "/customers", Some(header), None)
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{header}");
        assert_eq!(answer.code(), "authentication_malformed", "{header}");
    }
}

#[tokio::test]
async fn an_unknown_key_is_invalid_token() {
    let app = spawn().await;
    let header = "Bearer pdl_sdbx_apikey_01aaaaaaaaaaaaaaaaaaaaaaaa_NotTheKeyNotTheKeyNo";
    let answer = app
        .call(Method::GET, "/subscriptions", Some(header), None)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.code(), "invalid_token");
}

#[tokio::test]
async fn the_scheme_matches_in_any_case_as_the_node_sdk_sends_it() {
    let app = spawn().await;
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let header = format!("{scheme} {DEFAULT_API_KEY}");
        let answer = app
            .call(Method::GET, "/customers", Some(&header), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn every_configured_key_works_and_only_those() {
    let app = crate::support::spawn_with(|config| {
        config.api_keys = vec!["pdl_sdbx_apikey_one".into(), "pdl_sdbx_apikey_two".into()];
    })
    .await;
    for key in ["pdl_sdbx_apikey_one", "pdl_sdbx_apikey_two"] {
        let header = format!("Bearer {key}");
        let answer = app
            .call(Method::GET, "/customers", Some(&header), None)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{key}");
    }
    let default = format!("Bearer {DEFAULT_API_KEY}");
    let answer = app
        .call(Method::GET, "/customers", Some(&default), None)
        .await;
    assert_eq!(answer.code(), "invalid_token");
}

#[tokio::test]
async fn auth_is_checked_before_anything_else_and_on_unknown_routes() {
    let app = spawn().await;
    let path = "/customers/ctm_01hv6y1jedq4p1n0yqn5ba3ky4/portal-sessions";
    let answer = app.call(Method::POST, path, None, Some("{not json")).await;
    assert_eq!(answer.code(), "authentication_missing");
    let answer = app.call(Method::GET, "/discounts", None, None).await;
    assert_eq!(answer.code(), "authentication_missing");
    let answer = app.get("/discounts").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.code(), "not_found");
}
