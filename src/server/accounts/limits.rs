//! In-memory sliding-window counters for abuse limits (per process: one server, or a
//! sticky load balancer; a shared store would be the next step for a fleet).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts events per key and says when a key is over its limit.
pub struct Limiter {
    max: usize,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max: max as usize,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(wait)` when `key` already has `max` events in the window.
    pub fn blocked(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        let list = events.get_mut(key)?;
        prune(list, now, self.window);
        if list.len() < self.max {
            return None;
        }
        let oldest = *list.front()?;
        Some(self.window.saturating_sub(now.duration_since(oldest)))
    }

    /// Records one event for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        // Keep memory bounded: drop keys whose events have all expired.
        if events.len() > 10_000 {
            events.retain(|_, list| {
                prune(list, now, self.window);
                !list.is_empty()
            });
        }
        let list = events.entry(key.to_owned()).or_default();
        prune(list, now, self.window);
        list.push_back(now);
    }

    /// Records one event and says whether it was over the limit (for "N per hour" actions).
    pub fn hit(&self, key: &str) -> Option<Duration> {
        let blocked = self.blocked(key);
        if blocked.is_none() {
            self.record(key);
        }
        blocked
    }

    /// Forgets `key`, e.g. an account's failures after a successful log-in.
    pub fn clear(&self, key: &str) {
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.remove(key);
    }
}

fn prune(list: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while list
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        list.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_events_until_the_window_passes() {
        let l = Limiter::new(2, Duration::from_millis(50));
        assert!(l.hit("ip").is_none());
        assert!(l.hit("ip").is_none());
        let wait = l.hit("ip").expect("third is over");
        assert!(wait <= Duration::from_millis(50));
        assert!(l.blocked("other").is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(l.hit("ip").is_none());
        l.clear("ip");
        assert!(l.blocked("ip").is_none());
    }
}
