//! The account forms. They post as plain HTML forms (and work without JavaScript); once
//! hydrated they also disable the button and show a pending label while the request
//! is on its way. The islands take no props but their (server-rendered) fields:
//! serialized props would pull a JSON parser into the wasm bundle.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::auth::{ForgotPassword, LogIn, ResetPassword, SignUp, VerifyEmail};

/// A form that posts natively and, hydrated, disables its button and shows `busy` on
/// it until the next page arrives. Plain DOM calls, no signals: the reactive runtime
/// would double the wasm for one label.
fn pending_form(
    action: &'static str,
    idle: &'static str,
    busy: &'static str,
    children: Children,
) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if let Some(button) = ev.submitter() {
            let _ = button.set_attribute("disabled", "");
            button.set_text_content(Some(busy));
        }
    };
    view! {
        <form method="post" action=action class="auth-form" on:submit=on_submit>
            {children()}
            <button type="submit">{idle}</button>
        </form>
    }
}

#[island]
pub fn SignUpForm(children: Children) -> impl IntoView {
    pending_form(SignUp::url(), "Sign up", "Signing up…", children)
}

#[island]
pub fn LogInForm(children: Children) -> impl IntoView {
    pending_form(LogIn::url(), "Log in", "Signing in…", children)
}

#[island]
pub fn ForgotPasswordForm(children: Children) -> impl IntoView {
    pending_form(
        ForgotPassword::url(),
        "Send reset link",
        "Sending…",
        children,
    )
}

#[island]
pub fn VerifyEmailForm(children: Children) -> impl IntoView {
    pending_form(VerifyEmail::url(), "Verify email", "Verifying…", children)
}

#[island]
pub fn ResetPasswordForm(children: Children) -> impl IntoView {
    pending_form(
        ResetPassword::url(),
        "Set new password",
        "Saving…",
        children,
    )
}

/// The `email` field.
#[component]
pub fn EmailField() -> impl IntoView {
    view! {
        <label for="email">"Email"</label>
        <input id="email" name="email" type="email" autocomplete="email" required maxlength="254" />
    }
}

/// The `password` field; a new password must have 8 to 256 characters.
#[component]
pub fn PasswordField(label: &'static str, new: bool) -> impl IntoView {
    view! {
        <label for="password">{label}</label>
        <input
            id="password"
            name="password"
            type="password"
            autocomplete=if new { "new-password" } else { "current-password" }
            required
            minlength=if new { "8" } else { "1" }
            maxlength="256"
        />
        {new.then(|| view! { <p class="hint">"8 to 256 characters."</p> })}
    }
}

/// A hidden field carried through the form (`next`, `token`).
#[component]
pub fn Hidden(name: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|value| view! { <input type="hidden" name=name value=value /> })
}
