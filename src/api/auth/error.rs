//! Why an account action failed: one enum that crosses the wire (`FromServerFnError`).
//! A script reads it as JSON, the variant's name beside a message for people
//! (`{"error": "invalid", "message": "Invalid email or password."}`); a form posted
//! without JavaScript gets it back in the page's URL, the framework's way
//! (`ServerFnUrlError`: `?__path=…&__err=…`), and the page shows the message.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{Deserialize, Serialize};

/// Why an account action failed. The status a script sees is in the comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AuthError {
    /// 401: wrong email or password (never says which, nor whether the address has an
    /// account).
    Invalid,
    /// 429: over an abuse limit; try again after this many seconds.
    RateLimited { retry_after: u64 },
    /// 422: not an email address.
    BadEmail,
    /// 422: a new password shorter than 8 or longer than 256 characters.
    PasswordLength,
    /// 401: verifying takes the password chosen at sign-up.
    VerifyPassword,
    /// 400: a mailed link that was never issued.
    TokenInvalid,
    /// 400: a mailed link already used.
    TokenUsed,
    /// 400: a mailed link past its time (or whose account expired).
    TokenExpired,
    /// 403: nobody is signed in.
    Forbidden,
    /// 503: every password-hashing slot is taken; try again shortly.
    Busy,
    /// 500: our fault (the cause is in the log, never here).
    Server,
    /// The framework's own: a request it could not read (a missing field), or in the
    /// browser one it could not send.
    ServerFn { cause: ServerFnErrorErr },
}

impl AuthError {
    /// What happened and what to do, for people. Never says whether an address has an
    /// account.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Invalid => "Invalid email or password.",
            Self::RateLimited { .. } => "Too many attempts. Wait a few minutes, then try again.",
            Self::BadEmail => "Enter a valid email address.",
            Self::PasswordLength => "Use a password of 8 to 256 characters.",
            Self::VerifyPassword => {
                "That is not this account's password. If you did not sign up yourself, or \
                 forgot it, reset the password: that proves the address is yours."
            }
            Self::TokenInvalid => "This link is not valid. Ask for a new one.",
            Self::TokenUsed => "This link has already been used. Ask for a new one.",
            Self::TokenExpired => "This link has expired. Ask for a new one.",
            Self::Forbidden => "Sign in first.",
            Self::Busy => "We are busy right now. Try again in a few seconds.",
            Self::ServerFn {
                cause: ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_),
            } => "Fill in every field of the form, then try again.",
            Self::ServerFn {
                cause: ServerFnErrorErr::Request(_),
            } => "Could not reach Paddock. Check your connection and try again.",
            Self::Server | Self::ServerFn { .. } => "Something went wrong on our side. Try again.",
        }
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl FromServerFnError for AuthError {
    type Encoder = AuthJson;

    /// No side effects: this also runs when a page decodes an `__err` it cannot read.
    fn from_server_fn_error(cause: ServerFnErrorErr) -> Self {
        Self::ServerFn { cause }
    }
}

/// [`AuthError`] as JSON with its message beside it, written and read by the
/// framework's own JSON codec.
pub struct AuthJson;

impl ContentType for AuthJson {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for AuthJson {
    const FORMAT_TYPE: Format = Format::Text;
}

/// What goes on the wire: the variant (tagged `error`) and the message for people.
#[derive(Serialize)]
struct WithMessage<'a> {
    #[serde(flatten)]
    error: &'a AuthError,
    message: &'static str,
}

impl Encodes<AuthError> for AuthJson {
    type Error = <JsonEncoding as Encodes<AuthError>>::Error;

    fn encode(error: &AuthError) -> Result<Bytes, Self::Error> {
        let message = error.message();
        <JsonEncoding as Encodes<WithMessage<'_>>>::encode(&WithMessage { error, message })
    }
}

impl Decodes<AuthError> for AuthJson {
    type Error = <JsonEncoding as Decodes<AuthError>>::Error;

    /// The message is for people: only the variant is read back.
    fn decode(bytes: Bytes) -> Result<AuthError, Self::Error> {
        JsonEncoding::decode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_crosses_the_wire_with_its_message() {
        for e in [
            AuthError::Invalid,
            AuthError::RateLimited { retry_after: 42 },
            AuthError::BadEmail,
            AuthError::PasswordLength,
            AuthError::VerifyPassword,
            AuthError::TokenInvalid,
            AuthError::TokenUsed,
            AuthError::TokenExpired,
            AuthError::Forbidden,
            AuthError::Busy,
            AuthError::Server,
            AuthError::ServerFn {
                cause: ServerFnErrorErr::MissingArg("password".into()),
            },
        ] {
            let bytes = e.ser();
            let text = std::str::from_utf8(&bytes).expect("utf-8");
            assert!(text.contains(e.message()), "{text}");
            assert_eq!(AuthError::de(bytes), e);
        }
    }

    #[test]
    fn a_script_reads_the_name_and_the_message() {
        let wire = AuthError::RateLimited { retry_after: 7 }.ser();
        assert_eq!(
            std::str::from_utf8(&wire).expect("utf-8"),
            r#"{"error":"rate_limited","retry_after":7,"message":"Too many attempts. Wait a few minutes, then try again."}"#
        );
        let garbled = AuthError::de(Bytes::from_static(b"not json"));
        assert!(matches!(garbled, AuthError::ServerFn { .. }), "{garbled:?}");
    }
}
