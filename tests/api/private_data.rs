//! What must not outlive its request: nothing private is cached, a malformed
//! subscription id is refused before it is stored anywhere, and a log-out sticks even
//! when a slower request of the same session finishes after it.
use std::time::Duration;

use crate::common::accounts::{Browser, COOKIE, unique_email};
use crate::common::emulator::eventually;
use crate::common::portal::{portal_calls, portal_link, portal_session, subscriber};
use crate::common::{backends, spawn_app_on};
use paddock::server::db::audit;
use serde_json::json;

fn no_store(res: &reqwest::Response) -> bool {
    res.headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"))
}

#[tokio::test]
async fn private_pages_and_portal_answers_are_never_cached() {
    let app = spawn_app_on(crate::common::Backend::Sqlite).await;
    let (mut user, _, sub) = subscriber(&app, &unique_email()).await;
    for path in [
        "/dashboard",
        "/dev/mail",
        "/verify-email?token=abc",
        "/reset-password?token=abc",
    ] {
        let res = user.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        assert!(no_store(&res), "{path}: {:?}", res.headers());
    }
    let session = user.post("/api/portal/session", &[]).await;
    assert_eq!(session.status(), 200);
    assert!(no_store(&session), "portal session answer");
    let form = [("subscription_id", sub.as_str()), ("action", "cancel")];
    let link = user.post("/api/portal/link", &form).await;
    assert_eq!(link.status(), 200);
    assert!(no_store(&link), "portal link answer");
    let refused = Browser::new(&app).post("/api/portal/session", &[]).await;
    assert_eq!(refused.status(), 401);
    assert!(no_store(&refused), "a refusal too");
}

#[tokio::test]
async fn a_malformed_or_huge_subscription_id_gets_a_4xx_and_is_stored_nowhere() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut user, _, sub) = subscriber(&app, &unique_email()).await;
        let before = portal_calls(&app).await;
        let huge = format!("sub_{}", "a".repeat(200 * 1024));
        let upper = sub.to_uppercase();
        for bad in [
            huge.as_str(),
            "sub_x",
            "ctm_01h8441jn5pcwrfhwh78jqt8hk",
            &upper,
            "",
        ] {
            let (status, body) = portal_link(&mut user, bad, "cancel").await;
            assert_eq!(status, 422, "{backend:?}: {:.40}", bad);
            assert!(
                body.to_string().contains("Not a Paddle subscription id"),
                "{body}"
            );
        }
        assert_eq!(portal_calls(&app).await, before, "Paddle is not called");
        let rows = audit::for_user(&app.db, 1).await.expect("audit rows");
        assert!(rows.is_empty(), "{backend:?}: nothing audited: {rows:?}");

        // The same endpoint still works for a well-formed id of the user's own.
        let (status, _) = portal_link(&mut user, &sub, "cancel").await;
        assert_eq!(status, 200);
        let rows = audit::for_user(&app.db, 1).await.expect("audit rows");
        assert_eq!(rows.len(), 1);
    }
}

/// A mint held open by a slow Paddle, a log-out meanwhile: when the mint's request
/// finishes and saves its session, the session must stay deleted.
#[tokio::test]
async fn a_log_out_sticks_when_an_older_request_of_the_session_finishes_after_it() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut user, _, _) = subscriber(&app, &unique_email()).await;
        let cookie = user.cookie.clone().expect("signed in");
        app.emulator_control("faults", json!({"count": 1, "delay_ms": 1500}))
            .await;
        let slow = {
            let request = app
                .client
                .post(app.url("/api/portal/session"))
                .header("origin", &app.origin)
                .header("cookie", format!("{COOKIE}={cookie}"));
            tokio::spawn(async move { request.send().await.expect("answer").status() })
        };
        // Log out once the mint is inside Paddle's delay (it took the fault), so that it
        // loaded the session before the log-out, however slowly this machine runs.
        eventually(
            "the mint reaches Paddle",
            Duration::from_secs(10),
            || async {
                let faults = app
                    .emulator_control("faults", json!({"count": 0, "delay_ms": 0}))
                    .await;
                (faults["pending"] == 0).then_some(())
            },
        )
        .await;
        let out = user.post("/api/auth/logout", &[]).await;
        assert_eq!(out.status(), 200, "{backend:?}");
        let slow = slow.await.expect("joined");
        assert_eq!(slow, 200, "{backend:?}: the slow mint itself finished");

        let mut old = Browser::new(&app);
        old.cookie = Some(cookie);
        assert_eq!(
            old.get("/dashboard").await.status(),
            307,
            "{backend:?}: the session is still gone"
        );
        let (status, _) = portal_session(&mut old).await;
        assert_eq!(status, 401, "{backend:?}");
    }
}
