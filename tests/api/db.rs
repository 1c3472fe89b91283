//! The database layer on every backend: SQLite always, Postgres when TEST_POSTGRES_URL is set.
use crate::common::{Backend, backends, fresh_database, secret, spawn_app_on};
use paddock::server::db::Database;

#[tokio::test]
async fn migrations_apply_once_and_the_database_answers() {
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, _pg) = fresh_database(backend, dir.path()).await;
        let first = Database::connect(&secret(&url))
            .await
            .expect("first start migrates");
        first.ping().await.expect("ping");
        let applied = applied_migrations(&first).await;
        assert_eq!(
            applied,
            first.migration_versions(),
            "{backend:?}: every built-in migration ran"
        );
        first.close().await;

        // A restart finds the schema current and changes nothing.
        let second = Database::connect(&secret(&url))
            .await
            .expect("second start");
        assert_eq!(applied_migrations(&second).await, applied, "{backend:?}");
        assert_eq!(
            second.kind(),
            match backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
        );
        second.close().await;
    }
}

#[tokio::test]
async fn readyz_is_200_on_every_backend() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let res = app.get("/readyz").await;
        assert_eq!(res.status(), 200, "{backend:?}");
    }
}

#[tokio::test]
async fn sqlite_is_created_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("new/folder");
    let url = format!("sqlite://{}/paddock.db?mode=rwc", nested.display());
    let db = Database::connect(&secret(&url))
        .await
        .expect("creates the folder and file");
    assert!(nested.join("paddock.db").exists());
    let Database::Sqlite(pool) = &db else {
        panic!("sqlite URL gives a SQLite pool")
    };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .expect("pragma");
    assert!(busy >= 1000, "busy_timeout {busy} ms");
}

#[tokio::test]
async fn a_bad_database_url_is_refused_without_echoing_it() {
    let err = Database::connect(&secret("postgres://paddock:hunter2@[::1"))
        .await
        .expect_err("bad URL");
    let shown = err.to_string();
    assert!(shown.starts_with("DATABASE_URL"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

async fn applied_migrations(db: &Database) -> Vec<i64> {
    let sql = "SELECT version FROM _sqlx_migrations ORDER BY version";
    match db {
        Database::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
        Database::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await,
    }
    .expect("migrations table exists")
}

/// Once a signed-in mint has gone through every batcher (session, user, lookup, audit,
/// and the webhooks of the checkout), each keeps a connection; the pool still lends the
/// shared count at once to everything else.
#[tokio::test]
async fn the_batchers_kept_connections_leave_the_shared_ones_free() {
    use crate::common::accounts::unique_email;
    use crate::common::portal::{portal_session, subscriber};
    use paddock::server::db::{POSTGRES_SHARED, SQLITE_SHARED};
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (mut user, _, _) = subscriber(&app, &unique_email()).await;
        let (status, body) = portal_session(&mut user).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let shared = match backend {
            Backend::Sqlite => SQLITE_SHARED,
            Backend::Postgres => POSTGRES_SHARED,
        };
        // All held together: a pool too small for them would make the last ones wait
        // out its acquire timeout (5 s).
        let lend = async {
            match &app.db {
                Database::Sqlite(pool) => {
                    let mut held = Vec::new();
                    for _ in 0..shared {
                        held.push(pool.acquire().await?);
                    }
                    Ok::<_, sqlx::Error>(held.len())
                }
                Database::Postgres(pool) => {
                    let mut held = Vec::new();
                    for _ in 0..shared {
                        held.push(pool.acquire().await?);
                    }
                    Ok(held.len())
                }
            }
        };
        let lent = tokio::time::timeout(std::time::Duration::from_secs(3), lend).await;
        let lent = lent.expect("every shared connection lent at once");
        assert_eq!(lent.expect("lent"), shared as usize, "{backend:?}");
    }
}

/// Each stored event pays for every index of `webhook_events`: it has only the ones a
/// query reads (its key, and `received_at` for the doctor's questions).
#[tokio::test]
async fn webhook_events_have_only_the_indexes_a_query_reads() {
    use sqlx::Row;
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, _pg) = fresh_database(backend, dir.path()).await;
        let db = Database::connect(&secret(&url)).await.expect("database");
        let names: Vec<String> = match &db {
            Database::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'index' \
                 AND tbl_name = 'webhook_events' ORDER BY 1",
                )
                .fetch_all(pool)
                .await
            }
            Database::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT indexname::text FROM pg_indexes WHERE tablename = 'webhook_events' \
                 ORDER BY 1",
                )
                .fetch_all(pool)
                .await
            }
        }
        .expect("indexes");
        let key = match backend {
            Backend::Sqlite => "sqlite_autoindex_webhook_events_1",
            Backend::Postgres => "webhook_events_pkey",
        };
        assert_eq!(names, [key, "webhook_events_received"], "{backend:?}");
        // And the doctor's two questions read it (SQLite's planner; Postgres's picks by
        // table size, so a fresh table says nothing).
        if let Database::Sqlite(pool) = &db {
            for query in [
                "SELECT MAX(received_at) FROM webhook_events",
                "SELECT event_type, COUNT(*) FROM webhook_events WHERE received_at >= 0 \
                 GROUP BY event_type ORDER BY 2 DESC, event_type",
            ] {
                let plan = sqlx::query(&format!("EXPLAIN QUERY PLAN {query}"))
                    .fetch_all(pool)
                    .await
                    .expect("plan");
                let steps: Vec<String> =
                    plan.iter().map(|r| r.get::<String, _>("detail")).collect();
                assert!(
                    steps.iter().any(|s| s.contains("webhook_events_received")),
                    "{query}: {steps:?}"
                );
            }
        }
        db.close().await;
    }
}
