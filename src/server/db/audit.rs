//! `portal_audit`: who minted (or tried to mint) a portal session or link, and how it
//! went. Never the URL: its one-time token is a credential.

use super::{Database, on_pool};

/// One attempt to mint a portal session or deep link.
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

/// Appends one row.
pub async fn record(db: &Database, row: &AuditRow) -> Result<(), sqlx::Error> {
    let sql = "INSERT INTO portal_audit (user_id, customer_id, kind, subscription_id, \
               outcome, paddle_request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(row.user_id)
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
