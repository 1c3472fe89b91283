//! `POST /customers` and `PATCH /customers/{id}`, with `customer_already_exists`.

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{spawn, spawn_receiving};

#[tokio::test]
async fn create_makes_a_customer_and_sends_customer_created() {
    let (app, hooks) = spawn_receiving().await;
    let body = json!({"email": "jo@example.com", "name": "Jo", "custom_data": {"team": 7}});
    let answer = app.post("/customers", &body.to_string()).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:#}", answer.body);
    let data = &answer.body["data"];
    assert!(data["id"].as_str().unwrap().starts_with("ctm_"));
    assert_eq!(data["email"], "jo@example.com");
    assert_eq!(data["custom_data"]["team"], 7);
    assert_eq!(data["locale"], "en");
    assert_eq!(hooks.sequence(1).await, ["customer.created"]);
    let fetched = app
        .get(&format!("/customers/{}", data["id"].as_str().unwrap()))
        .await;
    assert_eq!(fetched.body["data"]["name"], "Jo");
}

#[tokio::test]
async fn an_address_already_in_use_is_customer_already_exists() {
    let app = spawn().await;
    let (existing, _) = app.checkout("jo@example.com").await;
    let body = json!({"email": "JO@example.com"}).to_string();
    let answer = app.post("/customers", &body).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "customer_already_exists");
    assert_eq!(
        answer.body["error"]["detail"],
        format!("customer email conflicts with customer of id {existing}")
    );
    let created = app
        .post(
            "/customers",
            &json!({"email": "al@example.com"}).to_string(),
        )
        .await;
    let other = created.body["data"]["id"].as_str().unwrap().to_owned();
    let answer = app.patch(&format!("/customers/{other}"), &body).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "customer_already_exists");
}

#[tokio::test]
async fn create_validates_its_body() {
    let app = spawn().await;
    for (body, field) in [
        (json!({}), "email"),
        (json!({"email": "nope"}), "email"),
        (
            json!({"email": "a@example.com", "status": "archived"}),
            "status",
        ),
        (
            json!({"email": "a@example.com", "custom_data": 3}),
            "custom_data",
        ),
    ] {
        let answer = app.post("/customers", &body.to_string()).await;
        assert_eq!(answer.code(), "invalid_field", "{body}");
        assert_eq!(answer.fields(), [field], "{body}");
    }
    assert_eq!(app.post("/customers", "{").await.code(), "invalid_json");
}

#[tokio::test]
async fn update_changes_fields_and_sends_customer_updated() {
    let (app, hooks) = spawn_receiving().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    let body = json!({"name": "Jo Doe", "email": "jo.doe@example.com", "status": "archived"});
    let answer = app
        .patch(&format!("/customers/{customer}"), &body.to_string())
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["name"], "Jo Doe");
    assert_eq!(answer.body["data"]["status"], "archived");
    let updated = hooks.wait_accepted(9).await;
    assert!(updated.iter().any(
        |e| e["event_type"] == "customer.updated" && e["data"]["email"] == "jo.doe@example.com"
    ));
    let missing = app
        .patch("/customers/ctm_01aaaaaaaaaaaaaaaaaaaaaaaa", "{}")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
