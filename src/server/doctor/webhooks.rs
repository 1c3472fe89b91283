//! Webhooks: is a secret configured, and when did the last verified one arrive (and of
//! which types)?

use secrecy::ExposeSecret;

use super::{Line, ago, count};
use crate::server::db::Database;
use crate::server::db::doctor::{last_webhook_at, webhook_types_since};
use crate::server::paddle::{PaddleMode, WEBHOOK_PATH};
use crate::server::settings::Settings;

const SECRETS: &str = "webhook secret";
pub(super) const RECEIVED: &str = "webhooks received";
pub(super) const DAY: i64 = 24 * 3600;

/// `PADDLE_WEBHOOK_SECRETS`: required with a key (settings enforce it); each should be a
/// notification destination's secret, not an API key pasted in the wrong place.
pub(super) fn secrets(settings: &Settings) -> Line {
    let secrets = &settings.paddle.webhook_secrets;
    if let Some(i) = secrets
        .iter()
        .position(|s| s.expose_secret().contains("_apikey_"))
    {
        return Line::fail(
            SECRETS,
            format!("secret {} of PADDLE_WEBHOOK_SECRETS is an API key", i + 1),
            "use your notification destination's secret (pdl_ntfset_…, Paddle > Developer \
             tools > Notifications), and never share the API key",
        );
    }
    if let PaddleMode::Local(_) = settings.paddle.mode {
        let how = if secrets.is_empty() {
            "a secret generated at each start"
        } else {
            "the first of PADDLE_WEBHOOK_SECRETS"
        };
        return Line::pass(
            SECRETS,
            format!("local mode: the embedded emulator signs with {how}, which the app accepts"),
        );
    }
    let odd = secrets
        .iter()
        .filter(|s| !s.expose_secret().starts_with("pdl_ntfset_"))
        .count();
    let found = format!(
        "{} configured (PADDLE_WEBHOOK_SECRETS)",
        count(
            i64::try_from(secrets.len()).unwrap_or(i64::MAX),
            "secret",
            "secrets"
        )
    );
    if odd > 0 && settings.paddle.is_live() {
        return Line::warn(SECRETS, format!("{found}; {odd} not shaped like pdl_ntfset_…"))
            .with_fix("copy the secret of your notification destination (Paddle > Developer tools > Notifications)");
    }
    Line::pass(SECRETS, found)
}

/// The latest verified webhook and the types of the last 24 h; also returns when the
/// latest arrived. `paddle_empty`: Paddle lists no customer and no subscription yet.
/// `simulated`: the Paddle webhook simulations verified in the last 24 h (how many, and
/// when the latest came; see `refusals::simulations`).
pub(super) async fn received(
    db: &Database,
    settings: &Settings,
    now: i64,
    paddle_empty: Option<bool>,
    simulated: Option<(i64, i64)>,
) -> (Line, Option<i64>) {
    let read = async {
        let last = last_webhook_at(db).await?;
        let types = webhook_types_since(db, now - DAY).await?;
        Ok::<_, sqlx::Error>((last, types))
    };
    let (last, types) = match read.await {
        Ok(found) => found,
        Err(e) => {
            let line = Line::fail(
                RECEIVED,
                format!("cannot read webhook_events: {e}"),
                "see the database line above",
            );
            return (line, None);
        }
    };
    let url = settings
        .public_url
        .join(WEBHOOK_PATH)
        .map_or_else(|_| format!("PUBLIC_URL{WEBHOOK_PATH}"), |u| u.to_string());
    let fix = match &settings.paddle.mode {
        PaddleMode::Live(_) => format!(
            "point your notification destination (Paddle > Developer tools > Notifications) \
             at {url}, for the customer.* and subscription.* events"
        ),
        PaddleMode::Remote(_) => format!(
            "make the API at PADDLE_API_URL deliver to {url} (the standalone emulator: \
             --webhook-url {url})"
        ),
        PaddleMode::Local(_) => format!(
            "the embedded emulator delivers to {url}: PUBLIC_URL must be where the app \
             listens; a checkout on the emulator's /checkout page sends the first events"
        ),
    };
    let line = judge_received(last, &types, now, &fix, paddle_empty, simulated);
    // A verified simulation shows that the destination and the secret work, as an event does.
    let verified = last.max(simulated.map(|(_, at)| at));
    (line, verified)
}

/// `simulated`: how many deliveries of Paddle's webhook simulator were verified in the
/// last 24 h, and when the latest came (they are answered, never stored).
fn judge_received(
    last: Option<i64>,
    types: &[(String, i64)],
    now: i64,
    fix: &str,
    paddle_empty: Option<bool>,
    simulated: Option<(i64, i64)>,
) -> Line {
    let simulations = simulated.map(|(n, at)| {
        format!(
            "{} verified in the last 24 h, the latest {} ago (answered, not stored: simulated data)",
            count(n, "Paddle webhook simulation", "Paddle webhook simulations"),
            ago(now, at)
        )
    });
    let Some(last) = last else {
        if let Some(simulations) = simulations {
            // The destination and the secret work for simulated traffic; whether real
            // events should have come depends on what Paddle has.
            if paddle_empty == Some(true) {
                return Line::warn(
                    RECEIVED,
                    format!(
                        "no event stored yet, but {simulations}: the destination and the \
                         secret work; Paddle lists no customer or subscription to send yet"
                    ),
                );
            }
            return Line::fail(
                RECEIVED,
                format!(
                    "no real event ever arrived, only {simulations}: the secret works, but \
                     no real event reaches this destination (one set to simulated traffic \
                     only, or not subscribed to the customer.* and subscription.* events)"
                ),
                fix,
            );
        }
        if paddle_empty == Some(true) {
            return Line::warn(
                RECEIVED,
                "no verified webhook yet, and Paddle lists no customer or subscription: \
                 nothing to send so far",
            )
            .with_fix(fix);
        }
        return Line::fail(RECEIVED, "no verified webhook ever arrived", fix);
    };
    let day = if types.is_empty() {
        "none".to_owned()
    } else {
        let listed: Vec<String> = types.iter().map(|(t, n)| format!("{n} {t}")).collect();
        listed.join(", ")
    };
    let also = simulations.map_or_else(String::new, |s| format!("; also {s}"));
    Line::pass(
        RECEIVED,
        format!(
            "last verified webhook {} ago; last 24 h: {day}{also}",
            ago(now, last)
        ),
    )
}

#[cfg(test)]
mod tests;
