//! Server-only code: configuration, start-up, HTTP plumbing and the database.

pub mod accounts;
pub mod billing;
pub mod db;
pub mod doctor;
pub mod http;
pub mod jobs;
pub mod limits;
pub mod operator;
pub mod paddle;
pub mod reconcile;
pub mod settings;
pub mod shell;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;
