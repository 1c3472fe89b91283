//! The emulator's billing clock: the wall clock plus an offset, for everyone, plus a
//! further offset per customer advanced alone (like Stripe's test clocks).
//!
//! Only billing time moves: `occurred_at`, entity timestamps and what falls due follow
//! this clock, while webhook signatures, link lifetimes and the call log keep real time.

mod duration;

use std::collections::BTreeMap;

use paddle::CustomerId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use duration::{InvalidDuration, IsoDuration};

use crate::state::entities::now;

/// How far each clock is ahead of the wall clock, in microseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Clock {
    /// Every customer's time is at least this far ahead.
    #[serde(default)]
    offset_micros: i64,
    /// Customers advanced alone: their extra offset on top of `offset_micros`.
    #[serde(default)]
    customers: BTreeMap<CustomerId, i64>,
}

fn shifted(micros: i64) -> OffsetDateTime {
    now() + time::Duration::microseconds(micros)
}

fn micros_between(from: OffsetDateTime, to: OffsetDateTime) -> i64 {
    i64::try_from((to - from).whole_microseconds()).unwrap_or(i64::MAX)
}

impl Clock {
    /// The time of customers not advanced alone (and of new customers).
    pub(crate) fn now(&self) -> OffsetDateTime {
        shifted(self.offset_micros)
    }

    /// `customer`'s time.
    pub(crate) fn now_for(&self, customer: &CustomerId) -> OffsetDateTime {
        let own = self.customers.get(customer).copied().unwrap_or(0);
        shifted(self.offset_micros.saturating_add(own))
    }

    /// Moves everyone's time (`None`) or one customer's forward by `by`; returns the
    /// new time of that scope.
    pub(crate) fn advance(
        &mut self,
        customer: Option<&CustomerId>,
        by: IsoDuration,
    ) -> OffsetDateTime {
        let from = match customer {
            Some(id) => self.now_for(id),
            None => self.now(),
        };
        let to = by.after(from);
        let delta = micros_between(from, to);
        match customer {
            Some(id) => {
                let own = self.customers.entry(id.clone()).or_default();
                *own = own.saturating_add(delta);
            }
            None => self.offset_micros = self.offset_micros.saturating_add(delta),
        }
        to
    }

    /// Customers advanced alone.
    pub(crate) fn customers_ahead(&self) -> impl Iterator<Item = &CustomerId> {
        self.customers.keys()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;

    #[test]
    fn a_customer_advanced_alone_leaves_everyone_else_alone() {
        let mut clock = Clock::default();
        let (alone, other) = (CustomerId::generate(), CustomerId::generate());
        let before = clock.now_for(&other);
        let moved = clock.advance(Some(&alone), "P30D".parse().unwrap());
        assert!(clock.now_for(&alone) >= moved);
        assert!(clock.now_for(&other) - before < time::Duration::minutes(1));
        let everyone = clock.advance(None, "P1D".parse().unwrap());
        assert!(clock.now_for(&other) >= everyone);
        let ahead = clock.now_for(&alone) - clock.now_for(&other);
        assert!((ahead - time::Duration::days(30)).abs() < time::Duration::seconds(1));
    }
}
