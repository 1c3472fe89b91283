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

/// `(rule, key)` for a client IP. An IPv6 client counts by its /64, the block one
/// subscriber usually holds whole (a key per address would let one host count as 2^64
/// clients); an IPv4 address written as IPv6 counts as itself.
fn by_ip(rule: Rule, ip: IpAddr) -> (Rule, String) {
    let key = match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                format!("ip:{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
        },
        IpAddr::V4(v4) => format!("ip:{v4}"),
    };
    (rule, key)
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

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule::new("login", 10, Duration::from_secs(900));

    fn key(ip: &str) -> String {
        by_ip(RULE, ip.parse().expect("an address")).1
    }

    #[test]
    fn an_ipv6_client_counts_by_its_64_and_a_mapped_ipv4_as_itself() {
        assert_eq!(key("2001:db8:1:2::1"), "ip:2001:db8:1:2::/64");
        assert_eq!(
            key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            key("2001:db8:1:2::1")
        );
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "ip:192.0.2.7");
        assert_eq!(key("192.0.2.7"), "ip:192.0.2.7");
        assert_ne!(key("192.0.2.8"), key("192.0.2.7"));
    }
}
