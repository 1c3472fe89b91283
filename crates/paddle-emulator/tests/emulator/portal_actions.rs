//! Portal forms really change state and send Paddle's webhooks.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::receiver::{self, Receiver, SECRET};
use crate::support::{TestEmulator, spawn};
use paddle_emulator::WebhookDestination;

/// GETs a portal link: `(status, html)`.
pub async fn open(app: &TestEmulator, link: &str) -> (StatusCode, String) {
    let response = app.http.get(link).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// Every form on a page: `(action path, nonce, legend)`.
pub fn forms(html: &str) -> Vec<(String, String, String)> {
    html.split("<form ")
        .skip(1)
        .map(|form| {
            let part = |start, end| between(form, start, end).unwrap_or_default().to_owned();
            (
                part("action=\"", "\""),
                part("name=\"nonce\" value=\"", "\""),
                part("<legend>", "</legend>"),
            )
        })
        .collect()
}

/// Posts a form: `(status, html)`.
pub async fn submit(
    app: &TestEmulator,
    action: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = app
        .http
        .post(app.url(action))
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Opens the cancel deep link for `sub` and submits it with `when`; returns the page.
pub async fn cancel_via_portal(
    app: &TestEmulator,
    customer: &str,
    sub: &str,
    when: &str,
) -> String {
    let session = app.portal_session(customer, &[sub]).await;
    let link = session["data"]["urls"]["subscriptions"][0]["cancel_subscription"]
        .as_str()
        .unwrap();
    let (status, page) = open(app, link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let (action, nonce, _) = forms(&page).into_iter().next().unwrap();
    let (status, page) = submit(app, &action, &[("nonce", &nonce), ("when", when)]).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

async fn with_receiver() -> (TestEmulator, Receiver) {
    let app = spawn().await;
    let hooks = receiver::start(0).await;
    app.emulator.add_destination(WebhookDestination {
        url: hooks.url.clone(),
        secret: SECRET.into(),
    });
    (app, hooks)
}

async fn subscription(app: &TestEmulator, id: &str) -> Value {
    app.get(&format!("/subscriptions/{id}")).await.body["data"].clone()
}

#[tokio::test]
async fn cancel_at_period_end_schedules_it_keeps_active_and_sends_updated() {
    let (app, hooks) = with_receiver().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    hooks.wait_accepted(8).await;
    let page = cancel_via_portal(&app, &customer, &sub, "period_end").await;
    assert!(page.contains("Cancellation scheduled"));
    let now = subscription(&app, &sub).await;
    assert_eq!(now["status"], "active");
    assert_eq!(now["scheduled_change"]["action"], "cancel");
    assert_eq!(
        now["scheduled_change"]["effective_at"],
        now["current_billing_period"]["ends_at"]
    );
    assert_eq!(now["canceled_at"], Value::Null);
    hooks.wait_accepted(9).await;
    let updated = hooks.of_type("subscription.updated");
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0]["data"]["scheduled_change"]["action"], "cancel");
    assert!(hooks.of_type("subscription.canceled").is_empty());
}

#[tokio::test]
async fn cancel_now_cancels_and_sends_updated_then_canceled() {
    let (app, hooks) = with_receiver().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let page = cancel_via_portal(&app, &customer, &sub, "now").await;
    assert!(page.contains("Subscription canceled"));
    let now = subscription(&app, &sub).await;
    assert_eq!(now["status"], "canceled");
    assert!(now["canceled_at"].is_string());
    assert_eq!(now["current_billing_period"], Value::Null);
    assert_eq!(now["next_billed_at"], Value::Null);
    hooks.wait_accepted(10).await;
    let canceled = hooks.of_type("subscription.canceled");
    assert_eq!(canceled.len(), 1);
    assert_eq!(canceled[0]["data"]["status"], "canceled");
    assert_eq!(canceled[0]["data"]["id"], sub.as_str());
    assert_eq!(hooks.of_type("subscription.updated").len(), 1);
}

#[tokio::test]
async fn a_pages_forms_work_after_its_link_is_used_up_but_each_only_once() {
    let (app, hooks) = with_receiver().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    let session = app.portal_session(&customer, &[&sub]).await;
    let link = session["data"]["urls"]["subscriptions"][0]["update_subscription_payment_method"]
        .as_str()
        .unwrap();
    let (_, page) = open(&app, link).await;
    assert_eq!(
        open(&app, link).await.0,
        StatusCode::GONE,
        "the link is used up"
    );
    let (action, nonce, legend) = forms(&page).into_iter().next().unwrap();
    assert!(legend.starts_with("Payment method"), "{legend}");
    let (status, again) = submit(&app, &action, &[("nonce", &nonce), ("card_number", "42")]).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a refused form shows the page again"
    );
    let (_, nonce, _) = forms(&again).into_iter().next().unwrap();
    let card = [
        ("nonce", nonce.as_str()),
        ("card_number", "4242 4242 4242 4242"),
    ];
    let (status, done) = submit(&app, &action, &card).await;
    assert_eq!(status, StatusCode::OK);
    assert!(done.contains("Payment method updated"));
    let (status, expired) = submit(&app, &action, &card).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(expired.contains("This link has expired"));
    hooks.wait_accepted(9).await;
    assert_eq!(hooks.of_type("subscription.updated").len(), 1);
}

#[tokio::test]
async fn the_overview_lists_subscriptions_and_cancels_from_there() {
    let app = spawn().await;
    let (customer, first) = app.checkout("jo@example.com").await;
    let (_, second) = app.checkout("jo@example.com").await;
    let session = app.portal_session(&customer, &[]).await;
    let (_, page) = open(
        &app,
        session["data"]["urls"]["general"]["overview"]
            .as_str()
            .unwrap(),
    )
    .await;
    assert!(page.contains(&first) && page.contains(&second));
    let cancel = forms(&page)
        .into_iter()
        .find(|(_, _, legend)| legend.starts_with("Cancel"))
        .unwrap();
    let (status, _) = submit(&app, &cancel.0, &[("nonce", &cancel.1), ("when", "now")]).await;
    assert_eq!(status, StatusCode::OK);
    let canceled = app.get("/subscriptions?status=canceled").await;
    assert_eq!(canceled.body["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_deep_link_to_a_canceled_subscription_opens_the_overview() {
    let app = spawn().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    cancel_via_portal(&app, &customer, &sub, "now").await;
    let session = app.portal_session(&customer, &[&sub]).await;
    let link = session["data"]["urls"]["subscriptions"][0]["cancel_subscription"]
        .as_str()
        .unwrap();
    let (status, page) = open(&app, link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Your subscriptions") && page.contains("canceled"));
    assert!(forms(&page).is_empty(), "nothing left to change");
}
