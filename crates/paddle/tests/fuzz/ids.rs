//! Id parsers: `prefix` + 26 characters of `[a-z0-9]` parse, for their own kind only, and
//! display unchanged; anything else is refused, through every way in (`parse`,
//! `FromStr`, `TryFrom<String>`, serde).

use paddle::ids::*;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;

use crate::check;

/// One id type: its prefix, and what each way of reading a string gives.
struct Kind {
    prefix: &'static str,
    read: fn(&str) -> Reads,
}

/// `parse` as (Display, as_str) or its error; then `FromStr`, `TryFrom`, serde as the id text.
type Reads = (Result<(String, String), InvalidId>, [Option<String>; 3]);

macro_rules! kind {
    ($ty:ty) => {
        Kind {
            prefix: <$ty>::PREFIX,
            read: |s| {
                let parsed = <$ty>::parse(s).map(|id| (id.to_string(), id.as_str().to_owned()));
                let from_str = s.parse::<$ty>().ok().map(String::from);
                let try_from = <$ty>::try_from(s.to_owned()).ok().map(String::from);
                let serde = serde_json::from_value::<$ty>(Value::String(s.to_owned()));
                (parsed, [from_str, try_from, serde.ok().map(String::from)])
            },
        }
    };
}

const KINDS: [Kind; 11] = [
    kind!(CustomerId),
    kind!(SubscriptionId),
    kind!(PortalSessionId),
    kind!(PortalLinkId),
    kind!(EventId),
    kind!(NotificationId),
    kind!(AddressId),
    kind!(BusinessId),
    kind!(PriceId),
    kind!(ProductId),
    kind!(TransactionId),
];

/// The spec's `^{prefix}[a-z\d]{26}$`, counted in characters rather than bytes.
fn matches_pattern(prefix: &str, s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let head: Vec<char> = prefix.chars().collect();
    chars.len() == head.len() + 26
        && chars[..head.len()] == head[..]
        && chars[head.len()..]
            .iter()
            .all(|c| matches!(c, 'a'..='z' | '0'..='9'))
}

/// Reads `s` as every kind: accepted exactly when it matches that kind's pattern.
fn every_kind_agrees_with_the_pattern(s: &str) -> Result<(), TestCaseError> {
    for kind in &KINDS {
        let (parsed, others) = (kind.read)(s);
        let expected = matches_pattern(kind.prefix, s);
        match &parsed {
            Ok((display, as_str)) => {
                prop_assert!(expected, "{} accepted {s:?}", kind.prefix);
                prop_assert_eq!(display, s);
                prop_assert_eq!(as_str, s);
            }
            Err(e) => {
                prop_assert!(!expected, "{} refused {s:?}", kind.prefix);
                prop_assert_eq!(e.prefix, kind.prefix);
                prop_assert!(e.to_string().contains(kind.prefix));
            }
        }
        let text = parsed.ok().map(|(display, _)| display);
        for other in others {
            prop_assert_eq!(&other, &text, "ways in disagree on {:?}", s);
        }
    }
    Ok(())
}

fn valid_id() -> impl Strategy<Value = String> {
    (0..KINDS.len(), "[a-z0-9]{26}").prop_map(|(k, body)| format!("{}{body}", KINDS[k].prefix))
}

/// Characters that make an id almost right: upper case, separators, non-ASCII, anything.
fn odd_char() -> impl Strategy<Value = char> {
    prop_oneof![
        proptest::char::range('A', 'Z'),
        proptest::sample::select(vec!['_', '-', ' ', '\t', '\n', '\0', 'é', 'ı', 'K', '٣']),
        proptest::char::range('a', 'z'),
        any::<char>(),
    ]
}

/// One edit that takes a valid id near the edge of the pattern.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, char),
    Insert(Index, char),
    Delete(Index),
    Truncate(Index),
    Repeat(usize),
    Prefix(usize),
    Upper,
    Pad(String, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), odd_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
        (any::<Index>(), odd_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<Index>().prop_map(Edit::Delete),
        any::<Index>().prop_map(Edit::Truncate),
        (2usize..2_000).prop_map(Edit::Repeat),
        (0..KINDS.len()).prop_map(Edit::Prefix),
        Just(Edit::Upper),
        ("[ \t\r\n]{0,2}", "[ \t\r\n\0]{0,2}").prop_map(|(a, b)| Edit::Pad(a, b)),
    ]
}

fn apply(id: &str, edit: &Edit) -> String {
    let mut chars: Vec<char> = id.chars().collect();
    match edit {
        Edit::Replace(i, c) => chars[i.index(id.len())] = *c,
        Edit::Insert(i, c) => chars.insert(i.index(id.len() + 1), *c),
        Edit::Delete(i) => {
            chars.remove(i.index(id.len()));
        }
        Edit::Truncate(i) => chars.truncate(i.index(id.len())),
        Edit::Repeat(n) => return id.repeat(*n),
        Edit::Prefix(k) => {
            let body = &id[id.find('_').unwrap() + 1..];
            return format!("{}{body}", KINDS[*k].prefix);
        }
        Edit::Upper => return id.to_uppercase(),
        Edit::Pad(before, after) => return format!("{before}{id}{after}"),
    }
    chars.into_iter().collect()
}

#[test]
fn valid_ids_parse_for_their_own_kind_only_and_display_unchanged() {
    check("ids_valid", valid_id(), |s| {
        let owners = KINDS.iter().filter(|k| (k.read)(&s).0.is_ok()).count();
        prop_assert_eq!(owners, 1, "{:?} is not exactly one kind's id", s);
        every_kind_agrees_with_the_pattern(&s)
    });
}

#[test]
fn near_miss_ids_are_refused_unless_they_still_match() {
    check("ids_near_miss", (valid_id(), edit()), |(id, edit)| {
        every_kind_agrees_with_the_pattern(&apply(&id, &edit))
    });
}

#[test]
fn arbitrary_strings_are_ids_only_if_they_match() {
    let prefixed = (0..KINDS.len(), ".{0,40}").prop_map(|(k, s)| format!("{}{s}", KINDS[k].prefix));
    let strings = prop_oneof![any::<String>(), prefixed, "[a-z0-9_]{0,40}"];
    check("ids_arbitrary", strings, |s| {
        every_kind_agrees_with_the_pattern(&s)
    });
}
