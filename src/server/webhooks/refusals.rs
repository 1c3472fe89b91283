//! Deliveries refused at signature verification, or signed but not readable as an event
//! (and, apart, signed deliveries of Paddle's webhook simulator), kept where `paddock
//! doctor` (another process) can read them, without letting forged requests write to the
//! database.
//!
//! A refusal only bumps an in-memory counter of its reason. A task of each process adds
//! the counts to `webhook_refusals` every few seconds (and once more at shutdown) with
//! one upsert per reason that was seen: however many requests are forged, they cost at
//! most four writes per flush (`unreadable` and `simulation` need a valid signature). Nothing of
//! the request (body, signature, address) is kept.

use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use paddle::time::OffsetDateTime;
use paddle::webhook::VerifyError;
use tokio::task::JoinHandle;

use crate::server::db::{Database, refusals};

/// How often each process adds its counts to the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// How long hours are kept: a week, far more than the doctor's 24 h.
const KEEP_SECS: i64 = 7 * 24 * 3600;

/// Why a delivery was refused, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No `h1` matches any configured secret: a wrong secret, or a forgery.
    WrongSecret,
    /// Authentic, but signed longer ago than the tolerance (clock, or a replay).
    Stale,
    /// Authentic, but signed in the future (clock).
    Future,
    /// No or an unreadable `Paddle-Signature` header.
    Malformed,
    /// Signed with a configured secret, but not an event this version can read (a field
    /// or value newer than its Paddle SDK, say): the mirror misses that change while
    /// Paddle retries it.
    Unreadable,
    /// Not a refusal: a delivery from Paddle's webhook simulator, signed with a
    /// configured secret and answered 200, but neither stored nor mirrored (its data is
    /// simulated). Counted so that the doctor can say the destination and the
    /// secret work before any real event came.
    Simulation,
}

impl Reason {
    pub const ALL: [Self; 6] = [
        Self::WrongSecret,
        Self::Stale,
        Self::Future,
        Self::Malformed,
        Self::Unreadable,
        Self::Simulation,
    ];

    /// The name in `webhook_refusals.reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WrongSecret => "wrong_secret",
            Self::Stale => "stale",
            Self::Future => "future",
            Self::Malformed => "malformed",
            Self::Unreadable => "unreadable",
            Self::Simulation => "simulation",
        }
    }

    /// The reason stored as `name`, if it is one.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Why the signature check refused.
    pub fn of(error: VerifyError) -> Self {
        match error {
            VerifyError::Mismatch => Self::WrongSecret,
            VerifyError::Stale => Self::Stale,
            VerifyError::Future => Self::Future,
            VerifyError::Malformed => Self::Malformed,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// This process's refusals since the last flush, per reason.
#[derive(Debug, Default)]
pub struct Refusals {
    counts: [AtomicU64; Reason::ALL.len()],
    /// Unix seconds of the latest refusal of each reason.
    last_at: [AtomicI64; Reason::ALL.len()],
}

impl Refusals {
    /// Counts one refusal now: two atomic operations, no I/O.
    pub fn record(&self, reason: Reason) {
        self.record_at(reason, OffsetDateTime::now_utc().unix_timestamp());
    }

    fn record_at(&self, reason: Reason, at: i64) {
        let i = reason.index();
        self.last_at[i].fetch_max(at, Ordering::Relaxed);
        self.counts[i].fetch_add(1, Ordering::Relaxed);
    }

    /// Adds the counts so far to the database, one upsert per reason seen, in the hour
    /// of `now`; returns how many rows it wrote. Counts that could not be written are
    /// kept for the next flush.
    pub async fn flush(&self, db: &Database) -> Result<usize, sqlx::Error> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let hour = now - now.rem_euclid(3600);
        let mut written = 0;
        for reason in Reason::ALL {
            let i = reason.index();
            let count = self.counts[i].swap(0, Ordering::Relaxed);
            if count == 0 {
                continue;
            }
            let last_at = match self.last_at[i].load(Ordering::Relaxed) {
                0 => now,
                at => at,
            };
            let n = i64::try_from(count).unwrap_or(i64::MAX);
            if let Err(e) = refusals::add(db, reason.as_str(), hour, n, last_at).await {
                self.counts[i].fetch_add(count, Ordering::Relaxed);
                return Err(e);
            }
            written += 1;
        }
        Ok(written)
    }
}

/// Flushes `refusals` to `db` every `every` until `stop` completes, then once more; and
/// once an hour deletes the hours older than a week. Per process, not claimed across
/// instances like `jobs::spawn_periodic`: each process holds counts of its own.
pub fn spawn_flush(
    refusals: std::sync::Arc<Refusals>,
    db: Database,
    every: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pruned_hour = 0;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = &mut stop => break,
            }
            flush_logged(&refusals, &db).await;
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let hour = now - now.rem_euclid(3600);
            if hour != pruned_hour {
                pruned_hour = hour;
                if let Err(e) = refusals::prune(&db, hour - KEEP_SECS).await {
                    tracing::warn!(error = %e, "could not prune old webhook refusal counts");
                }
            }
        }
        flush_logged(&refusals, &db).await;
    })
}

async fn flush_logged(refusals: &Refusals, db: &Database) {
    match refusals.flush(db).await {
        Ok(0) => {}
        Ok(rows) => tracing::debug!(rows, "webhook refusal counts written"),
        Err(e) => {
            tracing::warn!(error = %e, "could not write webhook refusal counts; kept for the next try")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_slot_and_name() {
        for (i, reason) in Reason::ALL.into_iter().enumerate() {
            assert_eq!(reason.index(), i);
            assert_eq!(Reason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(Reason::parse("other"), None);
        assert_eq!(Reason::of(VerifyError::Mismatch), Reason::WrongSecret);
    }

    #[test]
    fn records_count_and_keep_the_latest_time() {
        let r = Refusals::default();
        r.record_at(Reason::Stale, 20);
        r.record_at(Reason::Stale, 10);
        let i = Reason::Stale.index();
        assert_eq!(r.counts[i].load(Ordering::Relaxed), 2);
        assert_eq!(r.last_at[i].load(Ordering::Relaxed), 20);
        assert_eq!(
            r.counts[Reason::WrongSecret.index()].load(Ordering::Relaxed),
            0
        );
    }
}
