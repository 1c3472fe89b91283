//! The portal buttons: "Manage subscription" and each subscription's "Cancel" and
//! "Update payment method". One island wraps the billing section and listens for clicks
//! on any `button[data-portal-action]` inside it, so the buttons themselves stay
//! server-rendered HTML: no props, no JSON parser in the wasm.
//!
//! A click asks the server to mint a fresh portal session (`POST /api/portal/session` or
//! `/api/portal/link`), then goes there with `window.location.assign`. While pending the
//! button is disabled and says "Opening…" (one click, one mint); an error shows in the
//! button's own `role="alert"` line, with the next step as a link or a retry button.

use leptos::prelude::*;

/// The island around the billing section; `children` holds the buttons.
#[island]
pub fn PortalActions(children: Children) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        super::portal_click::on_click(&ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <div class="portal-actions" on:click=on_click>{children()}</div> }
}

/// Which portal page a button opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortalAction {
    Overview,
    Cancel,
    UpdatePaymentMethod,
}

impl PortalAction {
    /// The value of `data-portal-action`; a deep link's is the server's `action` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Cancel => "cancel",
            Self::UpdatePaymentMethod => "update_payment_method",
        }
    }
}

/// One button and the line where its errors appear (server-rendered, inside
/// [`PortalActions`]). `label` names the button; `subscription` is set for deep links,
/// and `described` names the subscription for screen readers ("Cancel Pro").
#[component]
pub fn PortalButton(
    action: PortalAction,
    label: &'static str,
    #[prop(optional, into)] subscription: Option<String>,
    #[prop(optional, into)] described: Option<String>,
    #[prop(optional)] primary: bool,
) -> impl IntoView {
    let error_id = match &subscription {
        Some(id) => format!("portal-error-{}-{id}", action.as_str()),
        None => format!("portal-error-{}", action.as_str()),
    };
    view! {
        <div class="portal-action">
            <button
                type="button"
                class=if primary { "primary" } else { "secondary" }
                data-portal-action=action.as_str()
                data-subscription=subscription
                aria-label=described
                aria-describedby=error_id.clone()
            >
                {label}
            </button>
            <p class="portal-error" id=error_id role="alert" data-portal-error=""></p>
        </div>
    }
}
