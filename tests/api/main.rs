//! The app's API tests, one binary (as `crates/paddle` and `crates/paddle-emulator` do):
//! the real router on a free loopback port, its own fresh database per test, and the
//! embedded Paddle emulator. SQLite always; Postgres too when `TEST_POSTGRES_URL` is set.
//! (`tests/logs.rs` is a binary of its own: it installs the process's global log
//! subscriber.)
#![cfg(feature = "ssr")]

mod common;

mod abuse_burst;
mod abuse_limits;
mod accounts;
mod accounts_forms;
mod accounts_loads;
mod accounts_sessions;
mod accounts_takeover;
mod accounts_tokens;
mod cli;
mod crash;
mod dashboard;
mod db;
mod db_checkpoints;
mod db_durability;
mod doctor;
mod doctor_refusals;
mod http;
mod http_serve;
mod instances;
mod limits_shared;
mod operator_allowlist;
mod operator_cli;
mod paddle_mode;
mod portal;
mod portal_audit;
mod portal_faults;
mod portal_forms;
mod portal_lookups;
mod private_data;
mod reconcile;
mod webhooks;
mod webhooks_batch;
mod webhooks_clock;
mod webhooks_e2e;
mod webhooks_mirror;
mod webhooks_ordering;
