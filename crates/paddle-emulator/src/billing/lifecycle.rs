//! The state changes a subscription goes through, each stamped with its billing time.

use paddle::entities::{BillingCycle, TimePeriod};
use paddle::{Subscription, SubscriptionStatus};
use serde_json::Value;
use time::OffsetDateTime;

use crate::state::entities::{period_end, rfc3339_micros, set_item_field};

/// The end of a billing period of `cycle` that starts at `start`.
pub(super) fn cycle_end(start: OffsetDateTime, cycle: BillingCycle) -> OffsetDateTime {
    (0..cycle.frequency.max(1)).fold(start, |end, _| period_end(end, cycle.interval))
}

fn stamp(at: OffsetDateTime) -> Value {
    Value::String(rfc3339_micros(at))
}

/// Starts the billing period at `at`: period, `next_billed_at`, items billed now.
pub(super) fn start_period(
    sub: &mut Subscription,
    at: OffsetDateTime,
) -> Result<(), serde_json::Error> {
    let ends_at = cycle_end(at, sub.billing_cycle);
    sub.current_billing_period = Some(TimePeriod {
        starts_at: at,
        ends_at,
    });
    sub.next_billed_at = Some(ends_at);
    sub.first_billed_at.get_or_insert(at);
    sub.updated_at = at;
    set_item_field(sub, "previously_billed_at", stamp(at))?;
    set_item_field(sub, "next_billed_at", stamp(ends_at))?;
    set_item_field(sub, "updated_at", stamp(at))
}

/// Sets the status, of the subscription and of its items.
pub(super) fn set_status(
    sub: &mut Subscription,
    status: SubscriptionStatus,
    at: OffsetDateTime,
) -> Result<(), serde_json::Error> {
    sub.status = status;
    sub.updated_at = at;
    let item_status = match status {
        SubscriptionStatus::Trialing => "trialing",
        SubscriptionStatus::Active | SubscriptionStatus::PastDue => "active",
        SubscriptionStatus::Paused | SubscriptionStatus::Canceled => "inactive",
    };
    set_item_field(sub, "status", Value::String(item_status.to_owned()))
}

/// No current period and nothing billed next: what a paused or canceled one has.
fn stop_billing(sub: &mut Subscription, at: OffsetDateTime) -> Result<(), serde_json::Error> {
    sub.current_billing_period = None;
    sub.next_billed_at = None;
    set_item_field(sub, "next_billed_at", Value::Null)?;
    set_item_field(sub, "updated_at", stamp(at))
}

/// Canceled at `at`: final.
pub(super) fn set_canceled(
    sub: &mut Subscription,
    at: OffsetDateTime,
) -> Result<(), serde_json::Error> {
    sub.canceled_at = Some(at);
    sub.scheduled_change = None;
    stop_billing(sub, at)?;
    set_status(sub, SubscriptionStatus::Canceled, at)
}

/// Paused at `at`, with a scheduled `resume` if `resume_at` is set.
pub(super) fn set_paused(
    sub: &mut Subscription,
    at: OffsetDateTime,
    resume_at: Option<OffsetDateTime>,
) -> Result<(), serde_json::Error> {
    sub.paused_at = Some(at);
    sub.scheduled_change = resume_at.map(|effective_at| paddle::ScheduledChange {
        action: paddle::ScheduledChangeAction::Resume,
        effective_at,
        resume_at: None,
    });
    stop_billing(sub, at)?;
    set_status(sub, SubscriptionStatus::Paused, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use paddle::entities::Interval;
    use time::macros::datetime;

    #[test]
    fn a_cycle_of_two_months_ends_two_calendar_months_later() {
        let cycle = BillingCycle {
            interval: Interval::Month,
            frequency: 2,
        };
        assert_eq!(
            cycle_end(datetime!(2027-01-15 08:00 UTC), cycle),
            datetime!(2027-03-15 08:00 UTC)
        );
    }
}
