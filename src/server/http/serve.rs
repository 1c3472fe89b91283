//! The accept loop: the one place where hand-written serving code is right, because
//! `axum::serve` builds hyper without a timer (so a client that sends half a header keeps
//! its connection for as long as it likes) and has no cap on connections.
//!
//! Each connection is HTTP/1.1 through hyper with a Tokio timer: headers must arrive
//! within `HTTP_HEADER_TIMEOUT_SECS` (also the idle time of a kept-alive connection); the
//! router adds the request and body timeouts (tower-http). hyper has no timer on writes:
//! a client that sends requests (pipelined, or one for a large file) and never reads the
//! answers would keep its connection, and its place among the connections served, for as
//! long as it likes. A write that cannot go on for `HTTP_WRITE_TIMEOUT_SECS` closes the
//! connection instead (tokio-io-timeout; the countdown runs only while a write waits, and
//! restarts whenever one goes through). At most
//! `HTTP_MAX_CONNECTIONS` are served at once; further clients wait in the kernel's
//! backlog. On shutdown the listener closes, in-flight requests finish, and whatever is
//! still open after `SHUTDOWN_GRACE_SECS` is dropped.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;
use tower::ServiceExt;

/// Timeouts and caps of the HTTP server (`HTTP_*_SECS`, `HTTP_MAX_CONNECTIONS`,
/// `SHUTDOWN_GRACE_SECS`; read at start-up by `settings`).
#[derive(Clone, Debug)]
pub struct ServeSettings {
    pub header_timeout: Duration,
    pub request_timeout: Duration,
    pub body_timeout: Duration,
    pub write_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_grace: Duration,
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains within the grace.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &ServeSettings,
    shutdown: impl Future<Output = ()> + Send,
) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(settings.max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let service = router
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                req
            });
        let mut io = TimeoutStream::new(stream);
        io.set_write_timeout(Some(settings.write_timeout));
        let conn = http.serve_connection(
            TokioIo::new(Box::pin(io)),
            TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    tracing::info!("no longer accepting; finishing in-flight requests");
    if tokio::time::timeout(settings.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            grace_secs = settings.shutdown_grace.as_secs(),
            "connections still open after the grace period; closing them"
        );
    }
}
