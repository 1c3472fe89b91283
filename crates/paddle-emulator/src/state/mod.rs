//! The emulator's data: customers, subscriptions, transactions, the clock and pending
//! payment declines, kept in memory and mirrored to a file.

pub(crate) mod catalog;
pub(crate) mod entities;
mod persist;
pub(crate) mod transactions;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use paddle::{Customer, CustomerId, Subscription, SubscriptionId, TransactionId};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::emulator::EmulatorError;
use transactions::Transaction;

pub(crate) use persist::run_persister;

/// Every entity, keyed by id. Paddle ids sort by creation time, so map order is list order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Data {
    pub(crate) customers: BTreeMap<CustomerId, Customer>,
    pub(crate) subscriptions: BTreeMap<SubscriptionId, Subscription>,
    pub(crate) transactions: BTreeMap<TransactionId, Transaction>,
    pub(crate) clock: Clock,
    /// Renewals (and dunning retries) still to decline, per customer.
    pub(crate) declines: BTreeMap<CustomerId, u32>,
}

impl Data {
    /// The customer with this email address (compared without regard to ASCII case).
    pub(crate) fn customer_by_email(&self, email: &str) -> Option<&Customer> {
        self.customers
            .values()
            .find(|c| c.email.eq_ignore_ascii_case(email))
    }

    /// Billing time for `customer` (everyone's time for a customer not advanced alone).
    pub(crate) fn now_for(&self, customer: &CustomerId) -> time::OffsetDateTime {
        self.clock.now_for(customer)
    }

    /// Uses up one pending decline of `customer`'s payments; `true` if there was one.
    pub(crate) fn take_decline(&mut self, customer: &CustomerId) -> bool {
        let Some(left) = self.declines.get_mut(customer) else {
            return false;
        };
        *left -= 1;
        if *left == 0 {
            self.declines.remove(customer);
        }
        true
    }
}

/// The data behind a lock, with a change counter the persister watches.
///
/// Locks are held only for in-memory work, never across an `.await`.
pub(crate) struct Store {
    data: Mutex<Data>,
    version: AtomicU64,
    changed: Notify,
    file: Option<PathBuf>,
    /// The version last written to `file`; also serializes writers.
    saved: tokio::sync::Mutex<u64>,
}

impl Store {
    /// Loads `file` if given and present; otherwise starts empty.
    pub(crate) async fn open(file: Option<PathBuf>) -> Result<Self, EmulatorError> {
        let data = match &file {
            Some(path) => {
                let data = persist::load(path).await?;
                persist::create_folder(path).await?;
                data
            }
            None => Data::default(),
        };
        Ok(Self {
            data: Mutex::new(data),
            version: AtomicU64::new(0),
            changed: Notify::new(),
            file,
            saved: tokio::sync::Mutex::new(0),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        // A panic while holding the lock leaves plain data behind: keep serving it.
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads the data.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the data and schedules a (debounced) write of the state file.
    pub(crate) fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        let result = f(&mut self.lock());
        self.version.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
        result
    }

    /// Waits until the data changes after the last wait.
    pub(crate) async fn changed(&self) {
        self.changed.notified().await;
    }

    /// Writes the state file now if anything changed since the last write.
    pub(crate) async fn flush(&self) -> Result<(), EmulatorError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let mut saved = self.saved.lock().await;
        let (version, snapshot) = {
            let data = self.lock();
            let version = self.version.load(Ordering::SeqCst);
            if version == *saved {
                return Ok(());
            }
            // Copying is quick; encoding megabytes of JSON happens off the lock and runtime.
            (version, data.clone())
        };
        let bytes = tokio::task::spawn_blocking(move || persist::encode(&snapshot))
            .await
            .map_err(|_| EmulatorError::EncodeTask)??;
        persist::write_atomically(path, &bytes).await?;
        *saved = version;
        tracing::debug!(version, bytes = bytes.len(), "state file written");
        Ok(())
    }
}
