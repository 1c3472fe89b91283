//! The `users` table.
//!
//! An account never verified is *live* only until its `created_at` is older than the
//! cutoff the caller passes (`accounts::UNVERIFIED_TTL_SECS` before now): after that every
//! lookup treats it as absent, sign-up may take the address again, and the sweep deletes
//! it (its tokens go with it; its sessions end, as their user is gone).

use super::batcher::BatchConnection;
use super::{Database, on_pool};

/// A row of `users`, as stored.
#[derive(Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub email_verified_at: Option<i64>,
}

type Row = (i64, String, String, Option<i64>);

fn into_row((id, email, password_hash, email_verified_at): Row) -> UserRow {
    UserRow {
        id,
        email,
        password_hash,
        email_verified_at,
    }
}

/// Inserts an unverified user; `Ok(None)` when a live account has the email. An expired
/// unverified account with that email is deleted first.
pub async fn insert(
    db: &Database,
    email: &str,
    password_hash: &str,
    now: i64,
    unverified_cutoff: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = "DELETE FROM users WHERE email = $1 AND email_verified_at IS NULL \
               AND created_at <= $2";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(email)
            .bind(unverified_cutoff)
            .execute(pool)
            .await
            .map(drop)
    })?;
    let sql =
        "INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id";
    let result = on_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(email)
            .bind(password_hash)
            .bind(now)
            .fetch_one(pool)
            .await
    });
    match result {
        Ok(id) => Ok(Some(id)),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(None),
        Err(e) => Err(e),
    }
}

const SELECT: &str = "SELECT id, email, password_hash, email_verified_at FROM users";
/// Verified, or unverified but younger than the cutoff (`$2`).
pub(super) const LIVE: &str = "(email_verified_at IS NOT NULL OR created_at > $2)";

/// The live account with this (normalised) email.
pub async fn by_email(
    db: &Database,
    email: &str,
    unverified_cutoff: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE email = $1 AND {LIVE}");
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, Row>(&sql)
            .bind(email)
            .bind(unverified_cutoff)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(into_row))
}

/// The live account with this id.
pub async fn by_id(
    db: &Database,
    id: i64,
    unverified_cutoff: i64,
) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE id = $1 AND {LIVE}");
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, Row>(&sql)
            .bind(id)
            .bind(unverified_cutoff)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(into_row))
}

/// The live accounts among `ids` (in no particular order), with one fixed statement:
/// the ids as one JSON array on SQLite, as one array on Postgres.
pub async fn live_by_ids(
    conn: &mut BatchConnection,
    ids: &[i64],
    unverified_cutoff: i64,
) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows: Vec<Row> = match conn {
        BatchConnection::Sqlite(conn) => {
            let sql = format!("{SELECT} WHERE id IN (SELECT value FROM json_each($1)) AND {LIVE}");
            let ids = serde_json::to_string(ids).map_err(|e| sqlx::Error::Encode(e.into()))?;
            sqlx::query_as(&sql)
                .bind(ids)
                .bind(unverified_cutoff)
                .fetch_all(&mut **conn)
                .await?
        }
        BatchConnection::Postgres(conn) => {
            let sql = format!("{SELECT} WHERE id = ANY($1) AND {LIVE}");
            sqlx::query_as(&sql)
                .bind(ids)
                .bind(unverified_cutoff)
                .fetch_all(&mut **conn)
                .await?
        }
    };
    Ok(rows.into_iter().map(into_row).collect())
}

/// Marks the address of a live account as proven (keeping the first verification
/// time); `false` when the account has expired or is gone.
pub async fn mark_verified(
    db: &Database,
    id: i64,
    now: i64,
    unverified_cutoff: i64,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $3) \
         WHERE id = $1 AND {LIVE}"
    );
    let done = on_pool!(db, |pool| {
        sqlx::query(&sql)
            .bind(id)
            .bind(unverified_cutoff)
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Deletes every account never verified and created at or before the cutoff; their
/// tokens go with them. Returns how many.
pub async fn delete_expired_unverified(
    db: &Database,
    unverified_cutoff: i64,
) -> Result<u64, sqlx::Error> {
    let sql = "DELETE FROM users WHERE email_verified_at IS NULL AND created_at <= $1";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(unverified_cutoff)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}
