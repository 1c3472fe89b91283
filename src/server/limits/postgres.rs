//! The limit store shared by every instance on one Postgres: a row per key (16 bytes of
//! its SHA-256, as in memory) with the same two counters, rolled, checked and counted by
//! one upsert (one round trip, the row locked for its duration), so parallel requests
//! on any number of instances count against one limit. Expired rows are deleted now and then, a window after they end.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::PgPool;

use super::{LimitStore, Rule, digest, wait_for_room, window_ms};
use crate::server::db::limit_counts;

/// How often a reservation also deletes expired rows (one in this many).
const SWEEP_EVERY: u64 = 512;

/// Limit counts in the app's Postgres database (table `limit_counts`).
pub struct PgLimits {
    pool: PgPool,
    calls: std::sync::atomic::AtomicU64,
}

impl PgLimits {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            calls: std::sync::atomic::AtomicU64::new(0),
        }
    }

    async fn try_reserve(
        &self,
        rule: &Rule,
        key: &[u8],
    ) -> Result<Result<(), Duration>, sqlx::Error> {
        if rule.max == 0 {
            return Ok(Err(rule.window.max(Duration::from_secs(1))));
        }
        let (now, window) = (now_ms(), window_ms(rule));
        let start = now - now % window;
        let elapsed = Duration::from_millis(now - start);
        let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let fraction = elapsed.as_secs_f64() / rule.window.as_secs_f64().max(1e-3);
        let reserved = limit_counts::reserve(
            &self.pool,
            key,
            as_i64(start),
            as_i64(window),
            fraction.clamp(0.0, 1.0),
            i64::from(rule.max),
        )
        .await?;
        if reserved.granted {
            return Ok(Ok(()));
        }
        let (previous, current) = (
            u32::try_from(reserved.previous).unwrap_or(0),
            u32::try_from(reserved.current).unwrap_or(0),
        );
        // Counted in a later window than this caller's clock read (`limit_counts`): how
        // far into that one.
        let start = u64::try_from(reserved.window_start)
            .unwrap_or(start)
            .max(start);
        let elapsed = Duration::from_millis(now.saturating_sub(start));
        let wait = wait_for_room(rule.max, rule.window, elapsed, previous, current);
        Ok(Err(wait.unwrap_or(Duration::from_secs(1))))
    }

    async fn sweep(&self) {
        let now = i64::try_from(now_ms()).unwrap_or(i64::MAX);
        if let Err(e) = limit_counts::sweep(&self.pool, now).await {
            tracing::warn!(error = %e, "limits: deleting expired counts failed");
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[async_trait::async_trait]
impl LimitStore for PgLimits {
    /// A database that does not answer refuses the slot (for a second): the limits guard
    /// password checks and mail, so they fail closed.
    async fn reserve(&self, rule: &Rule, key: &str) -> Result<(), Duration> {
        let calls = self
            .calls
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if calls % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.sweep().await;
        }
        match self.try_reserve(rule, &digest(rule, key)).await {
            Ok(verdict) => verdict,
            Err(e) => {
                tracing::error!(error = %e, limit = rule.name, "limits: the shared store failed; refusing");
                Err(Duration::from_secs(1))
            }
        }
    }

    async fn release(&self, rule: &Rule, key: &str) {
        if let Err(e) = limit_counts::release(&self.pool, &digest(rule, key)).await {
            tracing::warn!(error = %e, limit = rule.name, "limits: giving a slot back failed");
        }
    }

    async fn clear(&self, rule: &Rule, key: &str) {
        if let Err(e) = limit_counts::clear(&self.pool, &digest(rule, key)).await {
            tracing::warn!(error = %e, limit = rule.name, "limits: clearing a key failed");
        }
    }
}
