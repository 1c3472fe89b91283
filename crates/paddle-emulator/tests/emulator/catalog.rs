//! `GET /products`, `GET /prices` and each by id: the emulator's fixed catalog.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::spawn;

fn ids(body: &Value) -> Vec<String> {
    let mut ids: Vec<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn products_list_with_their_prices_on_request() {
    let app = spawn().await;
    let answer = app.get("/products").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(ids(&answer.body).len(), 3, "pro, basic, team");
    assert!(answer.body["data"][0].get("prices").is_none());
    let with = app
        .get("/products?include=prices&id=pro_01emulator0000000000000pro")
        .await;
    let prices = with.body["data"][0]["prices"].as_array().unwrap();
    assert_eq!(prices.len(), 2, "monthly and the trial price");
    assert!(ids(&app.get("/products?status=archived").await.body).is_empty());
    assert!(ids(&app.get("/products?type=custom").await.body).is_empty());
    assert!(ids(&app.get("/products?tax_category=saas").await.body).is_empty());
    assert_eq!(
        app.get("/products?include=notes").await.fields(),
        ["include"]
    );
}

#[tokio::test]
async fn prices_filter_by_product_and_recurring() {
    let app = spawn().await;
    assert_eq!(ids(&app.get("/prices").await.body).len(), 4);
    let pro = app
        .get("/prices?product_id=pro_01emulator0000000000000pro&include=product")
        .await;
    assert_eq!(ids(&pro.body).len(), 2);
    assert_eq!(pro.body["data"][0]["product"]["name"], "Pro");
    assert!(ids(&app.get("/prices?recurring=false").await.body).is_empty());
    assert_eq!(
        app.get("/prices?recurring=maybe").await.fields(),
        ["recurring"]
    );
}

#[tokio::test]
async fn a_product_and_a_price_by_id_or_not_found() {
    let app = spawn().await;
    let product = app
        .get("/products/pro_01emulator000000000000team?include=prices")
        .await;
    assert_eq!(product.status, StatusCode::OK);
    assert_eq!(product.body["data"]["name"], "Team");
    assert_eq!(
        product.body["data"]["prices"][0]["id"],
        "pri_01emulator000000000000team"
    );
    let price = app.get("/prices/pri_01emulator00000000000basic").await;
    assert_eq!(price.body["data"]["unit_price"]["amount"], "1000");
    let missing = app.get("/prices/pri_01aaaaaaaaaaaaaaaaaaaaaaaa").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/products/nope").await.code(), "not_found");
}
