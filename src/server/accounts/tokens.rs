//! One-time tokens for mailed links: 32 random bytes, url-safe base64 in the link,
//! only a SHA-256 hash in the database.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh token: the text for the link and the hash to store.
pub struct NewToken {
    pub token: String,
    pub hash: String,
}

pub fn generate() -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token).unwrap_or_default();
    NewToken { token, hash }
}

/// The stored form of `token`; `None` when it is not a token this app could have made,
/// so a tampered link fails without a database lookup.
pub fn hash(token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if bytes.len() != 32 {
        return None;
    }
    let digest = Sha256::digest(&bytes);
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_chars_and_hash_consistently() {
        let t = generate();
        assert_eq!(t.token.len(), 43);
        assert!(
            t.token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(hash(&t.token).as_deref(), Some(t.hash.as_str()));
        assert_eq!(t.hash.len(), 64);
        assert_ne!(generate().token, t.token);
    }

    #[test]
    fn tampered_tokens_have_no_hash() {
        assert_eq!(hash("not-a-token"), None);
        assert_eq!(hash(""), None);
        assert_eq!(hash(&"A".repeat(44)), None);
    }
}
