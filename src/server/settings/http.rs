//! The HTTP server's timeouts and caps.

use std::time::Duration;

use super::parse::{secs, whole};
use crate::server::http::serve::ServeSettings;

/// The HTTP server's variables.
#[derive(Clone, Debug, clap::Args)]
#[command(next_help_heading = "HTTP server")]
pub struct HttpArgs {
    /// Seconds for a connection's request headers to arrive (also the keep-alive idle time)
    #[arg(long, env = "HTTP_HEADER_TIMEOUT_SECS", default_value = "10", value_parser = secs(300))]
    pub http_header_timeout_secs: Duration,
    /// Seconds to answer a request before it gets 408
    #[arg(long, env = "HTTP_REQUEST_TIMEOUT_SECS", default_value = "30", value_parser = secs(3600))]
    pub http_request_timeout_secs: Duration,
    /// Seconds for a request body to arrive
    #[arg(long, env = "HTTP_BODY_TIMEOUT_SECS", default_value = "10", value_parser = secs(3600))]
    pub http_body_timeout_secs: Duration,
    /// Seconds a connection may keep an answer waiting because its client stopped taking it
    #[arg(long, env = "HTTP_WRITE_TIMEOUT_SECS", default_value = "30", value_parser = secs(3600))]
    pub http_write_timeout_secs: Duration,
    /// Connections served at once; more wait in the listen backlog
    #[arg(long, env = "HTTP_MAX_CONNECTIONS", default_value = "1024")]
    #[arg(value_parser = whole(1usize, 1_000_000))]
    pub http_max_connections: usize,
    /// Seconds in-flight requests get to finish on SIGINT/SIGTERM
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value = "10", value_parser = secs(3600))]
    pub shutdown_grace_secs: Duration,
}

impl From<HttpArgs> for ServeSettings {
    fn from(args: HttpArgs) -> Self {
        Self {
            header_timeout: args.http_header_timeout_secs,
            request_timeout: args.http_request_timeout_secs,
            body_timeout: args.http_body_timeout_secs,
            write_timeout: args.http_write_timeout_secs,
            max_connections: args.http_max_connections,
            shutdown_grace: args.shutdown_grace_secs,
        }
    }
}
