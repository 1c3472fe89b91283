//! Scheduled changes taking effect when the clock passes them: a cancellation at the
//! period's end, a pause at the period's end, and the resumption at `resume_at`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::clock::{CHECKOUT, RENEWAL, at, period, seq};
use crate::portal_actions::cancel_via_portal;
use crate::support::spawn_receiving;

#[tokio::test]
async fn a_cancellation_at_period_end_takes_effect_when_the_period_ends() {
    let (app, hooks) = spawn_receiving().await;
    let (customer, sub) = app.checkout("jo@example.com").await;
    cancel_via_portal(&app, &customer, &sub, "period_end").await;
    let ends_at = app.subscription(&sub).await["current_billing_period"]["ends_at"].clone();

    app.advance("P20D", None).await;
    assert_eq!(app.subscription(&sub).await["status"], "active", "not yet");
    app.advance("P15D", None).await;
    let expected = seq(&[
        &CHECKOUT,
        &["subscription.updated"],
        &["subscription.updated", "subscription.canceled"],
    ]);
    assert_eq!(hooks.sequence(11).await, expected);
    let now = app.subscription(&sub).await;
    assert_eq!(now["status"], "canceled");
    assert_eq!(at(&now["canceled_at"]), at(&ends_at));
    assert_eq!(now["scheduled_change"], Value::Null);
    assert_eq!(now["next_billed_at"], Value::Null);
    let renewals = app.transactions("origin=subscription_recurring").await;
    assert!(renewals.is_empty(), "nothing billed");
    let events = hooks.in_order();
    assert_eq!(
        at(&events[9]["occurred_at"]),
        at(&ends_at),
        "at the period's end"
    );
    assert_eq!(events[10]["data"]["status"], "canceled");
}

#[tokio::test]
async fn a_pause_at_period_end_pauses_then_resumes_at_resume_at_with_a_new_period() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let ends_at = app.subscription(&sub).await["current_billing_period"]["ends_at"].clone();
    let resumes = at(&ends_at) + time::Duration::days(10);
    let resume_at = resumes
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body = json!({"effective_from": "next_billing_period", "resume_at": resume_at});
    let answer = app
        .post(&format!("/subscriptions/{sub}/pause"), &body.to_string())
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["status"], "active");
    assert_eq!(answer.body["data"]["scheduled_change"]["action"], "pause");
    assert_eq!(
        at(&answer.body["data"]["scheduled_change"]["effective_at"]),
        at(&ends_at)
    );

    app.advance("P1M", None).await;
    let paused = app.subscription(&sub).await;
    assert_eq!(paused["status"], "paused");
    assert_eq!(at(&paused["paused_at"]), at(&ends_at));
    assert_eq!(paused["current_billing_period"], Value::Null);
    assert_eq!(paused["scheduled_change"]["action"], "resume");
    assert!(
        app.transactions("origin=subscription_recurring")
            .await
            .is_empty(),
        "a paused period is not billed"
    );

    app.advance("P10D", None).await;
    let resumed = seq(&[
        &["subscription.updated", "subscription.resumed"],
        &RENEWAL[1..],
    ]);
    let expected = seq(&[
        &CHECKOUT,
        &["subscription.updated"],
        &["subscription.updated", "subscription.paused"],
        &resumed.iter().map(String::as_str).collect::<Vec<_>>(),
    ]);
    assert_eq!(hooks.sequence(19).await, expected);
    let now = app.subscription(&sub).await;
    assert_eq!(now["status"], "active");
    assert_eq!(now["paused_at"], Value::Null);
    assert_eq!(now["scheduled_change"], Value::Null);
    assert_eq!(at(&now["current_billing_period"]["starts_at"]), resumes);
    let txns = app
        .transactions("status=completed&origin=subscription_recurring")
        .await;
    assert_eq!(txns.len(), 1);
    assert_eq!(
        period(&txns[0]["billing_period"]),
        period(&now["current_billing_period"])
    );
}
