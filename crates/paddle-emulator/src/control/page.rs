//! The human checkout page: `GET /checkout?email=…&return_url=…`, then a form post.
//!
//! After a purchase it redirects (303) to `return_url` only if that URL's origin is one
//! the configuration allows; otherwise it shows a confirmation without any link.

use std::sync::Arc;

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use url::Url;

use crate::billing;
use crate::emulator::Shared;
use crate::html::{escape, layout, respond};
use crate::state::catalog::PLANS;

/// The posted form (every field optional, so a bad post gets a page, not a rejection).
#[derive(Debug, Default, Deserialize)]
pub(super) struct CheckoutForm {
    email: Option<String>,
    name: Option<String>,
    plan: Option<String>,
    return_url: Option<String>,
}

/// Like the portal's policy, but the form may also land on an allowed return origin.
fn csp(shared: &Shared) -> String {
    let origins: Vec<String> = shared
        .config
        .allowed_return_origins
        .iter()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
        .collect();
    format!(
        "default-src 'none'; style-src 'self'; form-action 'self' {}; base-uri 'none'; \
frame-ancestors 'none'",
        origins.join(" ")
    )
}

fn form_html(form: &CheckoutForm, error: Option<&str>) -> String {
    let value = |v: &Option<String>| escape(v.as_deref().unwrap_or_default());
    let chosen = form.plan.as_deref().unwrap_or(PLANS[0].key);
    let plans: String = PLANS
        .iter()
        .map(|p| {
            let checked = if p.key == chosen { " checked" } else { "" };
            let trial = p.trial_days.map_or_else(String::new, |days| {
                format!(", after a {days}-day free trial")
            });
            format!(
                "<p><input type=\"radio\" id=\"plan-{k}\" name=\"plan\" value=\"{k}\"{checked}> \
<label for=\"plan-{k}\">{name}: {amount} USD cents per {unit}{trial}</label></p>",
                k = p.key,
                name = p.name,
                amount = p.amount,
                unit = p.price_json()["billing_cycle"]["interval"]
                    .as_str()
                    .unwrap_or("period"),
            )
        })
        .collect();
    let error = error.map_or_else(String::new, |e| {
        format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e))
    });
    format!(
        "<h1>Checkout</h1>{error}<p class=\"note\">No payment is taken: submitting creates the \
customer (if new) and a subscription.</p>\
<form method=\"post\" action=\"/checkout\">\
<input type=\"hidden\" name=\"return_url\" value=\"{return_url}\">\
<p><label for=\"email\">Email</label><br><input id=\"email\" name=\"email\" type=\"email\" \
required autocomplete=\"email\" value=\"{email}\"></p>\
<p><label for=\"name\">Name (optional)</label><br><input id=\"name\" name=\"name\" \
type=\"text\" autocomplete=\"name\" value=\"{name}\"></p>\
<fieldset><legend>Plan</legend>{plans}</fieldset>\
<p><button type=\"submit\">Subscribe</button></p></form>",
        return_url = value(&form.return_url),
        email = value(&form.email),
        name = value(&form.name),
    )
}

/// `GET /checkout`: the form, prefilled from the query.
pub(super) async fn show(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let mut form = CheckoutForm::default();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let slot = match key.as_ref() {
            "email" => &mut form.email,
            "name" => &mut form.name,
            "plan" => &mut form.plan,
            "return_url" => &mut form.return_url,
            _ => continue,
        };
        slot.get_or_insert_with(|| value.into_owned());
    }
    let html = layout("Checkout", &form_html(&form, None), None);
    respond(StatusCode::OK, html, &csp(&shared))
}

/// `POST /checkout`: buys, then redirects back or confirms.
pub(super) async fn submit(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<CheckoutForm>,
) -> Response {
    let purchase = billing::checkout(
        &shared,
        form.email.as_deref().unwrap_or_default(),
        form.name.as_deref(),
        form.plan.as_deref(),
    );
    if let Err(err) = purchase {
        let html = layout("Checkout", &form_html(&form, Some(&err.to_string())), None);
        return respond(StatusCode::BAD_REQUEST, html, &csp(&shared));
    }
    let back = form
        .return_url
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .filter(|u| shared.config.return_origin_allowed(u));
    if let Some(url) = back {
        return (StatusCode::SEE_OTHER, [(LOCATION, url.to_string())]).into_response();
    }
    let main = "<h1>Thank you</h1><p role=\"status\">Your subscription is active. \
You can close this page and go back to the app.</p>";
    respond(
        StatusCode::OK,
        layout("Subscribed", main, None),
        &csp(&shared),
    )
}
