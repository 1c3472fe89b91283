//! The audit writer on SQLite and on Postgres: rows queued at once (mints answered at the
//! same moment) are each stored exactly once and whole, and a batch that fails falls
//! back to one by one, so one row the database refuses costs no other row.

use paddock::server::db::audit::{self, AuditEntry, AuditWriter};

use crate::common::triggers::refuse_inserts;
use crate::common::{backends, spawn_app_on};

fn entry(user: i64, i: usize) -> AuditEntry {
    AuditEntry {
        user_id: Some(user),
        actor: Some(audit::user_actor(user)),
        customer_id: (!i.is_multiple_of(3)).then(|| format!("ctm_{i:026}")),
        kind: if i.is_multiple_of(2) {
            "session"
        } else {
            "link"
        }
        .into(),
        subscription_id: (!i.is_multiple_of(2)).then(|| format!("sub_{i:026}")),
        outcome: if i.is_multiple_of(5) {
            "no_customer"
        } else {
            "minted"
        }
        .into(),
        paddle_request_id: (!i.is_multiple_of(4)).then(|| format!("req-{i}")),
        created_at: 1_700_000_000 + i as i64,
    }
}

#[tokio::test]
async fn rows_queued_together_are_each_stored_once_and_whole() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let writer = AuditWriter::for_database(&app.db);
        let expected: Vec<AuditEntry> = (0..150).map(|i| entry(41, i)).collect();
        let mut stores = tokio::task::JoinSet::new();
        for row in expected.iter().cloned() {
            let writer = writer.clone();
            stores.spawn(async move { writer.submit(row).await });
        }
        while let Some(stored) = stores.join_next().await {
            stored.expect("task").expect("stored");
        }
        let mut rows = audit::for_actor(&app.db, &audit::user_actor(41))
            .await
            .expect("rows");
        rows.sort_by_key(|r| r.created_at);
        assert_eq!(
            rows, expected,
            "{backend:?}: every row once, every field kept"
        );
    }
}

#[tokio::test]
async fn a_refused_row_fails_alone_and_the_rest_of_its_batch_is_stored() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        refuse_inserts(&app.db, "portal_audit", "outcome", "refused_by_the_test").await;
        let writer = AuditWriter::for_database(&app.db);
        let good = entry(42, 1);
        let bad = AuditEntry {
            outcome: "refused_by_the_test".into(),
            ..entry(42, 2)
        };
        let also_good = entry(42, 3);
        // Queued in the same poll, so the writer takes them into one batch.
        let (a, b, c) = tokio::join!(
            writer.submit(good.clone()),
            writer.submit(bad),
            writer.submit(also_good.clone())
        );
        a.expect("the first good row is stored");
        assert!(b.is_err(), "{backend:?}: the refused row fails: {b:?}");
        c.expect("the second good row is stored");
        let rows = audit::for_actor(&app.db, &audit::user_actor(42))
            .await
            .expect("rows");
        assert_eq!(rows, [good, also_good], "{backend:?}: the good rows only");
        // Closed while this runtime still runs: a connection the pool is still opening
        // after the failed batch would otherwise hold up the scratch database's drop.
        app.db.close().await;
    }
}
