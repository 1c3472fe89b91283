//! `portal_audit`: who minted (or tried to mint) a portal session or link, and how it
//! went. Never the URL: its one-time token is a credential.
//!
//! Each row names its `actor`: `user:<id>` for a signed-in user of the web app, or
//! `operator:<OS user>` for `paddock portal-session` (which has no app user).

use sqlx::QueryBuilder;

use super::batcher::{BatchConnection, Batched, Batcher, on_kept};
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

/// `INSERT` of `$rows` (a slice of [`AuditEntry`]), in order, as one statement for
/// whichever backend `$run` executes it on.
macro_rules! insert_rows {
    ($rows:expr, |$query:ident| $run:expr) => {{
        let mut insert = QueryBuilder::new(
            "INSERT INTO portal_audit (user_id, actor, customer_id, kind, subscription_id, \
             outcome, paddle_request_id, created_at) ",
        );
        insert.push_values($rows, |mut b, row| {
            b.push_bind(row.user_id)
                .push_bind(&row.actor)
                .push_bind(&row.customer_id)
                .push_bind(&row.kind)
                .push_bind(&row.subscription_id)
                .push_bind(&row.outcome)
                .push_bind(&row.paddle_request_id)
                .push_bind(row.created_at);
        });
        let $query = insert.build();
        $run.map(|_| ())
    }};
}

/// Appends one row of a signed-in user.
pub async fn record(db: &Database, row: &AuditRow) -> Result<(), sqlx::Error> {
    insert(db, &row.entry()).await
}

impl AuditRow {
    /// The row as stored.
    pub fn entry(&self) -> AuditEntry {
        AuditEntry {
            user_id: Some(self.user_id),
            actor: Some(user_actor(self.user_id)),
            customer_id: self.customer_id.clone(),
            kind: self.kind.clone(),
            subscription_id: self.subscription_id.clone(),
            outcome: self.outcome.clone(),
            paddle_request_id: self.paddle_request_id.clone(),
            created_at: self.created_at,
        }
    }
}

/// Rows of the web app's mints, appended by the process's writer: under load, many
/// mints' rows share one statement and one commit instead of contending for the
/// database's write lock one each.
pub struct AuditRows;

/// The process's writer of audit rows; cheap to clone.
pub type AuditWriter = Batcher<AuditRows>;

#[async_trait::async_trait]
impl Batched for AuditRows {
    type Item = AuditEntry;
    type Answer = ();
    const WHAT: &'static str = "portal audit rows";

    /// One multi-row `INSERT` (atomic on its own), rows in order.
    async fn batch(
        conn: &mut BatchConnection,
        rows: &[AuditEntry],
    ) -> Result<Vec<()>, sqlx::Error> {
        on_kept!(conn, |conn| insert_rows!(rows, |q| q
            .execute(&mut **conn)
            .await))?;
        Ok(vec![(); rows.len()])
    }

    async fn alone(db: &Database, row: &AuditEntry) -> Result<(), sqlx::Error> {
        insert(db, row).await
    }
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
    on_pool!(db, |pool| insert_rows!(std::slice::from_ref(row), |q| q
        .execute(pool)
        .await))
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
