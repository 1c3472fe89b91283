//! SQLite: many webhook events stored in one transaction and one query, so that a burst
//! costs SQLite's single writer (and sqlx's hop to the connection's thread) once per
//! batch instead of once per event (a single event is a batch of one). The mirror upsert
//! runs only if the event's insert inserted (`changes() = 1`).

use std::fmt::Write as _;

use sqlx::SqliteConnection;

use crate::server::db::events::{EventWrite, Stored, event_columns};
use crate::server::db::mirror::{
    MirrorWrite, bind_customer, bind_subscription, customer_conflict, customer_insert,
    subscription_conflict, subscription_insert,
};

/// Binds the event's seven fields, then the mirror write's, to `$query` (in that order:
/// the next numbers of the batch's parameters).
macro_rules! bind_all {
    ($query:expr, $event:expr, $write:expr) => {{
        let q = $query
            .bind(&$event.event_id)
            .bind(&$event.event_type)
            .bind(&$event.occurred_at)
            .bind($event.occurred_at_us)
            .bind(&$event.notification_id)
            .bind($event.received_at)
            .bind(&$event.payload);
        match $write {
            MirrorWrite::Customer(c) => bind_customer!(q, c),
            MirrorWrite::Subscription(s) => bind_subscription!(q, s),
            MirrorWrite::Nothing => q,
        }
    }};
}

/// Stores every `(event, write)` in order, atomically: all or nothing. Returns, for each,
/// whether it was new; a later copy of an event earlier in the batch is a duplicate.
///
/// The transaction's `BEGIN IMMEDIATE` and `COMMIT` travel in the same query as the
/// writes: one hand-off to the connection's thread per batch instead of three. After a
/// failure `conn` may still be inside the transaction: the caller closes it (SQLite rolls
/// back what a closed connection left open) and never uses it again.
pub async fn store_batch(
    conn: &mut SqliteConnection,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = format!(
        "BEGIN IMMEDIATE; {}COMMIT;",
        batch_sql(batch.iter().map(|(_, write)| *write))
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql).persistent(false);
    for (event, write) in batch {
        query = bind_all!(query, event, write);
    }
    // Each new event's insert returns its position in the batch.
    let new = query.fetch_all(&mut *conn).await?;
    let mut stored = vec![Stored::Duplicate; batch.len()];
    for i in new {
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| stored.get_mut(i)) {
            *slot = Stored::New;
        }
    }
    Ok(stored)
}

/// The statements of a batch whose writes are `writes`, numbering the parameters on.
fn batch_sql<'a>(writes: impl Iterator<Item = &'a MirrorWrite>) -> String {
    let mut sql = String::new();
    let mut next = 1;
    for (i, write) in writes.enumerate() {
        let event = params(&mut next, 7);
        let _ = write!(
            sql,
            "{} VALUES ({event}) ON CONFLICT (event_id) DO NOTHING RETURNING {i}; ",
            event_columns!()
        );
        let (insert, conflict, n) = match write {
            MirrorWrite::Customer(_) => (customer_insert!(), customer_conflict!(), 7),
            MirrorWrite::Subscription(_) => (subscription_insert!(), subscription_conflict!(), 15),
            MirrorWrite::Nothing => continue,
        };
        let values = params(&mut next, n);
        let _ = write!(
            sql,
            "{insert} SELECT {values} WHERE changes() = 1 {conflict}; "
        );
    }
    sql
}

/// `$next, …` for `n` parameters; moves `next` past them.
fn params(next: &mut usize, n: usize) -> String {
    let list: Vec<String> = (*next..*next + n).map(|p| format!("${p}")).collect();
    *next += n;
    list.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_run_on_across_the_statements_of_a_batch() {
        let customer = MirrorWrite::Nothing;
        let sql = batch_sql([&customer, &customer].into_iter());
        assert!(sql.contains("VALUES ($1, $2, $3, $4, $5, $6, $7)"), "{sql}");
        assert!(
            sql.contains("VALUES ($8, $9, $10, $11, $12, $13, $14)"),
            "{sql}"
        );
        assert!(
            sql.contains("RETURNING 0;") && sql.contains("RETURNING 1;"),
            "{sql}"
        );
    }
}
