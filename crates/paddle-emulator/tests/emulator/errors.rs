//! Paddle's errors for portal sessions, customers and subscriptions: status, code, fields.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::spawn;

const UNKNOWN_CTM: &str = "ctm_01hv6y1jedq4p1n0yqn5ba3ky4";
const UNKNOWN_SUB: &str = "sub_01h04vsc0qhwtsbsxh3422wjs4";

fn sessions(customer_id: &str) -> String {
    format!("/customers/{customer_id}/portal-sessions")
}

#[tokio::test]
async fn an_unknown_customer_is_not_found() {
    let app = spawn().await;
    for id in [UNKNOWN_CTM, "ctm_nope"] {
        let answer = app.post(&sessions(id), "{}").await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(answer.code(), "not_found");
        let answer = app.get(&format!("/customers/{id}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(answer.code(), "not_found");
    }
    let answer = app.get(&format!("/subscriptions/{UNKNOWN_SUB}")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.code(), "not_found");
}

#[tokio::test]
async fn malformed_json_is_invalid_json() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    for body in ["{", r#"{"subscription_ids": [}"#, "nope"] {
        let answer = app.post(&sessions(&customer), body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.code(), "invalid_json", "{body}");
    }
    let answer = app.post(&sessions(&customer), "[]").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "bad_request");
}

#[tokio::test]
async fn unknown_properties_are_refused_as_additional_properties_false_says() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let body = json!({"subscription_ids": [], "return_url": "https://x"}).to_string();
    let answer = app.post(&sessions(&customer), &body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "invalid_field");
    assert_eq!(answer.fields(), ["return_url"]);
}

#[tokio::test]
async fn subscription_ids_are_validated_item_by_item() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let body = json!({"subscription_ids": [sub, "sub_SHOUTING0000000000000000000", 42, sub]});
    let answer = app.post(&sessions(&customer), &body.to_string()).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "invalid_field");
    assert_eq!(
        answer.fields(),
        [
            "subscription_ids[1]",
            "subscription_ids[2]",
            "subscription_ids[3]"
        ]
    );
    assert_eq!(
        answer.body["error"]["detail"],
        "Request does not pass validation."
    );
}

#[tokio::test]
async fn more_than_25_subscriptions_or_a_non_array_are_refused() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let many: Vec<String> = (0..26).map(|i| format!("sub_{i:026}")).collect();
    let answer = app
        .post(
            &sessions(&customer),
            &json!({"subscription_ids": many}).to_string(),
        )
        .await;
    assert_eq!(answer.code(), "invalid_field");
    assert_eq!(answer.fields(), ["subscription_ids"]);
    for value in [json!(null), json!("sub_x"), json!({})] {
        let body = json!({"subscription_ids": value}).to_string();
        let answer = app.post(&sessions(&customer), &body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{value}");
        assert_eq!(answer.fields(), ["subscription_ids"], "{value}");
    }
}

#[tokio::test]
async fn another_customers_or_an_unknown_subscription_is_invalid_field() {
    let app = spawn().await;
    let (jo, _) = app.checkout("jo@example.com").await;
    let (_, sams) = app.checkout("sam@example.com").await;
    let body = json!({"subscription_ids": [sams, UNKNOWN_SUB]}).to_string();
    let answer = app.post(&sessions(&jo), &body).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "invalid_field");
    assert_eq!(
        answer.fields(),
        ["subscription_ids[0]", "subscription_ids[1]"]
    );
}

#[tokio::test]
async fn a_bad_per_page_or_status_is_invalid_field() {
    let app = spawn().await;
    for path in ["/customers?per_page=0", "/subscriptions?per_page=x"] {
        let answer = app.get(path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.fields(), ["per_page"], "{path}");
    }
    let answer = app.get("/customers?status=deleted").await;
    assert_eq!(answer.fields(), ["status"]);
    let answer = app.get("/subscriptions?status=active,expired").await;
    assert_eq!(answer.fields(), ["status"]);
}

#[tokio::test]
async fn what_the_framework_refuses_still_gets_paddles_error_body() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    // A path segment that is not UTF-8: refused before the handler runs.
    let answer = app.get("/customers/%FF").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "bad_request");
    // A body over the size limit.
    let big = format!(r#"{{"subscription_ids": ["{}"]}}"#, "x".repeat(3 << 20));
    let answer = app.post(&sessions(&customer), &big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.code(), "bad_request");
}
