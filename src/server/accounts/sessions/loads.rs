//! Session loads of requests that arrive together, read with one statement on a kept
//! connection (`db::batcher`): every signed-in request loads its session first, and one
//! pooled query each would cost a round trip to a connection (on SQLite, its thread) and
//! the pool's check on release. The same rows and the same rule as
//! tower-sessions-sqlx-store's own `load`: the session's `data` if its id is stored and
//! its expiry is still ahead.

use std::collections::HashMap;

use sqlx::QueryBuilder;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::Id;

use crate::server::db::Database;
use crate::server::db::batcher::{BatchConnection, Batched, Batcher};
use crate::server::db::on_pool;

/// Sessions' encoded data by id.
pub struct SessionLoads;

/// The process's batcher of session loads; cheap to clone.
pub type SessionLoader = Batcher<SessionLoads>;

/// `SELECT` of the live sessions among `$ids` (strings) in `$table`, as `(id, data)` rows.
macro_rules! live_sessions {
    ($table:expr, $ids:expr, |$query:ident| $run:expr) => {{
        let mut select = QueryBuilder::new("SELECT id, data FROM ");
        select.push($table).push(" WHERE expiry_date > ");
        select
            .push_bind(OffsetDateTime::now_utc())
            .push(" AND id IN (");
        let mut list = select.separated(", ");
        for id in $ids {
            list.push_bind(id);
        }
        list.push_unseparated(")");
        let $query = select.build_query_as::<(String, Vec<u8>)>();
        $run
    }};
}

/// The tables tower-sessions-sqlx-store creates (its defaults).
const SQLITE_TABLE: &str = "tower_sessions";
const POSTGRES_TABLE: &str = r#""tower_sessions"."session""#;

#[async_trait::async_trait]
impl Batched for SessionLoads {
    type Item = Id;
    type Answer = Option<Vec<u8>>;
    const WHAT: &'static str = "session loads";

    async fn batch(
        conn: &mut BatchConnection,
        ids: &[Id],
    ) -> Result<Vec<Option<Vec<u8>>>, sqlx::Error> {
        let keys: Vec<String> = ids.iter().map(Id::to_string).collect();
        let rows = match conn {
            BatchConnection::Sqlite(c) => {
                live_sessions!(SQLITE_TABLE, &keys, |q| q.fetch_all(&mut **c).await?)
            }
            BatchConnection::Postgres(c) => {
                live_sessions!(POSTGRES_TABLE, &keys, |q| q.fetch_all(&mut **c).await?)
            }
        };
        Ok(answers(&keys, rows))
    }

    async fn alone(db: &Database, id: &Id) -> Result<Option<Vec<u8>>, sqlx::Error> {
        let keys = [id.to_string()];
        let table = match db {
            Database::Sqlite(_) => SQLITE_TABLE,
            Database::Postgres(_) => POSTGRES_TABLE,
        };
        let rows = on_pool!(db, |pool| live_sessions!(table, &keys, |q| q
            .fetch_all(pool)
            .await?));
        Ok(answers(&keys, rows).pop().flatten())
    }
}

/// Each key's data, in the keys' order (`None`: no live session); a key asked for twice
/// gets the same answer twice.
fn answers(keys: &[String], rows: Vec<(String, Vec<u8>)>) -> Vec<Option<Vec<u8>>> {
    let found: HashMap<String, Vec<u8>> = rows.into_iter().collect();
    keys.iter().map(|k| found.get(k).cloned()).collect()
}
