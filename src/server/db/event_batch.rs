//! SQLite: many webhook events stored in one transaction and one query, so that a burst
//! costs SQLite's single writer (and sqlx's hop to the connection's thread) once per
//! batch instead of once per event (a single event is a batch of one). Each event is the
//! same two writes as on Postgres: the event's insert, then its mirror upsert only if the
//! insert inserted (`changes() = 1`).

use std::fmt::Write as _;

use sqlx::SqlitePool;

use super::events::{EventWrite, Stored, bind_all, event_columns};
use super::mirror::{
    MirrorWrite, bind_customer, bind_subscription, customer_conflict, customer_insert,
    subscription_conflict, subscription_insert,
};

/// Stores every `(event, write)` in order, atomically: all or nothing. Returns, for each,
/// whether it was new; a later copy of an event earlier in the batch is a duplicate.
pub async fn store_batch(
    pool: &SqlitePool,
    batch: &[(&EventWrite, &MirrorWrite)],
) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = batch_sql(batch.iter().map(|(_, write)| *write));
    let mut query = sqlx::query_scalar::<_, i64>(&sql).persistent(false);
    for (event, write) in batch {
        query = bind_all!(query, event, write);
    }
    let mut tx = pool.begin().await?;
    // Each new event's insert returns its position in the batch.
    let new = query.fetch_all(&mut *tx).await?;
    tx.commit().await?;
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
