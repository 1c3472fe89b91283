use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <Title text="Page not found · Paddock" />
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. " <a href="/">"Go to the home page"</a> "."</p>
    }
}
