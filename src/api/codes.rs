//! What the account endpoints answer, as short codes in a redirect's query
//! (`/login?error=invalid`) and as the messages the pages show for them.

/// Why an account action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthError {
    Invalid,
    RateLimited,
    BadEmail,
    PasswordLength,
    VerifyPassword,
    TokenInvalid,
    TokenUsed,
    TokenExpired,
    Forbidden,
    Busy,
    Server,
}

const ERRORS: [AuthError; 11] = [
    AuthError::Invalid,
    AuthError::RateLimited,
    AuthError::BadEmail,
    AuthError::PasswordLength,
    AuthError::VerifyPassword,
    AuthError::TokenInvalid,
    AuthError::TokenUsed,
    AuthError::TokenExpired,
    AuthError::Forbidden,
    AuthError::Busy,
    AuthError::Server,
];

impl AuthError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::RateLimited => "rate_limited",
            Self::BadEmail => "bad_email",
            Self::PasswordLength => "password_length",
            Self::VerifyPassword => "verify_password",
            Self::TokenInvalid => "token_invalid",
            Self::TokenUsed => "token_used",
            Self::TokenExpired => "token_expired",
            Self::Forbidden => "forbidden",
            Self::Busy => "busy",
            Self::Server => "server",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        ERRORS.into_iter().find(|e| e.code() == code)
    }

    /// Never says whether an address has an account.
    pub fn message(self) -> &'static str {
        match self {
            Self::Invalid => "Invalid email or password.",
            Self::RateLimited => "Too many attempts. Wait a few minutes, then try again.",
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
            Self::Server => "Something went wrong on our side. Try again.",
        }
    }
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
    fn codes_round_trip() {
        for e in ERRORS {
            assert_eq!(AuthError::from_code(e.code()), Some(e));
        }
        for n in NOTICES {
            assert_eq!(Notice::from_code(n.code()), Some(n));
        }
        assert_eq!(AuthError::from_code("nope"), None);
    }
}
