//! The Paddle API client: one shared `reqwest::Client`, a base URL and an API key.

mod list;
mod response;

use std::fmt;

use reqwest::{RequestBuilder, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use tracing::field::Empty;
use url::Url;

pub use list::{ListCustomers, ListSubscriptions, Pagination};
pub use response::{Page, Response};

use crate::entities::{CreatePortalSession, Customer, CustomerPortalSession, Subscription};
use crate::error::{ClientError, MAX_BODY};
use crate::ids::{CustomerId, SubscriptionId};
use response::Raw;

/// Base URL of the live API.
pub const LIVE_BASE_URL: &str = "https://api.paddle.com";
/// Base URL of the sandbox API.
pub const SANDBOX_BASE_URL: &str = "https://sandbox-api.paddle.com";
/// The API version this crate speaks, sent as `Paddle-Version`.
pub const PADDLE_VERSION: &str = "1";

/// A Paddle API client. Cheap to clone: the HTTP client is shared.
///
/// Timeouts, pooling and TLS are the passed-in `reqwest::Client`'s: build that once.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: Url,
    api_key: SecretString,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `base_url` (live, sandbox or an emulator, with or without a path).
    ///
    /// Fails if the URL is not `http`/`https` or cannot take a path.
    pub fn new(
        http: reqwest::Client,
        base_url: Url,
        api_key: SecretString,
    ) -> Result<Self, ClientError> {
        let usable = matches!(base_url.scheme(), "http" | "https") && !base_url.cannot_be_a_base();
        if !usable {
            return Err(ClientError::InvalidBaseUrl);
        }
        Ok(Self {
            http,
            base_url,
            api_key,
        })
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Mints a portal session (`POST /customers/{id}/portal-sessions`, 201 Created).
    ///
    /// The returned links carry one-time tokens: hand them on, never log or store them.
    #[tracing::instrument(
        name = "paddle.create_portal_session",
        skip_all,
        fields(customer_id = %customer_id, subscriptions = subscription_ids.len(), request_id = Empty)
    )]
    pub async fn create_portal_session(
        &self,
        customer_id: &CustomerId,
        subscription_ids: &[SubscriptionId],
    ) -> Result<Response<CustomerPortalSession>, ClientError> {
        self.portal_session_as(customer_id, subscription_ids).await
    }

    /// [`Client::create_portal_session`], with the entity exactly as Paddle returned it
    /// (fields this crate does not model included), for tools that print it.
    #[tracing::instrument(
        name = "paddle.create_portal_session",
        skip_all,
        fields(customer_id = %customer_id, subscriptions = subscription_ids.len(), request_id = Empty)
    )]
    pub async fn create_portal_session_json(
        &self,
        customer_id: &CustomerId,
        subscription_ids: &[SubscriptionId],
    ) -> Result<Response<serde_json::Value>, ClientError> {
        self.portal_session_as(customer_id, subscription_ids).await
    }

    async fn portal_session_as<T: serde::de::DeserializeOwned>(
        &self,
        customer_id: &CustomerId,
        subscription_ids: &[SubscriptionId],
    ) -> Result<Response<T>, ClientError> {
        let url = self.endpoint(&["customers", customer_id.as_str(), "portal-sessions"])?;
        let body = CreatePortalSession {
            subscription_ids: subscription_ids.to_vec(),
        };
        let raw = self.send(self.http.post(url).json(&body)).await?;
        observe(raw.single(StatusCode::CREATED), |r| &r.request_id)
    }

    /// Fetches one customer (`GET /customers/{id}`).
    #[tracing::instrument(
        name = "paddle.get_customer",
        skip_all,
        fields(customer_id = %customer_id, request_id = Empty)
    )]
    pub async fn get_customer(
        &self,
        customer_id: &CustomerId,
    ) -> Result<Response<Customer>, ClientError> {
        let url = self.endpoint(&["customers", customer_id.as_str()])?;
        let raw = self.send(self.http.get(url)).await?;
        observe(raw.single(StatusCode::OK), |r| &r.request_id)
    }

    /// Lists customers, one page (`GET /customers`).
    #[tracing::instrument(
        name = "paddle.list_customers",
        skip_all,
        fields(emails = query.email.len(), ids = query.id.len(), request_id = Empty)
    )]
    pub async fn list_customers(
        &self,
        query: &ListCustomers,
    ) -> Result<Page<Customer>, ClientError> {
        let mut url = self.endpoint(&["customers"])?;
        query.query().apply(&mut url);
        let raw = self.send(self.http.get(url)).await?;
        observe(raw.page(), |p| &p.request_id)
    }

    /// Fetches one subscription (`GET /subscriptions/{id}`).
    #[tracing::instrument(
        name = "paddle.get_subscription",
        skip_all,
        fields(subscription_id = %subscription_id, request_id = Empty)
    )]
    pub async fn get_subscription(
        &self,
        subscription_id: &SubscriptionId,
    ) -> Result<Response<Subscription>, ClientError> {
        let url = self.endpoint(&["subscriptions", subscription_id.as_str()])?;
        let raw = self.send(self.http.get(url)).await?;
        observe(raw.single(StatusCode::OK), |r| &r.request_id)
    }

    /// Lists subscriptions, one page (`GET /subscriptions`).
    #[tracing::instrument(
        name = "paddle.list_subscriptions",
        skip_all,
        fields(customers = query.customer_id.len(), request_id = Empty)
    )]
    pub async fn list_subscriptions(
        &self,
        query: &ListSubscriptions,
    ) -> Result<Page<Subscription>, ClientError> {
        let mut url = self.endpoint(&["subscriptions"])?;
        query.query().apply(&mut url);
        let raw = self.send(self.http.get(url)).await?;
        observe(raw.page(), |p| &p.request_id)
    }

    /// The base URL with `segments` appended as percent-encoded path segments.
    fn endpoint(&self, segments: &[&str]) -> Result<Url, ClientError> {
        let mut url = self.base_url.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.path_segments_mut()
            .map_err(|()| ClientError::InvalidBaseUrl)?
            .pop_if_empty()
            .extend(segments);
        Ok(url)
    }

    /// Sends with auth and version headers and reads the whole body, up to [`MAX_BODY`].
    async fn send(&self, request: RequestBuilder) -> Result<Raw, ClientError> {
        let result = self.read(request).await;
        if let Err(err) = &result {
            tracing::warn!(error = err as &dyn std::error::Error, "Paddle call failed");
        }
        result
    }

    async fn read(&self, request: RequestBuilder) -> Result<Raw, ClientError> {
        let mut response = request
            .bearer_auth(self.api_key.expose_secret())
            .header("Paddle-Version", PADDLE_VERSION)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let too_large = || ClientError::TooLarge {
            status: status.as_u16(),
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(too_large());
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Raw {
            status,
            headers,
            body,
        })
    }
}

/// A failed exchange, without its URL, so no message built from the error can carry one.
fn transport(err: reqwest::Error) -> ClientError {
    let err = err.without_url();
    if err.is_timeout() {
        ClientError::Timeout(err)
    } else {
        ClientError::Transport(err)
    }
}

/// Records the request id on the current span and logs the outcome.
fn observe<T>(
    result: Result<T, ClientError>,
    request_id: impl Fn(&T) -> &str,
) -> Result<T, ClientError> {
    let span = tracing::Span::current();
    match &result {
        Ok(value) => {
            let rid = request_id(value);
            span.record("request_id", rid);
            tracing::debug!(request_id = rid, "Paddle call succeeded");
        }
        Err(err) => {
            if let Some(rid) = err.request_id() {
                span.record("request_id", rid);
            }
            tracing::warn!(
                error = err as &dyn std::error::Error,
                code = err.code(),
                "Paddle call failed"
            );
        }
    }
    result
}
