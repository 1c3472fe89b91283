//! Commands for the people who run Paddock, beside `serve`: `paddock portal-session`.
//!
//! They talk to the same database and Paddle as the app (in local mode, the running
//! app's emulator), print for a human, and fail with one line that says why.

mod error;
pub mod portal_session;
mod print;
mod prompt;

pub use error::PortalSessionError;
pub use portal_session::PortalSessionArgs;

/// The OS user running the command, for audit rows: `$USER`, else `$LOGNAME`, else `unknown`.
pub fn os_user() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .map(|name| name.trim().to_owned())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Logs of an operator command go to stderr, since stdout carries what it prints (and
/// JSON under `--json`); errors only unless `RUST_LOG` says otherwise.
pub fn init_logs() {
    use std::io::IsTerminal;
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("error"));
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
