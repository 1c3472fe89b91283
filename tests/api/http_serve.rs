//! The accept loop: a client cannot hold a connection open without sending a request, or
//! by not reading its answers, and a shutdown lets in-flight requests finish, within a
//! bound.
use std::time::{Duration, Instant};

use crate::common::{Backend, spawn_app_with};
use axum::Router;
use axum::routing::get;
use paddock::server::http::serve::{ServeSettings, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Reads until the server closes the connection; how long that took.
async fn time_until_closed(mut stream: tokio::net::TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(6), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open for 6 s");
    started.elapsed()
}

#[tokio::test]
async fn a_client_that_sends_half_a_header_or_nothing_is_cut_off_at_the_header_timeout() {
    let app = spawn_app_with(Backend::Sqlite, &[("HTTP_HEADER_TIMEOUT_SECS", "1")]).await;
    let mut half = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .expect("write");
    let silent = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let (half, silent) = tokio::join!(time_until_closed(half), time_until_closed(silent));
    for (what, took) in [("half a header", half), ("nothing", silent)] {
        eprintln!("{what}: closed after {took:?}");
        assert!(took >= Duration::from_millis(900), "{what}: {took:?}");
        assert!(took < Duration::from_secs(3), "{what}: {took:?}");
    }
    // A whole request is still answered.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_client_that_stops_reading_its_answers_is_cut_off_at_the_write_timeout() {
    let app = spawn_app_with(
        Backend::Sqlite,
        &[
            ("HTTP_MAX_CONNECTIONS", "1"),
            ("HTTP_WRITE_TIMEOUT_SECS", "1"),
        ],
    )
    .await;
    // The one connection served: pipelined requests, sent until the server closes the
    // connection, whose answers it never reads. They fill both sides' buffers, then the
    // server's next write waits.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("a small buffer");
    let mut stuck = socket.connect(app.addr).await.expect("connect");
    let requests = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".repeat(100);
    let stuck = tokio::spawn(async move { while stuck.write_all(&requests).await.is_ok() {} });
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Another client waits in the listen backlog until that connection is closed.
    let waiting = Instant::now();
    let mut next = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    next.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();
    // Filling the buffers takes a second or two here; 30 s leaves a loaded machine room,
    // and is still short of forever.
    tokio::time::timeout(Duration::from_secs(30), next.read_to_end(&mut answer))
        .await
        .expect("the stuck connection was closed and the next client answered within 30 s")
        .expect("read");
    eprintln!("answered {:?} after it asked", waiting.elapsed());
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer[..answer.len().min(64)])
    );
    stuck.abort();
}

fn limits(grace: Duration) -> ServeSettings {
    ServeSettings {
        header_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(30),
        body_timeout: Duration::from_secs(5),
        write_timeout: Duration::from_secs(5),
        max_connections: 16,
        shutdown_grace: grace,
    }
}

/// Serves a route that answers after `delay`; returns its address, the shutdown trigger,
/// the server's task, and what tells when the route's handler has started (the request
/// is in flight).
async fn slow_server(
    delay: Duration,
    grace: Duration,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
    std::sync::Arc<tokio::sync::Notify>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let started = std::sync::Arc::new(tokio::sync::Notify::new());
    let handler_started = started.clone();
    let router = Router::new().route(
        "/slow",
        get(move || async move {
            handler_started.notify_one();
            tokio::time::sleep(delay).await;
            "done"
        }),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let settings = limits(grace);
        serve(listener, router, &settings, async {
            let _ = stopped.await;
        })
        .await;
    });
    (addr, stop, server, started)
}

#[tokio::test]
async fn a_shutdown_lets_the_request_in_flight_finish_then_stops() {
    let (addr, stop, server, started) =
        slow_server(Duration::from_millis(700), Duration::from_secs(5)).await;
    let request = tokio::spawn(async move {
        reqwest::get(format!("http://{addr}/slow"))
            .await
            .expect("answered")
            .text()
            .await
            .expect("body")
    });
    started.notified().await;
    let asked = Instant::now();
    stop.send(()).expect("server listening for shutdown");
    assert_eq!(
        request.await.expect("task"),
        "done",
        "the in-flight request finished"
    );
    tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .expect("the server stops once it is drained")
        .expect("task");
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}

#[tokio::test]
async fn a_request_slower_than_the_grace_period_does_not_hold_up_the_shutdown() {
    let (addr, stop, server, started) =
        slow_server(Duration::from_secs(30), Duration::from_secs(1)).await;
    let request = tokio::spawn(async move { reqwest::get(format!("http://{addr}/slow")).await });
    started.notified().await;
    let asked = Instant::now();
    stop.send(()).expect("server listening for shutdown");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops after the grace period")
        .expect("task");
    let took = asked.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    request.abort();
}
