//! `paddock reconcile`: an empty mirror filled from the Paddle API, idempotently.
use crate::common::{Backend, TestApp, backends, spawn_app_on};
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

/// On Postgres an upsert locks its row even when its guard leaves the row as it was. A
/// webhook batch takes its locks in ascending id order; a reconcile page (which Paddle
/// lists newest first) must too, or the two deadlock. Here a batch-like transaction holds
/// the lower id and then takes the higher one while a page of both waits.
#[tokio::test]
async fn a_page_takes_its_row_locks_in_the_order_webhook_batches_do() {
    use sqlx::Connection;
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let app = spawn_app_on(Backend::Postgres).await;
    seed(&app, 2, 0).await;
    reconcile(&app.paddle, &app.db, &mut |_| {})
        .await
        .expect("first run");
    let listed = app
        .paddle
        .list_customers(&ListCustomers::default())
        .await
        .expect("list customers");
    let page: Vec<_> = listed
        .data
        .iter()
        .map(|c| {
            let newer = paddock::server::webhooks::apply::micros(c.updated_at).expect("time") + 1;
            paddock::server::webhooks::apply::customer_write(c, newer)
        })
        .collect();
    let (high, low) = (page[0].id.clone(), page[1].id.clone());
    assert!(high > low, "Paddle lists newest (highest id) first");

    let mut batch = sqlx::PgConnection::connect(&app.database_url)
        .await
        .expect("connect");
    let lock = "UPDATE customers SET name = name WHERE id = $1";
    sqlx::query("BEGIN")
        .execute(&mut batch)
        .await
        .expect("begin");
    sqlx::query(lock)
        .bind(&low)
        .execute(&mut batch)
        .await
        .expect("lock the lower id");
    let db = app.db.clone();
    let upserts = tokio::spawn(async move { snapshot::upsert_customers(&db, &page).await });
    // Until the page waits for a lock.
    let mut watch = sqlx::PgConnection::connect(&app.database_url)
        .await
        .expect("connect");
    let waiting = "SELECT COUNT(*) FROM pg_locks WHERE NOT granted";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while sqlx::query_scalar::<_, i64>(waiting)
        .fetch_one(&mut watch)
        .await
        .expect("pg_locks")
        == 0
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the page never waited"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let then_higher = sqlx::query(lock).bind(&high).execute(&mut batch).await;
    let committed = sqlx::query("COMMIT").execute(&mut batch).await;
    let page = upserts.await.expect("task");
    then_higher.expect("the batch takes the higher id: the page holds no lock yet");
    committed.expect("the batch commits");
    let outcomes = page.expect("the page is written once the batch is done");
    assert_eq!(outcomes, [snapshot::Outcome::Updated; 2]);
}

/// The tools beside the server never create or migrate a database: a wrong
/// `DATABASE_URL` would get a new mirror filled in while the real one stays stale, and a
/// newer binary would change the schema under older servers.
#[tokio::test]
async fn reconcile_and_portal_session_refuse_a_database_that_is_not_the_app_s() {
    let app = spawn_app_on(Backend::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nowhere.db");
    let missing_url = format!("sqlite://{}", missing.display());
    let empty = dir.path().join("empty.db");
    std::fs::File::create(&empty).expect("an empty file");
    let empty_url = format!("sqlite://{}", empty.display());
    for (url, says) in [
        (missing_url.as_str(), "could not connect"),
        (empty_url.as_str(), "never migrated"),
    ] {
        for (command, args) in [
            ("reconcile", vec![]),
            (
                "portal-session",
                vec!["--yes", "--customer", "ctm_01hv6y1jedq4p1n0yqn5ba3ky4"],
            ),
        ] {
            let run = app
                .paddock_with_args(command, &args, &[("DATABASE_URL", url)])
                .await;
            assert!(!run.ok, "{command} on {url}: {}", run.stdout);
            assert!(
                run.stderr.contains(says),
                "{command} on {url}: {}",
                run.stderr
            );
        }
    }
    assert!(!missing.exists(), "no database was created");
    let tables: i64 = {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&empty_url)
            .await
            .expect("open");
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master")
            .fetch_one(&mut conn)
            .await
            .expect("count")
    };
    assert_eq!(tables, 0, "nothing was migrated");
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
