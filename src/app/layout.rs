//! Header, main and footer around every page.

use leptos::prelude::*;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/" aria-label="Paddock home">
                <span class="brand-mark" aria-hidden="true">"▦"</span>
                "Paddock"
            </a>
            <nav aria-label="Main">
                <ul>
                    <li><a href="/">"Home"</a></li>
                </ul>
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>"Paddock: self-service billing through Paddle's customer portal."</p>
        </footer>
    }
}
