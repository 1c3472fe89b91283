//! The portal's pages: overview, cancel, payment method, outcomes, and "expired".

use axum::http::StatusCode;
use axum::response::Response;
use paddle::{Customer, ScheduledChangeAction, Subscription, SubscriptionId, SubscriptionStatus};
use time::OffsetDateTime;

use super::links::{Form, Grant};
use crate::billing::Change;
use crate::config::Config;
use crate::emulator::Shared;
use crate::html::{CSP, escape, layout, respond};

/// A page opened through a link: who it is for, and where its forms post.
pub(super) struct Page<'a> {
    pub(super) shared: &'a Shared,
    pub(super) grant: &'a Grant,
    pub(super) customer: &'a Customer,
    /// Why the last form was refused, shown on top.
    pub(super) error: Option<&'a str>,
}

fn date(at: OffsetDateTime) -> String {
    format!("{} {} {}", at.day(), at.month(), at.year())
}

fn plan_name(sub: &Subscription) -> String {
    let names: Vec<&str> = sub
        .items
        .raw()
        .iter()
        .filter_map(|item| item["product"]["name"].as_str())
        .collect();
    names.join(", ")
}

/// A one-line summary of where a subscription stands.
fn standing(sub: &Subscription) -> String {
    if let Some(at) = sub.canceled_at {
        return format!("Canceled on {}", date(at));
    }
    if let Some(change) = &sub.scheduled_change {
        let what = match change.action {
            ScheduledChangeAction::Cancel => "Cancels",
            ScheduledChangeAction::Pause => "Pauses",
            ScheduledChangeAction::Resume => "Resumes",
        };
        return format!("{what} on {}", date(change.effective_at));
    }
    if sub.status == SubscriptionStatus::PastDue {
        return "Payment overdue: update the payment method".to_owned();
    }
    sub.next_billed_at.map_or_else(
        || "Not billed again".to_owned(),
        |at| format!("Renews on {}", date(at)),
    )
}

fn page(config: &Config, status: StatusCode, title: &str, main: &str) -> Response {
    let html = layout(title, main, Some(config.return_url.as_str()));
    respond(status, html, CSP)
}

impl Page<'_> {
    fn action_url(&self) -> String {
        format!("/portal/{}/actions", self.grant.link_id)
    }

    fn nonce(&self, sub: &SubscriptionId, form: Form) -> String {
        self.shared.links.form_nonce(self.grant, sub, form)
    }

    fn finish(&self, title: &str, body: &str) -> Response {
        let (status, error) = match self.error {
            Some(e) => (
                StatusCode::BAD_REQUEST,
                format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)),
            ),
            None => (StatusCode::OK, String::new()),
        };
        let who = escape(
            self.customer
                .name
                .as_deref()
                .unwrap_or(&self.customer.email),
        );
        let main = format!(
            "<h1>{}</h1>{error}<p>Signed in as {who}.</p>{body}",
            escape(title)
        );
        page(&self.shared.config, status, title, &main)
    }

    fn cancel_form(&self, sub: &Subscription) -> String {
        let id = escape(sub.id.as_str());
        format!(
            "<form method=\"post\" action=\"{action}\"><fieldset>\
<legend>Cancel {plan}</legend><input type=\"hidden\" name=\"nonce\" value=\"{nonce}\">\
<p><input type=\"radio\" id=\"end-{id}\" name=\"when\" value=\"period_end\" checked> \
<label for=\"end-{id}\">At the end of the billing period</label></p>\
<p><input type=\"radio\" id=\"now-{id}\" name=\"when\" value=\"now\"> \
<label for=\"now-{id}\">Immediately</label></p>\
<p><button type=\"submit\">Cancel subscription</button></p></fieldset></form>",
            action = self.action_url(),
            plan = escape(&plan_name(sub)),
            nonce = self.nonce(&sub.id, Form::Cancel),
        )
    }

    fn payment_form(&self, sub: &Subscription) -> String {
        let id = escape(sub.id.as_str());
        format!(
            "<form method=\"post\" action=\"{action}\"><fieldset>\
<legend>Payment method for {plan}</legend>\
<input type=\"hidden\" name=\"nonce\" value=\"{nonce}\">\
<p><label for=\"card-{id}\">Card number</label><br><input id=\"card-{id}\" \
name=\"card_number\" inputmode=\"numeric\" autocomplete=\"cc-number\" required \
placeholder=\"4242 4242 4242 4242\"></p>\
<p><button type=\"submit\">Update payment method</button></p></fieldset></form>",
            action = self.action_url(),
            plan = escape(&plan_name(sub)),
            nonce = self.nonce(&sub.id, Form::PaymentMethod),
        )
    }

    /// Every subscription of the customer; live ones with their forms.
    pub(super) fn overview(&self, subscriptions: &[Subscription]) -> Response {
        if subscriptions.is_empty() {
            return self.finish("Your subscriptions", "<p>You have no subscriptions.</p>");
        }
        let mut rows = String::new();
        let mut forms = String::new();
        for sub in subscriptions {
            rows.push_str(&format!(
                "<tr><th scope=\"row\">{plan}</th><td>{status}</td><td>{standing}</td>\
<td><code>{id}</code></td></tr>",
                plan = escape(&plan_name(sub)),
                status = sub.status,
                standing = standing(sub),
                id = escape(sub.id.as_str()),
            ));
            if super::manageable(sub) {
                forms.push_str(&self.cancel_form(sub));
                forms.push_str(&self.payment_form(sub));
            }
        }
        let body = format!(
            "<table><caption>Subscriptions</caption><thead><tr><th scope=\"col\">Plan</th>\
<th scope=\"col\">Status</th><th scope=\"col\">Billing</th><th scope=\"col\">ID</th></tr>\
</thead><tbody>{rows}</tbody></table>{forms}"
        );
        self.finish("Your subscriptions", &body)
    }

    /// One subscription's page with no form open: its details, and its forms folded
    /// away (`<details>`, no script) if it can still be changed.
    pub(super) fn subscription(&self, sub: &Subscription) -> Response {
        let forms = if super::manageable(sub) {
            format!(
                "<details><summary>Cancel subscription</summary>{}</details>\
<details><summary>Update payment method</summary>{}</details>",
                self.cancel_form(sub),
                self.payment_form(sub)
            )
        } else {
            String::new()
        };
        let body = format!(
            "<dl><dt>Plan</dt><dd>{plan}</dd><dt>Status</dt><dd>{status}</dd>\
<dt>Billing</dt><dd>{standing}</dd><dt>ID</dt><dd><code>{id}</code></dd></dl>{forms}",
            plan = escape(&plan_name(sub)),
            status = sub.status,
            standing = standing(sub),
            id = escape(sub.id.as_str()),
        );
        self.finish("Your subscription", &body)
    }

    /// One subscription with the cancellation form open.
    pub(super) fn cancel(&self, sub: &Subscription) -> Response {
        let body = format!(
            "<p>{} is {}. {}.</p>{}",
            escape(&plan_name(sub)),
            sub.status,
            standing(sub),
            self.cancel_form(sub)
        );
        self.finish("Cancel subscription", &body)
    }

    /// One subscription with the payment method form open.
    pub(super) fn payment_method(&self, sub: &Subscription) -> Response {
        let body = format!(
            "<p class=\"note\">Any 12 to 19 digits work: no card is charged.</p>{}",
            self.payment_form(sub)
        );
        self.finish("Update payment method", &body)
    }
}

/// What a form did.
pub(super) fn done(config: &Config, sub: &Subscription, change: Change) -> Response {
    let plan = escape(&plan_name(sub));
    let (title, text) = match change {
        Change::Scheduled(at) | Change::AlreadyScheduled(at) => (
            "Cancellation scheduled",
            format!(
                "{plan} stays active until {}, then it is canceled.",
                date(at)
            ),
        ),
        Change::Canceled => ("Subscription canceled", format!("{plan} is canceled.")),
        Change::PaymentMethodUpdated => (
            "Payment method updated",
            format!("{plan} will be billed to the new payment method."),
        ),
    };
    let main = format!("<h1>{title}</h1><p role=\"status\">{text}</p>");
    page(config, StatusCode::OK, title, &main)
}

/// A change that could not be made.
pub(super) fn refused(config: &Config, status: StatusCode, reason: &str) -> Response {
    let main = format!(
        "<h1>Nothing changed</h1><p class=\"error\" role=\"alert\">{}.</p>",
        escape(reason)
    );
    page(config, status, "Nothing changed", &main)
}

/// A used, expired, unknown or altered link or form: 410 Gone.
pub(super) fn expired(config: &Config) -> Response {
    let main = "<h1>This link has expired</h1><p>Portal links work once and only for a \
short time. Go back to the app and open the billing portal again.</p>";
    page(config, StatusCode::GONE, "This link has expired", main)
}
