//! The API's subscription writes: cancel, resume, activate, and PATCH (undo a scheduled
//! change, change the items), each with Paddle's errors and events.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::clock::{CHECKOUT, RENEWAL, TRIAL_CHECKOUT, at, seq};
use crate::support::{spawn, spawn_receiving};

fn path(sub: &str, action: &str) -> String {
    format!("/subscriptions/{sub}/{action}")
}

#[tokio::test]
async fn cancel_at_period_end_schedules_it_and_patch_scheduled_change_null_undoes_it() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let answer = app.post(&path(&sub, "cancel"), "{}").await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    let data = &answer.body["data"];
    assert_eq!(data["status"], "active");
    assert_eq!(data["scheduled_change"]["action"], "cancel");
    assert_eq!(
        at(&data["scheduled_change"]["effective_at"]),
        at(&data["current_billing_period"]["ends_at"])
    );

    let undo = json!({"scheduled_change": null}).to_string();
    let answer = app.patch(&format!("/subscriptions/{sub}"), &undo).await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["scheduled_change"], Value::Null);
    let expected = seq(&[&CHECKOUT, &["subscription.updated", "subscription.updated"]]);
    assert_eq!(hooks.sequence(10).await, expected);
    app.advance("P35D", None).await;
    assert_eq!(
        app.subscription(&sub).await["status"],
        "active",
        "renewed, not canceled"
    );
}

#[tokio::test]
async fn cancel_immediately_cancels_and_a_second_cancel_is_refused() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let body = json!({"effective_from": "immediately"}).to_string();
    let answer = app.post(&path(&sub, "cancel"), &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["status"], "canceled");
    let expected = seq(&[
        &CHECKOUT,
        &["subscription.updated", "subscription.canceled"],
    ]);
    assert_eq!(hooks.sequence(10).await, expected);

    let again = app.post(&path(&sub, "cancel"), &body).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "subscription_is_canceled_action_invalid");
    let update = json!({"scheduled_change": null}).to_string();
    let answer = app.patch(&format!("/subscriptions/{sub}"), &update).await;
    assert_eq!(answer.code(), "subscription_update_when_canceled");
}

#[tokio::test]
async fn cancel_validates_its_body_and_the_id() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let bad = json!({"effective_from": "tomorrow"}).to_string();
    let answer = app.post(&path(&sub, "cancel"), &bad).await;
    assert_eq!(answer.code(), "invalid_field");
    assert_eq!(answer.fields(), ["effective_from"]);
    let extra = json!({"reason": "x"}).to_string();
    assert_eq!(
        app.post(&path(&sub, "cancel"), &extra).await.fields(),
        ["reason"]
    );
    let unknown = app
        .post(&path("sub_01aaaaaaaaaaaaaaaaaaaaaaaa", "cancel"), "{}")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "not_found");
}

#[tokio::test]
async fn resume_immediately_resumes_a_paused_subscription_and_bills_a_new_period() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let refused = app.post(&path(&sub, "resume"), "").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.code(), "subscription_must_be_paused");

    let now = json!({"effective_from": "immediately"}).to_string();
    let paused = app.post(&path(&sub, "pause"), &now).await;
    assert_eq!(paused.body["data"]["status"], "paused");
    let answer = app.post(&path(&sub, "resume"), &now).await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["status"], "active");
    assert_eq!(answer.body["data"]["paused_at"], Value::Null);
    let expected = seq(&[
        &CHECKOUT,
        &["subscription.updated", "subscription.paused"],
        &["subscription.updated", "subscription.resumed"],
        &RENEWAL[1..],
    ]);
    assert_eq!(hooks.sequence(18).await, expected);
    assert_eq!(
        app.transactions("origin=subscription_recurring")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn resume_at_a_date_schedules_the_resumption() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let now = json!({"effective_from": "immediately"}).to_string();
    app.post(&path(&sub, "pause"), &now).await;
    let body = json!({"effective_from": "2099-01-01T00:00:00Z"}).to_string();
    let answer = app.post(&path(&sub, "resume"), &body).await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["status"], "paused");
    assert_eq!(answer.body["data"]["scheduled_change"]["action"], "resume");
    let past = json!({"effective_from": "2000-01-01T00:00:00Z"}).to_string();
    assert_eq!(
        app.post(&path(&sub, "resume"), &past).await.fields(),
        ["effective_from"]
    );
    let later = json!({"on_resume": "continue_existing_billing_period"}).to_string();
    assert_eq!(
        app.post(&path(&sub, "resume"), &later).await.fields(),
        ["on_resume"]
    );
}

#[tokio::test]
async fn activate_ends_a_trial_now_and_refuses_an_active_subscription() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout_plan("jo@example.com", "pro-trial").await;
    let answer = app.post(&path(&sub, "activate"), "").await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(answer.body["data"]["status"], "active");
    let expected = seq(&[&TRIAL_CHECKOUT, &RENEWAL, &["subscription.activated"]]);
    assert_eq!(hooks.sequence(16).await, expected);

    let again = app.post(&path(&sub, "activate"), "").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "subscription_cannot_activate");
}

#[tokio::test]
async fn patch_items_replaces_the_plan_billed_from_the_next_renewal() {
    let (app, hooks) = spawn_receiving().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let body = json!({
        "items": [{"price_id": "pri_01emulator00000000000basic", "quantity": 1}],
        "proration_billing_mode": "prorated_next_billing_period",
    });
    let answer = app
        .patch(&format!("/subscriptions/{sub}"), &body.to_string())
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:#}", answer.body);
    assert_eq!(
        answer.body["data"]["items"][0]["price"]["id"],
        "pri_01emulator00000000000basic"
    );
    assert_eq!(answer.body["data"]["items"][0]["product"]["name"], "Basic");
    assert_eq!(
        hooks.sequence(9).await,
        seq(&[&CHECKOUT, &["subscription.updated"]])
    );
    app.advance("P1M", None).await;
    let txns = app.transactions("").await;
    assert_eq!(txns[0]["details"]["totals"]["total"], "1000");
}

#[tokio::test]
async fn patch_refuses_what_paddle_or_the_emulator_does_not_take() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let patch = |body: Value| {
        let app = &app;
        let sub = sub.clone();
        async move {
            app.patch(&format!("/subscriptions/{sub}"), &body.to_string())
                .await
        }
    };
    let no_mode = patch(json!({"items": [{"price_id": "pri_01emulator00000000000basic"}]})).await;
    assert_eq!(no_mode.fields(), ["proration_billing_mode"]);
    let unknown_price = patch(
        json!({"items": [{"price_id": "pri_01aaaaaaaaaaaaaaaaaaaaaaaa"}],
        "proration_billing_mode": "do_not_bill"}),
    )
    .await;
    assert_eq!(unknown_price.fields(), ["items[0].price_id"]);
    let immediate = patch(
        json!({"items": [{"price_id": "pri_01emulator00000000000basic"}],
        "proration_billing_mode": "prorated_immediately"}),
    )
    .await;
    assert_eq!(immediate.fields(), ["proration_billing_mode"]);
    let change = patch(json!({"scheduled_change": {"action": "cancel"}})).await;
    assert_eq!(change.fields(), ["scheduled_change"]);
    let unsupported = patch(json!({"next_billed_at": "2099-01-01T00:00:00Z"})).await;
    assert_eq!(unsupported.code(), "invalid_field");
    assert_eq!(unsupported.fields(), ["next_billed_at"]);
}

#[tokio::test]
async fn pause_answers_paddles_codes_for_canceled_and_paused_subscriptions() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let now = json!({"effective_from": "immediately"}).to_string();
    assert_eq!(
        app.post(&path(&sub, "pause"), &now).await.body["data"]["status"],
        "paused"
    );
    let again = app.post(&path(&sub, "pause"), &now).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.code(), "subscription_not_active");
    app.post(&path(&sub, "cancel"), &now).await;
    let canceled = app.post(&path(&sub, "pause"), &now).await;
    assert_eq!(canceled.code(), "subscription_is_canceled_action_invalid");
    let resume = app.post(&path(&sub, "resume"), &now).await;
    assert_eq!(resume.code(), "subscription_is_canceled_action_invalid");
}

#[tokio::test]
async fn a_paused_subscription_is_canceled_now_by_default_and_never_at_a_period_end() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let now = json!({"effective_from": "immediately"}).to_string();
    app.post(&path(&sub, "pause"), &now).await;
    let later = json!({"effective_from": "next_billing_period"}).to_string();
    let refused = app.post(&path(&sub, "cancel"), &later).await;
    assert_eq!(refused.code(), "subscription_not_active");
    for (i, default) in ["{}", r#"{"effective_from": null}"#]
        .into_iter()
        .enumerate()
    {
        let (_, sub) = app.checkout(&format!("paused{i}@example.com")).await;
        app.post(&path(&sub, "pause"), &now).await;
        let answer = app.post(&path(&sub, "cancel"), default).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{default}: {:#}",
            answer.body
        );
        assert_eq!(answer.body["data"]["status"], "canceled", "{default}");
        assert_eq!(answer.body["data"]["scheduled_change"], Value::Null);
    }
}

#[tokio::test]
async fn pause_refuses_fields_it_does_not_take_and_the_on_resume_it_does_not_implement() {
    let app = spawn().await;
    let (_, sub) = app.checkout("jo@example.com").await;
    let pause = |body: Value| {
        let app = &app;
        let at = path(&sub, "pause");
        async move { app.post(&at, &body.to_string()).await }
    };
    let typo = pause(json!({"efective_from": "immediately"})).await;
    assert_eq!(typo.code(), "invalid_field");
    assert_eq!(typo.fields(), ["efective_from"]);
    let keep = pause(
        json!({"effective_from": "immediately", "on_resume": "continue_existing_billing_period"}),
    )
    .await;
    assert_eq!(keep.fields(), ["on_resume"]);
    let odd = pause(json!({"on_resume": "later"})).await;
    assert_eq!(odd.fields(), ["on_resume"]);
    let fine =
        pause(json!({"effective_from": "immediately", "on_resume": "start_new_billing_period"}))
            .await;
    assert_eq!(fine.status, StatusCode::OK, "{:#}", fine.body);
    assert_eq!(fine.body["data"]["status"], "paused");
}
