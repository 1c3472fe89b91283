use super::*;

/// 2026-12-21T00:00:00Z.
const DEC_21: i64 = 1_797_811_200;

fn row(status: &str, scheduled_change: Option<&str>) -> SubscriptionRow {
    SubscriptionRow {
        id: "sub_01h04vsc0qhwtsbsxh3422wjs4".into(),
        customer_id: "ctm_01h04vsc0qhwtsbsxh3422wjs4".into(),
        status: status.into(),
        items: r#"[{"quantity": 1, "price": {"name": "Monthly", "description": "Pro (monthly)"},
                    "product": {"name": "Pro"}}]"#
            .into(),
        next_billed_at: Some(DEC_21),
        current_period_starts_at: None,
        current_period_ends_at: None,
        scheduled_change: scheduled_change.map(Into::into),
        paused_at: Some(DEC_21),
        canceled_at: Some(DEC_21),
        collection_mode: "automatic".into(),
        created_at: 0,
        updated_at: 0,
        occurred_at_us: 0,
    }
}

#[test]
fn an_active_subscription_names_product_price_and_next_bill() {
    let view = view_of(&row("active", None));
    assert_eq!(view.product, "Pro");
    assert_eq!(view.price, "Monthly");
    assert_eq!(view.status, "Active");
    assert_eq!(view.next_bill.as_deref(), Some("21 Dec 2026"));
    assert_eq!(view.note, None);
    assert!(view.can_cancel && view.can_update_payment);
}

#[test]
fn a_scheduled_cancellation_is_said_in_words_and_hides_cancel() {
    let change = r#"{"action":"cancel","effective_at":"2026-12-21T00:00:00Z","resume_at":null}"#;
    let view = view_of(&row("active", Some(change)));
    assert_eq!(view.note.as_deref(), Some("Cancels on 21 Dec 2026"));
    assert!(!view.can_cancel);
    assert!(view.can_update_payment);
    let pause = r#"{"action":"pause","effective_at":"2026-12-21T10:00:00.000000Z"}"#;
    let view = view_of(&row("active", Some(pause)));
    assert_eq!(view.note.as_deref(), Some("Pauses on 21 Dec 2026"));
    assert!(view.can_cancel);
}

#[test]
fn canceled_and_paused_say_since_when_and_have_no_next_bill() {
    let view = view_of(&row("canceled", None));
    assert_eq!(view.status, "Canceled");
    assert_eq!(view.note.as_deref(), Some("Canceled on 21 Dec 2026"));
    assert_eq!(view.next_bill, None);
    assert!(!view.can_cancel && !view.can_update_payment);
    let view = view_of(&row("paused", None));
    assert_eq!(view.status, "Paused");
    assert_eq!(view.note.as_deref(), Some("Paused since 21 Dec 2026"));
    assert_eq!(view.next_bill, None);
}

#[test]
fn unreadable_items_still_give_a_row() {
    let mut bad = row("past_due", None);
    bad.items = "not json".into();
    let view = view_of(&bad);
    assert_eq!(view.product, "Subscription");
    assert_eq!(view.price, "");
    assert_eq!(view.status, "Past due");
}

#[test]
fn several_items_are_joined() {
    let mut two = row("trialing", None);
    two.items = r#"[{"price": {"name": "Monthly"}, "product": {"name": "Pro"}},
                    {"price": {"name": null, "description": "Seats"}, "product": {"name": "Seats"}}]"#
        .into();
    let view = view_of(&two);
    assert_eq!(view.product, "Pro, Seats");
    assert_eq!(view.price, "Monthly, Seats");
    assert_eq!(view.status, "Trialing");
}
