//! Why no portal URL: one enum that crosses the wire (`FromServerFnError`, encoded by
//! [`super::PortalJsonEncoding`]), matched by variant in the island and on the
//! dashboard. Each says in plain words what happened and what the user can do next.

/// Why there is no portal URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortalError {
    /// 401: nobody is signed in.
    NotAuthenticated,
    /// 403: the account's email is not verified.
    Unverified,
    /// 404: no Paddle customer uses the account's email.
    NoCustomer,
    /// 409: several mirrored customers use the account's email, and which is the user's
    /// cannot be told, so none is used.
    SharedEmail,
    /// 404: the subscription is not one of the user's.
    SubscriptionNotFound,
    /// 422: the subscription id does not have Paddle's shape.
    BadSubscriptionId,
    /// 422: an unknown action, or a request without its fields.
    BadRequest,
    /// 429: over the per-user mint limit; try again after this many seconds.
    Limited { retry_after: u64 },
    /// 503: Paddle failed or timed out.
    Unavailable,
    /// The browser got no answer at all (offline, or the server is down).
    Unreachable,
}

/// What the user can do next, as a link or a retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Follow a link: `(text, href)`.
    Link(&'static str, &'static str),
    /// Press the button again.
    Retry,
}

impl PortalError {
    /// The short name on the wire (`{"error": "no_customer", …}`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAuthenticated => "not_authenticated",
            Self::Unverified => "unverified",
            Self::NoCustomer => "no_customer",
            Self::SharedEmail => "shared_email",
            Self::SubscriptionNotFound => "subscription_not_found",
            Self::BadSubscriptionId => "bad_subscription_id",
            Self::BadRequest => "bad_request",
            Self::Limited { .. } => "limited",
            Self::Unavailable => "unavailable",
            Self::Unreachable => "unreachable",
        }
    }

    /// The variant a wire code names; an unknown code reads as `Unavailable`.
    pub fn from_code(code: &str, retry_after: Option<u64>) -> Self {
        match code {
            "not_authenticated" => Self::NotAuthenticated,
            "unverified" => Self::Unverified,
            "no_customer" => Self::NoCustomer,
            "shared_email" => Self::SharedEmail,
            "subscription_not_found" => Self::SubscriptionNotFound,
            "bad_subscription_id" => Self::BadSubscriptionId,
            "bad_request" => Self::BadRequest,
            "limited" => Self::Limited {
                retry_after: retry_after.unwrap_or(60).max(1),
            },
            "unreachable" => Self::Unreachable,
            _ => Self::Unavailable,
        }
    }

    /// What happened, for people; never an internal detail.
    pub fn message(&self) -> String {
        match self {
            Self::NotAuthenticated => "Not authenticated: you are signed out.".into(),
            Self::Unverified => "Verify your email address first.".into(),
            Self::NoCustomer => {
                "No Paddle customer: there is no subscription for your email yet.".into()
            }
            Self::SharedEmail => "More than one Paddle customer uses your email, so Paddock \
                                  cannot tell which is yours. Contact support."
                .into(),
            Self::SubscriptionNotFound => "Subscription not found.".into(),
            Self::BadSubscriptionId => "Not a Paddle subscription id.".into(),
            Self::BadRequest => "Unknown action or missing field.".into(),
            Self::Limited { retry_after } => {
                format!("Too many requests. Try again in {retry_after} seconds.")
            }
            Self::Unavailable => {
                "The billing portal is temporarily unavailable. Please try again.".into()
            }
            Self::Unreachable => {
                "Could not reach Paddock. Check your connection and try again.".into()
            }
        }
    }

    /// What the user can do about it.
    pub fn next_step(&self) -> NextStep {
        match self {
            Self::NotAuthenticated => NextStep::Link("Log in again", "/login?next=/dashboard"),
            Self::Unverified => NextStep::Link("See how", "/dashboard"),
            Self::NoCustomer => NextStep::Link("Subscribe first", "/dashboard#subscribe-title"),
            Self::SharedEmail => NextStep::Link("Back to your dashboard", "/dashboard"),
            Self::SubscriptionNotFound | Self::BadSubscriptionId | Self::BadRequest => {
                NextStep::Link("Reload your subscriptions", "/dashboard")
            }
            Self::Limited { .. } | Self::Unavailable | Self::Unreachable => NextStep::Retry,
        }
    }
}

impl std::fmt::Display for PortalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_through_its_code() {
        for e in [
            PortalError::NotAuthenticated,
            PortalError::Unverified,
            PortalError::NoCustomer,
            PortalError::SharedEmail,
            PortalError::SubscriptionNotFound,
            PortalError::BadSubscriptionId,
            PortalError::BadRequest,
            PortalError::Limited { retry_after: 42 },
            PortalError::Unavailable,
            PortalError::Unreachable,
        ] {
            let retry = match &e {
                PortalError::Limited { retry_after } => Some(*retry_after),
                _ => None,
            };
            assert_eq!(PortalError::from_code(e.code(), retry), e);
        }
        assert_eq!(PortalError::from_code("??", None), PortalError::Unavailable);
    }
}
