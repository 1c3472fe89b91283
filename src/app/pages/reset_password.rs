use leptos::prelude::*;
use leptos_meta::Title;

use super::flash::{Flash, query_param};
use crate::app::islands::auth_form::{Hidden, PasswordField, ResetPasswordForm};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = query_param("token");
    view! {
        <Title text="Choose a new password · Paddock" />
        <section class="auth" aria-labelledby="reset-title">
            <h1 id="reset-title">"Choose a new password"</h1>
            <Flash />
            {match token {
                Some(token) => {
                    view! {
                        <p>"Every other session of your account ends when the password changes."</p>
                        <ResetPasswordForm>
                            <Hidden name="token" value=Some(token) />
                            <PasswordField label="New password" new=true />
                        </ResetPasswordForm>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p>
                            "This page needs the link from the reset email. "
                            <a href="/forgot-password">"Ask for a new link"</a>
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
