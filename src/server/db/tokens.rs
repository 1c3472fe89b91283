//! The `email_tokens` table: hashes of one-time tokens mailed to users.

use super::{Database, on_pool};

/// What a token proves when it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

/// Why a token could not be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    Unknown,
    Used,
    Expired,
}

pub async fn insert(
    db: &Database,
    token_hash: &str,
    user_id: i64,
    purpose: Purpose,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let sql = "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(token_hash)
            .bind(user_id)
            .bind(purpose.as_str())
            .bind(expires_at)
            .bind(now)
            .execute(pool)
            .await
            .map(drop)
    })?;
    Ok(())
}

/// Uses token `$1` of purpose `$2` at `$3` if it is usable then, returning its user: one
/// statement, so that two requests cannot both use it.
pub(super) const CONSUME: &str = "UPDATE email_tokens SET used_at = $3 \
    WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 \
    RETURNING user_id";

/// Marks the token used and returns its user, in one statement so that two requests
/// cannot both use it; otherwise says why it is unusable.
pub async fn consume(
    db: &Database,
    token_hash: &str,
    purpose: Purpose,
    now: i64,
) -> Result<Result<i64, Unusable>, sqlx::Error> {
    let used = on_pool!(db, |pool| {
        sqlx::query_scalar::<_, i64>(CONSUME)
            .bind(token_hash)
            .bind(purpose.as_str())
            .bind(now)
            .fetch_optional(pool)
            .await
    })?;
    match used {
        Some(user_id) => Ok(Ok(user_id)),
        None => Ok(Err(why_unusable(db, token_hash, purpose, now).await?)),
    }
}

/// Why a token that [`CONSUME`] did not use is unusable (`Used` if it became usable since).
pub(super) async fn why_unusable(
    db: &Database,
    token_hash: &str,
    purpose: Purpose,
    now: i64,
) -> Result<Unusable, sqlx::Error> {
    Ok(peek(db, token_hash, purpose, now)
        .await?
        .err()
        .unwrap_or(Unusable::Used))
}

/// The token's user if the token could be used now, without using it (the verification
/// page checks the password first, and a wrong one must not burn the link).
pub async fn peek(
    db: &Database,
    token_hash: &str,
    purpose: Purpose,
    now: i64,
) -> Result<Result<i64, Unusable>, sqlx::Error> {
    let sql = "SELECT user_id, used_at, expires_at FROM email_tokens \
               WHERE token_hash = $1 AND purpose = $2";
    let row = on_pool!(db, |pool| {
        sqlx::query_as::<_, (i64, Option<i64>, i64)>(sql)
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(pool)
            .await
    })?;
    Ok(match row {
        None => Err(Unusable::Unknown),
        Some((_, Some(_), _)) => Err(Unusable::Used),
        Some((_, None, expires_at)) if expires_at <= now => Err(Unusable::Expired),
        Some((user_id, None, _)) => Ok(user_id),
    })
}

/// Retires every unused token of this purpose, e.g. the other reset links once one is used.
pub async fn retire_all(
    db: &Database,
    user_id: i64,
    purpose: Purpose,
    now: i64,
) -> Result<(), sqlx::Error> {
    let sql = "UPDATE email_tokens SET used_at = $3 \
               WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL";
    on_pool!(db, |pool| {
        sqlx::query(sql)
            .bind(user_id)
            .bind(purpose.as_str())
            .bind(now)
            .execute(pool)
            .await
            .map(drop)
    })?;
    Ok(())
}
