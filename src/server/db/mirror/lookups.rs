//! The portal's lookup (a user's email → the mirrored customer and its subscriptions) for
//! mints that arrive together, read with one statement on a kept connection
//! (`db::batcher`) instead of a pooled round trip each. Each email gets exactly what
//! [`customer_and_subscription_ids`] gives it alone: the customer with that email if
//! exactly one has it, and its subscriptions, most recently created first.

use std::collections::BTreeMap;

use super::{Bridge, Owned, bridge, customer_and_subscription_ids};
use crate::server::accounts::email;
use crate::server::db::Database;
use crate::server::db::batcher::{BatchConnection, Batched, Batcher};

/// Lookups by (any-case) email.
pub struct CustomerLookups;

/// The process's batcher of portal lookups; cheap to clone.
pub type CustomerLookup = Batcher<CustomerLookups>;

/// `$1`: the emails as one JSON array; rows of (position in it, customer, subscription).
const SQLITE: &str = "SELECT q.key, c.id, s.id FROM json_each($1) q \
    JOIN customers c ON c.email = q.value AND c.status <> 'archived' \
    LEFT JOIN subscriptions s ON s.customer_id = c.id \
    ORDER BY q.key, c.id, s.created_at DESC, s.id DESC";
/// `$1`: the emails as one array; rows of (position in it, from 1, customer, subscription).
const POSTGRES: &str = "SELECT q.n - 1, c.id, s.id \
    FROM unnest($1::text[]) WITH ORDINALITY AS q(email, n) \
    JOIN customers c ON c.email = q.email AND c.status <> 'archived' \
    LEFT JOIN subscriptions s ON s.customer_id = c.id \
    ORDER BY q.n, c.id, s.created_at DESC, s.id DESC";

type Row = (i64, String, Option<String>);

#[async_trait::async_trait]
impl Batched for CustomerLookups {
    type Item = String;
    type Answer = Bridge<Owned>;
    const WHAT: &'static str = "portal lookups";

    async fn batch(
        conn: &mut BatchConnection,
        emails: &[String],
    ) -> Result<Vec<Bridge<Owned>>, sqlx::Error> {
        let emails: Vec<String> = emails.iter().map(|e| email::normalize(e)).collect();
        let rows: Vec<Row> = match conn {
            BatchConnection::Sqlite(conn) => {
                let json =
                    serde_json::to_string(&emails).map_err(|e| sqlx::Error::Encode(e.into()))?;
                sqlx::query_as(SQLITE)
                    .bind(json)
                    .fetch_all(&mut **conn)
                    .await?
            }
            BatchConnection::Postgres(conn) => {
                sqlx::query_as(POSTGRES)
                    .bind(&emails)
                    .fetch_all(&mut **conn)
                    .await?
            }
        };
        let mut found: BTreeMap<i64, Vec<(String, Option<String>)>> = BTreeMap::new();
        for (at, customer, subscription) in rows {
            found.entry(at).or_default().push((customer, subscription));
        }
        Ok((0..emails.len() as i64)
            .map(|at| bridge(found.remove(&at).unwrap_or_default()))
            .collect())
    }

    async fn alone(db: &Database, email: &String) -> Result<Bridge<Owned>, sqlx::Error> {
        customer_and_subscription_ids(db, email).await
    }
}
