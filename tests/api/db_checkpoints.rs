//! SQLite's WAL checkpoints in a serving process: the event writer's commits leave them
//! to the checkpointer (`db::checkpoint`), which copies the log back into the database
//! file on its own connection, so that no batch waits for one.

use std::path::Path;

use paddock::server::db::Database;
use paddock::server::db::checkpoint::{self, SAFETY_NET_PAGES};
use paddock::server::webhooks::apply::decode;
use paddock::server::webhooks::writer::EventWriter;

use crate::common::webhooks::{T1, bytes, customer_data, envelope, fresh_id};
use crate::common::{Backend, backends, fresh_database, secret};

/// SQLite's own default: the log size past which a committing connection checkpoints.
const SQLITE_DEFAULT_PAGES: i64 = 1000;

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).expect("the database file").len()
}

#[tokio::test]
async fn the_event_writer_leaves_checkpoints_to_the_checkpointer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _) = fresh_database(Backend::Sqlite, dir.path()).await;
    let file = dir.path().join("paddock.db");
    let db = Database::connect(&secret(&url)).await.expect("database");
    // What the migrations wrote, copied back first: from here the file grows only when a
    // checkpoint copies the events' new pages into it.
    let settled = checkpoint::checkpoint(&db).await.expect("checkpoint");
    assert!(settled.is_some_and(|c| c.copied_pages == c.log_pages));
    let before = file_len(&file);

    // One event per commit: far more log than SQLite's default checkpoint threshold.
    let writer = EventWriter::for_database(&db);
    for i in 0..600 {
        let body = envelope(
            "customer.created",
            &fresh_id("evt"),
            T1,
            customer_data(&fresh_id("ctm"), &format!("c{i}@x.io")),
        );
        let received = decode(&bytes(&body), 1_700_000_000).expect("a readable event");
        writer.submit(received).await.expect("stored");
    }
    assert_eq!(
        file_len(&file),
        before,
        "the writer checkpointed inside its own commits"
    );

    // The checkpointer copies the log back within a tick or two.
    let stop = tokio_util::sync::CancellationToken::new();
    let task = checkpoint::spawn(db.clone(), stop.clone().cancelled_owned())
        .expect("SQLite has a checkpointer");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while file_len(&file) == before {
        assert!(
            std::time::Instant::now() < deadline,
            "the checkpointer copied nothing in 5 s"
        );
        tokio::time::sleep(checkpoint::EVERY / 4).await;
    }
    stop.cancel();
    task.await.expect("the checkpointer stops when told");
    let last = checkpoint::checkpoint(&db)
        .await
        .expect("checkpoint")
        .expect("SQLite");
    assert!(
        last.log_pages > SQLITE_DEFAULT_PAGES && last.log_pages < i64::from(SAFETY_NET_PAGES),
        "the burst wrote {} pages of log, between SQLite's threshold and the safety net",
        last.log_pages
    );
    assert_eq!(last.copied_pages, last.log_pages, "{last:?}");
    db.close().await;
}

#[tokio::test]
async fn postgres_has_no_checkpointer() {
    for backend in backends().into_iter().filter(|b| *b == Backend::Postgres) {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, _pg) = fresh_database(backend, dir.path()).await;
        let db = Database::connect(&secret(&url)).await.expect("database");
        assert!(checkpoint::spawn(db.clone(), std::future::pending()).is_none());
        assert_eq!(checkpoint::checkpoint(&db).await.expect("no-op"), None);
        db.close().await;
    }
}
