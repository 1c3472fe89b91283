//! Paddock: self-service billing through Paddle's hosted customer portal.
//!
//! `app` is the UI shared by the server and the browser; `server` exists only in the
//! server build and never reaches the wasm bundle.

pub mod api;
pub mod app;
#[cfg(feature = "ssr")]
pub mod server;

/// The server's allocator, and that of every test binary that links the app: mimalloc
/// hands large freed blocks back to the OS, so a burst of password hashes stays within
/// the hasher's bound instead of growing glibc's heap.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Browser entry point: hydrates the `#[island]` components, the page's only wasm.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // The islands loader hydrates each island right after this returns, in microtasks;
    // a zero-delay timeout runs after all of them, so the flag means "interactive".
    leptos::prelude::set_timeout(
        || {
            if let Some(root) = leptos::prelude::document().document_element() {
                let _ = root.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
