//! What `paddock portal-session` shows a human: who the customer is, and the links.

use std::fmt::Write as _;

use paddle::CustomerPortalSession;

use crate::server::db::mirror::{CustomerRow, SubscriptionRow};

/// Printed with every set of links (on stderr under `--json`).
pub const WARNING: &str = "WARNING: these links are temporary and single-use. Do not store, \
    log or paste them anywhere except to the customer.";

/// The customer as the mirror knows them, with every subscription and its status.
pub fn customer(customer: &CustomerRow, subscriptions: &[SubscriptionRow]) -> String {
    let mut text = format!("Customer {}\n", customer.id);
    let _ = writeln!(text, "  email:  {}", shown(&customer.email));
    let _ = writeln!(
        text,
        "  name:   {}",
        shown(customer.name.as_deref().unwrap_or("-"))
    );
    let _ = writeln!(text, "  status: {}", shown(&customer.status));
    if subscriptions.is_empty() {
        text.push_str("  subscriptions: none in the mirror\n");
    } else {
        text.push_str("  subscriptions:\n");
        for s in subscriptions {
            let _ = writeln!(text, "    {}  {}", s.id, shown(&s.status));
        }
    }
    text
}

/// The question asked before minting.
pub fn question(customer: &CustomerRow) -> String {
    format!(
        "Mint a customer portal session for {} ({})?",
        shown(&customer.email),
        customer.id
    )
}

/// Text from the mirror (what a customer typed at checkout: name, email) as the operator's
/// terminal may show it: control characters, which could rewrite the lines above the
/// question or set the clipboard, and the marks that reorder text on screen, written out
/// as `\u{…}` escapes.
fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The overview link and, per subscription, its two deep links, after the warning.
pub fn links(session: &CustomerPortalSession, request_id: &str) -> String {
    let mut text = format!("{WARNING}\n");
    let _ = writeln!(
        text,
        "Portal session {} (Paddle request_id {request_id})",
        session.id
    );
    let _ = writeln!(
        text,
        "  overview: {}",
        session.urls.general.overview.expose()
    );
    for s in &session.urls.subscriptions {
        let _ = writeln!(text, "  subscription {}", s.id);
        let _ = writeln!(
            text,
            "    cancel:                {}",
            s.cancel_subscription.expose()
        );
        let _ = writeln!(
            text,
            "    update payment method: {}",
            s.update_subscription_payment_method.expose()
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: Option<&str>) -> CustomerRow {
        CustomerRow {
            id: "ctm_01gysfvfy7vqhpzkq8rjmrq7an".into(),
            email: "ada@example.com".into(),
            name: name.map(str::to_owned),
            status: "active".into(),
            updated_at: 0,
            occurred_at_us: 0,
        }
    }

    #[test]
    fn the_customer_is_named_with_email_and_subscriptions() {
        let text = customer(&row(Some("Ada")), &[]);
        assert!(text.contains("ada@example.com"), "{text}");
        assert!(text.contains("Ada"), "{text}");
        assert!(text.contains("none in the mirror"), "{text}");
        assert_eq!(
            question(&row(None)),
            "Mint a customer portal session for ada@example.com (ctm_01gysfvfy7vqhpzkq8rjmrq7an)?"
        );
    }

    #[test]
    fn a_customer_s_own_text_cannot_drive_the_terminal() {
        // An OSC 52 clipboard write, an erase of the line, a bell and a right-to-left
        // override, as a name (and an email) typed at checkout.
        let hostile = "x\u{1b}]52;c;aGk=\u{7}\u{1b}[2K\u{9b}1A\u{202e}gnp.exe";
        let mut row = row(Some(hostile));
        row.email = format!("{hostile}@example.com");
        for text in [customer(&row, &[]), question(&row)] {
            assert!(
                !text
                    .chars()
                    .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
                "{text:?}"
            );
            assert!(text.contains("\\u{1b}]52;c;aGk="), "shown, escaped: {text}");
        }
    }

    #[test]
    fn every_link_is_printed_after_the_warning() {
        let session: CustomerPortalSession = serde_json::from_value(serde_json::json!({
            "id": "cpls_01h4ge9r64c22exjsx0fy8b48b",
            "customer_id": "ctm_01gysfvfy7vqhpzkq8rjmrq7an",
            "urls": {
                "general": {"overview": "https://portal.example/o?token=1"},
                "subscriptions": [{
                    "id": "sub_01h04vsc0qhwtsbsxh3422wjs4",
                    "cancel_subscription": "https://portal.example/c?token=2",
                    "update_subscription_payment_method": "https://portal.example/u?token=3"
                }]
            },
            "created_at": "2024-10-25T06:53:58Z"
        }))
        .expect("a session");
        let text = links(&session, "rid-1");
        assert!(text.starts_with(WARNING), "{text}");
        for needle in [
            "token=1",
            "token=2",
            "token=3",
            "sub_01h04vsc0qhwtsbsxh3422wjs4",
            "rid-1",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }
}
