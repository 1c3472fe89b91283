//! Driving the app's embedded Paddle emulator: checkouts, portal cancels, chaos, and
//! comparing its state with the app's mirror.

use std::future::Future;
use std::time::{Duration, Instant};

use paddle::{
    Customer, CustomerId, ListCustomers, ListSubscriptions, Subscription, SubscriptionId,
};
use paddock::server::db::mirror;
use serde_json::{Value, json};

use super::TestApp;

impl TestApp {
    /// A URL on the embedded emulator.
    pub fn emulator_url(&self, path: &str) -> String {
        let origin = self.emulator_origin.as_ref().expect("local mode");
        origin.join(path).expect("emulator url").to_string()
    }

    /// POSTs a control endpoint (`/_emulator/{name}`) and returns its JSON answer.
    pub async fn emulator_control(&self, name: &str, body: Value) -> Value {
        let res = self
            .client
            .post(self.emulator_url(&format!("/_emulator/{name}")))
            .json(&body)
            .send()
            .await
            .expect("emulator answers");
        assert!(res.status().is_success(), "{name}: {}", res.status());
        res.json().await.expect("json")
    }

    /// A checkout in the emulator: `(customer_id, subscription_id)`.
    pub async fn emulator_checkout(&self, email: &str) -> (String, String) {
        let body = self
            .emulator_control("checkout", json!({ "email": email }))
            .await;
        let id = |key: &str| body[key].as_str().expect("id").to_owned();
        (id("customer_id"), id("subscription_id"))
    }

    /// Mints a portal session through the API, opens the cancel deep link of `sub` and
    /// submits its form with `when` (`period_end` or `now`).
    pub async fn cancel_via_portal(&self, customer: &str, sub: &str, when: &str) {
        let customer = CustomerId::parse(customer).expect("customer id");
        let sub = SubscriptionId::parse(sub).expect("subscription id");
        let session = self
            .paddle
            .create_portal_session(&customer, &[sub])
            .await
            .expect("portal session");
        let link = session.data.urls.subscriptions[0]
            .cancel_subscription
            .expose();
        let page = self.client.get(link).send().await.expect("portal page");
        assert!(page.status().is_success(), "{}", page.status());
        let html = page.text().await.expect("html");
        let action = between(&html, "<form action=\"", "\"")
            .or_else(|| between(&html, "action=\"", "\""))
            .expect("a form");
        let nonce = between(&html, "name=\"nonce\" value=\"", "\"").expect("a nonce");
        let res = self
            .client
            .post(self.emulator_url(action))
            .form(&[("nonce", nonce), ("when", when)])
            .send()
            .await
            .expect("form posts");
        assert!(res.status().is_success(), "{}", res.status());
    }

    /// Every customer (active or archived) and subscription the emulator's API lists.
    pub async fn emulator_state(&self) -> (Vec<Customer>, Vec<Subscription>) {
        let mut customers = Vec::new();
        let mut query = ListCustomers {
            status: vec![
                paddle::CustomerStatus::Active,
                paddle::CustomerStatus::Archived,
            ],
            per_page: Some(200),
            ..ListCustomers::default()
        };
        loop {
            let page = self.paddle.list_customers(&query).await.expect("list");
            customers.extend(page.data);
            match page.pagination.next_after() {
                Some(after) => query.after = Some(after.parse().expect("cursor")),
                None => break,
            }
        }
        let mut subscriptions = Vec::new();
        let mut query = ListSubscriptions {
            per_page: Some(200),
            ..ListSubscriptions::default()
        };
        loop {
            let page = self.paddle.list_subscriptions(&query).await.expect("list");
            subscriptions.extend(page.data);
            match page.pagination.next_after() {
                Some(after) => query.after = Some(after.parse().expect("cursor")),
                None => break,
            }
        }
        (customers, subscriptions)
    }

    /// Where the mirror differs from the emulator (status, customer, scheduled action).
    pub async fn mirror_differences(&self) -> Vec<String> {
        let (customers, subscriptions) = self.emulator_state().await;
        let mut diffs = Vec::new();
        for c in &customers {
            match mirror::customer_by_id(&self.db, c.id.as_str())
                .await
                .expect("q")
            {
                Some(row) if row.email == c.email.to_lowercase() => {}
                other => diffs.push(format!("customer {}: mirror has {other:?}", c.id)),
            }
        }
        for s in &subscriptions {
            let rows = mirror::subscriptions_for(&self.db, s.customer_id.as_str())
                .await
                .expect("q");
            let want = Some((
                s.status.as_str().to_owned(),
                s.scheduled_change.as_ref().map(|c| json!(c.action)),
            ));
            let got = rows.iter().find(|r| r.id == s.id.as_str()).map(|r| {
                let action = r
                    .scheduled_change
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<Value>(t).ok())
                    .map(|v| v["action"].clone());
                (r.status.clone(), action)
            });
            if got != want {
                diffs.push(format!(
                    "subscription {}: want {want:?}, mirror {got:?}",
                    s.id
                ));
            }
        }
        diffs
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// Polls `check` every 25 ms until it gives a value, failing after `deadline`.
pub async fn eventually<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < deadline,
            "not within {deadline:?}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
