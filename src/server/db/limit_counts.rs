//! The `limit_counts` table (Postgres): the abuse limits' counts shared by instances.
//! `key` is 16 bytes of SHA-256; times are milliseconds since the epoch.

use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// One key's counts, as stored.
pub struct Counts {
    pub window_start: i64,
    pub previous: i32,
    pub current: i32,
}

/// Opens a transaction and locks `key`'s row (made when missing) until it ends.
pub async fn lock(
    pool: &PgPool,
    key: &[u8],
) -> Result<(Transaction<'static, Postgres>, Counts), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO limit_counts (key, window_start, previous, current, expires_at) \
         VALUES ($1, 0, 0, 0, 0) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .execute(&mut *tx)
    .await?;
    let (window_start, previous, current): (i64, i32, i32) = sqlx::query_as(
        "SELECT window_start, previous, current FROM limit_counts WHERE key = $1 FOR UPDATE",
    )
    .bind(key)
    .fetch_one(&mut *tx)
    .await?;
    let counts = Counts {
        window_start,
        previous,
        current,
    };
    Ok((tx, counts))
}

/// Writes `key`'s counts inside the transaction that locked it.
pub async fn store(
    tx: &mut PgConnection,
    key: &[u8],
    counts: &Counts,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE limit_counts SET window_start = $2, previous = $3, current = $4, \
         expires_at = $5 WHERE key = $1",
    )
    .bind(key)
    .bind(counts.window_start)
    .bind(counts.previous)
    .bind(counts.current)
    .bind(expires_at)
    .execute(tx)
    .await
    .map(drop)
}

/// Gives one slot of `key` back (from the current window, else the previous one).
pub async fn release(pool: &PgPool, key: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE limit_counts SET \
         previous = CASE WHEN current = 0 THEN GREATEST(previous - 1, 0) ELSE previous END, \
         current = GREATEST(current - 1, 0) WHERE key = $1",
    )
    .bind(key)
    .execute(pool)
    .await
    .map(drop)
}

/// Forgets `key`.
pub async fn clear(pool: &PgPool, key: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM limit_counts WHERE key = $1")
        .bind(key)
        .execute(pool)
        .await
        .map(drop)
}

/// Deletes the rows whose counts no longer matter at `now`.
pub async fn sweep(pool: &PgPool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM limit_counts WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await
        .map(drop)
}
