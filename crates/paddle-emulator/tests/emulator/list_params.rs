//! Lists as Paddle serves them: `order_by` with the default `id[DESC]`, `search` on
//! customers, and `invalid_field` for query parameters an operation does not take.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::spawn;

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_list_is_newest_first_unless_order_by_id_asc() {
    let app = spawn().await;
    app.control("seed", json!({"customers": 4, "subscriptions": 4}))
        .await;
    for list in ["/customers", "/subscriptions", "/products", "/prices"] {
        let desc = ids(&app.get(list).await.body);
        let mut sorted = desc.clone();
        sorted.sort();
        sorted.reverse();
        assert_eq!(desc, sorted, "{list}: id[DESC] by default");
        let asc = ids(&app.get(&format!("{list}?order_by=id[ASC]")).await.body);
        sorted.reverse();
        assert_eq!(asc, sorted, "{list}?order_by=id[ASC]");
        let bad = app.get(&format!("{list}?order_by=email[ASC]")).await;
        assert_eq!(bad.fields(), ["order_by"], "{list}");
    }
}

#[tokio::test]
async fn descending_pages_follow_the_cursor_without_gaps() {
    let app = spawn().await;
    app.control("seed", json!({"customers": 5})).await;
    let all = ids(&app.get("/customers").await.body);
    let first = app.get("/customers?per_page=2").await;
    assert_eq!(ids(&first.body), all[..2]);
    let next = first.body["meta"]["pagination"]["next"].as_str().unwrap();
    let next = url::Url::parse(next).unwrap();
    let second = app
        .get(&format!("/customers?{}", next.query().unwrap()))
        .await;
    assert_eq!(ids(&second.body), all[2..4]);
}

#[tokio::test]
async fn customers_search_matches_email_name_and_id() {
    let app = spawn().await;
    let (jo, _) = app.checkout("jo@example.com").await;
    app.checkout("sam@other.org").await;
    assert_eq!(
        ids(&app.get("/customers?search=EXAMPLE").await.body),
        std::slice::from_ref(&jo)
    );
    assert_eq!(
        ids(&app.get(&format!("/customers?search={jo}")).await.body),
        [jo]
    );
    assert!(ids(&app.get("/customers?search=nobody").await.body).is_empty());
    let long = "x".repeat(101);
    let answer = app.get(&format!("/customers?search={long}")).await;
    assert_eq!(answer.fields(), ["search"]);
}

#[tokio::test]
async fn a_parameter_the_spec_does_not_list_is_invalid_field() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    for path in [
        "/customers?colour=red".to_owned(),
        "/subscriptions?email=jo@example.com".to_owned(),
        "/transactions?search=x".to_owned(),
        "/products?product_id=x".to_owned(),
        "/prices?tax_category=saas".to_owned(),
        format!("/customers/{customer}?include=address"),
    ] {
        let answer = app.get(&path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.code(), "invalid_field", "{path}");
    }
    let write = app
        .post(&format!("/subscriptions/{sub}/cancel?force=1"), "{}")
        .await;
    assert_eq!(write.fields(), ["force"]);
    let unknown = app.post("/discounts?force=1", "{}").await;
    assert_eq!(unknown.code(), "not_found", "an unknown path stays a 404");
}

#[tokio::test]
async fn a_listed_parameter_the_emulator_does_not_implement_is_refused_by_name() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let answer = app.get("/transactions?include=customer").await;
    assert_eq!(answer.fields(), ["include"]);
    assert!(
        answer.body["error"]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not implemented")
    );
    let answer = app
        .get(&format!("/subscriptions/{sub}?include=next_transaction"))
        .await;
    assert_eq!(answer.fields(), ["include"]);
}

#[tokio::test]
async fn subscriptions_filter_by_price_scheduled_change_and_collection_mode() {
    let app = spawn().await;
    let (_, pro) = app.checkout("jo@example.com").await;
    let (status, body) = app
        .control(
            "checkout",
            json!({"email": "sam@example.com", "plan": "basic"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let basic = body["subscription_id"].as_str().unwrap().to_owned();
    app.post(&format!("/subscriptions/{pro}/cancel"), "{}")
        .await;
    let by_price = ids(&app
        .get("/subscriptions?price_id=pri_01emulator00000000000basic")
        .await
        .body);
    assert_eq!(by_price, [basic]);
    let scheduled = ids(&app
        .get("/subscriptions?scheduled_change_action=cancel")
        .await
        .body);
    assert_eq!(scheduled, [pro]);
    assert!(ids(&app.get("/subscriptions?collection_mode=manual").await.body).is_empty());
    assert_eq!(
        ids(&app
            .get("/subscriptions?collection_mode=automatic")
            .await
            .body)
        .len(),
        2
    );
}

#[tokio::test]
async fn transactions_filter_by_dates_with_operators() {
    let app = spawn().await;
    let (customer, _) = app.checkout("jo@example.com").await;
    app.advance("P1M", Some(&customer)).await;
    app.advance("P1M", Some(&customer)).await;
    // The renewals (the checkout's transaction is billed before both).
    let txns = app
        .transactions("order_by=id[ASC]&origin=subscription_recurring")
        .await;
    assert_eq!(txns.len(), 2);
    let first = txns[0]["billed_at"].as_str().unwrap();
    let second = txns[1]["billed_at"].as_str().unwrap();
    let ids = |list: Vec<Value>| -> Vec<String> {
        list.iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    let after_first = app.transactions(&format!("billed_at[GT]={first}")).await;
    assert_eq!(ids(after_first), [id(&txns[1])]);
    let up_to_second = app.transactions(&format!("billed_at[LTE]={second}")).await;
    assert_eq!(up_to_second.len(), 3, "the checkout's and both renewals");
    let exactly = app.transactions(&format!("created_at={first}")).await;
    assert_eq!(ids(exactly), [id(&txns[0])]);
    let between = format!("updated_at[GTE]={first}&updated_at[LT]={second}");
    assert_eq!(app.transactions(&between).await.len(), 1);
    let bad = app
        .get("/transactions?billed_at[NE]=2030-01-01T00:00:00Z")
        .await;
    assert_eq!(bad.fields(), ["billed_at[NE]"]);
    let bad = app.get("/transactions?billed_at=yesterday").await;
    assert_eq!(bad.fields(), ["billed_at"]);
}
