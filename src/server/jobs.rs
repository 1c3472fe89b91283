//! Periodic jobs that must run once a period however many instances share the database
//! (the expired-session and unverified-account sweeps): each instance ticks, and the one
//! whose conditional update moves the job's `last_run` forward runs it. The table
//! `job_runs` shows when each job last ran and how often.

use std::future::Future;
use std::time::Duration;

use crate::server::db::Database;
use crate::server::db::jobs::claim;

/// Every `every`, runs `work` if this instance claims the period; for good.
pub fn spawn_periodic<F, Fut>(db: Database, job: &'static str, every: Duration, work: F)
where
    F: Fn(Database) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match claim(&db, job, every).await {
                Ok(true) => {
                    tracing::info!(job, "periodic job: this instance runs it this period");
                    work(db.clone()).await;
                }
                Ok(false) => tracing::debug!(job, "another instance ran it this period"),
                Err(e) => tracing::error!(error = %e, job, "could not claim the periodic job"),
            }
        }
    });
}
