//! SQLite: the serving process's WAL checkpoints. A commit appends to the log; a checkpoint
//! copies the log back into the database file; the next commit after a checkpoint that
//! copied all of it starts the log over from its beginning. Two parts:
//! - this task copies the log back every [`EVERY`], `PASSIVE`ly, on a connection and a
//!   thread of its own: it never blocks a writer or a reader, and what it cannot copy yet
//!   (pages a reader still needs) it copies on a later tick. The batchers' commits (the
//!   webhook writer's above all: the one writer every queued delivery waits behind) do
//!   not pay for that copy;
//! - but under steady writes the log grows meanwhile, so this task never finds it all
//!   copied and it is never started over. So the batchers' kept connections also
//!   checkpoint by themselves once the log passes [`RESTART_PAGES`]: most of it already
//!   copied by this task, the committing connection copies the rest, and the log starts
//!   over. The log then stays a few megabytes, its file pages rewritten in place, instead
//!   of growing to tens of megabytes: each commit that writes past the end of the file
//!   pays the kernel for new blocks (measured with `bench/run.sh webhooks` on a fresh
//!   server: less CPU per webhook). Postgres checkpoints by itself.

use std::time::Duration;

use sqlx::SqliteConnection;
use tokio::task::JoinHandle;

use super::Database;

/// How often the checkpointer copies the log back.
pub const EVERY: Duration = Duration::from_millis(50);

/// The log size (pages) past which a kept connection's commit finishes the copy, so that
/// the log starts over: about 4 MB at SQLite's 4 KiB pages (SQLite's own default).
pub const RESTART_PAGES: u32 = 1_000;

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

/// Has `conn` (a kept connection) finish the checkpointer's copy past [`RESTART_PAGES`].
pub async fn restart_past(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    // A PRAGMA takes no bind parameter; the value is a constant.
    let pragma = format!("PRAGMA wal_autocheckpoint = {RESTART_PAGES}");
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
