//! Accounts: sign-up, email verification, log-in and log-out, password reset.
//! Plain async functions; the server functions in `crate::api::auth` call them.

pub mod backend;
pub mod config;
pub mod email;
mod failure;
mod links;
mod login;
pub mod mail;
pub mod password;
mod reset;
pub mod sessions;
mod signup;
mod slots;
pub mod tokens;
mod user_loads;
pub mod web;

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::server::db::users;
use crate::server::limits::Rule;

pub use backend::{AccountError, AuthSession, Backend, Credentials, User};
pub use failure::Failure;
pub use login::{log_in, log_out};
pub use reset::{request_reset, reset_password};
pub use signup::{resend_verification, sign_up, verify_email};

/// A verification link stays valid this long.
pub const VERIFY_TTL_SECS: i64 = 24 * 3600;
/// A password-reset link stays valid this long.
pub const RESET_TTL_SECS: i64 = 3600;
/// An account whose address is never verified expires this long after sign-up (resending
/// the link does not extend it), so an address squatted by someone else frees itself.
pub const UNVERIFIED_TTL_SECS: i64 = 72 * 3600;

type Outcome = Result<(), Failure>;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Accounts created at or before this instant and still unverified have expired.
pub fn unverified_cutoff() -> i64 {
    now() - UNVERIFIED_TTL_SECS
}

/// `(rule, key)` for a client IP.
fn by_ip(rule: Rule, ip: IpAddr) -> (Rule, String) {
    (rule, format!("ip:{ip}"))
}

/// `(rule, key)` for an address (an account, or a mail recipient).
fn by_address(rule: Rule, address: &str) -> (Rule, String) {
    (rule, format!("address:{address}"))
}

/// Deletes expired unverified accounts every `every`, once a period across instances.
pub fn spawn_unverified_sweep(db: crate::server::db::Database, every: Duration) {
    crate::server::jobs::spawn_periodic(db, "unverified_sweep", every, |db| async move {
        match users::delete_expired_unverified(&db, unverified_cutoff()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "expired unverified accounts deleted"),
            Err(e) => tracing::error!(error = %e, "unverified-account sweep failed"),
        }
    });
}
