//! The message a page shows after a redirect: the error of a form posted without
//! JavaScript (carried back by the framework as `?__path=…&__err=…`), or a notice
//! (`?notice=code`) after a success.

use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{AuthError, is_account_path};

/// Renders the account error or the notice the URL carries, if any.
#[component]
pub fn Flash() -> impl IntoView {
    let error = account_error();
    let notice = query_param("notice").and_then(|c| Notice::from_code(&c));
    view! {
        {error
            .map(|e| {
                view! {
                    <p class="flash error" role="alert">
                        {e.message()}
                    </p>
                }
            })}
        {notice
            .map(|n| {
                view! {
                    <p class="flash notice" role="status">
                        {n.message()}
                    </p>
                }
            })}
    }
}

/// The error the router found in the URL (`ServerActionError`), if an account function
/// raised it (the portal's errors are the dashboard's to show).
fn account_error() -> Option<AuthError> {
    let carried = use_context::<ServerActionError>()?;
    is_account_path(carried.path())
        .then(|| ServerFnUrlError::<AuthError>::decode_err(carried.err()))
}

/// A query parameter of the current page.
pub fn query_param(name: &str) -> Option<String> {
    use_query_map()
        .get_untracked()
        .get(name)
        .filter(|v| !v.is_empty())
}

/// Good news a page shows after a redirect (`/login?notice=verified`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    VerifySent,
    Verified,
    ResetSent,
    PasswordChanged,
    LoggedOut,
    VerificationResent,
}

const NOTICES: [Notice; 6] = [
    Notice::VerifySent,
    Notice::Verified,
    Notice::ResetSent,
    Notice::PasswordChanged,
    Notice::LoggedOut,
    Notice::VerificationResent,
];

impl Notice {
    pub fn code(self) -> &'static str {
        match self {
            Self::VerifySent => "verify_sent",
            Self::Verified => "verified",
            Self::ResetSent => "reset_sent",
            Self::PasswordChanged => "password_changed",
            Self::LoggedOut => "logged_out",
            Self::VerificationResent => "verification_resent",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        NOTICES.into_iter().find(|n| n.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::VerifySent => {
                "Check your inbox: we sent a message to that address. To verify your email, \
                 open its link and enter your password."
            }
            Self::Verified => "Your email is verified.",
            Self::ResetSent => {
                "If an account uses that address, we sent it a link to reset the password."
            }
            Self::PasswordChanged => "Password changed. Log in with your new password.",
            Self::LoggedOut => "You are logged out.",
            Self::VerificationResent => "If your email still needs verifying, we sent a new link.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip_through_their_codes() {
        for n in NOTICES {
            assert_eq!(Notice::from_code(n.code()), Some(n));
        }
        assert_eq!(Notice::from_code("nope"), None);
    }
}
