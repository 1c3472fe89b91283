//! `kill -9` of an app in the middle of a burst of webhook deliveries loses nothing:
//! after a restart and the standalone emulator's retries, every event is stored exactly
//! once and applied, and the mirror equals the emulator. SQLite and Postgres.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paddle_emulator::RetryPolicy;
use paddock::server::db::{Database, mirror};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::standalone::{AppProcess, Standalone, free_port, pairs};
use crate::common::{Backend, backends, fresh_database};

const CUSTOMERS: usize = 250;
/// One `customer.created` and one `customer.updated` per customer.
const EVENTS: usize = 2 * CUSTOMERS;
/// Killed once this many events are stored: in the middle of the burst.
const KILL_AFTER: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_during_500_deliveries_loses_none_and_applies_none_twice() {
    for backend in backends() {
        burst_kill_restart(backend).await;
    }
}

async fn burst_kill_restart(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database_url, _pg) = fresh_database(backend, dir.path()).await;
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let hook = url::Url::parse(&format!("{origin}/webhooks/paddle")).expect("url");
    // Paddle retries with backoff; shortened here so the test takes seconds.
    let retry = RetryPolicy {
        initial_delay: Duration::from_millis(200),
        factor: 2.0,
        max_attempts: 10,
        attempt_timeout: Duration::from_secs(5),
    };
    let paddle = Standalone::start(&[hook], retry).await;
    let data_dir = dir.path().display().to_string();
    let mut env = paddle.app_settings();
    env.extend([
        ("DATABASE_URL", database_url.clone()),
        ("PADDOCK_DATA_DIR", data_dir),
        ("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")),
        ("PUBLIC_URL", origin.clone()),
    ]);
    let env = pairs(&env);
    let lines = Arc::new(Mutex::new(Vec::new()));
    let app = AppProcess::start(dir.path(), &env, lines.clone());

    // The burst: 250 customers created, then each renamed, 8 API calls at a time.
    let paddle = Arc::new(paddle);
    let burst = tokio::spawn(burst(paddle.clone()));
    let started = Instant::now();
    while app.count("webhook stored and applied") < KILL_AFTER {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{backend:?}: burst too slow"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    app.kill9();
    let stored_at_kill = count_events(&database_url).await;
    assert!(
        stored_at_kill < EVENTS,
        "{backend:?}: killed after everything arrived ({stored_at_kill}): nothing was tested"
    );
    // Restarted on the same port and database (SQLite: the dead process's lock is gone).
    let app = AppProcess::start(dir.path(), &env, lines.clone());
    let renamed = burst.await.expect("burst task");

    // Every delivery eventually gets a 2xx, through the emulator's retries.
    let deadline = Instant::now() + Duration::from_secs(120);
    let deliveries = loop {
        let all = paddle.deliveries().await;
        let done = all.len() == EVENTS && all.iter().all(|d| d["delivered"] == true);
        if done {
            break all;
        }
        assert!(
            Instant::now() < deadline,
            "{backend:?}: deliveries pending: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let retried = deliveries
        .iter()
        .filter(|d| d["attempts"].as_u64() > Some(1))
        .count();
    assert!(retried > 0, "{backend:?}: the kill interrupted no delivery");

    // 0 lost: the stored events are exactly the emulator's.
    let sent: HashSet<String> = deliveries
        .iter()
        .map(|d| d["event_id"].as_str().expect("event id").to_owned())
        .collect();
    assert_eq!(sent.len(), EVENTS);
    let db = Database::connect(&secrecy::SecretString::from(database_url.clone()))
        .await
        .expect("database");
    let stored = stored_ids(&db).await;
    assert_eq!(stored.len(), EVENTS, "{backend:?}: one row per event");
    assert_eq!(stored, sent, "{backend:?}: stored = sent");

    // 0 applied twice: across both runs, "stored and applied" once per event at most.
    let mut applied: HashMap<String, usize> = HashMap::new();
    for line in lines.lock().expect("lines").iter() {
        if line.contains("webhook stored and applied") {
            let id = field(line, "event_id=").expect("the line names its event");
            *applied.entry(id).or_default() += 1;
        }
    }
    let twice: Vec<_> = applied.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "{backend:?}: applied twice: {twice:?}");

    // The mirror equals the emulator: every customer, with its last name.
    for (id, (email, name)) in &renamed {
        let row = mirror::customer_by_id(&db, id).await.expect("query");
        let row = row.unwrap_or_else(|| panic!("{backend:?}: customer {id} lost"));
        assert_eq!(
            (&row.email, row.name.as_deref()),
            (email, Some(name.as_str()))
        );
    }
    assert_eq!(renamed.len(), CUSTOMERS);
    drop(app);
    eprintln!(
        "{backend:?}: killed with {stored_at_kill}/{EVENTS} stored; {retried} deliveries retried; 0 lost, 0 applied twice"
    );
}

/// Creates the customers, then renames each, 8 calls at a time; returns
/// `id → (email, final name)`.
async fn burst(paddle: Arc<Standalone>) -> HashMap<String, (String, String)> {
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..CUSTOMERS {
        let (paddle, gate) = (paddle.clone(), gate.clone());
        calls.spawn(async move {
            let _turn = gate.acquire().await.expect("gate");
            let email = format!("crash-{i}@example.com");
            let body = json!({ "email": email, "name": format!("first {i}") });
            let res = paddle
                .api(Method::POST, "/customers")
                .json(&body)
                .send()
                .await;
            let value: Value = res.expect("create").json().await.expect("json");
            (value["data"]["id"].as_str().expect("id").to_owned(), email)
        });
    }
    let created = calls.join_all().await;
    let mut calls = tokio::task::JoinSet::new();
    for (id, email) in created {
        let (paddle, gate) = (paddle.clone(), gate.clone());
        calls.spawn(async move {
            let _turn = gate.acquire().await.expect("gate");
            let name = format!("renamed {id}");
            let path = format!("/customers/{id}");
            let res = paddle
                .api(Method::PATCH, &path)
                .json(&json!({ "name": name }))
                .send()
                .await;
            assert!(res.expect("update").status().is_success());
            (id, (email, name))
        });
    }
    calls.join_all().await.into_iter().collect()
}

async fn count_events(url: &str) -> usize {
    let db = Database::connect(&secrecy::SecretString::from(url.to_owned()))
        .await
        .expect("database");
    let n = stored_ids(&db).await.len();
    db.close().await;
    n
}

async fn stored_ids(db: &Database) -> HashSet<String> {
    let ids: Vec<(String,)> = match db {
        Database::Sqlite(pool) => sqlx::query_as("SELECT event_id FROM webhook_events")
            .fetch_all(pool)
            .await
            .expect("query"),
        Database::Postgres(pool) => sqlx::query_as("SELECT event_id FROM webhook_events")
            .fetch_all(pool)
            .await
            .expect("query"),
    };
    ids.into_iter().map(|(id,)| id).collect()
}

/// The value of `key` (e.g. `event_id=`) in a log line, up to the next space, `}` or `:`.
fn field(line: &str, key: &str) -> Option<String> {
    let from = line.find(key)? + key.len();
    let rest = &line[from..];
    let end = rest.find([' ', '}', ':']).unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}
