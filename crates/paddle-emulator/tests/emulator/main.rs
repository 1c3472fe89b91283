//! The emulator over HTTP, as the app and the official SDKs see it. Every API answer is
//! validated against Paddle's OpenAPI spec by the helpers in `support`.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod auth;
mod catalog;
mod chaos;
mod checkout_page;
mod clock;
mod control;
mod customer_writes;
mod dunning;
mod errors;
mod faults;
mod fidelity;
mod invoices;
mod links;
mod list_params;
mod lists;
mod persistence;
mod portal_actions;
mod portal_sessions;
mod scheduled;
mod subscription_writes;
mod support;
mod transactions;
mod view_subscription;
mod webhooks;
