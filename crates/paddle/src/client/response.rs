//! Turning an HTTP response into data or a [`ClientError`].

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::list::Pagination;
use crate::error::{ClientError, ErrorBody, Meta};

/// A successful single-entity response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    /// The entity.
    pub data: T,
    /// `meta.request_id`: log it with the call.
    pub request_id: String,
}

/// A successful list response: one page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The entities on this page.
    pub data: Vec<T>,
    /// `meta.request_id`: log it with the call.
    pub request_id: String,
    /// Where the next page is.
    pub pagination: Pagination,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: T,
    meta: Meta,
}

#[derive(Deserialize)]
struct PaginatedMeta {
    request_id: String,
    pagination: Pagination,
}

#[derive(Deserialize)]
struct ListEnvelope<T> {
    data: Vec<T>,
    meta: PaginatedMeta,
}

/// Only `meta.request_id`, for bodies that fail to parse as a whole.
#[derive(Deserialize)]
struct MetaOnly {
    meta: Meta,
}

/// Status, headers and body of an answer, read in full.
pub(super) struct Raw {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

impl Raw {
    fn request_id(&self) -> Option<String> {
        serde_json::from_slice::<MetaOnly>(&self.body)
            .ok()
            .map(|m| m.meta.request_id)
    }

    /// `Retry-After` as a number of seconds; the HTTP-date form is not used by Paddle.
    fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        value.trim().parse::<u64>().ok().map(Duration::from_secs)
    }

    fn decode_error(&self, source: serde_json::Error) -> ClientError {
        ClientError::Decode {
            status: self.status.as_u16(),
            request_id: self.request_id(),
            source: source.into(),
        }
    }

    /// Maps any answer but the expected status to an error.
    fn check(&self, expected: StatusCode) -> Result<(), ClientError> {
        let status = self.status;
        if status == expected {
            return Ok(());
        }
        let parsed = serde_json::from_slice::<ErrorBody>(&self.body);
        if status == StatusCode::TOO_MANY_REQUESTS {
            let (error, request_id) = match parsed {
                Ok(body) => (Some(Box::new(body.error)), body.meta.map(|m| m.request_id)),
                Err(_) => (None, self.request_id()),
            };
            return Err(ClientError::RateLimited {
                retry_after: self.retry_after(),
                error,
                request_id,
            });
        }
        if status.is_client_error() || status.is_server_error() {
            return match parsed {
                Ok(body) => Err(ClientError::Api {
                    status: status.as_u16(),
                    error: Box::new(body.error),
                    request_id: body.meta.map(|m| m.request_id),
                }),
                Err(source) => Err(self.decode_error(source)),
            };
        }
        Err(ClientError::UnexpectedStatus {
            status: status.as_u16(),
            request_id: self.request_id(),
        })
    }

    /// Decodes `{"data": T, "meta": {"request_id"}}` sent with `expected`.
    pub(super) fn single<T: DeserializeOwned>(
        self,
        expected: StatusCode,
    ) -> Result<Response<T>, ClientError> {
        self.check(expected)?;
        let envelope = serde_json::from_slice::<Envelope<T>>(&self.body)
            .map_err(|source| self.decode_error(source))?;
        Ok(Response {
            data: envelope.data,
            request_id: envelope.meta.request_id,
        })
    }

    /// Decodes a list page sent with 200 OK.
    pub(super) fn page<T: DeserializeOwned>(self) -> Result<Page<T>, ClientError> {
        self.check(StatusCode::OK)?;
        let envelope = serde_json::from_slice::<ListEnvelope<T>>(&self.body)
            .map_err(|source| self.decode_error(source))?;
        Ok(Page {
            data: envelope.data,
            request_id: envelope.meta.request_id,
            pagination: envelope.meta.pagination,
        })
    }
}
