//! Reading customers and subscriptions: paths, query strings, pagination.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use paddle::entities::CollectionMode;
use paddle::{
    CustomerStatus, ListCustomers, ListSubscriptions, ScheduledChangeAction, SubscriptionStatus,
};
use serde_json::json;
use url::Url;

use crate::server::reply;
use crate::{CTM, KEY, SUB, client, ctm, sub};

#[tokio::test]
async fn lists_customers_with_comma_separated_filters_and_pagination() {
    let body = json!({
        "data": [{"id": CTM, "email": "jo@example.com", "name": "Jo", "status": "active",
                  "marketing_consent": false, "locale": "en", "custom_data": null, "import_meta": null,
                  "created_at": "2024-04-11T15:57:24.813Z", "updated_at": "2024-04-11T15:59:56.658719Z"}],
        "meta": {"request_id": "rid-list",
                 "pagination": {"per_page": 1, "next": format!("https://api.paddle.com/customers?after={CTM}"),
                                "has_more": true, "estimated_total": 4}}
    });
    let (base, log) = reply(StatusCode::OK, body).await;
    let query = ListCustomers {
        email: vec!["jo@example.com".into(), "sam@example.com".into()],
        status: vec![CustomerStatus::Active, CustomerStatus::Archived],
        per_page: Some(1),
        ..ListCustomers::default()
    };
    let page = client(base, Duration::from_secs(5))
        .list_customers(&query)
        .await
        .unwrap();
    assert_eq!(page.request_id, "rid-list");
    assert_eq!(page.data[0].id, ctm());
    assert_eq!(page.pagination.estimated_total, Some(4));
    assert_eq!(page.pagination.next_after().as_deref(), Some(CTM));

    let seen = log.lock().unwrap()[0].clone();
    assert_eq!(seen.method, Method::GET);
    let url = Url::parse(&format!("http://x{}", seen.path_and_query)).unwrap();
    assert_eq!(url.path(), "/customers");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            (
                "email".to_owned(),
                "jo@example.com,sam@example.com".to_owned()
            ),
            ("per_page".to_owned(), "1".to_owned()),
            ("status".to_owned(), "active,archived".to_owned()),
        ]
    );
}

#[tokio::test]
async fn lists_subscriptions_of_a_customer_and_sends_no_empty_query() {
    let body = json!({"data": [], "meta": {"request_id": "rid-subs",
        "pagination": {"per_page": 50, "next": "https://api.paddle.com/subscriptions?after=sub_01h04vsc0qhwtsbsxh3422wjs4", "has_more": false}}});
    let (base, log) = reply(StatusCode::OK, body).await;
    let client = client(base, Duration::from_secs(5));
    let query = ListSubscriptions {
        customer_id: vec![ctm()],
        status: vec![SubscriptionStatus::PastDue, SubscriptionStatus::Paused],
        after: Some(sub()),
        ..ListSubscriptions::default()
    };
    let page = client.list_subscriptions(&query).await.unwrap();
    assert!(page.data.is_empty());
    assert_eq!(
        page.pagination.next_after(),
        None,
        "no cursor on the last page"
    );
    assert_eq!(page.pagination.estimated_total, None);
    client
        .list_subscriptions(&ListSubscriptions::default())
        .await
        .unwrap();

    let seen = log.lock().unwrap().clone();
    assert_eq!(
        seen[0].path_and_query,
        format!("/subscriptions?after={SUB}&customer_id={CTM}&status=past_due%2Cpaused")
    );
    assert_eq!(seen[1].path_and_query, "/subscriptions");
}

#[tokio::test]
async fn gets_a_customer_by_id() {
    let body = json!({
        "data": {"id": CTM, "email": "jo@example.com", "name": null, "status": "archived",
                 "created_at": "2024-04-11T15:57:24.813Z", "updated_at": "2024-04-11T15:57:24.813Z"},
        "meta": {"request_id": "rid-ctm"}
    });
    let (base, log) = reply(StatusCode::OK, body).await;
    let got = client(base, Duration::from_secs(5))
        .get_customer(&ctm())
        .await
        .unwrap();
    assert_eq!(got.request_id, "rid-ctm");
    assert_eq!(got.data.status, CustomerStatus::Archived);
    assert_eq!(got.data.name, None);
    let seen = log.lock().unwrap()[0].clone();
    assert_eq!(
        (seen.method, seen.path_and_query.as_str()),
        (Method::GET, format!("/customers/{CTM}").as_str())
    );
    assert_eq!(
        seen.headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
    assert_eq!(seen.headers["paddle-version"], "1");
}

#[tokio::test]
async fn gets_a_subscription_by_id() {
    let item = json!({
        "status": "active", "quantity": 3, "recurring": true,
        "created_at": "2024-04-12T10:18:48.831Z", "updated_at": "2024-04-12T10:18:48.831Z",
        "price": {"id": "pri_01gsz8x8sawmvhz1pv30nge1ke", "product_id": "pro_01gsz4t5hdjse780zja8vvr7jg"},
        "product": {"id": "pro_01gsz4t5hdjse780zja8vvr7jg", "name": "Pro"}
    });
    let body = json!({
        "data": {"id": SUB, "status": "past_due", "customer_id": CTM,
                 "address_id": "add_01hv8gq3318ktkfengj2r75gfx", "currency_code": "EUR",
                 "created_at": "2024-04-12T10:18:48.831Z", "updated_at": "2024-04-12T10:18:48.831Z",
                 "collection_mode": "manual", "billing_cycle": {"interval": "year", "frequency": 1},
                 "scheduled_change": {"action": "pause", "effective_at": "2024-05-12T10:18:47Z",
                                      "resume_at": "2024-06-12T10:18:47Z"},
                 "items": [item]},
        "meta": {"request_id": "rid-sub"}
    });
    let (base, log) = reply(StatusCode::OK, body).await;
    let got = client(base, Duration::from_secs(5))
        .get_subscription(&sub())
        .await
        .unwrap();
    assert_eq!(got.request_id, "rid-sub");
    assert_eq!(got.data.status, SubscriptionStatus::PastDue);
    assert_eq!(got.data.collection_mode, CollectionMode::Manual);
    let change = got.data.scheduled_change.unwrap();
    assert_eq!(change.action, ScheduledChangeAction::Pause);
    assert!(change.resume_at.is_some());
    assert_eq!(got.data.items.items()[0].quantity, 3);
    assert_eq!(
        log.lock().unwrap()[0].path_and_query,
        format!("/subscriptions/{SUB}")
    );
}
