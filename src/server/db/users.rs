//! The `users` table.

use super::{Database, on_pool};

/// A row of `users`, as stored.
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

/// Inserts an unverified user; `Ok(None)` when the email is taken.
pub async fn insert(
    db: &Database,
    email: &str,
    password_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
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

pub async fn by_email(db: &Database, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE email = $1");
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, Row>(&sql)
            .bind(email)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(into_row))
}

pub async fn by_id(db: &Database, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, Row>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(into_row))
}

/// Marks the address as proven; keeps the first verification time.
pub async fn mark_verified(db: &Database, id: i64, now: i64) -> Result<(), sqlx::Error> {
    let sql = "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $2) WHERE id = $1";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(id)
            .bind(now)
            .execute(pool)
            .await
            .map(drop)
    })?;
    Ok(())
}

pub async fn set_password_hash(db: &Database, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    let sql = "UPDATE users SET password_hash = $2 WHERE id = $1";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(id)
            .bind(hash)
            .execute(pool)
            .await
            .map(drop)
    })?;
    Ok(())
}
