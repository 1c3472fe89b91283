//! Typed Paddle ids: a prefix such as `ctm_` followed by 26 characters of `[a-z0-9]`.
//!
//! Each id can only be built through `parse` (or serde, which calls it), so a value of
//! type [`CustomerId`] is always a well-formed customer id.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Number of characters after the prefix, as in the spec's `^ctm_[a-z\d]{26}$` patterns.
pub const ID_BODY_LEN: usize = 26;

/// A string that is not a Paddle id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a Paddle {kind} id: expected `{prefix}` followed by 26 characters of a-z or 0-9")]
pub struct InvalidId {
    /// What kind of id was expected, for example `customer`.
    pub kind: &'static str,
    /// The prefix that was expected, for example `ctm_`.
    pub prefix: &'static str,
}

fn is_valid(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|body| {
        body.len() == ID_BODY_LEN
            && body
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

// Crockford's base32 in lower case: a subset of `[a-z0-9]`, as in Paddle's own ids.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh id body: 10 characters of milliseconds since the epoch, then 16 random ones.
///
/// The time prefix makes generated ids sort by creation, like Paddle's, which keeps
/// `after` pagination in the emulator simple.
fn generate_body() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    body_at(millis)
}

/// An id body whose time prefix is `millis` since the epoch.
fn body_at(millis: u128) -> String {
    let mut out = String::with_capacity(ID_BODY_LEN);
    for i in (0..10).rev() {
        out.push(char::from(ALPHABET[((millis >> (5 * i)) & 31) as usize]));
    }
    let mut rng = rand::rng();
    for _ in 0..16 {
        out.push(char::from(ALPHABET[rng.random_range(0..32)]));
    }
    out
}

macro_rules! paddle_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Checks `s` against the spec's pattern and wraps it.
            pub fn parse(s: impl Into<String>) -> Result<Self, InvalidId> {
                let s = s.into();
                if is_valid(&s, $prefix) {
                    Ok(Self(s))
                } else {
                    Err(InvalidId { kind: $kind, prefix: $prefix })
                }
            }

            /// A new random id, time-ordered like Paddle's (for the emulator and tests).
            pub fn generate() -> Self {
                Self(format!("{}{}", $prefix, generate_body()))
            }

            /// A new random id that sorts as if made at `at` (an emulator's clock, say).
            ///
            /// Instants before the epoch sort as the epoch.
            pub fn generate_at(at: time::OffsetDateTime) -> Self {
                let millis = u128::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
                Self(format!("{}{}", $prefix, body_at(millis)))
            }

            /// The id as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an owned string.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::parse(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

paddle_id!(
    /// A customer id, `ctm_…`.
    CustomerId, "ctm_", "customer"
);
paddle_id!(
    /// A subscription id, `sub_…`.
    SubscriptionId, "sub_", "subscription"
);
paddle_id!(
    /// A customer portal session id, `cpls_…`.
    PortalSessionId, "cpls_", "customer portal session"
);
paddle_id!(
    /// The id of a customer portal link, `cpl_…`: the path segment of a portal URL.
    PortalLinkId, "cpl_", "customer portal link"
);
paddle_id!(
    /// A webhook event id, `evt_…`: the key to deduplicate deliveries on.
    EventId, "evt_", "event"
);
paddle_id!(
    /// A notification (one delivery of an event) id, `ntf_…`.
    NotificationId, "ntf_", "notification"
);
paddle_id!(
    /// The event id of a delivery from Paddle's webhook simulator, `ntfsimevt_…`: its data
    /// is simulated (Paddle's samples, or a payload of your own), and it carries no
    /// notification id.
    SimulationEventId, "ntfsimevt_", "simulation event"
);
paddle_id!(
    /// An address id, `add_…`.
    AddressId, "add_", "address"
);
paddle_id!(
    /// A business id, `biz_…`.
    BusinessId, "biz_", "business"
);
paddle_id!(
    /// A price id, `pri_…`.
    PriceId, "pri_", "price"
);
paddle_id!(
    /// A product id, `pro_…`.
    ProductId, "pro_", "product"
);
paddle_id!(
    /// A transaction id, `txn_…`.
    TransactionId, "txn_", "transaction"
);

#[cfg(test)]
mod tests;
