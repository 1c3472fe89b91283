//! The `limit_counts` table (Postgres): the abuse limits' counts shared by instances.
//! `key` is 16 bytes of SHA-256; times are milliseconds since the epoch.

use sqlx::PgPool;

// In `ON CONFLICT DO UPDATE`, `l.` is the stored row. $2: the current fixed window's
// start as this caller's clock has it, $3: the window's length, $4: the fraction of it
// gone by, $5: the limit. The row's window never goes back: a caller whose $2 is older
// than the stored window (its clock read before another's newer one reached the row, or
// another instance's clock a little behind) counts in the stored window, as at its start
// (the previous window's whole count still weighs), instead of starting the counts over.
/// The window the row moves to: the later of the stored one and the caller's.
macro_rules! window {
    () => {
        "GREATEST(l.window_start, $2)"
    };
}
/// The fraction of that window gone by: none for a caller from an earlier window.
macro_rules! gone_by {
    () => {
        "(CASE WHEN $2 < l.window_start THEN 0 ELSE $4 END)"
    };
}
/// The stored `previous`, rolled to that window.
macro_rules! rolled_previous {
    () => {
        concat!(
            "CASE WHEN l.window_start = ",
            window!(),
            " THEN l.previous WHEN l.window_start + $3 = ",
            window!(),
            " THEN l.current ELSE 0 END"
        )
    };
}
/// The stored `current`, rolled to that window.
macro_rules! rolled_current {
    () => {
        concat!(
            "CASE WHEN l.window_start = ",
            window!(),
            " THEN l.current ELSE 0 END"
        )
    };
}
/// Whether the sliding count leaves room for one more (as `limits::wait_for_room`).
macro_rules! fits {
    () => {
        concat!(
            "((",
            rolled_previous!(),
            ") * (1 - ",
            gone_by!(),
            ") + (",
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
    "window_start = ",
    window!(),
    ", expires_at = ",
    window!(),
    " + 2 * $3 ",
    "RETURNING previous, current, granted, window_start"
);

/// One key's counts after a reservation, and whether it got its slot.
pub struct Reserved {
    pub previous: i32,
    pub current: i32,
    pub granted: bool,
    /// The window the counts are in: the caller's, or a later one stored before it.
    pub window_start: i64,
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
    let (previous, current, granted, window_start): (i32, i32, bool, i64) = sqlx::query_as(RESERVE)
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
        window_start,
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
