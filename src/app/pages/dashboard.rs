use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::Flash;
use crate::app::session::Viewer;

/// Signed-in users only (the server redirects guests to `/login?next=/dashboard`).
#[component]
pub fn DashboardPage() -> impl IntoView {
    let viewer = use_context::<Viewer>();
    view! {
        <Title text="Dashboard · Paddock" />
        <h1>"Dashboard"</h1>
        <Flash />
        {viewer.map(|v| view! {
            <section aria-labelledby="account-title">
                <h2 id="account-title">"Account"</h2>
                <dl class="facts">
                    <dt>"Email"</dt>
                    <dd>{v.email}</dd>
                    <dt>"Status"</dt>
                    <dd>{if v.verified { "Verified" } else { "Not verified" }}</dd>
                </dl>
            </section>
            {if v.verified {
                view! {
                    <section aria-labelledby="billing-title">
                        <h2 id="billing-title">"Billing"</h2>
                        <p>"Billing arrives with the Paddle integration."</p>
                    </section>
                }.into_any()
            } else {
                view! {
                    <section aria-labelledby="verify-title" class="callout">
                        <h2 id="verify-title">"Verify your email to manage billing"</h2>
                        <p>"Open the link we mailed you. No billing data is shown until then."</p>
                        <form method="post" action="/api/auth/resend-verification">
                            <button type="submit">"Resend verification email"</button>
                        </form>
                    </section>
                }.into_any()
            }}
        })}
    }
}
