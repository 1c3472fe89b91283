//! The state every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::server::db::Database;
use crate::server::limits::{self, Limits};
use crate::server::paddle::PaddleHandle;
use crate::server::settings::Settings;
use crate::server::webhooks::refusals::Refusals;

/// Shared by every request: one pool, one HTTP client (inside the Paddle client too), the
/// settings. Behind one `Arc`: axum and Leptos clone the state for every request (and
/// every layer that holds it), and one reference count is all such a clone costs.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] holds; its fields read straight through the state (`state.db`).
pub struct Shared {
    pub leptos: LeptosOptions,
    pub db: Database,
    pub http: reqwest::Client,
    pub settings: Arc<Settings>,
    pub paddle: PaddleHandle,
    /// The abuse limits' counts (log-in, mail, portal mints).
    pub limits: Limits,
    /// Stores verified webhook events (one task per process, in batches).
    pub events: crate::server::webhooks::writer::EventWriter,
    /// Appends the portal mints' audit rows (one task per process, in batches).
    pub audit: crate::server::db::audit::AuditWriter,
    /// The portal's mirror lookups (one task per process, in batches).
    pub lookups: crate::server::db::mirror::lookups::CustomerLookup,
    /// Webhook deliveries refused since the last flush (`webhooks::refusals::spawn_flush`).
    pub refusals: Arc<Refusals>,
}

impl AppState {
    pub fn new(
        settings: Settings,
        db: Database,
        http: reqwest::Client,
        paddle: PaddleHandle,
    ) -> Self {
        let limits = limits::for_database(&db);
        let events = crate::server::webhooks::writer::EventWriter::for_database(&db);
        let audit = crate::server::db::audit::AuditWriter::for_database(&db);
        let lookups = crate::server::db::mirror::lookups::CustomerLookup::for_database(&db);
        Self(Arc::new(Shared {
            leptos: settings.leptos.clone(),
            db,
            http,
            settings: Arc::new(settings),
            paddle,
            limits,
            events,
            audit,
            lookups,
            refusals: Arc::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<AppState> for Database {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

/// The one outbound HTTP client of the process: pooled, with connect and total timeouts.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    http_client_with(std::time::Duration::from_secs(10))
}

/// [`http_client`] with a total timeout of `timeout` (`PADDLE_TIMEOUT_SECS`).
pub fn http_client_with(timeout: std::time::Duration) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5).min(timeout))
        .timeout(timeout)
        .user_agent(concat!("paddock/", env!("CARGO_PKG_VERSION")))
        // Paddle's API answers where it is asked; a redirect would carry the request
        // (and its API key) somewhere else, so none is followed.
        .redirect(reqwest::redirect::Policy::none())
        .build()
}
