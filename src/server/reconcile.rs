//! `paddock reconcile`: pages through Paddle's customers and subscriptions and brings the
//! mirror up to date, e.g. after an outage or on a first install.
//!
//! Each API snapshot is written as if it were an event that occurred at the entity's
//! `updated_at`, through the webhook upserts: a newer webhook still wins, `canceled` stays
//! final, and a second run changes nothing.

use std::fmt;

use paddle::{
    Client, ClientError, CustomerStatus, ListCustomers, ListSubscriptions, SubscriptionStatus,
};

use crate::server::db::doctor::open_current;
use crate::server::db::snapshot::{self, Outcome};
use crate::server::db::{Database, DbError};
use crate::server::settings::Settings;
use crate::server::webhooks::apply::{customer_write, micros, subscription_write};

/// Paddle's largest page.
pub const PER_PAGE: u32 = 200;
/// How long the database may take to answer, and a query to get a connection.
const OPEN_WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// Why a reconcile stopped; the message is one line and names what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("database: {0}")]
    Database(#[from] DbError),
    #[error("HTTP client: {0}")]
    HttpClient(#[from] reqwest::Error),
    #[error("{0}")]
    Paddle(#[from] crate::server::paddle::PaddleStartError),
    #[error("Paddle API: {0}")]
    Api(#[from] ClientError),
    #[error("Paddle API: {0} {1} has an updated_at out of range")]
    Timestamp(&'static str, String),
    #[error("Paddle API: a page cursor is not an id ({0})")]
    Cursor(#[from] paddle::InvalidId),
    #[error(
        "Paddle API: the {0} pages {1}; stopped so that no page is skipped or read forever \
         (check PADDLE_API_URL, or a proxy that caches the API)"
    )]
    Paging(&'static str, &'static str),
    #[error("writing the mirror: {0}")]
    Write(#[from] sqlx::Error),
}

/// What a run did to one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub seen: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Tally {
    fn add(&mut self, outcomes: &[Outcome]) {
        for outcome in outcomes {
            self.seen += 1;
            match outcome {
                Outcome::Inserted => self.inserted += 1,
                Outcome::Updated => self.updated += 1,
                Outcome::Unchanged => self.unchanged += 1,
            }
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} seen, {} inserted, {} updated, {} unchanged",
            self.seen, self.inserted, self.updated, self.unchanged
        )
    }
}

/// What a whole run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub customers: Tally,
    pub subscriptions: Tally,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "customers: {}; subscriptions: {}",
            self.customers, self.subscriptions
        )
    }
}

/// The CLI: the app's settings, database and Paddle client; progress and summary on stdout.
pub async fn run(settings: &Settings) -> Result<Summary, ReconcileError> {
    let http = crate::server::state::http_client_with(settings.paddle.timeout)?;
    let client = crate::server::paddle::client_only(&settings.paddle, &http).await?;
    println!("reconciling with Paddle ({})", settings.paddle.describe());
    let db = open_current(&settings.database_url, OPEN_WITHIN).await?;
    let result = reconcile(&client, &db, &mut |line| println!("{line}")).await;
    db.close().await;
    let summary = result?;
    println!("done: {summary}");
    Ok(summary)
}

/// Pages through every customer, then every subscription, upserting each page in one
/// transaction; `progress` gets one line per page.
#[tracing::instrument(skip_all)]
pub async fn reconcile(
    client: &Client,
    db: &Database,
    progress: &mut dyn FnMut(String),
) -> Result<Summary, ReconcileError> {
    let mut summary = Summary::default();
    let mut query = ListCustomers {
        status: vec![CustomerStatus::Active, CustomerStatus::Archived],
        per_page: Some(PER_PAGE),
        ..ListCustomers::default()
    };
    for page_no in 1.. {
        let page = client.list_customers(&query).await?;
        tracing::debug!(request_id = %page.request_id, "customers page");
        let rows = page
            .data
            .iter()
            .map(|c| {
                let at = micros(c.updated_at)
                    .ok_or_else(|| ReconcileError::Timestamp("customer", c.id.to_string()))?;
                Ok(customer_write(c, at))
            })
            .collect::<Result<Vec<_>, ReconcileError>>()?;
        summary
            .customers
            .add(&snapshot::upsert_customers(db, &rows).await?);
        progress(format!(
            "customers page {page_no}: {} ({})",
            rows.len(),
            summary.customers
        ));
        let last = page.data.last().map(|c| c.id.as_str());
        let previous = query.after.as_ref().map(|id| id.as_str());
        match next_cursor("customer", &page.pagination, last, previous)? {
            Some(after) => query.after = Some(after.parse()?),
            None => break,
        }
    }
    let mut query = ListSubscriptions {
        status: SubscriptionStatus::ALL.to_vec(),
        per_page: Some(PER_PAGE),
        ..ListSubscriptions::default()
    };
    for page_no in 1.. {
        let page = client.list_subscriptions(&query).await?;
        tracing::debug!(request_id = %page.request_id, "subscriptions page");
        let rows = page
            .data
            .iter()
            .map(|s| {
                let at = micros(s.updated_at)
                    .ok_or_else(|| ReconcileError::Timestamp("subscription", s.id.to_string()))?;
                let scheduled = s
                    .scheduled_change
                    .as_ref()
                    .and_then(|c| serde_json::to_string(c).ok());
                Ok(subscription_write(
                    s,
                    s.items.to_json().to_string(),
                    scheduled,
                    at,
                ))
            })
            .collect::<Result<Vec<_>, ReconcileError>>()?;
        summary
            .subscriptions
            .add(&snapshot::upsert_subscriptions(db, &rows).await?);
        progress(format!(
            "subscriptions page {page_no}: {} ({})",
            rows.len(),
            summary.subscriptions
        ));
        let last = page.data.last().map(|s| s.id.as_str());
        let previous = query.after.as_ref().map(|id| id.as_str());
        match next_cursor("subscription", &page.pagination, last, previous)? {
            Some(after) => query.after = Some(after.parse()?),
            None => break,
        }
    }
    Ok(summary)
}

/// Where the page after one ending with `last` (and read after `previous`) starts, or
/// `None` after the last page. Paddle's cursor is the id of the page's last entity; a
/// list that says more follows but gives no such cursor (an empty page, none at all,
/// another id, the same one again) would skip entities or read one page forever, so it
/// stops the run.
fn next_cursor(
    what: &'static str,
    pagination: &paddle::Pagination,
    last: Option<&str>,
    previous: Option<&str>,
) -> Result<Option<String>, ReconcileError> {
    if !pagination.has_more {
        return Ok(None);
    }
    let Some(last) = last else {
        return Err(ReconcileError::Paging(
            what,
            "say more follow after an empty page",
        ));
    };
    match pagination.next_after() {
        None => Err(ReconcileError::Paging(
            what,
            "say more follow but give no cursor",
        )),
        Some(after) if after != last => Err(ReconcileError::Paging(
            what,
            "give a cursor that is not the id of the page's last entity",
        )),
        Some(after) if previous == Some(after.as_str()) => Err(ReconcileError::Paging(
            what,
            "repeat the page they just gave",
        )),
        Some(after) => Ok(Some(after)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAST: &str = "ctm_01hv6y1jedq4p1n0yqn5ba3ky4";

    fn page(has_more: bool, next: &str) -> paddle::Pagination {
        paddle::Pagination {
            per_page: 200,
            next: next.to_owned(),
            has_more,
            estimated_total: None,
        }
    }

    #[test]
    fn the_next_page_starts_after_the_last_entity_of_this_one() {
        let next = format!("https://api.paddle.com/customers?after={LAST}&per_page=200");
        let first = Some("ctm_01hv6y1jedq4p1n0yqn5ba3ky3");
        for previous in [None, first] {
            let cursor = next_cursor("customer", &page(true, &next), Some(LAST), previous);
            assert_eq!(cursor.expect("a cursor"), Some(LAST.to_owned()));
        }
        let done = next_cursor("customer", &page(false, &next), Some(LAST), None);
        assert_eq!(done.expect("the end"), None);
        let done = next_cursor("customer", &page(false, ""), None, first);
        assert_eq!(done.expect("an empty list"), None);
    }

    #[test]
    fn a_list_that_says_more_follow_without_a_usable_cursor_stops_the_run() {
        let other = "ctm_01hv6y1jedq4p1n0yqn5ba3ky5";
        let again = format!("https://x.test/customers?after={LAST}");
        for (pagination, last, previous) in [
            // More, after an empty page.
            (page(true, &again), None, None),
            // More, but no cursor.
            (
                page(true, "https://x.test/customers?per_page=200"),
                Some(LAST),
                None,
            ),
            (page(true, "not a url"), Some(LAST), None),
            // More, from somewhere else: a page skipped.
            (
                page(true, &format!("https://x.test/customers?after={other}")),
                Some(LAST),
                None,
            ),
            // The page just read, again.
            (page(true, &again), Some(LAST), Some(LAST)),
        ] {
            match next_cursor("customer", &pagination, last, previous) {
                Err(ReconcileError::Paging("customer", _)) => {}
                other => panic!("{pagination:?}: {other:?}"),
            }
        }
    }
}
