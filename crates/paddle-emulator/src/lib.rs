//! A local, stateful stand-in for Paddle Billing, the backbone of Paddock's local mode
//! and of its tests.
//!
//! It serves Paddle's API (customers, subscriptions and their writes, transactions and
//! their invoice PDFs, the catalog, customer portal sessions) with the same paths,
//! bodies, statuses and errors as Paddle's OpenAPI spec; a customer portal whose one-time links really cancel subscriptions or update
//! payment methods; signed webhooks delivered in the background with retries (and a
//! chaos switch); a billing clock that tests move forward, making renewals, dunning,
//! scheduled changes and trial ends happen with Paddle's events; and control endpoints
//! under `/_emulator/` for tests.
//!
//! # HTTP surface
//! - Paddle API (needs `Authorization: Bearer <key>`), 19 of the spec's 79 operations:
//!   `GET`/`POST /customers`, `GET`/`PATCH /customers/{id}`,
//!   `POST /customers/{id}/portal-sessions`, `GET /subscriptions`,
//!   `GET`/`PATCH /subscriptions/{id}`, `POST /subscriptions/{id}/pause`, `/resume`,
//!   `/cancel`, `/activate`, `GET /transactions`, `GET /transactions/{id}`,
//!   `GET /transactions/{id}/invoice`, `GET /products[/{id}]`, `GET /prices[/{id}]`. Any
//!   other path is treated as an API call and answers Paddle's 404 `not_found`.
//! - Invoice PDFs: `GET /invoices/{token}` (one use, an hour; 410 once used or expired).
//! - Portal: `GET /portal/cpl_…?action=…&token=…` (one use, TTL; 410 once used or expired)
//!   and its forms, `POST /portal/cpl_…/actions` (one-time nonces).
//! - Checkout page: `GET /checkout?email=…&return_url=…`, `POST /checkout`.
//! - Control (JSON, no key): `POST /_emulator/checkout`, `GET /_emulator/calls`,
//!   `POST /_emulator/faults` (API faults, or payment declines), `GET /_emulator/deliveries`,
//!   `POST /_emulator/reset`, `POST /_emulator/chaos`, `POST /_emulator/destinations`,
//!   `POST /_emulator/seed`, `GET`/`POST /_emulator/clock`.
//!
//! Customers, subscriptions, transactions, the clock and pending payment declines are
//! persisted; links, calls, API faults, deliveries and destinations added at run time
//! live as long as the process.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use paddle_emulator::{Config, Emulator};
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let origin = url::Url::parse(&format!("http://{}", listener.local_addr()?))?;
//! let config = Config::new(origin, url::Url::parse("http://127.0.0.1:3000/")?);
//! let emulator = Emulator::new(config, reqwest::Client::new()).await?;
//! emulator.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod api;
mod billing;
mod clock;
mod config;
mod control;
mod emulator;
mod html;
mod invoices;
mod portal;
mod state;
mod webhooks;

pub use clock::{InvalidDuration, IsoDuration};
pub use config::{
    Config, DEFAULT_ADDR, DEFAULT_API_KEY, DEFAULT_RETURN_URL, DEFAULT_WEBHOOK_SECRET, RetryPolicy,
    WebhookDestination,
};
pub use emulator::{Emulator, EmulatorError};
pub use state::catalog::{PLANS, Plan};
