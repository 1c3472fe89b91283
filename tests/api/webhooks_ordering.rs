//! Mirror ordering: `occurred_at` decides, not arrival; `canceled` is final; a
//! subscription may come before its customer; racing duplicates apply once.
use crate::common::webhooks::{
    T1, T2, bytes, customer, customer_data, envelope, event_count, fresh_id, subscription_data,
    subscriptions,
};
use crate::common::{backends, spawn_app_on};
use paddock::server::db::mirror;

#[tokio::test]
async fn an_older_event_arriving_later_does_not_overwrite_a_newer_one() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
        let newer = envelope(
            "subscription.paused",
            &fresh_id("evt"),
            T2,
            subscription_data(&sub, &ctm, "paused"),
        );
        let older = envelope(
            "subscription.updated",
            &fresh_id("evt"),
            T1,
            subscription_data(&sub, &ctm, "past_due"),
        );
        assert_eq!(app.post_event(&newer).await, 200);
        assert_eq!(
            app.post_event(&older).await,
            200,
            "{backend:?}: stored, not applied"
        );
        let rows = subscriptions(&app.db, &ctm).await;
        assert_eq!(rows[0].status, "paused", "{backend:?}");
        assert_eq!(event_count(&app.db).await, 2);

        let id = fresh_id("ctm");
        let newer = envelope(
            "customer.updated",
            &fresh_id("evt"),
            T2,
            customer_data(&id, "new@x.io"),
        );
        let older = envelope(
            "customer.created",
            &fresh_id("evt"),
            T1,
            customer_data(&id, "old@x.io"),
        );
        assert_eq!(app.post_event(&newer).await, 200);
        assert_eq!(app.post_event(&older).await, 200);
        assert_eq!(customer(&app.db, &id).await.expect("row").email, "new@x.io");

        // In order, the later event does apply.
        let later = envelope(
            "customer.updated",
            &fresh_id("evt"),
            "2024-04-12T10:00:01Z",
            customer_data(&id, "later@x.io"),
        );
        assert_eq!(app.post_event(&later).await, 200);
        assert_eq!(
            customer(&app.db, &id).await.expect("row").email,
            "later@x.io"
        );
    }
}

#[tokio::test]
async fn canceled_is_final_even_against_newer_events() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
        let canceled = envelope(
            "subscription.canceled",
            &fresh_id("evt"),
            T1,
            subscription_data(&sub, &ctm, "canceled"),
        );
        let active = envelope(
            "subscription.updated",
            &fresh_id("evt"),
            T2,
            subscription_data(&sub, &ctm, "active"),
        );
        assert_eq!(app.post_event(&canceled).await, 200);
        assert_eq!(app.post_event(&active).await, 200);
        assert_eq!(
            subscriptions(&app.db, &ctm).await[0].status,
            "canceled",
            "{backend:?}"
        );
    }
}

/// Two ids of one shape whose order is known: `lo` < `hi`.
fn ordered_event_ids() -> (String, String) {
    let id = fresh_id("evt");
    let stem = &id[..id.len() - 1];
    (format!("{stem}0"), format!("{stem}1"))
}

/// The row of `sub` (status and `occurred_at` in µs) after `events` arrive in that order.
async fn row_after(
    events: &[&serde_json::Value],
    backend: crate::common::Backend,
) -> (String, i64) {
    let app = spawn_app_on(backend).await;
    for event in events {
        assert_eq!(app.post_event(event).await, 200, "{backend:?}");
    }
    let ctm = events[0]["data"]["customer_id"]
        .as_str()
        .expect("customer id");
    let rows = subscriptions(&app.db, ctm).await;
    (rows[0].status.clone(), rows[0].occurred_at_us)
}

#[tokio::test]
async fn around_a_cancellation_every_arrival_order_ends_in_the_same_row() {
    const T1_US: i64 = 1_712_916_000_000_001;
    const T2_US: i64 = T1_US + 1;
    for backend in backends() {
        let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
        let data = |status| subscription_data(&sub, &ctm, status);
        let (lo, hi) = ordered_event_ids();
        // A cancellation, then (by occurred_at) an event that still says active.
        let canceled = envelope("subscription.canceled", &lo, T1, data("canceled"));
        let active = envelope("subscription.updated", &hi, T2, data("active"));
        // The same two at the same moment: the active one has the greater id.
        let active_tie = envelope("subscription.updated", &hi, T1, data("active"));
        // Paddle's own sequence: `subscription.updated` (already canceled), then
        // `subscription.canceled` a moment later.
        let updated = envelope("subscription.updated", &lo, T1, data("canceled"));
        let canceled_later = envelope("subscription.canceled", &hi, T2, data("canceled"));
        for (pair, expected) in [
            ([&canceled, &active], ("canceled", T1_US)),
            ([&canceled, &active_tie], ("canceled", T1_US)),
            ([&updated, &canceled_later], ("canceled", T2_US)),
        ] {
            let forward = row_after(&[pair[0], pair[1]], backend).await;
            let backward = row_after(&[pair[1], pair[0]], backend).await;
            let expected = (expected.0.to_owned(), expected.1);
            assert_eq!(
                forward, expected,
                "{backend:?}: {} first",
                pair[0]["event_type"]
            );
            assert_eq!(
                backward, expected,
                "{backend:?}: {} first",
                pair[1]["event_type"]
            );
        }
    }
}

#[tokio::test]
async fn a_subscription_before_its_customer_is_applied_and_bridged_later() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
        let email = format!("{}@example.com", fresh_id("u"));
        let s = envelope(
            "subscription.created",
            &fresh_id("evt"),
            T2,
            subscription_data(&sub, &ctm, "active"),
        );
        assert_eq!(app.post_event(&s).await, 200, "{backend:?}");
        assert!(
            mirror::customer_by_email(&app.db, &email).await.expect("q") == mirror::Bridge::Nobody
        );

        let c = envelope(
            "customer.created",
            &fresh_id("evt"),
            T1,
            customer_data(&ctm, &email.to_uppercase()),
        );
        assert_eq!(app.post_event(&c).await, 200);
        let found = mirror::customer_by_email(&app.db, &format!(" {email} "))
            .await
            .expect("q");
        let found = found.one().expect("the bridge finds the customer by email");
        assert_eq!(found.id, ctm);
        let subs = mirror::subscriptions_for(&app.db, &found.id)
            .await
            .expect("q");
        assert_eq!(
            subs.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            [sub.as_str()]
        );
    }
}

#[tokio::test]
async fn twenty_concurrent_deliveries_of_one_event_apply_it_once() {
    for backend in backends() {
        let app = std::sync::Arc::new(spawn_app_on(backend).await);
        let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
        let body = bytes(&envelope(
            "subscription.created",
            &fresh_id("evt"),
            T1,
            subscription_data(&sub, &ctm, "active"),
        ));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (app, body) = (app.clone(), body.clone());
                tokio::spawn(
                    async move { app.post_webhook(&body, &app.webhook_secret).await.status() },
                )
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.expect("task"), 200, "{backend:?}");
        }
        assert_eq!(event_count(&app.db).await, 1, "{backend:?}");
        assert_eq!(subscriptions(&app.db, &ctm).await.len(), 1);
    }
}

/// Two events for one subscription with the same `occurred_at`: the one with the greater
/// `event_id` is applied, whichever arrives first, so every delivery order (and every
/// instance) ends in the same row.
#[tokio::test]
async fn a_tie_in_occurred_at_is_decided_by_the_greater_event_id_in_any_arrival_order() {
    for backend in backends() {
        let app = spawn_app_on(backend).await;
        for greater_first in [true, false] {
            let (sub, ctm) = (fresh_id("sub"), fresh_id("ctm"));
            let (low_id, high_id) = (fresh_id("evt"), fresh_id("evt"));
            assert!(low_id < high_id, "fresh ids sort by creation");
            let low = envelope(
                "subscription.past_due",
                &low_id,
                T1,
                subscription_data(&sub, &ctm, "past_due"),
            );
            let high = envelope(
                "subscription.paused",
                &high_id,
                T1,
                subscription_data(&sub, &ctm, "paused"),
            );
            let order = if greater_first {
                [&high, &low]
            } else {
                [&low, &high]
            };
            for event in order {
                assert_eq!(app.post_event(event).await, 200);
            }
            let rows = subscriptions(&app.db, &ctm).await;
            assert_eq!(
                rows[0].status, "paused",
                "{backend:?}, greater first: {greater_first}"
            );

            let id = fresh_id("ctm");
            let (low_id, high_id) = (fresh_id("evt"), fresh_id("evt"));
            let low = envelope(
                "customer.updated",
                &low_id,
                T1,
                customer_data(&id, "a@x.io"),
            );
            let high = envelope(
                "customer.updated",
                &high_id,
                T1,
                customer_data(&id, "b@x.io"),
            );
            let order = if greater_first {
                [&high, &low]
            } else {
                [&low, &high]
            };
            for event in order {
                assert_eq!(app.post_event(event).await, 200);
            }
            let email = customer(&app.db, &id).await.expect("row").email;
            assert_eq!(
                email, "b@x.io",
                "{backend:?}, greater first: {greater_first}"
            );
        }
    }
}
