//! End to end: a checkout in the embedded emulator reaches the app's mirror by webhook.
#![cfg(feature = "ssr")]

mod common;

use std::time::{Duration, Instant};

use common::{backends, spawn_app_on};
use paddock::server::db::mirror;

#[tokio::test]
async fn an_emulator_checkout_lands_in_the_mirror_within_a_second() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let origin = app.emulator_origin.clone().expect("local mode");
        let email = "grace.hopper@example.com";
        let res = app
            .client
            .post(origin.join("/_emulator/checkout").expect("url"))
            .json(&serde_json::json!({ "email": email }))
            .send()
            .await
            .expect("checkout");
        assert!(res.status().is_success(), "{}", res.status());
        let started = Instant::now();
        let (customer, subs) = loop {
            let customer = mirror::customer_by_email(&app.db, email).await.expect("q");
            if let Some(customer) = customer {
                let subs = mirror::subscriptions_for(&app.db, &customer.id)
                    .await
                    .expect("q");
                if subs.iter().any(|s| s.status == "active") {
                    break (customer, subs);
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{backend:?}: the mirror did not fill within a second"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        };
        assert_eq!(customer.email, email);
        assert_eq!(subs.len(), 1, "{backend:?}");
        assert_eq!(subs[0].customer_id, customer.id);
    }
}
