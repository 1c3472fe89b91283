//! `GET /customers` and `GET /subscriptions`: filters and cursor pagination.

use reqwest::StatusCode;
use serde_json::{Value, json};
use url::Url;

use crate::support::{TestEmulator, spawn};

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Follows `meta.pagination.next` from `first` until `has_more` is false.
async fn walk(app: &TestEmulator, first: &str) -> (Vec<String>, usize) {
    let mut path = first.to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let answer = app.get(&path).await;
        assert_eq!(answer.status, StatusCode::OK);
        pages += 1;
        seen.extend(ids(&answer.body));
        let pagination = &answer.body["meta"]["pagination"];
        if !pagination["has_more"].as_bool().unwrap() {
            return (seen, pages);
        }
        let next = Url::parse(pagination["next"].as_str().unwrap()).unwrap();
        assert_eq!(next.origin().ascii_serialization(), app.base);
        path = format!("{}?{}", next.path(), next.query().unwrap());
    }
}

#[tokio::test]
async fn customers_page_by_cursor_newest_first_without_gaps_or_repeats() {
    let app = spawn().await;
    let (status, _) = app.control("seed", json!({"customers": 7})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (seen, pages) = walk(&app, "/customers?per_page=3").await;
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    sorted.reverse();
    assert_eq!(
        seen, sorted,
        "descending by id (Paddle's default), each once"
    );
    assert_eq!(seen.len(), 7);

    let first = app.get("/customers?per_page=3").await;
    let pagination = &first.body["meta"]["pagination"];
    assert_eq!(pagination["per_page"], 3);
    assert_eq!(pagination["has_more"], true);
    assert_eq!(pagination["estimated_total"], 7);
    let next = pagination["next"].as_str().unwrap();
    assert!(next.contains(&format!("after={}", seen[2])), "{next}");
    assert!(next.contains("per_page=3"), "{next}");
}

#[tokio::test]
async fn per_page_defaults_to_50_and_is_capped_at_200() {
    let app = spawn().await;
    app.control("seed", json!({"customers": 230, "subscriptions": 60}))
        .await;
    let answer = app.get("/customers").await;
    assert_eq!(answer.body["data"].as_array().unwrap().len(), 50);
    assert_eq!(answer.body["meta"]["pagination"]["per_page"], 50);
    let answer = app.get("/customers?per_page=500").await;
    assert_eq!(answer.body["data"].as_array().unwrap().len(), 200);
    assert_eq!(answer.body["meta"]["pagination"]["per_page"], 200);
    assert_eq!(answer.body["meta"]["pagination"]["has_more"], true);
    let (subs, pages) = walk(&app, "/subscriptions").await;
    assert_eq!((subs.len(), pages), (60, 2));
}

#[tokio::test]
async fn customers_filter_by_email_id_and_status() {
    let app = spawn().await;
    let (jo, _) = app.checkout("jo@example.com").await;
    let (sam, _) = app.checkout("sam@example.com").await;
    app.checkout("alex@example.com").await;
    let answer = app
        .get("/customers?email=jo@example.com,SAM@example.com")
        .await;
    let mut found = ids(&answer.body);
    found.sort();
    let mut expected = vec![jo.clone(), sam.clone()];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(
        ids(&app.get(&format!("/customers?id={sam}")).await.body),
        [sam]
    );
    assert_eq!(
        ids(&app.get("/customers?status=archived").await.body),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&app.get("/customers?status=active,archived").await.body).len(),
        3
    );
    let answer = app.get("/customers?email=nobody@example.com").await;
    assert_eq!(answer.body["meta"]["pagination"]["has_more"], false);
    assert_eq!(answer.body["meta"]["pagination"]["estimated_total"], 0);
}

#[tokio::test]
async fn subscriptions_filter_by_customer_and_status() {
    let app = spawn().await;
    let (jo, first) = app.checkout("jo@example.com").await;
    let (_, second) = app.checkout("jo@example.com").await;
    let (sam, _) = app.checkout("sam@example.com").await;
    crate::portal_actions::cancel_via_portal(&app, &jo, &first, "now").await;
    let mine = ids(&app
        .get(&format!("/subscriptions?customer_id={jo}"))
        .await
        .body);
    assert_eq!(mine.len(), 2);
    let both = format!("/subscriptions?customer_id={jo},{sam}&status=active");
    let active = ids(&app.get(&both).await.body);
    assert_eq!(active.len(), 2);
    assert!(active.contains(&second) && !active.contains(&first));
    let canceled = ids(&app.get("/subscriptions?status=canceled").await.body);
    assert_eq!(canceled, [first]);
}

#[tokio::test]
async fn get_returns_the_entity_with_items_price_and_product() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let answer = app.get(&format!("/customers/{customer}")).await;
    assert_eq!(answer.body["data"]["email"], "jo@example.com");
    let answer = app.get(&format!("/subscriptions/{sub}")).await;
    let data = &answer.body["data"];
    assert_eq!(data["customer_id"], customer.as_str());
    assert_eq!(data["items"][0]["price"]["unit_price"]["amount"], "3000");
    assert_eq!(data["items"][0]["product"]["name"], "Pro");
    assert!(
        data["management_urls"]["cancel"]
            .as_str()
            .unwrap()
            .contains("token=pga_")
    );
    assert!(
        data.get("transaction_id").is_none(),
        "only subscription.created has it"
    );
}
