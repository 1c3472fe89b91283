//! `paddock reconcile`: an empty mirror filled from the Paddle API, idempotently.
use crate::common::{TestApp, backends, spawn_app_on};
use paddle::{ListCustomers, ListSubscriptions};
use paddock::server::db::{mirror, snapshot};
use paddock::server::reconcile::{Tally, reconcile};

async fn seed(app: &TestApp, customers: u32, subscriptions: u32) {
    let origin = app.emulator_origin.clone().expect("local mode");
    let res = app
        .client
        .post(origin.join("/_emulator/seed").expect("url"))
        .json(&serde_json::json!({ "customers": customers, "subscriptions": subscriptions }))
        .send()
        .await
        .expect("seed");
    assert!(res.status().is_success(), "{}", res.status());
}

fn all_new(n: u64) -> Tally {
    Tally {
        seen: n,
        inserted: n,
        updated: 0,
        unchanged: 0,
    }
}

fn all_unchanged(n: u64) -> Tally {
    Tally {
        seen: n,
        inserted: 0,
        updated: 0,
        unchanged: n,
    }
}

#[tokio::test]
async fn fills_an_empty_mirror_exactly_and_a_second_run_changes_nothing() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        seed(&app, 1_000, 1_500).await;
        assert_eq!(snapshot::counts(&app.db).await.expect("q"), (0, 0));

        let mut pages = 0;
        let first = reconcile(&app.paddle, &app.db, &mut |_| pages += 1)
            .await
            .expect("first run");
        assert_eq!(first.customers, all_new(1_000), "{backend:?}");
        assert_eq!(first.subscriptions, all_new(1_500), "{backend:?}");
        assert_eq!(
            pages,
            5 + 8,
            "{backend:?}: one progress line per page of 200"
        );
        assert_eq!(snapshot::counts(&app.db).await.expect("q"), (1_000, 1_500));

        let customers = app
            .paddle
            .list_customers(&ListCustomers {
                per_page: Some(5),
                ..ListCustomers::default()
            })
            .await
            .expect("list customers");
        for c in &customers.data {
            let row = mirror::customer_by_id(&app.db, c.id.as_str())
                .await
                .expect("q")
                .expect("mirrored");
            assert_eq!(row.email, c.email.to_lowercase());
            assert_eq!(row.name, c.name);
            assert_eq!(row.status, c.status.as_str());
            assert_eq!(row.updated_at, c.updated_at.unix_timestamp());
        }
        let subs = app
            .paddle
            .list_subscriptions(&ListSubscriptions {
                per_page: Some(5),
                ..ListSubscriptions::default()
            })
            .await
            .expect("list subscriptions");
        for s in &subs.data {
            let rows = mirror::subscriptions_for(&app.db, s.customer_id.as_str())
                .await
                .expect("q");
            let row = rows
                .iter()
                .find(|r| r.id == s.id.as_str())
                .expect("mirrored under its customer");
            assert_eq!(row.status, s.status.as_str());
            assert_eq!(row.items, s.items.to_json().to_string());
            assert_eq!(
                row.next_billed_at,
                s.next_billed_at.map(|t| t.unix_timestamp())
            );
            assert_eq!(row.scheduled_change.is_some(), s.scheduled_change.is_some());
        }

        let second = reconcile(&app.paddle, &app.db, &mut |_| {})
            .await
            .expect("second run");
        assert_eq!(second.customers, all_unchanged(1_000), "{backend:?}");
        assert_eq!(second.subscriptions, all_unchanged(1_500), "{backend:?}");
    }
}

fn paddock() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_paddock"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn");
    cmd
}

#[test]
fn without_a_running_app_it_says_to_start_the_app_and_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let out = paddock()
        .current_dir(dir.path())
        .arg("reconcile")
        .env("PADDOCK_DATA_DIR", dir.path())
        .env("PADDLE_EMULATOR_ADDR", format!("127.0.0.1:{port}"))
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("start the app first"), "{stderr}");
    assert!(lines[0].contains(&port.to_string()), "{stderr}");
}

#[test]
fn help_lists_serve_and_reconcile() {
    let out = paddock().arg("--help").output().expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = |name: &str| stdout.lines().find(|l| l.trim_start().starts_with(name));
    assert!(
        line("serve").is_some_and(|l| l.contains("default")),
        "{stdout}"
    );
    assert!(line("reconcile").is_some(), "{stdout}");
}
