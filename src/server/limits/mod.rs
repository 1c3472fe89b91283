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

use std::sync::Arc;
use std::time::Duration;

pub use memory::{MAX_KEYS, MemoryLimits};

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
