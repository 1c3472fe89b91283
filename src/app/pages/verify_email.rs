use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::{Flash, query_param};

/// The link from the verification mail. Verifying takes a click (a POST), so mail
/// scanners that fetch links do not use up the token.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = query_param("token");
    view! {
        <Title text="Verify your email · Paddock" />
        <section class="auth" aria-labelledby="verify-title">
            <h1 id="verify-title">"Verify your email"</h1>
            <Flash />
            {match token {
                Some(token) => view! {
                    <p>"Confirm that this email address is yours."</p>
                    <form method="post" action="/api/auth/verify-email" class="auth-form">
                        <input type="hidden" name="token" value=token />
                        <button type="submit">"Verify email"</button>
                    </form>
                }.into_any(),
                None => view! {
                    <p>"Log in to ask for a new verification link. " <a href="/login">"Log in"</a></p>
                }.into_any(),
            }}
        </section>
    }
}
