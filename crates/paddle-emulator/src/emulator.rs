//! The embedding API: build an [`Emulator`], serve its [`Emulator::router`], stop it.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::{Config, WebhookDestination};
use crate::control::{CallLog, Faults};
use crate::portal::Links;
use crate::state::{Store, run_persister};
use crate::webhooks::Webhooks;

/// Why an emulator could not start, save its state, or serve.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The configuration cannot work.
    #[error("invalid emulator configuration: {0}")]
    InvalidConfig(&'static str),
    /// The state file exists but could not be read.
    #[error("could not read the state file {path}")]
    ReadState {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not JSON of the expected shape.
    #[error("the state file {path} is not valid emulator state")]
    ParseState {
        /// The state file.
        path: PathBuf,
        /// What did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// The state file was written by an incompatible version.
    #[error("the state file {path} has format {found}, this emulator reads format 1")]
    StateFormat {
        /// The state file.
        path: PathBuf,
        /// The format number found in it.
        found: u32,
    },
    /// The state could not be encoded (a bug).
    #[error("could not encode the state")]
    EncodeState(#[source] serde_json::Error),
    /// The task encoding the state panicked or was cancelled.
    #[error("the task encoding the state did not finish")]
    EncodeTask,
    /// The state file could not be written (or, at start, its folder created).
    #[error("could not write the state file {path} (or create its folder)")]
    WriteState {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server failed.
    #[error("the emulator's HTTP server failed")]
    Serve(#[source] std::io::Error),
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) store: Arc<Store>,
    pub(crate) links: Links,
    pub(crate) invoices: crate::invoices::Invoices,
    pub(crate) calls: CallLog,
    pub(crate) faults: Faults,
    pub(crate) webhooks: Webhooks,
}

impl Shared {
    /// Empties state, links, calls, faults and deliveries (destinations stay).
    pub(crate) fn reset(&self) {
        self.store.write(|data| *data = Default::default());
        self.links.clear();
        self.invoices.clear();
        self.calls.clear();
        self.faults.clear();
        self.webhooks.reset();
    }
}

/// A running emulator: state, background tasks (webhook deliveries, state writes).
///
/// Cheap to clone; every clone is the same emulator.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
    tasks: TaskTracker,
    stop: CancellationToken,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("public_origin", &self.shared.config.public_origin.as_str())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Loads the state file (if configured) and starts the background tasks.
    ///
    /// Must be called inside a Tokio runtime. `http` sends every webhook delivery.
    pub async fn new(config: Config, http: reqwest::Client) -> Result<Self, EmulatorError> {
        validate(&config)?;
        let store = Arc::new(Store::open(config.state_file.clone()).await?);
        let tasks = TaskTracker::new();
        let stop = CancellationToken::new();
        let webhooks = Webhooks::new(
            config.webhook_destinations.clone(),
            config.retry,
            config.chaos_max_delay,
            http,
            tasks.clone(),
            &stop,
        );
        if config.state_file.is_some() {
            tasks.spawn(run_persister(
                store.clone(),
                config.persist_debounce,
                stop.clone(),
            ));
        }
        let shared = Arc::new(Shared {
            links: Links::new(config.link_ttl, config.origin_str()),
            invoices: crate::invoices::Invoices::default(),
            calls: CallLog::default(),
            faults: Faults::default(),
            webhooks,
            store,
            config,
        });
        Ok(Self {
            shared,
            tasks,
            stop,
        })
    }

    /// The whole HTTP surface: Paddle's API, the portal, the checkout page and `/_emulator/`.
    pub fn router(&self) -> axum::Router {
        crate::api::router(self.shared.clone())
            .merge(crate::portal::router())
            .merge(crate::invoices::router())
            .merge(crate::control::router(self.shared.clone()))
            .with_state(self.shared.clone())
    }

    /// Adds a webhook destination; it receives the events that happen from now on.
    pub fn add_destination(&self, destination: WebhookDestination) {
        self.shared.webhooks.add_destination(destination);
    }

    /// The configuration the emulator runs with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Stops deliveries and background tasks, then writes the state file if it changed.
    ///
    /// Pending webhook retries are dropped. Safe to call more than once.
    pub async fn shutdown(&self) -> Result<(), EmulatorError> {
        self.stop.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        self.shared.store.flush().await
    }

    /// Serves [`Self::router`] on `listener` until `signal` completes, then shuts down.
    pub async fn serve(
        &self,
        listener: TcpListener,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), EmulatorError> {
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(signal)
            .await
            .map_err(EmulatorError::Serve);
        let stopped = self.shutdown().await;
        served.and(stopped)
    }
}

fn validate(config: &Config) -> Result<(), EmulatorError> {
    if config.api_keys.is_empty() {
        return Err(EmulatorError::InvalidConfig(
            "at least one API key is needed",
        ));
    }
    if !matches!(config.public_origin.scheme(), "http" | "https")
        || config.public_origin.host().is_none()
    {
        return Err(EmulatorError::InvalidConfig(
            "the public origin must be an http(s) URL with a host",
        ));
    }
    if config.retry.max_attempts == 0 {
        return Err(EmulatorError::InvalidConfig(
            "webhook retries need at least one attempt",
        ));
    }
    Ok(())
}
