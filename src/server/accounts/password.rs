//! Password rules and argon2id hashing, off the async runtime.

/// Length bounds in characters; there are no other rules.
pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 256;

/// Whether `password` may be set.
pub fn acceptable(password: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&password.chars().count())
}

/// The hashing thread could not finish (it panicked or was cancelled).
#[derive(Debug, thiserror::Error)]
#[error("password hashing task failed")]
pub struct HashTaskFailed;

/// An argon2id PHC string for `password`.
pub async fn hash(password: String) -> Result<String, HashTaskFailed> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|_| HashTaskFailed)
}

/// Whether `password` matches `hash`. Without a stored hash (unknown user) a dummy
/// one is checked, so both cases take about as long.
pub async fn verify(password: String, hash: Option<String>) -> Result<bool, HashTaskFailed> {
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
        None => {
            let _ = password_auth::verify_password(password, dummy_hash());
            false
        }
    })
    .await
    .map_err(|_| HashTaskFailed)
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| password_auth::generate_hash("not a real password"));
    &DUMMY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_the_only_rule() {
        assert!(!acceptable("1234567"));
        assert!(acceptable("12345678"));
        assert!(acceptable(&"é".repeat(256)));
        assert!(!acceptable(&"a".repeat(257)));
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify("correct horse".into(), Some(h.clone()))
                .await
                .expect("ok")
        );
        assert!(!verify("wrong horse".into(), Some(h)).await.expect("ok"));
        assert!(!verify("x".into(), None).await.expect("ok"));
    }
}
