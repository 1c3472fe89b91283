//! One batch on the kept connection, and what becomes of its items when it fails.

use super::{BatchConnection, Batched, Database, Reply, WITHIN};

/// Runs each item of a failed batch on its own, in order (event positions and audit rows
/// keep the order the requests came in), all within one [`WITHIN`]: an item not reached
/// in time fails as timed out, so a batch of 64 cannot hold up its kind for minutes. An
/// item whose request has gone is skipped.
pub(super) async fn run_alone<B: Batched>(
    db: &Database,
    items: &[B::Item],
    replies: Vec<Reply<B::Answer>>,
) {
    let until = tokio::time::Instant::now() + WITHIN;
    for (item, reply) in items.iter().zip(replies) {
        if reply.is_closed() {
            continue;
        }
        let one = tokio::time::timeout_at(until, B::alone(db, item)).await;
        let _ = reply.send(one.unwrap_or_else(|_| Err(timed_out())));
    }
}

/// What became of a batch on the kept connection.
pub(super) enum Ran<A> {
    Done(Vec<A>),
    /// The batch failed: its items may still succeed alone.
    Failed(sqlx::Error),
    /// No connection could be had.
    NoConnection(sqlx::Error),
    TimedOut,
}

/// Runs `items` on the kept connection (taking one first if none is kept). A connection
/// that failed, or did not finish within [`WITHIN`], is closed in the background and
/// never used again: the task goes on with a fresh one instead of waiting behind it.
pub(super) async fn run_kept<B: Batched>(
    held: &mut Option<BatchConnection>,
    db: &Database,
    items: &[B::Item],
) -> Ran<B::Answer> {
    let mut conn = match held.take() {
        Some(conn) => conn,
        None => match BatchConnection::acquire_kept(db).await {
            Ok(conn) => conn,
            Err(e) => return Ran::NoConnection(e),
        },
    };
    let stored = tokio::time::timeout(WITHIN, B::batch(&mut conn, items)).await;
    if matches!(stored, Ok(Ok(_))) {
        *held = Some(conn);
    } else {
        tokio::spawn(conn.close());
    }
    match stored {
        Ok(Ok(answers)) => Ran::Done(answers),
        Ok(Err(e)) => Ran::Failed(e),
        Err(_) => Ran::TimedOut,
    }
}

pub(super) fn no_connection() -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::NotConnected,
        "no database connection for the batch",
    ))
}

pub(super) fn timed_out() -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "the database did not finish the batch in time",
    ))
}
