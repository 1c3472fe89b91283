//! Portal links: one use each, a TTL, and the "This link has expired" page.

use std::time::Duration;

use reqwest::StatusCode;

use crate::portal_actions::{forms, open};
use crate::support::{RETURN_URL, spawn, spawn_with};

fn overview(session: &serde_json::Value) -> String {
    session["data"]["urls"]["general"]["overview"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_link_works_once_then_says_it_has_expired() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let link = overview(&app.portal_session(&customer, &[]).await);
    let (status, page) = open(&app, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&sub), "the overview lists the subscription");
    assert!(page.contains(&format!("<a href=\"{RETURN_URL}\">Return to app</a>")));
    let (status, page) = open(&app, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("This link has expired"));
    assert!(page.contains("Return to app"));
}

#[tokio::test]
async fn a_link_expires_after_the_ttl_even_unused() {
    let app = spawn_with(|c| c.link_ttl = Duration::from_millis(600)).await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let session = app.portal_session(&customer, &[]).await;
    let fresh = overview(&app.portal_session(&customer, &[]).await);
    assert_eq!(open(&app, &fresh).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (status, page) = open(&app, &overview(&session)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("This link has expired"));
}

#[tokio::test]
async fn an_altered_link_is_refused_and_used_up() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let session = app.portal_session(&customer, &[&sub]).await;
    let cancel = session["data"]["urls"]["subscriptions"][0]["cancel_subscription"]
        .as_str()
        .unwrap()
        .to_owned();
    let altered = cancel.replace("action=cancel_subscription", "action=overview");
    assert_eq!(open(&app, &altered).await.0, StatusCode::GONE);
    assert_eq!(
        open(&app, &cancel).await.0,
        StatusCode::GONE,
        "the token was used up"
    );
    let no_token = overview(&session)
        .split("&token=")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(open(&app, &no_token).await.0, StatusCode::GONE);
}

#[tokio::test]
async fn pages_are_plain_html_under_a_strict_policy() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let link = overview(&app.portal_session(&customer, &[]).await);
    let response = app.http.get(&link).send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let csp = header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(header("cache-control"), "no-store");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert!(header("content-type").starts_with("text/html"));
    let page = response.text().await.unwrap();
    assert!(page.starts_with("<!doctype html>") && page.contains("<html lang=\"en\">"));
    assert!(!page.contains("<script") && !page.contains("style=\""));
    for attribute in ["href=\"", "src=\"", "action=\""] {
        for value in page.split(attribute).skip(1) {
            let target = value.split('"').next().unwrap();
            assert!(
                target.starts_with('/') || target == RETURN_URL,
                "only the emulator's own paths and the return link: {target}"
            );
        }
    }
    for (_, _, legend) in forms(&page) {
        assert!(!legend.is_empty(), "every form is labelled by a legend");
    }
    let css = app
        .http
        .get(app.url("/assets/emulator.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
}

#[tokio::test]
async fn management_urls_of_an_api_answer_are_one_time_links_too() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let answer = app.get(&format!("/subscriptions/{sub}")).await;
    let cancel = answer.body["data"]["management_urls"]["cancel"]
        .as_str()
        .unwrap();
    let (status, page) = open(&app, cancel).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Cancel subscription"));
    assert_eq!(open(&app, cancel).await.0, StatusCode::GONE);
}

#[tokio::test]
async fn a_head_request_does_not_use_up_a_link() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let link = overview(&app.portal_session(&customer, &[]).await);
    let head = app.http.head(&link).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = open(&app, &link).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "still usable by the person it was made for"
    );
}
