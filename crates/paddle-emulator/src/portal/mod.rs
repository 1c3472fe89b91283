//! The customer portal: the pages a portal session's links open, and their forms.
//!
//! `GET /portal/cpl_…?action=…[&subscription_id=…]&token=…` works once, within the link
//! TTL. A used, expired, unknown or altered link answers **410 Gone** with a page that
//! says "This link has expired". Each form on a page carries its own one-time nonce
//! (valid for the link TTL), so the page stays usable after its link is used up.

mod links;
mod mint;
mod pages;

use std::sync::Arc;

use axum::Form as FormBody;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use paddle::{Subscription, SubscriptionStatus};
use serde::Deserialize;

pub(crate) use links::{Action, Form, Grant, Links};

use crate::billing::{self, BillingError, CancelWhen};
use crate::emulator::Shared;
use crate::html::{STYLESHEET_PATH, one_time_head, stylesheet};
use pages::Page;

/// The portal routes and the stylesheet all pages share.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/portal/{link_id}", get(open).head(one_time_head))
        .route("/portal/{link_id}/actions", post(act))
        .route(STYLESHEET_PATH, get(stylesheet))
}

/// The first value of each of the link's query parameters.
fn link_params(query: Option<&str>) -> (Option<String>, Option<String>, Option<String>) {
    let (mut action, mut subscription, mut token) = (None, None, None);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let slot = match key.as_ref() {
            "action" => &mut action,
            "subscription_id" => &mut subscription,
            "token" => &mut token,
            _ => continue,
        };
        slot.get_or_insert_with(|| value.into_owned());
    }
    (action, subscription, token)
}

/// `GET /portal/{link_id}`: uses up the link and shows what it was minted for.
async fn open(
    State(shared): State<Arc<Shared>>,
    Path(link_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (action, subscription, token) = link_params(query.as_deref());
    let grant = token.and_then(|token| {
        shared.links.redeem(
            &token,
            &link_id,
            action.as_deref().and_then(Action::parse),
            subscription.as_deref(),
        )
    });
    match grant {
        Some(grant) => show(&shared, &grant, None),
        None => pages::expired(&shared.config),
    }
}

/// Whether the customer can still cancel or pay for `sub`.
fn manageable(sub: &Subscription) -> bool {
    matches!(
        sub.status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue | SubscriptionStatus::Trialing
    )
}

/// Renders the page `grant` opens; `error` (a refused form) makes it a 400.
fn show(shared: &Shared, grant: &Grant, error: Option<&str>) -> Response {
    let (customer, subscriptions) = shared.store.read(|data| {
        let subs: Vec<Subscription> = data
            .subscriptions
            .values()
            .filter(|s| s.customer_id == grant.customer_id)
            .cloned()
            .collect();
        (data.customers.get(&grant.customer_id).cloned(), subs)
    });
    let Some(customer) = customer else {
        return pages::expired(&shared.config);
    };
    let page = Page {
        shared,
        grant,
        customer: &customer,
        error,
    };
    let target = grant
        .subscription_id
        .as_ref()
        .and_then(|id| subscriptions.iter().find(|s| &s.id == id))
        .filter(|s| manageable(s));
    // A view link opens its subscription's page whatever its status; the form links of
    // paused or canceled subscriptions open the overview, as in Paddle.
    let viewed = grant
        .subscription_id
        .as_ref()
        .and_then(|id| subscriptions.iter().find(|s| &s.id == id));
    match (grant.action, target, viewed) {
        (Action::ViewSubscription, _, Some(sub)) => page.subscription(sub),
        (Action::CancelSubscription, Some(sub), _) => page.cancel(sub),
        (Action::UpdatePaymentMethod, Some(sub), _) => page.payment_method(sub),
        _ => page.overview(&subscriptions),
    }
}

/// A posted portal form.
#[derive(Debug, Deserialize)]
struct ActionForm {
    nonce: Option<String>,
    when: Option<String>,
    card_number: Option<String>,
}

/// A card number as typed: 12 to 19 digits, spaces and dashes ignored.
fn card_ok(card: Option<&str>) -> bool {
    let digits: Vec<char> = card
        .unwrap_or_default()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    (12..=19).contains(&digits.len()) && digits.iter().all(char::is_ascii_digit)
}

/// `POST /portal/{link_id}/actions`: applies a form once, through its nonce.
async fn act(
    State(shared): State<Arc<Shared>>,
    Path(link_id): Path<String>,
    FormBody(form): FormBody<ActionForm>,
) -> Response {
    let grant = form
        .nonce
        .as_deref()
        .and_then(|nonce| shared.links.redeem_form(nonce, &link_id));
    let Some(grant) = grant else {
        return pages::expired(&shared.config);
    };
    let result = match grant.form {
        Form::Cancel => {
            let when = match form.when.as_deref() {
                Some("period_end") => CancelWhen::PeriodEnd,
                Some("now") => CancelWhen::Now,
                _ => {
                    let again = Links::regrant(&grant);
                    return show(&shared, &again, Some("Choose when to cancel."));
                }
            };
            billing::cancel(&shared, &grant.customer_id, &grant.subscription_id, when)
        }
        Form::PaymentMethod => {
            if !card_ok(form.card_number.as_deref()) {
                let again = Links::regrant(&grant);
                return show(
                    &shared,
                    &again,
                    Some("Enter a card number of 12 to 19 digits."),
                );
            }
            billing::update_payment_method(&shared, &grant.customer_id, &grant.subscription_id)
        }
    };
    match result {
        Ok((sub, change)) => pages::done(&shared.config, &sub, change),
        Err(err) => {
            let status = match err {
                BillingError::NotFound => StatusCode::NOT_FOUND,
                _ => StatusCode::CONFLICT,
            };
            pages::refused(&shared.config, status, &err.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_numbers_need_12_to_19_digits() {
        assert!(card_ok(Some("4242 4242 4242 4242")));
        assert!(card_ok(Some("4242-4242-4242")));
        assert!(!card_ok(Some("4242")));
        assert!(!card_ok(Some("4242 4242 4242 424x")));
        assert!(!card_ok(None));
    }

    #[test]
    fn link_params_take_the_first_of_each() {
        let (action, sub, token) = link_params(Some("action=overview&token=a&token=b&x=1"));
        assert_eq!(action.as_deref(), Some("overview"));
        assert_eq!(sub, None);
        assert_eq!(token.as_deref(), Some("a"));
    }
}
