use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::Flash;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Paddock: self-service billing" />
        // Where a failed log-out lands.
        <Flash />
        <section class="hero" aria-labelledby="home-title">
            <h1 id="home-title">"Manage your subscription, safely"</h1>
            <p class="lead">
                "Paddock lets signed-in customers open Paddle's billing portal to update a card, "
                "download invoices or cancel, without ever handling a customer ID in the browser."
            </p>
        </section>
        <section aria-labelledby="how-title">
            <h2 id="how-title">"How it keeps billing private"</h2>
            <ul class="points">
                <li>
                    "You sign in and prove your email address before any billing data is shown."
                </li>
                <li>"Your Paddle customer is found on the server, from your verified email."</li>
                <li>"Every portal link is minted fresh, used once, and never stored."</li>
            </ul>
        </section>
    }
}
