//! `EmailAddress`: the normalised form every lookup and uniqueness check uses.

use std::fmt;

/// A syntactically valid address, trimmed and lower-cased.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// The input is not an address this app can mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a valid email address")]
pub struct InvalidEmail;

/// The one normal form of an address: trimmed and lower-cased. Users, mirrored Paddle
/// customers and the email bridge between them all compare in this form.
pub fn normalize(raw: &str) -> String {
    raw.trim().to_lowercase()
}

impl EmailAddress {
    /// Trims, lower-cases and validates `raw`.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let email = normalize(raw);
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidEmail);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(InvalidEmail)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(InvalidEmail);
        }
        // The mailer must accept it too, or a sign-up could never be verified.
        email.parse::<lettre::Address>().map_err(|_| InvalidEmail)?;
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For rows already stored in normalised form.
    pub(crate) fn from_stored(email: String) -> Self {
        Self(email)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lower_cases() {
        let e = EmailAddress::parse("  Ada.Lovelace@Example.COM ").expect("valid");
        assert_eq!(e.as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn rejects_what_cannot_be_mailed() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@localhost",
            "ada@exa mple.com",
            "ada@@example.com",
            "ada@-example.com",
            "ada@example..com",
            "a\nb@example.com",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::parse(&long).is_err());
    }
}
