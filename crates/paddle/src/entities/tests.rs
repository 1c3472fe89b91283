#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use serde_json::json;
use time::macros::datetime;

use super::*;
use crate::ids::SubscriptionId;

const TOKEN: &str = "pga_eyJhbGciOiJIUzI1NiJ9.secret";

fn portal_json() -> serde_json::Value {
    let base = "https://customer-portal.paddle.com/cpl_01j7zbyqs3vah3aafp4jf62qaw";
    json!({
        "id": "cpls_01h4ge9r64c22exjsx0fy8b48b",
        "customer_id": "ctm_01gysfvfy7vqhpzkq8rjmrq7an",
        "urls": {
            "general": {"overview": format!("{base}?action=overview&token={TOKEN}")},
            "subscriptions": [{
                "id": "sub_01h04vsc0qhwtsbsxh3422wjs4",
                "cancel_subscription": format!("{base}?action=cancel_subscription&token={TOKEN}"),
                "update_subscription_payment_method":
                    format!("{base}?action=update_subscription_payment_method&token={TOKEN}")
            }]
        },
        "created_at": "2024-10-25T06:53:58Z"
    })
}

fn item_json() -> serde_json::Value {
    json!({
        "status": "active", "quantity": 10, "recurring": true,
        "created_at": "2024-04-12T10:18:48.831Z", "updated_at": "2024-04-12T10:18:48.831Z",
        "previously_billed_at": "2024-04-12T10:18:47.635628Z",
        "next_billed_at": "2024-05-12T10:18:47.635628Z", "trial_dates": null,
        "price": {"id": "pri_01gsz8x8sawmvhz1pv30nge1ke", "product_id": "pro_01gsz4t5hdjse780zja8vvr7jg",
                  "name": "Monthly (per seat)", "tax_mode": "account_setting",
                  "unit_price": {"amount": "3000", "currency_code": "USD"},
                  "billing_cycle": {"interval": "month", "frequency": 1}},
        "product": {"id": "pro_01gsz4t5hdjse780zja8vvr7jg", "name": "AeroEdit Pro",
                    "image_url": "https://example.com/pro.png"},
        "a_field_added_later": {"nested": [1, 2, 3]}
    })
}

fn subscription_json() -> serde_json::Value {
    json!({
        "id": "sub_01hv8x29kz0t586xy6zn1a62ny", "status": "active",
        "customer_id": "ctm_01hv6y1jedq4p1n0yqn5ba3ky4", "address_id": "add_01hv8gq3318ktkfengj2r75gfx",
        "business_id": null, "currency_code": "USD",
        "created_at": "2024-04-12T10:18:48.831Z", "updated_at": "2024-04-12T10:18:48.831Z",
        "started_at": "2024-04-12T10:18:47.635628Z", "first_billed_at": null,
        "next_billed_at": null, "paused_at": null, "canceled_at": null, "discount": null,
        "collection_mode": "automatic", "billing_details": null,
        "current_billing_period": {"starts_at": "2024-04-12T10:18:47.635628Z",
                                   "ends_at": "2024-05-12T10:18:47.635628Z"},
        "billing_cycle": {"interval": "month", "frequency": 1},
        "scheduled_change": {"action": "cancel", "effective_at": "2024-05-12T10:18:47.635628Z",
                             "resume_at": null},
        "management_urls": {"update_payment_method": null,
                            "cancel": format!("https://buyer-portal.paddle.com/x?token={TOKEN}")},
        "items": [item_json()],
        "custom_data": {"plan": "team"}, "import_meta": null,
        "unknown_top_level": true
    })
}

#[test]
fn portal_session_parses_and_exposes_its_links() {
    let session: CustomerPortalSession = serde_json::from_value(portal_json()).unwrap();
    assert_eq!(session.id.as_str(), "cpls_01h4ge9r64c22exjsx0fy8b48b");
    assert_eq!(
        session.customer_id.unwrap().as_str(),
        "ctm_01gysfvfy7vqhpzkq8rjmrq7an"
    );
    assert_eq!(session.created_at, datetime!(2024-10-25 06:53:58 UTC));
    assert!(
        session
            .urls
            .general
            .overview
            .expose()
            .ends_with(&format!("token={TOKEN}"))
    );
    let sub = &session.urls.subscriptions[0];
    assert_eq!(sub.id.as_str(), "sub_01h04vsc0qhwtsbsxh3422wjs4");
    assert!(
        sub.cancel_subscription
            .expose()
            .contains("action=cancel_subscription")
    );
}

#[test]
fn portal_session_debug_redacts_every_link() {
    let session: CustomerPortalSession = serde_json::from_value(portal_json()).unwrap();
    let debug = format!("{session:?}");
    assert!(!debug.contains("token"), "{debug}");
    assert!(!debug.contains("https"), "{debug}");
    assert_eq!(debug.matches("[redacted]").count(), 3, "{debug}");
    assert!(debug.contains("cpls_01h4ge9r64c22exjsx0fy8b48b"));
}

#[test]
fn portal_session_without_subscriptions_has_an_empty_list() {
    let mut value = portal_json();
    value["urls"]
        .as_object_mut()
        .unwrap()
        .remove("subscriptions");
    let session: CustomerPortalSession = serde_json::from_value(value).unwrap();
    assert!(session.urls.subscriptions.is_empty());
}

#[test]
fn create_portal_session_serializes_the_ids_array() {
    let id = SubscriptionId::parse("sub_01h04vsc0qhwtsbsxh3422wjs4").unwrap();
    let body = CreatePortalSession {
        subscription_ids: vec![id],
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        json!({"subscription_ids": ["sub_01h04vsc0qhwtsbsxh3422wjs4"]})
    );
    let empty = CreatePortalSession::default();
    assert_eq!(
        serde_json::to_value(&empty).unwrap(),
        json!({"subscription_ids": []})
    );
}

#[test]
fn create_portal_session_accepts_both_sdk_shapes_and_nothing_else() {
    let node: CreatePortalSession = serde_json::from_str("{}").unwrap();
    assert!(node.subscription_ids.is_empty());
    let other: CreatePortalSession = serde_json::from_str(r#"{"subscription_ids":[]}"#).unwrap();
    assert_eq!(node, other);
    assert!(serde_json::from_str::<CreatePortalSession>(r#"{"customer_id":"x"}"#).is_err());
    assert!(
        serde_json::from_str::<CreatePortalSession>(
            r#"{"subscription_ids":["ctm_01gysfvfy7vqhpzkq8rjmrq7an"]}"#
        )
        .is_err()
    );
}

#[test]
fn customer_tolerates_unknown_and_missing_optional_fields() {
    let customer: Customer = serde_json::from_value(json!({
        "id": "ctm_01hv6y1jedq4p1n0yqn5ba3ky4", "email": "jo@example.com", "name": null,
        "created_at": "2024-04-11T15:57:24.813Z", "updated_at": "2024-04-11T15:59:56.658719Z",
        "brand_new_field": [1]
    }))
    .unwrap();
    assert_eq!(customer.name, None);
    assert_eq!(customer.status, CustomerStatus::Active);
    assert_eq!(customer.locale, "en");
    assert!(!customer.marketing_consent);
    assert_eq!(
        customer.updated_at,
        datetime!(2024-04-11 15:59:56.658719 UTC)
    );
}

#[test]
fn subscription_parses_scheduled_change_and_typed_items() {
    let sub: Subscription = serde_json::from_value(subscription_json()).unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    let change = sub.scheduled_change.as_ref().unwrap();
    assert_eq!(change.action, ScheduledChangeAction::Cancel);
    assert_eq!(
        change.effective_at,
        datetime!(2024-05-12 10:18:47.635628 UTC)
    );
    assert_eq!(change.resume_at, None);
    assert_eq!(sub.next_billed_at, None);
    assert_eq!(sub.business_id, None);
    assert_eq!(sub.items.len(), 1);
    let item = &sub.items.items()[0];
    assert_eq!(item.quantity, 10);
    assert_eq!(item.status, SubscriptionItemStatus::Active);
    assert_eq!(item.price.billing_cycle.unwrap().interval, Interval::Month);
    assert_eq!(item.product.name, "AeroEdit Pro");
    assert_eq!(sub.custom_data.unwrap()["plan"], "team");
}

#[test]
fn subscription_items_round_trip_the_whole_json_array() {
    let original = subscription_json();
    let sub: Subscription = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(sub.items.to_json(), original["items"]);
    let back = serde_json::to_value(&sub).unwrap();
    assert_eq!(back["items"], original["items"]);
    assert_eq!(back["items"][0]["a_field_added_later"]["nested"][2], 3);
    let again: Subscription = serde_json::from_value(back).unwrap();
    assert_eq!(again, sub);
}

#[test]
fn subscription_debug_redacts_management_urls() {
    let sub: Subscription = serde_json::from_value(subscription_json()).unwrap();
    let debug = format!("{sub:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("[redacted]"));
}

#[test]
fn subscription_rejects_an_unknown_status_and_a_bad_id() {
    let mut value = subscription_json();
    value["status"] = json!("expired");
    assert!(serde_json::from_value::<Subscription>(value).is_err());
    let mut value = subscription_json();
    value["customer_id"] = json!("cus_123");
    assert!(serde_json::from_value::<Subscription>(value).is_err());
}

#[test]
fn subscription_items_reject_an_item_that_does_not_decode() {
    let mut value = subscription_json();
    value["items"][0]["quantity"] = json!("ten");
    assert!(serde_json::from_value::<Subscription>(value).is_err());
}

#[test]
fn every_subscription_status_round_trips_by_its_spelling() {
    for status in SubscriptionStatus::ALL {
        let json = serde_json::to_value(status).unwrap();
        assert_eq!(json, json!(status.as_str()));
        assert_eq!(
            serde_json::from_value::<SubscriptionStatus>(json).unwrap(),
            status
        );
    }
}

#[test]
fn view_subscription_links_are_read_when_sent_and_optional_otherwise() {
    let base = "https://customer-portal.paddle.com/cpl_01j7zbyqs3vah3aafp4jf62qaw";
    let view = format!("{base}?action=view_subscription&token={TOKEN}");
    let mut value = portal_json();
    value["urls"]["subscriptions"][0]["view_subscription"] = json!(view);
    let session: CustomerPortalSession = serde_json::from_value(value).unwrap();
    let sub = &session.urls.subscriptions[0];
    assert_eq!(
        sub.view_subscription.as_ref().map(SecretUrl::expose),
        Some(view.as_str())
    );
    assert_eq!(format!("{session:?}").matches("[redacted]").count(), 4);
    let older: CustomerPortalSession = serde_json::from_value(portal_json()).unwrap();
    assert_eq!(older.urls.subscriptions[0].view_subscription, None);
    let written = serde_json::to_value(&older).unwrap();
    assert!(
        written["urls"]["subscriptions"][0]
            .get("view_subscription")
            .is_none()
    );

    let mut value = subscription_json();
    value["management_urls"]["view_subscription"] = json!(view);
    let sub: Subscription = serde_json::from_value(value).unwrap();
    let urls = sub.management_urls.unwrap();
    assert_eq!(
        urls.view_subscription.as_ref().map(SecretUrl::expose),
        Some(view.as_str())
    );
    let older: Subscription = serde_json::from_value(subscription_json()).unwrap();
    assert_eq!(older.management_urls.unwrap().view_subscription, None);
}
