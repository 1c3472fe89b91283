//! The browser half of the portal buttons (hydrate build only): fetch a freshly minted
//! URL and go there. Plain `web_sys` calls and `JSON.parse`, no serde.

use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, RequestInit, Response};

const BUSY: &str = "Opening…";

/// Handles a click anywhere in the billing section.
pub fn on_click(ev: &web_sys::MouseEvent) {
    let Some(button) = ev
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest("button[data-portal-action]").ok().flatten())
    else {
        return;
    };
    ev.prevent_default();
    // A retry button repeats the click of the button it belongs to.
    let button = match button.closest(".portal-action").ok().flatten() {
        Some(group) if button.has_attribute("data-portal-retry") => {
            match group
                .query_selector("button[data-portal-action]")
                .ok()
                .flatten()
            {
                Some(b) => b,
                None => return,
            }
        }
        _ => button,
    };
    if button.has_attribute("disabled") {
        return; // pending: one click, one mint
    }
    let action = button
        .get_attribute("data-portal-action")
        .unwrap_or_default();
    let subscription = button.get_attribute("data-subscription");
    let label = button.text_content().unwrap_or_default();
    let error = button
        .closest(".portal-action")
        .ok()
        .flatten()
        .and_then(|g| g.query_selector("[data-portal-error]").ok().flatten());
    if let Some(error) = &error {
        error.set_text_content(None);
    }
    let _ = button.set_attribute("disabled", "");
    let _ = button.set_attribute("aria-busy", "true");
    button.set_text_content(Some(BUSY));
    spawn_local(async move {
        match mint(&action, subscription.as_deref()).await {
            Ok(url) => {
                // Leave the button disabled: the page is going away.
                if web_sys::window().is_some_and(|w| w.location().assign(&url).is_ok()) {
                    return;
                }
                show_error(error.as_ref(), &Failure::unavailable());
            }
            Err(failure) => show_error(error.as_ref(), &failure),
        }
        let _ = button.remove_attribute("disabled");
        let _ = button.remove_attribute("aria-busy");
        button.set_text_content(Some(&label));
    });
}

/// Why there is no URL, and what the user can do next.
struct Failure {
    message: String,
    next: Next,
}

enum Next {
    Link(&'static str, &'static str),
    Retry,
}

impl Failure {
    fn unavailable() -> Self {
        Self {
            message: "The billing portal is temporarily unavailable. Please try again.".into(),
            next: Next::Retry,
        }
    }

    /// The server's message (it is written for users) with the next step for its status.
    fn from_status(status: u16, server_message: Option<String>) -> Self {
        let message = server_message.filter(|m| !m.is_empty() && m.len() < 200);
        let with = |fallback: &str, next| Self {
            message: message.clone().unwrap_or_else(|| fallback.into()),
            next,
        };
        match status {
            401 => Self {
                message: "You are signed out.".into(),
                next: Next::Link("Log in again", "/login?next=/dashboard"),
            },
            403 => with(
                "Verify your email address first",
                Next::Link("See how", "/dashboard"),
            ),
            404 if message.as_deref() == Some("No Paddle customer") => Self {
                message: "No Paddle customer: there is no subscription for your email yet.".into(),
                next: Next::Link("Subscribe first", "/dashboard"),
            },
            404 => with(
                "Subscription not found",
                Next::Link("Reload your subscriptions", "/dashboard"),
            ),
            429 => with("Too many requests. Try again in a minute.", Next::Retry),
            _ => Self::unavailable(),
        }
    }
}

/// `POST`s to the portal endpoint and reads `{"url"}` from the answer.
async fn mint(action: &str, subscription: Option<&str>) -> Result<String, Failure> {
    let window = web_sys::window().ok_or_else(Failure::unavailable)?;
    let (path, body) = match subscription {
        None => ("/api/portal/session", String::new()),
        Some(id) => (
            "/api/portal/link",
            format!(
                "subscription_id={}&action={}",
                js_sys::encode_uri_component(id),
                js_sys::encode_uri_component(action)
            ),
        ),
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    let headers = web_sys::Headers::new().map_err(|_| Failure::unavailable())?;
    let _ = headers.set("Content-Type", "application/x-www-form-urlencoded");
    let _ = headers.set("Accept", "application/json");
    init.set_headers(&headers);
    let offline = || Failure {
        message: "Could not reach Paddock. Check your connection and try again.".into(),
        next: Next::Retry,
    };
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| offline())?
        .dyn_into()
        .map_err(|_| offline())?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    if !response.ok() {
        return Err(Failure::from_status(
            response.status(),
            text.as_deref().map(server_message),
        ));
    }
    let url = text
        .and_then(|t| js_sys::JSON::parse(&t).ok())
        .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("url")).ok())
        .and_then(|u| u.as_string())
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    url.ok_or_else(Failure::unavailable)
}

/// The user-facing part of a server function's error body (`…|message` or a JSON string).
fn server_message(body: &str) -> String {
    let text = js_sys::JSON::parse(body)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| body.to_owned());
    match text.rsplit_once('|') {
        Some((_, message)) => message.trim().to_owned(),
        None => text.trim().to_owned(),
    }
}

/// Writes the message and the next step into the button's alert line.
fn show_error(error: Option<&Element>, failure: &Failure) {
    let (Some(error), Some(document)) = (error, web_sys::window().and_then(|w| w.document()))
    else {
        return;
    };
    error.set_text_content(Some(&format!("{} ", failure.message)));
    let next = match failure.next {
        Next::Link(text, href) => document.create_element("a").inspect(|a| {
            let _ = a.set_attribute("href", href);
            a.set_text_content(Some(text));
        }),
        Next::Retry => document.create_element("button").inspect(|b| {
            let _ = b.set_attribute("type", "button");
            let _ = b.set_attribute("class", "link-button");
            let _ = b.set_attribute("data-portal-action", "retry");
            let _ = b.set_attribute("data-portal-retry", "");
            b.set_text_content(Some("Try again"));
        }),
    };
    if let Ok(next) = next {
        let _ = error.append_child(&next);
    }
}
