//! Webhooks: events built from state changes, signed and delivered in the background.
//!
//! Every event goes to every destination known when it happens, each as its own
//! notification (`ntf_…`), retried with exponential backoff until a 2xx answer or the
//! last attempt. With chaos on, every notification is sent twice, each copy after a
//! random wait, so receivers see duplicates and events out of order.

mod delivery;
mod event;
mod log;
mod outbox;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use paddle::NotificationId;
use rand::Rng;
use serde_json::Value;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{RetryPolicy, WebhookDestination};
use delivery::Job;
pub(crate) use event::{EventType, customer_data};
pub(crate) use log::Delivery;
use log::DeliveryLog;
pub(crate) use outbox::Outbox;

/// Destinations, the chaos switch, the delivery log, and the tasks that deliver.
pub(crate) struct Webhooks {
    destinations: RwLock<Vec<WebhookDestination>>,
    chaos: AtomicBool,
    chaos_max_delay: Duration,
    retry: RetryPolicy,
    log: std::sync::Arc<DeliveryLog>,
    http: reqwest::Client,
    tasks: TaskTracker,
    stop: CancellationToken,
    /// Cancelled by `reset` (and by stop, its parent): ends the deliveries of the old state.
    epoch: Mutex<CancellationToken>,
}

impl Webhooks {
    /// Delivery machinery whose tasks live in `tasks` and end when `stop` is cancelled.
    pub(crate) fn new(
        destinations: Vec<WebhookDestination>,
        retry: RetryPolicy,
        chaos_max_delay: Duration,
        http: reqwest::Client,
        tasks: TaskTracker,
        stop: &CancellationToken,
    ) -> Self {
        Self {
            destinations: RwLock::new(destinations),
            chaos: AtomicBool::new(false),
            chaos_max_delay,
            retry,
            log: std::sync::Arc::default(),
            http,
            tasks,
            stop: stop.clone(),
            epoch: Mutex::new(stop.child_token()),
        }
    }

    /// Adds a destination; it receives events that happen from now on.
    pub(crate) fn add_destination(&self, destination: WebhookDestination) {
        self.destinations
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(destination);
    }

    /// Turns duplicate, out-of-order delivery on or off.
    pub(crate) fn set_chaos(&self, enabled: bool) {
        self.chaos.store(enabled, Ordering::SeqCst);
    }

    /// Every delivery so far, oldest first.
    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.log.all()
    }

    /// Stops pending deliveries, empties the log and turns chaos off; destinations stay.
    pub(crate) fn reset(&self) {
        let mut epoch = self.epoch.lock().unwrap_or_else(PoisonError::into_inner);
        epoch.cancel();
        // A child of `stop`, so stopping still ends the new epoch's deliveries.
        *epoch = self.stop.child_token();
        drop(epoch);
        self.log.clear();
        self.set_chaos(false);
    }

    /// Sends every event of `outbox`, in order. Events at the same instant get
    /// `occurred_at`s a microsecond apart, so receivers that order by `occurred_at` (as
    /// they must) see Paddle's sequence.
    pub(crate) fn send(&self, outbox: Outbox) {
        let mut last: Option<OffsetDateTime> = None;
        for (event_type, data, at) in outbox.events {
            let at = match last {
                Some(last) if at <= last => last + time::Duration::microseconds(1),
                _ => at,
            };
            last = Some(at);
            self.emit(event_type, data, at);
        }
    }

    /// Records that `event_type` happened to `data` at `at` (billing time) and queues
    /// its deliveries.
    ///
    /// Must run inside the Tokio runtime (it spawns the delivery tasks).
    pub(crate) fn emit(&self, event_type: EventType, data: Value, at: OffsetDateTime) {
        let event = event::Event::new(event_type, data, at);
        let destinations = self
            .destinations
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let chaos = self.chaos.load(Ordering::SeqCst);
        let cancel = self
            .epoch
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for destination in destinations {
            let notification_id = NotificationId::generate();
            let body = Bytes::from(event.body(&notification_id));
            let copies = if chaos { 2 } else { 1 };
            for copy in 0..copies {
                let seq = self.log.push(Delivery::new(
                    &event,
                    &notification_id,
                    destination.url.as_str(),
                    copy > 0,
                ));
                let job = Job {
                    seq,
                    destination: destination.clone(),
                    body: body.clone(),
                    first_delay: if chaos {
                        self.chaos_delay()
                    } else {
                        Duration::ZERO
                    },
                };
                let (http, retry, log) = (self.http.clone(), self.retry, self.log.clone());
                let cancel = cancel.clone();
                self.tasks
                    .spawn(async move { job.run(&http, retry, &log, &cancel).await });
            }
        }
    }

    fn chaos_delay(&self) -> Duration {
        let max = u64::try_from(self.chaos_max_delay.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=max))
    }
}
