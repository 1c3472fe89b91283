//! SQLite has one writer at a time. When two pooled connections write at once, the loser
//! gets `SQLITE_BUSY` and SQLite's busy handler sleeps (1, 2, 5, 10 … 100 ms) before it
//! tries again: under a burst of webhooks that sleeping was most of the p99. The gate
//! queues the process's hot writes (storing a webhook) on a fair async mutex instead, so
//! they take turns without sleeping. Postgres needs none: it locks rows, not the file.

use std::sync::Arc;

use tokio::sync::{Mutex, MutexGuard};

use super::Database;

/// The write turn of one SQLite database; empty for Postgres.
#[derive(Clone, Debug, Default)]
pub struct WriteGate(Option<Arc<Mutex<()>>>);

impl WriteGate {
    pub fn for_database(db: &Database) -> Self {
        match db {
            Database::Sqlite(_) => Self(Some(Arc::default())),
            Database::Postgres(_) => Self(None),
        }
    }

    /// Waits for this process's turn to write (at once on Postgres).
    pub async fn turn(&self) -> Option<MutexGuard<'_, ()>> {
        match &self.0 {
            Some(gate) => Some(gate.lock().await),
            None => None,
        }
    }
}
