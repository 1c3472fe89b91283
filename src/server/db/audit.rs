//! `portal_audit`: who minted (or tried to mint) a portal session or link, and how it
//! went. Never the URL: its one-time token is a credential.
//!
//! Each row names its `actor`: `user:<id>` for a signed-in user of the web app, or
//! `operator:<OS user>` for `paddock portal-session` (which has no app user).

use super::{Database, on_pool};

/// `kind` of the rows `paddock portal-session` writes.
pub const OPERATOR_KIND: &str = "operator";

/// One attempt of a signed-in user to mint a portal session or deep link.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub user_id: i64,
    pub customer_id: Option<String>,
    /// `session` or `link`.
    pub kind: String,
    pub subscription_id: Option<String>,
    pub outcome: String,
    pub paddle_request_id: Option<String>,
    pub created_at: i64,
}

/// One attempt of an operator (`paddock portal-session`) to mint a portal session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorRow {
    /// `operator:<OS user>`.
    pub actor: String,
    pub customer_id: String,
    /// Stored comma-separated, in the order given; NULL when there are none.
    pub subscription_ids: Vec<String>,
    pub outcome: String,
    pub paddle_request_id: Option<String>,
    pub created_at: i64,
}

/// Any row as stored, whoever wrote it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    /// The app user; `None` for an operator.
    pub user_id: Option<i64>,
    /// `user:<id>` or `operator:<OS user>`.
    pub actor: Option<String>,
    pub customer_id: Option<String>,
    /// `session`, `link` or `operator`.
    pub kind: String,
    /// One id, or for `operator` rows every id passed, comma-separated.
    pub subscription_id: Option<String>,
    pub outcome: String,
    pub paddle_request_id: Option<String>,
    pub created_at: i64,
}

/// The `actor` of a signed-in user's rows.
pub fn user_actor(user_id: i64) -> String {
    format!("user:{user_id}")
}

const INSERT: &str = "INSERT INTO portal_audit (user_id, actor, customer_id, kind, \
    subscription_id, outcome, paddle_request_id, created_at) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends one row of a signed-in user.
pub async fn record(db: &Database, row: &AuditRow) -> Result<(), sqlx::Error> {
    insert(
        db,
        &AuditEntry {
            user_id: Some(row.user_id),
            actor: Some(user_actor(row.user_id)),
            customer_id: row.customer_id.clone(),
            kind: row.kind.clone(),
            subscription_id: row.subscription_id.clone(),
            outcome: row.outcome.clone(),
            paddle_request_id: row.paddle_request_id.clone(),
            created_at: row.created_at,
        },
    )
    .await
}

/// Appends one operator row (`kind` `operator`, no `user_id`).
pub async fn record_operator(db: &Database, row: &OperatorRow) -> Result<(), sqlx::Error> {
    insert(
        db,
        &AuditEntry {
            user_id: None,
            actor: Some(row.actor.clone()),
            customer_id: Some(row.customer_id.clone()),
            kind: OPERATOR_KIND.into(),
            subscription_id: (!row.subscription_ids.is_empty())
                .then(|| row.subscription_ids.join(",")),
            outcome: row.outcome.clone(),
            paddle_request_id: row.paddle_request_id.clone(),
            created_at: row.created_at,
        },
    )
    .await
}

async fn insert(db: &Database, row: &AuditEntry) -> Result<(), sqlx::Error> {
    on_pool!(db, |pool| {
        sqlx::query(INSERT)
            .bind(row.user_id)
            .bind(&row.actor)
            .bind(&row.customer_id)
            .bind(&row.kind)
            .bind(&row.subscription_id)
            .bind(&row.outcome)
            .bind(&row.paddle_request_id)
            .bind(row.created_at)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Every row of `user_id`, oldest first.
pub async fn for_user(db: &Database, user_id: i64) -> Result<Vec<AuditRow>, sqlx::Error> {
    let sql = "SELECT user_id, customer_id, kind, subscription_id, outcome, \
               paddle_request_id, created_at FROM portal_audit WHERE user_id = $1 ORDER BY id";
    on_pool!(db, |pool| {
        sqlx::query_as::<_, AuditRow>(sql)
            .bind(user_id)
            .fetch_all(pool)
            .await
    })
}

/// Every row of `actor` (e.g. `operator:alice`), oldest first.
pub async fn for_actor(db: &Database, actor: &str) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let sql = "SELECT user_id, actor, customer_id, kind, subscription_id, outcome, \
               paddle_request_id, created_at FROM portal_audit WHERE actor = $1 ORDER BY id";
    on_pool!(db, |pool| {
        sqlx::query_as::<_, AuditEntry>(sql)
            .bind(actor)
            .fetch_all(pool)
            .await
    })
}
