//! The UI, rendered on the server; only `islands` become wasm.

pub mod islands;
pub mod layout;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use layout::Layout;
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
                </Routes>
            </Layout>
        </Router>
    }
}
