//! A password reset's writes, in one transaction: the link used, the new hash set, the
//! address verified, the account's other links retired. All or nothing: a failure on the
//! way leaves the link usable and the password as it was.

use super::tokens::{CONSUME, Purpose, Unusable, why_unusable};
use super::users::LIVE;
use super::{Database, on_pool};

/// Uses the reset link whose token hashes to `token_hash` and sets `password_hash` on its
/// account, if the link is usable at `now` and the account live (verified, or created
/// after `unverified_cutoff`). Returns the account's id, or why the link is unusable (an
/// account gone since is `Expired`, and its link stays unused).
pub async fn reset_password(
    db: &Database,
    token_hash: &str,
    password_hash: &str,
    now: i64,
    unverified_cutoff: i64,
) -> Result<Result<i64, Unusable>, sqlx::Error> {
    // The link reached the inbox, which proves the address too; the password is now the
    // mailbox owner's own, so the verification links go with the other reset links.
    let set = format!(
        "UPDATE users SET password_hash = $3, \
         email_verified_at = COALESCE(email_verified_at, $4) WHERE id = $1 AND {LIVE}"
    );
    let retire = "UPDATE email_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL";
    let purpose = Purpose::ResetPassword.as_str();
    let done: Option<Result<i64, Unusable>> = on_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let user: Option<i64> = sqlx::query_scalar(CONSUME)
            .bind(token_hash)
            .bind(purpose)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        match user {
            None => None,
            Some(user_id) => {
                let set = sqlx::query(&set)
                    .bind(user_id)
                    .bind(unverified_cutoff)
                    .bind(password_hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if set.rows_affected() == 1 {
                    sqlx::query(retire)
                        .bind(user_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Some(Ok(user_id))
                } else {
                    // Dropped uncommitted: rolled back, the link unused.
                    Some(Err(Unusable::Expired))
                }
            }
        }
    });
    match done {
        Some(done) => Ok(done),
        None => Ok(Err(why_unusable(
            db,
            token_hash,
            Purpose::ResetPassword,
            now,
        )
        .await?)),
    }
}
