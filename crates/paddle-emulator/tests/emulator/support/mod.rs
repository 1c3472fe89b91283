//! `spawn()`: a real emulator on 127.0.0.1:0, and a client whose every API answer is
//! validated against Paddle's OpenAPI spec.

mod billing;
pub mod receiver;
pub mod schema;

pub use billing::spawn_receiving;

use std::time::Duration;

use paddle_emulator::{Config, DEFAULT_API_KEY, Emulator, RetryPolicy};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// Where "Return to app" points in tests; also the allowed checkout return origin.
pub const RETURN_URL: &str = "http://app.test:3000/billing";

/// An emulator serving on a free port.
pub struct TestEmulator {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    pub emulator: Emulator,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

/// An API answer, already checked against the spec.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// `error.code` of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    /// `error.errors[].field`.
    pub fn fields(&self) -> Vec<&str> {
        self.body["error"]["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default()
    }
}

/// Fast retries and writes, so tests take milliseconds.
fn test_config(origin: Url) -> Config {
    let mut config = Config::new(origin, Url::parse(RETURN_URL).unwrap());
    config.retry = RetryPolicy {
        initial_delay: Duration::from_millis(20),
        factor: 2.0,
        max_attempts: 5,
        attempt_timeout: Duration::from_secs(2),
    };
    config.persist_debounce = Duration::from_millis(20);
    config.chaos_max_delay = Duration::from_millis(40);
    config
}

pub async fn spawn() -> TestEmulator {
    spawn_with(|_| {}).await
}

/// An emulator whose test configuration `tweak` may change first.
pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestEmulator {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = test_config(Url::parse(&base).unwrap());
    tweak(&mut config);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let emulator = Emulator::new(config, http.clone()).await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = emulator.clone();
    let server = tokio::spawn(async move {
        let signal = async {
            let _ = stopped.await;
        };
        serving.serve(listener, signal).await.unwrap();
    });
    TestEmulator {
        base,
        emulator,
        http,
        stop: Some(stop),
        server: Some(server),
    }
}

/// The spec path a request path belongs to.
fn template(path: &str) -> &'static str {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["customers"] => "/customers",
        ["customers", _] => "/customers/{customer_id}",
        ["customers", _, "portal-sessions"] => "/customers/{customer_id}/portal-sessions",
        ["subscriptions"] => "/subscriptions",
        ["subscriptions", _] => "/subscriptions/{subscription_id}",
        ["subscriptions", _, "pause"] => "/subscriptions/{subscription_id}/pause",
        ["subscriptions", _, "cancel"] => "/subscriptions/{subscription_id}/cancel",
        ["subscriptions", _, "resume"] => "/subscriptions/{subscription_id}/resume",
        ["subscriptions", _, "activate"] => "/subscriptions/{subscription_id}/activate",
        ["products"] => "/products",
        ["products", _] => "/products/{product_id}",
        ["prices"] => "/prices",
        ["prices", _] => "/prices/{price_id}",
        ["transactions", _, "invoice"] => "/transactions/{transaction_id}/invoice",
        ["transactions"] => "/transactions",
        ["transactions", _] => "/transactions/{transaction_id}",
        _ => "",
    }
}

impl TestEmulator {
    /// Sends an API request with `authorization` (if any) and checks the answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        authorization: Option<&str>,
        body: Option<&str>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"));
        let method_name = method.as_str().to_ascii_lowercase();
        schema::assert_api_body(template(path), &method_name, status.as_u16(), &body);
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json")
        );
        Answer {
            status,
            headers,
            body,
        }
    }

    /// `GET` with the default API key.
    pub async fn get(&self, path: &str) -> Answer {
        let auth = format!("Bearer {DEFAULT_API_KEY}");
        self.call(Method::GET, path, Some(&auth), None).await
    }

    /// `POST` with the default API key and a raw body.
    pub async fn post(&self, path: &str, body: &str) -> Answer {
        let auth = format!("Bearer {DEFAULT_API_KEY}");
        self.call(Method::POST, path, Some(&auth), Some(body)).await
    }

    /// `PATCH` with the default API key and a raw body.
    pub async fn patch(&self, path: &str, body: &str) -> Answer {
        let auth = format!("Bearer {DEFAULT_API_KEY}");
        self.call(Method::PATCH, path, Some(&auth), Some(body))
            .await
    }

    /// A control call: `POST /_emulator/{name}` with a JSON body.
    pub async fn control(&self, name: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/_emulator/{name}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    /// `GET /_emulator/{name}`.
    pub async fn inspect(&self, name: &str) -> Value {
        let url = format!("{}/_emulator/{name}", self.base);
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A checkout for `email`: `(customer_id, subscription_id)`.
    pub async fn checkout(&self, email: &str) -> (String, String) {
        let (status, body) = self.control("checkout", json!({"email": email})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = |key: &str| body[key].as_str().unwrap().to_owned();
        (id("customer_id"), id("subscription_id"))
    }

    /// A portal session's body for `customer_id` with `subscription_ids`.
    pub async fn portal_session(&self, customer_id: &str, subscription_ids: &[&str]) -> Value {
        let body = json!({"subscription_ids": subscription_ids}).to_string();
        let path = format!("/customers/{customer_id}/portal-sessions");
        let answer = self.post(&path, &body).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:#}", answer.body);
        answer.body
    }

    /// An absolute URL on the emulator.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Stops serving (gracefully: state is flushed) and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap();
        }
    }
}

/// Polls `check` every 10 ms until it returns `Some`, for at most 5 seconds.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
