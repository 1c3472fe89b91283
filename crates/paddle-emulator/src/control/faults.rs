//! Injected faults: the next N API calls fail (or are slow) on purpose.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::StatusCode;
use serde::Deserialize;

/// Body of `POST /_emulator/faults`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRequest {
    /// How many of the next API calls (or, with `payment_decline`, of the customer's
    /// next payments) this applies to.
    pub(crate) count: u32,
    /// Declines the customer's next `count` renewal payments (dunning retries included)
    /// instead of failing API calls.
    pub(crate) payment_decline: Option<PaymentDecline>,
    /// Status to fail with (400–599); absent with a `delay_ms` means "slow, then fine".
    pub(crate) status: Option<u16>,
    /// Wait before answering.
    pub(crate) delay_ms: Option<u64>,
    /// `Retry-After` seconds of a 429 (default 1).
    pub(crate) retry_after: Option<u64>,
}

/// Whose payments to decline.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaymentDecline {
    pub(crate) customer_id: paddle::CustomerId,
}

/// What happens to one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fault {
    /// Fail with this status; `None` answers normally after the delay.
    pub(crate) status: Option<StatusCode>,
    pub(crate) delay: Duration,
    pub(crate) retry_after: u64,
}

impl FaultRequest {
    /// Checks the request and turns it into a fault and its count.
    pub(crate) fn into_fault(self) -> Result<(u32, Fault), &'static str> {
        let status = match (self.status, self.delay_ms) {
            (None, Some(_)) => None,
            (None, None) => Some(StatusCode::INTERNAL_SERVER_ERROR),
            (Some(code), _) => Some(
                StatusCode::from_u16(code)
                    .ok()
                    .filter(|s| s.is_client_error() || s.is_server_error())
                    .ok_or("`status` must be between 400 and 599")?,
            ),
        };
        let delay = Duration::from_millis(self.delay_ms.unwrap_or(0).min(60_000));
        let retry_after = self.retry_after.unwrap_or(1);
        Ok((
            self.count,
            Fault {
                status,
                delay,
                retry_after,
            },
        ))
    }
}

/// Faults waiting for calls, first come first served.
#[derive(Default)]
pub(crate) struct Faults {
    queue: Mutex<VecDeque<(u32, Fault)>>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, VecDeque<(u32, Fault)>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `fault` for the next `count` calls after those already queued.
    pub(crate) fn push(&self, count: u32, fault: Fault) {
        if count > 0 {
            self.lock().push_back((count, fault));
        }
    }

    /// The fault for the call being handled now, if any.
    pub(crate) fn take(&self) -> Option<Fault> {
        let mut queue = self.lock();
        let (remaining, fault) = queue.front_mut()?;
        let fault = *fault;
        *remaining -= 1;
        if *remaining == 0 {
            queue.pop_front();
        }
        Some(fault)
    }

    /// Calls still to be faulted.
    pub(crate) fn pending(&self) -> u64 {
        self.lock().iter().map(|(n, _)| u64::from(*n)).sum()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;

    fn request(status: Option<u16>, delay_ms: Option<u64>) -> FaultRequest {
        FaultRequest {
            count: 2,
            payment_decline: None,
            status,
            delay_ms,
            retry_after: None,
        }
    }

    #[test]
    fn faults_apply_to_exactly_count_calls_in_order() {
        let faults = Faults::default();
        let (n, first) = request(Some(503), None).into_fault().unwrap();
        faults.push(n, first);
        let (_, slow) = request(None, Some(5)).into_fault().unwrap();
        faults.push(1, slow);
        assert_eq!(faults.pending(), 3);
        let taken: Vec<_> = std::iter::from_fn(|| faults.take()).collect();
        assert_eq!(taken, [first, first, slow]);
        assert_eq!(slow.status, None);
    }

    #[test]
    fn the_pending_count_holds_the_largest_counts() {
        let faults = Faults::default();
        let (_, fault) = request(Some(503), None).into_fault().unwrap();
        faults.push(u32::MAX, fault);
        faults.push(u32::MAX, fault);
        assert_eq!(faults.pending(), 2 * u64::from(u32::MAX));
    }

    #[test]
    fn status_defaults_to_500_and_must_be_an_error() {
        let (_, fault) = request(None, None).into_fault().unwrap();
        assert_eq!(fault.status, Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert!(request(Some(200), None).into_fault().is_err());
        assert!(request(Some(99), None).into_fault().is_err());
    }
}
