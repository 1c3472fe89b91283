//! Customers and subscriptions in the spec's shape, written as JSON by hand (not by our
//! `Serialize`), and the rules each field follows, to predict what a mutation does.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

use crate::json::{id, string, timestamp};

/// What a missing or `null` field does.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Missing or `null`: refused.
    Required,
    /// Missing: a default; `null`: refused.
    Defaulted,
    /// Missing or `null`: `None`.
    Nullable,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Any string.
    Str,
    /// A string with a format: an id, a timestamp or an enum word.
    Text,
    Bool,
    /// A number that fits in a `u32`.
    Uint,
    Object,
    Array,
    /// Kept as raw JSON: anything fits.
    Any,
}

use Kind::*;
use Rule::*;

pub type Field = (&'static str, Rule, Kind);

pub const CUSTOMER: [Field; 12] = [
    ("/id", Required, Text),
    ("/name", Nullable, Str),
    ("/email", Required, Str),
    ("/marketing_consent", Defaulted, Bool),
    ("/status", Defaulted, Text),
    ("/custom_data", Nullable, Object),
    ("/locale", Defaulted, Str),
    ("/created_at", Required, Text),
    ("/updated_at", Required, Text),
    ("/import_meta", Nullable, Object),
    ("/import_meta/imported_from", Required, Str),
    ("/import_meta/external_id", Nullable, Str),
];

pub const SUBSCRIPTION: [Field; 44] = [
    ("/id", Required, Text),
    ("/status", Required, Text),
    ("/customer_id", Required, Text),
    ("/address_id", Required, Text),
    ("/business_id", Nullable, Text),
    ("/currency_code", Required, Str),
    ("/created_at", Required, Text),
    ("/updated_at", Required, Text),
    ("/started_at", Nullable, Text),
    ("/first_billed_at", Nullable, Text),
    ("/next_billed_at", Nullable, Text),
    ("/paused_at", Nullable, Text),
    ("/canceled_at", Nullable, Text),
    ("/discount", Nullable, Any),
    ("/collection_mode", Required, Text),
    ("/billing_details", Nullable, Any),
    ("/current_billing_period", Nullable, Object),
    ("/current_billing_period/starts_at", Required, Text),
    ("/current_billing_period/ends_at", Required, Text),
    ("/billing_cycle", Required, Object),
    ("/billing_cycle/interval", Required, Text),
    ("/billing_cycle/frequency", Required, Uint),
    ("/scheduled_change", Nullable, Object),
    ("/scheduled_change/action", Required, Text),
    ("/scheduled_change/effective_at", Required, Text),
    ("/scheduled_change/resume_at", Nullable, Text),
    ("/management_urls", Nullable, Object),
    ("/management_urls/cancel", Required, Str),
    ("/management_urls/view_subscription", Nullable, Str),
    ("/items", Required, Array),
    ("/items/0/status", Required, Text),
    ("/items/0/quantity", Required, Uint),
    ("/items/0/recurring", Required, Bool),
    ("/items/0/created_at", Required, Text),
    ("/items/0/next_billed_at", Nullable, Text),
    ("/items/0/trial_dates", Nullable, Object),
    ("/items/0/price/id", Required, Text),
    ("/items/0/price/product_id", Required, Text),
    ("/items/0/price/billing_cycle", Nullable, Object),
    ("/items/0/price/unit_price/amount", Required, Str),
    ("/items/0/product/id", Required, Text),
    ("/items/0/product/name", Required, Str),
    ("/custom_data", Nullable, Object),
    ("/transaction_id", Nullable, Text),
];

/// One change to one field.
#[derive(Debug, Clone)]
pub enum Mutation {
    Remove,
    Null,
    /// A value that is neither a string, an object nor null.
    Replace(Value),
    /// Appends `!` to a string, or puts the string `"!"` in place of anything else.
    Spoil,
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    let other = prop_oneof![
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        proptest::collection::vec(any::<i32>().prop_map(Value::from), 0..3).prop_map(Value::Array),
    ];
    prop_oneof![
        Just(Mutation::Remove),
        Just(Mutation::Null),
        other.prop_map(Mutation::Replace),
        Just(Mutation::Spoil),
    ]
}

/// Applies `m` to the field at `path` of `data`; says whether the entity still decodes.
pub fn mutate(data: &mut Value, (path, rule, kind): Field, m: &Mutation) -> bool {
    let (parent, key) = path.rsplit_once('/').unwrap();
    let parent = data.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    if let Mutation::Remove = m {
        parent.remove(key).unwrap();
        return rule != Required;
    }
    let slot = parent.get_mut(key).unwrap();
    match m {
        Mutation::Remove => unreachable!(),
        Mutation::Null => {
            *slot = Value::Null;
            rule == Nullable
        }
        Mutation::Replace(v) => {
            *slot = v.clone();
            match kind {
                Bool => v.is_boolean(),
                Uint => v.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)),
                Array => v.as_array().is_some_and(Vec::is_empty),
                Any => true,
                Str | Text | Object => false,
            }
        }
        Mutation::Spoil => {
            *slot = Value::String(format!("{}!", slot.as_str().unwrap_or_default()));
            matches!(kind, Str | Any)
        }
    }
}

fn word(words: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    select(words)
}

pub fn customer() -> impl Strategy<Value = Value> {
    let who = (id("ctm_"), string(), string(), any::<bool>());
    let status = word(&["active", "archived"]);
    let more = (status, string(), string(), timestamp(), timestamp());
    (who, more).prop_map(
        |((id, name, email, consent), (status, locale, from, a, b))| {
            json!({"id": id, "name": name, "email": email, "marketing_consent": consent,
               "status": status, "custom_data": {"k": locale}, "locale": locale,
               "created_at": a.0, "updated_at": b.0,
               "import_meta": {"imported_from": from, "external_id": null}})
        },
    )
}

fn item() -> impl Strategy<Value = Value> {
    let status = word(&["active", "inactive", "trialing"]);
    let ids = (id("pri_"), id("pro_"), string(), 1u32..1000, status);
    (ids, timestamp()).prop_map(|((price, product, name, quantity, status), at)| {
        json!({"status": status, "quantity": quantity,
               "recurring": true, "created_at": at.0, "updated_at": at.0,
               "previously_billed_at": null, "next_billed_at": at.0,
               "trial_dates": {"starts_at": at.0, "ends_at": at.0},
               "price": {"id": price, "product_id": product, "name": name,
                         "billing_cycle": {"interval": "month", "frequency": 1},
                         "unit_price": {"amount": "3000", "currency_code": "USD"}},
               "product": {"id": product, "name": name, "extra": [1, 2]}})
    })
}

pub fn subscription() -> impl Strategy<Value = Value> {
    let ids = (id("sub_"), id("ctm_"), id("add_"), id("biz_"), id("txn_"));
    let status = word(&["active", "canceled", "past_due", "paused", "trialing"]);
    let mode = word(&["automatic", "manual"]);
    let interval = word(&["day", "week", "month", "year"]);
    let action = word(&["cancel", "pause", "resume"]);
    let how = (status, mode, interval, 1u32..=12, action, "[A-Z]{3}");
    let items = proptest::collection::vec(item(), 1..4);
    (ids, how, (timestamp(), timestamp(), items)).prop_map(|(ids, how, (a, b, items))| {
        let (id, ctm, add, biz, txn) = ids;
        let (status, mode, interval, frequency, action, currency) = how;
        json!({"id": id, "status": status, "customer_id": ctm, "address_id": add,
               "business_id": biz, "currency_code": currency, "created_at": a.0,
               "updated_at": b.0, "started_at": a.0, "first_billed_at": a.0,
               "next_billed_at": b.0, "paused_at": null, "canceled_at": null,
               "discount": {"id": "dsc_1"}, "collection_mode": mode, "billing_details": null,
               "current_billing_period": {"starts_at": a.0, "ends_at": b.0},
               "billing_cycle": {"interval": interval, "frequency": frequency},
               "scheduled_change": {"action": action, "effective_at": b.0, "resume_at": null},
               "management_urls": {"cancel": "https://x/c", "update_payment_method": null,
                                   "view_subscription": "https://x/v"},
               "items": items, "custom_data": {"n": 1}, "import_meta": null,
               "transaction_id": txn})
    })
}
