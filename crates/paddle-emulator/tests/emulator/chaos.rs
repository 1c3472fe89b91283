//! Chaos: duplicates and disorder, but every event still arrives at least once.

use std::collections::HashMap;

use paddle_emulator::WebhookDestination;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::receiver::{self, SECRET};
use crate::support::schema::assert_event;
use crate::support::{eventually, spawn};

#[tokio::test]
async fn with_chaos_on_every_event_arrives_at_least_once_some_twice() {
    let hooks = receiver::start(0).await;
    let app = spawn().await;
    app.emulator.add_destination(WebhookDestination {
        url: hooks.url.clone(),
        secret: SECRET.into(),
    });
    let (status, body) = app.control("chaos", json!({"enabled": true})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"enabled": true})));
    for n in 0..4 {
        app.checkout(&format!("user{n}@example.com")).await;
    }
    let log = eventually("every chaos delivery to finish", || async {
        let log = app.inspect("deliveries").await;
        let entries = log.as_array().unwrap().clone();
        entries
            .iter()
            .all(|d| d["delivered"] == true)
            .then_some(entries)
    })
    .await;
    let events: Vec<&str> = log
        .iter()
        .filter(|d| d["duplicate"] == false)
        .map(|d| d["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(events.len(), 32, "4 checkouts × 8 events");
    let mut arrivals: HashMap<String, usize> = HashMap::new();
    for body in hooks.accepted() {
        assert_event(&body);
        *arrivals
            .entry(body["event_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for event in &events {
        assert!(
            arrivals.get(*event).copied().unwrap_or(0) >= 1,
            "{event} never arrived"
        );
    }
    assert!(
        arrivals.values().any(|&n| n > 1),
        "chaos delivers duplicates"
    );
    assert!(hooks.all().iter().all(|r| r.verified));

    app.control("chaos", json!({"enabled": false})).await;
    let before = hooks.all().len();
    app.checkout("calm@example.com").await;
    hooks.wait_accepted(before + 8).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        hooks.all().len(),
        before + 8,
        "no duplicates once chaos is off"
    );
}
