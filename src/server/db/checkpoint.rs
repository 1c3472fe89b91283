//! SQLite: the serving process's WAL checkpoints, on a connection and a thread of their
//! own. SQLite's default has the connection that commits past 1,000 pages of log copy the
//! log back into the database file there and then, inside its commit; for the batchers'
//! kept connections (the webhook writer's above all) that is the one writer every queued
//! request waits behind. Their connections checkpoint only past [`SAFETY_NET_PAGES`] (if
//! this task falls behind or stops); this task checkpoints every [`EVERY`] instead,
//! `PASSIVE`ly: it never blocks a writer or a reader, and what it cannot copy yet (pages a
//! reader still needs) it copies on a later tick. Measured by `bench/run.sh webhooks`.
//! Postgres checkpoints by itself.

use std::time::Duration;

use sqlx::SqliteConnection;
use tokio::task::JoinHandle;

use super::Database;

/// How often the checkpointer copies the log back.
pub const EVERY: Duration = Duration::from_millis(200);

/// The log size (pages) past which a kept connection checkpoints by itself after all:
/// about 40 MB at SQLite's 4 KiB pages.
pub const SAFETY_NET_PAGES: u32 = 10_000;

/// How long one checkpoint may take before the tick gives up (the next one goes on).
const WITHIN: Duration = Duration::from_secs(10);

/// What one checkpoint did, as SQLite reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpointed {
    /// Whether a writer or reader kept it from finishing (it copied what it could).
    pub busy: bool,
    /// Pages in the log.
    pub log_pages: i64,
    /// Pages of the log now in the database file.
    pub copied_pages: i64,
}

/// Leaves checkpoints to the checkpointer on `conn` (a kept connection), up to the safety net.
pub async fn leave_to_checkpointer(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    // A PRAGMA takes no bind parameter; the value is a constant.
    let pragma = format!("PRAGMA wal_autocheckpoint = {SAFETY_NET_PAGES}");
    sqlx::query(&pragma).execute(conn).await.map(drop)
}

/// One `PASSIVE` checkpoint on a pooled connection; `None` on Postgres.
pub async fn checkpoint(db: &Database) -> Result<Option<Checkpointed>, sqlx::Error> {
    let Database::Sqlite(pool) = db else {
        return Ok(None);
    };
    let (busy, log_pages, copied_pages): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(pool)
            .await?;
    Ok(Some(Checkpointed {
        busy: busy != 0,
        log_pages,
        copied_pages,
    }))
}

/// Checkpoints `db` every [`EVERY`] until `stop` completes; `None` on Postgres.
pub fn spawn(
    db: Database,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Option<JoinHandle<()>> {
    if !matches!(db, Database::Sqlite(_)) {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = &mut stop => break,
            }
            match tokio::time::timeout(WITHIN, checkpoint(&db)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "WAL checkpoint failed; retried next tick")
                }
                Err(_) => tracing::warn!("WAL checkpoint took too long; retried next tick"),
            }
        }
    }))
}
