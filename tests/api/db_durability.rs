//! On Postgres, Paddock's commits wait for the write-ahead log whatever the database's
//! default `synchronous_commit` (a webhook is answered 2xx once its event is committed),
//! and `paddock doctor` says so. Postgres only: skipped without `TEST_POSTGRES_URL`.
use sqlx::Connection;

use crate::common::{Backend, backends, fresh_database, secret, spawn_app_on};
use paddock::server::db::Database;
use paddock::server::db::batcher::BatchConnection;

fn postgres() -> bool {
    backends().contains(&Backend::Postgres)
}

/// Sets the database's default `synchronous_commit` (what a new session starts with).
async fn set_default(url: &str, value: &str) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connects");
    let name: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut conn)
        .await
        .expect("name");
    sqlx::query(&format!(
        "ALTER DATABASE {name} SET synchronous_commit = {value}"
    ))
    .execute(&mut conn)
    .await
    .expect("the scratch database's owner may set its defaults");
    conn.close().await.expect("closes");
}

/// `synchronous_commit` on `conn`.
async fn synchronous_commit(conn: &mut sqlx::PgConnection) -> String {
    sqlx::query_scalar("SHOW synchronous_commit")
        .fetch_one(conn)
        .await
        .expect("show")
}

/// `synchronous_commit` as a connection made outside Paddock's pool starts with it.
async fn outside(url: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connects");
    let value = synchronous_commit(&mut conn).await;
    conn.close().await.expect("closes");
    value
}

async fn on_pool(db: &Database) -> Vec<String> {
    let Database::Postgres(pool) = db else {
        panic!("a Postgres pool")
    };
    // Several connections at once, so that more than one is opened.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(pool.acquire().await.expect("a connection"));
    }
    let mut values = Vec::new();
    for conn in &mut held {
        values.push(synchronous_commit(conn).await);
    }
    values
}

/// [`on_pool`] of a pool opened on `url` for it, and closed after.
async fn on_a_new_pool(url: &str) -> Vec<String> {
    let db = Database::connect(&secret(url)).await.expect("database");
    let values = on_pool(&db).await;
    db.close().await;
    values
}

#[tokio::test]
async fn postgres_commits_wait_for_the_log_even_when_the_database_default_is_off() {
    if !postgres() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _pg) = fresh_database(Backend::Postgres, dir.path()).await;
    set_default(&url, "off").await;
    assert_eq!(outside(&url).await, "off", "the database's default");

    let db = Database::connect(&secret(&url)).await.expect("database");
    assert_eq!(
        on_pool(&db).await,
        ["on", "on", "on"],
        "the pool's connections"
    );
    // The connection the webhook writer keeps, and the one an event stored alone takes.
    let mut kept = BatchConnection::acquire_kept(&db).await.expect("kept");
    let BatchConnection::Postgres(conn) = &mut kept else {
        panic!("a Postgres connection")
    };
    assert_eq!(
        synchronous_commit(conn).await,
        "on",
        "the webhook writer's connection"
    );
    kept.close().await;
    db.close().await;
}

/// `DATABASE_URL` may carry session settings (`options=-c …`): a connection then starts
/// with them, as with a database default, and the same raise covers it.
#[tokio::test]
async fn a_database_url_that_starts_sessions_with_synchronous_commit_off_is_raised_too() {
    if !postgres() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _pg) = fresh_database(Backend::Postgres, dir.path()).await;
    let joint = if url.contains('?') { '&' } else { '?' };
    let off = format!("{url}{joint}options=-c%20synchronous_commit%3Doff");
    assert_eq!(outside(&off).await, "off", "what the URL asks of a session");

    assert_eq!(
        on_a_new_pool(&off).await,
        ["on", "on", "on"],
        "the pool's connections"
    );
}

#[tokio::test]
async fn a_stronger_synchronous_commit_is_kept() {
    if !postgres() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _pg) = fresh_database(Backend::Postgres, dir.path()).await;
    set_default(&url, "remote_apply").await;
    assert_eq!(on_a_new_pool(&url).await, ["remote_apply"; 3]);
}

#[tokio::test]
async fn the_doctor_names_the_default_it_raised() {
    if !postgres() {
        return;
    }
    let app = spawn_app_on(Backend::Postgres).await;
    let healthy = app.doctor(&[]).await;
    healthy.says(
        "database durability",
        "PASS",
        &["fsync on", "synchronous_commit = on"],
    );
    assert!(!healthy.line("database durability").contains("raises"));

    set_default(&app.database_url, "off").await;
    let raised = app.doctor(&[]).await;
    raised.says(
        "database durability",
        "PASS",
        &["synchronous_commit = on", "default", "is off", "raises"],
    );
}
