//! The in-memory limit store: sharded, with a hard cap on keys.
//!
//! Keys are kept as 16 bytes of their SHA-256 (an email is never held in plain text, and
//! every key costs the same), in 64 shards that each take a lock of their own. A shard
//! at its cap frees its oldest keys whose counts no longer matter; when every key still
//! counts, it evicts the one with the fewest events of a few picked at random. Memory is
//! bounded by the cap: about 200 bytes a key, measured by `memory_at_the_default_cap`.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{Counter, Key, LimitStore, Rule, digest, wait_for_room, window_ms};

/// The default cap on keys held at once, across every limit.
pub const MAX_KEYS: usize = 100_000;
const SHARDS: usize = 64;

/// How many keys a full shard looks at to choose the one to evict.
const SAMPLE: usize = 16;

struct Shard {
    counts: HashMap<Key, Counter>,
    /// Keys in about the order they were added, for eviction; may hold keys since
    /// cleared.
    order: VecDeque<Key>,
    /// State of the xorshift that picks the keys a full shard looks at.
    random: u64,
}

impl Shard {
    fn new(seed: u64) -> Self {
        Self {
            counts: HashMap::new(),
            order: VecDeque::new(),
            random: seed | 1,
        }
    }

    fn counter(&mut self, key: Key, cap: usize, now_ms: u64) -> &mut Counter {
        if !self.counts.contains_key(&key) {
            if self.counts.len() >= cap {
                self.make_room(cap, now_ms);
            }
            if self.order.len() >= 2 * cap {
                // Keys removed by `clear` linger here, and a key cleared and counted
                // again is here twice: keep one entry per held key, in one pass, rarely.
                let counts = &self.counts;
                let mut kept = std::collections::HashSet::with_capacity(counts.len());
                self.order
                    .retain(|k| counts.contains_key(k) && kept.insert(*k));
            }
            self.order.push_back(key);
        }
        self.counts.entry(key).or_default()
    }

    /// Frees a place for a new key: the oldest keys whose counts no longer matter (there
    /// usually are some); else, of [`SAMPLE`] keys picked at random, the one that counts
    /// fewest events. A key at its limit then stays while keys with fewer events can go,
    /// so a flood of new keys (cheap to make: addresses, malformed log-ins) cannot push
    /// out the count it wants to start over unless each of them holds as many events; and
    /// a new key costs a bounded amount of work however full the shard.
    fn make_room(&mut self, cap: usize, now_ms: u64) {
        while self.counts.len() >= cap {
            let Some(&oldest) = self.order.front() else {
                break;
            };
            match self.counts.get(&oldest) {
                Some(counter) if counter.live(now_ms) > 0 => break,
                Some(_) => {
                    self.counts.remove(&oldest);
                    self.order.pop_front();
                }
                None => {
                    self.order.pop_front();
                }
            }
        }
        if self.counts.len() < cap || self.order.is_empty() {
            return;
        }
        let mut fewest: Option<(usize, u32)> = None;
        for _ in 0..SAMPLE {
            let at = self.pick(self.order.len());
            let Some(counter) = self.counts.get(&self.order[at]) else {
                continue; // cleared since
            };
            let live = counter.live(now_ms);
            if fewest.is_none_or(|(_, least)| live < least) {
                fewest = Some((at, live));
            }
        }
        // Only if every pick was a cleared key: the first key still held.
        let at = fewest
            .map(|(at, _)| at)
            .or_else(|| self.order.iter().position(|k| self.counts.contains_key(k)));
        if let Some(key) = at.and_then(|at| self.order.swap_remove_back(at)) {
            self.counts.remove(&key);
        }
    }

    /// A position below `len` (xorshift64*: spread, not secret).
    fn pick(&mut self, len: usize) -> usize {
        let mut x = self.random;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random = x;
        let spread = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        usize::try_from(spread % len as u64).unwrap_or(0)
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
            shards: (0..SHARDS)
                .map(|i| Mutex::new(Shard::new(RandomState::new().hash_one(i))))
                .collect(),
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
        let counter = shard.counter(key, self.per_shard, now);
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
