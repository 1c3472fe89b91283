//! Query parameters of the list endpoints, and the pagination Paddle returns.

use serde::{Deserialize, Serialize};
use url::Url;

use crate::entities::{CustomerStatus, SubscriptionStatus};
use crate::ids::{CustomerId, SubscriptionId};

/// Filters for `GET /customers`. Empty lists and `None` mean "no filter".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCustomers {
    /// Exact email addresses to match.
    pub email: Vec<String>,
    /// Only these customers.
    pub id: Vec<CustomerId>,
    /// Only these statuses (Paddle's default is `active`).
    pub status: Vec<CustomerStatus>,
    /// Start after this customer (the cursor from [`Pagination::next_after`]).
    pub after: Option<CustomerId>,
    /// Page size; Paddle's default is 50 and its maximum 200.
    pub per_page: Option<u32>,
}

/// Filters for `GET /subscriptions`. Empty lists and `None` mean "no filter".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListSubscriptions {
    /// Only subscriptions of these customers.
    pub customer_id: Vec<CustomerId>,
    /// Only these statuses.
    pub status: Vec<SubscriptionStatus>,
    /// Start after this subscription (the cursor from [`Pagination::next_after`]).
    pub after: Option<SubscriptionId>,
    /// Page size; Paddle's default is 50 and its maximum 200.
    pub per_page: Option<u32>,
}

/// Query pairs: the spec's array parameters are comma-separated (`explode: false`).
#[derive(Default)]
pub(super) struct Query(Vec<(&'static str, String)>);

impl Query {
    fn list<'a>(mut self, key: &'static str, values: impl IntoIterator<Item = &'a str>) -> Self {
        let joined = values.into_iter().collect::<Vec<_>>().join(",");
        if !joined.is_empty() {
            self.0.push((key, joined));
        }
        self
    }

    fn opt(mut self, key: &'static str, value: Option<String>) -> Self {
        if let Some(value) = value {
            self.0.push((key, value));
        }
        self
    }

    /// Appends the pairs to `url`, leaving it without a `?` when there are none.
    pub(super) fn apply(self, url: &mut Url) {
        if !self.0.is_empty() {
            url.query_pairs_mut().extend_pairs(self.0);
        }
    }
}

impl ListCustomers {
    pub(super) fn query(&self) -> Query {
        Query::default()
            .opt("after", self.after.as_ref().map(ToString::to_string))
            .list("email", self.email.iter().map(String::as_str))
            .list("id", self.id.iter().map(CustomerId::as_str))
            .opt("per_page", self.per_page.map(|n| n.to_string()))
            .list("status", self.status.iter().map(|s| s.as_str()))
    }
}

impl ListSubscriptions {
    pub(super) fn query(&self) -> Query {
        Query::default()
            .opt("after", self.after.as_ref().map(ToString::to_string))
            .list(
                "customer_id",
                self.customer_id.iter().map(CustomerId::as_str),
            )
            .opt("per_page", self.per_page.map(|n| n.to_string()))
            .list("status", self.status.iter().map(|s| s.as_str()))
    }
}

/// `meta.pagination` of a list response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// Entities per page in this response.
    pub per_page: u32,
    /// URL of the next page; always present, even when `has_more` is false.
    pub next: String,
    /// Whether another page follows.
    pub has_more: bool,
    /// Estimated number of matching entities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_total: Option<u64>,
}

impl Pagination {
    /// The `after` cursor of the next page, or `None` on the last page.
    pub fn next_after(&self) -> Option<String> {
        if !self.has_more {
            return None;
        }
        let next = Url::parse(&self.next).ok()?;
        next.query_pairs()
            .find(|(key, _)| key == "after")
            .map(|(_, value)| value.into_owned())
    }
}
