use super::*;
use crate::server::doctor::Status;

const FIX: &str =
    "point your notification destination at https://billing.example.com/webhooks/paddle";

#[test]
fn no_webhook_ever_fails_with_the_url_to_point_paddle_at() {
    let line = judge_received(None, &[], 1000, FIX, Some(false), None);
    assert_eq!(line.status, Status::Fail);
    assert!(line.to_string().contains(FIX), "{line}");
    // Before the first sale there is nothing to send: a warning, with the same advice.
    let line = judge_received(None, &[], 1000, FIX, Some(true), None);
    assert_eq!(line.status, Status::Warn);
    assert!(line.to_string().contains(FIX), "{line}");
}

#[test]
fn the_last_webhook_is_dated_and_the_day_counted_by_type() {
    let types = [
        ("subscription.updated".to_owned(), 30),
        ("customer.created".to_owned(), 12),
    ];
    let line = judge_received(Some(820), &types, 1000, FIX, None, None);
    assert_eq!(
        line.to_string(),
        "PASS webhooks received: last verified webhook 3 min ago; last 24 h: \
         30 subscription.updated, 12 customer.created"
    );
}

#[test]
fn verified_simulations_say_the_destination_works_before_any_event_is_stored() {
    let line = judge_received(None, &[], 1000, FIX, Some(true), Some((2, 880)));
    assert_eq!(line.status, Status::Warn, "{line}");
    let text = line.to_string();
    for needle in [
        "no event stored yet",
        "2 Paddle webhook simulations verified in the last 24 h, the latest 2 min ago",
        "the destination and the secret work",
        "Paddle lists no customer or subscription",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // Paddle has (or may have) customers, yet only simulations came: real events do not
    // reach this destination.
    for paddle_empty in [Some(false), None] {
        let line = judge_received(None, &[], 1000, FIX, paddle_empty, Some((2, 880)));
        assert_eq!(line.status, Status::Fail, "{line}");
        let text = line.to_string();
        for needle in ["no real event ever arrived", "simulated traffic only", FIX] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }
    let types = [("customer.created".to_owned(), 1)];
    let line = judge_received(Some(820), &types, 1000, FIX, None, Some((1, 990)));
    assert_eq!(line.status, Status::Pass, "{line}");
    assert!(
        line.to_string()
            .ends_with("1 customer.created; also 1 Paddle webhook simulation verified in the last 24 h, the latest 10 s ago (answered, not stored: simulated data)"),
        "{line}"
    );
}
