//! The human checkout page and the control checkout.

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::json;

use crate::support::spawn;

#[tokio::test]
async fn the_page_is_a_prefilled_accessible_form() {
    let app = spawn().await;
    let url =
        app.url("/checkout?email=jo%40example.com&return_url=http%3A%2F%2Fapp.test%3A3000%2Fdone");
    let response = app.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("form-action 'self' http://app.test:3000"),
        "{csp}"
    );
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"<label for="email">Email</label>"#));
    assert!(page.contains(r#"value="jo@example.com""#));
    assert!(page.contains(r#"name="return_url" value="http://app.test:3000/done""#));
    assert!(!page.contains("<script"));
}

#[tokio::test]
async fn posting_buys_and_redirects_to_an_allowed_return_url() {
    let app = spawn().await;
    let form = [
        ("email", "jo@example.com"),
        ("name", "Jo Brown"),
        ("plan", "team"),
        ("return_url", "http://app.test:3000/billing?welcome=1"),
    ];
    let response = app
        .http
        .post(app.url("/checkout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()[LOCATION],
        "http://app.test:3000/billing?welcome=1"
    );
    let customers = app.get("/customers?email=jo@example.com").await;
    assert_eq!(customers.body["data"][0]["name"], "Jo Brown");
    let subs = app.get("/subscriptions").await;
    assert_eq!(subs.body["data"][0]["billing_cycle"]["interval"], "year");
    assert_eq!(subs.body["data"][0]["status"], "active");
}

#[tokio::test]
async fn a_foreign_return_url_gets_a_confirmation_without_links() {
    let app = spawn().await;
    let form = [
        ("email", "jo@example.com"),
        ("return_url", "https://evil.example/phish"),
    ];
    let response = app
        .http
        .post(app.url("/checkout"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("Your subscription is active"));
    assert!(!page.contains("<a ") && !page.contains("evil.example"));
    assert_eq!(
        app.get("/subscriptions").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_bad_email_shows_the_form_again_with_the_error() {
    let app = spawn().await;
    let response = app
        .http
        .post(app.url("/checkout"))
        .form(&[("email", "not-an-email")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("role=\"alert\""));
    assert_eq!(app.get("/customers").await.body["data"], json!([]));
}

#[tokio::test]
async fn the_control_checkout_reuses_the_customer_of_an_email() {
    let app = spawn().await;
    let (first, sub1) = app.checkout("jo@example.com").await;
    let (second, sub2) = app.checkout("JO@example.com").await;
    assert_eq!(first, second);
    assert_ne!(sub1, sub2);
    let (status, body) = app
        .control(
            "checkout",
            json!({"email": "x@example.com", "plan": "gold"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("gold"));
}
