//! The `webhook_refusals` table: deliveries refused at signature verification or signed
//! but unreadable, counted per reason and hour, and under `simulation` the verified
//! deliveries of Paddle's webhook simulator, which are not refused (written by
//! `webhooks::refusals`, read by `paddock doctor`).

use super::{Database, on_pool};

/// The refusals of one reason over a span of hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusalCount {
    pub reason: String,
    pub count: i64,
    /// Unix seconds of the latest one.
    pub last_at: i64,
}

// `webhook_refusals.` is the stored row, `excluded.` the proposed one (both backends).
const ADD: &str = "INSERT INTO webhook_refusals (reason, hour, count, last_at) \
    VALUES ($1, $2, $3, $4) ON CONFLICT (reason, hour) DO UPDATE SET \
    count = webhook_refusals.count + excluded.count, \
    last_at = CASE WHEN excluded.last_at > webhook_refusals.last_at \
              THEN excluded.last_at ELSE webhook_refusals.last_at END";

/// Adds `count` refusals of `reason` to the hour starting at `hour`: one statement.
pub async fn add(
    db: &Database,
    reason: &str,
    hour: i64,
    count: i64,
    last_at: i64,
) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query(ADD)
            .bind(reason)
            .bind(hour)
            .bind(count)
            .bind(last_at)
            .execute(pool)
            .await
            .map(drop)
    })
}

/// Deletes the hours before `hour`.
pub async fn prune(db: &Database, hour: i64) -> Result<(), sqlx::Error> {
    let sql = "DELETE FROM webhook_refusals WHERE hour < $1";
    on_pool!(db, |pool| sqlx::query(sql)
        .bind(hour)
        .execute(pool)
        .await
        .map(drop))
}

/// Refusals per reason in the hours from `hour` on, most frequent first.
pub async fn since(db: &Database, hour: i64) -> Result<Vec<RefusalCount>, sqlx::Error> {
    // SUM of BIGINT is NUMERIC on Postgres: cast back so both backends give an i64.
    let sql = "SELECT reason, CAST(SUM(count) AS BIGINT), MAX(last_at) FROM webhook_refusals \
               WHERE hour >= $1 GROUP BY reason ORDER BY 2 DESC, reason";
    let rows: Vec<(String, i64, i64)> = on_pool!(db, |pool| {
        sqlx::query_as(sql).bind(hour).fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(reason, count, last_at)| RefusalCount {
            reason,
            count,
            last_at,
        })
        .collect())
}
