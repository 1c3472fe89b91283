//! How many deliveries were refused in the last 24 h (at signature verification, or
//! signed but unreadable), why, and whether a verified webhook arrived since
//! (`webhook_refusals`, written by every app process, see `webhooks::refusals`).

use super::webhooks::DAY;
use super::{Line, ago, count};
use crate::server::db::Database;
use crate::server::db::refusals::{self, RefusalCount};
use crate::server::settings::Settings;
use crate::server::webhooks::refusals::Reason;

pub(super) const REFUSALS: &str = "webhook refusals";

/// The counts of the last 24 h (whole hours), read once for both webhook lines.
pub(super) async fn read(db: &Database, now: i64) -> Result<Vec<RefusalCount>, sqlx::Error> {
    let hour = (now - DAY) - (now - DAY).rem_euclid(3600);
    refusals::since(db, hour).await
}

/// The Paddle webhook simulations among `rows`: how many, and when the latest came.
pub(super) fn simulations(rows: &[RefusalCount]) -> Option<(i64, i64)> {
    rows.iter()
        .find(|r| Reason::parse(&r.reason) == Some(Reason::Simulation) && r.count > 0)
        .map(|r| (r.count, r.last_at))
}

/// Refusals of the last 24 h (`rows`, from [`read`]), against the latest verified webhook.
pub(super) fn check(
    rows: &Result<Vec<RefusalCount>, sqlx::Error>,
    settings: &Settings,
    now: i64,
    last_verified: Option<i64>,
) -> Line {
    match rows {
        Ok(rows) => {
            let tolerance = settings.paddle.webhook_tolerance.as_secs();
            judge_refusals(rows, now, last_verified, tolerance)
        }
        Err(e) => Line::fail(
            REFUSALS,
            format!("cannot read webhook_refusals: {e}"),
            "see the database line above",
        ),
    }
}

/// Label and fix of a stored reason.
fn explain(reason: &str, tolerance: u64) -> (String, String) {
    let (label, fix) = match Reason::parse(reason) {
        Some(Reason::WrongSecret) => (
            "wrong secret",
            "PADDLE_WEBHOOK_SECRETS does not match your notification destination's secret \
             (or someone forged these requests)"
                .to_owned(),
        ),
        Some(Reason::Stale) => (
            "stale timestamp",
            format!(
                "check the server clock / NTP, or a proxy that holds requests back; \
                 PADDLE_WEBHOOK_TOLERANCE_SECS is {tolerance} s"
            ),
        ),
        Some(Reason::Future) => (
            "timestamp in the future",
            "the server clock is behind: check NTP".to_owned(),
        ),
        Some(Reason::Malformed) => (
            "missing or malformed Paddle-Signature",
            "something between Paddle and the app drops or rewrites the Paddle-Signature \
             header (or these requests are not from Paddle)"
                .to_owned(),
        ),
        Some(Reason::Simulation) => (
            "webhook simulations",
            "none needed: they are simulated data, answered and not stored".to_owned(),
        ),
        Some(Reason::Unreadable) => (
            "signed but unreadable",
            "Paddle sent events this version of Paddock cannot read (the app's log says where, \
             on its \"not a Paddle event we can read\" lines); Paddle retries each for up to \
             3 days: upgrade Paddock, then run `paddock reconcile` for what the mirror missed"
                .to_owned(),
        ),
        None => (reason, "see the app's log".to_owned()),
    };
    (label.to_owned(), fix)
}

/// FAIL when a refusal came at or after the latest verified webhook (or none ever came):
/// the most recent thing that happened to a delivery was a refusal. Refusals followed
/// by verified webhooks are a WARN: secret and clock work now.
fn judge_refusals(
    rows: &[RefusalCount],
    now: i64,
    last_verified: Option<i64>,
    tolerance: u64,
) -> Line {
    // Deliveries of Paddle's webhook simulator are counted here too, but not refused.
    let rows: Vec<&RefusalCount> = rows
        .iter()
        .filter(|r| Reason::parse(&r.reason) != Some(Reason::Simulation))
        .collect();
    let total: i64 = rows.iter().map(|r| r.count).sum();
    let Some(latest) = rows.iter().map(|r| r.last_at).max().filter(|_| total > 0) else {
        return Line::pass(REFUSALS, "no delivery refused in the last 24 h");
    };
    let explained: Vec<(String, String)> =
        rows.iter().map(|r| explain(&r.reason, tolerance)).collect();
    let kinds: Vec<String> = rows
        .iter()
        .zip(&explained)
        .map(|(r, (label, _))| format!("{} {label}", r.count))
        .collect();
    let found = format!(
        "{} refused in the last 24 h, the latest {} ago: {}",
        count(total, "delivery", "deliveries"),
        ago(now, latest),
        kinds.join(", ")
    );
    let fix: Vec<String> = explained
        .iter()
        .map(|(label, fix)| format!("{label}: {fix}"))
        .collect();
    // Verified deliveries since show that the secret and the clock work; they do not
    // bring back the changes of events that could not be read.
    let unreadable = rows
        .iter()
        .any(|r| r.count > 0 && Reason::parse(&r.reason) == Some(Reason::Unreadable));
    let since = if unreadable {
        "but the mirror may lack the changes of the unreadable ones"
    } else {
        "so deliveries get through now"
    };
    match last_verified {
        Some(verified) if verified > latest => Line::warn(
            REFUSALS,
            format!(
                "{found}; verified webhooks arrived since (the latest {} ago), {since}",
                ago(now, verified)
            ),
        )
        .with_fix(fix.join("; ")),
        Some(_) => Line::fail(
            REFUSALS,
            format!("{found}; none verified since"),
            fix.join("; "),
        ),
        None => Line::fail(
            REFUSALS,
            format!("{found}; no delivery was ever verified"),
            fix.join("; "),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::doctor::Status;

    fn refused(reason: &str, count: i64, last_at: i64) -> RefusalCount {
        RefusalCount {
            reason: reason.into(),
            count,
            last_at,
        }
    }

    #[test]
    fn refusals_after_the_last_verified_webhook_fail_with_each_reason_and_fix() {
        let rows = [refused("wrong_secret", 2, 900), refused("stale", 1, 950)];
        let line = judge_refusals(&rows, 1000, Some(800), 5);
        assert_eq!(line.status, Status::Fail);
        let text = line.to_string();
        for needle in [
            "3 deliveries refused",
            "2 wrong secret",
            "1 stale timestamp",
            "PADDLE_WEBHOOK_SECRETS does not match",
            "NTP",
            "none verified since",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        assert_eq!(judge_refusals(&rows, 1000, None, 5).status, Status::Fail);
        // The same second counts as after: ambiguous, so it is reported.
        assert_eq!(
            judge_refusals(&rows, 1000, Some(950), 5).status,
            Status::Fail
        );
    }

    #[test]
    fn simulations_are_not_refusals() {
        let rows = [refused("simulation", 3, 900)];
        let line = judge_refusals(&rows, 1000, None, 5);
        assert_eq!(line.status, Status::Pass, "{line}");
        let rows = [refused("simulation", 3, 950), refused("stale", 1, 900)];
        let line = judge_refusals(&rows, 1000, Some(950), 5);
        assert_eq!(line.status, Status::Warn, "{line}");
        assert!(line.to_string().contains("1 delivery refused"), "{line}");
    }

    #[test]
    fn refusals_followed_by_verified_webhooks_only_warn() {
        let rows = [refused("wrong_secret", 4, 900)];
        let line = judge_refusals(&rows, 1000, Some(990), 5);
        assert_eq!(line.status, Status::Warn, "{line}");
        assert!(line.to_string().contains("get through now"), "{line}");
        assert_eq!(judge_refusals(&[], 1000, None, 5).status, Status::Pass);
    }

    #[test]
    fn unreadable_events_name_the_upgrade_and_reconcile_even_after_verified_ones() {
        let rows = [refused("unreadable", 3, 900)];
        let line = judge_refusals(&rows, 1000, Some(800), 5);
        assert_eq!(line.status, Status::Fail, "{line}");
        let text = line.to_string();
        for needle in [
            "3 deliveries refused",
            "3 signed but unreadable",
            "upgrade Paddock",
            "paddock reconcile",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
        let line = judge_refusals(&rows, 1000, Some(990), 5);
        assert_eq!(line.status, Status::Warn, "{line}");
        let text = line.to_string();
        assert!(text.contains("the mirror may lack"), "{text}");
        assert!(!text.contains("get through now"), "{text}");
    }
}
