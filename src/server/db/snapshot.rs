//! Writing API snapshots (not webhook events) into the mirror, for `paddock reconcile`.
//!
//! The same upserts as webhooks, so the same rules hold: a row changes only when the
//! snapshot ranks above what it reflects (newer; for a subscription, a cancellation
//! above every other state), and `canceled` stays final.

use super::mirror::{CustomerWrite, SubscriptionWrite, upsert_customer, upsert_subscription};
use super::{Database, on_pool};

/// What one upsert did to the mirror.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated,
    /// The mirror already reflected this or a state that ranks above it (newer, or a
    /// cancellation).
    Unchanged,
}

fn outcome(existed: bool, affected: u64) -> Outcome {
    match (existed, affected) {
        (_, 0) => Outcome::Unchanged,
        (false, _) => Outcome::Inserted,
        (true, _) => Outcome::Updated,
    }
}

/// The positions of `ids` in ascending id order: the order a page's upserts take their
/// row locks in. Webhook batches take theirs in the same order (`ORDER BY id`), so on
/// Postgres a reconcile and a batch wait for one another instead of deadlocking (an
/// upsert locks its row even when its guard leaves the row as it was). Paddle lists
/// newest first, so a page comes in descending order.
fn lock_order<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut order: Vec<(usize, &str)> = ids.enumerate().collect();
    order.sort_by(|a, b| a.1.cmp(b.1));
    order.into_iter().map(|(i, _)| i).collect()
}

/// Upserts one page of customers in one transaction; one outcome per customer, in order.
pub async fn upsert_customers(
    db: &Database,
    rows: &[CustomerWrite],
) -> Result<Vec<Outcome>, sqlx::Error> {
    let exists = "SELECT COUNT(*) FROM customers WHERE id = $1";
    on_pool!(db, |pool| {
        // Which rows exist is read before the transaction: a SQLite transaction that
        // reads first can fail to take the write lock while webhooks are writing. A race
        // only misnames an insert as an update; the upsert's own guard keeps the data right.
        let mut existed = Vec::with_capacity(rows.len());
        for c in rows {
            let n: i64 = sqlx::query_scalar(exists)
                .bind(&c.id)
                .fetch_one(pool)
                .await?;
            existed.push(n > 0);
        }
        let mut tx = pool.begin().await?;
        let mut outcomes = vec![Outcome::Unchanged; rows.len()];
        for i in lock_order(rows.iter().map(|c| c.id.as_str())) {
            let affected = upsert_customer!(&rows[i])
                .execute(&mut *tx)
                .await?
                .rows_affected();
            outcomes[i] = outcome(existed[i], affected);
        }
        tx.commit().await?;
        Ok(outcomes)
    })
}

/// Upserts one page of subscriptions in one transaction; one outcome per subscription.
pub async fn upsert_subscriptions(
    db: &Database,
    rows: &[SubscriptionWrite],
) -> Result<Vec<Outcome>, sqlx::Error> {
    let exists = "SELECT COUNT(*) FROM subscriptions WHERE id = $1";
    on_pool!(db, |pool| {
        // Which rows exist is read before the transaction: a SQLite transaction that
        // reads first can fail to take the write lock while webhooks are writing. A race
        // only misnames an insert as an update; the upsert's own guard keeps the data right.
        let mut existed = Vec::with_capacity(rows.len());
        for s in rows {
            let n: i64 = sqlx::query_scalar(exists)
                .bind(&s.id)
                .fetch_one(pool)
                .await?;
            existed.push(n > 0);
        }
        let mut tx = pool.begin().await?;
        let mut outcomes = vec![Outcome::Unchanged; rows.len()];
        for i in lock_order(rows.iter().map(|s| s.id.as_str())) {
            let affected = upsert_subscription!(&rows[i])
                .execute(&mut *tx)
                .await?
                .rows_affected();
            outcomes[i] = outcome(existed[i], affected);
        }
        tx.commit().await?;
        Ok(outcomes)
    })
}

/// How many customers and subscriptions the mirror holds.
pub async fn counts(db: &Database) -> Result<(i64, i64), sqlx::Error> {
    let customers = "SELECT COUNT(*) FROM customers";
    let subscriptions = "SELECT COUNT(*) FROM subscriptions";
    on_pool!(db, |pool| {
        let c = sqlx::query_scalar::<_, i64>(customers)
            .fetch_one(pool)
            .await?;
        let s = sqlx::query_scalar::<_, i64>(subscriptions)
            .fetch_one(pool)
            .await?;
        Ok((c, s))
    })
}
