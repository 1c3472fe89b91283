//! Page data, loaded by the pages themselves (awaited during server rendering, so the
//! HTML arrives whole and nothing is serialized into it beyond what is shown).

mod error;

use leptos::prelude::*;

pub use error::PageError;

use crate::app::billing::BillingView;
use crate::app::pages::dev_mail::MailSummary;

/// The dashboard's billing section for the signed-in user: `None` unless the address is
/// verified (no billing data before that).
#[server(prefix = "/api", endpoint = "pages/billing")]
pub async fn load_billing_view() -> Result<Option<BillingView>, PageError> {
    use crate::server::accounts::AuthSession;
    use crate::server::state::AppState;
    let state = use_context::<AppState>().ok_or(PageError::Server)?;
    let auth: AuthSession = leptos_axum::extract().await.map_err(|e| {
        tracing::error!(error = %e, "no session layer in front of a page load");
        PageError::Server
    })?;
    let Some(user) = auth.user.filter(|u| u.email_verified) else {
        return Ok(None);
    };
    Ok(Some(
        crate::server::billing::dashboard::load(&state, &user).await,
    ))
}

/// The local outbox, newest first. Only in local mail mode (with `SMTP_URL` it is a 404,
/// and `/dev/mail` is not routed at all), and only for a browser on this machine that
/// asks for the app by its `PUBLIC_URL` (anyone else gets the 404).
#[server(prefix = "/api", endpoint = "pages/outbox")]
pub async fn load_outbox() -> Result<Vec<MailSummary>, PageError> {
    use crate::server::state::AppState;
    let state = use_context::<AppState>().ok_or(PageError::Server)?;
    let accounts = &state.settings.accounts;
    // The outbox holds every reset link: only for this machine's own browser.
    let here = use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        crate::server::accounts::mail::outbox_visible(&parts, &state.settings)
    });
    if !accounts.local_mail() || !here {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::NOT_FOUND);
        }
        return Err(PageError::NotFound);
    }
    let origin = state.settings.public_origin();
    Ok(crate::server::accounts::mail::list_outbox(&accounts.outbox_dir, &origin).await)
}
