//! The `job_runs` table: which instance runs a periodic job this period.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Database, on_pool};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Whether this instance runs `job` for the period of length `every` that holds now:
/// true for exactly one caller a period, across every instance.
pub async fn claim(db: &Database, job: &str, every: Duration) -> Result<bool, sqlx::Error> {
    let (now, every) = (now(), i64::try_from(every.as_secs()).unwrap_or(i64::MAX));
    let insert =
        "INSERT INTO job_runs (job, last_run, runs) VALUES ($1, 0, 0) ON CONFLICT (job) DO NOTHING";
    on_pool!(db, |pool| {
        sqlx::query(insert).bind(job).execute(pool).await.map(drop)
    })?;
    // A little slack (a sixtieth of the period), so a tick a little early on another
    // instance still belongs to the new period.
    let update = "UPDATE job_runs SET last_run = $2, runs = runs + 1 \
                  WHERE job = $1 AND last_run <= $2 - $3 + $3 / 60";
    let claimed = on_pool!(db, |pool| {
        sqlx::query(update)
            .bind(job)
            .bind(now)
            .bind(every)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(claimed == 1)
}
