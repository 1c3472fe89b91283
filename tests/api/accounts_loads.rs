//! The batched loads every signed-in request makes, on SQLite and on Postgres: a session
//! loaded together with others is what tower-sessions-sqlx-store's own `load` returns
//! (live: its record; expired or unknown: nothing), and a user read in a batch is what
//! `users::by_id` returns (verified, or unverified within the cutoff; else nothing).

use std::collections::HashMap;

use paddock::server::accounts::sessions::Store;
use paddock::server::db::batcher::BatchConnection;
use paddock::server::db::{Database, users};
use tower_sessions::SessionStore;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::common::{backends, spawn_app_on};

fn record(n: i64, expiry: OffsetDateTime) -> Record {
    Record {
        id: Id::default(),
        data: HashMap::from([("n".to_owned(), serde_json::json!(n))]),
        expiry_date: expiry,
    }
}

/// The library's own load, on the same table.
async fn library_load(db: &Database, id: &Id) -> Option<Record> {
    match db {
        Database::Sqlite(pool) => SqliteStore::new(pool.clone()).load(id).await,
        Database::Postgres(pool) => PostgresStore::new(pool.clone()).load(id).await,
    }
    .expect("library load")
}

#[tokio::test]
async fn sessions_loaded_together_are_what_the_store_library_loads() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let store = Store::new(&app.db);
        let now = OffsetDateTime::now_utc();
        let mut ids = Vec::new();
        for n in 0..24 {
            // Every third one expired a minute ago.
            let expiry = if n % 3 == 0 {
                now - Duration::minutes(1)
            } else {
                now + Duration::hours(1)
            };
            let mut r = record(n, expiry);
            store.create(&mut r).await.expect("created");
            ids.push(r.id);
        }
        ids.extend((0..4).map(|_| Id::default())); // never stored
        let expected: Vec<Option<Record>> = {
            let mut all = Vec::new();
            for id in &ids {
                all.push(library_load(&app.db, id).await);
            }
            all
        };
        assert_eq!(
            expected.iter().flatten().count(),
            16,
            "{backend:?}: 16 live"
        );

        let mut loads = tokio::task::JoinSet::new();
        for (i, id) in ids.iter().cycle().take(ids.len() * 3).enumerate() {
            let (store, id) = (store.clone(), *id);
            loads.spawn(async move { (i, store.load(&id).await) });
        }
        while let Some(done) = loads.join_next().await {
            let (i, loaded) = done.expect("task");
            let loaded = loaded.expect("loaded");
            let want = &expected[i % ids.len()];
            assert_eq!(
                loaded.as_ref().map(|r| (r.id, &r.data)),
                want.as_ref().map(|r| (r.id, &r.data)),
                "{backend:?}: load {i}"
            );
        }
    }
}

#[tokio::test]
async fn users_read_in_one_batch_are_what_by_id_reads() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let db = &app.db;
        let now = 1_800_000_000;
        let cutoff = now - 3_600;
        let tag = std::process::id();
        let add = |who: &'static str, created: i64| async move {
            users::insert(db, &format!("{who}.{tag}@x.io"), "hash", created, cutoff)
                .await
                .expect("insert")
                .expect("new")
        };
        let verified = add("verified", now - 7_200).await;
        users::mark_verified(db, verified, now - 7_000, now - 7_200 - 1)
            .await
            .expect("verify");
        let fresh = add("fresh", now - 60).await;
        let lapsed = add("lapsed", now - 7_200).await;
        let ids = [verified, fresh, lapsed, 987_654_321, fresh, verified];

        let mut conn = BatchConnection::acquire(db).await.expect("connection");
        let batch = users::live_by_ids(&mut conn, &ids, cutoff)
            .await
            .expect("batch");
        let mut got: Vec<i64> = batch.iter().map(|u| u.id).collect();
        got.sort_unstable();
        let mut want = Vec::new();
        for id in [verified, fresh, lapsed, 987_654_321] {
            if let Some(u) = users::by_id(db, id, cutoff).await.expect("by id") {
                want.push(u.id);
            }
        }
        want.sort_unstable();
        assert_eq!(got, want, "{backend:?}: the same live users");
        let mut live = vec![verified, fresh];
        live.sort_unstable();
        assert_eq!(got, live, "{backend:?}: verified and fresh, not lapsed");
    }
}
