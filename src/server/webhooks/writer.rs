//! Who stores verified events: one task per process, on a connection it keeps. Requests
//! queue their event and wait for its answer; the task takes every event waiting (up to
//! [`MAX_BATCH`]) and stores them together (`db::event_batch`). A burst then costs one
//! commit per batch: on SQLite never its sleeping busy handler, on Postgres one round
//! trip and one commit for many events. Nothing is answered before its batch is
//! committed; if a batch fails, the connection is closed and its events are stored one
//! by one, so one bad event cannot hold back the others.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::error::Elapsed;

use super::apply::Received;
use crate::server::db::Database;
use crate::server::db::event_batch::BatchConnection;
use crate::server::db::events::{self, EventWrite, Stored};
use crate::server::db::mirror::MirrorWrite;

/// The most events one transaction takes.
const MAX_BATCH: usize = 64;
/// Events waiting for the writer; more wait for room (within the answer's deadline).
const QUEUE: usize = 1024;
/// How long one batch, or one event stored alone, may take. Its requests have been
/// answered 500 by then (`route::ANSWER_WITHIN`); Paddle retries them, and a batch that
/// committed after all makes those retries duplicates.
const WITHIN: Duration = Duration::from_secs(4);

type Reply = oneshot::Sender<Result<Stored, sqlx::Error>>;

/// The process's event writer; cheap to clone.
#[derive(Clone, Debug)]
pub struct EventWriter {
    queue: mpsc::Sender<(Received, Reply)>,
}

/// The writer stopped (the process is shutting down).
fn closed() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

impl EventWriter {
    /// Starts the writer task (it ends with the last clone of this).
    pub fn for_database(db: &Database) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db.clone(), rx));
        Self { queue }
    }

    /// Stores `received` and applies it; answers once it is durable (or failed).
    pub async fn store(&self, received: Received) -> Result<Stored, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((received, reply))
            .await
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

async fn run(db: Database, mut queue: mpsc::Receiver<(Received, Reply)>) {
    let mut held: Option<BatchConnection> = None;
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut closing = db.close_event();
    let mut closed = false;
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
        let batch: Vec<_> = jobs.iter().map(|(r, _)| (&r.event, &r.write)).collect();
        let Ok(stored) = store_kept(&mut held, &db, &batch).await else {
            // Its requests have had their 500 already; they will come again.
            tracing::warn!(
                events = jobs.len(),
                "webhook batch not stored in time; given up"
            );
            for (_, reply) in jobs.drain(..) {
                let _ = reply.send(Err(timed_out()));
            }
            continue;
        };
        match stored {
            Ok(stored) => {
                for ((_, reply), stored) in jobs.drain(..).zip(stored) {
                    let _ = reply.send(Ok(stored));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, events = jobs.len(), "webhook batch failed; storing its events one by one");
                for (received, reply) in jobs.drain(..) {
                    let one = events::store_and_apply(&db, &received.event, &received.write);
                    let one = tokio::time::timeout(WITHIN, one).await;
                    let _ = reply.send(one.unwrap_or_else(|_| Err(timed_out())));
                }
            }
        }
    }
}

/// Stores `batch` on the kept connection (taking one first if none is kept). A connection
/// that failed, or did not finish within [`WITHIN`], is closed in the background and
/// never used again: the writer goes on with a fresh one instead of waiting behind it.
async fn store_kept(
    held: &mut Option<BatchConnection>,
    db: &Database,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Result<Vec<Stored>, sqlx::Error>, Elapsed> {
    let mut conn = match held.take() {
        Some(conn) => conn,
        None => match BatchConnection::acquire(db).await {
            Ok(conn) => conn,
            Err(e) => return Ok(Err(e)),
        },
    };
    let stored = tokio::time::timeout(WITHIN, conn.store(batch)).await;
    if matches!(stored, Ok(Ok(_))) {
        *held = Some(conn);
    } else {
        tokio::spawn(conn.close());
    }
    stored
}

fn timed_out() -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "the database did not store the batch in time",
    ))
}
