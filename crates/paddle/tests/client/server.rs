//! A canned-answer axum server on 127.0.0.1:0 that records what it was sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Bytes, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use url::Url;

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: Method,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub type Log = Arc<Mutex<Vec<Seen>>>;

/// Serves `reply` (after `delay`) to every request, recording each; returns the base URL.
pub async fn serve(
    status: StatusCode,
    headers: &[(&'static str, &'static str)],
    body: serde_json::Value,
    delay: Duration,
) -> (Url, Log) {
    let log = Log::default();
    let seen = log.clone();
    let mut reply_headers = HeaderMap::new();
    reply_headers.insert("content-type", HeaderValue::from_static("application/json"));
    for (name, value) in headers {
        reply_headers.insert(*name, HeaderValue::from_static(value));
    }
    let body = body.to_string();
    let handler = move |req: Request| {
        let (seen, reply_headers, body) = (seen.clone(), reply_headers.clone(), body.clone());
        async move {
            let (parts, req_body) = req.into_parts();
            let req_body = to_bytes(req_body, usize::MAX).await.unwrap();
            seen.lock().unwrap().push(Seen {
                method: parts.method,
                path_and_query: parts.uri.path_and_query().unwrap().to_string(),
                headers: parts.headers,
                body: req_body,
            });
            tokio::time::sleep(delay).await;
            (status, reply_headers, body).into_response()
        }
    };
    let router = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (Url::parse(&format!("http://{addr}")).unwrap(), log)
}

pub async fn reply(status: StatusCode, body: serde_json::Value) -> (Url, Log) {
    serve(status, &[], body, Duration::ZERO).await
}
