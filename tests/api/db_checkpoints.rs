//! SQLite's WAL checkpoints in a serving process: the checkpointer (`db::checkpoint`)
//! copies the log back into the database file on its own connection, so that the event
//! writer's commits do not; under steady writes the writer's commit past
//! `RESTART_PAGES` finishes the copy, so that the log starts over instead of growing.

use std::path::Path;

use paddock::server::db::Database;
use paddock::server::db::checkpoint::{self, RESTART_PAGES};
use paddock::server::webhooks::apply::Received;
use paddock::server::webhooks::writer::EventWriter;
use serde_json::json;

use crate::common::webhooks::{T1, customer_data, envelope, fresh_id, received};
use crate::common::{Backend, backends, fresh_database, secret};

/// One frame of the log: a page (SQLite's default 4 KiB) and its 24-byte header.
const FRAME_BYTES: u64 = 4096 + 24;

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).expect("the file").len()
}

/// A customer event whose payload (stored whole) takes about `pad` bytes more.
fn customer_event(pad: usize) -> Received {
    let mut data = customer_data(&fresh_id("ctm"), &format!("{}@x.io", fresh_id("c")));
    data["custom_data"] = json!({ "pad": "x".repeat(pad) });
    received(&envelope("customer.created", &fresh_id("evt"), T1, data))
}

#[tokio::test]
async fn the_checkpointer_copies_the_log_back_so_that_commits_do_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _) = fresh_database(Backend::Sqlite, dir.path()).await;
    let file = dir.path().join("paddock.db");
    let db = Database::connect(&secret(&url)).await.expect("database");
    // What the migrations wrote, copied back first: from here the file grows only when a
    // checkpoint copies the events' new pages into it.
    let settled = checkpoint::checkpoint(&db).await.expect("checkpoint");
    assert!(settled.is_some_and(|c| c.copied_pages == c.log_pages));
    let before = file_len(&file);

    // One event per commit, less log in all than the writer's own threshold.
    let writer = EventWriter::for_database(&db);
    for _ in 0..100 {
        writer.submit(customer_event(0)).await.expect("stored");
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
        last.log_pages > 100 && last.log_pages < i64::from(RESTART_PAGES),
        "the burst wrote {} pages of log, under the writer's threshold",
        last.log_pages
    );
    assert_eq!(last.copied_pages, last.log_pages, "{last:?}");
    db.close().await;
}

/// With the checkpointer copying alongside, steady writes would never find the log all
/// copied: it would grow by every page written, to tens of megabytes of new file. The
/// writer's commit past `RESTART_PAGES` finishes the copy, and the log starts over.
#[tokio::test]
async fn steady_writes_keep_the_log_about_restart_pages_long() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _) = fresh_database(Backend::Sqlite, dir.path()).await;
    let file = dir.path().join("paddock.db");
    let log = dir.path().join("paddock.db-wal");
    let db = Database::connect(&secret(&url)).await.expect("database");
    let stop = tokio_util::sync::CancellationToken::new();
    let task = checkpoint::spawn(db.clone(), stop.clone().cancelled_owned())
        .expect("SQLite has a checkpointer");
    let writer = EventWriter::for_database(&db);
    let before = file_len(&file);
    // A few megabytes: RESTART_PAGES frames, and room for the commits that come while a
    // checkpoint of the checkpointer keeps the writer's from running.
    let limit: u64 = 8 << 20;
    assert!(u64::from(RESTART_PAGES) * FRAME_BYTES < limit / 2);

    // Every page in the database file came through the log: once the file has grown by
    // three times the limit, that much log at least was written.
    while file_len(&file) < before + 3 * limit {
        let mut burst = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let writer = writer.clone();
            burst.spawn(async move { writer.submit(customer_event(6_000)).await });
        }
        for stored in burst.join_all().await {
            stored.expect("stored");
        }
    }
    stop.cancel();
    task.await.expect("the checkpointer stops when told");
    // The log file keeps the largest size it ever reached (nothing truncates it).
    let largest = file_len(&log);
    assert!(
        largest < limit,
        "the log reached {largest} bytes, over {limit}: it did not start over"
    );
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
