//! The `/_emulator/` endpoints: calls, reset, destinations, seed.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::receiver::{self, SECRET};
use crate::support::spawn;

#[tokio::test]
async fn calls_lists_every_api_call_in_order_and_nothing_else() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    app.get("/customers").await;
    app.post(&format!("/customers/{customer}/portal-sessions"), "{}")
        .await;
    app.call(
        reqwest::Method::GET,
        "/subscriptions?per_page=1",
        None,
        None,
    )
    .await;
    app.http.get(app.url("/checkout")).send().await.unwrap();
    let calls = app.inspect("calls").await;
    let calls = calls.as_array().unwrap();
    let seen: Vec<(&str, &str, u64)> = calls
        .iter()
        .map(|c| {
            (
                c["method"].as_str().unwrap(),
                c["path"].as_str().unwrap(),
                c["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let sessions = format!("/customers/{customer}/portal-sessions");
    assert_eq!(
        seen,
        [
            ("GET", "/customers", 200),
            ("POST", sessions.as_str(), 201),
            ("GET", "/subscriptions", 403)
        ]
    );
    for call in calls {
        let at = call["at"].as_str().unwrap();
        assert!(
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok()
        );
    }
}

#[tokio::test]
async fn reset_empties_state_calls_faults_and_deliveries() {
    let hooks = receiver::start(0).await;
    let app = spawn().await;
    app.control(
        "destinations",
        json!({"url": hooks.url.as_str(), "secret": SECRET}),
    )
    .await;
    app.checkout("jo@example.com").await;
    hooks.wait_accepted(8).await;
    app.get("/customers").await;
    app.control("faults", json!({"count": 5})).await;
    let (status, _) = app.control("reset", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.inspect("calls").await, json!([]));
    assert_eq!(app.inspect("deliveries").await, json!([]));
    let answer = app.get("/customers").await;
    assert_eq!(answer.status, StatusCode::OK, "the faults are gone");
    assert_eq!(answer.body["data"], json!([]));
    app.checkout("sam@example.com").await;
    hooks.wait_accepted(16).await;
}

#[tokio::test]
async fn destinations_and_seed_check_their_input() {
    let app = spawn().await;
    for body in [
        json!({"url": "ftp://example.com/x", "secret": SECRET}),
        json!({"url": "http://127.0.0.1:1/x", "secret": ""}),
        json!({"url": "not a url", "secret": SECRET}),
        json!({"url": "http://127.0.0.1:1/x"}),
    ] {
        let (status, reply) = app.control("destinations", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} → {reply}");
    }
    let (status, _) = app.control("seed", json!({"subscriptions": 3})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no customers to own them");
    let (status, _) = app
        .control("seed", json!({"customers": 2, "subscriptions": 5}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let subs = app.get("/subscriptions").await;
    let owners: std::collections::HashSet<&str> = subs.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(owners.len(), 2);
    assert_eq!(
        app.inspect("deliveries").await,
        json!([]),
        "seeding sends no webhooks"
    );
}

#[tokio::test]
async fn calls_name_each_minted_session_and_its_subscriptions_but_no_link() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let minted = app.portal_session(&customer, &[&sub]).await;
    app.post(&format!("/customers/{customer}/portal-sessions"), "{}")
        .await;
    // A refused mint (a subscription of nobody) records no session.
    app.post(
        &format!("/customers/{customer}/portal-sessions"),
        r#"{"subscription_ids": ["sub_01h04vsc0qhwtsbsxh3422wjs4"]}"#,
    )
    .await;
    let calls = app.inspect("calls").await;
    let sessions: Vec<&serde_json::Value> = calls
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["portal_session"])
        .collect();
    assert_eq!(sessions.len(), 3);
    assert_eq!(
        *sessions[0],
        json!({"id": minted["data"]["id"], "subscription_ids": [sub]})
    );
    assert_eq!(sessions[1]["subscription_ids"], json!([]));
    assert!(sessions[2].is_null(), "{}", sessions[2]);
    let text = calls.to_string();
    assert!(!text.contains("token"), "{text}");
    assert!(!text.contains("http"), "{text}");
}

/// A page of another site can make a browser post anything to 127.0.0.1:3900 (a form,
/// or `fetch` in no-cors mode with a text body): the writes refuse a foreign `Origin`,
/// and take their own, or none (curl, the SDKs).
#[tokio::test]
async fn control_writes_refuse_other_sites_origins() {
    let app = spawn().await;
    let body = r#"{"url":"https://evil.example/h","secret":"x"}"#;
    let post = |path: &'static str, origin: Option<String>, body: &'static str| {
        let mut req = app
            .http
            .post(format!("{}{path}", app.base))
            .header("content-type", "text/plain")
            .body(body);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        req.send()
    };
    for path in ["/_emulator/destinations", "/_emulator/reset", "/checkout"] {
        let res = post(path, Some("https://evil.example".into()), body)
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // A sandboxed page elsewhere sends `Origin: null`; the browser still says cross-site.
    let sandboxed = app
        .http
        .post(format!("{}/_emulator/destinations", app.base))
        .header("origin", "null")
        .header("sec-fetch-site", "cross-site")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(sandboxed.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.inspect("deliveries").await, json!([]));
    let own = post("/_emulator/destinations", Some(app.base.clone()), body)
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::CREATED);
    let none = post("/_emulator/reset", None, "{}").await.unwrap();
    assert_eq!(none.status(), StatusCode::OK);
}
