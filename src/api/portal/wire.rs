//! How the portal functions' answers travel: JSON that a script can read (`{"url": …}`,
//! or `{"error": "no_customer", "message": "…"}` with the error's status), written by
//! `serde_json` on the server and read in the browser with the browser's own
//! `JSON.parse`, so no JSON parser is compiled into the wasm. Only the two types that
//! cross this wire are encoded, each by hand on the browser side.
//!
//! The two halves are whole modules, one per build.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{ContentType, Format, FormatType};

/// The encoding of the portal functions' output and errors.
pub struct PortalJsonEncoding;

impl ContentType for PortalJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for PortalJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

/// `POST` with a URL-encoded body in, [`PortalJsonEncoding`] out.
pub type PortalJson = Post<PortalJsonEncoding>;

#[cfg(feature = "hydrate")]
mod browser;
#[cfg(feature = "ssr")]
mod server;
