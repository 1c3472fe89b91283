use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::{Flash, query_param};
use crate::app::islands::auth_form::{Hidden, PasswordField, VerifyEmailForm};

/// The link from the verification mail. Verifying takes a click (a POST, so mail
/// scanners that fetch links do not use up the token) and the account's password, so
/// that proving the mailbox never adopts a password somebody else chose.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let token = query_param("token");
    view! {
        <Title text="Verify your email · Paddock" />
        <section class="auth" aria-labelledby="verify-title">
            <h1 id="verify-title">"Verify your email"</h1>
            <Flash />
            {match token {
                Some(token) => {
                    view! {
                        <p>
                            "Confirm that this email address is yours with the password you chose when you signed up."
                        </p>
                        <VerifyEmailForm>
                            <Hidden name="token" value=Some(token) />
                            <PasswordField label="Password" new=false />
                        </VerifyEmailForm>
                        <p>
                            "Did not sign up yourself, or forgot the password? "
                            <a href="/forgot-password">"Reset the password"</a>
                            ": that proves the address and makes the account yours, and ends every other session."
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p>
                            "Log in to ask for a new verification link. "
                            <a href="/login">"Log in"</a>
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
