//! The delivery log behind `GET /_emulator/deliveries`.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use paddle::{EventId, NotificationId};
use serde::Serialize;

use super::event::Event;

/// Older entries are dropped beyond this many, so a long run does not grow without bound.
const MAX_ENTRIES: usize = 10_000;

/// One notification to one destination (a chaos duplicate is an entry of its own).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Delivery {
    #[serde(skip)]
    seq: u64,
    pub(crate) event_id: EventId,
    pub(crate) event_type: &'static str,
    pub(crate) notification_id: NotificationId,
    pub(crate) destination: String,
    pub(crate) attempts: u32,
    /// HTTP status of the last attempt; `null` before the first or after a timeout.
    pub(crate) last_status: Option<u16>,
    /// Why the last attempt got no answer (`timeout`, `connect`), if it got none.
    pub(crate) last_error: Option<&'static str>,
    pub(crate) delivered: bool,
    /// A chaos copy of another entry.
    pub(crate) duplicate: bool,
}

impl Delivery {
    pub(super) fn new(
        event: &Event,
        notification_id: &NotificationId,
        destination: &str,
        duplicate: bool,
    ) -> Self {
        Self {
            seq: 0,
            event_id: event.id.clone(),
            event_type: event.event_type.as_str(),
            notification_id: notification_id.clone(),
            destination: destination.to_owned(),
            attempts: 0,
            last_status: None,
            last_error: None,
            delivered: false,
            duplicate,
        }
    }
}

/// Entries in order of creation, each with a sequence number tasks update it by.
#[derive(Default)]
pub(super) struct DeliveryLog {
    inner: Mutex<(u64, VecDeque<Delivery>)>,
}

impl DeliveryLog {
    fn lock(&self) -> MutexGuard<'_, (u64, VecDeque<Delivery>)> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `delivery` and returns its sequence number.
    pub(super) fn push(&self, mut delivery: Delivery) -> u64 {
        let mut inner = self.lock();
        inner.0 += 1;
        delivery.seq = inner.0;
        let entries = &mut inner.1;
        if entries.len() >= MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(delivery);
        inner.0
    }

    /// Applies `f` to entry `seq`, if it is still in the log.
    pub(super) fn update(&self, seq: u64, f: impl FnOnce(&mut Delivery)) {
        let mut inner = self.lock();
        if let Ok(index) = inner.1.binary_search_by_key(&seq, |d| d.seq) {
            f(&mut inner.1[index]);
        }
    }

    pub(super) fn all(&self) -> Vec<Delivery> {
        self.lock().1.iter().cloned().collect()
    }

    /// Empties the log; sequence numbers keep counting, so old tasks update nothing.
    pub(super) fn clear(&self) {
        self.lock().1.clear();
    }
}
