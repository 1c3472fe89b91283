//! The HTML document around every page. Server-only: it sets this response's
//! Content-Security-Policy with the nonce of the page's one inline script.

use axum::http::{HeaderValue, header};
use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use leptos_meta::MetaTags;

use crate::app::App;
use crate::server::billing::PortalOrigin;
use crate::server::http::headers::page_csp;
use crate::server::state::AppState;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    provide_nonce();
    set_page_csp();
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href=css />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

fn set_page_csp() {
    let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    let portal = use_context::<AppState>().and_then(|state| {
        PortalOrigin::for_mode(
            &state.settings.paddle.mode,
            state.paddle.emulator_origin.as_ref(),
        )
    });
    let portal = portal.map(|p| p.origin());
    match HeaderValue::from_str(&page_csp(&nonce.to_string(), portal.as_deref())) {
        Ok(value) => response.insert_header(header::CONTENT_SECURITY_POLICY, value),
        Err(e) => tracing::error!(error = %e, "page CSP is not a valid header value"),
    }
}
