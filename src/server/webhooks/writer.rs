//! Who stores verified events. On Postgres each request stores its own (one statement;
//! Postgres has many writers). On SQLite, which has one writer, a single task stores
//! them: requests queue their event and wait for its answer, and the task takes every
//! event waiting (up to [`MAX_BATCH`]) into one transaction (`db::event_batch`). A burst
//! then costs one commit per batch, never SQLite's sleeping busy handler. Nothing is
//! answered before its batch is committed; if a batch fails, its events are stored one
//! by one, so one bad event cannot hold back the others.

use tokio::sync::{mpsc, oneshot};

use super::apply::Received;
use crate::server::db::Database;
use crate::server::db::event_batch::store_batch;
use crate::server::db::events::{self, Stored};

/// The most events one transaction takes.
const MAX_BATCH: usize = 64;
/// Events waiting for the writer; more wait for room (within the answer's deadline).
const QUEUE: usize = 1024;

type Reply = oneshot::Sender<Result<Stored, sqlx::Error>>;

/// The process's event writer; cheap to clone.
#[derive(Clone, Debug)]
pub struct EventWriter {
    db: Database,
    queue: Option<mpsc::Sender<(Received, Reply)>>,
}

/// The writer stopped (the process is shutting down).
fn closed() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

impl EventWriter {
    /// For SQLite, starts the writer task (it ends with the last clone of this).
    pub fn for_database(db: &Database) -> Self {
        let queue = match db {
            Database::Postgres(_) => None,
            Database::Sqlite(pool) => {
                let (tx, rx) = mpsc::channel(QUEUE);
                tokio::spawn(run(pool.clone(), rx));
                Some(tx)
            }
        };
        Self {
            db: db.clone(),
            queue,
        }
    }

    /// Stores `received` and applies it; answers once it is durable (or failed).
    pub async fn store(&self, received: Received) -> Result<Stored, sqlx::Error> {
        let Some(queue) = &self.queue else {
            return events::store_and_apply(&self.db, &received.event, &received.write).await;
        };
        let (reply, answer) = oneshot::channel();
        queue.send((received, reply)).await.map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

async fn run(pool: sqlx::SqlitePool, mut queue: mpsc::Receiver<(Received, Reply)>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch: Vec<_> = jobs.iter().map(|(r, _)| (&r.event, &r.write)).collect();
        match store_batch(&pool, &batch).await {
            Ok(stored) => {
                for ((_, reply), stored) in jobs.drain(..).zip(stored) {
                    let _ = reply.send(Ok(stored));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, events = jobs.len(), "webhook batch failed; storing its events one by one");
                let db = Database::Sqlite(pool.clone());
                for (received, reply) in jobs.drain(..) {
                    let one = events::store_and_apply(&db, &received.event, &received.write).await;
                    let _ = reply.send(one);
                }
            }
        }
    }
}
