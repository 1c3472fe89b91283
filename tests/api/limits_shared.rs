//! The shared (Postgres) limit store: parallel reservations from several pools (as from
//! several instances) meet one limit, also when a clock reading arrives after a newer one;
//! and what a reservation costs next to one `SELECT 1` round trip on the same pool and to
//! the in-memory store, measured in the same run (a figure, not a test: `make bench` runs
//! it as `bench/run.sh limits`).

use std::time::{Duration, Instant};

use paddock::server::db::Database;
use paddock::server::limits::{LimitStore, MemoryLimits, PgLimits, Rule};

use crate::common::{Backend, backends, fresh_database};

const CALLS: u32 = 2_000;

/// A fresh Postgres database, its URL, and what keeps it alive; `None` without
/// `TEST_POSTGRES_URL`.
async fn postgres() -> Option<(Database, String, Option<crate::common::PgScratch>)> {
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(Backend::Postgres, dir.path()).await;
    let db = Database::connect(&secrecy::SecretString::from(url.clone()))
        .await
        .expect("database");
    Some((db, url, pg))
}

fn pool(db: &Database) -> sqlx::PgPool {
    match db {
        Database::Postgres(pool) => pool.clone(),
        Database::Sqlite(_) => unreachable!("a Postgres URL"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_reservations_from_two_pools_meet_one_limit() {
    let Some((db, url, _pg)) = postgres().await else {
        return;
    };
    let other = Database::connect(&secrecy::SecretString::from(url))
        .await
        .expect("a second pool");
    let stores = [
        std::sync::Arc::new(PgLimits::new(pool(&db))),
        std::sync::Arc::new(PgLimits::new(pool(&other))),
    ];
    let rule = Rule::new("parallel", 10, Duration::from_secs(60));
    // 40 at once on a key never seen (the first insert races too), 20 from each pool.
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = stores[i % 2].clone();
            tokio::spawn(async move { store.reserve(&rule, "one-account").await })
        })
        .collect();
    let mut granted = 0;
    let mut waits = Vec::new();
    for t in tasks {
        match t.await.expect("task") {
            Ok(()) => granted += 1,
            Err(wait) => waits.push(wait),
        }
    }
    assert_eq!(granted, 10, "exactly the limit, however the 40 interleave");
    assert!(
        waits
            .iter()
            .all(|w| *w >= Duration::from_secs(1) && *w <= Duration::from_secs(120)),
        "{waits:?}"
    );

    // A slot given back on one instance is free on the other; clearing frees them all.
    stores[0].release(&rule, "one-account").await;
    assert_eq!(stores[1].reserve(&rule, "one-account").await, Ok(()));
    assert!(stores[1].reserve(&rule, "one-account").await.is_err());
    stores[1].clear(&rule, "one-account").await;
    assert_eq!(stores[0].reserve(&rule, "one-account").await, Ok(()));
    // Another key, or the same key under another limit, counts apart.
    assert_eq!(stores[0].reserve(&rule, "another").await, Ok(()));
    let other_rule = Rule::new("other", 1, Duration::from_secs(60));
    assert_eq!(stores[0].reserve(&other_rule, "one-account").await, Ok(()));
    assert!(stores[1].reserve(&other_rule, "one-account").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: bench/run.sh limits"]
async fn limit_store_cost() {
    let Some((db, _url, _pg)) = postgres().await else {
        eprintln!("limits bench: needs TEST_POSTGRES_URL");
        return;
    };
    let shared = PgLimits::new(pool(&db));
    let memory = MemoryLimits::new(100_000);
    // Never full: every call takes a slot, as a request under the limit does.
    let rule = Rule::new("bench", u32::MAX, Duration::from_secs(3600));
    for round in 0..2 {
        let ping = per_call(|_| async { db.ping().await.expect("ping") }).await;
        let pg = per_call(|i| {
            let (shared, key) = (&shared, format!("user-{}", i % 100));
            async move { shared.reserve(&rule, &key).await.expect("room") }
        })
        .await;
        let mem = per_call(|i| {
            let (memory, key) = (&memory, format!("user-{}", i % 100));
            async move { memory.reserve(&rule, &key).await.expect("room") }
        })
        .await;
        if round == 1 {
            println!(
                "limits: SELECT 1 {:.1} µs; Postgres reserve {:.1} µs = {:.2} round trips; memory reserve {:.2} µs",
                micros(ping),
                micros(pg),
                pg.as_secs_f64() / ping.as_secs_f64(),
                micros(mem),
            );
        }
    }
}

async fn per_call<F, Fut>(mut call: F) -> Duration
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    for i in 0..CALLS {
        call(i).await;
    }
    started.elapsed() / CALLS
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[tokio::test]
async fn a_reservation_read_in_an_earlier_window_does_not_start_the_counts_over() {
    use paddock::server::db::limit_counts::reserve;
    let Some((db, _url, _pg)) = postgres().await else {
        return;
    };
    let pool = pool(&db);
    let (key, window, max) = ([7u8; 16], 60_000, 3);
    // The limit, taken in the window that starts at 120 s.
    for _ in 0..3 {
        let r = reserve(&pool, &key, 120_000, window, 0.5, max)
            .await
            .expect("reserve");
        assert!(r.granted);
    }
    // A caller whose clock read 119.99 s (the window at 60 s: read just before the others,
    // or on an instance whose clock is behind) reaches the row after them.
    let late = reserve(&pool, &key, 60_000, window, 0.99, max)
        .await
        .expect("reserve");
    assert!(
        !late.granted,
        "counted in the stored window, not a fresh one"
    );
    assert_eq!(
        (late.previous, late.current, late.window_start),
        (0, 3, 120_000)
    );
    // The row kept its window: the next caller in it is refused too, and the window after
    // it still weighs these three.
    let next = reserve(&pool, &key, 120_000, window, 0.6, max)
        .await
        .expect("reserve");
    assert!(!next.granted);
    let after = reserve(&pool, &key, 180_000, window, 0.1, max)
        .await
        .expect("reserve");
    assert_eq!(
        (after.previous, after.current, after.granted),
        (3, 0, false)
    );
}
