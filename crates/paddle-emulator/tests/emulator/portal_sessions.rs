//! `POST /customers/{id}/portal-sessions`: 201, the spec's entity, links to the emulator.

use paddle::{CustomerPortalSession, PortalLinkId, PortalSessionId};
use reqwest::StatusCode;
use serde_json::json;
use url::Url;

use crate::support::spawn;

fn query(url: &str, key: &str) -> Option<String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn empty_object_empty_list_and_empty_body_all_mint_an_overview_only_session() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let path = format!("/customers/{customer}/portal-sessions");
    for body in ["{}", r#"{"subscription_ids": []}"#, ""] {
        let answer = app.post(&path, body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{body:?}");
        let data = &answer.body["data"];
        assert_eq!(data["customer_id"], customer.as_str());
        assert_eq!(data["urls"]["subscriptions"], json!([]));
        let overview = data["urls"]["general"]["overview"].as_str().unwrap();
        assert_eq!(query(overview, "action").as_deref(), Some("overview"));
    }
}

#[tokio::test]
async fn links_point_at_the_emulators_portal_with_paddles_shape() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let body = app.portal_session(&customer, &[&sub]).await;
    let session: CustomerPortalSession = serde_json::from_value(body["data"].clone()).unwrap();
    assert!(PortalSessionId::parse(session.id.as_str()).is_ok());
    let links = &session.urls.subscriptions;
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].id.as_str(), sub);
    let all = [
        (session.urls.general.overview.expose(), "overview", None),
        (
            links[0].cancel_subscription.expose(),
            "cancel_subscription",
            Some(&sub),
        ),
        (
            links[0].update_subscription_payment_method.expose(),
            "update_subscription_payment_method",
            Some(&sub),
        ),
        (
            links[0].view_subscription.as_ref().unwrap().expose(),
            "view_subscription",
            Some(&sub),
        ),
    ];
    let mut tokens = Vec::new();
    for (link, action, subscription) in all {
        let url = Url::parse(link).unwrap();
        assert_eq!(url.origin().ascii_serialization(), app.base);
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        assert_eq!(segments[0], "portal");
        assert!(PortalLinkId::parse(segments[1]).is_ok(), "{}", segments[1]);
        let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        let expected: &[&str] = match subscription {
            Some(_) => &["action", "subscription_id", "token"],
            None => &["action", "token"],
        };
        assert_eq!(keys, expected);
        assert_eq!(query(link, "action").as_deref(), Some(action));
        assert_eq!(query(link, "subscription_id").as_ref(), subscription);
        let token = query(link, "token").unwrap();
        assert!(token.starts_with("pga_") && token.len() > 30, "{token}");
        tokens.push(token);
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 4, "every link has its own token");
}

#[tokio::test]
async fn every_session_has_new_ids_and_tokens() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let first = app.portal_session(&customer, &[]).await;
    let second = app.portal_session(&customer, &[]).await;
    assert_ne!(first["data"]["id"], second["data"]["id"]);
    let token = |b: &serde_json::Value| {
        query(
            b["data"]["urls"]["general"]["overview"].as_str().unwrap(),
            "token",
        )
    };
    assert_ne!(token(&first), token(&second));
    assert_ne!(first["meta"]["request_id"], second["meta"]["request_id"]);
}

#[tokio::test]
async fn canceled_subscriptions_still_get_deep_links() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    crate::portal_actions::cancel_via_portal(&app, &customer, &sub, "now").await;
    let body = app.portal_session(&customer, &[&sub]).await;
    assert_eq!(body["data"]["urls"]["subscriptions"][0]["id"], sub.as_str());
}
