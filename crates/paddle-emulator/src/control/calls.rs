//! The log behind `GET /_emulator/calls`: every Paddle API call, in order.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// Older entries are dropped beyond this many.
const MAX_ENTRIES: usize = 10_000;
/// The longest method or path an entry keeps, in bytes: a client could otherwise make
/// each of the entries as long as a request line may be (tens of kilobytes).
const MAX_TEXT: usize = 256;

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

/// Cuts `text` to [`MAX_TEXT`] bytes (on a character boundary), marking the cut with `…`.
fn shorten(text: &mut String) {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push('…');
    }
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

    pub(crate) fn record(&self, mut call: Call) {
        shorten(&mut call.method);
        shorten(&mut call.path);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str, path: &str) -> Call {
        Call {
            method: method.into(),
            path: path.into(),
            status: 404,
            at: String::new(),
            portal_session: None,
        }
    }

    #[test]
    fn an_entry_keeps_at_most_its_bound_of_a_long_path_or_method() {
        let log = CallLog::default();
        let long = format!("/{}", "é".repeat(30_000));
        log.record(call(&"X".repeat(10_000), &long));
        log.record(call("GET", "/customers"));
        let all = log.all();
        assert!(
            all[0].path.len() <= MAX_TEXT + '…'.len_utf8(),
            "{}",
            all[0].path.len()
        );
        assert!(all[0].path.starts_with("/éé") && all[0].path.ends_with('…'));
        assert!(all[0].method.len() <= MAX_TEXT + '…'.len_utf8());
        assert_eq!(
            (all[1].method.as_str(), all[1].path.as_str()),
            ("GET", "/customers")
        );
    }
}
