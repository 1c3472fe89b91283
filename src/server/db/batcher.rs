//! One task per kind of statement, per process, on a connection it keeps. Requests queue
//! their item and wait for its answer; the task takes every item waiting (up to
//! [`MAX_BATCH`]) and runs them as one batch. A burst then costs one round trip (and, for
//! writes, one commit) per batch instead of one each: on SQLite no sleeping busy handler,
//! no write per request invalidating every other connection's page cache, and no
//! hand-off to a pooled connection's thread per request; on Postgres one round trip for
//! many. Nothing is answered before its batch is done (a write: committed); if a batch
//! fails, the connection is closed and its items run one by one, so one bad item cannot
//! hold back the others. Under load, before it takes a batch, the task lets the requests
//! that are ready run first ([`take_ready`]), so that those of one burst share it. A kind
//! whose batch has a fixed cost worth spreading (a flush to disk) may let a batch wait,
//! briefly, for as many items as its previous one held ([`Batched::gather`]). Webhook
//! events (`webhooks::writer`), portal audit rows (`db::audit`) and session loads
//! (`accounts::sessions`) go through one each.

use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};
use tokio::sync::{mpsc, oneshot};

use super::Database;

/// The batchers of a serving process (webhook events, audit rows, session loads, user
/// loads, portal lookups), each of which keeps one pooled connection once it has run: the
/// pool is this much larger than what requests and jobs share.
pub const KEPT: u32 = 5;

/// The most items one transaction takes.
const MAX_BATCH: usize = 64;
/// Items waiting for the task; more wait for room.
const QUEUE: usize = 1024;
/// How long one batch, or one item run alone, may take. A webhook's request has been
/// answered 500 by then (`webhooks::route::ANSWER_WITHIN`) and Paddle retries it; a batch
/// that committed after all makes those retries duplicates.
const WITHIN: Duration = Duration::from_secs(4);

/// One kind of batch.
#[async_trait::async_trait]
pub trait Batched: Send + Sync + 'static {
    type Item: Send + Sync + 'static;
    /// The answer for one item.
    type Answer: Send + 'static;
    /// Names the items in logs.
    const WHAT: &'static str;

    /// Runs every item in order, as if one after another; one answer per item, in order.
    /// After an error the connection is closed and never used again.
    async fn batch(
        conn: &mut BatchConnection,
        items: &[Self::Item],
    ) -> Result<Vec<Self::Answer>, sqlx::Error>;

    /// Runs one item on its own, on a pooled connection (after its batch failed).
    async fn alone(db: &Database, item: &Self::Item) -> Result<Self::Answer, sqlx::Error>;

    /// How long a batch may wait, when its previous one held more items than have come so
    /// far, for as many to come: a group commit, for batches whose fixed cost (a flush to
    /// disk) is worth spreading. `None`: never waits.
    fn gather(_db: &Database) -> Option<Duration> {
        None
    }
}

/// A connection kept for running batches: a batcher holds one, so that a batch pays
/// neither the pool's checks on acquire and release nor a cold page cache.
pub enum BatchConnection {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// `$body` with `$conn` bound to the kept connection, whichever the backend.
macro_rules! on_kept {
    ($kept:expr, |$conn:ident| $body:expr) => {
        match $kept {
            $crate::server::db::batcher::BatchConnection::Sqlite($conn) => $body,
            $crate::server::db::batcher::BatchConnection::Postgres($conn) => $body,
        }
    };
}
pub(crate) use on_kept;

impl BatchConnection {
    /// Takes a connection from `db`'s pool.
    pub async fn acquire(db: &Database) -> Result<Self, sqlx::Error> {
        Ok(match db {
            Database::Sqlite(pool) => Self::Sqlite(pool.acquire().await?),
            Database::Postgres(pool) => Self::Postgres(pool.acquire().await?),
        })
    }

    /// Takes a connection from `db`'s pool to keep: on SQLite it leaves most of the WAL's
    /// copying to the serving process's checkpointer and finishes it only to start the
    /// log over (`db::checkpoint`).
    pub async fn acquire_kept(db: &Database) -> Result<Self, sqlx::Error> {
        let mut conn = Self::acquire(db).await?;
        if let Self::Sqlite(c) = &mut conn
            && let Err(e) = super::checkpoint::restart_past(c).await
        {
            conn.close().await;
            return Err(e);
        }
        Ok(conn)
    }

    /// Closes the connection for good (a transaction it left open is rolled back).
    pub async fn close(self) {
        if let Err(e) = on_kept!(self, |conn| conn.close().await) {
            tracing::debug!(error = %e, "closing a batch connection failed");
        }
    }
}

type Reply<T> = oneshot::Sender<Result<T, sqlx::Error>>;

/// A running writer of `B`'s items; cheap to clone.
pub struct Batcher<B: Batched> {
    queue: mpsc::Sender<(B::Item, Reply<B::Answer>)>,
}

impl<B: Batched> Clone for Batcher<B> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<B: Batched> std::fmt::Debug for Batcher<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").field("of", &B::WHAT).finish()
    }
}

/// The task stopped (the process is shutting down).
fn closed() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

impl<B: Batched> Batcher<B> {
    /// Starts the task (it ends with the last clone of this).
    pub fn for_database(db: &Database) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run::<B>(db.clone(), rx));
        Self { queue }
    }

    /// Runs `item` in the next batch; answers once that batch is done (a write: durable)
    /// or failed.
    pub async fn submit(&self, item: B::Item) -> Result<B::Answer, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((item, reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

async fn run<B: Batched>(db: Database, mut queue: mpsc::Receiver<(B::Item, Reply<B::Answer>)>) {
    let mut held: Option<BatchConnection> = None;
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut closing = db.close_event();
    let mut closed = false;
    let gather = B::gather(&db);
    let mut previous = 0;
    loop {
        tokio::select! {
            taken = queue.recv_many(&mut jobs, MAX_BATCH) => if taken == 0 { break },
            () = &mut closing, if !closed => {
                // The pool is closing: give the kept connection back so it can close.
                closed = true;
                held = None;
                continue;
            }
        }
        // After a batch of several, more are likely coming: take them too.
        if previous > 1 {
            match gather {
                Some(wait) => gather_up_to(&mut queue, &mut jobs, previous, wait).await,
                None => take_ready(&mut queue, &mut jobs).await,
            }
        }
        previous = jobs.len();
        let (items, replies): (Vec<_>, Vec<_>) = jobs.drain(..).unzip();
        match run_kept::<B>(&mut held, &db, &items).await {
            Ran::Done(answers) => {
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(Ok(answer));
                }
            }
            Ran::TimedOut => {
                tracing::warn!(
                    what = B::WHAT,
                    items = items.len(),
                    "batch not done in time; given up"
                );
                for reply in replies {
                    let _ = reply.send(Err(timed_out()));
                }
            }
            // Nothing about the items: each alone would wait for a connection too.
            Ran::NoConnection(e) => {
                tracing::warn!(what = B::WHAT, error = %e, items = items.len(), "no connection for the batch; its items failed");
                for reply in replies {
                    let _ = reply.send(Err(no_connection()));
                }
            }
            Ran::Failed(e) => {
                tracing::warn!(what = B::WHAT, error = %e, items = items.len(), "batch failed; running its items alone");
                run_alone::<B>(&db, &items, replies).await;
            }
        }
    }
}

/// Lets the tasks that are ready run first, then takes what they queued. The request that
/// queued the first item woke this task, and tokio runs a task woken that way next (its
/// LIFO slot), before the other ready requests reach their own submit: without the yield,
/// a burst of concurrent requests goes through as batches of one or two.
///
/// Called only after a batch of several: after a batch of one nothing says that others
/// are coming, and under moderate load a yield makes the item wait for every ready task.
/// The first batch of a burst may then go alone; the next ones share. Measured with
/// `make bench` (portal, 4 batched statements per mint): at saturation 1.77 SQLite
/// statements ran per mint without the yield, 0.87 with it as it is, 0.64 with a yield
/// before every batch; paced at 1,500 mints/s, a yield before every batch made the app add
/// 1.28-1.34 ms at p50 instead of 0.87-1.22 ms.
async fn take_ready<T>(queue: &mut mpsc::Receiver<T>, jobs: &mut Vec<T>) {
    if jobs.len() >= MAX_BATCH {
        return;
    }
    tokio::task::yield_now().await;
    while jobs.len() < MAX_BATCH
        && let Ok(job) = queue.try_recv()
    {
        jobs.push(job);
    }
}

/// Takes more items as they come, until `jobs` holds `count` of them or `wait` has passed.
async fn gather_up_to<T>(
    queue: &mut mpsc::Receiver<T>,
    jobs: &mut Vec<T>,
    count: usize,
    wait: Duration,
) {
    let until = tokio::time::Instant::now() + wait;
    while jobs.len() < count {
        let room = MAX_BATCH - jobs.len();
        match tokio::time::timeout_at(until, queue.recv_many(jobs, room)).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

mod kept;

use kept::{Ran, no_connection, run_alone, run_kept, timed_out};

#[cfg(test)]
#[path = "batcher/tests.rs"]
mod tests;
