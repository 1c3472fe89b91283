//! Why a page's own data did not load: one enum that crosses the wire
//! (`FromServerFnError`), as JSON tagged by the variant's name (`{"error": "not_found"}`).

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why a page's data did not load. The status a script sees is in the comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum PageError {
    /// 404: the page does not exist here (the outbox, when mail goes out by SMTP).
    NotFound,
    /// 500: our fault (the cause is in the log, never here).
    Server,
    /// The framework's own: a request it could not read, or in the browser one it could
    /// not send.
    ServerFn { cause: ServerFnErrorErr },
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotFound => "There is no such page here.",
            Self::Server | Self::ServerFn { .. } => "Something went wrong on our side. Try again.",
        })
    }
}

impl FromServerFnError for PageError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(cause: ServerFnErrorErr) -> Self {
        Self::ServerFn { cause }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_crosses_the_wire_by_name() {
        for (e, wire) in [
            (PageError::NotFound, r#"{"error":"not_found"}"#),
            (PageError::Server, r#"{"error":"server"}"#),
        ] {
            let bytes = e.ser();
            assert_eq!(std::str::from_utf8(&bytes).expect("utf-8"), wire);
            assert_eq!(PageError::de(bytes), e);
        }
        let framework = PageError::ServerFn {
            cause: ServerFnErrorErr::Request("offline".into()),
        };
        assert_eq!(PageError::de(framework.ser()), framework);
        let garbled = PageError::de(leptos::server_fn::Bytes::from_static(b"not json"));
        assert!(matches!(garbled, PageError::ServerFn { .. }), "{garbled:?}");
    }
}
