//! `Event::decode`: customers and subscriptions in the spec's shape decode to their type,
//! and one changed field decodes or not as that field's rule says.

use paddle::{Customer, Event, EventData, Subscription};
use proptest::option::weighted;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::Value;

use crate::check;
use crate::event::envelope;
use crate::event_shapes::{
    CUSTOMER, Mutation, SUBSCRIPTION, customer, mutate, mutation, subscription,
};
use crate::json::timestamp;

fn customer_matches(c: &Customer, data: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(Some(c.id.as_str()), data["id"].as_str());
    prop_assert_eq!(Some(c.email.as_str()), data["email"].as_str());
    prop_assert_eq!(c.name.as_deref(), data["name"].as_str());
    prop_assert_eq!(
        c.status.as_str(),
        data["status"].as_str().unwrap_or("active")
    );
    prop_assert_eq!(c.locale.as_str(), data["locale"].as_str().unwrap_or("en"));
    let consent = data["marketing_consent"].as_bool().unwrap_or_default();
    prop_assert_eq!(c.marketing_consent, consent);
    Ok(())
}

fn subscription_matches(s: &Subscription, data: &Value) -> Result<(), TestCaseError> {
    prop_assert_eq!(Some(s.id.as_str()), data["id"].as_str());
    prop_assert_eq!(Some(s.status.as_str()), data["status"].as_str());
    prop_assert_eq!(Some(s.customer_id.as_str()), data["customer_id"].as_str());
    prop_assert_eq!(
        Some(s.currency_code.as_str()),
        data["currency_code"].as_str()
    );
    prop_assert_eq!(&s.items.to_json(), &data["items"]);
    prop_assert_eq!(
        s.scheduled_change.is_some(),
        !data["scheduled_change"].is_null()
    );
    prop_assert_eq!(
        s.transaction_id.as_ref().map(|t| t.as_str()),
        data["transaction_id"].as_str()
    );
    Ok(())
}

/// A customer or subscription (index 0 or 1 into `CUSTOMER`/`SUBSCRIPTION`), maybe mutated.
fn shaped() -> impl Strategy<Value = (usize, Value, Option<(Index, Mutation)>)> {
    let change = || weighted(0.8, (any::<Index>(), mutation()));
    prop_oneof![
        (Just(0), customer(), change()),
        (Just(1), subscription(), change()),
    ]
}

#[test]
fn known_shapes_decode_to_their_type_and_mutations_follow_the_field_rules() {
    let verb = prop_oneof![
        select(
            &[
                "created", "updated", "imported", "canceled", "past_due", "paused"
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z_]{0,12}",
    ];
    let entity = select(&["", "transaction", "customers", "Customer", "address", "sub"][..]);
    let renamed = weighted(0.2, entity);
    let strategy = (shaped(), verb, renamed, timestamp());
    check(
        "event_known_shapes",
        strategy,
        |((which, mut data, change), verb, renamed, at)| {
            let mut decodes = true;
            if let Some((field, m)) = &change {
                let table: &[_] = if which == 0 { &CUSTOMER } else { &SUBSCRIPTION };
                decodes = mutate(&mut data, table[field.index(table.len())], m);
            }
            let entity = renamed.unwrap_or(["customer", "subscription"][which]);
            let event_type = format!("{entity}.{verb}");
            let body = serde_json::to_vec(&envelope(&event_type, data.clone(), &at.0)).unwrap();
            let event = Event::parse(&body).unwrap();
            let decoded = event.decode();
            match (renamed, decoded) {
                (Some(_), Ok(EventData::Other)) => Ok(()),
                (None, Err(e)) if !decodes => {
                    prop_assert!(e.is_data(), "{e}");
                    Ok(())
                }
                (None, Ok(EventData::Customer(c))) if decodes && which == 0 => {
                    customer_matches(&c, &data)
                }
                (None, Ok(EventData::Subscription(s))) if decodes && which == 1 => {
                    subscription_matches(&s, &data)
                }
                (_, got) => Err(TestCaseError::fail(format!(
                    "{event_type} (expected to decode: {decodes}) gave {got:?}\n{data}"
                ))),
            }
        },
    );
}
