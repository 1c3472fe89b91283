//! The message a page shows after a redirect: `?error=code` or `?notice=code`.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::codes::{AuthError, Notice};

/// Renders the error or notice named in the query, if any.
#[component]
pub fn Flash() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let error = query.get("error").and_then(|c| AuthError::from_code(&c));
    let notice = query.get("notice").and_then(|c| Notice::from_code(&c));
    view! {
        {error.map(|e| view! { <p class="flash error" role="alert">{e.message()}</p> })}
        {notice.map(|n| view! { <p class="flash notice" role="status">{n.message()}</p> })}
    }
}

/// A query parameter of the current page.
pub fn query_param(name: &str) -> Option<String> {
    use_query_map()
        .get_untracked()
        .get(name)
        .filter(|v| !v.is_empty())
}
