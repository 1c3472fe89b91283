//! `POST /api/portal/session` and `/api/portal/link`: who may mint, what comes back,
//! and that Paddle is not called when the answer is no.
use crate::common::accounts::{Browser, PASSWORD, log_in, sign_up, unique_email, verified_user};
use crate::common::portal::{
    portal_calls, portal_link, portal_session, subscriber, wait_for_subscription,
};
use crate::common::triggers::refuse_inserts;
use crate::common::webhooks::{T1, T2, customer_data, envelope, fresh_id};
use crate::common::{backends, spawn_app_on};
use paddock::server::db::audit;
use serde_json::Value;

fn url_of(body: &Value) -> &str {
    body["url"].as_str().expect("a url")
}

#[tokio::test]
async fn a_subscriber_gets_a_fresh_emulator_portal_url_and_nothing_else() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut user, _, _) = subscriber(&app, &unique_email()).await;
        let before = portal_calls(&app).await;
        let (status, first) = portal_session(&mut user).await;
        assert_eq!(status, 200, "{backend:?}: {first}");
        let object = first.as_object().expect("an object");
        assert_eq!(object.len(), 1, "only the url: {first}");
        let origin = app.emulator_origin.as_ref().expect("local").as_str();
        assert!(url_of(&first).starts_with(origin), "emulator portal");
        let (_, second) = portal_session(&mut user).await;
        assert_ne!(url_of(&first), url_of(&second), "minted afresh each time");
        assert_eq!(portal_calls(&app).await, before + 2, "no cache");
    }
}

#[tokio::test]
async fn nobody_signed_in_gets_nothing_and_paddle_is_not_called() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let before = portal_calls(&app).await;
    let (status, body) = portal_session(&mut Browser::new(&app)).await;
    assert_eq!(status, 401);
    assert!(body.to_string().contains("Not authenticated"), "{body}");
    let (status, _) = portal_link(&mut Browser::new(&app), "sub_x", "cancel").await;
    assert_eq!(status, 401);
    assert_eq!(portal_calls(&app).await, before);
}

#[tokio::test]
async fn no_customer_and_unverified_users_get_no_portal() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let email = unique_email();
        verified_user(&app, &email).await;
        let mut user = log_in(&app, &email, PASSWORD).await;
        let (status, body) = portal_session(&mut user).await;
        assert_eq!(status, 404, "{backend:?}");
        assert!(body.to_string().contains("No Paddle customer"), "{body}");

        let unverified = unique_email();
        sign_up(&app, &unverified).await;
        let (customer, sub) = app.emulator_checkout(&unverified).await;
        wait_for_subscription(&app, &customer, &sub).await;
        let before = portal_calls(&app).await;
        let mut other = log_in(&app, &unverified, PASSWORD).await;
        let (status, _) = portal_session(&mut other).await;
        assert_eq!(status, 403, "{backend:?}: unverified");
        assert_eq!(portal_calls(&app).await, before, "Paddle is not called");
    }
}

#[tokio::test]
async fn an_email_two_customers_share_gets_no_portal_and_is_told_why() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        // The owner's customer, then another whose email is the same address in capitals:
        // a spelling Paddle may keep apart, which the bridge reads as the same address.
        let email = unique_email();
        let (mut owner, _, sub) = subscriber(&app, &email).await;
        let mut lookalike = customer_data(&fresh_id("ctm"), &email.to_uppercase());
        let event = envelope("customer.created", &fresh_id("evt"), T1, lookalike.clone());
        assert_eq!(app.post_event(&event).await, 200);
        let before = portal_calls(&app).await;
        let (status, body) = portal_session(&mut owner).await;
        assert_eq!(status, 409, "{backend:?}: {body}");
        assert_eq!(body["error"], "shared_email", "{body}");
        let (status, _) = portal_link(&mut owner, &sub, "cancel").await;
        assert_eq!(status, 409, "{backend:?}: deep links too");
        assert_eq!(portal_calls(&app).await, before, "Paddle is not called");
        // The dashboard shows neither customer's subscriptions, and says why.
        let html = owner.get("/dashboard").await.text().await.expect("html");
        assert!(
            html.contains("More than one Paddle customer uses"),
            "{html}"
        );
        assert!(!html.contains("Manage subscription"), "{backend:?}");
        assert!(!html.contains(&sub), "no subscription shown");
        // Once the look-alike is archived in Paddle, the email leads to the owner's again.
        lookalike["status"] = serde_json::json!("archived");
        let event = envelope("customer.updated", &fresh_id("evt"), T2, lookalike);
        assert_eq!(app.post_event(&event).await, 200);
        let (status, body) = portal_session(&mut owner).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
    }
}

#[tokio::test]
async fn deep_links_only_for_the_users_own_subscriptions() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut alice, _, alice_sub) = subscriber(&app, &unique_email()).await;
        let (mut bob, _, bob_sub) = subscriber(&app, &unique_email()).await;
        let before = portal_calls(&app).await;
        let (status, body) = portal_link(&mut alice, &bob_sub, "cancel").await;
        assert_eq!(status, 404, "{backend:?}");
        assert!(
            body.to_string().contains("Subscription not found"),
            "{body}"
        );
        assert_eq!(portal_calls(&app).await, before, "Paddle is not called");

        for action in ["cancel", "update_payment_method"] {
            let (status, body) = portal_link(&mut bob, &bob_sub, action).await;
            assert_eq!(status, 200, "{backend:?} {action}: {body}");
            assert_eq!(body.as_object().map(|o| o.len()), Some(1));
            assert!(
                url_of(&body).contains(&bob_sub),
                "the link is for that subscription"
            );
        }
        let (status, _) = portal_link(&mut alice, &alice_sub, "delete").await;
        assert_eq!(status, 422, "unknown action");
    }
}

#[tokio::test]
async fn every_attempt_is_audited_without_the_url() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut user, customer, sub) = subscriber(&app, &unique_email()).await;
        let (_, body) = portal_session(&mut user).await;
        let (_, link) = portal_link(&mut user, &sub, "cancel").await;
        let rows = audit::for_user(&app.db, 1).await.expect("audit rows");
        assert_eq!(rows.len(), 2, "{backend:?}: {rows:?}");
        assert_eq!(rows[0].kind, "session");
        assert_eq!(rows[1].kind, "link");
        assert_eq!(rows[1].subscription_id.as_deref(), Some(sub.as_str()));
        for row in &rows {
            assert_eq!(row.outcome, "minted");
            assert_eq!(row.customer_id.as_deref(), Some(customer.as_str()));
            assert!(row.paddle_request_id.is_some());
            let text = format!("{row:?}");
            assert!(!text.contains(url_of(&body)) && !text.contains(url_of(&link)));
            assert!(!text.contains("token"), "no URL or token: {text}");
        }
    }
}

#[tokio::test]
async fn a_url_whose_audit_row_cannot_be_written_is_not_handed_out() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut user, _, sub) = subscriber(&app, &unique_email()).await;
        refuse_inserts(&app.db, "portal_audit", "outcome", "minted").await;
        let before = portal_calls(&app).await;
        let (status, session) = portal_session(&mut user).await;
        let (link_status, link) = portal_link(&mut user, &sub, "cancel").await;
        assert_eq!(portal_calls(&app).await, before + 2, "{backend:?}: minted");
        let origin = app.emulator_origin.as_ref().expect("local").as_str();
        for (status, body) in [(status, session), (link_status, link)] {
            assert_eq!(status, 503, "{backend:?}: {body}");
            assert!(body.get("url").is_none(), "{backend:?}: {body}");
            assert!(!body.to_string().contains(origin), "{backend:?}: {body}");
        }
        let rows = audit::for_user(&app.db, 1).await.expect("audit rows");
        assert!(rows.is_empty(), "{backend:?}: {rows:?}");
        // As in portal_audit.rs: closed while this runtime still runs, so that a connection
        // opened after the failed batch cannot hold up the scratch database's drop.
        app.db.close().await;
    }
}
