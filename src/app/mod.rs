//! The UI, rendered on the server; only `islands` become wasm.

pub mod billing;
pub mod islands;
pub mod layout;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use layout::Layout;
use pages::{
    dashboard::DashboardPage, dev_mail::DevMailPage, forgot_password::ForgotPasswordPage,
    login::LogInPage, reset_password::ResetPasswordPage, signup::SignUpPage,
    verify_email::VerifyEmailPage,
};
use pages::{home::HomePage, not_found::NotFound};

/// The routes of the app; the server renders them, the browser never re-renders them.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/signup") view=SignUpPage />
                    <Route path=path!("/login") view=LogInPage />
                    <Route path=path!("/verify-email") view=VerifyEmailPage />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                    <Route path=path!("/reset-password") view=ResetPasswordPage />
                    // Their data is awaited on the server: the HTML arrives whole.
                    <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/dev/mail") view=DevMailPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
