//! The portal endpoints when Paddle fails or is slow, and the per-user mint limit.
use crate::common::accounts::unique_email;
use crate::common::portal::{portal_calls, portal_link, portal_session, subscriber};
use crate::common::spawn_app_with;
use crate::common::{Backend, spawn_app_on};
use serde_json::{Value, json};

const UNAVAILABLE: &str = "The billing portal is temporarily unavailable. Please try again.";

#[tokio::test]
async fn paddle_errors_and_timeouts_give_the_friendly_message() {
    let app = spawn_app_with(Backend::Sqlite, &[("PADDLE_TIMEOUT_SECS", "1")]).await;
    let (mut user, _, _) = subscriber(&app, &unique_email()).await;
    let faults: [Value; 3] = [
        json!({"count": 1, "status": 500}),
        json!({"count": 1, "status": 429, "retry_after": 30}),
        json!({"count": 1, "delay_ms": 2500}),
    ];
    for fault in faults {
        app.emulator_control("faults", fault.clone()).await;
        let started = std::time::Instant::now();
        let (status, body) = portal_session(&mut user).await;
        assert!(
            started.elapsed().as_millis() < 2400,
            "{fault}: the 1 s timeout holds"
        );
        assert_eq!(status, 503, "{fault}: {body}");
        let text = body.to_string();
        assert!(text.contains(UNAVAILABLE), "{fault}: {text}");
        assert!(
            !text.contains("request_id") && !text.contains("Paddle API"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_short_retry_after_is_retried_once() {
    let app = spawn_app_on(Backend::Sqlite).await;
    let (mut user, _, _) = subscriber(&app, &unique_email()).await;
    let before = portal_calls(&app).await;
    app.emulator_control(
        "faults",
        json!({"count": 1, "status": 429, "retry_after": 1}),
    )
    .await;
    let (status, body) = portal_session(&mut user).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(portal_calls(&app).await, before + 2, "one retry");

    app.emulator_control(
        "faults",
        json!({"count": 2, "status": 429, "retry_after": 1}),
    )
    .await;
    let (status, _) = portal_session(&mut user).await;
    assert_eq!(status, 503, "no second retry");
}

#[tokio::test]
async fn mints_are_limited_per_user() {
    for backend in crate::common::backends() {
        let app = spawn_app_with(backend, &[("PORTAL_MINTS_PER_MINUTE", "2")]).await;
        let (mut user, _, sub) = subscriber(&app, &unique_email()).await;
        assert_eq!(portal_session(&mut user).await.0, 200);
        assert_eq!(portal_link(&mut user, &sub, "cancel").await.0, 200);
        let before = portal_calls(&app).await;
        let (status, body) = portal_session(&mut user).await;
        assert_eq!(status, 429, "{backend:?}");
        let text = body.to_string();
        assert!(text.contains("Too many requests. Try again in"), "{text}");
        assert_eq!(portal_calls(&app).await, before);
        let (mut other, _, _) = subscriber(&app, &unique_email()).await;
        assert_eq!(
            portal_session(&mut other).await.0,
            200,
            "another user is not limited"
        );
    }
}
