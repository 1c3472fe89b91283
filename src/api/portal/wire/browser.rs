//! The browser half: `JSON.parse` and two field reads. The server function client
//! never encodes these types (it only sends the URL-encoded form), so encoding here
//! says so instead of pulling `serde_json` into the wasm.

use js_sys::{JSON, Reflect};
use leptos::server_fn::Bytes;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Decodes, Encodes};
use wasm_bindgen::JsValue;

use super::PortalJsonEncoding;
use crate::api::portal::{PortalError, PortalUrl};

/// This side of the wire only reads.
#[derive(Debug)]
pub struct ReadOnly;

impl std::fmt::Display for ReadOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the browser does not encode portal answers")
    }
}

/// A body the browser could not read.
#[derive(Debug)]
pub struct Unreadable;

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unreadable portal answer")
    }
}

fn field(bytes: &Bytes, name: &str) -> Option<JsValue> {
    let text = std::str::from_utf8(bytes).ok()?;
    let value = JSON::parse(text).ok()?;
    Reflect::get(&value, &JsValue::from_str(name)).ok()
}

impl Encodes<PortalUrl> for PortalJsonEncoding {
    type Error = ReadOnly;

    fn encode(_: &PortalUrl) -> Result<Bytes, Self::Error> {
        Err(ReadOnly)
    }
}

impl Decodes<PortalUrl> for PortalJsonEncoding {
    type Error = Unreadable;

    fn decode(bytes: Bytes) -> Result<PortalUrl, Self::Error> {
        let url = field(&bytes, "url").and_then(|u| u.as_string());
        url.map(|url| PortalUrl { url }).ok_or(Unreadable)
    }
}

impl Encodes<PortalError> for PortalJsonEncoding {
    type Error = ReadOnly;

    fn encode(_: &PortalError) -> Result<Bytes, Self::Error> {
        Err(ReadOnly)
    }
}

impl Decodes<PortalError> for PortalJsonEncoding {
    type Error = Unreadable;

    fn decode(bytes: Bytes) -> Result<PortalError, Self::Error> {
        let code = field(&bytes, "error").and_then(|c| c.as_string());
        let retry = field(&bytes, "retry_after").and_then(|r| r.as_f64());
        let code = code.ok_or(Unreadable)?;
        Ok(PortalError::from_code(&code, retry.map(|r| r as u64)))
    }
}

impl FromServerFnError for PortalError {
    type Encoder = PortalJsonEncoding;

    /// In the browser: no answer at all, or one that could not be read.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => PortalError::Unreachable,
            _ => PortalError::Unavailable,
        }
    }
}
