//! `paddock doctor`: a healthy local setup passes every check; each broken one is named
//! in its line, with the fix, and the exit code is non-zero. (Webhook refusals:
//! `doctor_refusals.rs`.)
use std::time::Duration;

use crate::common::{backends, spawn_app, spawn_app_on};

#[tokio::test]
async fn a_healthy_local_setup_passes_every_check() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        app.mirrored_checkout().await;

        let run = app.doctor(&[]).await;

        run.assert_healthy();
        assert!(!run.stdout.contains("WARN"), "{backend:?}: {}", run.stdout);
        run.says("database", "PASS", &["migrations applied"]);
        if backend == crate::common::Backend::Postgres {
            run.says("database durability", "PASS", &["fsync on"]);
        } else {
            assert!(
                !run.stdout.contains("database durability"),
                "{}",
                run.stdout
            );
        }
        run.says(
            "paddle api",
            "PASS",
            &["local emulator", "pdl_sdbx_apikey_01…", "accepted"],
        );
        run.says("portal sessions", "PASS", &["404"]);
        run.says(
            "webhooks received",
            "PASS",
            &["1 customer.created", "1 subscription.created"],
        );
        run.says("webhook refusals", "PASS", &["no delivery refused"]);
        run.says(
            "mirror",
            "PASS",
            &["1 customer and 1 subscription, as in Paddle"],
        );
        assert!(
            !run.stdout.contains("LocalEmulatorNotSecret"),
            "never the key"
        );
    }
}

#[tokio::test]
async fn a_database_that_is_down_or_hangs_fails_fast() {
    let app = spawn_app().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed_port = closed.local_addr().expect("addr").port();
    drop(closed);
    // Accepts connections (the kernel's backlog) but never answers.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hung_port = hung.local_addr().expect("addr").port();
    let cases = [
        (
            format!("postgres://paddock:hunter2@127.0.0.1:{closed_port}/paddock"),
            "refused",
        ),
        (
            format!("postgres://paddock:hunter2@127.0.0.1:{hung_port}/paddock"),
            "did not answer within 3 s",
        ),
        (
            "sqlite:///proc/paddock-doctor/none/paddock.db".to_owned(),
            "unable to open",
        ),
    ];
    for (url, why) in &cases {
        let run = app.doctor(&[("DATABASE_URL", url)]).await;

        run.assert_failed();
        run.says("database", "FAIL", &["cannot open", why, "fix: "]);
        assert!(
            run.took < Duration::from_secs(6),
            "{url}: took {:?}",
            run.took
        );
        assert!(!run.stdout.contains("hunter2"), "never the password");
        assert!(
            !run.stderr.contains("hunter2"),
            "never the password, on stderr either"
        );
        run.says("paddle api", "PASS", &[]);
        run.says("mirror", "WARN", &["not checked"]);
    }
    drop(hung);
}

#[tokio::test]
async fn mirror_drift_fails_saying_run_reconcile_and_reconcile_heals_it() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        app.mirrored_checkout().await;
        // Seeded customers reach the emulator's API but send no webhooks.
        app.emulator_control("seed", serde_json::json!({ "customers": 2 }))
            .await;

        let run = app.doctor(&[]).await;

        run.assert_failed();
        run.says(
            "mirror",
            "FAIL",
            &[
                "the mirror has 1 customer and 1 subscription, Paddle lists 3 customers and 1 subscription",
                "fix: run `paddock reconcile`",
            ],
        );
        assert!(app.paddock("reconcile", &[]).await.ok, "{backend:?}");
        let run = app.doctor(&[]).await;
        run.assert_healthy();
        run.says("mirror", "PASS", &["3 customers and 1 subscription"]);
    }
}

#[tokio::test]
async fn a_key_paddle_does_not_take_or_that_may_not_mint_fails() {
    let app = spawn_app().await;
    let key = "pdl_sdbx_apikey_01wrongwrongwrongwrongwrongwr_NotTheAppsKey";
    let run = app.doctor(&[("PADDLE_EMULATOR_API_KEYS", key)]).await;
    run.assert_failed();
    run.says(
        "paddle api",
        "FAIL",
        &[
            "the API key pdl_sdbx_apikey_01… is not accepted",
            "invalid_token",
            "fix: ",
        ],
    );
    assert!(!run.stdout.contains("NotTheAppsKey"), "never the key");

    // The emulator has no key permissions: a fault gives the probe Paddle's 403 `forbidden`.
    let fault = serde_json::json!({ "count": 1, "status": 403 });
    app.emulator_control("faults", fault).await;
    let run = app.doctor(&[]).await;
    run.assert_failed();
    run.says("paddle api", "PASS", &[]);
    run.says(
        "portal sessions",
        "FAIL",
        &["may not mint", "customer_portal_session.write"],
    );
}

#[tokio::test]
async fn nothing_answering_in_local_mode_is_named() {
    let app = spawn_app().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr").to_string();
    drop(closed);
    let run = app.doctor(&[("PADDLE_EMULATOR_ADDR", &addr)]).await;
    run.assert_failed();
    run.says(
        "paddle api",
        "FAIL",
        &[&addr, "nothing answers", "paddock serve"],
    );
}

#[tokio::test]
async fn invalid_settings_fail_naming_the_variable() {
    let app = spawn_app().await;
    let run = app.doctor(&[("PUBLIC_URL", "billing.example.com")]).await;
    run.assert_failed();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    run.says(
        "settings",
        "FAIL",
        &["PUBLIC_URL", "fix: correct PUBLIC_URL"],
    );
}

/// Every path an API does not serve answers 404 `not_found`, so the probe mint's 404
/// proves the key's permission only where the API is: a base URL with a wrong path
/// fails, and the right one passes.
#[tokio::test]
async fn an_api_url_with_a_path_the_api_does_not_serve_fails_the_paddle_api_check() {
    use crate::common::standalone::{Standalone, pairs};
    let app = spawn_app().await;
    let paddle = Standalone::start(&[], paddle_emulator::RetryPolicy::default()).await;
    let right = paddle.app_settings();
    let mut wrong = right.clone();
    wrong[0].1 = paddle.origin.join("v1").expect("url").to_string();
    for (settings, status) in [(&wrong, "FAIL"), (&right, "PASS")] {
        let mut env = pairs(settings);
        env.push(("DATABASE_URL", &app.database_url));
        let run = crate::common::doctor::run_paddock("doctor", &env).await;
        if status == "FAIL" {
            run.assert_failed();
            run.says("paddle api", "FAIL", &["404", "correct PADDLE_API_URL"]);
        } else {
            run.says("paddle api", "PASS", &["accepted"]);
            run.says("portal sessions", "PASS", &["404 not_found"]);
        }
    }
}
