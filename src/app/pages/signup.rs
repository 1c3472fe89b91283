use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::Flash;
use crate::app::islands::auth_form::{EmailField, PasswordField, SignUpForm};

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <Title text="Sign up · Paddock" />
        <section class="auth" aria-labelledby="signup-title">
            <h1 id="signup-title">"Create your account"</h1>
            <Flash />
            <SignUpForm>
                <EmailField />
                <PasswordField label="Password" new=true />
            </SignUpForm>
            <p>"Already have an account? " <a href="/login">"Log in"</a></p>
        </section>
    }
}
