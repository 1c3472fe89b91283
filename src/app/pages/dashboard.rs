use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;
use leptos_meta::Title;

use super::flash::Flash;
use crate::api::auth::ResendVerification;
use crate::api::portal::{
    CreatePortalLink, CreatePortalSession, LinkAction, NextStep, PortalError,
};
use crate::app::billing::{BillingView, SubscriptionView};
use crate::app::islands::portal::{PortalActions, PortalButton};
use crate::app::session::Viewer;

/// Signed-in users only (the server redirects guests to `/login?next=/dashboard`).
#[component]
pub fn DashboardPage() -> impl IntoView {
    let viewer = use_context::<Viewer>();
    view! {
        <Title text="Dashboard · Paddock" />
        <h1>"Dashboard"</h1>
        <Flash />
        {viewer
            .map(|v| {
                view! {
                    <section aria-labelledby="account-title">
                        <h2 id="account-title">"Account"</h2>
                        <dl class="facts">
                            <dt>"Email"</dt>
                            <dd>{v.email.clone()}</dd>
                            <dt>"Status"</dt>
                            <dd>{if v.verified { "Verified" } else { "Not verified" }}</dd>
                        </dl>
                    </section>
                    {if v.verified {
                        view! {
                            <section aria-labelledby="billing-title">
                                <h2 id="billing-title">"Billing"</h2>
                                <Suspense fallback=|| ()>{billing(v.email)}</Suspense>
                            </section>
                        }
                            .into_any()
                    } else {
                        view! {
                            <section aria-labelledby="verify-title" class="callout">
                                <h2 id="verify-title">"Verify your email to manage billing"</h2>
                                <p>
                                    "Open the link we mailed you. No billing data is shown until then."
                                </p>
                                <form method="post" action=ResendVerification::url()>
                                    <button type="submit">"Resend verification email"</button>
                                </form>
                            </section>
                        }
                            .into_any()
                    }}
                }
            })}
    }
}

/// A portal form posted without JavaScript that failed comes back here with the error
/// in the URL (`?__path=…&__err=…`, the framework's encoding, which the router hands on
/// as `ServerActionError`); it is shown in words. An account function's error (the
/// resend button's) is the `Flash`'s to show.
#[component]
fn PortalFailure() -> impl IntoView {
    let error = use_context::<ServerActionError>()
        .filter(|e| [CreatePortalSession::PATH, CreatePortalLink::PATH].contains(&e.path()))
        .map(|e| ServerFnUrlError::<PortalError>::decode_err(e.err()));
    error.map(|e| {
        let next = match e.next_step() {
            NextStep::Link(text, href) => view! { <a href=href>{text}</a> }.into_any(),
            NextStep::Retry => view! { <span>"Press the button again."</span> }.into_any(),
        };
        view! {
            <p class="flash error" role="alert">
                {e.message()}
                " "
                {next}
            </p>
        }
    })
}

/// The billing section, loaded by the page (awaited while rendering on the server).
fn billing(email: String) -> impl IntoView {
    Suspend::new(async move {
        let view = crate::api::pages::load_billing_view().await.ok().flatten();
        view! { <Billing email view /> }
    })
}

/// The billing section of a verified user.
#[component]
fn Billing(email: String, view: Option<BillingView>) -> impl IntoView {
    let billing = match view {
        Some(BillingView::Customer { subscriptions }) => view! {
            <PortalActions>
                <PortalButton label="Manage subscription" primary=true />
                {if subscriptions.is_empty() {
                    view! { <p>"You have no subscriptions."</p> }.into_any()
                } else {
                    view! {
                        <ul class="subscriptions" aria-label="Your subscriptions">
                            {subscriptions
                                .into_iter()
                                .map(|s| view! { <Subscription s /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </PortalActions>
        }
        .into_any(),
        Some(BillingView::NoCustomer { checkout_url }) => view! {
            <div class="callout" aria-labelledby="subscribe-title">
                <h3 id="subscribe-title">"Subscribe first"</h3>
                <p>
                    "No Paddle customer uses " <strong>{email}</strong>
                    " yet. Once you subscribe with this email, your subscriptions show here and you can manage them."
                </p>
                {match checkout_url {
                    Some(url) => {
                        view! {
                            <p>
                                <a class="button" href=url>
                                    "Subscribe"
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                    None => view! { <p>"Subscribe from the product's pricing page."</p> }.into_any(),
                }}
            </div>
        }
        .into_any(),
        Some(BillingView::SharedEmail) => view! {
            <p role="alert">
                "More than one Paddle customer uses " <strong>{email}</strong>
                ", so Paddock cannot tell which one is yours and shows none. Contact support: once the other customer is archived or given another email, yours shows here."
            </p>
        }
        .into_any(),
        Some(BillingView::Unavailable) | None => view! {
            <p role="alert">
                "Your subscriptions cannot be shown right now. Reload the page in a moment."
            </p>
        }
        .into_any(),
    };
    view! {
        <PortalFailure />
        {billing}
    }
}

/// One subscription: what it is, its state in words, and its deep-link buttons.
#[component]
fn Subscription(s: SubscriptionView) -> impl IntoView {
    let title_id = format!("sub-{}", s.id);
    let labelled_by = title_id.clone();
    let name = s.product.clone();
    view! {
        <li class="subscription" aria-labelledby=labelled_by data-subscription-id=s.id.clone()>
            <h3 id=title_id>{s.product}</h3>
            <dl class="facts">
                <dt>"Plan"</dt>
                <dd>{s.price}</dd>
                <dt>"Status"</dt>
                <dd class="subscription-status">{s.status}</dd>
                {s
                    .next_bill
                    .map(|d| {
                        view! {
                            <dt>"Next bill"</dt>
                            <dd>{d}</dd>
                        }
                    })}
            </dl>
            {s.note.map(|n| view! { <p class="subscription-note">{n}</p> })}
            <div class="subscription-actions">
                {s
                    .can_cancel
                    .then(|| {
                        view! {
                            <PortalButton
                                label="Cancel"
                                link=(s.id.clone(), LinkAction::Cancel)
                                described=format!("Cancel {name}")
                            />
                        }
                    })}
                {s
                    .can_update_payment
                    .then(|| {
                        view! {
                            <PortalButton
                                label="Update payment method"
                                link=(s.id.clone(), LinkAction::UpdatePaymentMethod)
                                described=format!("Update payment method for {name}")
                            />
                        }
                    })}
            </div>
        </li>
    }
}
