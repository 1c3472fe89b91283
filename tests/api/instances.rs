//! Two app instances on one Postgres and one standalone emulator: a session made on one
//! works on the other, the abuse limits count once for both (the shared limit store), a
//! webhook sent to both is applied once, periodic jobs run once. Postgres only: SQLite is
//! one process, counting in memory.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use paddle_emulator::RetryPolicy;

use crate::common::accounts::{Browser, PASSWORD, unique_email, verified_user};
use crate::common::emulator::eventually;
use crate::common::portal::subscriber;
use crate::common::standalone::{Standalone, pairs, spawn_process};
use crate::common::{Backend, TestApp, backends, fresh_database, spawn_app_on};

/// The same browser, pointed at another instance (its cookie, the other origin).
fn on<'a>(app: &'a TestApp, cookie: &Option<String>) -> Browser<'a> {
    let mut b = Browser::new(app);
    b.cookie = cookie.clone();
    b
}

async fn statuses(b: &mut Browser<'_>, path: &str, form: &[(&str, &str)], n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(b.post(path, form).await.status().as_u16());
    }
    out
}

/// Two `paddock serve` processes, A and B, on one fresh Postgres database, both pointed
/// at one standalone emulator that delivers every webhook to both: what several
/// instances behind a load balancer run.
async fn two_instances(paddle: &Standalone) -> (TestApp, TestApp) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(Backend::Postgres, dir.path()).await;
    let extra = paddle.app_settings();
    let a = spawn_process(&url, &pairs(&extra), pg).await;
    let b = spawn_process(&url, &pairs(&extra), None).await;
    paddle.deliver_to(&a);
    paddle.deliver_to(&b);
    (a, b)
}

#[tokio::test]
async fn two_instances_share_sessions_and_count_the_limits_once() {
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return; // TEST_POSTGRES_URL unset: nothing shared to test
    }
    let paddle = Standalone::start(&[], RetryPolicy::default()).await;
    let (a, b) = two_instances(&paddle).await;

    // A session from A works on B; log-out on A ends it on B.
    let (user, _, _) = subscriber(&a, &unique_email()).await;
    let cookie = user.cookie.clone();
    assert_eq!(on(&b, &cookie).get("/dashboard").await.status(), 200);

    // 12 mints, 6 on each, meet one limit of 10 a minute: both instances mint from the
    // same emulator, so the first 10 succeed wherever they land.
    let mut on_a = on(&a, &cookie);
    let mut on_b = on(&b, &cookie);
    let mut all = statuses(&mut on_a, "/api/portal/session", &[], 6).await;
    all.extend(statuses(&mut on_b, "/api/portal/session", &[], 6).await);
    assert_eq!(all.iter().filter(|&&s| s == 200).count(), 10, "{all:?}");
    assert_eq!(all.iter().filter(|&&s| s == 429).count(), 2, "{all:?}");

    let res = on_a.post("/api/auth/logout", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(on(&b, &cookie).get("/dashboard").await.status(), 307);

    // 12 failed log-ins for one account, 6 on each, meet one limit of 10.
    let email = unique_email();
    verified_user(&a, &email).await;
    let wrong = [("email", email.as_str()), ("password", "not the password")];
    let mut all = statuses(&mut Browser::new(&a), "/api/auth/login", &wrong, 6).await;
    all.extend(statuses(&mut Browser::new(&b), "/api/auth/login", &wrong, 6).await);
    assert_eq!(all.iter().filter(|&&s| s == 401).count(), 10, "{all:?}");
    assert_eq!(all.iter().filter(|&&s| s == 429).count(), 2, "{all:?}");
    let right = [("email", email.as_str()), ("password", PASSWORD)];
    let res = Browser::new(&b).post("/api/auth/login", &right).await;
    assert_eq!(
        res.status(),
        429,
        "the account stays limited on either instance"
    );
}

#[tokio::test]
async fn two_instances_run_the_hourly_sweeps_once() {
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return;
    }
    let paddle = Standalone::start(&[], RetryPolicy::default()).await;
    let (a, b) = two_instances(&paddle).await;
    // Both ticked at start (B a moment after A); give B's claim time to land.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for job in ["session_sweep", "unverified_sweep"] {
        let line = format!("job=\"{job}\"");
        let ran = eventually(job, Duration::from_secs(10), || async {
            let runs: Option<(i64,)> = match &a.db {
                paddock::server::db::Database::Postgres(pool) => {
                    sqlx::query_as("SELECT runs FROM job_runs WHERE job = $1")
                        .bind(job)
                        .fetch_optional(pool)
                        .await
                        .expect("query")
                }
                paddock::server::db::Database::Sqlite(_) => unreachable!("Postgres"),
            };
            // Counted, not only its row made (a claim inserts the row, then counts).
            runs.filter(|(n,)| *n >= 1)
        })
        .await;
        assert_eq!(ran.0, 1, "{job}: one run this hour for both instances");
        let said = |app: &TestApp| {
            let lines = app
                .process
                .as_ref()
                .expect("process")
                .lines
                .lock()
                .expect("lines")
                .clone();
            lines
                .iter()
                .filter(|l| l.contains("this instance runs it") && l.contains(&line))
                .count()
        };
        // Its log line is read from the process's output a moment after the claim.
        let told = eventually("the log line", Duration::from_secs(5), || {
            let n = said(&a) + said(&b);
            std::future::ready((n >= 1).then_some(n))
        })
        .await;
        assert_eq!(told, 1, "{job}: one instance says it ran it");
    }
}

#[tokio::test]
async fn a_webhook_delivered_to_both_instances_at_once_is_applied_once() {
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return;
    }
    use crate::common::webhooks::{T1, bytes, envelope, event_count, fresh_id, subscription_data};
    let paddle = Standalone::start(&[], RetryPolicy::default()).await;
    let (a, b) = two_instances(&paddle).await;

    // The standalone emulator sends each event of a checkout to both instances.
    let (customer, sub) = a.emulator_checkout(&unique_email()).await;
    crate::common::portal::wait_for_subscription(&b, &customer, &sub).await;
    let deliveries = eventually(
        "both instances answer 2xx",
        Duration::from_secs(10),
        || async {
            let all = paddle.deliveries().await;
            all.iter().all(|d| d["delivered"] == true).then_some(all)
        },
    )
    .await;
    let events: HashSet<&str> = deliveries
        .iter()
        .filter_map(|d| d["event_id"].as_str())
        .collect();
    let destinations: HashSet<&str> = deliveries
        .iter()
        .filter_map(|d| d["destination"].as_str())
        .collect();
    assert_eq!(destinations.len(), 2, "{deliveries:?}");
    assert_eq!(
        deliveries.len(),
        2 * events.len(),
        "each event went to both"
    );
    let stored = usize::try_from(event_count(&a.db).await).expect("count");
    assert_eq!(stored, events.len(), "each event stored once");
    assert!(a.mirror_differences().await.is_empty());

    // And the same signed body posted 20 times at once, 10 to each, is stored once.
    let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
    let body = bytes(&envelope(
        "subscription.created",
        &fresh_id("evt"),
        T1,
        subscription_data(&sub, &ctm, "active"),
    ));
    let (a, b) = (Arc::new(a), Arc::new(b));
    let tasks: Vec<_> = (0..10)
        .flat_map(|_| [a.clone(), b.clone()])
        .map(|app| {
            let body = body.clone();
            tokio::spawn(async move { app.post_webhook(&body, &app.webhook_secret).await.status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("task"), 200);
    }
    assert_eq!(
        usize::try_from(event_count(&a.db).await).expect("count"),
        events.len() + 1,
        "stored once"
    );
    let rows = crate::common::webhooks::subscriptions(&b.db, &ctm).await;
    assert_eq!(rows.len(), 1, "applied once");
}

#[tokio::test]
async fn a_periodic_job_runs_once_a_period_across_instances() {
    use paddock::server::db::Database;
    use paddock::server::db::jobs::claim;
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let url = secrecy::SecretString::from(app.database_url.clone());
        let other = Database::connect(&url).await.expect("a second pool");
        let hour = Duration::from_secs(3600);
        let tasks: Vec<_> = (0..10)
            .flat_map(|_| [app.db.clone(), other.clone()])
            .map(|db| tokio::spawn(async move { claim(&db, "test_job", hour).await }))
            .collect();
        let mut claimed = 0;
        for t in tasks {
            claimed += usize::from(t.await.expect("task").expect("claim"));
        }
        assert_eq!(claimed, 1, "{backend:?}: one run this hour");
        // The app's own session sweep claims its hour at start (its task's first tick);
        // once it has (the row's run counted, not only its row made), no second run this
        // hour.
        let runs = "SELECT COUNT(*) FROM job_runs WHERE job = 'session_sweep' AND runs = 1";
        let past = "UPDATE job_runs SET last_run = last_run - 3600 WHERE job = 'test_job'";
        eventually(
            "the sweep claims its hour",
            Duration::from_secs(10),
            || async {
                let n: i64 = match &other {
                    Database::Sqlite(pool) => sqlx::query_scalar(runs).fetch_one(pool).await,
                    Database::Postgres(pool) => sqlx::query_scalar(runs).fetch_one(pool).await,
                }
                .expect("query");
                (n == 1).then_some(())
            },
        )
        .await;
        assert!(!claim(&other, "session_sweep", hour).await.expect("claim"));
        assert!(!claim(&app.db, "test_job", hour).await.expect("claim"));
        // Once the hour has passed (moved back by an hour, not slept through), the job is
        // claimed again, once.
        match &other {
            Database::Sqlite(pool) => sqlx::query(past).execute(pool).await.map(drop),
            Database::Postgres(pool) => sqlx::query(past).execute(pool).await.map(drop),
        }
        .expect("the hour passes");
        assert!(
            claim(&app.db, "test_job", hour).await.expect("claim"),
            "{backend:?}"
        );
        assert!(
            !claim(&other, "test_job", hour).await.expect("claim"),
            "{backend:?}"
        );
    }
}
