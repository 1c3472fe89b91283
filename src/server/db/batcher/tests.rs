//! The batcher's group commit: under load a batch waits, up to its kind's `gather`, for as
//! many items as its previous batch held; never otherwise.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use secrecy::SecretString;

use super::*;

/// Long next to the gaps below, so that a slow machine cannot change what comes together.
const WAIT: Duration = Duration::from_millis(500);

/// Each item carries the log of the batch sizes its batcher ran.
type Log = Arc<Mutex<Vec<usize>>>;

struct Recorder;

#[async_trait::async_trait]
impl Batched for Recorder {
    type Item = Log;
    type Answer = ();
    const WHAT: &'static str = "recorded items";

    async fn batch(_: &mut BatchConnection, items: &[Log]) -> Result<Vec<()>, sqlx::Error> {
        if let Some(log) = items.first() {
            log.lock().expect("log").push(items.len());
        }
        Ok(vec![(); items.len()])
    }

    async fn alone(_: &Database, item: &Log) -> Result<(), sqlx::Error> {
        item.lock().expect("log").push(1);
        Ok(())
    }

    fn gather(_: &Database) -> Option<Duration> {
        Some(WAIT)
    }
}

fn batcher() -> (Batcher<Recorder>, Log) {
    let url = SecretString::from("sqlite::memory:");
    let db = Database::connect_lazy(&url).expect("a pool");
    (Batcher::for_database(&db), Log::default())
}

#[tokio::test]
async fn under_load_a_batch_waits_for_as_many_items_as_the_last_one_held() {
    let (batcher, log) = batcher();
    // Two at once (this runtime runs the batcher only once both are queued): a batch of 2.
    let (a, b) = tokio::join!(batcher.submit(log.clone()), batcher.submit(log.clone()));
    a.and(b).expect("answered");
    // Then one, and another 50 ms later: the batch waits for the second.
    let (c, d) = tokio::join!(batcher.submit(log.clone()), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        batcher.submit(log.clone()).await
    });
    c.and(d).expect("answered");
    assert_eq!(*log.lock().expect("log"), [2, 2]);
    // One alone after a batch of 2 waits no longer than `WAIT`; after a batch of 1, not at all.
    let started = Instant::now();
    batcher.submit(log.clone()).await.expect("answered");
    assert!(started.elapsed() >= WAIT, "{:?}", started.elapsed());
    let started = Instant::now();
    batcher.submit(log.clone()).await.expect("answered");
    assert!(started.elapsed() < WAIT, "{:?}", started.elapsed());
    assert_eq!(*log.lock().expect("log"), [2, 2, 1, 1]);
}

#[tokio::test]
async fn a_lone_item_is_never_held() {
    let (batcher, log) = batcher();
    for _ in 0..3 {
        let started = Instant::now();
        batcher.submit(log.clone()).await.expect("answered");
        assert!(started.elapsed() < WAIT, "{:?}", started.elapsed());
    }
    assert_eq!(*log.lock().expect("log"), [1, 1, 1]);
}
