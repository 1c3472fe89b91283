//! New customers and subscriptions, shaped like Paddle's.

use paddle::SubscriptionStatus;
use paddle::entities::{BillingCycle, CollectionMode, Interval, SubscriptionItems, TimePeriod};
use paddle::{AddressId, Customer, CustomerId, CustomerStatus, Subscription, SubscriptionId};
use serde_json::json;
use time::{Date, Month, OffsetDateTime};

use super::catalog::Plan;

/// Now, in UTC, to the microsecond (Paddle's precision).
pub(crate) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.nanosecond() / 1_000;
    now.replace_nanosecond(micros * 1_000).unwrap_or(now)
}

/// RFC 3339 with exactly six fractional digits, as in Paddle's `occurred_at`.
pub(crate) fn rfc3339_micros(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// `at` plus `months` calendar months, the day clamped to the target month's length.
pub(crate) fn add_months(at: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = i64::from(u8::from(at.month()) - 1) + i64::from(months);
    let year = at.year() + i32::try_from(total / 12).unwrap_or(0);
    let month =
        Month::try_from(u8::try_from(total % 12 + 1).unwrap_or(1)).unwrap_or(Month::January);
    let day = at.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).map_or(at, |date| at.replace_date(date))
}

/// The end of a billing period that starts at `start`.
pub(crate) fn period_end(start: OffsetDateTime, interval: Interval) -> OffsetDateTime {
    match interval {
        Interval::Day => start + time::Duration::days(1),
        Interval::Week => start + time::Duration::weeks(1),
        Interval::Month => add_months(start, 1),
        Interval::Year => add_months(start, 12),
    }
}

/// A new active customer.
pub(crate) fn new_customer(email: &str, name: Option<&str>, at: OffsetDateTime) -> Customer {
    Customer {
        id: CustomerId::generate_at(at),
        name: name.map(str::to_owned),
        email: email.to_owned(),
        marketing_consent: false,
        status: CustomerStatus::Active,
        custom_data: None,
        locale: "en".to_owned(),
        created_at: at,
        updated_at: at,
        import_meta: None,
    }
}

/// A new subscription to `plan`: active and just billed for its first period, or
/// trialing until its trial ends if the plan has a trial.
pub(crate) fn new_subscription(
    customer_id: &CustomerId,
    plan: Plan,
    at: OffsetDateTime,
) -> Result<Subscription, serde_json::Error> {
    let trial_end = plan
        .trial_days
        .map(|days| at + time::Duration::days(i64::from(days)));
    let ends_at = trial_end.unwrap_or_else(|| period_end(at, plan.interval));
    let stamp = |t: OffsetDateTime| rfc3339_micros(t);
    let (status, billed) = match trial_end {
        Some(_) => (SubscriptionStatus::Trialing, None),
        None => (SubscriptionStatus::Active, Some(at)),
    };
    let item = json!({
        "status": status.as_str(),
        "quantity": 1,
        "recurring": true,
        "created_at": stamp(at),
        "updated_at": stamp(at),
        "previously_billed_at": billed.map(stamp),
        "next_billed_at": stamp(ends_at),
        "trial_dates": trial_end.map(|end| json!({"starts_at": stamp(at), "ends_at": stamp(end)})),
        "price": plan.price_json(),
        "product": plan.product_json(),
    });
    Ok(Subscription {
        id: SubscriptionId::generate_at(at),
        status,
        customer_id: customer_id.clone(),
        address_id: AddressId::generate(),
        business_id: None,
        currency_code: "USD".to_owned(),
        created_at: at,
        updated_at: at,
        started_at: Some(at),
        first_billed_at: billed,
        next_billed_at: Some(ends_at),
        paused_at: None,
        canceled_at: None,
        discount: None,
        collection_mode: CollectionMode::Automatic,
        billing_details: None,
        current_billing_period: Some(TimePeriod {
            starts_at: at,
            ends_at,
        }),
        billing_cycle: BillingCycle {
            interval: plan.interval,
            frequency: 1,
        },
        scheduled_change: None,
        management_urls: None,
        items: SubscriptionItems::from_raw(vec![item])?,
        custom_data: None,
        import_meta: None,
        transaction_id: None,
    })
}

/// Sets `field` of every item to `value` (items are kept as Paddle's raw JSON).
pub(crate) fn set_item_field(
    sub: &mut Subscription,
    field: &str,
    value: serde_json::Value,
) -> Result<(), serde_json::Error> {
    let mut raw = sub.items.raw().to_vec();
    for item in &mut raw {
        if let Some(object) = item.as_object_mut() {
            object.insert(field.to_owned(), value.clone());
        }
    }
    sub.items = SubscriptionItems::from_raw(raw)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;
    use time::macros::datetime;

    #[test]
    fn months_are_added_on_the_calendar_with_the_day_clamped() {
        assert_eq!(
            add_months(datetime!(2024-01-31 10:00 UTC), 1),
            datetime!(2024-02-29 10:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2024-12-15 10:00 UTC), 1),
            datetime!(2025-01-15 10:00 UTC)
        );
        assert_eq!(
            add_months(datetime!(2024-02-29 00:00 UTC), 12),
            datetime!(2025-02-28 00:00 UTC)
        );
    }

    #[test]
    fn timestamps_have_six_fractional_digits() {
        let at = datetime!(2024-04-12 10:18:49.62 UTC);
        assert_eq!(rfc3339_micros(at), "2024-04-12T10:18:49.620000Z");
        assert_eq!(now().nanosecond() % 1_000, 0);
    }

    #[test]
    fn a_new_subscription_is_active_for_one_period_with_a_whole_item() {
        let customer = CustomerId::generate();
        let at = datetime!(2024-04-12 10:18:49 UTC);
        let sub = new_subscription(&customer, Plan::find(None).unwrap(), at).unwrap();
        assert_eq!(sub.status, SubscriptionStatus::Active);
        assert_eq!(sub.next_billed_at, Some(datetime!(2024-05-12 10:18:49 UTC)));
        let item = &sub.items.raw()[0];
        assert_eq!(item["price"]["unit_price"]["amount"], "3000");
        assert_eq!(item["product"]["name"], "Pro");
    }

    #[test]
    fn a_trial_plan_starts_trialing_unbilled_until_the_trial_ends() {
        let at = datetime!(2024-04-12 10:18:49 UTC);
        let plan = Plan::find(Some("pro-trial")).unwrap();
        let sub = new_subscription(&CustomerId::generate(), plan, at).unwrap();
        assert_eq!(sub.status, SubscriptionStatus::Trialing);
        assert_eq!(sub.first_billed_at, None);
        assert_eq!(sub.next_billed_at, Some(datetime!(2024-04-26 10:18:49 UTC)));
        let item = &sub.items.raw()[0];
        assert_eq!(item["status"], "trialing");
        assert_eq!(
            item["trial_dates"]["ends_at"],
            "2024-04-26T10:18:49.000000Z"
        );
    }
}
