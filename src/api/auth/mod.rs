//! Account endpoints under `/api/auth/`, form-encoded, each answering the next page's
//! location or an [`AuthError`]. A plain `<form>` post is redirected there by
//! `leptos_axum::redirect` (a failure: back to the form, the error in the framework's
//! `?__err=`); a script gets the location as JSON, or the error's status and JSON.

mod error;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

pub use error::{AuthError, AuthJson};

#[server(prefix = "/api", endpoint = "auth/signup")]
pub async fn sign_up(email: String, password: String) -> Result<String, AuthError> {
    use crate::server::accounts;
    let call = accounts::web::Call::gather().await?;
    let result = accounts::sign_up(&call.auth.backend, call.ip, &email, password).await;
    call.answer::<SignUp>(
        result.map(|()| "/login?notice=verify_sent".into()),
        "/signup",
    )
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn log_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AuthError> {
    use crate::server::accounts::{self, web};
    let mut call = web::Call::gather().await?;
    let next = web::safe_next(next.as_deref());
    let result = accounts::log_in(&mut call.auth, call.ip, &email, password).await;
    let form = next.as_deref().map_or("/login".into(), web::login_url);
    call.answer::<LogIn>(
        result.map(|()| next.unwrap_or_else(|| "/dashboard".into())),
        &form,
    )
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn log_out() -> Result<String, AuthError> {
    use crate::server::accounts;
    let mut call = accounts::web::Call::gather().await?;
    let result = accounts::log_out(&mut call.auth).await;
    call.answer::<LogOut>(result.map(|()| "/login?notice=logged_out".into()), "/")
}

#[server(prefix = "/api", endpoint = "auth/verify-email")]
pub async fn verify_email(token: String, password: String) -> Result<String, AuthError> {
    use crate::server::accounts::{self, Failure};
    let mut call = accounts::web::Call::gather().await?;
    let result = accounts::verify_email(&mut call.auth, call.ip, &token, password).await;
    // A wrong password leaves the link usable: back to the same page to try again.
    let form = match &result {
        Err(Failure::Refused(AuthError::VerifyPassword) | Failure::Limited(_) | Failure::Busy) => {
            accounts::web::with_token("/verify-email", &token)
        }
        _ => "/verify-email".into(),
    };
    call.answer::<VerifyEmail>(result.map(|()| "/dashboard?notice=verified".into()), &form)
}

#[server(prefix = "/api", endpoint = "auth/resend-verification")]
pub async fn resend_verification() -> Result<String, AuthError> {
    use crate::server::accounts::{self, Failure};
    let call = accounts::web::Call::gather().await?;
    let result = match &call.auth.user {
        Some(user) => accounts::resend_verification(&call.auth.backend, call.ip, user).await,
        None => Err(Failure::Refused(AuthError::Forbidden)),
    };
    call.answer::<ResendVerification>(
        result.map(|()| "/dashboard?notice=verification_resent".into()),
        "/dashboard",
    )
}

#[server(prefix = "/api", endpoint = "auth/forgot-password")]
pub async fn forgot_password(email: String) -> Result<String, AuthError> {
    use crate::server::accounts;
    let call = accounts::web::Call::gather().await?;
    let result = accounts::request_reset(&call.auth.backend, call.ip, &email).await;
    call.answer::<ForgotPassword>(
        result.map(|()| "/forgot-password?notice=reset_sent".into()),
        "/forgot-password",
    )
}

#[server(prefix = "/api", endpoint = "auth/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<String, AuthError> {
    use crate::server::accounts::{self, Failure};
    let call = accounts::web::Call::gather().await?;
    let result = accounts::reset_password(&call.auth.backend, &token, password).await;
    // Only a bad password keeps the (still valid) link; other errors need a new one.
    let form = match &result {
        Err(Failure::Refused(AuthError::PasswordLength)) => {
            accounts::web::with_token("/reset-password", &token)
        }
        _ => "/forgot-password".into(),
    };
    call.answer::<ResetPassword>(
        result.map(|()| "/login?notice=password_changed".into()),
        &form,
    )
}

/// Whether `path` (the `__path` of an error carried back in a page's URL) names one of
/// these functions, whose errors are [`AuthError`]s.
pub fn is_account_path(path: &str) -> bool {
    [
        SignUp::PATH,
        LogIn::PATH,
        LogOut::PATH,
        VerifyEmail::PATH,
        ResendVerification::PATH,
        ForgotPassword::PATH,
        ResetPassword::PATH,
    ]
    .contains(&path)
}
