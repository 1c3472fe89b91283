//! The batcher's group commit: under load a batch waits, up to its kind's `gather`, for as
//! many items as its previous batch held; never otherwise. Without a `gather`, a batch
//! after a batch of several still takes what the requests that are ready at the same time
//! queue.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use secrecy::SecretString;

use super::*;

/// Long next to the gaps below, so that a slow machine cannot change what comes together.
const WAIT: Duration = Duration::from_millis(500);

/// Each item carries the log of the batch sizes its batcher ran.
type Log = Arc<Mutex<Vec<usize>>>;

/// Logs the size of each batch; with `GATHER`, a group commit that waits up to [`WAIT`]
/// (as webhook events on SQLite), without, none (as the reads: sessions, users, lookups).
struct Recorder<const GATHER: bool>;

#[async_trait::async_trait]
impl<const GATHER: bool> Batched for Recorder<GATHER> {
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
        GATHER.then_some(WAIT)
    }
}

fn batcher<const GATHER: bool>() -> (Batcher<Recorder<GATHER>>, Log) {
    let url = SecretString::from("sqlite::memory:");
    let db = Database::connect_lazy(&url).expect("a pool");
    (Batcher::for_database(&db), Log::default())
}

#[tokio::test]
async fn under_load_a_batch_waits_for_as_many_items_as_the_last_one_held() {
    let (batcher, log) = batcher::<true>();
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
    let (batcher, log) = batcher::<true>();
    for _ in 0..3 {
        let started = Instant::now();
        batcher.submit(log.clone()).await.expect("answered");
        assert!(started.elapsed() < WAIT, "{:?}", started.elapsed());
    }
    assert_eq!(*log.lock().expect("log"), [1, 1, 1]);
}

/// One worker, so that what runs when is the scheduler's order, not two threads' race.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn requests_ready_at_the_same_time_share_a_batch() {
    // All of it on the worker, as requests run: from the test's own thread, an item queued
    // or a task woken reaches the worker through its shared queue, and a worker running
    // meanwhile can take each item alone (seen: the two below as `[1, 1]`, the burst as
    // 32 batches of one).
    tokio::spawn(burst()).await.expect("ran");
}

async fn burst() {
    const REQUESTS: usize = 32;
    let (batcher, log) = batcher::<false>();
    // Two at once (both are queued before the batcher runs): the batcher takes its
    // connection, and it has seen a batch of several, so it lets the ready requests queue.
    let (a, b) = tokio::join!(batcher.submit(log.clone()), batcher.submit(log.clone()));
    a.and(b).expect("answered");
    assert_eq!(*log.lock().expect("log"), [2]);
    log.lock().expect("log").clear();
    // A burst: every request becomes ready at once, as the answers of a wave of requests
    // arrive together, and each queues its item when it next runs.
    let start = Arc::new(tokio::sync::Barrier::new(REQUESTS));
    let requests: Vec<_> = (0..REQUESTS)
        .map(|_| {
            let (batcher, log, start) = (batcher.clone(), log.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                batcher.submit(log).await
            })
        })
        .collect();
    for request in requests {
        request.await.expect("ran").expect("answered");
    }
    let sizes = log.lock().expect("log").clone();
    assert_eq!(sizes.iter().sum::<usize>(), REQUESTS, "{sizes:?}");
    // Without letting the ready requests queue first, each of them woke the batcher, which
    // tokio then ran next: 32 batches of one. With it: one or two batches; the margin is
    // for a scheduler tick that falls within the burst.
    assert!(sizes.len() <= 3, "{} batches: {sizes:?}", sizes.len());
}

/// A batch that fails, whose items then succeed alone, each slowly, logging their order.
struct FailsThenSlow;

#[async_trait::async_trait]
impl Batched for FailsThenSlow {
    type Item = (usize, Log);
    type Answer = ();
    const WHAT: &'static str = "slow items";

    async fn batch(_: &mut BatchConnection, _: &[Self::Item]) -> Result<Vec<()>, sqlx::Error> {
        Err(sqlx::Error::Protocol("the batch is refused".into()))
    }

    async fn alone(_: &Database, (n, log): &Self::Item) -> Result<(), sqlx::Error> {
        tokio::time::sleep(Duration::from_millis(300)).await;
        log.lock().expect("log").push(*n);
        Ok(())
    }

    fn gather(_: &Database) -> Option<Duration> {
        None
    }
}

/// Submits `n` items at once; their answers, in submission order.
async fn submit_all(
    batcher: &Batcher<FailsThenSlow>,
    n: usize,
    log: &Log,
) -> Vec<Result<(), sqlx::Error>> {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (batcher, item) = (batcher.clone(), (i, log.clone()));
            tokio::spawn(async move { batcher.submit(item).await })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("task"));
    }
    answers
}

#[tokio::test]
async fn the_items_of_a_failed_batch_run_alone_in_order_within_one_deadline() {
    let db = Database::connect_lazy(&SecretString::from("sqlite::memory:")).expect("a pool");
    let batcher = Batcher::<FailsThenSlow>::for_database(&db);
    let log = Log::default();
    let started = Instant::now();
    // 20 × 300 ms one after another would be 6 s; the deadline is 4 s.
    let answers = submit_all(&batcher, 20, &log).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let ran = log.lock().expect("log").clone();
    let ok = answers.iter().filter(|a| a.is_ok()).count();
    assert!(
        ok > 0 && ok < 20,
        "some in time, the rest timed out: {answers:?}"
    );
    assert_eq!(ran.len(), ok);
    let mut sorted = ran.clone();
    sorted.sort_unstable();
    assert_eq!(ran, sorted, "in the order they came");
}

#[tokio::test]
async fn without_a_connection_a_batch_fails_its_items_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-folder").join("x.db");
    let url = format!("sqlite://{}?mode=ro", missing.display());
    let db = Database::connect_lazy(&SecretString::from(url)).expect("a pool");
    let batcher = Batcher::<FailsThenSlow>::for_database(&db);
    let log = Log::default();
    let answers = submit_all(&batcher, 8, &log).await;
    assert!(answers.iter().all(Result::is_err), "{answers:?}");
    assert!(log.lock().expect("log").is_empty(), "no item was run alone");
}
