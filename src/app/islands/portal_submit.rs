//! The browser half of the portal buttons (hydrate build only): a submitted portal form
//! calls its server function by name and goes to the URL it returns. Errors arrive as
//! `PortalError` variants; each shows its message and next step.

use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::api::portal::{
    NextStep, PortalError, PortalUrl, create_portal_link, create_portal_session,
};

const BUSY: &str = "Opening…";

/// Handles the submit of any portal form in the billing section.
pub fn on_submit(ev: &leptos::ev::SubmitEvent) {
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let find = |selector: &str| form.query_selector(selector).ok().flatten();
    let Some(button) = find("button[data-portal-button]") else {
        return;
    };
    ev.prevent_default();
    if button.has_attribute("disabled") {
        return; // pending: one press, one mint
    }
    let field = |name: &str| {
        find(&format!("input[name={name}]")).and_then(|input| input.get_attribute("value"))
    };
    // A form with a subscription is a deep link, whatever its action says: the server
    // judges the action (a form changed in the page gets its refusal, never the overview).
    let link = field("subscription_id").map(|id| (id, field("action").unwrap_or_default()));
    let error = find("[data-portal-error]");
    let label = button.text_content().unwrap_or_default();
    if let Some(error) = &error {
        error.set_text_content(None);
    }
    let _ = button.set_attribute("disabled", "");
    let _ = button.set_attribute("aria-busy", "true");
    button.set_text_content(Some(BUSY));
    spawn_local(async move {
        let minted = match link {
            Some((subscription, action)) => create_portal_link(subscription, action).await,
            None => create_portal_session().await,
        };
        let failure = match minted {
            Ok(PortalUrl { url }) => {
                // Leave the button disabled: the page is going away.
                if web_sys::window().is_some_and(|w| w.location().assign(&url).is_ok()) {
                    return;
                }
                PortalError::Unavailable
            }
            Err(e) => e,
        };
        show_error(error.as_ref(), &failure);
        let _ = button.remove_attribute("disabled");
        let _ = button.remove_attribute("aria-busy");
        button.set_text_content(Some(&label));
    });
}

/// Writes the message and the next step into the form's alert line.
fn show_error(error: Option<&Element>, failure: &PortalError) {
    let (Some(error), Some(document)) = (error, web_sys::window().and_then(|w| w.document()))
    else {
        return;
    };
    error.set_text_content(Some(&format!("{} ", failure.message())));
    let next = match failure.next_step() {
        NextStep::Link(text, href) => document.create_element("a").inspect(|a| {
            let _ = a.set_attribute("href", href);
            a.set_text_content(Some(text));
        }),
        // A second submit button of the same form: pressing it runs the same mint.
        NextStep::Retry => document.create_element("button").inspect(|b| {
            let _ = b.set_attribute("type", "submit");
            let _ = b.set_attribute("class", "link-button");
            b.set_text_content(Some("Try again"));
        }),
    };
    if let Ok(next) = next {
        let _ = error.append_child(&next);
    }
}
