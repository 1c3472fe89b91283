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
    /// For a portal session it minted: which one, and for which subscriptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) portal_session: Option<MintedSession>,
}

/// What the call log may say about a minted portal session: its id and the
/// subscriptions it has deep links for, never a link (each carries a one-time token).
/// The portal-session handler leaves it in the response's extensions.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MintedSession {
    pub(crate) id: String,
    pub(crate) subscription_ids: Vec<String>,
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
