use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::Flash;
use crate::app::islands::auth_form::{EmailField, ForgotPasswordForm};

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <Title text="Forgot your password · Paddock" />
        <section class="auth" aria-labelledby="forgot-title">
            <h1 id="forgot-title">"Reset your password"</h1>
            <Flash />
            <p>"Enter your email and we will send you a link to choose a new password."</p>
            <ForgotPasswordForm>
                <EmailField />
            </ForgotPasswordForm>
            <p>
                <a href="/login">"Back to log in"</a>
            </p>
        </section>
    }
}
