//! The log behind `GET /_emulator/calls`: every Paddle API call, in order.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// Older entries are dropped beyond this many.
const MAX_ENTRIES: usize = 10_000;

/// One API call as received (path without the query string).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Call {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) status: u16,
    /// RFC 3339, when the answer was sent.
    pub(crate) at: String,
}

/// The API calls received so far.
#[derive(Default)]
pub(crate) struct CallLog {
    entries: Mutex<VecDeque<Call>>,
}

impl CallLog {
    fn lock(&self) -> MutexGuard<'_, VecDeque<Call>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, call: Call) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(call);
    }

    pub(crate) fn all(&self) -> Vec<Call> {
        self.lock().iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }
}
