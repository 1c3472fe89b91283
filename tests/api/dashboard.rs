//! `/dashboard`'s billing section, rendered on the server from the mirror: the
//! subscriptions in words with their portal buttons, "Subscribe first" without a
//! customer, nothing of billing for an unverified user.
use std::time::Duration;

use crate::common::accounts::{PASSWORD, log_in, sign_up, unique_email, verified_user};
use crate::common::emulator::eventually;
use crate::common::portal::{portal_calls, subscriber};
use crate::common::{backends, spawn_app_on};
use paddock::server::db::mirror;

#[tokio::test]
async fn a_subscriber_sees_each_subscription_in_words_with_its_buttons() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        let (mut user, _, sub) = subscriber(&app, &email).await;
        let before = portal_calls(&app).await;
        let html = user.get("/dashboard").await.text().await.expect("html");
        assert!(html.contains("Manage subscription"), "{backend:?}");
        assert!(html.contains(&format!("data-subscription-id=\"{sub}\"")));
        assert!(html.contains("<h3 id=\"sub-"), "a named row");
        assert!(
            html.contains("Pro") && html.contains("Monthly"),
            "product and price"
        );
        assert!(html.contains("Active") && html.contains("Next bill"));
        assert!(html.contains(&format!("name=\"subscription_id\" value=\"{sub}\"")));
        assert!(html.contains("name=\"action\" value=\"cancel\""));
        assert!(html.contains("name=\"action\" value=\"update_payment_method\""));
        assert!(!html.contains("Subscribe first"));
        assert_eq!(portal_calls(&app).await, before, "rendering mints nothing");
        assert!(!html.contains("pga_"), "no portal link in the page");
        assert!(
            !html.contains("can_cancel") && !html.contains("can_update_payment"),
            "the page data is shown, not serialized into the page"
        );
    }
}

#[tokio::test]
async fn a_scheduled_cancellation_shows_in_words_and_cancel_goes() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let email = unique_email();
    let (mut user, customer, sub) = subscriber(&app, &email).await;
    app.cancel_via_portal(&customer, &sub, "period_end").await;
    eventually(
        "the scheduled cancellation reaches the mirror",
        Duration::from_secs(5),
        || async {
            let subs = mirror::subscriptions_for(&app.db, &customer).await.ok()?;
            subs.iter()
                .any(|s| s.scheduled_change.is_some())
                .then_some(())
        },
    )
    .await;
    let html = user.get("/dashboard").await.text().await.expect("html");
    assert!(html.contains("Cancels on "), "{html}");
    assert!(
        !html.contains("name=\"action\" value=\"cancel\""),
        "already scheduled"
    );
    assert!(html.contains("name=\"action\" value=\"update_payment_method\""));
}

#[tokio::test]
async fn without_a_customer_the_dashboard_says_subscribe_first_with_the_checkout() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut user = log_in(&app, &email, PASSWORD).await;
        let html = user.get("/dashboard").await.text().await.expect("html");
        assert!(html.contains("Subscribe first"), "{backend:?}");
        assert!(html.contains("No Paddle customer"));
        assert!(!html.contains("Manage subscription"));
        let origin = app.emulator_origin.as_ref().expect("local mode").as_str();
        let checkout = format!("{}checkout?email=", origin);
        assert!(html.contains(&checkout), "emulator checkout link: {html}");
        let back: String = url::form_urlencoded::byte_serialize(
            format!("{}/dashboard", app.url("").trim_end_matches('/')).as_bytes(),
        )
        .collect();
        assert!(html.contains(&back), "returns to the dashboard");
    }
}

#[tokio::test]
async fn an_unverified_user_with_a_matching_customer_sees_no_billing() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let email = unique_email();
    sign_up(&app, &email).await;
    app.emulator_checkout(&email).await;
    let mut user = log_in(&app, &email, PASSWORD).await;
    let html = user.get("/dashboard").await.text().await.expect("html");
    assert!(html.contains("Verify your email to manage billing"));
    assert!(!html.contains("Manage subscription"));
    assert!(!html.contains("Monthly"), "no subscription shown: {html}");
}
