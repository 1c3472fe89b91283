use std::sync::Arc;

use super::*;

const LOGIN: Rule = Rule::new("login", 3, Duration::from_secs(60));

#[tokio::test]
async fn reserves_up_to_max_then_says_how_long_to_wait() {
    let store = MemoryLimits::new(MAX_KEYS);
    for _ in 0..3 {
        assert_eq!(store.reserve(&LOGIN, "ip:1").await, Ok(()));
    }
    let wait = store.reserve(&LOGIN, "ip:1").await.expect_err("full");
    assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(120));
    assert_eq!(
        store.reserve(&LOGIN, "ip:2").await,
        Ok(()),
        "keys are apart"
    );
    let other = Rule::new("mail", 3, Duration::from_secs(60));
    assert_eq!(
        store.reserve(&other, "ip:1").await,
        Ok(()),
        "limits are apart"
    );
}

#[tokio::test]
async fn a_release_gives_a_slot_back_and_clear_forgets_the_key() {
    let store = MemoryLimits::new(MAX_KEYS);
    for _ in 0..3 {
        store.reserve(&LOGIN, "a").await.expect("room");
    }
    store.release(&LOGIN, "a").await;
    assert_eq!(store.reserve(&LOGIN, "a").await, Ok(()));
    assert!(store.reserve(&LOGIN, "a").await.is_err());
    store.clear(&LOGIN, "a").await;
    assert_eq!(store.reserve(&LOGIN, "a").await, Ok(()));
}

#[tokio::test]
async fn parallel_reservations_take_exactly_max_slots() {
    let store = Arc::new(MemoryLimits::new(MAX_KEYS));
    let rule = Rule::new("login", 10, Duration::from_secs(900));
    let tasks: Vec<_> = (0..40)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.reserve(&rule, "account:a@b.c").await.is_ok() })
        })
        .collect();
    let mut granted = 0;
    for t in tasks {
        granted += usize::from(t.await.expect("task"));
    }
    assert_eq!(granted, 10);
}

#[tokio::test]
async fn the_key_cap_holds_under_100_000_distinct_keys() {
    let cap = 10_000;
    let store = MemoryLimits::new(cap);
    for i in 0..100_000 {
        let _ = store.reserve(&LOGIN, &format!("ip:{i}")).await;
    }
    let bound = cap.div_ceil(SHARDS) * SHARDS;
    assert!(
        store.len() <= bound,
        "{} keys held, cap {bound}",
        store.len()
    );
    assert!(store.len() > cap / 2, "the cap is used, not emptied");
    // The newest key is kept (the oldest keys went first, or other keys picked).
    assert!(store.reserve(&LOGIN, "ip:99999").await.is_ok());
    for _ in 0..2 {
        let _ = store.reserve(&LOGIN, "ip:99999").await;
    }
    assert!(store.reserve(&LOGIN, "ip:99999").await.is_err());
}

#[tokio::test]
async fn a_key_at_its_limit_is_not_pushed_out_by_a_flood_of_new_keys() {
    // Four keys a shard: the account's count shares its shard with many of the flood's.
    let store = MemoryLimits::new(4 * SHARDS);
    for _ in 0..3 {
        assert_eq!(
            store.reserve(&LOGIN, "address:victim@example.com").await,
            Ok(())
        );
    }
    for i in 0..5_000 {
        let _ = store.reserve(&LOGIN, &format!("ip:flood-{i}")).await;
    }
    assert!(store.len() <= 4 * SHARDS);
    assert!(
        store
            .reserve(&LOGIN, "address:victim@example.com")
            .await
            .is_err(),
        "the account's failures still count"
    );
}

#[test]
fn counters_roll_into_the_previous_window_and_then_out() {
    let mut c = Counter::default();
    c.roll(0, 1000);
    c.current = 5;
    c.roll(1500, 1000);
    assert_eq!((c.start_ms, c.previous, c.current), (1000, 5, 0));
    c.current = 2;
    c.roll(3100, 1000);
    assert_eq!((c.start_ms, c.previous, c.current), (3000, 0, 0));
}

#[test]
fn a_reading_from_an_earlier_window_keeps_the_counts() {
    let mut c = Counter::default();
    c.roll(1999, 1000);
    c.current = 4;
    c.roll(2000, 1000);
    c.current = 3;
    // A clock read at 1,999 ms whose caller took the lock after the one read at 2,000.
    c.roll(1999, 1000);
    assert_eq!((c.start_ms, c.previous, c.current), (2000, 4, 3));
}

/// Run alone to read the figure in the README:
/// `cargo test --lib memory_at_the_default_cap -- --nocapture --test-threads=1`.
#[tokio::test]
async fn memory_at_the_default_cap() {
    fn rss_kib() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }
    let before = rss_kib();
    let store = MemoryLimits::new(MAX_KEYS);
    for i in 0..(3 * MAX_KEYS) {
        let _ = store
            .reserve(&LOGIN, &format!("address:someone-{i}@example.com"))
            .await;
    }
    let held = store.len();
    assert!(held <= MAX_KEYS.div_ceil(SHARDS) * SHARDS);
    eprintln!(
        "{held} keys held after {} distinct keys: RSS grew by {} KiB",
        3 * MAX_KEYS,
        rss_kib().saturating_sub(before)
    );
}
