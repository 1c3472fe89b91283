//! The server half: `serde_json` writes and reads the wire; framework errors (a body
//! that cannot be decoded) become `BadRequest`, with its status for a script.

use axum::http::request::Parts;
use leptos::prelude::use_context;
use leptos::server_fn::Bytes;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Decodes, Encodes};

use super::PortalJsonEncoding;
use crate::api::portal::{PortalError, PortalUrl};
use crate::server::billing::web;

impl Encodes<PortalUrl> for PortalJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &PortalUrl) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl Decodes<PortalUrl> for PortalJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<PortalUrl, Self::Error> {
        serde_json::from_slice(&bytes)
    }
}

impl Encodes<PortalError> for PortalJsonEncoding {
    type Error = serde_json::Error;

    fn encode(error: &PortalError) -> Result<Bytes, Self::Error> {
        let mut body = serde_json::json!({ "error": error.code(), "message": error.message() });
        if let PortalError::Limited { retry_after } = error {
            body["retry_after"] = (*retry_after).into();
        }
        serde_json::to_vec(&body).map(Bytes::from)
    }
}

impl Decodes<PortalError> for PortalJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<PortalError, Self::Error> {
        let body: serde_json::Value = serde_json::from_slice(&bytes)?;
        let code = body["error"].as_str().unwrap_or_default();
        Ok(PortalError::from_code(code, body["retry_after"].as_u64()))
    }
}

impl FromServerFnError for PortalError {
    type Encoder = PortalJsonEncoding;

    /// Errors the framework raises before our code runs (a body it cannot decode, a
    /// missing field), or while a page reads an error from its URL (`__err`). Only a
    /// script's call to a portal function gets the error's status (422): a plain form
    /// keeps the framework's redirect back to the page, and a page its own status.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => PortalError::BadRequest,
            _ => PortalError::Unavailable,
        };
        let script = use_context::<Parts>().is_some_and(|parts| web::script_call(&parts));
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>().filter(|_| script) {
            res.set_status(web::status(&error));
        }
        error
    }
}
