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

use crate::server::db::snapshot::{self, Outcome};
use crate::server::db::{Database, DbError};
use crate::server::settings::Settings;
use crate::server::webhooks::apply::{customer_write, micros, subscription_write};

/// Paddle's largest page.
pub const PER_PAGE: u32 = 200;

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
    let db = Database::connect(&settings.database_url).await?;
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
        match page.pagination.next_after() {
            Some(after) if !rows.is_empty() => query.after = Some(after.parse()?),
            _ => break,
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
        match page.pagination.next_after() {
            Some(after) if !rows.is_empty() => query.after = Some(after.parse()?),
            _ => break,
        }
    }
    Ok(summary)
}
