//! Slots in the abuse limits that one request holds: taken *before* the work they limit
//! (a password check, a mail), so parallel requests are counted as they start.

use crate::server::accounts::Failure;
use crate::server::limits::{Limits, Rule};

/// The slots one request took; `release` gives them back (a log-in that succeeded, or a
/// request turned away before its work started).
pub struct Slots<'a> {
    limits: &'a Limits,
    taken: Vec<(Rule, String)>,
}

impl<'a> Slots<'a> {
    /// Takes one slot under each `(rule, key)`, in order; if any is full, gives back
    /// those already taken and answers `Limited` with that limit's wait.
    pub async fn take(
        limits: &'a Limits,
        wanted: impl IntoIterator<Item = (Rule, String)>,
    ) -> Result<Self, Failure> {
        let mut slots = Self {
            limits,
            taken: Vec::new(),
        };
        for (rule, key) in wanted {
            if let Err(wait) = limits.reserve(&rule, &key).await {
                slots.release().await;
                return Err(Failure::Limited(wait));
            }
            slots.taken.push((rule, key));
        }
        Ok(slots)
    }

    /// Gives every slot back.
    pub async fn release(&self) {
        for (rule, key) in &self.taken {
            self.limits.release(rule, key).await;
        }
    }

    /// Gives the slots back when `result` says the work never started (the password
    /// hasher was busy), and passes `result` on. A failure after the work started (a
    /// mail the relay refused, a database error) keeps them: whether a relay refuses a
    /// recipient is often the client's choice, and each attempt cost a password hash.
    pub async fn release_unless_started<T>(
        &self,
        result: Result<T, Failure>,
    ) -> Result<T, Failure> {
        if matches!(result, Err(Failure::Busy)) {
            self.release().await;
        }
        result
    }
}
