//! Who stores verified events: the process's batcher of them (`db::batcher`), on a
//! connection it keeps. A burst of deliveries costs one commit per batch
//! (`db::event_batch`); nothing is answered before its batch is committed.

use std::time::Duration;

use crate::server::db::Database;
use crate::server::db::batcher::{BatchConnection, Batched, Batcher};
use crate::server::db::events::{self, Stored};

use super::apply::Received;

/// Verified events, stored and applied to the mirror.
pub struct Events;

#[async_trait::async_trait]
impl Batched for Events {
    type Item = Received;
    type Answer = Stored;
    const WHAT: &'static str = "webhook events";

    async fn batch(
        conn: &mut BatchConnection,
        items: &[Received],
    ) -> Result<Vec<Stored>, sqlx::Error> {
        let batch: Vec<_> = items.iter().map(|r| (&r.event, &r.write)).collect();
        conn.store_events(&batch).await
    }

    async fn alone(db: &Database, item: &Received) -> Result<Stored, sqlx::Error> {
        events::store_and_apply(db, &item.event, &item.write).await
    }

    /// On SQLite each batch's commit waits for the disk (`synchronous = FULL`, see
    /// `db::event_batch::sqlite`), on the one writer every delivery waits behind.
    fn gather(db: &Database) -> Option<Duration> {
        matches!(db, Database::Sqlite(_)).then_some(GATHER)
    }
}

/// How long, under load, a SQLite batch of events may wait for as many deliveries as the
/// previous batch held, so that one flush stores them all (measured with
/// `bench/run.sh webhooks`: about twice the events per batch, less CPU per event).
pub const GATHER: Duration = Duration::from_millis(1);

/// The process's event writer; cheap to clone.
pub type EventWriter = Batcher<Events>;
