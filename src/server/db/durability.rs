//! Commits that survive a crash of the database's machine, on Postgres: what "a webhook
//! is answered 2xx only once its event is stored" relies on, since Paddle never resends
//! an answered event. (On SQLite the connection that stores events commits with
//! `synchronous = FULL`: `event_batch::sqlite`.)
//!
//! Postgres flushes its write-ahead log before a commit returns unless
//! `synchronous_commit` is `off`, which a server, a database or a role may set as its
//! default to go faster: the last commits before a crash are then lost. So every
//! connection of the pool raises it to `on` when it starts `off` (any other value already
//! waits for the local flush, and a stronger one is kept). `fsync = off` cannot be
//! overridden by a client: `paddock doctor` fails on it.

use sqlx::PgConnection;
use sqlx::postgres::PgPool;

/// Run on each new connection (the pool's `after_connect`): a session setting, so it
/// holds for every transaction on the connection, and costs nothing after it.
pub(super) async fn raise_synchronous_commit(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT set_config('synchronous_commit', 'on', false) \
         WHERE current_setting('synchronous_commit') = 'off'",
    )
    .execute(conn)
    .await
    .map(drop)
}

/// What a connection of the pool commits with, and the server's own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgDurability {
    /// `fsync`: off, and no commit is safe from a crash of the machine.
    pub fsync: bool,
    /// `synchronous_commit` on a connection of the pool (after the raise).
    pub synchronous_commit: String,
    /// What the server, database or role set it to: what a connection starts with.
    pub default_synchronous_commit: String,
}

/// Reads [`PgDurability`] on a connection of `pool` (no privilege needed).
pub async fn postgres(pool: &PgPool) -> Result<PgDurability, sqlx::Error> {
    let (fsync, synchronous_commit, default_synchronous_commit): (String, String, String) =
        sqlx::query_as(
            "SELECT current_setting('fsync'), current_setting('synchronous_commit'), \
             (SELECT reset_val FROM pg_settings WHERE name = 'synchronous_commit')",
        )
        .fetch_one(pool)
        .await?;
    Ok(PgDurability {
        fsync: fsync == "on",
        synchronous_commit,
        default_synchronous_commit,
    })
}
