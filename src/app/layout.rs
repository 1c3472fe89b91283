//! Header, main and footer around every page.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::auth::LogOut;
use crate::app::session::Viewer;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let viewer = use_context::<Viewer>();
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="site-header">
            <a class="brand" href="/" aria-label="Paddock home">
                <span class="brand-mark" aria-hidden="true">
                    "▦"
                </span>
                "Paddock"
            </a>
            <nav aria-label="Main">
                <ul>
                    <li>
                        <a href="/">"Home"</a>
                    </li>
                    {match viewer {
                        Some(v) => {
                            view! {
                                <li>
                                    <a href="/dashboard">"Dashboard"</a>
                                </li>
                                <li class="nav-user">{v.email}</li>
                                <li>
                                    <form method="post" action=LogOut::url() class="inline-form">
                                        <button type="submit" class="link-button">
                                            "Log out"
                                        </button>
                                    </form>
                                </li>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <li>
                                    <a href="/login">"Log in"</a>
                                </li>
                                <li>
                                    <a href="/signup">"Sign up"</a>
                                </li>
                            }
                                .into_any()
                        }
                    }}
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>"Paddock: self-service billing through Paddle's customer portal."</p>
        </footer>
    }
}
