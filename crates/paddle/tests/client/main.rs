//! The client against a small axum server on 127.0.0.1:0.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod errors;
mod lists;
mod portal;
mod server;

use std::time::Duration;

use paddle::{Client, ClientError, CustomerId, SubscriptionId};
use secrecy::SecretString;
use serde_json::json;
use url::Url;

const KEY: &str = "pdl_sdbx_apikey_01test_secretsecretsecret";
const CTM: &str = "ctm_01gysfvfy7vqhpzkq8rjmrq7an";
const SUB: &str = "sub_01h04vsc0qhwtsbsxh3422wjs4";

/// A client for `base` with its own `reqwest::Client` and `timeout`.
fn client(base: Url, timeout: Duration) -> Client {
    let http = reqwest::Client::builder().timeout(timeout).build().unwrap();
    Client::new(http, base, SecretString::from(KEY)).unwrap()
}

fn ctm() -> CustomerId {
    CustomerId::parse(CTM).unwrap()
}

fn sub() -> SubscriptionId {
    SubscriptionId::parse(SUB).unwrap()
}

fn portal_body() -> serde_json::Value {
    let link = "https://sandbox-customer-portal.paddle.com/cpl_01j7zbyqs3vah3aafp4jf62qaw";
    json!({
        "data": {
            "id": "cpls_01h4ge9r64c22exjsx0fy8b48b", "customer_id": CTM,
            "urls": {"general": {"overview": format!("{link}?action=overview&token=pga_x")},
                     "subscriptions": [{"id": SUB,
                        "cancel_subscription": format!("{link}?action=cancel_subscription&token=pga_x"),
                        "update_subscription_payment_method": format!("{link}?token=pga_x")}]},
            "created_at": "2024-10-25T06:53:58Z"
        },
        "meta": {"request_id": "fa176777-4bca-49ec-aa1e-f53885333cb7"}
    })
}

fn not_found_body() -> serde_json::Value {
    json!({
        "error": {"type": "request_error", "code": "not_found",
                  "detail": format!("Customer {CTM} not found."),
                  "documentation_url": "https://developer.paddle.com/errors/shared/not_found"},
        "meta": {"request_id": "rid-404"}
    })
}

/// Neither the key nor a request URL in the message or the debug output. (A connect
/// error may name the socket address, which is no secret.)
fn assert_no_secrets(err: &ClientError, base: &Url) {
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(!text.contains(base.as_str()), "URL leaked: {text}");
        assert!(!text.contains("/customers/"), "URL leaked: {text}");
        assert!(!text.contains("portal-sessions"), "URL leaked: {text}");
    }
}
