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

/// The local outbox, newest first. Only in local mail mode: with `SMTP_URL` it is a 404
/// (and `/dev/mail` is not routed at all).
#[server(prefix = "/api", endpoint = "pages/outbox")]
pub async fn load_outbox() -> Result<Vec<MailSummary>, PageError> {
    use crate::server::state::AppState;
    let state = use_context::<AppState>().ok_or(PageError::Server)?;
    let accounts = &state.settings.accounts;
    if !accounts.local_mail() {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(axum::http::StatusCode::NOT_FOUND);
        }
        return Err(PageError::NotFound);
    }
    let origin = state.settings.public_origin();
    Ok(crate::server::accounts::mail::list_outbox(&accounts.outbox_dir, &origin).await)
}
