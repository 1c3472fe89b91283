//! The signed-in user of requests that arrive together, read with one statement on a
//! kept connection (`db::batcher`): axum-login loads the user of every signed-in request,
//! and one pooled query each would cost a round trip to a connection (on SQLite, its
//! thread) and the pool's check on release. The same rule as `users::by_id`: the account
//! if it is live, with the unverified cutoff taken when the statement runs.

use std::collections::HashMap;

use crate::server::db::batcher::{BatchConnection, Batched, Batcher};
use crate::server::db::{Database, users};

/// Users by id.
pub struct UserLoads;

/// The process's batcher of user loads; cheap to clone.
pub type UserLoader = Batcher<UserLoads>;

#[async_trait::async_trait]
impl Batched for UserLoads {
    type Item = i64;
    type Answer = Option<users::UserRow>;
    const WHAT: &'static str = "user loads";

    async fn batch(
        conn: &mut BatchConnection,
        ids: &[i64],
    ) -> Result<Vec<Option<users::UserRow>>, sqlx::Error> {
        let rows = users::live_by_ids(conn, ids, super::unverified_cutoff()).await?;
        let found: HashMap<i64, users::UserRow> = rows.into_iter().map(|r| (r.id, r)).collect();
        Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
    }

    async fn alone(db: &Database, id: &i64) -> Result<Option<users::UserRow>, sqlx::Error> {
        users::by_id(db, *id, super::unverified_cutoff()).await
    }
}
