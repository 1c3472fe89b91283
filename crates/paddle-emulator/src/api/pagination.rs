//! List queries: the parameters each operation takes, comma-separated filters,
//! `order_by` (Paddle's default `id[DESC]`), `after` cursors and `per_page`.

use paddle::Pagination;
use url::Url;

use super::reply::{ApiError, field};

/// An operation's `per_page`: the size when none is asked for, and the largest (a larger
/// request gets this many).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageSize {
    pub(crate) default: usize,
    pub(crate) max: usize,
}

/// `per_page_query`: most lists.
pub(crate) const LIST_PAGES: PageSize = PageSize {
    default: 50,
    max: 200,
};
/// `per_page_transaction_query`: `GET /transactions`.
pub(crate) const TRANSACTION_PAGES: PageSize = PageSize {
    default: 30,
    max: 30,
};

/// A list request's query string, parsed.
#[derive(Debug)]
pub(crate) struct ListQuery {
    pairs: Vec<(String, String)>,
    after: Option<String>,
    per_page: usize,
    descending: bool,
}

/// The query parameters an operation takes, as the spec lists them.
pub(crate) struct Params {
    /// Served.
    pub(crate) served: &'static [&'static str],
    /// Listed by the spec, not carried out by the emulator yet: refused, never ignored.
    pub(crate) unimplemented: &'static [&'static str],
}

impl Params {
    /// `invalid_field` for each parameter of `raw` that is not served: unknown to the
    /// spec for this operation, or not implemented by the emulator. A parameter with an
    /// operator (`billed_at[LT]`) is named by its field.
    pub(crate) fn check(&self, raw: Option<&str>) -> Result<(), ApiError> {
        let mut errors = Vec::new();
        for (key, _) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let name = key.split('[').next().unwrap_or_default();
            let shown: String = key.chars().take(64).collect();
            if self.served.contains(&name)
                || errors
                    .iter()
                    .any(|e: &paddle::error::FieldError| e.field == shown)
            {
                continue;
            }
            let message = if self.unimplemented.contains(&name) {
                "is not implemented by the Paddle emulator"
            } else {
                "is not a valid query parameter for this operation"
            };
            errors.push(field(shown, message));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid_field(errors))
        }
    }
}

/// One page of matching entities and where the next one starts.
pub(crate) struct Paged<T> {
    pub(crate) items: Vec<T>,
    pub(crate) pagination: Pagination,
}

impl ListQuery {
    /// Parses the raw query with the usual page sizes ([`LIST_PAGES`]).
    pub(crate) fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        Self::parse_paged(raw, LIST_PAGES)
    }

    /// Parses the raw query; a `per_page` that is not a positive integer is refused.
    fn parse_paged(raw: Option<&str>, pages: PageSize) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        let first = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
        };
        let after = first("after").filter(|a| !a.is_empty());
        let per_page = match first("per_page") {
            None => pages.default,
            Some(text) => match text.parse::<u64>() {
                Ok(n) if n >= 1 => usize::try_from(n).unwrap_or(pages.max).min(pages.max),
                _ => {
                    return Err(ApiError::invalid_field(vec![field(
                        "per_page",
                        "must be an integer of at least 1",
                    )]));
                }
            },
        };
        let mut query = Self {
            pairs,
            after,
            per_page,
            descending: true,
        };
        query.descending = query.order_by()?;
        Ok(query)
    }

    /// Checks the parameters against `params`, then parses them.
    pub(crate) fn for_operation(raw: Option<&str>, params: &Params) -> Result<Self, ApiError> {
        Self::for_list(raw, params, LIST_PAGES)
    }

    /// [`Self::for_operation`] for a list whose page sizes are `pages`.
    pub(crate) fn for_list(
        raw: Option<&str>,
        params: &Params,
        pages: PageSize,
    ) -> Result<Self, ApiError> {
        params.check(raw)?;
        Self::parse_paged(raw, pages)
    }

    /// Every `key` and `key[OP]` parameter: `(OP or "", value)`, in the query's order.
    pub(crate) fn with_operators(&self, key: &str) -> Vec<(String, String)> {
        self.pairs
            .iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(key)?;
                let op = if rest.is_empty() {
                    ""
                } else {
                    rest.strip_prefix('[')?.strip_suffix(']')?
                };
                Some((op.to_owned(), v.trim().to_owned()))
            })
            .collect()
    }

    /// The first value of `key`, trimmed.
    pub(crate) fn first(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
    }

    /// The comma-separated values of `key` (all occurrences), or `None` if it is absent.
    pub(crate) fn values(&self, key: &str) -> Option<Vec<String>> {
        let values: Vec<String> = self
            .pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        (!values.is_empty()).then_some(values)
    }

    /// Checks that every value of `key` is one of `allowed`.
    pub(crate) fn enum_values(
        &self,
        key: &str,
        allowed: &[&str],
    ) -> Result<Option<Vec<String>>, ApiError> {
        let Some(values) = self.values(key) else {
            return Ok(None);
        };
        if let Some(bad) = values.iter().find(|v| !allowed.contains(&v.as_str())) {
            let message = format!("`{bad}` is not one of: {}", allowed.join(", "));
            return Err(ApiError::invalid_field(vec![field(key, message)]));
        }
        Ok(Some(values))
    }

    /// The page after the cursor of `matching` (given in ascending id order) in the
    /// order `order_by` asks for, and its `meta.pagination`.
    ///
    /// `base` is the absolute URL of the list endpoint, without a query.
    pub(crate) fn paginate<T>(&self, mut matching: Vec<(String, T)>, base: &str) -> Paged<T> {
        if self.descending {
            matching.reverse();
        }
        self.paginate_ordered(matching, base, self.descending)
    }

    /// `order_by`: `id[ASC]` or `id[DESC]` (Paddle's default); `true` for DESC.
    fn order_by(&self) -> Result<bool, ApiError> {
        let Some(values) = self.values("order_by") else {
            return Ok(true);
        };
        match values.as_slice() {
            [one] if one == "id[ASC]" => Ok(false),
            [one] if one == "id[DESC]" => Ok(true),
            _ => Err(ApiError::invalid_field(vec![field(
                "order_by",
                "must be id[ASC] or id[DESC]",
            )])),
        }
    }

    /// Like [`Self::paginate`]; with `descending`, `matching` comes in descending id
    /// order and the page starts below the cursor.
    fn paginate_ordered<T>(
        &self,
        matching: Vec<(String, T)>,
        base: &str,
        descending: bool,
    ) -> Paged<T> {
        let total = matching.len();
        let mut rest = matching
            .into_iter()
            .filter(|(id, _)| {
                self.after.as_deref().is_none_or(|after| {
                    if descending {
                        id.as_str() < after
                    } else {
                        id.as_str() > after
                    }
                })
            })
            .peekable();
        let mut items = Vec::with_capacity(self.per_page.min(total));
        let mut last = self.after.clone();
        while items.len() < self.per_page {
            let Some((id, item)) = rest.next() else { break };
            last = Some(id);
            items.push(item);
        }
        let has_more = rest.peek().is_some();
        Paged {
            items,
            pagination: Pagination {
                per_page: u32::try_from(self.per_page).unwrap_or(u32::MAX),
                next: self.next_url(base, last.as_deref()),
                has_more,
                estimated_total: Some(u64::try_from(total).unwrap_or(u64::MAX)),
            },
        }
    }

    /// The request's own query with `after` set to `last`.
    fn next_url(&self, base: &str, last: Option<&str>) -> String {
        let Ok(mut url) = Url::parse(base) else {
            return base.to_owned();
        };
        let kept = self.pairs.iter().filter(|(k, _)| k != "after");
        let after = last.map(|id| ("after".to_owned(), id.to_owned()));
        let pairs: Vec<(String, String)> = kept.cloned().chain(after).collect();
        if !pairs.is_empty() {
            url.query_pairs_mut().extend_pairs(pairs);
        }
        url.into()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

    use super::*;

    fn ids(n: usize) -> Vec<(String, usize)> {
        (0..n).map(|i| (format!("ctm_{i:03}"), i)).collect()
    }

    #[test]
    fn pages_follow_the_cursor_until_nothing_is_left() {
        let base = "http://127.0.0.1:3900/customers";
        let query = ListQuery::parse(Some("per_page=2&email=a@x.com&order_by=id[ASC]")).unwrap();
        let first = query.paginate(ids(5), base);
        assert_eq!(first.items, [0, 1]);
        assert!(first.pagination.has_more);
        assert_eq!(first.pagination.estimated_total, Some(5));
        assert_eq!(
            first.pagination.next,
            "http://127.0.0.1:3900/customers?per_page=2&email=a%40x.com&order_by=id%5BASC%5D&after=ctm_001"
        );
        let next = Url::parse(&first.pagination.next).unwrap();
        let last = ListQuery::parse(next.query()).unwrap();
        let second = last.paginate(ids(5), base);
        assert_eq!(second.items, [2, 3]);
        let third = ListQuery::parse(Some("per_page=2&after=ctm_003&order_by=id[ASC]")).unwrap();
        let third = third.paginate(ids(5), base);
        assert_eq!(third.items, [4]);
        assert!(!third.pagination.has_more);
    }

    #[test]
    fn per_page_defaults_to_50_caps_at_200_and_must_be_positive() {
        assert_eq!(ListQuery::parse(None).unwrap().per_page, 50);
        assert_eq!(
            ListQuery::parse(Some("per_page=500")).unwrap().per_page,
            200
        );
        for bad in ["per_page=0", "per_page=-1", "per_page=ten"] {
            assert_eq!(
                ListQuery::parse(Some(bad)).unwrap_err().code(),
                "invalid_field"
            );
        }
    }

    #[test]
    fn the_default_order_is_id_desc_and_the_cursor_moves_down() {
        let base = "http://127.0.0.1:3900/customers";
        let first = ListQuery::parse(Some("per_page=2"))
            .unwrap()
            .paginate(ids(5), base);
        assert_eq!(first.items, [4, 3]);
        let next = ListQuery::parse(Some("per_page=2&after=ctm_003")).unwrap();
        assert_eq!(next.paginate(ids(5), base).items, [2, 1]);
        assert!(ListQuery::parse(Some("order_by=email[ASC]")).is_err());
    }

    #[test]
    fn parameters_the_operation_does_not_take_are_invalid_fields() {
        let params = Params {
            served: &["after", "status"],
            unimplemented: &["billed_at"],
        };
        assert!(params.check(Some("status=active&after=x")).is_ok());
        let err = params
            .check(Some("colour=red&billed_at[LT]=x"))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_field");
        assert_eq!(err.field_names(), ["colour", "billed_at[LT]"]);
    }

    #[test]
    fn list_values_are_comma_separated() {
        let query = ListQuery::parse(Some("status=active,%20archived&status=x")).unwrap();
        assert_eq!(query.values("status").unwrap(), ["active", "archived", "x"]);
        assert!(
            query
                .enum_values("status", &["active", "archived"])
                .is_err()
        );
        assert_eq!(query.values("id"), None);
    }
}
