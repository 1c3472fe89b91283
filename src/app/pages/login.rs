use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::{Flash, query_param};
use crate::app::islands::auth_form::{EmailField, Hidden, LogInForm, PasswordField};

#[component]
pub fn LogInPage() -> impl IntoView {
    // The server accepts only local paths; this is just carried through the form.
    let next = query_param("next");
    view! {
        <Title text="Log in · Paddock" />
        <section class="auth" aria-labelledby="login-title">
            <h1 id="login-title">"Log in"</h1>
            <Flash />
            <LogInForm>
                <Hidden name="next" value=next />
                <EmailField />
                <PasswordField label="Password" new=false />
            </LogInForm>
            <p>
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p>"New here? " <a href="/signup">"Sign up"</a></p>
        </section>
    }
}
