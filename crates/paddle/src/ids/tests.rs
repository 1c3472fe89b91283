#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use super::*;

const CTM: &str = "ctm_01hv6y1jedq4p1n0yqn5ba3ky4";

#[test]
fn parses_a_valid_id_and_displays_it_unchanged() {
    let id = CustomerId::parse(CTM).unwrap();
    assert_eq!(id.as_str(), CTM);
    assert_eq!(id.to_string(), CTM);
    assert_eq!(id.as_ref(), CTM);
    assert_eq!(String::from(id), CTM);
}

#[test]
fn parses_every_kind_with_its_own_prefix() {
    let body = "01h04vsc0qhwtsbsxh3422wjs4";
    assert!(SubscriptionId::parse(format!("sub_{body}")).is_ok());
    assert!(PortalSessionId::parse(format!("cpls_{body}")).is_ok());
    assert!(PortalLinkId::parse(format!("cpl_{body}")).is_ok());
    assert!(EventId::parse(format!("evt_{body}")).is_ok());
    assert!(NotificationId::parse(format!("ntf_{body}")).is_ok());
    assert!(AddressId::parse(format!("add_{body}")).is_ok());
    assert!(BusinessId::parse(format!("biz_{body}")).is_ok());
    assert!(PriceId::parse(format!("pri_{body}")).is_ok());
    assert!(ProductId::parse(format!("pro_{body}")).is_ok());
    assert!(TransactionId::parse(format!("txn_{body}")).is_ok());
}

#[test]
fn rejects_a_wrong_prefix() {
    let err = SubscriptionId::parse(CTM).unwrap_err();
    assert_eq!(err.prefix, "sub_");
    assert_eq!(err.kind, "subscription");
    // `cpl_` (the portal's own link id) is not `cpls_`.
    assert!(PortalSessionId::parse("cpl_01j7zbyqs3vah3aafp4jf62qaw").is_err());
    assert!(PortalLinkId::parse("cpls_01h4ge9r64c22exjsx0fy8b48b").is_err());
    // The prefix must be at the start, not merely somewhere.
    assert!(CustomerId::parse(format!("x{CTM}")).is_err());
}

#[test]
fn rejects_a_wrong_length() {
    assert!(CustomerId::parse("ctm_").is_err());
    assert!(CustomerId::parse("ctm_01hv6y1jedq4p1n0yqn5ba3ky").is_err()); // 25
    assert!(CustomerId::parse(format!("{CTM}0")).is_err()); // 27
    assert!(CustomerId::parse("").is_err());
}

#[test]
fn rejects_upper_case_and_other_characters() {
    assert!(CustomerId::parse("ctm_01HV6Y1JEDQ4P1N0YQN5BA3KY4").is_err());
    assert!(CustomerId::parse("CTM_01hv6y1jedq4p1n0yqn5ba3ky4").is_err());
    assert!(CustomerId::parse("ctm_01hv6y1jedq4p1n0yqn5ba3k-4").is_err());
    assert!(CustomerId::parse("ctm_01hv6y1jedq4p1n0yqn5ba3k 4").is_err());
    // 26 bytes, but not 26 ASCII characters: `\d` and `[a-z]` mean ASCII here.
    let non_ascii = format!("ctm_{}é", "0".repeat(24));
    assert_eq!(non_ascii.len(), 4 + ID_BODY_LEN);
    assert!(CustomerId::parse(non_ascii).is_err());
}

#[test]
fn serde_round_trips_a_valid_id_as_a_plain_string() {
    let id: CustomerId = serde_json::from_str(&format!("\"{CTM}\"")).unwrap();
    assert_eq!(id.as_str(), CTM);
    assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{CTM}\""));
}

#[test]
fn serde_rejects_bad_ids() {
    assert!(serde_json::from_str::<CustomerId>("\"sub_01h04vsc0qhwtsbsxh3422wjs4\"").is_err());
    assert!(serde_json::from_str::<CustomerId>("\"ctm_short\"").is_err());
    assert!(serde_json::from_str::<CustomerId>("\"ctm_01HV6Y1JEDQ4P1N0YQN5BA3KY4\"").is_err());
    assert!(serde_json::from_str::<CustomerId>("42").is_err());
    assert!(serde_json::from_str::<CustomerId>("null").is_err());
}

#[test]
fn error_message_names_the_expected_shape() {
    let msg = EventId::parse("nope").unwrap_err().to_string();
    assert!(msg.contains("event"), "{msg}");
    assert!(msg.contains("evt_"), "{msg}");
}

#[test]
fn generated_ids_are_valid_distinct_and_time_ordered() {
    let a = SubscriptionId::generate();
    std::thread::sleep(std::time::Duration::from_millis(2));
    let b = SubscriptionId::generate();
    assert!(SubscriptionId::parse(a.as_str()).is_ok(), "{a}");
    assert!(PortalSessionId::parse(PortalSessionId::generate().into_string()).is_ok());
    assert!(PortalLinkId::parse(PortalLinkId::generate().into_string()).is_ok());
    assert_ne!(a, b);
    assert!(a < b, "{a} should sort before {b}");
}

#[test]
fn ids_generated_at_an_instant_sort_by_that_instant() {
    let later = TransactionId::generate_at(time::macros::datetime!(2031-05-01 00:00 UTC));
    let earlier = TransactionId::generate_at(time::macros::datetime!(2031-04-01 00:00 UTC));
    assert!(TransactionId::parse(later.as_str()).is_ok(), "{later}");
    assert!(earlier < later, "{earlier} should sort before {later}");
    assert!(TransactionId::generate() < earlier, "now sorts before 2031");
}
