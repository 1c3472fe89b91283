//! The `limit_counts` table (Postgres): the abuse limits' counts shared by instances.
//! `key` is 16 bytes of SHA-256; times are milliseconds since the epoch.

use sqlx::PgPool;

// In `ON CONFLICT DO UPDATE`, `l.` is the stored row. $2: the current fixed window's
// start, $3: the window's length, $4: the fraction of it gone by, $5: the limit.
/// The stored `previous`, rolled to the window starting at $2.
macro_rules! rolled_previous {
    () => {
        "CASE WHEN l.window_start = $2 THEN l.previous \
         WHEN l.window_start + $3 = $2 THEN l.current ELSE 0 END"
    };
}
/// The stored `current`, rolled to the window starting at $2.
macro_rules! rolled_current {
    () => {
        "CASE WHEN l.window_start = $2 THEN l.current ELSE 0 END"
    };
}
/// Whether the sliding count leaves room for one more (as `limits::wait_for_room`).
macro_rules! fits {
    () => {
        concat!(
            "((",
            rolled_previous!(),
            ") * (1 - $4) + (",
            rolled_current!(),
            ") <= $5 - 1 + 1e-9)"
        )
    };
}
const RESERVE: &str = concat!(
    "INSERT INTO limit_counts AS l (key, window_start, previous, current, expires_at, granted) ",
    "VALUES ($1, $2, 0, 1, $2 + 2 * $3, TRUE) ON CONFLICT (key) DO UPDATE SET ",
    "previous = ",
    rolled_previous!(),
    ", ",
    "current = (",
    rolled_current!(),
    ") + CASE WHEN ",
    fits!(),
    " THEN 1 ELSE 0 END, ",
    "granted = ",
    fits!(),
    ", ",
    "window_start = $2, expires_at = $2 + 2 * $3 ",
    "RETURNING previous, current, granted"
);

/// One key's counts after a reservation, and whether it got its slot.
pub struct Reserved {
    pub previous: i32,
    pub current: i32,
    pub granted: bool,
}

/// Rolls `key`'s counts to the fixed window starting at `window_start` (ms; `window` ms
/// long, `elapsed` its fraction gone by), and takes a slot if the sliding count leaves
/// room under `max`: one statement, one round trip. `ON CONFLICT DO UPDATE` locks the
/// row and every `l.` in it reads the row's latest committed values (before this
/// update), so parallel reservations on any number of instances each see the others'.
/// A new key's first reservation always fits (`max` is at least 1; the caller checks).
pub async fn reserve(
    pool: &PgPool,
    key: &[u8],
    window_start: i64,
    window: i64,
    elapsed: f64,
    max: i64,
) -> Result<Reserved, sqlx::Error> {
    let (previous, current, granted): (i32, i32, bool) = sqlx::query_as(RESERVE)
        .bind(key)
        .bind(window_start)
        .bind(window)
        .bind(elapsed)
        .bind(max)
        .fetch_one(pool)
        .await?;
    Ok(Reserved {
        previous,
        current,
        granted,
    })
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
