//! The portal buttons: "Manage subscription" and each subscription's "Cancel" and
//! "Update payment method". Each is a plain form whose `action` is its server
//! function's own URL, so without JavaScript a press posts it and the server answers
//! with a 303 to the portal. One island wraps the billing section and takes over every
//! form inside it: it calls the server function by name, then goes to the URL. The
//! buttons stay server-rendered HTML: no props, no JSON parser in the wasm.
//!
//! While pending the button is disabled and says "Opening…" (one press, one mint); an
//! error shows in the form's own `role="alert"` line with the next step.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::portal::{CreatePortalLink, CreatePortalSession, LinkAction};

/// The island around the billing section; `children` holds the forms.
#[island]
pub fn PortalActions(children: Children) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        super::portal_submit::on_submit(&ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <div class="portal-actions" on:submit=on_submit>
            {children()}
        </div>
    }
}

/// One button as a form, and the line where its errors appear (server-rendered, inside
/// [`PortalActions`]). Without `link` it opens the overview; with it, that deep link of
/// that subscription. `described` names it for screen readers ("Cancel Pro").
#[component]
pub fn PortalButton(
    label: &'static str,
    #[prop(optional, into)] link: Option<(String, LinkAction)>,
    #[prop(optional, into)] described: Option<String>,
    #[prop(optional)] primary: bool,
) -> impl IntoView {
    let (action, error_id) = match &link {
        Some((id, action)) => (
            CreatePortalLink::url(),
            format!("portal-error-{}-{id}", action.as_str()),
        ),
        None => (
            CreatePortalSession::url(),
            "portal-error-overview".to_owned(),
        ),
    };
    view! {
        <form method="post" action=action class="portal-action">
            {link
                .map(|(id, action)| {
                    view! {
                        <input type="hidden" name="subscription_id" value=id />
                        <input type="hidden" name="action" value=action.as_str() />
                    }
                })}
            <button
                type="submit"
                class=if primary { "primary" } else { "secondary" }
                data-portal-button=""
                aria-label=described
                aria-describedby=error_id.clone()
            >
                {label}
            </button>
            <p class="portal-error" id=error_id role="alert" data-portal-error=""></p>
        </form>
    }
}
