//! Abuse limits: "at most `max` events per `window` for each key", behind one small
//! store trait so that one process counts in memory and several processes can share a
//! database-backed store.
//!
//! A caller *reserves* a slot before the work it limits (a password check, a mail, a
//! portal mint) and may *release* it afterwards (a log-in that succeeded), so parallel
//! requests are counted as they start, not after they finish: 40 simultaneous wrong
//! passwords for one account are 10 checks and 30 refusals, not 40 checks.
//!
//! Windows are counted as a sliding window: the current fixed window's count plus the
//! previous window's count weighted by how much of it still overlaps the last `window`
//! seconds. No burst of `2 × max` across a window boundary, and two numbers per key.

mod memory;
mod postgres;

use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use memory::{MAX_KEYS, MemoryLimits};
pub use postgres::PgLimits;

/// One limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Names the limit, so keys of different limits never meet (`login`, `mail`, …).
    pub name: &'static str,
    pub max: u32,
    pub window: Duration,
}

impl Rule {
    pub const fn new(name: &'static str, max: u32, window: Duration) -> Self {
        Self { name, max, window }
    }
}

/// Where the counts live: one process's memory, or a store shared by instances.
#[async_trait::async_trait]
pub trait LimitStore: Send + Sync + 'static {
    /// Takes a slot for `key` under `rule`; `Err(wait)` when the window is full, with how
    /// long until a slot frees (at least one second).
    async fn reserve(&self, rule: &Rule, key: &str) -> Result<(), Duration>;
    /// Gives back one slot of `key` that `reserve` took.
    async fn release(&self, rule: &Rule, key: &str);
    /// Forgets every count of `key` under `rule`.
    async fn clear(&self, rule: &Rule, key: &str);
}

/// The process's limit store, shared by every request.
pub type Limits = Arc<dyn LimitStore>;

/// The in-memory store with its default key cap.
pub fn in_memory() -> Limits {
    Arc::new(MemoryLimits::new(MAX_KEYS))
}

/// The store for this database: shared by every instance on Postgres (several app
/// processes on one database count together), in memory on SQLite (one process).
pub fn for_database(db: &crate::server::db::Database) -> Limits {
    match db {
        crate::server::db::Database::Postgres(pool) => Arc::new(PgLimits::new(pool.clone())),
        crate::server::db::Database::Sqlite(_) => in_memory(),
    }
}

/// A key as stored: 16 bytes of SHA-256 over the limit's name and the key, so an email
/// is never kept in plain text and every key costs the same.
pub(crate) type Key = [u8; 16];

pub(crate) fn digest(rule: &Rule, key: &str) -> Key {
    let digest = Sha256::new()
        .chain_update(rule.name.as_bytes())
        .chain_update([0])
        .chain_update(key.as_bytes())
        .finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

pub(crate) fn window_ms(rule: &Rule) -> u64 {
    u64::try_from(rule.window.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// Counts of one key: the fixed window it is in, and the one before.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counter {
    /// Start of the current window, in milliseconds since the store's epoch.
    pub(crate) start_ms: u64,
    pub(crate) previous: u32,
    pub(crate) current: u32,
    /// When these counts stop mattering: the end of the window after the current one.
    pub(crate) until_ms: u64,
}

impl Counter {
    /// Moves to the window that holds `now_ms`, never back: a reading from before the
    /// current window (a clock read just before another caller's newer one took the
    /// lock) counts in the current window, instead of starting the counts over.
    pub(crate) fn roll(&mut self, now_ms: u64, window_ms: u64) {
        let start = now_ms - now_ms % window_ms;
        if start > self.start_ms {
            self.previous = if start == self.start_ms + window_ms {
                self.current
            } else {
                0
            };
            self.current = 0;
            self.start_ms = start;
        }
        self.until_ms = self.start_ms.saturating_add(window_ms.saturating_mul(2));
    }

    /// The events that still count at `now_ms`, at most (the previous window's whole).
    pub(crate) fn live(&self, now_ms: u64) -> u32 {
        if now_ms >= self.until_ms {
            0
        } else {
            self.previous.saturating_add(self.current)
        }
    }
}

/// How long until a sliding window with `previous` and `current` events, `elapsed` into
/// the current fixed window, has room for one more under `max`. `None`: room now.
pub(crate) fn wait_for_room(
    max: u32,
    window: Duration,
    elapsed: Duration,
    previous: u32,
    current: u32,
) -> Option<Duration> {
    let w = window.as_secs_f64();
    let frac = (elapsed.as_secs_f64() / w).clamp(0.0, 1.0);
    let room = f64::from(max) - 1.0;
    if f64::from(previous) * (1.0 - frac) + f64::from(current) <= room + 1e-9 {
        return None;
    }
    // When no more events come: within this window the previous count fades out; past
    // it, the current count becomes the one that fades.
    let at = if f64::from(current) <= room && previous > 0 {
        (1.0 - (room - f64::from(current)) / f64::from(previous)) * w
    } else {
        w + (1.0 - room.max(0.0) / f64::from(current.max(1))) * w
    };
    let wait = (at - elapsed.as_secs_f64()).max(1.0);
    Some(Duration::from_secs(wait.ceil() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn room_until_max_in_one_window() {
        assert_eq!(wait_for_room(3, MIN, Duration::ZERO, 0, 2), None);
        let wait = wait_for_room(3, MIN, Duration::from_secs(10), 0, 3).expect("full");
        // The 3 events fade out over the next window: one slot after a third of it.
        assert_eq!(wait, Duration::from_secs(50 + 20));
    }

    #[test]
    fn the_previous_window_still_counts_while_it_overlaps() {
        // 10 events last minute, 15 s into this one: 7.5 still count.
        assert!(wait_for_room(10, MIN, Duration::from_secs(15), 10, 3).is_some());
        assert_eq!(wait_for_room(10, MIN, Duration::from_secs(15), 10, 1), None);
        assert_eq!(wait_for_room(10, MIN, Duration::from_secs(59), 10, 8), None);
    }

    #[test]
    fn a_wait_is_at_least_a_second() {
        let wait = wait_for_room(1, MIN, Duration::from_millis(59_900), 0, 1).expect("full");
        assert!(wait >= Duration::from_secs(1));
    }
}
