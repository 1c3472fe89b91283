//! Billing helpers: checkouts of a plan, the clock, payment declines, and reads of
//! subscriptions and transactions.

use paddle_emulator::WebhookDestination;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{TestEmulator, receiver, spawn_with};

impl TestEmulator {
    /// A checkout of `plan` for `email`: `(customer_id, subscription_id)`.
    pub async fn checkout_plan(&self, email: &str, plan: &str) -> (String, String) {
        let body = json!({"email": email, "plan": plan});
        let (status, body) = self.control("checkout", body).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = |key: &str| body[key].as_str().unwrap().to_owned();
        (id("customer_id"), id("subscription_id"))
    }

    /// `POST /_emulator/clock`: moves time forward by `by` (ISO 8601), for everyone or
    /// for `customer` alone.
    pub async fn advance(&self, by: &str, customer: Option<&str>) -> Value {
        let mut body = json!({"advance": by});
        if let Some(customer) = customer {
            body["customer_id"] = json!(customer);
        }
        let (status, body) = self.control("clock", body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Declines `customer`'s next `count` payments.
    pub async fn decline(&self, customer: &str, count: u32) {
        let body = json!({"count": count, "payment_decline": {"customer_id": customer}});
        let (status, body) = self.control("faults", body).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// `GET /subscriptions/{id}`'s `data`.
    pub async fn subscription(&self, id: &str) -> Value {
        let answer = self.get(&format!("/subscriptions/{id}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
        answer.body["data"].clone()
    }

    /// `GET /transactions?{query}`'s `data`.
    pub async fn transactions(&self, query: &str) -> Vec<Value> {
        let answer = self.get(&format!("/transactions?{query}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
        answer.body["data"].as_array().unwrap().clone()
    }
}

/// An emulator whose webhooks go to a fresh receiver that accepts every delivery.
pub async fn spawn_receiving() -> (TestEmulator, receiver::Receiver) {
    let hooks = receiver::start(0).await;
    let url = hooks.url.clone();
    let app = spawn_with(move |c| {
        c.webhook_destinations = vec![WebhookDestination {
            url,
            secret: receiver::SECRET.into(),
        }];
    })
    .await;
    (app, hooks)
}
