//! Does Paddle answer, does it take this key, and may the key mint portal sessions?
//!
//! One harmless call answers all three: a portal mint for a well-formed customer id that
//! does not exist. Paddle answers 404 `not_found` when the key has the permission,
//! 403 `forbidden` when it has not, 403 `invalid_token` for a key it does not know.

use std::time::Duration;

use paddle::{ClientError, CustomerId, ListCustomers};
use secrecy::{ExposeSecret, SecretString};

use super::Line;
use crate::server::paddle::{PaddleMode, PaddleStartError, client_only};
use crate::server::settings::Settings;

const API: &str = "paddle api";
const PORTAL: &str = "portal sessions";
/// Paddle's shape (`ctm_` + 26 of `[a-z0-9]`), and no customer anyone has.
const PROBE_CUSTOMER: &str = "ctm_01paddockdoctorprobe000000";
/// The doctor waits at most this long for any one Paddle call.
const CALL_WITHIN: Duration = Duration::from_secs(5);

/// The two lines, and the client when Paddle took the key (for the mirror's counts).
pub(super) struct Checked {
    pub lines: Vec<Line>,
    pub client: Option<paddle::Client>,
}

pub(super) async fn check(settings: &Settings) -> Checked {
    let (mode, key) = describe(&settings.paddle.mode);
    let failed = |found: String, fix: String| Checked {
        lines: vec![
            Line::fail(API, found, fix),
            Line::skipped(PORTAL, "the paddle api check failed"),
        ],
        client: None,
    };
    let http =
        match crate::server::state::http_client_with(settings.paddle.timeout.min(CALL_WITHIN)) {
            Ok(http) => http,
            Err(e) => return failed(format!("no HTTP client: {e}"), "see the error".into()),
        };
    let client = match client_only(&settings.paddle, &http).await {
        Ok(client) => client,
        Err(PaddleStartError::EmulatorDown(_)) => {
            return failed(
                format!("{mode}: nothing answers there"),
                "start the app (`paddock serve`) and run the doctor with the same settings: \
                 in local mode it talks to the app's embedded emulator"
                    .into(),
            );
        }
        Err(e) => {
            return failed(
                format!("{mode}: {e}"),
                "correct the PADDLE_* settings".into(),
            );
        }
    };
    let Ok(probe) = CustomerId::parse(PROBE_CUSTOMER) else {
        return failed(
            "the probe's customer id is not Paddle's shape".into(),
            "report this bug".into(),
        );
    };
    let answer = client.create_portal_session(&probe, &[]).await.map(drop);
    let accepted = Line::pass(API, format!("{mode}, key {key}: accepted"));
    match answer {
        // Someone has that customer after all: a session was minted, and nothing kept.
        Ok(()) => ok(accepted, client, "a mint answered 201"),
        // Any path the API does not serve answers 404 too (a wrong PADDLE_API_URL path):
        // only when the list of customers is there does the 404 speak of the customer.
        Err(e @ ClientError::Api { status: 404, .. }) if e.code() == Some("not_found") => {
            let list = ListCustomers {
                per_page: Some(1),
                ..ListCustomers::default()
            };
            match client.list_customers(&list).await {
                Err(ClientError::Api { status: 404, .. }) => failed(
                    format!(
                        "{mode}: it answers 404 to GET /customers as well: no Paddle API there"
                    ),
                    "correct PADDLE_API_URL: the API's base URL, without a path Paddle's \
                     API does not have"
                        .into(),
                ),
                _ => ok(
                    accepted,
                    client,
                    "a mint for a customer that does not exist answered 404 not_found",
                ),
            }
        }
        Err(e) if e.code() == Some("forbidden") => Checked {
            lines: vec![
                accepted,
                Line::fail(
                    PORTAL,
                    format!("the key may not mint portal sessions ({e})"),
                    "give the API key the permission customer_portal_session.write (Paddle > \
                     Developer tools > Authentication), or make a new key with it",
                ),
            ],
            client: Some(client),
        },
        Err(e) if not_accepted(&e) => failed(
            format!("{mode}: the API key {key} is not accepted ({e})"),
            key_fix(&settings.paddle.mode),
        ),
        Err(e @ ClientError::RateLimited { .. }) => Checked {
            lines: vec![
                Line::warn(API, format!("{mode}: {e}"))
                    .with_fix("run the doctor again in a minute"),
                Line::skipped(PORTAL, "Paddle rate-limited the key check"),
            ],
            client: None,
        },
        Err(e @ (ClientError::Transport(_) | ClientError::Timeout(_))) => failed(
            format!("{mode}: {e}"),
            "check that this machine reaches the API (DNS, firewall, proxy); \
             PADDLE_TIMEOUT_SECS sets how long calls may take"
                .into(),
        ),
        Err(e) => failed(
            format!("{mode}: unexpected answer to a portal mint ({e})"),
            "run the doctor again; if it persists, check Paddle's status page".into(),
        ),
    }
}

fn ok(accepted: Line, client: paddle::Client, how: &str) -> Checked {
    Checked {
        lines: vec![
            accepted,
            Line::pass(PORTAL, format!("the key may mint portal sessions ({how})")),
        ],
        client: Some(client),
    }
}

/// Paddle's ways of not taking a key (403 with these codes), or a plain 401.
fn not_accepted(e: &ClientError) -> bool {
    matches!(
        e.code(),
        Some("invalid_token" | "authentication_malformed" | "authentication_missing")
    ) || matches!(e, ClientError::Api { status: 401, .. })
}

fn key_fix(mode: &PaddleMode) -> String {
    match mode {
        PaddleMode::Live(live) => format!(
            "set PADDLE_API_KEY to an active API key of your {} account (Paddle > Developer \
             tools > Authentication): a key of the other environment is not accepted",
            live.environment.name()
        ),
        PaddleMode::Remote(_) => "set PADDLE_API_KEY to a key that API accepts".to_owned(),
        PaddleMode::Local(_) => "run the doctor with the app's settings: its \
            PADDLE_EMULATOR_API_KEYS differ from the running app's"
            .to_owned(),
    }
}

/// Which Paddle, in words with its address, and the key as far as it may be shown.
fn describe(mode: &PaddleMode) -> (String, String) {
    match mode {
        PaddleMode::Local(l) => (
            format!(
                "local emulator of the running app on {} (PADDLE_EMULATOR_ADDR)",
                l.emulator_addr
            ),
            key_hint(&l.api_keys[0]),
        ),
        PaddleMode::Remote(r) => (
            format!(
                "Paddle-compatible API at {} (PADDLE_API_URL; not real money)",
                r.api_url.origin().ascii_serialization()
            ),
            key_hint(&r.api_key),
        ),
        PaddleMode::Live(l) => (
            format!(
                "Paddle {} ({})",
                l.environment.name(),
                l.environment.api_base()
            ),
            key_hint(&l.api_key),
        ),
    }
}

/// The key's environment prefix and two more characters, e.g. `pdl_sdbx_apikey_01…`.
fn key_hint(key: &SecretString) -> String {
    let key = key.expose_secret();
    ["pdl_live_apikey_", "pdl_sdbx_apikey_"]
        .into_iter()
        .find_map(|prefix| {
            let rest = key.strip_prefix(prefix)?;
            Some(format!(
                "{prefix}{}…",
                rest.chars().take(2).collect::<String>()
            ))
        })
        .unwrap_or_else(|| "[no environment prefix: made before May 2025]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_customer_is_well_formed() {
        assert!(CustomerId::parse(PROBE_CUSTOMER).is_ok());
    }

    #[test]
    fn a_key_shows_its_prefix_at_most() {
        let key = SecretString::from("pdl_sdbx_apikey_01abcdefghijklmnop_secretsecret");
        assert_eq!(key_hint(&key), "pdl_sdbx_apikey_01…");
        let old = SecretString::from("q".repeat(50));
        assert!(!key_hint(&old).contains('q'), "{}", key_hint(&old));
    }
}
