//! The limit store shared by every instance on one Postgres: a row per key (16 bytes of
//! its SHA-256, as in memory) with the same two counters, read and written under a row
//! lock in one transaction, so parallel requests on any number of instances count
//! against one limit. Expired rows are deleted now and then, a window after they end.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::PgPool;

use super::{Counter, LimitStore, Rule, digest, wait_for_room, window_ms};
use crate::server::db::limit_counts::{self, Counts};

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
        let (now, window) = (now_ms(), window_ms(rule));
        let (mut tx, stored) = limit_counts::lock(&self.pool, key).await?;
        let mut counter = Counter {
            start_ms: u64::try_from(stored.window_start).unwrap_or(0),
            previous: u32::try_from(stored.previous).unwrap_or(0),
            current: u32::try_from(stored.current).unwrap_or(0),
        };
        counter.roll(now, window);
        let elapsed = Duration::from_millis(now.saturating_sub(counter.start_ms));
        let verdict = wait_for_room(
            rule.max,
            rule.window,
            elapsed,
            counter.previous,
            counter.current,
        );
        if verdict.is_none() {
            counter.current += 1;
        }
        let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        let counts = Counts {
            window_start: as_i64(counter.start_ms),
            previous: i32::try_from(counter.previous).unwrap_or(i32::MAX),
            current: i32::try_from(counter.current).unwrap_or(i32::MAX),
        };
        let expires_at = as_i64(counter.start_ms.saturating_add(window.saturating_mul(2)));
        limit_counts::store(&mut tx, key, &counts, expires_at).await?;
        tx.commit().await?;
        Ok(verdict.map_or(Ok(()), Err))
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
