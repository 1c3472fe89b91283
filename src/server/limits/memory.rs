//! The in-memory limit store: sharded, with a hard cap on keys.
//!
//! Keys are kept as 16 bytes of their SHA-256 (an email is never held in plain text, and
//! every key costs the same), in 64 shards that each take a lock of their own. A shard
//! at its cap evicts its oldest key first (usually long expired): no scan of the whole
//! map ever runs on a request. Memory is bounded by the cap: about 64 bytes a key.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Counter, Key, LimitStore, Rule, digest, wait_for_room, window_ms};

/// The default cap on keys held at once, across every limit.
pub const MAX_KEYS: usize = 100_000;
const SHARDS: usize = 64;

#[derive(Default)]
struct Shard {
    counts: HashMap<Key, Counter>,
    /// Keys in the order they were added, for eviction; may hold keys since removed.
    order: VecDeque<Key>,
}

impl Shard {
    fn counter(&mut self, key: Key, cap: usize) -> &mut Counter {
        if !self.counts.contains_key(&key) {
            while self.counts.len() >= cap {
                match self.order.pop_front() {
                    Some(old) => {
                        self.counts.remove(&old);
                    }
                    None => break,
                }
            }
            if self.order.len() >= 2 * cap {
                // Keys removed by `clear` linger here; drop them in one pass, rarely.
                let counts = &self.counts;
                self.order.retain(|k| counts.contains_key(k));
            }
            self.order.push_back(key);
        }
        self.counts.entry(key).or_default()
    }
}

/// Limit counts in this process's memory.
pub struct MemoryLimits {
    shards: Vec<Mutex<Shard>>,
    per_shard: usize,
    epoch: Instant,
}

impl MemoryLimits {
    /// A store that holds at most about `max_keys` keys (rounded up to whole shards).
    pub fn new(max_keys: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            per_shard: max_keys.div_ceil(SHARDS).max(1),
            epoch: Instant::now(),
        }
    }

    /// How many keys are held now.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).counts.len()).sum()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &Key) -> &Mutex<Shard> {
        &self.shards[usize::from(key[0]) % SHARDS]
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn lock(shard: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    shard.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait::async_trait]
impl LimitStore for MemoryLimits {
    async fn reserve(&self, rule: &Rule, key: &str) -> Result<(), Duration> {
        let key = digest(rule, key);
        let mut shard = lock(self.shard(&key));
        // Read under the shard's lock, so a key's readings come in clock order.
        let (now, window) = (self.now_ms(), window_ms(rule));
        let counter = shard.counter(key, self.per_shard);
        counter.roll(now, window);
        let elapsed = Duration::from_millis(now.saturating_sub(counter.start_ms));
        let (previous, current) = (counter.previous, counter.current);
        match wait_for_room(rule.max, rule.window, elapsed, previous, current) {
            None => {
                counter.current += 1;
                Ok(())
            }
            Some(wait) => Err(wait),
        }
    }

    async fn release(&self, rule: &Rule, key: &str) {
        let key = digest(rule, key);
        let mut shard = lock(self.shard(&key));
        let (now, window) = (self.now_ms(), window_ms(rule));
        if let Some(counter) = shard.counts.get_mut(&key) {
            counter.roll(now, window);
            if counter.current > 0 {
                counter.current -= 1;
            } else {
                counter.previous = counter.previous.saturating_sub(1);
            }
        }
    }

    async fn clear(&self, rule: &Rule, key: &str) {
        let key = digest(rule, key);
        lock(self.shard(&key)).counts.remove(&key);
    }
}

#[cfg(test)]
#[path = "memory/tests.rs"]
mod tests;
