//! `GET /transactions` and `GET /transactions/{id}`: what time produced, in Paddle's shape.

use reqwest::StatusCode;

use crate::support::spawn_receiving;

fn ids(list: &[serde_json::Value]) -> Vec<String> {
    list.iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn transactions_are_listed_newest_first_filtered_and_fetched_by_id() {
    let (app, _) = spawn_receiving().await;
    let (jo, jo_sub) = app.checkout("jo@example.com").await;
    let (al, _) = app.checkout("al@example.com").await;
    app.decline(&al, 1).await;
    app.advance("P1M", None).await;
    app.advance("P1M", Some(&jo)).await;

    let all = app.transactions("").await;
    assert_eq!(all.len(), 5, "two checkouts, three renewals");
    let checkouts = app.transactions("origin=web").await;
    assert_eq!(checkouts.len(), 2);
    assert!(checkouts.iter().all(|t| t["status"] == "completed"));
    let renewals = app.transactions("origin=subscription_recurring").await;
    assert_eq!(renewals.len(), 3);
    let mut sorted = ids(&all);
    sorted.sort();
    sorted.reverse();
    assert_eq!(ids(&all), sorted, "default order id[DESC]");
    let ascending = app.transactions("order_by=id[ASC]").await;
    sorted.reverse();
    assert_eq!(ids(&ascending), sorted);

    let jos = app.transactions(&format!("subscription_id={jo_sub}")).await;
    assert_eq!(jos.len(), 3);
    assert!(jos.iter().all(|t| t["customer_id"] == jo.as_str()));
    let past_due = app.transactions("status=past_due").await;
    assert_eq!(past_due.len(), 1);
    assert_eq!(past_due[0]["customer_id"], al.as_str());
    let both = app.transactions("status=completed,past_due").await;
    assert_eq!(both.len(), 5);
    let als = app
        .transactions(&format!("customer_id={al}&status=completed"))
        .await;
    assert_eq!(als.len(), 1, "only the checkout: the renewal is past due");
    assert_eq!(als[0]["origin"], "web");

    let page = app.get("/transactions?per_page=2").await;
    assert_eq!(page.body["meta"]["pagination"]["has_more"], true);
    let next = page.body["meta"]["pagination"]["next"].as_str().unwrap();
    let rest = app.get(next.trim_start_matches(&app.base)).await;
    let rest_ids = ids(rest.body["data"].as_array().unwrap());
    assert_eq!(rest_ids, ids(&all)[2..4], "the cursor continues downwards");

    // `per_page_transaction_query`: 30 by default and at most (other lists: 50, 200).
    for query in ["", "?per_page=100"] {
        let page = app.get(&format!("/transactions{query}")).await;
        assert_eq!(page.body["meta"]["pagination"]["per_page"], 30, "{query:?}");
    }

    let one = app.get(&format!("/transactions/{}", ids(&all)[0])).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["data"], all[0]);
}

#[tokio::test]
async fn unknown_transactions_and_bad_filters_get_paddles_errors() {
    let (app, _) = spawn_receiving().await;
    let missing = app
        .get("/transactions/txn_01aaaaaaaaaaaaaaaaaaaaaaaa")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    let malformed = app.get("/transactions/nope").await;
    assert_eq!(malformed.status, StatusCode::NOT_FOUND);
    let status = app.get("/transactions?status=lost").await;
    assert_eq!(status.status, StatusCode::BAD_REQUEST);
    assert_eq!(status.fields(), ["status"]);
    let order = app.get("/transactions?order_by=created_at[ASC]").await;
    assert_eq!(order.status, StatusCode::BAD_REQUEST);
    assert_eq!(order.fields(), ["order_by"]);
}
