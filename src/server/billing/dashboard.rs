//! The dashboard's billing section: the signed-in user's subscriptions from the mirror,
//! in words, or where to subscribe when the user has no Paddle customer yet. The page
//! loads it through `api::pages::load_billing_view`.

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::app::billing::{BillingView, SubscriptionView};
use crate::server::accounts::User;
use crate::server::db::mirror::{self, Bridge, SubscriptionRow};
use crate::server::paddle::settings::PaddleMode;
use crate::server::state::AppState;

/// The billing view of a verified user.
pub async fn load(state: &AppState, user: &User) -> BillingView {
    let customer = match mirror::customer_by_email(&state.db, user.email.as_str()).await {
        Ok(Bridge::One(customer)) => customer,
        Ok(Bridge::Nobody) => {
            return BillingView::NoCustomer {
                checkout_url: checkout_url(state, user.email.as_str()),
            };
        }
        Ok(Bridge::Several) => {
            tracing::warn!(
                user_id = user.id,
                "dashboard: several mirrored customers share the user's email; none is shown"
            );
            return BillingView::SharedEmail;
        }
        Err(e) => {
            tracing::error!(error = %e, "dashboard: reading the customers mirror failed");
            return BillingView::Unavailable;
        }
    };
    match mirror::subscriptions_for(&state.db, &customer.id).await {
        Ok(rows) => BillingView::Customer {
            subscriptions: rows.iter().map(view_of).collect(),
        },
        Err(e) => {
            tracing::error!(error = %e, "dashboard: reading the subscriptions mirror failed");
            BillingView::Unavailable
        }
    }
}

/// Where to buy a first subscription: the emulator's checkout (embedded or standalone; it returns
/// to the dashboard), `PADDLE_CHECKOUT_URL` in live mode.
fn checkout_url(state: &AppState, email: &str) -> Option<String> {
    match &state.settings.paddle.mode {
        PaddleMode::Live(live) => live.checkout_url.as_ref().map(ToString::to_string),
        PaddleMode::Local(_) | PaddleMode::Remote(_) => {
            let mut url = state
                .paddle
                .emulator_origin
                .clone()?
                .join("/checkout")
                .ok()?;
            let back = format!("{}/dashboard", state.settings.public_origin());
            url.query_pairs_mut()
                .append_pair("email", email)
                .append_pair("return_url", &back);
            Some(url.to_string())
        }
    }
}

/// The parts of an item the dashboard names.
#[derive(Deserialize)]
struct Item {
    price: Named,
    product: Option<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct ScheduledChange {
    action: String,
    effective_at: String,
}

/// One mirrored subscription, in words.
pub fn view_of(row: &SubscriptionRow) -> SubscriptionView {
    let items: Vec<Item> = serde_json::from_str(&row.items).unwrap_or_default();
    let product = join(items.iter().filter_map(|i| {
        i.product
            .as_ref()
            .and_then(|p| p.name.clone().or(p.description.clone()))
    }));
    let price = join(
        items
            .iter()
            .filter_map(|i| i.price.name.clone().or(i.price.description.clone())),
    );
    let scheduled: Option<ScheduledChange> = row
        .scheduled_change
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let canceled = row.status == "canceled";
    let paused = row.status == "paused";
    let note = match (&scheduled, row.status.as_str()) {
        (_, "canceled") => row.canceled_at.map(|t| format!("Canceled on {}", date(t))),
        (_, "paused") => row.paused_at.map(|t| format!("Paused since {}", date(t))),
        (Some(change), _) => {
            let on = OffsetDateTime::parse(&change.effective_at, &Rfc3339)
                .map(|t| date(t.unix_timestamp()))
                .unwrap_or_else(|_| "a scheduled date".into());
            Some(match change.action.as_str() {
                "cancel" => format!("Cancels on {on}"),
                "pause" => format!("Pauses on {on}"),
                "resume" => format!("Resumes on {on}"),
                other => format!("Scheduled change ({other}) on {on}"),
            })
        }
        (None, _) => None,
    };
    let cancel_scheduled = scheduled.as_ref().is_some_and(|c| c.action == "cancel");
    SubscriptionView {
        id: row.id.clone(),
        product: product.unwrap_or_else(|| "Subscription".into()),
        price: price.unwrap_or_default(),
        status: status_words(&row.status).into(),
        next_bill: row
            .next_billed_at
            .filter(|_| !canceled && !paused)
            .map(date),
        note,
        can_cancel: !canceled && !cancel_scheduled,
        can_update_payment: !canceled,
    }
}

fn join(names: impl Iterator<Item = String>) -> Option<String> {
    let names: Vec<String> = names.collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn status_words(status: &str) -> &'static str {
    match status {
        "active" => "Active",
        "trialing" => "Trialing",
        "past_due" => "Past due",
        "paused" => "Paused",
        "canceled" => "Canceled",
        _ => "Unknown",
    }
}

/// `21 Dec 2026` (UTC) for unix seconds.
fn date(unix: i64) -> String {
    let format = format_description!("[day padding:none] [month repr:short] [year]");
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "an unknown date".into())
}

#[cfg(test)]
mod tests;
